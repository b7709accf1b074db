// command_corpus.cc — `openrace corpus add FINDING_DIR`: the finding as a
// regression corpus file (corpus_entry.h) that CI replays.

#include <cstdio>
#include <filesystem>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "harness/cli/commands.h"
#include "harness/store/corpus_entry.h"
#include "harness/base/file_util.h"

namespace openrace {

int RunCorpusAdd(const CorpusAddCommand& command) {
  namespace fs = std::filesystem;
  std::error_code ec;
  if (!fs::is_directory(command.corpus_dir, ec)) {
    return UsageError(absl::InvalidArgumentError(absl::StrCat(
        "corpus directory ", command.corpus_dir,
        " does not exist; run from the repository's root or give --corpus "
        "DIR")));
  }
  std::string name;
  if (!command.name.empty()) {
    absl::StatusOr<std::string> checked = CheckCorpusName(command.name);
    if (!checked.ok()) return UsageError(checked.status());
    name = *checked;
  }
  absl::StatusOr<CorpusEntry> entry =
      MakeCorpusEntry({.finding_dir = command.finding_dir,
                       .emulator_rule = command.emulator_rule,
                       .now = absl::Now()});
  if (!entry.ok()) return UsageError(entry.status());
  if (name.empty()) name = entry->default_name;
  const std::string path =
      absl::StrCat(AbsolutePath(command.corpus_dir), "/", name, ".scn");
  if (fs::exists(path, ec) || fs::is_symlink(path, ec)) {
    return UsageError(absl::AlreadyExistsError(absl::StrCat(
        path, " exists; openrace never overwrites a corpus file (give "
              "--name NAME)")));
  }
  absl::Status written = WriteFileAtomically(path, entry->text);
  if (!written.ok()) return UsageError(written);
  std::printf("openrace: added %s (%s%s)\n", path.c_str(),
              entry->minimized ? "the minimized scenario"
                               : "found.scn: the finding was never minimized",
              !entry->planted
                  ? "; expects a clean replay"
                  : "; expects the finding under the emulator, clean without");
  std::printf("next: commit it; CTest replays every corpus file and checks "
              "its expectations (openrace_add_corpus: ctest -R corpus.%s)\n",
              name.c_str());
  return kExitClean;
}

}  // namespace openrace
