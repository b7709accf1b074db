// contention.h — how many of a round's calls contend with another thread:
// the campaign's measure of how well a scenario's calls overlap, so that it
// can give its rounds to the scenarios whose calls overlap best.
//
// A call contends when, while it runs, another thread holds a handle on its
// target (from the end of the open that made the handle to the start of its
// close, or to the end of the round), or another thread's call on the same
// target or on a sibling (an entry of the same parent directory) runs at the
// same time. These are the overlaps of the bug class openrace is for
// (DESIGN.md: "the same file while another handle to it is live, or files
// under shared parent directories"); a round in which none happens is
// unlikely to show such a bug, whatever the file system.
//
// Example:
//   ContentionMeter meter(scenario);
//   executor.Run(scenario, sandbox, rounds, [&](const RoundTrace& t) {
//     contended += meter.Count(t);
//     return true;
//   });

#ifndef OPENRACE_HARNESS_JUDGE_CONTENTION_H_
#define OPENRACE_HARNESS_JUDGE_CONTENTION_H_

#include <cstddef>
#include <cstdint>
#include <vector>

#include "harness/run/executor.h"
#include "harness/scenario/scenario.h"

namespace openrace {

class ContentionMeter {
 public:
  explicit ContentionMeter(const Scenario& scenario);

  // The calls of `trace` (a round of the scenario given to the constructor)
  // that contend with another thread's call or live handle.
  uint64_t Count(const RoundTrace& trace) const;

 private:
  // Two calls of different threads whose targets are the same entry (a
  // handle of `other` on it counts) or siblings (only overlapping calls
  // count).
  struct Pair {
    OpRef call;
    OpRef other;
    bool same_target = false;
    // The close of `other`'s handle when `other` is an open that keeps
    // one; op index past the thread's end when it is closed at the end of
    // the round; unset (no handle) otherwise.
    bool holds = false;
    size_t close_op = 0;
  };
  static constexpr size_t kMaxPartners = 16;  // per call and kind (.cc)
  static constexpr size_t kMaxScanned = 1024;
  std::vector<Pair> pairs_;  // grouped by `call`
};

}  // namespace openrace

#endif  // OPENRACE_HARNESS_JUDGE_CONTENTION_H_
