// timeline.h — a picture of one round: which call ran when, on which
// thread, and which one failed.
//
// Both forms are pure functions of a Scenario and one RoundTrace
// (executor.h), for example the first failing round a RealProber kept in
// TrialResult::first_trace. Time runs from the round's release (0) to the
// last call's end (its retry's end when it was retried).
//
// TimelineSvg: a heading that names the signature (and the picture's
// <title>), then one row per thread, each call a bar from its start to its
// end, with a tooltip giving its times and outcome; a retry extends the bar
// in a lighter shade; the failing call is red. Each call is labelled with
// its operation as the text form prints it (PrintOp; cut to 48 code points,
// whole in the label's tooltip), from its bar's start (or ending at its
// bar's end near the right edge); labels that would overlap go to lanes
// above, with a dotted leader down to their bar, so no two labels ever
// overlap however many calls a round has. Under the bars, each held handle
// (`h = open ...` that succeeded) is a span from the open's end to the end
// of its `close h` (or to the round's end), labelled "h held" when it fits.
// A time axis in µs and a legend below. An opaque light background and
// dark text set on the root keep it readable on a dark page. Elements
// carry classes a test or a stylesheet can find: `heading`, `call`,
// `call failing`, `retry`, `label`, `leader`, `hold`, `hold-label`,
// `thread-label`, `tick`, `legend`.
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
//                                 OpRef{f.thread, f.op},
//                                 signature.ToString());
//   std::string ascii = TimelineAscii(scenario, trial.first_trace,
//                                     OpRef{f.thread, f.op});

#ifndef OPENRACE_HARNESS_REPORT_TIMELINE_H_
#define OPENRACE_HARNESS_REPORT_TIMELINE_H_

#include <string>

#include "absl/strings/string_view.h"
#include "absl/types/optional.h"
#include "harness/report/emit_c.h"
#include "harness/run/executor.h"
#include "harness/scenario/scenario.h"

namespace openrace {

// `trace.records` must be parallel to `scenario.threads[t].ops` (what the
// executor records); records beyond the scenario are ignored. `failing`
// unset: no call is marked. `signature` names the finding in the heading
// ("" for none).
std::string TimelineSvg(const Scenario& scenario, const RoundTrace& trace,
                        const absl::optional<OpRef>& failing,
                        absl::string_view signature);

std::string TimelineAscii(const Scenario& scenario, const RoundTrace& trace,
                          const absl::optional<OpRef>& failing,
                          int width = 100);

}  // namespace openrace

#endif  // OPENRACE_HARNESS_REPORT_TIMELINE_H_
