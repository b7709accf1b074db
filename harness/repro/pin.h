// pin.h — a reproducer that does not leave its trigger to the scheduler:
// the interleaving the failing rounds show, written into the scenario as
// barriers.
//
// Outline: relations -> pins -> reduction -> barriers.
//   1. For each call or close X of another thread than the failing call F,
//      and each failing round's trace, X either ended before F started
//      ("before"), started after F ended ("after"), or overlapped F. An
//      order ("before", "after") that 3 in 4 failing rounds show, and none
//      the opposite, is one the failure may need (a call's recorded end
//      lags its effect, so an ordered pair can show as overlapping); an
//      overlap must show in every failing round. Failing that, an order
//      that at least one round shows, none contradicts, and 3 in 4 show
//      or overlap with the earlier call of the order starting first (a
//      thread preempted before its clock read lags by a whole call).
//   2. Each becomes a pin: "X before F" (the held open must be held when
//      F starts), "F before X" (the hold must last until F has ended: the
//      close comes after), or "X with F" (released together, so they
//      overlap).
//   3. The scenario's own barriers are dropped, and so is every pin that
//      orders nothing: one implied by program order and the other pins
//      (a pin after a later op of the same thread implies it), and a "with"
//      pin of two calls that the round's start already releases together.
//   4. Each pin left is a barrier of two threads: "A before B" waits after
//      A in A's thread and before B in B's; "X with F" waits before both.
//      A pin that would deadlock the threads is left out.
// The result is a candidate: the minimizer keeps it only when its measured
// rate is no lower than the unpinned scenario's (minimizer.h).
//
// Example (the seed bug: thread 2 holds foo.h, thread 1 reopens it):
//   minimized                         pinned
//   thread                            thread
//     open cwd:foo.h                    barrier 1
//     barrier 1                         open cwd:foo.h
//     barrier 2                         barrier 2
//   thread                            thread
//     h0 = open cwd:foo.h               h0 = open cwd:foo.h
//     barrier 1                         barrier 1
//     barrier 2                         barrier 2
//     close h0                          close h0
//   PinResult pin = PinInterleaving(minimized, OpRef{0, 0}, failing_traces);

#ifndef OPENRACE_HARNESS_REPRO_PIN_H_
#define OPENRACE_HARNESS_REPRO_PIN_H_

#include <string>
#include <vector>

#include "absl/types/span.h"
#include "harness/run/executor.h"
#include "harness/scenario/scenario.h"

namespace openrace {

struct PinResult {
  Scenario scenario;  // the pinned scenario: the input's barriers replaced
  OpRef failing;      // the failing call in `scenario`
  // Each ordering pinned, in words, numbered in `scenario` (from 1):
  // "thread 2 op 1 (h0 = open cwd:foo.h) ends before thread 1 op 2 (open
  // cwd:foo.h) starts".
  std::vector<std::string> orderings;
  bool changed = false;  // `scenario` differs from the input
};

// `traces` are rounds of `scenario` in which the call `failing` failed;
// rounds where it did not run are skipped. With no usable trace the
// scenario comes back unchanged. `scenario` must be valid; so is the result.
PinResult PinInterleaving(const Scenario& scenario, OpRef failing,
                          absl::Span<const RoundTrace> traces);

}  // namespace openrace

#endif  // OPENRACE_HARNESS_REPRO_PIN_H_
