// parse.h — the one Parse() of the unit tests: a scenario from its text
// form, which must parse and validate (a test failure says why otherwise).
//
// Example:
//   using testing_util::Parse;
//   const Scenario s = Parse("openrace-scenario 1\nthread\n  stat cwd:x\n");

#ifndef OPENRACE_HARNESS_TESTING_PARSE_H_
#define OPENRACE_HARNESS_TESTING_PARSE_H_

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "gtest/gtest.h"
#include "harness/scenario/scenario.h"
#include "harness/scenario/scenario_text.h"
#include "harness/scenario/validate.h"

namespace openrace {
namespace testing_util {

inline Scenario Parse(absl::string_view text) {
  absl::StatusOr<Scenario> scenario = ParseScenario(text);
  EXPECT_TRUE(scenario.ok()) << scenario.status();
  if (!scenario.ok()) return Scenario{};
  const absl::Status valid = ValidateScenario(*scenario);
  EXPECT_TRUE(valid.ok()) << valid;
  return *std::move(scenario);
}

}  // namespace testing_util
}  // namespace openrace

#endif  // OPENRACE_HARNESS_TESTING_PARSE_H_
