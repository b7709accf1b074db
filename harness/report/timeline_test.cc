#include "harness/report/timeline.h"

#include <cerrno>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
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

constexpr char kSig[] = "open-invalid_parameter-EINVAL-transient-cwd";

std::string Svg(const Scenario& s, const RoundTrace& trace,
                const absl::optional<OpRef>& failing) {
  return TimelineSvg(s, trace, failing, kSig);
}

TEST(TimelineSvgTest, DrawsOneBarPerCallAndOneRowPerThread) {
  const std::string svg = Svg(Seed(), SeedTrace(), OpRef{1, 1});
  EXPECT_TRUE(
      absl::StartsWith(svg, "<svg xmlns=\"http://www.w3.org/2000/svg\""));
  EXPECT_TRUE(absl::EndsWith(svg, "</svg>\n"));
  EXPECT_EQ(Count(svg, "<rect class=\"call"), 3u);  // open, reopen, close
  EXPECT_EQ(Count(svg, "class=\"thread-label\""), 2u);
  EXPECT_EQ(Count(svg, "<rect class=\"retry\""), 1u);
  EXPECT_EQ(Count(svg, "class=\"label\""), 3u);
}

TEST(TimelineSvgTest, MarksTheFailingCallInRedAndOnlyIt) {
  const std::string svg = Svg(Seed(), SeedTrace(), OpRef{1, 1});
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
  const std::string svg = Svg(Seed(), SeedTrace(), OpRef{1, 1});
  // 900 px for 9.5 µs: the open (2 µs) is 189.5 px wide and starts at the
  // left edge; the reopen (2 µs) starts 3 µs in.
  EXPECT_EQ(Attribute(svg, "class=\"call\"", "width"), "189.5");
  EXPECT_EQ(Attribute(svg, "class=\"call\"", "x"), "70.0");
  EXPECT_EQ(Attribute(svg, "class=\"call failing\"", "width"), "189.5");
  EXPECT_EQ(Attribute(svg, "class=\"call failing\"", "x"), "354.2");
  EXPECT_EQ(Attribute(svg, "class=\"retry\"", "width"), "94.7");
}

TEST(TimelineSvgTest, HasATimeAxisInMicroseconds) {
  const std::string svg = Svg(Seed(), SeedTrace(), OpRef{1, 1});
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
  const std::string svg = Svg(Seed(), trace, OpRef{1, 1});
  // Its 44-character label (264 px) from x = 827.9 would pass the right
  // edge (990): it ends at the bar's end, 922.6, instead. The short
  // "close h0" label near the edge still fits.
  const size_t failing = svg.find("fill=\"#d62728\">open ");
  ASSERT_NE(failing, std::string::npos) << svg;
  const size_t start = svg.rfind("<text ", failing);
  const std::string element = svg.substr(start, failing - start);
  EXPECT_TRUE(absl::StartsWith(element, "<text x=\"922.6\" ")) << element;
  EXPECT_TRUE(absl::StrContains(element, "text-anchor=\"end\"")) << element;
  EXPECT_TRUE(absl::StrContains(element, "textLength=\"264.0\"")) << element;
  const size_t close = svg.find(">close h0</text>");
  ASSERT_NE(close, std::string::npos) << svg;
  const std::string close_element =
      svg.substr(svg.rfind("<text ", close), close - svg.rfind("<text ", close));
  EXPECT_TRUE(absl::StartsWith(close_element, "<text x=\"922.6\" "))
      << close_element;
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
  const std::string svg = TimelineSvg(s, trace, absl::nullopt, "a<b");
  EXPECT_TRUE(absl::StrContains(svg, "rename cwd:d/x -&gt; cwd:d/y")) << svg;
  EXPECT_FALSE(absl::StrContains(svg, "-> cwd")) << svg;
  EXPECT_TRUE(absl::StrContains(svg, "a&lt;b: a failing round")) << svg;
  EXPECT_EQ(Count(svg, "class=\"call failing\""), 0u);
}

TEST(TimelineSvgTest, AnEmptyTraceIsAPictureWithoutBars) {
  const std::string svg = Svg(Seed(), RoundTrace{}, absl::nullopt);
  EXPECT_EQ(Count(svg, "class=\"call"), 0u);
  EXPECT_EQ(Count(svg, "class=\"hold\""), 0u);
  EXPECT_EQ(Count(svg, "class=\"thread-label\""), 2u);
  EXPECT_TRUE(absl::EndsWith(svg, "</svg>\n"));
}

TEST(TimelineSvgTest, TheTitleAndTheHeadingNameTheSignature) {
  const std::string svg = Svg(Seed(), SeedTrace(), OpRef{1, 1});
  const size_t title = svg.find("<title>");
  ASSERT_NE(title, std::string::npos);
  EXPECT_LT(title, svg.find("<rect"));  // the picture's own, first
  EXPECT_TRUE(absl::StrContains(
      svg.substr(title, svg.find("</title>") - title), kSig))
      << svg;
  EXPECT_TRUE(absl::StrContains(
      svg, absl::StrCat("font-weight=\"bold\">", kSig,
                        ": a failing round (round 17)</text>")))
      << svg;
}

TEST(TimelineSvgTest, HasAnOpaqueLightBackgroundAndDarkText) {
  const std::string svg = Svg(Seed(), SeedTrace(), OpRef{1, 1});
  // The first shape covers the whole picture in white; text defaults to a
  // dark color on the root, so a dark page behind it changes nothing.
  const std::string root = svg.substr(0, svg.find('>'));
  EXPECT_TRUE(absl::StrContains(root, " fill=\"#1f2328\"")) << root;
  EXPECT_EQ(Attribute(svg, "<rect", "class"), "background");
  EXPECT_EQ(Attribute(svg, "<rect", "fill"), "#ffffff");
  EXPECT_EQ(Attribute(svg, "<rect", "width"), Attribute(svg, "<svg", "width"));
  EXPECT_EQ(Attribute(svg, "<rect", "height"),
            Attribute(svg, "<svg", "height"));
  EXPECT_EQ(Attribute(svg, "<rect", "x"), "0");
  EXPECT_EQ(Attribute(svg, "<rect", "y"), "0");
}

TEST(TimelineSvgTest, DrawsEachHeldHandleAsASpanFromItsOpenToItsClose) {
  const std::string svg = Svg(Seed(), SeedTrace(), OpRef{1, 1});
  // h0: opened 0-2 µs, closed 9-9.5 µs; 900 px for 9.5 µs.
  ASSERT_EQ(Count(svg, "<rect class=\"hold\""), 1u) << svg;
  EXPECT_EQ(Attribute(svg, "class=\"hold\"", "x"), "259.5");       // 2 µs
  EXPECT_EQ(Attribute(svg, "class=\"hold\"", "width"), "710.5");   // to 9.5
  // Under thread 1's bars, not on them.
  const double bar_y = std::stod(Attribute(svg, "class=\"call\"", "y"));
  const double hold_y = std::stod(Attribute(svg, "class=\"hold\"", "y"));
  EXPECT_GE(hold_y, bar_y + 16);
  const size_t hold = svg.find("class=\"hold\"");
  const std::string title = svg.substr(hold, svg.find("</title>", hold) - hold);
  EXPECT_TRUE(absl::StrContains(title, "thread 1 holds h0 from its open&#39;s end "
                                       "2.0 \xc2\xb5s to its close&#39;s end 9.5"))
      << title;
  EXPECT_TRUE(absl::StrContains(svg, "class=\"hold-label\"")) << svg;
  EXPECT_TRUE(absl::StrContains(svg, ">h0 held</text>")) << svg;
}

TEST(TimelineSvgTest, AHandleNeverClosedIsHeldToTheRoundsEndAndAFailedOpenHoldsNone) {
  RoundTrace trace = SeedTrace();
  trace.records[0][3] = OpRecord{};  // the close did not run
  std::string svg = Svg(Seed(), trace, OpRef{1, 1});
  ASSERT_EQ(Count(svg, "<rect class=\"hold\""), 1u) << svg;
  EXPECT_TRUE(absl::StrContains(svg, "to the round&#39;s end 6.0")) << svg;
  // An open that failed, and whose retry failed too, holds nothing.
  OpRecord& open = trace.records[0][0];
  open.outcome =
      Outcome{StatusClass::kInvalidParameter, EINVAL, NativeKind::kErrno};
  open.retry = open.outcome;
  open.retry_end_ns = 2500;
  svg = Svg(Seed(), trace, OpRef{1, 1});
  EXPECT_EQ(Count(svg, "class=\"hold\""), 0u) << svg;
}

// One <text> element of a picture: where a renderer draws it.
struct Box {
  std::string cls, text;
  double left = 0, right = 0, top = 0, bottom = 0;
};

std::string AttributeOf(const std::string& element, const std::string& name) {
  const std::string key = absl::StrCat(" ", name, "=\"");
  const size_t v = element.find(key);
  if (v == std::string::npos) return "";
  const size_t begin = v + key.size();
  return element.substr(begin, element.find('"', begin) - begin);
}

// Text without markup, entities as one character each.
size_t Glyphs(std::string body) {
  size_t title = body.find("<title>");
  if (title != std::string::npos) body.erase(title);
  size_t n = 0;
  for (size_t i = 0; i < body.size(); ++i) {
    const unsigned char c = body[i];
    if (c == '&') i = body.find(';', i);
    if ((c & 0xC0) != 0x80) ++n;
  }
  return n;
}

// Every <text> element's box, from the positions the picture emits: its
// x and y, its anchor, its font size (10 unless it says), and its width
// (textLength when given, else 0.6 em a character); the box runs from a
// font size above the baseline to a quarter below.
std::vector<Box> TextBoxes(const std::string& svg) {
  std::vector<Box> boxes;
  for (size_t at = svg.find("<text "); at != std::string::npos;
       at = svg.find("<text ", at + 1)) {
    const size_t open_end = svg.find('>', at);
    const std::string element = svg.substr(at, open_end - at);
    const size_t close = svg.find("</text>", open_end);
    Box box;
    box.text = svg.substr(open_end + 1, close - open_end - 1);
    box.cls = AttributeOf(element, "class");
    const double x = std::stod(AttributeOf(element, "x"));
    const double y = std::stod(AttributeOf(element, "y"));
    const std::string size = AttributeOf(element, "font-size");
    const double font = size.empty() ? 10 : std::stod(size);
    const std::string length = AttributeOf(element, "textLength");
    const double width =
        length.empty() ? 0.6 * font * Glyphs(box.text) : std::stod(length);
    const std::string anchor = AttributeOf(element, "text-anchor");
    box.left = anchor == "end"      ? x - width
               : anchor == "middle" ? x - width / 2
                                    : x;
    box.right = box.left + width;
    box.top = y - font;
    box.bottom = y + font / 4;
    boxes.push_back(box);
  }
  return boxes;
}

bool Overlap(const Box& a, const Box& b) {
  return a.left < b.right && b.left < a.right && a.top < b.bottom &&
         b.top < a.bottom;
}

// 4 threads of 3 calls each with long labels, all within 0.6 µs: without
// lanes, nearly every label would cover its neighbours.
Scenario Busy() {
  std::string text = "openrace-scenario 1\ndir some\ndir some/deeper\n";
  for (int f = 0; f < 4; ++f) {
    absl::StrAppend(&text, "file some/deeper/file-number-", f, ".h\n");
  }
  for (int t = 0; t < 4; ++t) {
    absl::StrAppend(&text, "thread\n  h", t, " = open cwd:some/deeper/file-number-",
                    t, ".h share=read|write|delete\n  stat cwd:some/deeper/file-number-",
                    (t + 1) % 4, ".h\n  close h", t, "\n");
  }
  return *ParseScenario(text);
}

RoundTrace BusyTrace() {
  RoundTrace trace;
  trace.round = 3;
  for (int t = 0; t < 4; ++t) {
    const int64_t s = 50 * t;
    trace.records.push_back(
        {Ran(s, s + 100), Ran(s + 150, s + 250), Ran(s + 300, s + 400)});
  }
  trace.records[2][1].outcome =
      Outcome{StatusClass::kNotFound, ENOENT, NativeKind::kErrno};
  trace.records[2][1].retry = Outcome{};
  trace.records[2][1].retry_end_ns = 380;
  return trace;
}

TEST(TimelineSvgTest, NoTwoTextsOverlapInABusyRound) {
  const Scenario busy = Busy();
  ASSERT_EQ(CountCalls(busy), 12u);
  const std::string svg = Svg(busy, BusyTrace(), OpRef{2, 1});
  const std::vector<Box> boxes = TextBoxes(svg);
  size_t labels = 0;
  for (const Box& b : boxes) labels += b.cls == "label";
  ASSERT_EQ(labels, 12u) << svg;
  // Lanes were needed (leaders to the lanes above the first) and used.
  EXPECT_GT(Count(svg, "class=\"leader\""), 0u) << svg;
  for (size_t i = 0; i < boxes.size(); ++i) {
    EXPECT_GE(boxes[i].left, 0) << boxes[i].text;
    EXPECT_LE(boxes[i].right, std::stod(Attribute(svg, "<svg", "width")))
        << boxes[i].text;
    for (size_t j = i + 1; j < boxes.size(); ++j) {
      // A handle's "held" label sits on its span: not another text's place.
      EXPECT_FALSE(Overlap(boxes[i], boxes[j]))
          << boxes[i].text << " [" << boxes[i].left << ", " << boxes[i].right
          << "] x [" << boxes[i].top << ", " << boxes[i].bottom << "] overlaps "
          << boxes[j].text << " [" << boxes[j].left << ", " << boxes[j].right
          << "] x [" << boxes[j].top << ", " << boxes[j].bottom << "]";
    }
  }
  // And no call label lies on a bar.
  for (size_t at = svg.find("<rect class=\"call"); at != std::string::npos;
       at = svg.find("<rect class=\"call", at + 1)) {
    const std::string element = svg.substr(at, svg.find('>', at) - at);
    Box bar;
    bar.left = std::stod(AttributeOf(element, "x"));
    bar.right = bar.left + std::stod(AttributeOf(element, "width"));
    bar.top = std::stod(AttributeOf(element, "y"));
    bar.bottom = bar.top + std::stod(AttributeOf(element, "height"));
    for (const Box& b : boxes) {
      EXPECT_FALSE(Overlap(b, bar)) << b.text << " lies on a bar";
    }
  }
  // Each thread's handle is drawn held.
  EXPECT_EQ(Count(svg, "<rect class=\"hold\""), 4u);
}

TEST(TimelineSvgTest, ALongLabelIsCutWithItsWholeTextInATooltip) {
  const std::string name(80, 'n');
  Scenario s = *ParseScenario(absl::StrCat(
      "openrace-scenario 1\nfile ", name, "\nthread\n  stat cwd:", name, "\n"));
  RoundTrace trace;
  trace.records = {{Ran(0, 100)}};
  const std::string svg = Svg(s, trace, absl::nullopt);
  const std::vector<Box> boxes = TextBoxes(svg);
  const Box* label = nullptr;
  for (const Box& b : boxes) {
    if (b.cls == "label") label = &b;
  }
  ASSERT_NE(label, nullptr) << svg;
  EXPECT_EQ(Glyphs(label->text), 48u) << label->text;
  EXPECT_TRUE(absl::StrContains(label->text, "\xe2\x80\xa6<title>stat cwd:" + name +
                                                 "</title>"))
      << label->text;
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
