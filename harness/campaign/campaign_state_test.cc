// campaign_state_test.cc — shard arithmetic, checkpoint round trips and
// torn records, summing shards, sizes, the identity file and summary.json.

#include "harness/campaign/campaign_state.h"

#include <set>

#include "gtest/gtest.h"
#include "harness/base/json_reader.h"

namespace openrace {
namespace {

TEST(ShardTest, ShardsTogetherRunEveryIndexExactlyOnce) {
  for (uint64_t shards : {1, 2, 3, 7}) {
    std::multiset<uint64_t> seen;
    for (uint64_t shard = 0; shard < shards; ++shard) {
      ShardCheckpoint c = ShardCheckpoint::Fresh(shard, shards);
      for (uint64_t index = c.next; index < 100;
           index = NextIndexOfShard(c, index)) {
        EXPECT_TRUE(ShardRuns(shard, shards, index));
        seen.insert(index);
      }
    }
    ASSERT_EQ(seen.size(), 100u) << shards << " shards";
    for (uint64_t index = 0; index < 100; ++index) {
      EXPECT_EQ(seen.count(index), 1u) << "index " << index;
    }
  }
}

ShardCheckpoint Sample() {
  ShardCheckpoint c = ShardCheckpoint::Fresh(1, 3);
  c.next = 40;
  c.running = true;
  c.scenarios = 13;
  c.rounds = 2600;
  c.calls = 91234;
  c.contended = 4321;
  c.call_cpu_ns = 3'000'000'000;
  c.cpu_ns = 7'500'000'000;
  c.beat = 77;
  c.pid = 4242;
  c.statuses = {{"ok", 90000}, {"ENOENT", 1200}, {"EINVAL", 34}};
  c.occurrences = {{"open-invalid_parameter-EINVAL-transient-cwd", 5}};
  return c;
}

TEST(CheckpointTest, PrintThenParseGivesTheSameCheckpoint) {
  const ShardCheckpoint c = Sample();
  absl::StatusOr<ShardCheckpoint> back = ParseCheckpoint(PrintCheckpoint(c));
  ASSERT_TRUE(back.ok()) << back.status();
  EXPECT_EQ(*back, c);
}

TEST(CheckpointTest, PaddingAfterTheEndLineIsIgnored) {
  const ShardCheckpoint c = Sample();
  absl::StatusOr<ShardCheckpoint> back =
      ParseCheckpoint(PrintCheckpoint(c) + std::string(3000, '\n'));
  ASSERT_TRUE(back.ok()) << back.status();
  EXPECT_EQ(*back, c);
}

TEST(CheckpointTest, ATornRecordIsRefused) {
  // A reader that catches a rewrite halfway sees the new head and the old
  // tail: the hash no longer matches.
  ShardCheckpoint newer = Sample();
  newer.calls += 1000;
  const std::string old_text = PrintCheckpoint(Sample());
  const std::string new_text = PrintCheckpoint(newer);
  const size_t split = new_text.find("beat ");
  ASSERT_EQ(split, old_text.find("beat "));
  const std::string torn = new_text.substr(0, split) + old_text.substr(split);
  EXPECT_FALSE(ParseCheckpoint(torn).ok());
  EXPECT_FALSE(ParseCheckpoint(old_text.substr(0, old_text.size() / 2)).ok());
}

TEST(CheckpointTest, AnIndexOutsideTheShardIsRefused) {
  ShardCheckpoint c = Sample();
  c.next = 41;  // 41 % 3 == 2, not shard 1
  absl::StatusOr<ShardCheckpoint> back = ParseCheckpoint(PrintCheckpoint(c));
  ASSERT_FALSE(back.ok());
  EXPECT_NE(back.status().message().find("not in that shard"),
            absl::string_view::npos);
}

TEST(SumTest, CountersAndStatusesAddUp) {
  ShardCheckpoint a = Sample();
  ShardCheckpoint b = ShardCheckpoint::Fresh(2, 3);
  b.scenarios = 2;
  b.rounds = 400;
  b.calls = 766;
  b.contended = 79;
  b.call_cpu_ns = 1'000'000'000;
  b.cpu_ns = 500'000'000;
  b.statuses = {{"ok", 700}, {"EEXIST", 66}};
  const ShardCheckpoint shards[] = {a, b};
  const CampaignTotals totals = SumCheckpoints(shards);
  EXPECT_EQ(totals.scenarios, 15u);
  EXPECT_EQ(totals.rounds, 3000u);
  EXPECT_EQ(totals.calls, 92000u);
  EXPECT_EQ(totals.contended, 4400u);
  EXPECT_EQ(totals.call_cpu_ns, 4'000'000'000u);
  EXPECT_EQ(totals.cpu_ns, 8'000'000'000u);
  EXPECT_EQ(totals.statuses.at("ok"), 90700u);
  EXPECT_EQ(totals.statuses.at("EEXIST"), 66u);
  EXPECT_EQ(totals.statuses.at("ENOENT"), 1200u);
}

TEST(ByteSizeTest, SuffixesArePowersOf1024) {
  EXPECT_EQ(*ParseByteSize("512M"), 512ull << 20);
  EXPECT_EQ(*ParseByteSize("2g"), 2ull << 30);
  EXPECT_EQ(*ParseByteSize("64K"), 64ull << 10);
  EXPECT_EQ(*ParseByteSize("1048576"), 1048576u);
  EXPECT_FALSE(ParseByteSize("").ok());
  EXPECT_FALSE(ParseByteSize("0").ok());
  EXPECT_FALSE(ParseByteSize("lots").ok());
  EXPECT_FALSE(ParseByteSize("99999999999T").ok());
}

TEST(IdentityTest, RoundTripsAndRefusesGarbage) {
  const CampaignIdentity identity{7, 4};
  absl::StatusOr<CampaignIdentity> back = ParseIdentity(PrintIdentity(identity));
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(*back, identity);
  EXPECT_FALSE(ParseIdentity("seed 7\njobs 4\n").ok());
}

TEST(SummaryJsonTest, HasRunsKeysAndTheCampaignsOwn) {
  CampaignSummary s;
  s.seed = 3;
  s.jobs = 2;
  s.totals.calls = 1000;
  s.totals.contended = 200;
  s.totals.call_cpu_ns = 1'500'000'000;
  s.totals.cpu_ns = 6'000'000'000;
  s.totals.statuses = {{"ok", 990}, {"ENOENT", 10}};
  s.elapsed = absl::Seconds(4);
  s.findings = {{"open-invalid_parameter-EINVAL-transient-cwd", 2}};
  s.workers.push_back({0, 123, 1, 8, false});
  s.crashes.push_back({5, 1, "signal 6 (SIGABRT)", "/o/crashes/5.scn"});
  s.updated = absl::FromUnixSeconds(0);
  const std::string json = CampaignSummaryJson(s);
  EXPECT_EQ(json.rfind("{\n  \"schema\": 1,\n", 0), 0u) << json;
  for (const char* key :
       {"\"seed\": 3", "\"jobs\": 2", "\"scenarios\"", "\"rounds\"",
        "\"calls\": 1000", "\"seconds\"", "\"calls_per_second\": 250",
        "\"contended_calls\": 200", "\"contended_per_second\": 50",
        "\"call_cpu_seconds\": 1.5", "\"cpu_seconds\": 6",
        "\"call_share_of_cpu\": 0.25", "\"interrupted\": false", "\"finished\": false", "\"out\"",
        "\"new_findings\"", "\"open-invalid_parameter-EINVAL-transient-cwd\": 2",
        "\"ENOENT\": 10", "\"restarts\": 1", "\"what\": \"signal 6 (SIGABRT)\"",
        "\"updated\": \"1970-01-01T00:00:00Z\""}) {
    EXPECT_NE(json.find(key), std::string::npos) << key << " in\n" << json;
  }
}

TEST(SummaryJsonTest, KeepsTheProgressSeriesToReadBack) {
  CampaignSummary s;
  s.series.Add({0, 0, 0, 0});
  s.series.Add({2, 5120, 31, 0});
  s.series.Add({4, 10240, 60, 1});
  absl::StatusOr<JsonValue> doc = ParseJson(CampaignSummaryJson(s));
  ASSERT_TRUE(doc.ok()) << doc.status();
  absl::StatusOr<ProgressSeries> back = ProgressSeries::FromJson(doc->Get("series"));
  ASSERT_TRUE(back.ok()) << back.status();
  EXPECT_EQ(back->points(), s.series.points());
  // Last, after everything a person reads.
  EXPECT_EQ(doc->members().back().first, "series");
}

}  // namespace
}  // namespace openrace
