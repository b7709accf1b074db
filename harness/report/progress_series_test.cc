// progress_series_test.cc — summary.json's progress series stays bounded,
// keeps the first and the newest point, spreads its points evenly, and
// reads back what it wrote.

#include "harness/report/progress_series.h"

#include <algorithm>

#include "gtest/gtest.h"
#include "harness/base/json.h"
#include "harness/base/json_reader.h"

namespace openrace {
namespace {

ProgressPoint At(double seconds, uint64_t calls = 0) {
  return ProgressPoint{seconds, calls, calls / 10, calls / 1000};
}

TEST(ProgressSeriesTest, KeepsEveryPointUntilFull) {
  ProgressSeries series(8);
  for (int i = 0; i < 8; ++i) series.Add(At(2 * i, 100 * i));
  ASSERT_EQ(series.points().size(), 8u);
  EXPECT_EQ(series.points()[3], At(6, 300));
  EXPECT_EQ(series.step(), 0);
}

TEST(ProgressSeriesTest, ThinsToHalfKeepingTheFirstAndTheLast) {
  ProgressSeries series(8);
  for (int i = 0; i < 9; ++i) series.Add(At(i, i));
  // 9 points over 8: every other one stays, 0 2 4 6 8.
  ASSERT_EQ(series.points().size(), 5u);
  EXPECT_EQ(series.points().front(), At(0, 0));
  EXPECT_EQ(series.points().back(), At(8, 8));
  EXPECT_EQ(series.step(), 2);
}

TEST(ProgressSeriesTest, APointWithinAStepReplacesTheNewest) {
  ProgressSeries series(6);
  for (int i = 0; i < 7; ++i) series.Add(At(i, i));  // thinned: 0 2 4 6
  ASSERT_EQ(series.points().size(), 4u);
  ASSERT_EQ(series.step(), 2);
  series.Add(At(7, 7));  // a step past 4: a point of its own
  ASSERT_EQ(series.points().size(), 5u);
  series.Add(At(7.5, 8));  // within a step of 6: replaces 7
  ASSERT_EQ(series.points().size(), 5u);
  EXPECT_EQ(series.points().back(), At(7.5, 8));
  series.Add(At(8.5, 9));  // a step past 6: a point of its own
  ASSERT_EQ(series.points().size(), 6u);
  EXPECT_EQ(series.points()[4], At(7.5, 8));
  EXPECT_EQ(series.points().back(), At(8.5, 9));
}

TEST(ProgressSeriesTest, APointBackInTimeIsIgnored) {
  ProgressSeries series;
  series.Add(At(10, 5));
  series.Add(At(9, 6));
  ASSERT_EQ(series.points().size(), 1u);
  EXPECT_EQ(series.points()[0], At(10, 5));
}

TEST(ProgressSeriesTest, AFourHourNightStaysBoundedAndEven) {
  ProgressSeries series;
  // summary.json every 2 s for 4 h.
  for (int i = 0; i <= 7200; ++i) series.Add(At(2.0 * i, 1000u * i));
  const std::vector<ProgressPoint>& points = series.points();
  ASSERT_LE(points.size(), ProgressSeries::kMaxPoints);
  ASSERT_GE(points.size(), ProgressSeries::kMaxPoints / 2);
  EXPECT_EQ(points.front(), At(0, 0));
  EXPECT_EQ(points.back(), At(14400, 7200000));
  // No gap much wider than the mean: the night is drawn evenly.
  const double mean = 14400.0 / (points.size() - 1);
  double widest = 0;
  for (size_t i = 1; i < points.size(); ++i) {
    widest = std::max(widest, points[i].seconds - points[i - 1].seconds);
  }
  EXPECT_LE(widest, 2.5 * mean);
}

TEST(ProgressSeriesTest, ReadsBackWhatItWrote) {
  ProgressSeries series(6);
  for (int i = 0; i < 11; ++i) series.Add(At(1.5 * i, 12345678901ull + i));
  JsonWriter json;
  series.WriteTo(json);
  absl::StatusOr<JsonValue> doc = ParseJson(json.Take());
  ASSERT_TRUE(doc.ok()) << doc.status();
  absl::StatusOr<ProgressSeries> back = ProgressSeries::FromJson(*doc, 6);
  ASSERT_TRUE(back.ok()) << back.status();
  EXPECT_EQ(back->points(), series.points());
  EXPECT_EQ(back->step(), series.step());
}

TEST(ProgressSeriesTest, ReadingThinsAnOversizedSeries) {
  ProgressSeries big(100);
  for (int i = 0; i < 100; ++i) big.Add(At(i, i));
  JsonWriter json;
  big.WriteTo(json);
  absl::StatusOr<ProgressSeries> back =
      ProgressSeries::FromJson(*ParseJson(json.Take()), 10);
  ASSERT_TRUE(back.ok()) << back.status();
  EXPECT_LE(back->points().size(), 10u);
  EXPECT_EQ(back->points().back(), At(99, 99));
}

TEST(ProgressSeriesTest, MalformedSeriesAreRefused) {
  for (const char* text : {
           R"([])",
           R"({"columns": ["seconds", "calls"], "points": []})",
           R"({"columns": ["seconds", "calls", "scenarios", "findings"]})",
           R"({"columns": ["seconds", "calls", "scenarios", "findings"],
               "points": [[1, 2, 3]]})",
           R"({"columns": ["seconds", "calls", "scenarios", "findings"],
               "points": [[1, -2, 3, 4]]})",
           R"({"columns": ["seconds", "calls", "scenarios", "findings"],
               "points": [[5, 1, 1, 0], [4, 2, 2, 0]]})",
       }) {
    absl::StatusOr<JsonValue> doc = ParseJson(text);
    ASSERT_TRUE(doc.ok()) << text;
    EXPECT_FALSE(ProgressSeries::FromJson(*doc).ok()) << text;
  }
}

}  // namespace
}  // namespace openrace
