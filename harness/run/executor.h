// executor.h — runs a Scenario's threads against a backend, round by round.
//
// One persistent OS thread per scenario thread (never one per operation).
// The workers run the rounds among themselves: each round they are released
// together, run their operations — sliding each call by its spin offset,
// meeting at the scenario's barriers, keeping held handles live until their
// `close` — close every handle still open, and the last one to finish puts
// the tree back (for a scenario that changes it) and releases the next
// round. The calling thread is not in the rounds: it sleeps while the
// workers fill a ring of traces, and hands each finished round's trace to
// the observer, in order, in batches (ExecutorOptions::batch).
//
// A thread that waits (for the release, at a barrier) spins for about what
// a sleep would cost (tens of microseconds), so that threads which are all
// on a CPU leave together, and then sleeps on a futex (WaitOnAddress on
// Windows). With more threads than CPUs a spinning waiter only keeps the
// thread it waits for off the CPU: there each worker keeps to one CPU
// (worker i to CPU i mod C) and a waiter yields to the workers on its CPU,
// for at most 200 µs, before it sleeps (where the CPU clocks can watch
// that the run still gets its CPUs: Linux); elsewhere it sleeps at once.
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

inline constexpr uint64_t kCpuSampleEvery = 64;

struct RoundTrace {
  uint64_t round = 0;
  // records[thread][op], parallel to Scenario::threads[thread].ops.
  std::vector<std::vector<OpRecord>> records;
  bool hang = false;  // some call in this round hit the watchdog
  // On one round in kCpuSampleEvery (where the platform has a thread CPU
  // clock): the CPU time each thread spent inside its calls under test,
  // read on that clock around every call (retries, closes and the closes
  // of the handles still held at the round's end included), less what the
  // reads themselves cost. For the share of the CPU that goes to the file
  // system (summary.json's call_share_of_cpu); the clock is a system call,
  // so it is not read on every round.
  bool cpu_sampled = false;
  std::vector<int64_t> call_cpu_ns;
  // What the sandbox held when the round's calls were done and its handles
  // closed, before the tree was put back (Sandbox::List), on the rounds
  // ExecutorOptions::read_back_every picks; `end_read` says it was read.
  bool end_read = false;
  std::vector<TreeEntry> end_tree;
};

struct ExecutorOptions {
  absl::Duration watchdog = absl::Seconds(10);
  bool retry_failures = true;
  // How many rounds the workers may run ahead of the observer (the ring of
  // traces). The observer is called in batches of about half of it, so the
  // calling thread wakes once per batch, not once per round. 1 makes the
  // run lockstep: round r + 1 starts only after the observer has returned
  // for round r (for an observer that changes the sandbox between rounds).
  uint32_t batch = 32;
  // The CPUs the run may count on; 0: all this process may use
  // (UsableCpus). Waiters spin only while the threads that wait for each
  // other fit on them; workers that outnumber them keep to one each and
  // yield; a campaign of N jobs on C CPUs gives each C / N.
  int cpus = 0;
  // Every how many rounds of a scenario that may change the tree the state
  // it left is read back (RoundTrace::end_tree), for the oracle to catch
  // lost updates no later call observed; 0: never. Reading every round
  // cuts a small changing round's throughput by a third; one round in 8
  // costs 4 % (executor_benchmark's BM_ReadBack, in ci/bench.sh).
  uint32_t read_back_every = 8;
};

class Executor {
 public:
  Executor(const Backend& backend, ExecutorOptions options)
      : backend_(backend), options_(options) {}

  // Builds `scenario.tree` in `sandbox`, opens the shared handles, and runs
  // `rounds` rounds, calling `observer` for each, in order; stops early when
  // the observer returns false or an interrupt is requested (the workers
  // may then have run up to `options.batch` rounds more, which nobody
  // observes). The scenario must
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
