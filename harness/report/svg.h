// svg.h — the pieces openrace's SVG pictures share: the timeline of a
// failing round (timeline.h), the bisection chart (bisect_chart.h) and the
// dashboard's progress chart (dashboard.h).
//
// Every picture opens with SvgOpen: a <title> that says what it shows (its
// accessible name, and the tooltip of a picture opened on its own), and an
// opaque light background with dark text colors set on the root, so the
// picture reads the same on a dark page or viewer as on a light one. Text
// is escaped with HtmlEscape (markdown.h). Text widths are estimated
// (SvgTextWidth) so a picture can lay its labels out without overlaps;
// where a label must fit exactly, it carries a `textLength` of that width.
//
// Example:
//   std::string svg = SvgOpen({.width = 400, .height = 100,
//                              .title = "what it shows"});
//   svg += "<text x=\"4\" y=\"14\">hello</text>\n";
//   svg += "</svg>\n";

#ifndef OPENRACE_HARNESS_REPORT_SVG_H_
#define OPENRACE_HARNESS_REPORT_SVG_H_

#include <cstddef>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/string_view.h"

namespace openrace {

inline constexpr char kSvgBackground[] = "#ffffff";
inline constexpr char kSvgText[] = "#1f2328";       // on kSvgBackground
inline constexpr char kSvgMutedText[] = "#57606a";  // the same, quieter

struct SvgFrame {
  double width = 0, height = 0;
  std::string css_class;  // "" for none
  std::string title;      // the picture's <title>, as text (escaped here)
  std::string font_family = "system-ui,-apple-system,'Segoe UI',sans-serif";
  int font_size = 11;
};

// "<svg ...>" with the size, the fonts and the text color, then its
// <title> and a background rect of class "background" over the whole
// picture. The caller appends the rest and "</svg>\n".
std::string SvgOpen(const SvgFrame& frame);

// A coordinate or length: one decimal ("12.5").
std::string SvgNum(double v);

// A rate as a percentage with three significant digits: "0.664 %".
std::string PercentText(double rate);

// Code points in UTF-8 `text` (what a renderer draws one glyph each for).
size_t CodePoints(absl::string_view text);

// About how wide `text` is drawn at `font_size` px: 0.6 em a code point,
// a monospace font's advance and wider than most proportional text.
double SvgTextWidth(absl::string_view text, double font_size);

// `text` cut to at most `max` code points (at least 2), the last one "…"
// when it was cut.
std::string TruncateText(absl::string_view text, size_t max);

// 1, 2 or 5 times a power of ten, at least `raw` (1 when `raw` is not
// positive): the step of an axis's ticks.
double NiceStep(double raw);

// Lays intervals [first, second) out in lanes so that no two in one lane
// come closer than `gap`: the lane of each, by index (first fit, in order
// of `first`; as few lanes as possible). Used for labels and spans that
// must not overlap.
std::vector<size_t> PackLanes(
    const std::vector<std::pair<double, double>>& intervals, double gap);

}  // namespace openrace

#endif  // OPENRACE_HARNESS_REPORT_SVG_H_
