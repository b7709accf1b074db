// command_util.cc — what every subcommand shares.

#include <cstdio>

#include "absl/strings/str_cat.h"
#include "harness/commands.h"
#include "harness/file_util.h"
#include "harness/scenario_text.h"
#include "harness/validate.h"

namespace openrace {

int UsageError(const absl::Status& status) {
  std::fprintf(stderr, "openrace: %s\n", std::string(status.message()).c_str());
  return kExitUsage;
}

absl::StatusOr<Scenario> LoadScenario(const std::string& path) {
  absl::StatusOr<std::string> text = ReadFile(path);
  if (!text.ok()) return text.status();
  absl::StatusOr<Scenario> scenario = ParseScenario(*text);
  if (!scenario.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat(path, ": ", scenario.status().message()));
  }
  absl::Status valid = ValidateScenario(*scenario);
  if (!valid.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat(path, ": invalid scenario: ", valid.message()));
  }
  return scenario;
}

}  // namespace openrace
