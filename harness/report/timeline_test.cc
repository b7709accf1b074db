#include "harness/report/timeline.h"

#include <cerrno>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_split.h"
#include "gtest/gtest.h"
#include "harness/testing/seed_scenario.h"
#include "harness/scenario/scenario_text.h"

namespace openrace {
namespace {

using testing_util::kSeedScenarioText;
constexpr const char* kSeed = kSeedScenarioText;

Scenario Seed() { return *ParseScenario(kSeed); }

OpRecord Ran(int64_t start, int64_t end) {
  OpRecord r;
  r.ran = true;
  r.start_ns = start;
  r.end_ns = end;
  return r;
}

// Thread 0 opens at 0-2 µs and closes at 9-9.5 µs; thread 1's reopen runs
// 3-5 µs, fails with EINVAL and its retry succeeds at 6 µs.
RoundTrace SeedTrace() {
  RoundTrace trace;
  trace.round = 17;
  trace.records = {{Ran(0, 2000), {}, {}, Ran(9000, 9500)},
                   {{}, Ran(3000, 5000), {}}};
  OpRecord& fail = trace.records[1][1];
  fail.outcome =
      Outcome{StatusClass::kInvalidParameter, EINVAL, NativeKind::kErrno};
  fail.retry = Outcome{};
  fail.retry_end_ns = 6000;
  return trace;
}

size_t Count(const std::string& text, const std::string& what) {
  size_t n = 0;
  for (size_t at = text.find(what); at != std::string::npos;
       at = text.find(what, at + what.size())) {
    ++n;
  }
  return n;
}

// The value of attribute `name` in the first element that contains `marker`.
std::string Attribute(const std::string& svg, const std::string& marker,
                      const std::string& name) {
  const size_t at = svg.find(marker);
  if (at == std::string::npos) return "";
  const size_t end = svg.find('>', at);
  const std::string element = svg.substr(at, end - at);
  const std::string key = absl::StrCat(" ", name, "=\"");
  const size_t v = element.find(key);
  if (v == std::string::npos) return "";
  const size_t begin = v + key.size();
  return element.substr(begin, element.find('"', begin) - begin);
}

TEST(TimelineSvgTest, DrawsOneBarPerCallAndOneRowPerThread) {
  const std::string svg = TimelineSvg(Seed(), SeedTrace(), OpRef{1, 1});
  EXPECT_TRUE(
      absl::StartsWith(svg, "<svg xmlns=\"http://www.w3.org/2000/svg\""));
  EXPECT_TRUE(absl::EndsWith(svg, "</svg>\n"));
  EXPECT_EQ(Count(svg, "<rect class=\"call"), 3u);  // open, reopen, close
  EXPECT_EQ(Count(svg, "class=\"thread-label\""), 2u);
  EXPECT_EQ(Count(svg, "<rect class=\"retry\""), 1u);
  EXPECT_EQ(Count(svg, "<rect "), Count(svg, "</rect>") + 1);  // retry is empty
}

TEST(TimelineSvgTest, MarksTheFailingCallInRedAndOnlyIt) {
  const std::string svg = TimelineSvg(Seed(), SeedTrace(), OpRef{1, 1});
  EXPECT_EQ(Count(svg, "class=\"call failing\""), 1u);
  EXPECT_EQ(Attribute(svg, "class=\"call failing\"", "fill"), "#d62728");
  EXPECT_EQ(Attribute(svg, "class=\"call\"", "fill"), "#4878d0");
  const size_t failing = svg.find("class=\"call failing\"");
  const std::string title =
      svg.substr(failing, svg.find("</title>", failing) - failing);
  EXPECT_TRUE(absl::StrContains(title, "thread 2 op 2: open cwd:src/a/foo.h"))
      << title;
  EXPECT_TRUE(absl::StrContains(title, "invalid_parameter(EINVAL), retry ok"))
      << title;
  EXPECT_TRUE(absl::StrContains(title, "3.0-6.0")) << title;
}

TEST(TimelineSvgTest, BarWidthsAreProportionalToCallDurations) {
  const std::string svg = TimelineSvg(Seed(), SeedTrace(), OpRef{1, 1});
  // 900 px for 9.5 µs: the open (2 µs) is 189.5 px wide and starts at the
  // left edge; the reopen (2 µs) starts 3 µs in.
  EXPECT_EQ(Attribute(svg, "class=\"call\"", "width"), "189.5");
  EXPECT_EQ(Attribute(svg, "class=\"call\"", "x"), "70.0");
  EXPECT_EQ(Attribute(svg, "class=\"call failing\"", "width"), "189.5");
  EXPECT_EQ(Attribute(svg, "class=\"call failing\"", "x"), "354.2");
  EXPECT_EQ(Attribute(svg, "class=\"retry\"", "width"), "94.7");
}

TEST(TimelineSvgTest, HasATimeAxisInMicroseconds) {
  const std::string svg = TimelineSvg(Seed(), SeedTrace(), OpRef{1, 1});
  EXPECT_GE(Count(svg, "class=\"tick\""), 5u);
  EXPECT_TRUE(absl::StrContains(svg, ">0 \xc2\xb5s</text>")) << svg;
  EXPECT_TRUE(absl::StrContains(svg, ">8 \xc2\xb5s</text>")) << svg;
}

TEST(TimelineSvgTest, ALabelThatWouldRunOffTheRightEdgeEndsAtItsBar) {
  RoundTrace trace = SeedTrace();
  OpRecord& reopen = trace.records[1][1];  // now 8-9 µs, without a retry
  reopen.start_ns = 8000;
  reopen.end_ns = 9000;
  reopen.retry.reset();
  const std::string svg = TimelineSvg(Seed(), trace, OpRef{1, 1});
  // Its 45-character label (270 px) from x = 827.9 would pass the right
  // edge (990): it ends at the bar's end, 922.6, instead. The short
  // "close h0" label near the edge still fits.
  EXPECT_TRUE(absl::StrContains(svg,
                                "<text x=\"922.6\" y=\"83.0\" "
                                "text-anchor=\"end\" fill=\"#d62728\">open "))
      << svg;
  EXPECT_TRUE(absl::StrContains(svg, "<text x=\"922.6\" y=\"39.0\">close h0"))
      << svg;
  EXPECT_EQ(Count(svg, "text-anchor=\"end\""), 1u);
}

TEST(TimelineSvgTest, LabelsEscapeMarkup) {
  Scenario s = *ParseScenario(R"(openrace-scenario 1
dir d
file d/x
thread
  rename cwd:d/x -> cwd:d/y
)");
  RoundTrace trace;
  trace.records = {{Ran(0, 100)}};
  const std::string svg = TimelineSvg(s, trace, absl::nullopt);
  EXPECT_TRUE(absl::StrContains(svg, "rename cwd:d/x -&gt; cwd:d/y")) << svg;
  EXPECT_FALSE(absl::StrContains(svg, "-> cwd")) << svg;
  EXPECT_EQ(Count(svg, "class=\"call failing\""), 0u);
}

TEST(TimelineSvgTest, AnEmptyTraceIsAPictureWithoutBars) {
  const std::string svg = TimelineSvg(Seed(), RoundTrace{}, absl::nullopt);
  EXPECT_EQ(Count(svg, "<rect"), 0u);
  EXPECT_EQ(Count(svg, "class=\"thread-label\""), 2u);
  EXPECT_TRUE(absl::EndsWith(svg, "</svg>\n"));
}

std::vector<std::string> Lines(const std::string& text) {
  return absl::StrSplit(text, '\n', absl::SkipEmpty());
}

TEST(TimelineAsciiTest, OneFixedWidthLinePerThreadWithTheFailingCallAsX) {
  const std::string ascii =
      TimelineAscii(Seed(), SeedTrace(), OpRef{1, 1}, 100);
  const std::vector<std::string> lines = Lines(ascii);
  ASSERT_GE(lines.size(), 3u) << ascii;
  EXPECT_EQ(lines[0].size(), 100u) << lines[0];
  EXPECT_EQ(lines[1].size(), 100u) << lines[1];
  EXPECT_TRUE(absl::StartsWith(lines[0], "t1 |")) << lines[0];
  EXPECT_TRUE(absl::StartsWith(lines[1], "t2 |")) << lines[1];
  EXPECT_EQ(Count(lines[0], "X"), 0u);
  EXPECT_GT(Count(lines[1], "X"), 0u);
  EXPECT_EQ(Count(lines[1], "#"), 0u);
  // The field is 95 columns for 9.5 µs: one column per 100 ns. The reopen
  // and its retry run 3-6 µs: columns 30..59 of the field.
  const std::string field = lines[1].substr(4, 95);
  EXPECT_EQ(field.find('X'), 30u) << field;
  EXPECT_EQ(field.rfind('X'), 59u) << field;
  const std::string field0 = lines[0].substr(4, 95);
  EXPECT_EQ(Count(field0, "#"), 20u + 5u) << field0;  // 2 µs + 0.5 µs
}

TEST(TimelineAsciiTest, HasTimeMarksAndALegendOfEveryCall) {
  const std::string ascii =
      TimelineAscii(Seed(), SeedTrace(), OpRef{1, 1}, 100);
  const std::vector<std::string> lines = Lines(ascii);
  ASSERT_EQ(lines.size(), 2u + 1u + 1u + 3u) << ascii;
  EXPECT_TRUE(absl::StrContains(lines[2], "0.0 us")) << lines[2];
  EXPECT_TRUE(absl::EndsWith(lines[2], "9.5 us")) << lines[2];
  EXPECT_TRUE(absl::StartsWith(lines[3], "legend")) << lines[3];
  EXPECT_TRUE(absl::StartsWith(lines[4], "  # t1 op 1 ")) << lines[4];
  EXPECT_TRUE(absl::StrContains(lines[4], "h0 = open cwd:src/a/foo.h"))
      << lines[4];
  EXPECT_TRUE(absl::StartsWith(lines[5], "  X t2 op 2 ")) << lines[5];
  EXPECT_TRUE(
      absl::StrContains(lines[5], "invalid_parameter(EINVAL), retry ok"))
      << lines[5];
  EXPECT_TRUE(absl::StrContains(lines[6], "close h0")) << lines[6];
}

TEST(TimelineAsciiTest, AShortCallStillTakesOneColumn) {
  RoundTrace trace = SeedTrace();
  trace.records[0][3] = Ran(1000000, 1000001);  // the close, 1 ns, at 1 ms
  const std::string ascii = TimelineAscii(Seed(), trace, OpRef{1, 1}, 60);
  const std::vector<std::string> lines = Lines(ascii);
  EXPECT_EQ(lines[0].size(), 60u);
  EXPECT_EQ(lines[0][lines[0].size() - 2], '#') << lines[0];
}

TEST(TimelineAsciiTest, WithoutAFailingCallThereIsNoX) {
  const std::string ascii = TimelineAscii(Seed(), SeedTrace(), absl::nullopt);
  EXPECT_EQ(Count(Lines(ascii)[1], "X"), 0u);
  EXPECT_GT(Count(Lines(ascii)[1], "#"), 0u);
}

TEST(TimelineAsciiTest, ANarrowWidthIsRaisedToForty) {
  const std::string ascii = TimelineAscii(Seed(), SeedTrace(), OpRef{1, 1}, 10);
  EXPECT_EQ(Lines(ascii)[0].size(), 40u);
}

}  // namespace
}  // namespace openrace
