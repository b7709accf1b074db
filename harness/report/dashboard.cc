// dashboard.cc — see dashboard.h.

#include "harness/report/dashboard.h"

#include <algorithm>
#include <cmath>
#include <functional>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "harness/report/bisect_chart.h"
#include "harness/report/markdown.h"
#include "harness/report/svg.h"

namespace openrace {
namespace {

constexpr absl::string_view kStyle = R"css(
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;margin:0;color:#1f2328;background:#fff}
header{background:#24292f;color:#fff;padding:10px 24px}
header a{color:#fff;text-decoration:none;font-weight:600}
header span{color:#afb8c1;margin-left:12px}
main{padding:8px 24px 32px;max-width:1280px}
h1{font-size:22px;margin:16px 0 8px}
h2{font-size:17px;margin:24px 0 8px;border-bottom:1px solid #d8dee4;padding-bottom:4px}
table{border-collapse:collapse;margin:8px 0}
th,td{border:1px solid #d0d7de;padding:4px 8px;vertical-align:top;text-align:left}
th{background:#f6f8fa;font-weight:600}
td.n{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
table.facts th{width:11em}
code,pre{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:12px}
pre{background:#f6f8fa;padding:8px 12px;overflow:auto;border-radius:6px}
.badge{display:inline-block;padding:0 8px;border-radius:10px;font-size:12px;white-space:nowrap}
.s-minimized{background:#dafbe1;color:#116329}
.s-partial{background:#fff8c5;color:#7d4e00}
.s-given-up{background:#ffebe9;color:#a40e26}
.s-not-yet{background:#eaeef2;color:#57606a}
.small{color:#57606a;font-size:12px}
.sig{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:13px}
article{border:1px solid #d0d7de;border-radius:6px;padding:0 16px;margin-top:8px}
svg text{font:11px system-ui,sans-serif;fill:#1f2328}
)css";

std::string E(absl::string_view text) { return HtmlEscape(text); }

std::string Count(uint64_t n) {
  std::string digits = absl::StrCat(n);
  std::string out;
  for (size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out += ',';
    out += digits[i];
  }
  return out;
}

// 1.23M, 45.6k, 789: for axes and rates.
std::string Short(double n) {
  if (n >= 1e6) return absl::StrFormat("%.3gM", n / 1e6);
  if (n >= 1e3) return absl::StrFormat("%.3gk", n / 1e3);
  if (n >= 10 || n == std::floor(n)) return absl::StrFormat("%.0f", n);
  return absl::StrFormat("%.2g", n);
}

std::string Duration(double seconds) {
  const int64_t s = static_cast<int64_t>(std::llround(std::max(0.0, seconds)));
  if (s >= 3600) return absl::StrFormat("%dh %02dm", s / 3600, s / 60 % 60);
  if (s >= 60) return absl::StrFormat("%dm %02ds", s / 60, s % 60);
  return absl::StrFormat("%ds", s);
}

std::string When(const absl::optional<absl::Time>& time) {
  if (!time) return "—";
  return absl::FormatTime("%Y-%m-%d %H:%M UTC", *time, absl::UTCTimeZone());
}

std::string StatusClass(FindingStatus status) {
  std::string name(FindingStatusName(status));
  std::replace(name.begin(), name.end(), ' ', '-');
  return "s-" + name;
}

std::string Badge(const SiteFinding& f) {
  return absl::StrCat("<span class=\"badge ", StatusClass(f.status), "\"",
                      f.status_note.empty()
                          ? ""
                          : absl::StrCat(" title=\"", E(f.status_note), "\""),
                      ">", FindingStatusName(f.status), "</span>");
}

std::string RateText(const SiteFinding& f) {
  if (f.rounds == 0) return "—";
  return absl::StrCat(Count(f.failures), " of ", Count(f.rounds), " (",
                      PercentText(static_cast<double>(f.failures) / f.rounds),
                      ")<br><span class=\"small\">95 % CI ", PercentText(f.rate.low),
                      " – ", PercentText(f.rate.high), "</span>");
}

std::string SizeText(const SiteFinding& f) {
  if (!f.minimized) return "—";
  return absl::StrCat(f.threads, " thread", f.threads == 1 ? "" : "s", ", ",
                      f.ops, " op", f.ops == 1 ? "" : "s");
}

std::string FindingDir(const SiteFinding& f) {
  return absl::StrCat("findings/", SiteFileName(f.signature));
}

std::string Page(absl::string_view title, absl::string_view root,
                 absl::string_view body) {
  return absl::StrCat(
      "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
      "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
      "<title>",
      E(title), "</title>\n<style>", kStyle, "</style>\n</head>\n<body>\n",
      "<header><a href=\"", root, "index.html\">openrace findings</a><span>",
      E(title), "</span></header>\n<main>\n", body, "</main>\n</body>\n</html>\n");
}

const SiteOutput* OutputById(const Site& site, absl::string_view id) {
  for (const SiteOutput& o : site.outputs) {
    if (o.id == id) return &o;
  }
  return nullptr;
}

std::string OccurrencesCell(const Site& site, const SiteFinding& f,
                            absl::string_view root) {
  std::string html = absl::StrCat("<b>", Count(f.TotalOccurrences()), "</b>");
  for (const SiteOccurrences& o : f.occurrences) {
    const SiteOutput* output = OutputById(site, o.output);
    absl::StrAppend(&html, "<br><span class=\"small\">");
    if (output != nullptr) {
      absl::StrAppend(&html, "<a href=\"", root, "outputs/",
                      SiteFileName(output->id), ".html\">", E(output->id), "</a>");
    } else {
      html += E(o.output);
    }
    absl::StrAppend(&html, ": ", Count(o.count));
    if (!o.parts.empty()) {
      std::vector<std::string> parts;
      for (const auto& [part, n] : o.parts) {
        parts.push_back(absl::StrCat(E(part), " ", Count(n)));
      }
      absl::StrAppend(&html, " (", absl::StrJoin(parts, ", "), ")");
    }
    if (!o.in_merge.empty()) absl::StrAppend(&html, ", in ", E(o.in_merge));
    html += "</span>";
  }
  return html;
}

std::string FindingsTable(const Site& site,
                          const std::vector<const SiteFinding*>& findings,
                          absl::string_view root) {
  if (findings.empty()) return "<p id=\"no-findings\">No findings.</p>\n";
  std::string html =
      "<table id=\"findings\">\n<thead><tr><th>signature</th><th>status</th>"
      "<th>first seen</th><th>last seen</th><th>occurrences</th>"
      "<th>rate</th><th>minimized</th><th>partial</th></tr></thead>\n<tbody>\n";
  for (const SiteFinding* f : findings) {
    std::string signature = absl::StrCat(
        "<a class=\"sig\" href=\"", root, FindingDir(*f), "/index.html\">",
        E(f->signature), "</a>");
    if (!f->variants.empty()) {
      std::vector<std::string> variants;
      for (const std::string& v : f->variants) variants.push_back(E(v));
      absl::StrAppend(&signature, "<br><span class=\"small\">variants: ",
                      absl::StrJoin(variants, ", "), "</span>");
    }
    absl::StrAppend(
        &html, "<tr class=\"finding\" data-signature=\"", E(f->signature),
        "\"><td>", signature, "</td><td>", Badge(*f), "</td><td class=\"n\">",
        When(f->first_seen), "</td><td class=\"n\">", When(f->last_seen),
        "</td><td class=\"n\">", OccurrencesCell(site, *f, root),
        "</td><td class=\"n\">", RateText(*f), "</td><td class=\"n\">",
        SizeText(*f), "</td><td>",
        !f->minimized ? "—" : f->status == FindingStatus::kPartial ? "yes" : "no",
        "</td></tr>\n");
  }
  html += "</tbody>\n</table>\n";
  return html;
}

std::string OutputKind(const SiteOutput& o) {
  if (o.merged) return "merged";
  if (!o.in_merge.empty()) {
    return absl::StrCat(o.jobs ? "campaign" : o.has_summary ? "run" : "findings only",
                        ", in ", E(o.in_merge));
  }
  if (o.jobs) return "campaign";
  return o.has_summary ? "run" : "findings only";
}

std::string OutputState(const SiteOutput& o) {
  if (!o.has_summary) return "—";
  if (o.interrupted) return "interrupted";
  if (o.finished.has_value()) return *o.finished ? "finished" : "running";
  return "finished";
}

double CallsPerSecond(uint64_t calls, double seconds) {
  return seconds > 0 ? calls / seconds : 0;
}

std::string IndexPage(const Site& site,
                      const std::map<std::string, size_t>& findings_per_output) {
  std::string body = "<h1>Findings</h1>\n";
  absl::StrAppend(&body, "<p class=\"small\">", site.findings.size(),
                  " finding(s) over ", site.outputs.size(),
                  " output(s); generated ", When(site.generated), ".</p>\n");
  std::vector<const SiteFinding*> findings;
  for (const SiteFinding& f : site.findings) findings.push_back(&f);
  // The newest first; never seen (no times) last.
  std::stable_sort(findings.begin(), findings.end(),
                   [](const SiteFinding* a, const SiteFinding* b) {
                     return a->last_seen.value_or(absl::InfinitePast()) >
                            b->last_seen.value_or(absl::InfinitePast());
                   });
  body += FindingsTable(site, findings, "");
  body += "<h2>Outputs</h2>\n<table id=\"outputs\">\n<thead><tr><th>output</th>"
          "<th>kind</th><th>seed</th><th>scenarios</th><th>calls</th>"
          "<th>calls/s</th><th>time</th><th>findings</th><th>crashes</th>"
          "<th>state</th></tr></thead>\n<tbody>\n";
  for (const SiteOutput& o : site.outputs) {
    auto n = findings_per_output.find(o.id);
    absl::StrAppend(
        &body, "<tr><td><a href=\"outputs/", SiteFileName(o.id), ".html\">",
        E(o.id), "</a><br><span class=\"small\">", E(o.path),
        "</span></td><td>", OutputKind(o), "</td><td class=\"n\">",
        o.seed ? Count(*o.seed) : "—", "</td><td class=\"n\">",
        Count(o.scenarios), "</td><td class=\"n\">", Count(o.calls),
        "</td><td class=\"n\">", Short(CallsPerSecond(o.calls, o.seconds)),
        "</td><td class=\"n\">", Duration(o.seconds), "</td><td class=\"n\">",
        n == findings_per_output.end() ? 0 : n->second,
        "</td><td class=\"n\">", o.crashes, "</td><td>", OutputState(o),
        o.problems.empty()
            ? ""
            : absl::StrCat("<br><span class=\"small\">", o.problems.size(),
                           " problem(s)</span>"),
        "</td></tr>\n");
  }
  body += "</tbody>\n</table>\n";
  return Page("all outputs", "", body);
}

std::string FactsRow(absl::string_view name, absl::string_view html) {
  return absl::StrCat("<tr><th>", name, "</th><td>", html, "</td></tr>\n");
}

std::string FindingPage(const Site& site, const SiteFinding& f) {
  const std::string root = "../../";
  std::string body = absl::StrCat("<h1 class=\"sig\">", E(f.signature), "</h1>\n");
  body += "<table class=\"facts\">\n";
  body += FactsRow("status", absl::StrCat(Badge(f), f.status_note.empty()
                                                        ? ""
                                                        : absl::StrCat(" ", E(f.status_note))));
  if (!f.variants.empty()) {
    std::vector<std::string> variants;
    for (const std::string& v : f.variants) variants.push_back(E(v));
    body += FactsRow("variants", absl::StrJoin(variants, "<br>"));
  }
  body += FactsRow("first seen", When(f.first_seen));
  body += FactsRow("last seen", When(f.last_seen));
  body += FactsRow("occurrences", OccurrencesCell(site, f, root));
  body += FactsRow("rate", RateText(f));
  body += FactsRow("minimized", absl::StrCat(
                                    SizeText(f),
                                    f.status == FindingStatus::kPartial
                                        ? " (partial: the time budget ran out)"
                                        : ""));
  body += FactsRow("copy from", absl::StrCat("<code>", E(f.source), "</code>"));
  body += "</table>\n";
  if (!f.files.empty()) {
    body += "<h2>Files</h2>\n<ul id=\"files\">\n";
    for (const SiteFile& file : f.files) {
      absl::StrAppend(&body, "<li><a href=\"", E(SiteFileName(file.name)),
                      "\">", E(file.name), "</a> <span class=\"small\">",
                      Count(file.contents.size()), " bytes</span></li>\n");
    }
    body += "</ul>\n";
  }
  if (!f.bisect.empty()) {
    absl::StrAppend(&body, "<h2>What it is and is not</h2>\n",
                    "<p class=\"small\">The failure rate of each variation of "
                    "the minimized scenario, with its 95 % interval.</p>\n",
                    BisectChartSvg(f.bisect, f.signature));
  }
  if (!f.timeline_svg.empty()) {
    body += "<h2>A failing round</h2>\n<p><img src=\"timeline.svg\" "
            "alt=\"each thread's calls on a time axis\" "
            "style=\"max-width:100%\"></p>\n";
  }
  absl::StrAppend(&body, "<h2>report.md</h2>\n<article>\n",
                  MarkdownToHtml(f.report_markdown), "</article>\n");
  return Page(f.signature, root, body);
}

std::string OutputPage(const Site& site, const SiteOutput& o) {
  const std::string root = "../";
  std::string body = absl::StrCat("<h1>", E(o.id), "</h1>\n<table class=\"facts\">\n");
  body += FactsRow("path", absl::StrCat("<code>", E(o.path), "</code>"));
  body += FactsRow("kind", OutputKind(o));
  if (o.has_summary) {
    if (o.seed) body += FactsRow("seed", Count(*o.seed));
    if (o.jobs) body += FactsRow("jobs", Count(*o.jobs));
    body += FactsRow("scenarios", Count(o.scenarios));
    body += FactsRow("rounds", Count(o.rounds));
    body += FactsRow("calls", Count(o.calls));
    body += FactsRow("calls/s", Short(CallsPerSecond(o.calls, o.seconds)));
    body += FactsRow("time", Duration(o.seconds));
    body += FactsRow("state", OutputState(o));
    if (!o.updated.empty()) body += FactsRow("updated", E(o.updated));
    body += FactsRow("crashes survived", Count(o.crashes));
  } else {
    body += FactsRow("summary", "no summary.json");
  }
  body += "</table>\n";
  if (!o.problems.empty()) {
    body += "<h2>Problems</h2>\n<ul>\n";
    for (const std::string& p : o.problems) absl::StrAppend(&body, "<li>", E(p), "</li>\n");
    body += "</ul>\n";
  }
  if (!o.merged) {
    body += "<h2>Progress</h2>\n";
    if (o.series && o.series->points().size() >= 2) {
      body += ProgressChartSvg(*o.series);
    } else {
      body += "<p class=\"small\">No progress series in summary.json (an "
              "older openrace, or a run too short for two points).</p>\n";
    }
  } else {
    body += "<h2>Inputs</h2>\n<table>\n<thead><tr><th>input</th>"
            "<th>scenarios</th><th>calls</th><th>calls/s</th><th>time</th>"
            "<th>findings</th></tr></thead>\n<tbody>\n";
    for (const SiteMergedInput& in : o.inputs) {
      absl::StrAppend(&body, "<tr><td><code>", E(in.path), "</code></td><td class=\"n\">",
                      Count(in.scenarios), "</td><td class=\"n\">", Count(in.calls),
                      "</td><td class=\"n\">",
                      Short(CallsPerSecond(in.calls, in.seconds)),
                      "</td><td class=\"n\">", Duration(in.seconds),
                      "</td><td class=\"n\">", in.findings, "</td></tr>\n");
    }
    body += "</tbody>\n</table>\n";
    for (const SiteMergedInput& in : o.inputs) {
      if (!in.series || in.series->points().size() < 2) continue;
      absl::StrAppend(&body, "<h2>Progress of <code>", E(in.path), "</code></h2>\n",
                      ProgressChartSvg(*in.series));
    }
  }
  std::vector<const SiteFinding*> findings;
  for (const SiteFinding& f : site.findings) {
    for (const SiteOccurrences& occ : f.occurrences) {
      if (occ.output == o.id) findings.push_back(&f);
    }
  }
  body += "<h2>Findings in this output</h2>\n";
  body += FindingsTable(site, findings, root);
  return Page(o.id, root, body);
}

}  // namespace

absl::string_view FindingStatusName(FindingStatus status) {
  switch (status) {
    case FindingStatus::kMinimized: return "minimized";
    case FindingStatus::kPartial: return "partial";
    case FindingStatus::kGivenUp: return "given up";
    case FindingStatus::kNotYet: return "not yet";
  }
  return "not yet";
}

uint64_t SiteFinding::TotalOccurrences() const {
  uint64_t total = 0;
  for (const SiteOccurrences& o : occurrences) {
    if (o.in_merge.empty()) total += o.count;
  }
  return total;
}

std::string SiteFileName(absl::string_view text) {
  std::string name;
  for (char c : text) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                    (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-';
    name += ok ? c : '_';
  }
  if (name.empty() || name == "." || name == "..") name = "_" + name;
  return name;
}

std::string ProgressChartSvg(const ProgressSeries& series) {
  const std::vector<ProgressPoint>& points = series.points();
  struct Panel {
    std::string name;
    std::function<double(size_t)> value;
  };
  const std::vector<Panel> panels = {
      {"calls", [&](size_t i) { return static_cast<double>(points[i].calls); }},
      {"calls/s",
       [&](size_t i) {
         // Over at least a second: the last point, written as the
         // campaign ends, may come a moment after the one before.
         size_t j = i;
         while (j > 0 && points[i].seconds - points[j].seconds < 1) --j;
         const double dt = points[i].seconds - points[j].seconds;
         const double dc = static_cast<double>(points[i].calls) -
                           static_cast<double>(points[j].calls);
         return dt > 0 ? std::max(0.0, dc / dt) : 0.0;
       }},
      {"scenarios",
       [&](size_t i) { return static_cast<double>(points[i].scenarios); }},
      {"findings",
       [&](size_t i) { return static_cast<double>(points[i].findings); }},
  };
  constexpr double kLeft = 80, kPlot = 560, kPanel = 92, kGap = 18, kTop = 6;
  const double width = kLeft + kPlot + 20;
  const double height = kTop + panels.size() * (kPanel + kGap) + 16;
  const double t0 = points.empty() ? 0 : points.front().seconds;
  const double t1 = points.empty() ? 0 : points.back().seconds;
  auto x = [&](double t) {
    return t1 > t0 ? kLeft + kPlot * (t - t0) / (t1 - t0) : kLeft;
  };
  std::string svg = absl::StrCat(
      "<svg class=\"progress\" xmlns=\"http://www.w3.org/2000/svg\" width=\"",
      SvgNum(width), "\" height=\"", SvgNum(height), "\" viewBox=\"0 0 ", SvgNum(width),
      " ", SvgNum(height), "\" role=\"img\" aria-label=\"progress over time\">\n");
  for (size_t p = 0; p < panels.size(); ++p) {
    const Panel& panel = panels[p];
    const double y0 = kTop + p * (kPanel + kGap);
    double top = 0;
    // calls/s starts at the second point: the first has no interval.
    const size_t first = panel.name == "calls/s" ? 1 : 0;
    for (size_t i = first; i < points.size(); ++i) top = std::max(top, panel.value(i));
    const double scale = top > 0 ? top : 1;
    std::string line;
    for (size_t i = first; i < points.size(); ++i) {
      const double y = y0 + kPanel - kPanel * panel.value(i) / scale;
      absl::StrAppend(&line, i == first ? "" : " ", SvgNum(x(points[i].seconds)),
                      ",", SvgNum(y));
    }
    absl::StrAppend(
        &svg, "<g class=\"panel\"><rect x=\"", SvgNum(kLeft), "\" y=\"", SvgNum(y0),
        "\" width=\"", SvgNum(kPlot), "\" height=\"", SvgNum(kPanel),
        "\" fill=\"#f6f8fa\" stroke=\"#d0d7de\"/>\n",
        "<text x=\"", SvgNum(kLeft - 6), "\" y=\"", SvgNum(y0 + 12),
        "\" text-anchor=\"end\">", Short(top), "</text>\n",
        "<text x=\"", SvgNum(kLeft - 6), "\" y=\"", SvgNum(y0 + kPanel),
        "\" text-anchor=\"end\">0</text>\n",
        "<text x=\"", SvgNum(kLeft - 6), "\" y=\"", SvgNum(y0 + kPanel / 2 + 4),
        "\" text-anchor=\"end\" font-weight=\"600\">", E(panel.name), "</text>\n",
        "<polyline fill=\"none\" stroke=\"#0969da\" stroke-width=\"1.5\" points=\"",
        line, "\"/>\n</g>\n");
  }
  const double axis = kTop + panels.size() * (kPanel + kGap) - kGap + 14;
  for (int tick = 0; tick <= 4; ++tick) {
    const double t = t0 + (t1 - t0) * tick / 4;
    absl::StrAppend(&svg, "<text x=\"", SvgNum(x(t)), "\" y=\"", SvgNum(axis),
                    "\" text-anchor=\"", tick == 0 ? "start" : tick == 4 ? "end" : "middle",
                    "\">", Duration(t), "</text>\n");
  }
  svg += "</svg>\n";
  return svg;
}

std::map<std::string, std::string> RenderSite(const Site& site) {
  std::map<std::string, std::string> files;
  std::map<std::string, size_t> findings_per_output;
  for (const SiteFinding& f : site.findings) {
    for (const SiteOccurrences& o : f.occurrences) ++findings_per_output[o.output];
  }
  files["index.html"] = IndexPage(site, findings_per_output);
  for (const SiteOutput& o : site.outputs) {
    files[absl::StrCat("outputs/", SiteFileName(o.id), ".html")] = OutputPage(site, o);
  }
  for (const SiteFinding& f : site.findings) {
    const std::string dir = FindingDir(f);
    files[dir + "/index.html"] = FindingPage(site, f);
    for (const SiteFile& file : f.files) {
      files[absl::StrCat(dir, "/", SiteFileName(file.name))] = file.contents;
    }
    if (!f.timeline_svg.empty()) files[dir + "/timeline.svg"] = f.timeline_svg;
    if (!f.bisect.empty()) {
      files[dir + "/bisect.svg"] = BisectChartSvg(f.bisect, f.signature);
    }
  }
  return files;
}

}  // namespace openrace
