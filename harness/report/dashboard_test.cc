// dashboard_test.cc — the dashboard's pages over a Site built by hand:
// every finding listed, every link resolves inside the site, the files
// copied, everything from the outputs escaped, the charts drawn.

#include "harness/report/dashboard.h"

#include <regex>
#include <string>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "gtest/gtest.h"
#include "harness/report/bisect_chart.h"
#include "harness/testing/site_links.h"

namespace openrace {
namespace {

using testing_util::BrokenSiteLinks;

size_t CountOf(const std::string& text, const std::string& what) {
  size_t n = 0;
  for (size_t at = text.find(what); at != std::string::npos;
       at = text.find(what, at + what.size())) {
    ++n;
  }
  return n;
}

Site TwoNights() {
  Site site;
  site.generated = absl::FromUnixSeconds(1767225600);  // 2026-01-01
  SiteOutput night1;
  night1.id = "night-1";
  night1.path = "/findings/night-1";
  night1.has_summary = true;
  night1.seed = 20260101;
  night1.jobs = 2;
  night1.scenarios = 1200;
  night1.calls = 3456789;
  night1.seconds = 14400;
  night1.finished = true;
  ProgressSeries series;
  for (int i = 0; i <= 100; ++i) {
    series.Add({144.0 * i, 34567u * i, 12u * i, i > 50 ? 2u : i > 10 ? 1u : 0u});
  }
  night1.series = series;
  SiteOutput night2;
  night2.id = "night-<script>";
  night2.path = "/findings/night-<script>alert(1)</script>";
  night2.merged = true;
  night2.has_summary = true;
  night2.inputs.push_back({"/findings/shard-0", 10, 100, 5, 1, series});
  site.outputs = {night1, night2};

  SiteFinding seed;
  seed.signature = "open-invalid_parameter-EINVAL-transient-cwd";
  seed.variants = {"open-invalid_parameter-EINVAL-transient-handle"};
  seed.status = FindingStatus::kMinimized;
  seed.first_seen = absl::FromUnixSeconds(1767139200);
  seed.last_seen = absl::FromUnixSeconds(1767225000);
  seed.occurrences = {{"night-1", 7, {{"shard-0", 3}, {"shard-1", 4}}, ""},
                      {"night-<script>", 2, {}, ""}};
  seed.failures = 20;
  seed.rounds = 4335;
  seed.rate = WilsonInterval(20, 4335);
  seed.minimized = true;
  seed.threads = 2;
  seed.ops = 2;
  seed.report_markdown =
      "# open fails\n\n```\nfile src/<script>alert(1)</script>\n```\n";
  seed.timeline_svg = "<svg xmlns=\"http://www.w3.org/2000/svg\"></svg>";
  seed.bisect = {{"as found", 20, 4335}, {"absolute path", 0, 4335},
                 {"one <script> thread", 0, 4335}};
  seed.files = {{"repro.c", "int main(void) { return 0; }\n"},
                {"found.scn", "openrace-scenario 1\n"},
                {"minimized.scn", "openrace-scenario 1\n"}};
  seed.source = "/findings/night-1/open-invalid_parameter-EINVAL-transient-cwd";
  SiteFinding other;
  other.signature = "mkdir-not_found-ENOENT-unexpected-cwd";
  other.status = FindingStatus::kGivenUp;
  other.status_note = "given up: its minimization ended two workers";
  other.occurrences = {{"night-1", 1, {}, ""}};
  other.report_markdown = "# mkdir\n";
  other.files = {{"found.scn", "openrace-scenario 1\n"}};
  site.findings = {seed, other};
  return site;
}

TEST(DashboardTest, ListsEveryFindingOnTheIndex) {
  const Site site = TwoNights();
  const std::map<std::string, std::string> files = RenderSite(site);
  const std::string& index = files.at("index.html");
  for (const SiteFinding& f : site.findings) {
    EXPECT_TRUE(absl::StrContains(
        index, absl::StrCat("data-signature=\"", f.signature, "\"")))
        << f.signature;
    EXPECT_TRUE(files.count(absl::StrCat("findings/", f.signature, "/index.html")))
        << f.signature;
  }
  EXPECT_EQ(CountOf(index, "<tr class=\"finding\""), 2u);
  EXPECT_TRUE(absl::StrContains(index, ">minimized</span>"));
  EXPECT_TRUE(absl::StrContains(index, ">given up</span>"));
  EXPECT_TRUE(absl::StrContains(index, "shard-0 3, shard-1 4"));
  EXPECT_TRUE(absl::StrContains(index, "variants: open-invalid_parameter-EINVAL-transient-handle"));
  EXPECT_TRUE(absl::StrContains(index, "20 of 4,335"));
  EXPECT_TRUE(absl::StrContains(index, "2 threads, 2 ops"));
}

TEST(DashboardTest, EveryLinkResolvesInsideTheSite) {
  const std::map<std::string, std::string> files = RenderSite(TwoNights());
  EXPECT_GE(testing_util::SiteLinks(files).size(), 10u);
  EXPECT_EQ(BrokenSiteLinks(files), std::vector<std::string>());
  for (const char* page :
       {"index.html", "outputs/night-1.html", "outputs/night-_script_.html",
        "findings/open-invalid_parameter-EINVAL-transient-cwd/index.html",
        "findings/mkdir-not_found-ENOENT-unexpected-cwd/index.html"}) {
    EXPECT_TRUE(files.count(page)) << page;
  }
}

TEST(DashboardTest, CopiesTheFindingsFiles) {
  const std::map<std::string, std::string> files = RenderSite(TwoNights());
  const std::string dir = "findings/open-invalid_parameter-EINVAL-transient-cwd/";
  EXPECT_EQ(files.at(dir + "repro.c"), "int main(void) { return 0; }\n");
  EXPECT_EQ(files.at(dir + "found.scn"), "openrace-scenario 1\n");
  EXPECT_TRUE(files.count(dir + "timeline.svg"));
  const std::string& page = files.at(dir + "index.html");
  EXPECT_TRUE(absl::StrContains(page, "<a href=\"repro.c\">"));
  EXPECT_TRUE(absl::StrContains(page, "<img src=\"timeline.svg\""));
  EXPECT_FALSE(files.count("findings/mkdir-not_found-ENOENT-unexpected-cwd/timeline.svg"));
  // The bisection: drawn on the page, and as the finding directory's
  // bisect.svg (which report.md links).
  EXPECT_EQ(files.at(dir + "bisect.svg"),
            BisectChartSvg(TwoNights().findings[0].bisect,
                           "open-invalid_parameter-EINVAL-transient-cwd"));
  EXPECT_EQ(CountOf(page, "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"bisect\""), 1u);
  EXPECT_FALSE(files.count("findings/mkdir-not_found-ENOENT-unexpected-cwd/bisect.svg"));
}

TEST(DashboardTest, EscapesEverythingFromTheOutputs) {
  const std::map<std::string, std::string> files = RenderSite(TwoNights());
  for (const auto& [path, contents] : files) {
    if (!absl::EndsWith(path, ".html")) continue;
    EXPECT_FALSE(absl::StrContains(contents, "<script")) << path;
  }
  const std::string& page =
      files.at("findings/open-invalid_parameter-EINVAL-transient-cwd/index.html");
  EXPECT_TRUE(absl::StrContains(page, "file src/&lt;script&gt;alert(1)&lt;/script&gt;"));
  EXPECT_TRUE(absl::StrContains(page, "one &lt;script&gt; thread"));
  EXPECT_TRUE(absl::StrContains(files.at("index.html"),
                                "/findings/night-&lt;script&gt;alert(1)&lt;/script&gt;"));
}

TEST(DashboardTest, OutputPagesDrawProgressAndListTheirFindings) {
  const std::map<std::string, std::string> files = RenderSite(TwoNights());
  const std::string& night1 = files.at("outputs/night-1.html");
  EXPECT_EQ(CountOf(night1, "<polyline"), 4u);  // calls, calls/s, scenarios, findings
  EXPECT_EQ(CountOf(night1, "<tr class=\"finding\""), 2u);
  EXPECT_TRUE(absl::StrContains(night1, "3,456,789"));
  const std::string& merged = files.at("outputs/night-_script_.html");
  EXPECT_TRUE(absl::StrContains(merged, "/findings/shard-0"));
  EXPECT_EQ(CountOf(merged, "<polyline"), 4u);  // its input's progress
  EXPECT_EQ(CountOf(merged, "<tr class=\"finding\""), 1u);
}

TEST(DashboardTest, NoFindingsSaysSo) {
  Site site;
  site.outputs.push_back(SiteOutput{});
  site.outputs[0].id = "clean";
  const std::map<std::string, std::string> files = RenderSite(site);
  EXPECT_TRUE(absl::StrContains(files.at("index.html"), "No findings."));
  EXPECT_TRUE(absl::StrContains(files.at("outputs/clean.html"), "No progress series"));
  EXPECT_EQ(BrokenSiteLinks(files), std::vector<std::string>());
}

TEST(ProgressChartTest, PlotsEachPointOnFourPanels) {
  ProgressSeries series;
  series.Add({0, 0, 0, 0});
  series.Add({10, 1000, 10, 0});
  series.Add({20, 3000, 20, 1});
  const std::string svg = ProgressChartSvg(series);
  EXPECT_EQ(CountOf(svg, "<polyline"), 4u);
  std::smatch m;
  const std::regex points("points=\"([^\"]*)\"");
  std::string rest = svg;
  std::vector<size_t> sizes;
  while (std::regex_search(rest, m, points)) {
    sizes.push_back(CountOf(m[1].str(), ",") );
    rest = m.suffix();
  }
  // calls/s has no value at the first point.
  EXPECT_EQ(sizes, (std::vector<size_t>{3, 2, 3, 3}));
  EXPECT_TRUE(absl::StrContains(svg, ">200</text>"));  // calls/s peak
}

TEST(SiteFileNameTest, KeepsSafeNamesAndReplacesTheRest) {
  EXPECT_EQ(SiteFileName("open-x_y.1"), "open-x_y.1");
  EXPECT_EQ(SiteFileName("a/b\\c <d>"), "a_b_c__d_");
  EXPECT_EQ(SiteFileName(".."), "_..");
  EXPECT_EQ(SiteFileName(""), "_");
}

}  // namespace
}  // namespace openrace
