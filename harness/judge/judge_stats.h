// judge_stats.h — what the oracle could and could not judge, counted.
//
// Every call of every round is either judged (the model predicted it, and
// the round's history was checked against every order of the calls it
// overlapped) or unjudged for a named reason: the reason says which
// construct the model cannot predict, so every blind spot is measured
// (summary.json's `unjudged`).
//
// Example:
//   JudgeStats total;
//   total.Merge(oracle.stats());
//   for (int r = 0; r < kUnjudgedCount; ++r) Print(UnjudgedName(r), ...);

#ifndef OPENRACE_HARNESS_JUDGE_JUDGE_STATS_H_
#define OPENRACE_HARNESS_JUDGE_JUDGE_STATS_H_

#include <array>
#include <cstdint>

#include "absl/strings/string_view.h"

namespace openrace {

// Why a call was not judged. The names (UnjudgedName) are stable: they are
// keys of summary.json.
enum class Unjudged : uint8_t {
  kNone,                // judged
  kEnvironment,         // an environment status: no space, no descriptors,
                        // no memory, interrupted
  kHang,                // the watchdog fired; what the call did is unknown
  kDotDotFromRemoved,   // `..` from a directory that was removed
  kAboveRoot,           // `..` above the sandbox root (validation forbids)
  kUnboundHandle,       // anchored on a handle the model could not bind
  kCreateDirectory,     // O_CREAT|O_DIRECTORY not refused with EINVAL
                        // (Linux before 6.4 behaves otherwise)
  kAfterLostState,      // after a success whose effect the model cannot
                        // compute, the rest of its group
  kSearchBound,         // the round's search hit its node budget
  kNoSmallExplanation,  // not linearizable, and no one or two calls explain
                        // it within the budget
  kWindowsRules,        // NT/Win32 semantics: judged by per-call rules only
                        // (share modes, delete-pending are not modelled)
};
inline constexpr int kUnjudgedCount =
    static_cast<int>(Unjudged::kWindowsRules) + 1;

// "environment", "hang", "dotdot_from_removed", ...; "" for kNone.
absl::string_view UnjudgedName(Unjudged reason);

struct JudgeStats {
  uint64_t rounds = 0;
  // Calls in the rounds' histories: every call that ran, and every retry
  // as a call of its own.
  uint64_t calls = 0;
  // Of those, the calls not judged, by reason (index: Unjudged).
  std::array<uint64_t, kUnjudgedCount> unjudged{};
  // Partitions of rounds whose history needed a search (no order kept from
  // an earlier round fit it), and the search nodes they visited.
  uint64_t searches = 0;
  uint64_t search_nodes = 0;
  // Rounds whose end state was read back and judged (RoundTrace::end_tree).
  uint64_t end_states = 0;
  // Time spent in Judge, all rounds together.
  uint64_t judge_ns = 0;

  uint64_t UnjudgedCalls() const {
    uint64_t n = 0;
    for (int r = 1; r < kUnjudgedCount; ++r) n += unjudged[r];
    return n;
  }
  void Merge(const JudgeStats& other) {
    rounds += other.rounds;
    calls += other.calls;
    for (int r = 0; r < kUnjudgedCount; ++r) unjudged[r] += other.unjudged[r];
    searches += other.searches;
    search_nodes += other.search_nodes;
    end_states += other.end_states;
    judge_ns += other.judge_ns;
  }
};

}  // namespace openrace

#endif  // OPENRACE_HARNESS_JUDGE_JUDGE_STATS_H_
