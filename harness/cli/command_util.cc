// command_util.cc — what every subcommand shares.

#include <cstdio>

#include "absl/strings/str_cat.h"
#include "harness/cli/commands.h"
#include "harness/run/outcome.h"
#include "harness/scenario/scenario_text.h"
#include "harness/store/finding_store.h"

namespace openrace {

int UsageError(const absl::Status& status) {
  std::fprintf(stderr, "openrace: %s\n", std::string(status.message()).c_str());
  return kExitUsage;
}

int RunError(const absl::Status& status, const std::string& out) {
  if (!IsEnvironmentError(status)) return UsageError(status);
  absl::StatusOr<FindingStore> store = FindingStore::Open(out);
  const size_t kept = store.ok() ? store->occurrences().size() : 0;
  std::fprintf(stderr, "openrace: %s; no findings were lost: %zu written to %s\n",
               std::string(status.message()).c_str(), kept, out.c_str());
  return kExitUsage;
}

void SweepBeforeRun(const std::string& dir) {
  SweepLeftSandboxes(dir, [](const std::string& line) {
    std::fprintf(stderr, "openrace: %s\n", line.c_str());
  });
}

absl::StatusOr<absl::optional<Signature>> ParseSignatureFlag(
    const std::string& text) {
  if (text.empty()) return absl::optional<Signature>();
  absl::optional<Signature> signature = ParseSignature(text);
  if (!signature) {
    return absl::InvalidArgumentError(absl::StrCat(
        "--signature '", text,
        "' is not a signature like open-invalid_parameter-EINVAL-transient-cwd"));
  }
  return signature;
}

absl::Status MissingDir(absl::string_view command) {
  return absl::InvalidArgumentError(absl::StrCat(
      command, " needs --dir DIR, a directory on the file system under test"));
}

absl::StatusOr<Scenario> LoadScenario(const std::string& path) {
  return ReadScenarioFile(path);
}

}  // namespace openrace
