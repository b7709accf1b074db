// bisect_chart.h — the bisection table (bisect.h) as a picture: one bar
// per variation of the minimized scenario, its failure rate per round,
// with a whisker for its 95 % Wilson interval (stats.h).
//
// A pure function of the rows, so `openrace report` draws it again byte for
// byte from stats.json. The finding store writes it as bisect.svg beside
// timeline.svg (finding_store.h), report.md links it, and the dashboard
// shows it on a finding's page (dashboard.h).
//
// The picture: a heading that names the signature (and the picture's
// <title>), then a row per variation, in the table's order: its name
// (cut to 39 code points, whole in the row's tooltip), a bar from 0 to the
// measured rate (none when no round failed), a whisker from the interval's
// low to its high end with a cap at each (dashed, from 0, when no round
// failed: only the high end means something), and the counts, the rate and
// the interval as text; an axis in percent below, scaled to the highest
// interval end. Opaque light background, dark text (svg.h). Classes:
// `heading`, `row`, `variation`, `bar`, `interval`, `cap`, `rate`, `tick`.
//
// Example:
//   std::string svg = BisectChartSvg(
//       {{"as found", 20, 3011}, {"absolute path", 0, 3011}},
//       "open-invalid_parameter-EINVAL-transient-cwd");

#ifndef OPENRACE_HARNESS_REPORT_BISECT_CHART_H_
#define OPENRACE_HARNESS_REPORT_BISECT_CHART_H_

#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "harness/repro/bisect.h"

namespace openrace {

// `signature` names the finding in the heading ("" for none).
std::string BisectChartSvg(const std::vector<BisectRow>& rows,
                           absl::string_view signature);

}  // namespace openrace

#endif  // OPENRACE_HARNESS_REPORT_BISECT_CHART_H_
