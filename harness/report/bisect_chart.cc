// bisect_chart.cc — see bisect_chart.h.

#include "harness/report/bisect_chart.h"

#include <algorithm>
#include <cmath>

#include "absl/strings/str_cat.h"
#include "harness/report/markdown.h"
#include "harness/report/svg.h"
#include "harness/repro/stats.h"

namespace openrace {
namespace {

constexpr double kFont = 11;
constexpr double kHeadingFont = 13;
constexpr double kMaxLabelWidth = 260;  // px; longer names are cut
constexpr double kBars = 380;           // px from 0 to the axis's top
constexpr double kRow = 24;
constexpr double kTop = 46;  // below the heading and its subtitle
constexpr char kFailedColor[] = "#cf222e";
constexpr char kWhisker[] = "#24292f";
constexpr char kGrid[] = "#d8dee4";

std::string Text(double x, double y, absl::string_view attributes,
                 absl::string_view body) {
  return absl::StrCat("<text x=\"", SvgNum(x), "\" y=\"", SvgNum(y), "\"",
                      attributes, ">", body, "</text>\n");
}

std::string Line(double x1, double y1, double x2, double y2,
                 absl::string_view attributes) {
  return absl::StrCat("<line x1=\"", SvgNum(x1), "\" y1=\"", SvgNum(y1),
                      "\" x2=\"", SvgNum(x2), "\" y2=\"", SvgNum(y2), "\"",
                      attributes, "/>\n");
}

double RateOf(const BisectRow& row) {
  return row.rounds ? static_cast<double>(row.failures) / row.rounds : 0;
}

// "20/3011 · 0.664 % (0.43 %–1.02 %)", or "0/3011 · < 0.127 %".
std::string RateLabel(const BisectRow& row) {
  const RateInterval ci = WilsonInterval(row.failures, row.rounds);
  if (row.failures == 0) {
    return absl::StrCat(row.failures, "/", row.rounds, " \xc2\xb7 < ",
                        PercentText(ci.high));
  }
  return absl::StrCat(row.failures, "/", row.rounds, " \xc2\xb7 ",
                      PercentText(RateOf(row)), " (", PercentText(ci.low),
                      "\xe2\x80\x93", PercentText(ci.high), ")");
}

}  // namespace

std::string BisectChartSvg(const std::vector<BisectRow>& rows,
                           absl::string_view signature) {
  const size_t max_label =
      static_cast<size_t>(kMaxLabelWidth / (0.6 * kFont));
  double label_width = 0, rate_width = 0, top_raw = 0;
  for (const BisectRow& row : rows) {
    label_width = std::max(
        label_width, SvgTextWidth(TruncateText(row.variation, max_label), kFont));
    rate_width = std::max(rate_width, SvgTextWidth(RateLabel(row), kFont));
    top_raw = std::max(top_raw, WilsonInterval(row.failures, row.rounds).high);
  }
  const double step = NiceStep(top_raw > 0 ? top_raw / 4 : 0.25);
  const double top = std::max(step, step * std::ceil(top_raw / step - 1e-9));
  const double left = 10 + label_width + 10;  // where 0 is
  const double axis = kTop + kRow * rows.size() + 4;
  const std::string heading =
      absl::StrCat(signature.empty() ? "the bisection" : signature,
                   ": what it is and is not");
  const std::string subtitle =
      "failure rate per round of each variation; whisker: its 95 % interval";
  const double width = std::max(
      {left + kBars + 10 + rate_width + 10,
       8 + SvgTextWidth(heading, kHeadingFont), 8 + SvgTextWidth(subtitle, kFont)});
  const double height = axis + 24;
  auto x = [&](double rate) { return left + kBars * std::min(1.0, rate / top); };

  std::string svg = SvgOpen({.width = width,
                             .height = height,
                             .css_class = "bisect",
                             .title = absl::StrCat("openrace bisection of ",
                                                   signature.empty() ? "a finding" : signature,
                                                   ": failure rate of each variation"),
                             .font_size = static_cast<int>(kFont)});
  absl::StrAppend(
      &svg,
      Text(4, 18, " class=\"heading\" font-size=\"13\" font-weight=\"bold\"",
           HtmlEscape(heading)),
      Text(4, 34, absl::StrCat(" class=\"subtitle\" fill=\"", kSvgMutedText, "\""),
           HtmlEscape(subtitle)));
  // Grid lines and the axis's ticks.
  const int ticks = static_cast<int>(std::llround(top / step));
  for (int i = 0; i <= ticks; ++i) {
    const double tx = x(step * i);
    absl::StrAppend(
        &svg,
        Line(tx, kTop, tx, axis, absl::StrCat(" class=\"grid\" stroke=\"", kGrid, "\"")),
        Line(tx, axis, tx, axis + 4,
             absl::StrCat(" class=\"tick\" stroke=\"", kSvgMutedText, "\"")),
        Text(tx, axis + 16, " text-anchor=\"middle\"", PercentText(step * i)));
  }
  absl::StrAppend(&svg, Line(left, axis, left + kBars, axis,
                             absl::StrCat(" stroke=\"", kSvgMutedText, "\"")));
  for (size_t i = 0; i < rows.size(); ++i) {
    const BisectRow& row = rows[i];
    const double y = kTop + kRow * i;
    const double mid = y + 12;
    const RateInterval ci = WilsonInterval(row.failures, row.rounds);
    const std::string shown = TruncateText(row.variation, max_label);
    absl::StrAppend(
        &svg, "<g class=\"row\"><title>",
        HtmlEscape(absl::StrCat(row.variation, ": ", row.failures, " of ",
                                row.rounds, " rounds failed; 95 % interval ",
                                PercentText(ci.low), " to ",
                                PercentText(ci.high))),
        "</title>\n",
        Text(left - 10, mid + 4, " class=\"variation\" text-anchor=\"end\"",
             HtmlEscape(shown)));
    if (row.failures > 0) {
      absl::StrAppend(&svg, "<rect class=\"bar\" x=\"", SvgNum(left),
                      "\" y=\"", SvgNum(y + 5), "\" width=\"",
                      SvgNum(x(RateOf(row)) - left), "\" height=\"14\" fill=\"",
                      kFailedColor, "\"/>\n");
    }
    const double low = row.failures > 0 ? x(ci.low) : left;
    const std::string stroke = absl::StrCat(" stroke=\"", kWhisker, "\"");
    absl::StrAppend(
        &svg,
        Line(low, mid, x(ci.high), mid,
             absl::StrCat(" class=\"interval\"", stroke,
                          row.failures ? "" : " stroke-dasharray=\"3 2\"")),
        row.failures ? Line(low, mid - 5, low, mid + 5,
                            absl::StrCat(" class=\"cap\"", stroke))
                     : "",
        Line(x(ci.high), mid - 5, x(ci.high), mid + 5,
             absl::StrCat(" class=\"cap\"", stroke)),
        Text(left + kBars + 10, mid + 4,
             absl::StrCat(" class=\"rate\"",
                          row.failures ? "" : absl::StrCat(" fill=\"", kSvgMutedText, "\"")),
             HtmlEscape(RateLabel(row))),
        "</g>\n");
  }
  svg += "</svg>\n";
  return svg;
}

}  // namespace openrace
