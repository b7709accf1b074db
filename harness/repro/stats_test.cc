#include "harness/repro/stats.h"

#include "gtest/gtest.h"
#include "harness/base/json.h"

namespace openrace {
namespace {

TEST(StatsTest, WilsonIntervalMatchesKnownValues) {
  // 10 of 100: the Wilson 95 % interval is about [0.0552, 0.1744].
  RateInterval ci = WilsonInterval(10, 100);
  EXPECT_NEAR(ci.low, 0.0552, 0.0005);
  EXPECT_NEAR(ci.high, 0.1744, 0.0005);
}

TEST(StatsTest, WilsonIntervalWithNoFailuresStartsAtZero) {
  RateInterval ci = WilsonInterval(0, 1000);
  EXPECT_EQ(ci.low, 0);
  EXPECT_NEAR(ci.high, 0.00383, 0.0001);
}

TEST(StatsTest, WilsonIntervalWithNoRoundsIsEverything) {
  RateInterval ci = WilsonInterval(0, 0);
  EXPECT_EQ(ci.low, 0);
  EXPECT_EQ(ci.high, 1);
}

TEST(StatsTest, RoundsToDetectGivesTheConfidenceAsked) {
  // At rate 0.01, 459 rounds show a failure with probability 0.99.
  EXPECT_EQ(RoundsToDetect(0.01, 0.99, 1000000), 459u);
  EXPECT_EQ(RoundsToDetect(1.0, 0.99, 1000000), 1u);
  EXPECT_EQ(RoundsToDetect(0.0, 0.99, 777), 777u);
  EXPECT_EQ(RoundsToDetect(1e-9, 0.99, 1000), 1000u);
}

TEST(JsonTest, WritesNestedDocumentsWithEscapes) {
  JsonWriter json;
  json.BeginObject();
  json.Key("a\"b").String("line\nnext\x01");
  json.Key("list").BeginArray().Number(1).Number(uint64_t{2}).EndArray();
  json.Key("empty").BeginObject().EndObject();
  json.Key("rate").Double(0.25);
  json.Key("ok").Bool(true);
  json.EndObject();
  EXPECT_EQ(json.Take(),
            "{\n"
            "  \"a\\\"b\": \"line\\nnext\\u0001\",\n"
            "  \"list\": [\n"
            "    1,\n"
            "    2\n"
            "  ],\n"
            "  \"empty\": {},\n"
            "  \"rate\": 0.25,\n"
            "  \"ok\": true\n"
            "}\n");
}

}  // namespace
}  // namespace openrace
