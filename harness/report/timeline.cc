// timeline.cc — see timeline.h.

#include "harness/report/timeline.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_replace.h"
#include "harness/run/outcome.h"
#include "harness/scenario/scenario_text.h"

namespace openrace {
namespace {

constexpr char kMicro[] = "\xc2\xb5s";  // "µs" in UTF-8

struct Call {
  size_t thread = 0, op = 0;
  int64_t start = 0, end = 0;  // the first try
  int64_t last = 0;            // the end of the retry, or `end`
  bool retried = false;
  bool failing = false;
  std::string text;     // PrintOp
  std::string outcome;  // "ok", "invalid_parameter(EINVAL), retry ok"
};

struct Span {
  int64_t begin = 0;  // at most 0, the round's release
  int64_t end = 1;    // past begin
  double length() const { return static_cast<double>(end - begin); }
};

std::vector<Call> CallsOf(const Scenario& scenario, const RoundTrace& trace,
                          const absl::optional<OpRef>& failing) {
  std::vector<Call> calls;
  const size_t threads =
      std::min(scenario.threads.size(), trace.records.size());
  for (size_t t = 0; t < threads; ++t) {
    const std::vector<Op>& ops = scenario.threads[t].ops;
    const std::vector<OpRecord>& records = trace.records[t];
    for (size_t i = 0; i < std::min(ops.size(), records.size()); ++i) {
      const OpRecord& r = records[i];
      if (!r.ran) continue;
      Call c;
      c.thread = t;
      c.op = i;
      c.start = r.start_ns;
      c.end = std::max(r.end_ns, r.start_ns);
      c.retried = r.retry.has_value();
      c.last = c.retried ? std::max(c.end, r.retry_end_ns) : c.end;
      c.failing = failing && failing->thread == t && failing->op == i;
      c.text = PrintOp(ops[i]);
      c.outcome = OutcomeName(r.outcome);
      if (r.retry) {
        absl::StrAppend(&c.outcome, ", retry ", OutcomeName(*r.retry));
      }
      calls.push_back(std::move(c));
    }
  }
  return calls;
}

Span SpanOf(const std::vector<Call>& calls) {
  Span span;
  for (const Call& c : calls) {
    span.begin = std::min(span.begin, c.start);
    span.end = std::max(span.end, c.last);
  }
  if (span.end <= span.begin) span.end = span.begin + 1;
  return span;
}

double Micros(int64_t ns) { return static_cast<double>(ns) / 1000.0; }

std::string Us(int64_t ns) { return absl::StrFormat("%.1f", Micros(ns)); }

std::string XmlEscape(absl::string_view text) {
  return absl::StrReplaceAll(text, {{"&", "&amp;"},
                                    {"<", "&lt;"},
                                    {">", "&gt;"},
                                    {"\"", "&quot;"},
                                    {"'", "&apos;"}});
}

// 1, 2 or 5 times a power of ten, at least `raw`.
double NiceStep(double raw) {
  if (!(raw > 0)) return 1;
  const double power = std::pow(10.0, std::floor(std::log10(raw)));
  for (double m : {1.0, 2.0, 5.0, 10.0}) {
    if (m * power >= raw) return m * power;
  }
  return 10 * power;
}

}  // namespace

std::string TimelineSvg(const Scenario& scenario, const RoundTrace& trace,
                        const absl::optional<OpRef>& failing) {
  const std::vector<Call> calls = CallsOf(scenario, trace, failing);
  const Span span = SpanOf(calls);
  const size_t rows = std::max<size_t>(1, scenario.threads.size());
  constexpr double kLeft = 70, kRight = 20, kTop = 24, kPlot = 900;
  constexpr double kRow = 44, kBar = 16, kCharWidth = 6;
  const double width = kLeft + kPlot + kRight;
  const double axis_y = kTop + rows * kRow + 6;
  const double height = axis_y + 36;
  auto x = [&](int64_t ns) {
    return kLeft + static_cast<double>(ns - span.begin) * kPlot / span.length();
  };

  std::string svg = absl::StrFormat(
      "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%.0f\" "
      "height=\"%.0f\" viewBox=\"0 0 %.0f %.0f\" font-family=\"monospace\" "
      "font-size=\"10\">\n",
      width, height, width, height);
  absl::StrAppend(
      &svg,
      absl::StrFormat(
          "<text x=\"%.1f\" y=\"14\" font-size=\"12\">round %d: one row per "
          "thread, time in %s from the round's release</text>\n",
          kLeft, trace.round, kMicro));
  for (size_t t = 0; t < scenario.threads.size(); ++t) {
    const double y = kTop + t * kRow + 18;
    absl::StrAppend(&svg,
                    absl::StrFormat("<text class=\"thread-label\" x=\"4\" "
                                    "y=\"%.1f\">thread %d</text>\n",
                                    y + 12, t + 1));
    absl::StrAppend(
        &svg,
        absl::StrFormat("<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" "
                        "stroke=\"#ddd\"/>\n",
                        kLeft, y + kBar / 2, kLeft + kPlot, y + kBar / 2));
  }
  for (const Call& c : calls) {
    const double y = kTop + c.thread * kRow + 18;
    const double x0 = x(c.start);
    const double w = std::max(1.0, x(c.end) - x0);
    const char* color = c.failing ? "#d62728" : "#4878d0";
    const std::string title = XmlEscape(absl::StrCat(
        "thread ", c.thread + 1, " op ", c.op + 1, ": ", c.text, "\n",
        Us(c.start), "-", Us(c.last), " ", kMicro, ": ", c.outcome));
    absl::StrAppend(
        &svg,
        absl::StrFormat(
            "<rect class=\"%s\" x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" "
            "height=\"%.0f\" fill=\"%s\"><title>%s</title></rect>\n",
            c.failing ? "call failing" : "call", x0, y, w, kBar, color, title));
    if (c.retried && c.last > c.end) {
      const double rx = x(c.end);
      absl::StrAppend(
          &svg,
          absl::StrFormat(
              "<rect class=\"retry\" x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" "
              "height=\"%.0f\" fill=\"%s\" fill-opacity=\"0.35\"/>\n",
              rx, y, std::max(1.0, x(c.last) - rx), kBar, color));
    }
    // The label starts at the bar, or ends at the bar's end when it would
    // run off the right edge (monospace: about 6 px a character).
    const bool flip = x0 + kCharWidth * c.text.size() > width &&
                      x0 + w - kCharWidth * c.text.size() >= 0;
    absl::StrAppend(
        &svg, absl::StrFormat(
                  "<text x=\"%.1f\" y=\"%.1f\"%s%s>%s</text>\n",
                  flip ? x0 + w : x0, y - 3, flip ? " text-anchor=\"end\"" : "",
                  c.failing ? " fill=\"#d62728\"" : "", XmlEscape(c.text)));
  }
  // The time axis.
  absl::StrAppend(
      &svg,
      absl::StrFormat("<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" "
                      "stroke=\"#000\"/>\n",
                      kLeft, axis_y, kLeft + kPlot, axis_y));
  const double step_us = NiceStep(span.length() / 1000.0 / 8);
  for (double us = std::ceil(Micros(span.begin) / step_us) * step_us;
       us * 1000 <= static_cast<double>(span.end) + 1e-6; us += step_us) {
    const double tx = x(static_cast<int64_t>(std::llround(us * 1000)));
    absl::StrAppend(
        &svg,
        absl::StrFormat(
            "<line class=\"tick\" x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" "
            "y2=\"%.1f\" stroke=\"#000\"/>\n"
            "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\">%g %s</text>\n",
            tx, axis_y, tx, axis_y + 5, tx, axis_y + 17, us, kMicro));
  }
  svg += "</svg>\n";
  return svg;
}

std::string TimelineAscii(const Scenario& scenario, const RoundTrace& trace,
                          const absl::optional<OpRef>& failing, int width) {
  const std::vector<Call> calls = CallsOf(scenario, trace, failing);
  const Span span = SpanOf(calls);
  width = std::max(width, 40);
  const size_t threads = scenario.threads.size();
  const int label =
      static_cast<int>(absl::StrCat("t", threads).size());
  const int field = width - label - 3;  // "tN |" ... "|"
  auto column = [&](int64_t ns) {
    const double c =
        static_cast<double>(ns - span.begin) * field / span.length();
    return std::clamp(static_cast<int>(std::floor(c)), 0, field - 1);
  };

  std::vector<std::string> lines(threads, std::string(field, '.'));
  for (const Call& c : calls) {
    const int first = column(c.start);
    // The last column the call reaches: where its end falls, minus one when
    // it ends exactly on a column's edge.
    const double end =
        static_cast<double>(c.last - span.begin) * field / span.length();
    const int last = std::max(
        first, std::min(field - 1, static_cast<int>(std::ceil(end)) - 1));
    for (int col = first; col <= last; ++col) {
      char& cell = lines[c.thread][col];
      if (cell != 'X') cell = c.failing ? 'X' : '#';
    }
  }
  std::string out;
  for (size_t t = 0; t < threads; ++t) {
    absl::StrAppend(&out,
                    absl::StrFormat("%-*s |", label, absl::StrCat("t", t + 1)),
                    lines[t], "|\n");
  }
  // Time marks: the start at the left edge, the end at the right.
  const std::string left = absl::StrCat(Us(span.begin), " us");
  const std::string right = absl::StrCat(Us(span.end), " us");
  std::string axis(static_cast<size_t>(width), ' ');
  axis.replace(label + 2, left.size(), left);
  const size_t right_at = std::max(label + 3 + left.size(),
                                   static_cast<size_t>(width) - right.size());
  axis.replace(right_at, right.size(), right);
  axis.resize(std::max(static_cast<size_t>(width), right_at + right.size()));
  while (!axis.empty() && axis.back() == ' ') axis.pop_back();
  absl::StrAppend(&out, axis, "\n");
  out +=
      "legend (# a call, X the failing call; times in us from the release):\n";
  std::vector<Call> by_start = calls;
  std::stable_sort(
      by_start.begin(), by_start.end(),
      [](const Call& a, const Call& b) { return a.start < b.start; });
  for (const Call& c : by_start) {
    absl::StrAppend(
        &out, absl::StrFormat("  %c t%d op %-2d %8s-%-8s %-36s %s\n",
                              c.failing ? 'X' : '#', c.thread + 1, c.op + 1,
                              Us(c.start), Us(c.last), c.outcome, c.text));
  }
  return out;
}

}  // namespace openrace
