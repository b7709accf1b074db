// timeline.h — a picture of one round: which call ran when, on which
// thread, and which one failed.
//
// Both forms are pure functions of a Scenario and one RoundTrace
// (executor.h), for example the first failing round a RealProber kept in
// TrialResult::first_trace. Time runs from the round's release (0) to the
// last call's end (its retry's end when it was retried).
//
// TimelineSvg: one row per thread, each call a bar from its start to its
// end, labelled with its operation as the text form prints it (PrintOp) and
// with a tooltip giving its times and outcome; a retry extends the bar in a
// lighter shade; the failing call is red; a time axis in µs below the rows.
// Elements carry classes a test or a stylesheet can find: `call`,
// `call failing`, `retry`, `thread-label`, `tick`.
//
// TimelineAscii: a fixed-width picture (`width` columns, at least 40), one
// line per thread: `t1 |....###...X......|`, `#` for a call, `X` for the
// failing call (a call at least one column wide, so a short call still
// shows), a line of time marks in µs, then a legend that lists every call
// that ran, by start time: thread, op index, start–end in µs, outcome and
// its text.
//
// Example:
//   const TrialResult& trial = ...;  // from RealProber::Run
//   const Finding& f = trial.first[0];
//   std::string svg = TimelineSvg(scenario, trial.first_trace,
//                                 OpRef{f.thread, f.op});
//   std::string ascii = TimelineAscii(scenario, trial.first_trace,
//                                     OpRef{f.thread, f.op});

#ifndef OPENRACE_HARNESS_REPORT_TIMELINE_H_
#define OPENRACE_HARNESS_REPORT_TIMELINE_H_

#include <string>

#include "absl/types/optional.h"
#include "harness/report/emit_c.h"
#include "harness/run/executor.h"
#include "harness/scenario/scenario.h"

namespace openrace {

// `trace.records` must be parallel to `scenario.threads[t].ops` (what the
// executor records); records beyond the scenario are ignored. `failing`
// unset: no call is marked.
std::string TimelineSvg(const Scenario& scenario, const RoundTrace& trace,
                        const absl::optional<OpRef>& failing);

std::string TimelineAscii(const Scenario& scenario, const RoundTrace& trace,
                          const absl::optional<OpRef>& failing,
                          int width = 100);

}  // namespace openrace

#endif  // OPENRACE_HARNESS_REPORT_TIMELINE_H_
