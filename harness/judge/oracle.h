// oracle.h — decides which outcomes of a round are findings.
//
// Outline of the process (POSIX semantics):
//   Judge(round) -> one history per partition of the calls (calls on
//   unrelated subtrees commute, so each partition is checked alone) ->
//   an order kept from an earlier round that still fits real time, or
//   Linearize (linearize.h) over the namespace model (fs_model.h) ->
//   when no order explains the history, FindCulprits -> Findings.
//
// Each round is a history: every call (a retry is a call of its own) with
// its start and end time and its outcome. The oracle asks whether some
// total order of the calls, consistent with real time (a call that ended
// before another began comes first), makes the model of the namespace give
// every call the outcome it got — successes and failures alike. Legal
// races are explained by some order and are never findings: a lost create
// race (EEXIST), an open of an entry a concurrent call deletes or renames
// (ENOENT). Where no order does, the calls that cannot be explained are
// the finding: the smallest set (usually one) that, allowed any outcome,
// makes the history linearizable — a racy ENOENT of an existing file beside
// a sibling's create, an exclusive create that wins against an existing
// file, two exclusive creates that both win, an open that succeeds after a
// delete completed, a rename that loses its source.
//
// Verdicts:
//   unexpected    no order explains the outcome, and a retry (if any) did
//                 not succeed;
//   transient     no order explains the failure, and its retry, at once,
//                 succeeded (the bug report's signature);
//   differential  the same target spelled another way (absolute versus
//                 relative, handle versus current directory) gives another
//                 outcome alone — found by the run loop's spelling probe,
//                 not by Judge;
//   hang          the watchdog fired;
//   lost          every outcome is explained, but not the state the round
//                 left (read back on a share of rounds: RoundTrace::
//                 end_tree): the call's effect was lost or misplaced — a
//                 rename or unlink that answered success and did nothing,
//                 a create that left no entry ("rename-ok-0-lost-cwd").
// A finding's signature is (operation kind, status class, native code,
// verdict, anchor kind); two findings with one signature are the same bug.
// A wrong success has the status `ok`: "open-ok-0-unexpected-cwd".
//
// Never judged, and counted by reason in stats() (judge_stats.h):
// environment statuses (no space, no descriptors, no memory, EINTR); the
// constructs the model cannot predict (fs_model.h); rounds whose search hit
// its node budget (OracleOptions::node_budget) — such a round is unjudged,
// never clean and never a finding. NT/Win32 semantics (share modes, live
// handles, delete-pending) are not modelled: Windows rounds are judged by
// per-call rules (internal/judges.h, heuristic.cc) that judge failures
// only, and their calls are counted unjudged (kWindowsRules).
//
// Example:
//   Oracle oracle(scenario, Semantics::kPosix);
//   std::vector<Finding> findings;
//   executor.Run(scenario, sandbox, rounds, [&](const RoundTrace& t) {
//     oracle.Judge(t, &findings);
//     return findings.empty();
//   });
//   Print(oracle.stats().UnjudgedCalls());

#ifndef OPENRACE_HARNESS_JUDGE_ORACLE_H_
#define OPENRACE_HARNESS_JUDGE_ORACLE_H_

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "absl/types/optional.h"
#include "harness/judge/judge_stats.h"
#include "harness/run/executor.h"
#include "harness/run/outcome.h"
#include "harness/scenario/scenario.h"

namespace openrace {

enum class Verdict : uint8_t {
  kUnexpected,
  kTransient,
  kDifferential,
  kHang,
  kLost,
};

absl::string_view VerdictName(Verdict verdict);

// The rules of the platform whose calls the backend makes.
enum class Semantics : uint8_t { kPosix, kWindows };

struct Signature {
  OpKind op = OpKind::kOpen;
  Outcome outcome;
  Verdict verdict = Verdict::kUnexpected;
  Anchor anchor = Anchor::kCwd;

  // "open-invalid_parameter-EINVAL-transient-cwd": stable, usable as a
  // directory name, and parsed back by ParseSignature.
  std::string ToString() const;
  friend bool operator==(const Signature&, const Signature&) = default;
};

absl::optional<Signature> ParseSignature(absl::string_view text);

struct Finding {
  Signature signature;
  size_t thread = 0;
  size_t op = 0;
  uint64_t round = 0;
};

struct OracleOptions {
  // Search nodes one partition of one round may visit before the round is
  // counted unjudged (Unjudged::kSearchBound).
  uint64_t node_budget = 200000;
  // Orders kept per partition and outcome pattern, tried before a search.
  size_t witnesses = 8;
};

namespace internal {
class RoundJudge;
}  // namespace internal

class Oracle {
 public:
  // `scenario` must be valid (ValidateScenario) and outlive the oracle.
  Oracle(const Scenario& scenario, Semantics semantics,
         OracleOptions options = {});
  ~Oracle();
  Oracle(Oracle&&) noexcept;
  Oracle& operator=(Oracle&&) noexcept;

  // Appends the findings of one round to `*findings`. Not thread-safe: it
  // keeps the orders that explained earlier rounds, and its statistics.
  void Judge(const RoundTrace& trace, std::vector<Finding>* findings) const;

  // What the rounds judged so far could and could not judge.
  const JudgeStats& stats() const { return *stats_; }

 private:
  std::unique_ptr<internal::RoundJudge> judge_;
  std::unique_ptr<JudgeStats> stats_;
};

}  // namespace openrace

#endif  // OPENRACE_HARNESS_JUDGE_ORACLE_H_
