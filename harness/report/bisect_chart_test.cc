#include "harness/report/bisect_chart.h"

#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "harness/repro/stats.h"

namespace openrace {
namespace {

constexpr char kSig[] = "open-invalid_parameter-EINVAL-transient-cwd";

size_t Count(const std::string& text, const std::string& what) {
  size_t n = 0;
  for (size_t at = text.find(what); at != std::string::npos;
       at = text.find(what, at + what.size())) {
    ++n;
  }
  return n;
}

// The value of attribute `name` in the first element at or after `from`
// that contains `marker`.
std::string Attribute(const std::string& svg, const std::string& marker,
                      const std::string& name, size_t from = 0) {
  const size_t at = svg.find(marker, from);
  if (at == std::string::npos) return "";
  const size_t begin_element = svg.rfind('<', at);
  const std::string element =
      svg.substr(begin_element, svg.find('>', at) - begin_element);
  const std::string key = absl::StrCat(" ", name, "=\"");
  const size_t v = element.find(key);
  if (v == std::string::npos) return "";
  const size_t begin = v + key.size();
  return element.substr(begin, element.find('"', begin) - begin);
}

double Number(const std::string& svg, const std::string& marker,
              const std::string& name, size_t from = 0) {
  return std::stod(Attribute(svg, marker, name, from));
}

const std::vector<BisectRow> kRows = {
    {"as found", 20, 4335}, {"absolute path", 0, 4335}, {"one thread", 5, 100}};

TEST(BisectChartTest, DrawsARowPerVariationWithABarAndAnInterval) {
  const std::string svg = BisectChartSvg(kRows, kSig);
  EXPECT_EQ(Count(svg, "<g class=\"row\">"), 3u);
  EXPECT_EQ(Count(svg, "class=\"interval\""), 3u);
  // A bar for each row that failed; the clean row has none, and its
  // interval is dashed and capped at its high end only.
  EXPECT_EQ(Count(svg, "<rect class=\"bar\""), 2u);
  EXPECT_EQ(Count(svg, "stroke-dasharray"), 1u);
  EXPECT_EQ(Count(svg, "class=\"cap\""), 2u + 1u + 2u);
  EXPECT_TRUE(absl::StrContains(svg, ">5/100 \xc2\xb7 5 % (")) << svg;
  EXPECT_TRUE(absl::StrContains(svg, ">0/4335 \xc2\xb7 &lt; ")) << svg;
  EXPECT_TRUE(absl::StrContains(svg, ">absolute path</text>")) << svg;
}

TEST(BisectChartTest, TheWhiskerSpansTheWilsonIntervalOnTheBarsScale) {
  const std::string svg = BisectChartSvg(kRows, kSig);
  // "one thread", the third row: its bar runs from 0 to 5 %, so the
  // whisker's ends sit at low/rate and high/rate of the bar's width.
  const size_t row = svg.find(">one thread</text>");
  ASSERT_NE(row, std::string::npos);
  const double zero = Number(svg, "class=\"bar\"", "x", row);
  const double bar = Number(svg, "class=\"bar\"", "width", row);
  const RateInterval ci = WilsonInterval(5, 100);
  EXPECT_NEAR(Number(svg, "class=\"interval\"", "x1", row) - zero,
              bar * ci.low / 0.05, 0.2);
  EXPECT_NEAR(Number(svg, "class=\"interval\"", "x2", row) - zero,
              bar * ci.high / 0.05, 0.2);
  EXPECT_LT(ci.low, 0.05);
  EXPECT_GT(ci.high, 0.05);
  // The clean row's dashed whisker runs from 0.
  const size_t clean = svg.find(">absolute path</text>");
  EXPECT_NEAR(Number(svg, "class=\"interval\"", "x1", clean), zero, 0.05);
}

TEST(BisectChartTest, TheAxisEndsAtARoundNumberAboveTheHighestInterval) {
  const std::string svg = BisectChartSvg(kRows, kSig);
  // one thread's interval reaches about 11 %: ticks every 5 %, up to 15 %.
  EXPECT_GT(WilsonInterval(5, 100).high, 0.10);
  EXPECT_LT(WilsonInterval(5, 100).high, 0.15);
  EXPECT_EQ(Count(svg, "class=\"tick\""), 4u);
  EXPECT_TRUE(absl::StrContains(svg, ">0 %</text>")) << svg;
  EXPECT_TRUE(absl::StrContains(svg, ">15 %</text>")) << svg;
}

TEST(BisectChartTest, NamesTheSignatureOnAnOpaqueLightBackground) {
  const std::string svg = BisectChartSvg(kRows, kSig);
  EXPECT_TRUE(absl::StartsWith(
      svg, "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"bisect\""));
  EXPECT_TRUE(absl::StrContains(
      svg, absl::StrCat("<title>openrace bisection of ", kSig)))
      << svg;
  EXPECT_TRUE(absl::StrContains(
      svg, absl::StrCat("font-weight=\"bold\">", kSig,
                        ": what it is and is not</text>")))
      << svg;
  EXPECT_EQ(Attribute(svg, "<rect", "class"), "background");
  EXPECT_EQ(Attribute(svg, "<rect", "fill"), "#ffffff");
  EXPECT_TRUE(absl::EndsWith(svg, "</svg>\n"));
}

TEST(BisectChartTest, EscapesAndCutsVariationNames) {
  const std::string long_name(60, 'v');
  const std::string svg = BisectChartSvg(
      {{"one <script> thread", 1, 10}, {long_name, 0, 10}}, "a&b");
  EXPECT_FALSE(absl::StrContains(svg, "<script")) << svg;
  EXPECT_TRUE(absl::StrContains(svg, ">one &lt;script&gt; thread</text>"));
  EXPECT_TRUE(absl::StrContains(svg, "a&amp;b: what it is"));
  // Cut in its label, whole in its row's tooltip.
  EXPECT_TRUE(absl::StrContains(svg, std::string(38, 'v') + "\xe2\x80\xa6</text>"))
      << svg;
  EXPECT_TRUE(absl::StrContains(svg, "<title>" + long_name + ": 0 of 10"));
}

TEST(BisectChartTest, IsThePureFunctionOfTheRows) {
  EXPECT_EQ(BisectChartSvg(kRows, kSig), BisectChartSvg(kRows, kSig));
  std::vector<BisectRow> other = kRows;
  other[0].failures = 21;
  EXPECT_NE(BisectChartSvg(other, kSig), BisectChartSvg(kRows, kSig));
}

}  // namespace
}  // namespace openrace
