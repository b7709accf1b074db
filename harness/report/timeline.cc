// timeline.cc — see timeline.h.

#include "harness/report/timeline.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "harness/report/markdown.h"
#include "harness/report/svg.h"
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

// A handle a thread's `h = open ...` opened and held until its `close h`
// (or the round's end).
struct Hold {
  size_t thread = 0;
  std::string handle;
  int64_t begin = 0, end = 0;  // the open's end (its retry's, when retried)
                               // to the close's end
  bool closed = false;
};

std::vector<Hold> HoldsOf(const Scenario& scenario, const RoundTrace& trace,
                          const Span& span) {
  std::vector<Hold> holds;
  const size_t threads =
      std::min(scenario.threads.size(), trace.records.size());
  for (size_t t = 0; t < threads; ++t) {
    const std::vector<Op>& ops = scenario.threads[t].ops;
    const std::vector<OpRecord>& records = trace.records[t];
    const size_t n = std::min(ops.size(), records.size());
    for (size_t i = 0; i < n; ++i) {
      const OpRecord& r = records[i];
      if (ops[i].kind != OpKind::kOpen || ops[i].result.empty() || !r.ran) {
        continue;
      }
      const bool opened = r.retry ? r.retry->ok() : r.outcome.ok();
      if (!opened) continue;
      Hold hold;
      hold.thread = t;
      hold.handle = ops[i].result;
      hold.begin = r.retry ? std::max(r.end_ns, r.retry_end_ns) : r.end_ns;
      hold.end = span.end;
      for (size_t j = i + 1; j < n; ++j) {
        if (ops[j].kind == OpKind::kClose && ops[j].handle == hold.handle) {
          if (records[j].ran) {
            hold.end = records[j].end_ns;
            hold.closed = true;
          }
          break;
        }
      }
      hold.end = std::max(hold.end, hold.begin);
      holds.push_back(std::move(hold));
    }
  }
  return holds;
}

// The picture's geometry. Each thread's row, from the top: its call
// labels in lanes (lane 0 just above the bars), the bars, then its held
// handles in lanes of their own.
constexpr double kLeft = 70, kRight = 20, kPlot = 900;
constexpr double kWidth = kLeft + kPlot + kRight;
constexpr double kFont = 10;           // px, monospace
constexpr double kChar = 0.6 * kFont;  // a code point's advance
constexpr double kLane = 13;           // a label lane's height
constexpr double kLabelGap = 8;        // between labels in one lane
constexpr double kBar = 16;
constexpr double kHold = 11, kHoldGap = 3;
constexpr double kHoldFont = 8;
constexpr size_t kMaxLabel = 48;  // code points; longer ones are cut
constexpr double kHeading = 44;   // the two title lines

constexpr char kCallColor[] = "#4878d0";
constexpr char kFailingColor[] = "#d62728";
constexpr char kHoldColor[] = "#f2c14e";
constexpr char kGuide[] = "#d0d7de";

struct Label {
  std::string shown;  // cut to kMaxLabel
  bool cut = false;
  double left = 0, right = 0;
  bool flipped = false;  // ends at its bar's end
  size_t lane = 0;
};

struct Row {
  double top = 0, bar = 0, bottom = 0;
  size_t label_lanes = 1, hold_lanes = 0;
};

std::string Text(double x, double y, absl::string_view attributes,
                 absl::string_view body) {
  return absl::StrCat("<text x=\"", SvgNum(x), "\" y=\"", SvgNum(y), "\"",
                      attributes, ">", body, "</text>\n");
}

}  // namespace

std::string TimelineSvg(const Scenario& scenario, const RoundTrace& trace,
                        const absl::optional<OpRef>& failing,
                        absl::string_view signature) {
  const std::vector<Call> calls = CallsOf(scenario, trace, failing);
  const Span span = SpanOf(calls);
  const std::vector<Hold> holds = HoldsOf(scenario, trace, span);
  const size_t threads = scenario.threads.size();
  auto x = [&](int64_t ns) {
    return kLeft + static_cast<double>(ns - span.begin) * kPlot / span.length();
  };

  // Each call's label: from its bar's start, or ending at its bar's end
  // when it would run off the right edge; then lanes per thread.
  std::vector<Label> labels(calls.size());
  for (size_t k = 0; k < calls.size(); ++k) {
    const Call& c = calls[k];
    Label& label = labels[k];
    label.shown = TruncateText(c.text, kMaxLabel);
    label.cut = label.shown != c.text;
    const double length = kChar * static_cast<double>(CodePoints(label.shown));
    const double x0 = x(c.start), x1 = x0 + std::max(1.0, x(c.end) - x0);
    label.flipped = x0 + length > kWidth;
    label.left = label.flipped ? x1 - length : x0;
    label.right = label.left + length;
  }
  std::vector<Row> rows(threads);
  std::vector<size_t> hold_lane(holds.size(), 0);
  for (size_t t = 0; t < threads; ++t) {
    std::vector<std::pair<double, double>> boxes;
    std::vector<size_t> which;
    for (size_t k = 0; k < calls.size(); ++k) {
      if (calls[k].thread != t) continue;
      boxes.emplace_back(labels[k].left, labels[k].right);
      which.push_back(k);
    }
    const std::vector<size_t> lanes = PackLanes(boxes, kLabelGap);
    for (size_t i = 0; i < which.size(); ++i) {
      labels[which[i]].lane = lanes[i];
      rows[t].label_lanes = std::max(rows[t].label_lanes, lanes[i] + 1);
    }
    boxes.clear();
    which.clear();
    for (size_t h = 0; h < holds.size(); ++h) {
      if (holds[h].thread != t) continue;
      boxes.emplace_back(x(holds[h].begin), x(holds[h].end));
      which.push_back(h);
    }
    const std::vector<size_t> hold_lanes = PackLanes(boxes, 2);
    for (size_t i = 0; i < which.size(); ++i) {
      hold_lane[which[i]] = hold_lanes[i];
      rows[t].hold_lanes = std::max(rows[t].hold_lanes, hold_lanes[i] + 1);
    }
  }
  double y = kHeading;
  for (Row& row : rows) {
    row.top = y;
    row.bar = y + kLane * row.label_lanes + 4;
    row.bottom = row.bar + kBar + row.hold_lanes * (kHold + kHoldGap) + 10;
    y = row.bottom;
  }
  const double axis_y = y + 4;
  const double legend_y = axis_y + 36;
  const double height = legend_y + 14;

  const std::string name =
      signature.empty() ? std::string("a round") : std::string(signature);
  std::string svg = SvgOpen(
      {.width = kWidth,
       .height = height,
       .css_class = "timeline",
       .title = absl::StrCat("openrace timeline of ", name, ": round ",
                             trace.round, ", ", threads, " thread(s)"),
       .font_family = "ui-monospace,SFMono-Regular,Menlo,Consolas,monospace",
       .font_size = static_cast<int>(kFont)});
  // The heading: the signature (cut to the width; whole in its tooltip).
  const std::string heading = absl::StrCat(
      signature.empty() ? "" : absl::StrCat(signature, ": "),
      "a failing round (round ", trace.round, ")");
  const size_t heading_max = static_cast<size_t>((kWidth - 8) / (0.6 * 13));
  const std::string shown_heading = TruncateText(heading, heading_max);
  absl::StrAppend(
      &svg,
      Text(4, 17, " class=\"heading\" font-size=\"13\" font-weight=\"bold\"",
           absl::StrCat(HtmlEscape(shown_heading),
                        shown_heading == heading
                            ? ""
                            : absl::StrCat("<title>", HtmlEscape(heading),
                                           "</title>"))),
      Text(4, 33,
           absl::StrCat(" class=\"subtitle\" fill=\"", kSvgMutedText, "\""),
           absl::StrCat("one row per thread; time in ", kMicro,
                        " from the round's release; hover a bar for its "
                        "times and outcome")));
  for (size_t t = 0; t < threads; ++t) {
    const Row& row = rows[t];
    absl::StrAppend(
        &svg,
        Text(4, row.bar + 12, " class=\"thread-label\"",
             absl::StrCat("thread ", t + 1)),
        "<line class=\"guide\" x1=\"", SvgNum(kLeft), "\" y1=\"",
        SvgNum(row.bar + kBar / 2), "\" x2=\"", SvgNum(kLeft + kPlot),
        "\" y2=\"", SvgNum(row.bar + kBar / 2), "\" stroke=\"", kGuide,
        "\"/>\n");
  }
  // Held handles under their thread's bars.
  for (size_t h = 0; h < holds.size(); ++h) {
    const Hold& hold = holds[h];
    const double hy = rows[hold.thread].bar + kBar + kHoldGap +
                      hold_lane[h] * (kHold + kHoldGap);
    const double hx = x(hold.begin);
    const double hw = std::max(1.0, x(hold.end) - hx);
    const std::string title = HtmlEscape(absl::StrCat(
        "thread ", hold.thread + 1, " holds ", hold.handle,
        " from its open's end ", Us(hold.begin), " ", kMicro,
        hold.closed ? " to its close's end " : " to the round's end ",
        Us(hold.end), " ", kMicro));
    absl::StrAppend(&svg, "<rect class=\"hold\" x=\"", SvgNum(hx), "\" y=\"",
                    SvgNum(hy), "\" width=\"", SvgNum(hw), "\" height=\"",
                    SvgNum(kHold), "\" fill=\"", kHoldColor, "\"><title>",
                    title, "</title></rect>\n");
    const std::string text = absl::StrCat(hold.handle, " held");
    const double length = 0.6 * kHoldFont * CodePoints(text);
    if (length + 4 <= hw) {
      absl::StrAppend(
          &svg, Text(hx + 2, hy + kHold - 2.5,
                     absl::StrCat(" class=\"hold-label\" font-size=\"",
                                  kHoldFont, "\" textLength=\"", SvgNum(length),
                                  "\" lengthAdjust=\"spacingAndGlyphs\""),
                     HtmlEscape(text)));
    }
  }
  std::string label_texts;  // after every bar and leader
  for (size_t k = 0; k < calls.size(); ++k) {
    const Call& c = calls[k];
    const Label& label = labels[k];
    const Row& row = rows[c.thread];
    const double x0 = x(c.start);
    const double w = std::max(1.0, x(c.end) - x0);
    const char* color = c.failing ? kFailingColor : kCallColor;
    const std::string title = HtmlEscape(absl::StrCat(
        "thread ", c.thread + 1, " op ", c.op + 1, ": ", c.text, "\n",
        Us(c.start), "-", Us(c.last), " ", kMicro, ": ", c.outcome));
    absl::StrAppend(&svg, "<rect class=\"",
                    c.failing ? "call failing" : "call", "\" x=\"", SvgNum(x0),
                    "\" y=\"", SvgNum(row.bar), "\" width=\"", SvgNum(w),
                    "\" height=\"", SvgNum(kBar), "\" fill=\"", color,
                    "\"><title>", title, "</title></rect>\n");
    if (c.retried && c.last > c.end) {
      const double rx = x(c.end);
      absl::StrAppend(&svg, "<rect class=\"retry\" x=\"", SvgNum(rx),
                      "\" y=\"", SvgNum(row.bar), "\" width=\"",
                      SvgNum(std::max(1.0, x(c.last) - rx)), "\" height=\"",
                      SvgNum(kBar), "\" fill=\"", color,
                      "\" fill-opacity=\"0.35\"/>\n");
    }
    // The label, in its lane; from a lane above the first, a leader down
    // to its bar. Labels come after every leader, each with a halo of the
    // background around its glyphs: a leader that passes a label of a
    // lower lane is hidden there.
    const double baseline = row.bar - 4 - kLane * label.lane;
    const double anchor_x = label.flipped ? label.right : label.left;
    if (label.lane > 0) {
      const double lx = label.flipped ? anchor_x - 0.5 : anchor_x + 0.5;
      absl::StrAppend(&svg, "<line class=\"leader\" x1=\"", SvgNum(lx),
                      "\" y1=\"", SvgNum(baseline + 2), "\" x2=\"", SvgNum(lx),
                      "\" y2=\"", SvgNum(row.bar),
                      "\" stroke=\"#8c959f\" stroke-dasharray=\"1 2\"/>\n");
    }
    absl::StrAppend(
        &label_texts,
        Text(anchor_x, baseline,
             absl::StrCat(
                 " class=\"label\" textLength=\"",
                 SvgNum(label.right - label.left),
                 "\" lengthAdjust=\"spacingAndGlyphs\" stroke=\"",
                 kSvgBackground,
                 "\" stroke-width=\"3\" paint-order=\"stroke\"",
                 label.flipped ? " text-anchor=\"end\"" : "",
                 c.failing ? absl::StrCat(" fill=\"", kFailingColor, "\"")
                           : ""),
             absl::StrCat(HtmlEscape(label.shown),
                          label.cut ? absl::StrCat("<title>",
                                                   HtmlEscape(c.text),
                                                   "</title>")
                                    : "")));
  }
  svg += label_texts;
  // The time axis.
  absl::StrAppend(&svg, "<line x1=\"", SvgNum(kLeft), "\" y1=\"",
                  SvgNum(axis_y), "\" x2=\"", SvgNum(kLeft + kPlot),
                  "\" y2=\"", SvgNum(axis_y), "\" stroke=\"", kSvgText,
                  "\"/>\n");
  const double step_us = NiceStep(span.length() / 1000.0 / 8);
  for (double us = std::ceil(Micros(span.begin) / step_us) * step_us;
       us * 1000 <= static_cast<double>(span.end) + 1e-6; us += step_us) {
    const double tx = x(static_cast<int64_t>(std::llround(us * 1000)));
    absl::StrAppend(
        &svg, "<line class=\"tick\" x1=\"", SvgNum(tx), "\" y1=\"",
        SvgNum(axis_y), "\" x2=\"", SvgNum(tx), "\" y2=\"",
        SvgNum(axis_y + 5), "\" stroke=\"", kSvgText, "\"/>\n",
        Text(tx, axis_y + 17, " text-anchor=\"middle\"",
             absl::StrFormat("%g %s", us, kMicro)));
  }
  // The legend: a swatch and a few words for each kind of mark.
  struct Key {
    const char* color;
    const char* opacity;
    const char* text;
  };
  const Key keys[] = {
      {kCallColor, "", "a call"},
      {kFailingColor, "", "the failing call"},
      {kCallColor, " fill-opacity=\"0.35\"", "its retry"},
      {kHoldColor, "", "a handle held, from its open's end to its close's end"},
  };
  double lx = kLeft;
  for (const Key& key : keys) {
    absl::StrAppend(&svg, "<rect class=\"key\" x=\"", SvgNum(lx), "\" y=\"",
                    SvgNum(legend_y - 9), "\" width=\"12\" height=\"10\" fill=\"",
                    key.color, "\"", key.opacity, "/>\n",
                    Text(lx + 16, legend_y, " class=\"legend\"",
                         HtmlEscape(key.text)));
    lx += 16 + kChar * CodePoints(key.text) + 20;
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
