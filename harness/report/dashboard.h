// dashboard.h — `openrace dashboard`: a static HTML site over campaign and
// merged outputs, for the morning after a night of campaigns.
//
// Outline of the process:
//   ReadDashboardSite (store/dashboard_input.h) reads each OUT: its
//     summary.json (and merged.json), and every finding directory in it
//   -> Site, the model below: findings by signature across the outputs,
//      each with its best copy (the most complete, as `openrace merge`
//      ranks them) and where and how often it was seen
//   -> RenderSite: every page and copied file of the site, by path
//   -> the command writes them under --out.
//
// The site is plain HTML with inline CSS and inline SVG, no script: it
// opens from disk and from any static host. Its pages:
//   index.html                      the outputs, and a table of findings
//   outputs/<id>.html               an output's totals and its progress
//                                   over time (summary.json's series)
//   findings/<signature>/index.html a finding: facts, its bisection as a
//                                   bar chart, its timeline, report.md
//                                   rendered (markdown.h), and links to
//   findings/<signature>/<file>     repro.c, found.scn, minimized.scn,
//                                   report.md, timeline.svg (copies),
//                                   bisect.svg (drawn again from the rows)
// Everything taken from the outputs is escaped.
//
// Example:
//   absl::StatusOr<Site> site = ReadDashboardSite({"night-1", "night-2"});
//   for (const auto& [path, contents] : RenderSite(*site)) ...

#ifndef OPENRACE_HARNESS_REPORT_DASHBOARD_H_
#define OPENRACE_HARNESS_REPORT_DASHBOARD_H_

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "absl/types/optional.h"
#include "harness/repro/bisect.h"
#include "harness/repro/stats.h"
#include "harness/report/progress_series.h"

namespace openrace {

enum class FindingStatus {
  kMinimized,  // minimized.scn, and no single simplification reproduces
  kPartial,    // minimized.scn, but the time budget ran out first
  kGivenUp,    // `done` says it was given up on
  kNotYet,     // only found.scn: being minimized, skipped, or left
};
absl::string_view FindingStatusName(FindingStatus status);

// How often a finding was seen in one output, and in which part of it: a
// campaign's shard (its `occurrences.shard-K`), or an input of a merge.
struct SiteOccurrences {
  std::string output;  // SiteOutput::id
  uint64_t count = 0;
  std::vector<std::pair<std::string, uint64_t>> parts;
  // The id of a merged output of the site that this output went into:
  // its count is in that one's already, and not added to the total again.
  std::string in_merge;
};

// A file copied into the finding's folder of the site.
struct SiteFile {
  std::string name;  // "repro.c", "found.scn", ...
  std::string contents;
};

struct SiteFinding {
  std::string signature;
  std::vector<std::string> variants;  // stats.json "variants", when there
  FindingStatus status = FindingStatus::kNotYet;
  std::string status_note;  // the `done` file's words; why it is unreadable
  absl::optional<absl::Time> first_seen, last_seen;
  std::vector<SiteOccurrences> occurrences;  // by output, in output order
  uint64_t failures = 0, rounds = 0;  // the final rate (rounds 0: none)
  RateInterval rate;
  bool minimized = false;
  uint64_t threads = 0, ops = 0;  // of the minimized scenario
  std::string report_markdown;
  std::string timeline_svg;  // empty: none
  std::vector<BisectRow> bisect;
  std::vector<SiteFile> files;
  std::string source;  // the finding directory the copy came from

  // Over the outputs, each campaign once (a merge's inputs are in it).
  uint64_t TotalOccurrences() const;
};

// One input of a merged output, from its merged.json ledger.
struct SiteMergedInput {
  std::string path;
  uint64_t scenarios = 0, calls = 0;
  double seconds = 0;
  uint64_t findings = 0;  // distinct signatures it contributed
  absl::optional<ProgressSeries> series;
};

struct SiteOutput {
  std::string id;    // unique in the site, safe as a file name
  std::string path;  // as given
  bool merged = false;
  bool has_summary = false;
  absl::optional<uint64_t> seed, jobs;
  uint64_t scenarios = 0, rounds = 0, calls = 0;
  double seconds = 0;
  bool interrupted = false;
  absl::optional<bool> finished;  // campaign only
  std::string updated;            // summary.json "updated", as written
  uint64_t crashes = 0;
  absl::optional<ProgressSeries> series;
  std::vector<SiteMergedInput> inputs;  // merged only
  std::string in_merge;                 // as SiteOccurrences::in_merge
  std::vector<std::string> problems;    // what could not be read, and why
};

struct Site {
  absl::Time generated;
  std::vector<SiteOutput> outputs;
  std::vector<SiteFinding> findings;  // by signature
};

// Every page and copied file of the site, by its path relative to the
// site's root ('/'-separated).
std::map<std::string, std::string> RenderSite(const Site& site);

// A piece, for tests: an <svg> element to put inline in a page. (The
// bisection's chart is BisectChartSvg, bisect_chart.h.)
std::string ProgressChartSvg(const ProgressSeries& series);

// `text` reduced to a file name: [A-Za-z0-9._-], others as '_', never
// empty, "." or "..".
std::string SiteFileName(absl::string_view text);

}  // namespace openrace

#endif  // OPENRACE_HARNESS_REPORT_DASHBOARD_H_
