// minimizer.h — shrinks a failing scenario to a minimal one that still
// fails with the same signature.
//
// Failures of this class are rare and random, so each judgement is
// statistical. A round counts when it shows the same bug (SameBug,
// bisect.h: the same op kind, status and native code; the anchor and the
// verdict may differ, e.g. whether the retry failed too), or, with a prober
// that counts exact signatures only, the signature itself. The minimizer
// measures the parent's failure rate p (rounds until a few failures, or a
// budget), gives each candidate enough rounds that a candidate failing at
// p/4 would fail at least once with probability 0.99, and accepts the
// first candidate of Simplifications() that shows the bug, unless a fresh
// measurement puts its whole 95 % interval below p/4 (when the fresh
// rounds show no failure, the interval counts the trial's rounds and
// theirs: one lucky failure is not a rate; a rarer scenario
// would make every later judgement cost more than it is sized for; for a
// step that only changes timing — a spin offset dropped — the bar is p
// itself). Barriers are never dropped on their own (simplify.h). It
// repeats until no single simplification reproduces (the result is
// 1-minimal) or the time budget is spent, and says which. No candidate is
// tried twice (by hash of its printed text).
//
// It says what it measured: each candidate is measured (its rounds ran
// and were judged), unrunnable (its trial could not be set up, e.g. a
// shared handle that no longer opens: it cannot show the bug, as judged as
// one that ran clean), or skipped (not judged: its sandbox broke, or the
// file system became unusable). The result is 1-minimal only when a whole
// cycle of candidates was judged and none reproduced; a skipped candidate
// in that cycle makes it "partial", with the counts and reasons.
//
// A sandbox that can no longer be reset (IsSandboxResetError, sandbox.h:
// EIO on removing what a round made, say) is evidence about the file
// system, not about the candidate: the minimizer records it (after which
// scenario, after how many of its rounds, which call and status), has the
// prober move the broken sandbox aside and make a fresh one
// (Prober::RenewSandbox), and runs the trial again there. It stops only
// when a fresh sandbox fails too (before any round ran on it), when none
// can be made, or after `max_sandbox_breaks`: then the file system became
// unusable (`unusable` says why), and the result is the best scenario so
// far, partial — not an error.
//
// Then it measures the final rate on fresh rounds, keeping the traces of
// the failing ones, and pins the interleaving they show (pin.h): the
// pinned scenario is measured the same way and kept when its rate is no
// lower (its point estimate at least the unpinned one's 95 % lower
// bound). When the pins changed the scenario, the search runs once more
// on the pinned one: with barriers ordering the calls, a call that only
// delayed another (making the overlap likely) is no longer needed; when
// that search drops anything, the final measurement and the pinning are
// done again on what it left. The scenario's `rounds` is set to what
// reproduces the final rate with probability 0.99.
//
// The budget: the minimizer stops at min(now + budget, deadline) on its
// clock, and stops searching for simplifications after `search_share` of
// that time, so that the final measurement and the pinning still fit. A trial already running is not cut by the minimizer (a
// RealProber with a deadline cuts its own, trial.h); when the time runs out
// the result is the best scenario so far, `one_minimal` false, with the
// last rate measured for it — never an error, unless the first
// measurement showed no failure at all.
//
// Example:
//   RealProber prober(*backend, *sandbox, Semantics::kPosix, {});
//   auto result = Minimize(found, finding.signature, prober, {});

#ifndef OPENRACE_HARNESS_REPRO_MINIMIZER_H_
#define OPENRACE_HARNESS_REPRO_MINIMIZER_H_

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "absl/types/optional.h"
#include "harness/judge/oracle.h"
#include "harness/scenario/scenario.h"
#include "harness/repro/stats.h"
#include "harness/judge/trial.h"

namespace openrace {

struct MinimizeOptions {
  absl::Duration budget = absl::Minutes(5);
  absl::Time deadline = absl::InfiniteFuture();  // and never past this
  // The clock the budget is kept on; null: absl::Now. Tests inject one.
  std::function<absl::Time()> clock;
  bool pin = true;  // pin the interleaving after minimizing (pin.h)
  // Of the time until the deadline, the share that the search for
  // simplifications may use; the rest is kept for the final measurement
  // and the pinning.
  double search_share = 0.8;
  uint64_t measure_failures = 5;          // stop measuring a rate here...
  uint64_t measure_max_rounds = 200000;   // ...or here
  uint64_t candidate_max_rounds = 200000; // cap on rounds per candidate
  double confidence = 0.99;
  double rate_fraction = 0.25;  // a candidate as bad as this share of p
  uint64_t final_failures = 20;  // the final rate: until this many failures
  uint64_t final_max_rounds = 400000;  // or this many rounds
  // Broken sandboxes moved aside before the file system counts as unusable.
  uint64_t max_sandbox_breaks = 20;
  // Called with each line of the log as it happens (accepted steps, rates).
  std::function<void(const std::string&)> log;
};

// How the candidates fared (minimizer.h above).
struct CandidateCounts {
  uint64_t measured = 0;
  uint64_t unrunnable = 0;
  uint64_t skipped = 0;
  // Why skipped: "the sandbox broke while it ran", ... with counts.
  std::map<std::string, uint64_t> skip_reasons;
  void Skip(const std::string& reason) {
    ++skipped;
    ++skip_reasons[reason];
  }
};

// A sandbox that could no longer be reset: a second symptom of the file
// system, for the finding.
struct SandboxBreak {
  // The scenario that ran last on it, said for the log ("the scenario as
  // found", "candidate: drop thread 2", "the minimized scenario"), and
  // itself; `rounds` of it had run when the reset failed.
  std::string after;
  Scenario scenario;
  uint64_t rounds = 0;
  std::string error;  // the call and its status: "remove /x/src: ... (EIO)"
  std::string kept;   // where the broken sandbox is now; empty: nowhere
};

struct MinimizeResult {
  Scenario scenario;       // rounds set to reproduce with p >= 0.99
  // False: the budget ran out first, a candidate of the last cycle was
  // skipped, or the file system became unusable.
  bool one_minimal = false;
  bool pinned = false;       // `scenario` is the pinned one
  std::vector<std::string> orderings;  // what the pins order (pin.h)
  std::vector<std::string> steps;  // accepted simplifications, in order
  uint64_t candidates_tried = 0;
  CandidateCounts candidates;  // over the whole search
  CandidateCounts last_cycle;  // the last cycle of candidates tried
  std::vector<SandboxBreak> sandbox_breaks;
  // Set when the file system became unusable (a fresh sandbox failed too):
  // why; the result is then the best scenario so far.
  std::string unusable;
  uint64_t rounds_run = 0;   // over every trial, measuring included
  uint64_t failures = 0;     // the final measurement
  uint64_t rounds = 0;
  RateInterval rate;         // 95 % Wilson interval of the final rate
  // A failing round of `scenario` from the final measurement and its
  // failing call, for the timeline and the bisection; unset when the
  // prober keeps no traces (or the budget ran out before one was seen).
  absl::optional<RoundTrace> failing_round;
  absl::optional<Finding> failing;
};

// Fails when `scenario` does not reproduce `signature` at all within the
// measuring budget, or a trial fails to run.
absl::StatusOr<MinimizeResult> Minimize(const Scenario& scenario,
                                        const Signature& signature,
                                        Prober& prober,
                                        const MinimizeOptions& options);

}  // namespace openrace

#endif  // OPENRACE_HARNESS_REPRO_MINIMIZER_H_
