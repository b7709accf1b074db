// trial.h — runs a scenario for a number of rounds and counts the rounds in
// which a given bug (a signature) shows. The minimizer and the bisector
// judge every candidate through a Prober, so tests can give them a
// deterministic fake whose bug is a known predicate.
//
// Example:
//   RealProber prober(*backend, *sandbox, Semantics::kPosix, {});
//   auto trial = prober.Run(scenario, signature, 10000, /*stop_after=*/1);

#ifndef OPENRACE_HARNESS_JUDGE_TRIAL_H_
#define OPENRACE_HARNESS_JUDGE_TRIAL_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/functional/function_ref.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "absl/types/optional.h"
#include "harness/run/backend.h"
#include "harness/run/executor.h"
#include "harness/judge/judge_stats.h"
#include "harness/judge/oracle.h"
#include "harness/run/outcome.h"
#include "harness/run/sandbox.h"
#include "harness/scenario/scenario.h"

namespace openrace {

struct TrialResult {
  uint64_t rounds = 0;    // rounds run
  uint64_t failures = 0;  // rounds with a finding that matched
  uint64_t calls = 0;     // calls made, barriers excluded
  // Calls that contended with another thread (contention.h), over all
  // rounds run; RealProber counts them, fakes may leave 0.
  uint64_t contended = 0;
  // CPU nanoseconds spent inside the calls under test, summed over the
  // threads: the rounds that sampled it (RoundTrace::call_cpu_ns) scaled
  // to all rounds run; 0 when no round sampled it.
  uint64_t call_cpu_ns = 0;
  // The first-try outcome of every call made (retries not counted).
  OutcomeHistogram outcomes;
  // The findings of the first matching round (all findings of it, so a
  // caller looking for any bug sees each signature).
  std::vector<Finding> first;
  // The trace of the first matching round, for the timeline picture
  // (timeline.h). Left empty by probers that run nothing real.
  RoundTrace first_trace;
  // What the oracle could and could not judge in these rounds.
  JudgeStats judge;
  // The traces of the first kKeptTraces matching rounds (the first one
  // included), with the first finding of each that matched: what the
  // minimizer reads the interleaving a failure needs from (pin.h).
  static constexpr size_t kKeptTraces = 32;
  std::vector<RoundTrace> traces;
  std::vector<Finding> trace_findings;  // parallel to `traces`
  // The prober's deadline passed before max_rounds or stop_after did.
  bool cut_short = false;
};

// Which findings a trial counts, for RunMatching.
using FindingMatch = absl::FunctionRef<bool(const Finding&)>;

class Prober {
 public:
  virtual ~Prober() = default;
  // Runs up to `max_rounds` rounds of `scenario` (its own `rounds` field is
  // ignored) and counts rounds with a finding whose signature is `want`, or
  // any finding when `want` is empty. Stops once `stop_after` rounds
  // matched (0: never).
  virtual absl::StatusOr<TrialResult> Run(const Scenario& scenario,
                                          const absl::optional<Signature>& want,
                                          uint64_t max_rounds,
                                          uint64_t stop_after) = 0;

  // Like Run, but counts rounds with a finding for which `match` is true:
  // the bisector's looser notion of "the same bug", whose variations change
  // the anchor on purpose. The default is UnimplementedError; RealProber
  // and the test fakes that the bisector is tested with implement it.
  virtual absl::StatusOr<TrialResult> RunMatching(const Scenario& scenario,
                                                  FindingMatch match,
                                                  uint64_t max_rounds,
                                                  uint64_t stop_after);

  // From now on every trial stops after the round in progress once the
  // clock (absl::Now) passes `deadline`, and says so (cut_short): how the
  // campaign and the minimizer keep a time budget. InfiniteFuture: none.
  // The default ignores it (test fakes run no real time).
  virtual void set_deadline(absl::Time deadline) { (void)deadline; }
  virtual absl::Time deadline() const { return absl::InfiniteFuture(); }

  // After a trial failed because its sandbox could no longer be reset
  // (IsSandboxResetError, sandbox.h): moves the broken sandbox aside and
  // makes a fresh one (Sandbox::Renew); returns where the broken one is
  // kept. The default is UnimplementedError: a prober that cannot.
  virtual absl::StatusOr<std::string> RenewSandbox();
};

// A trial that failed after some rounds ran says how many: the sandbox
// broke after that many rounds of its scenario (0: before the first, in
// the reset that the previous trial's rounds left for it). RealProber
// marks its sandbox reset errors so; fakes may too.
absl::Status WithRoundsBeforeError(absl::Status status, uint64_t rounds);
uint64_t RoundsBeforeError(const absl::Status& status);

// The real thing: the executor on a backend in a sandbox, judged by the
// oracle.
class RealProber : public Prober {
 public:
  RealProber(const Backend& backend, Sandbox& sandbox, Semantics semantics,
             ExecutorOptions options)
      : backend_(backend), sandbox_(sandbox), semantics_(semantics),
        options_(options) {}

  absl::StatusOr<TrialResult> Run(const Scenario& scenario,
                                  const absl::optional<Signature>& want,
                                  uint64_t max_rounds,
                                  uint64_t stop_after) override;
  absl::StatusOr<TrialResult> RunMatching(const Scenario& scenario,
                                          FindingMatch match,
                                          uint64_t max_rounds,
                                          uint64_t stop_after) override;

  void set_deadline(absl::Time deadline) override { deadline_ = deadline; }
  absl::Time deadline() const override { return deadline_; }
  absl::StatusOr<std::string> RenewSandbox() override {
    return sandbox_.Renew();
  }

 private:
  const Backend& backend_;
  Sandbox& sandbox_;
  Semantics semantics_;
  ExecutorOptions options_;
  absl::Time deadline_ = absl::InfiniteFuture();
};

// Rounds run by every RealProber of this process so far: a campaign worker's
// heartbeat beats only while this moves, so a worker whose main thread is
// stuck stops beating even though its heartbeat thread is alive.
uint64_t RoundsRunInThisProcess();

// The semantics the oracle should apply to a backend's calls.
Semantics SemanticsOf(const Backend& backend);

// Runs another prober with `dir` as the process's current directory and
// restores the previous one after each trial. A second sandbox (the control
// directory) becomes the current directory when it is made; cwd-anchored
// paths must resolve in the sandbox that runs them.
class CurrentDirectoryProber : public Prober {
 public:
  CurrentDirectoryProber(Prober& inner, std::string dir)
      : inner_(inner), dir_(std::move(dir)) {}
  absl::StatusOr<TrialResult> Run(const Scenario& scenario,
                                  const absl::optional<Signature>& want,
                                  uint64_t max_rounds,
                                  uint64_t stop_after) override;
  absl::StatusOr<TrialResult> RunMatching(const Scenario& scenario,
                                          FindingMatch match,
                                          uint64_t max_rounds,
                                          uint64_t stop_after) override;
  void set_deadline(absl::Time deadline) override {
    inner_.set_deadline(deadline);
  }
  absl::Time deadline() const override { return inner_.deadline(); }

 private:
  Prober& inner_;
  std::string dir_;
};

}  // namespace openrace

#endif  // OPENRACE_HARNESS_JUDGE_TRIAL_H_
