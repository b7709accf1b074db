#include "harness/report/svg.h"

#include <string>
#include <utility>
#include <vector>

#include "absl/strings/match.h"
#include "gtest/gtest.h"

namespace openrace {
namespace {

TEST(SvgOpenTest, HasATitleAnOpaqueBackgroundAndDarkText) {
  const std::string svg =
      SvgOpen({.width = 300, .height = 120, .css_class = "chart",
               .title = "rates of <a> & b"});
  EXPECT_TRUE(absl::StartsWith(svg, "<svg xmlns=\"http://www.w3.org/2000/svg\" "
                                    "class=\"chart\" width=\"300.0\" "
                                    "height=\"120.0\" viewBox=\"0 0 300.0 120.0\""))
      << svg;
  EXPECT_TRUE(absl::StrContains(svg, " fill=\"#1f2328\">\n<title>rates of "
                                     "&lt;a&gt; &amp; b</title>\n"))
      << svg;
  EXPECT_TRUE(absl::EndsWith(
      svg, "<rect class=\"background\" x=\"0\" y=\"0\" width=\"300.0\" "
           "height=\"120.0\" fill=\"#ffffff\"/>\n"))
      << svg;
}

TEST(SvgTextTest, CountsCodePointsNotBytes) {
  EXPECT_EQ(CodePoints("abc"), 3u);
  EXPECT_EQ(CodePoints("3 \xc2\xb5s"), 4u);        // "3 µs"
  EXPECT_EQ(CodePoints("\xe2\x80\xa6x"), 2u);      // "…x"
  EXPECT_DOUBLE_EQ(SvgTextWidth("3 \xc2\xb5s", 10), 24.0);
}

TEST(SvgTextTest, TruncatesToAtMostMaxCodePointsWithAnEllipsis) {
  EXPECT_EQ(TruncateText("short", 5), "short");
  EXPECT_EQ(TruncateText("longer text", 5), "long\xe2\x80\xa6");
  EXPECT_EQ(CodePoints(TruncateText("longer text", 5)), 5u);
  // A multi-byte code point is never split.
  EXPECT_EQ(TruncateText("\xc2\xb5\xc2\xb5\xc2\xb5\xc2\xb5", 3),
            "\xc2\xb5\xc2\xb5\xe2\x80\xa6");
}

TEST(NiceStepTest, IsOneTwoOrFiveTimesAPowerOfTenAtLeastRaw) {
  EXPECT_DOUBLE_EQ(NiceStep(0.7), 1.0);
  EXPECT_DOUBLE_EQ(NiceStep(1.5), 2.0);
  EXPECT_DOUBLE_EQ(NiceStep(3), 5.0);
  EXPECT_DOUBLE_EQ(NiceStep(0.0012), 0.002);
  EXPECT_DOUBLE_EQ(NiceStep(0), 1.0);
}

TEST(PackLanesTest, OverlappingIntervalsGoToDifferentLanes) {
  // a and b overlap; c starts 5 after a ends (gap 4: may share a's lane);
  // d starts 3 after b ends (gap 4: may not share b's lane).
  const std::vector<std::pair<double, double>> intervals = {
      {0, 10}, {5, 20}, {15, 30}, {23, 25}};
  const std::vector<size_t> lanes = PackLanes(intervals, 4);
  ASSERT_EQ(lanes.size(), 4u);
  EXPECT_EQ(lanes[0], 0u);
  EXPECT_EQ(lanes[1], 1u);
  EXPECT_EQ(lanes[2], 0u);
  EXPECT_EQ(lanes[3], 2u);
  for (size_t i = 0; i < intervals.size(); ++i) {
    for (size_t j = i + 1; j < intervals.size(); ++j) {
      if (lanes[i] != lanes[j]) continue;
      const bool apart = intervals[i].second + 4 <= intervals[j].first ||
                         intervals[j].second + 4 <= intervals[i].first;
      EXPECT_TRUE(apart) << i << " and " << j;
    }
  }
}

TEST(PackLanesTest, DisjointIntervalsShareOneLaneWhateverTheirOrder) {
  const std::vector<size_t> lanes = PackLanes({{40, 50}, {0, 10}, {20, 30}}, 2);
  EXPECT_EQ(lanes, (std::vector<size_t>{0, 0, 0}));
  EXPECT_TRUE(PackLanes({}, 2).empty());
}

}  // namespace
}  // namespace openrace
