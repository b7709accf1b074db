// svg.cc — see svg.h.

#include "harness/report/svg.h"

#include <algorithm>
#include <cmath>
#include <numeric>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "harness/report/markdown.h"

namespace openrace {

std::string SvgOpen(const SvgFrame& frame) {
  const std::string w = SvgNum(frame.width), h = SvgNum(frame.height);
  return absl::StrCat(
      "<svg xmlns=\"http://www.w3.org/2000/svg\"",
      frame.css_class.empty()
          ? ""
          : absl::StrCat(" class=\"", HtmlEscape(frame.css_class), "\""),
      " width=\"", w, "\" height=\"", h, "\" viewBox=\"0 0 ", w, " ", h,
      "\" role=\"img\" font-family=\"", HtmlEscape(frame.font_family),
      "\" font-size=\"", frame.font_size, "\" fill=\"", kSvgText, "\">\n",
      "<title>", HtmlEscape(frame.title), "</title>\n",
      "<rect class=\"background\" x=\"0\" y=\"0\" width=\"", w, "\" height=\"",
      h, "\" fill=\"", kSvgBackground, "\"/>\n");
}

std::string SvgNum(double v) { return absl::StrFormat("%.1f", v); }

std::string PercentText(double rate) {
  return absl::StrFormat("%.3g %%", 100 * rate);
}

size_t CodePoints(absl::string_view text) {
  return static_cast<size_t>(std::count_if(text.begin(), text.end(), [](char c) {
    return (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  }));
}

double SvgTextWidth(absl::string_view text, double font_size) {
  return 0.6 * font_size * static_cast<double>(CodePoints(text));
}

std::string TruncateText(absl::string_view text, size_t max) {
  max = std::max<size_t>(max, 2);
  if (CodePoints(text) <= max) return std::string(text);
  size_t points = 0, i = 0;
  for (; i < text.size(); ++i) {
    if ((static_cast<unsigned char>(text[i]) & 0xC0) == 0x80) continue;
    if (points == max - 1) break;
    ++points;
  }
  return absl::StrCat(text.substr(0, i), "\xe2\x80\xa6");  // "…"
}

double NiceStep(double raw) {
  if (!(raw > 0)) return 1;
  const double power = std::pow(10.0, std::floor(std::log10(raw)));
  for (double m : {1.0, 2.0, 5.0, 10.0}) {
    if (m * power >= raw) return m * power;
  }
  return 10 * power;
}

std::vector<size_t> PackLanes(
    const std::vector<std::pair<double, double>>& intervals, double gap) {
  std::vector<size_t> order(intervals.size());
  std::iota(order.begin(), order.end(), size_t{0});
  std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) {
    return intervals[a].first < intervals[b].first;
  });
  std::vector<size_t> lane(intervals.size(), 0);
  std::vector<double> lane_end;  // where each lane's last interval ends
  for (size_t i : order) {
    size_t l = 0;
    while (l < lane_end.size() && lane_end[l] + gap > intervals[i].first) ++l;
    if (l == lane_end.size()) lane_end.push_back(0);
    lane_end[l] = intervals[i].second;
    lane[i] = l;
  }
  return lane;
}

}  // namespace openrace
