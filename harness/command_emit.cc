// command_emit.cc — `openrace emit FILE --lang c-posix|c-win32|c-nt`: the
// scenario as a standalone C reproducer, on stdout or in --out (written
// atomically).
//
// A finding directory's files say what they hold in their header, and the
// reproducer quotes it: `# found: SIG` / `# minimized: SIG` give the
// signature, `# failing call: thread T op I: ...` (found.scn) the call whose
// unexpected failures decide the verdict.

#include <cstdio>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "harness/commands.h"
#include "harness/emit_c.h"
#include "harness/file_util.h"

namespace openrace {
namespace {

// What the header comments of a finding file say.
void ReadHeader(absl::string_view text, const Scenario& scenario,
                EmitOptions* options) {
  for (absl::string_view line : absl::StrSplit(text, '\n')) {
    line = absl::StripTrailingAsciiWhitespace(line);
    if (!absl::ConsumePrefix(&line, "#")) {
      if (absl::StripAsciiWhitespace(line).empty()) continue;
      break;  // the header ends at the first line that is not a comment
    }
    line = absl::StripLeadingAsciiWhitespace(line);
    if (absl::ConsumePrefix(&line, "found: ") ||
        absl::ConsumePrefix(&line, "minimized: ")) {
      options->signature = std::string(absl::StripAsciiWhitespace(line));
      continue;
    }
    size_t thread = 0, op = 0;
    if (!absl::ConsumePrefix(&line, "failing call: thread ")) continue;
    const std::vector<absl::string_view> words = absl::StrSplit(line, ' ');
    if (words.size() >= 3 && words[1] == "op" &&
        absl::SimpleAtoi(words[0], &thread) &&
        absl::SimpleAtoi(absl::StripSuffix(words[2], ":"), &op) &&
        thread < scenario.threads.size() &&
        op < scenario.threads[thread].ops.size()) {
      options->focus = OpRef{thread, op};
    }
  }
}

}  // namespace

int RunEmit(const EmitCommand& command) {
  absl::StatusOr<EmitLanguage> lang = ParseEmitLanguage(command.lang);
  if (!lang.ok()) return UsageError(lang.status());
  absl::StatusOr<Scenario> scenario = LoadScenario(command.file);
  if (!scenario.ok()) return UsageError(scenario.status());
  absl::StatusOr<std::string> text = ReadFile(command.file);
  if (!text.ok()) return UsageError(text.status());
  EmitOptions options;
  ReadHeader(*text, *scenario, &options);
  absl::StatusOr<std::string> c = EmitC(*scenario, *lang, options);
  if (!c.ok() && options.focus &&
      c.status().code() == absl::StatusCode::kInvalidArgument) {
    // A header that names something other than a call: emit without focus.
    options.focus.reset();
    c = EmitC(*scenario, *lang, options);
  }
  if (!c.ok()) {
    return UsageError(absl::Status(
        c.status().code(), absl::StrCat(command.file, ": --lang ", command.lang,
                                        ": ", c.status().message())));
  }
  if (command.out.empty()) {
    std::fwrite(c->data(), 1, c->size(), stdout);
    return std::fflush(stdout) == 0 ? kExitClean : kExitUsage;
  }
  if (absl::Status s = WriteFileAtomically(command.out, *c); !s.ok()) {
    return UsageError(s);
  }
  std::fprintf(stderr, "wrote %s\n", command.out.c_str());
  return kExitClean;
}

}  // namespace openrace
