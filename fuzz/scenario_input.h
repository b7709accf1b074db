// scenario_input.h — how the scenario fuzzer turns any input into a valid
// scenario, and how it describes what a run did to libFuzzer.
//
// Every input becomes a valid scenario, in one of two ways:
//
//  1. Text: an input that parses as a scenario (ParseScenario) and validates
//     (ValidateScenario) is used as written, so the hand-written corpus/*.scn
//     files are meaningful seeds and a crash artifact of that kind is
//     already a .scn file.
//  2. Bytes: anything else is the entropy of the harness's own generator.
//     InputBitGen hands out the input's bytes, four per draw, in order; the
//     first draws pick the GeneratorOptions knobs (threads, operations,
//     depth, tree size, which anchors, mutations, detours, spellings), the
//     rest drive Generate(). A byte that libFuzzer flips changes one choice
//     and leaves the others alone. When the bytes run out, draws continue
//     from a generator seeded by a hash of the whole input, so a short input
//     still gives a whole scenario and two inputs rarely give the same one.
//
// Either way the fuzzer then clamps what makes an execution slow: rounds to
// `max_rounds` and each spin offset to kMaxFuzzSpinNs.
//
// Behaviour feedback: libFuzzer sees the harness's code coverage but not the
// kernel's. BehaviourMap maps what each call did in a round — operation kind
// × status class × anchor × overlap (none; a concurrent call on a sibling;
// a concurrent call on the same target; the target held open by another
// thread) and kind × status × latency bucket (log2 µs) and kind × first
// status × retry status — to counters, one increment per round, which the
// fuzzer places in libFuzzer's extra-counters section. An input that makes
// calls behave in a new way, or more often in one way, is then "new
// coverage" and joins the corpus.
//
// Example:
//   ScenarioInput in = DecodeScenarioInput(data, size, /*max_rounds=*/50);
//   BehaviourMap map(in.scenario);
//   executor.Run(in.scenario, sandbox, in.scenario.rounds,
//                [&](const RoundTrace& t) { map.Count(t, counters); ... });

#ifndef OPENRACE_FUZZ_SCENARIO_INPUT_H_
#define OPENRACE_FUZZ_SCENARIO_INPUT_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "harness/run/executor.h"
#include "harness/scenario/generator.h"
#include "harness/run/outcome.h"
#include "harness/scenario/scenario.h"

namespace openrace::fuzz {

inline constexpr uint32_t kMaxFuzzSpinNs = 100000;  // 100 µs

// A uniform random bit generator that reads its words from a byte string,
// then from a splitmix64 stream seeded by the string's hash.
class InputBitGen {
 public:
  using result_type = uint32_t;
  InputBitGen(const uint8_t* data, size_t size);
  static constexpr result_type min() { return 0; }
  static constexpr result_type max() { return UINT32_MAX; }
  result_type operator()();

  // How many input bytes the draws so far consumed.
  size_t consumed() const { return pos_; }

 private:
  const uint8_t* data_;
  size_t size_;
  size_t pos_ = 0;
  uint64_t state_;
};

enum class InputKind : uint8_t { kText, kBytes };

struct ScenarioInput {
  InputKind kind = InputKind::kBytes;
  GeneratorOptions options;  // the knobs drawn (kBytes only)
  Scenario scenario;         // valid, clamped
};

// Never fails: every input gives a valid scenario.
ScenarioInput DecodeScenarioInput(const uint8_t* data, size_t size,
                                  uint64_t max_rounds);

// The knobs, drawn from `gen` (the first draws of a bytes input).
GeneratorOptions DrawGeneratorOptions(InputBitGen& gen);

// The text a `--to-scn` conversion prints: a comment header saying where the
// scenario came from, then the scenario in its canonical text form.
std::string InputToScn(const ScenarioInput& input, size_t input_size);

// Counter layout (see the banner).
inline constexpr int kOpKinds = 7;
inline constexpr int kAnchors = 5;
inline constexpr int kOverlapClasses = 4;
inline constexpr int kLatencyBuckets = 16;
inline constexpr size_t kOverlapTable =
    size_t{kOpKinds} * kStatusClassCount * kAnchors * kOverlapClasses;
inline constexpr size_t kLatencyTable =
    size_t{kOpKinds} * kStatusClassCount * kLatencyBuckets;
inline constexpr size_t kRetryTable =
    size_t{kOpKinds} * kStatusClassCount * kStatusClassCount;
inline constexpr size_t kBehaviourCounters =
    kOverlapTable + kLatencyTable + kRetryTable;

enum class Overlap : uint8_t {
  kNone = 0,
  kSibling = 1,     // a call on an entry under the same parent ran meanwhile
  kSameTarget = 2,  // a call on the same target ran meanwhile
  kHeld = 3,        // another thread held the target open meanwhile
};

// Which tables Count fills (for measuring what each buys).
namespace tables {
inline constexpr unsigned kOverlap = 1;
inline constexpr unsigned kLatency = 2;
inline constexpr unsigned kRetry = 4;
inline constexpr unsigned kAll = kOverlap | kLatency | kRetry;
}  // namespace tables

class BehaviourMap {
 public:
  // `scenario` must be valid and outlive the map.
  explicit BehaviourMap(const Scenario& scenario);

  // Adds one round: every call that ran bumps one counter in each table
  // of `which` (saturating at 255). `counters` has kBehaviourCounters
  // entries.
  void Count(const RoundTrace& trace, uint8_t* counters,
             unsigned which = tables::kAll) const;

  // The overlap class of one call in one round (for tests and logs).
  Overlap OverlapOf(const RoundTrace& trace, size_t thread, size_t op) const;

 private:
  struct OpInfo {
    std::string target;  // resolved, joined with '/'; "" for close/barrier
    std::string parent;
    bool holds = false;  // an open that names its result
    size_t close_op = SIZE_MAX;  // the op in the same thread that closes it
  };
  const Scenario& scenario_;
  std::vector<std::vector<OpInfo>> info_;  // [thread][op]
  std::vector<std::string> shared_targets_;  // held by the main thread
};

}  // namespace openrace::fuzz

#endif  // OPENRACE_FUZZ_SCENARIO_INPUT_H_
