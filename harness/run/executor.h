// executor.h — runs a Scenario's threads against a backend, round by round.
//
// One persistent OS thread per scenario thread (never one per operation).
// Each round the threads are released together by a spin barrier, run their
// operations — sliding each call by its spin offset, meeting at the
// scenario's barriers, keeping held handles live until their `close` — and
// meet again at the end of the round, where every handle still open is
// closed. The main thread then hands the round's trace to an observer and,
// when the scenario changes the tree, rebuilds it before the next round.
//
// A failed call is retried once, at once, by the same thread; both outcomes
// are in the trace, so the oracle can tell a transient failure from a stable
// one. A watchdog thread interrupts a call blocked past the limit and marks
// it as a hang instead of letting the harness hang.
//
// Example:
//   Executor executor(*backend, ExecutorOptions{});
//   absl::Status s = executor.Run(scenario, *sandbox, 1000,
//       [&](const RoundTrace& trace) { Count(trace); return true; });

#ifndef OPENRACE_HARNESS_RUN_EXECUTOR_H_
#define OPENRACE_HARNESS_RUN_EXECUTOR_H_

#include <cstdint>
#include <vector>

#include "absl/functional/function_ref.h"
#include "absl/status/status.h"
#include "absl/time/time.h"
#include "absl/types/optional.h"
#include "harness/run/backend.h"
#include "harness/run/outcome.h"
#include "harness/run/sandbox.h"
#include "harness/scenario/scenario.h"

namespace openrace {

// What one operation did in one round. Barriers leave `ran` false.
struct OpRecord {
  bool ran = false;
  Outcome outcome;
  absl::optional<Outcome> retry;  // set when the call failed and was retried
  int64_t start_ns = 0;  // call start, from the round's release
  int64_t end_ns = 0;    // call end (of the first try)
  int64_t retry_end_ns = 0;  // end of the retry, when there was one
};

struct RoundTrace {
  uint64_t round = 0;
  // records[thread][op], parallel to Scenario::threads[thread].ops.
  std::vector<std::vector<OpRecord>> records;
  bool hang = false;  // some call in this round hit the watchdog
};

struct ExecutorOptions {
  absl::Duration watchdog = absl::Seconds(10);
  bool retry_failures = true;
};

class Executor {
 public:
  Executor(const Backend& backend, ExecutorOptions options)
      : backend_(backend), options_(options) {}

  // Builds `scenario.tree` in `sandbox`, opens the shared handles, and runs
  // `rounds` rounds, calling `observer` after each; stops early when the
  // observer returns false or an interrupt is requested. The scenario must
  // be valid (ValidateScenario). Every handle is closed before it returns.
  // Returns an error when the tree cannot be built, a path cannot be
  // rendered by this backend, or a hung call could not be interrupted (the
  // stuck thread is then abandoned; the process should exit soon).
  absl::Status Run(const Scenario& scenario, Sandbox& sandbox,
                   uint64_t rounds,
                   absl::FunctionRef<bool(const RoundTrace&)> observer);

 private:
  const Backend& backend_;
  ExecutorOptions options_;
};

}  // namespace openrace

#endif  // OPENRACE_HARNESS_RUN_EXECUTOR_H_
