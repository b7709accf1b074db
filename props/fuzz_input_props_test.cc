// fuzz_input_props_test.cc — properties of the scenario fuzzer's decoder
// (fuzz/scenario_input.h): every byte string is a valid scenario, the same
// bytes always give the same scenario, a scenario text is used as written,
// and what `--to-scn` prints parses back to what the fuzzer ran.

#include <algorithm>
#include <cstdint>
#include <string>
#include <vector>

#include "gtest/gtest.h"  // before rapidcheck/gtest.h, which needs it
#include <rapidcheck.h>
#include <rapidcheck/gtest.h>

#include "fuzz/scenario_input.h"
#include "harness/scenario/scenario_text.h"
#include "harness/scenario/validate.h"
#include "harness/rapidcheck/generators.h"

namespace openrace::fuzz {
namespace {

constexpr uint64_t kRounds = 50;

ScenarioInput Decode(const std::vector<uint8_t>& bytes) {
  return DecodeScenarioInput(bytes.data(), bytes.size(), kRounds);
}

RC_GTEST_PROP(FuzzInputProps, EveryByteStringIsAValidScenario,
              (const std::vector<uint8_t>& bytes)) {
  const ScenarioInput input = Decode(bytes);
  RC_ASSERT(ValidateScenario(input.scenario).ok());
  RC_ASSERT(input.scenario.rounds >= 1u);
  RC_ASSERT(input.scenario.rounds <= kRounds);
  for (const ThreadProgram& t : input.scenario.threads) {
    for (const Op& op : t.ops) RC_ASSERT(op.spin_ns <= kMaxFuzzSpinNs);
  }
  RC_ASSERT(Decode(bytes).scenario == input.scenario);
}

RC_GTEST_PROP(FuzzInputProps, AScenarioTextIsUsedAsWritten, ()) {
  rapidcheck::ScenarioShape shape;
  shape.rounds = 7;
  const Scenario s = *rapidcheck::GenScenario(shape);
  const std::string text = PrintScenario(s);
  const ScenarioInput input =
      Decode(std::vector<uint8_t>(text.begin(), text.end()));
  RC_ASSERT(input.kind == InputKind::kText);
  Scenario clamped = s;
  for (ThreadProgram& t : clamped.threads) {
    for (Op& op : t.ops) op.spin_ns = std::min(op.spin_ns, kMaxFuzzSpinNs);
  }
  RC_ASSERT(input.scenario == clamped);
}

RC_GTEST_PROP(FuzzInputProps, ToScnParsesBackToWhatRan,
              (const std::vector<uint8_t>& bytes)) {
  const ScenarioInput input = Decode(bytes);
  const absl::StatusOr<Scenario> parsed =
      ParseScenario(InputToScn(input, bytes.size()));
  RC_ASSERT(parsed.ok());
  RC_ASSERT(*parsed == input.scenario);
}

}  // namespace
}  // namespace openrace::fuzz
