// internal/seed_scenario.h — the seed bug's pattern as scenario text, for
// tests that need the scenario exactly as a user would write it (the same
// as corpus/seed_held_relative.scn): thread 1 holds src/a/foo.h open across
// two barriers, between which thread 2 opens it again by relative path.
// The failing call of the seed bug is thread 2's open (OpRef{1, 1}).

#ifndef OPENRACE_HARNESS_TESTING_SEED_SCENARIO_H_
#define OPENRACE_HARNESS_TESTING_SEED_SCENARIO_H_

namespace openrace {
namespace testing_util {

inline constexpr char kSeedScenarioText[] = R"(openrace-scenario 1
rounds 20000
dir src
dir src/a
file src/a/foo.h
thread
  h0 = open cwd:src/a/foo.h share=read|write|delete
  barrier 1
  barrier 2
  close h0
thread
  barrier 1
  open cwd:src/a/foo.h share=read|write|delete
  barrier 2
)";

}  // namespace testing_util
}  // namespace openrace

#endif  // OPENRACE_HARNESS_TESTING_SEED_SCENARIO_H_
