// dashboard_input_test.cc — the dashboard's site model read from outputs
// built here as campaigns write them (FindingStore, summary.json with its
// series, a merge of them): every finding listed with its status and its
// counts by output and shard, every link of the rendered site pointing at
// a file it has, and bad outputs refused.

#include "harness/store/dashboard_input.h"

#include <filesystem>
#include <random>
#include <string>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "harness/base/file_util.h"
#include "harness/base/json.h"
#include "harness/report/timeline.h"
#include "harness/scenario/scenario_text.h"
#include "harness/store/finding_store.h"
#include "harness/store/merge.h"
#include "harness/testing/site_links.h"

namespace openrace {
namespace {

namespace fs = std::filesystem;

constexpr char kSeed[] = "open-invalid_parameter-EINVAL-transient-cwd";
constexpr char kOther[] = "mkdir-not_found-ENOENT-unexpected-cwd";
constexpr char kBroken[] = "open-not_found-ENOENT-unexpected-cwd";

constexpr char kFound[] = R"(openrace-scenario 1
rounds 100
dir src
file src/f
file src/g
thread
  h0 = open cwd:src/f
  barrier 1
  stat cwd:src/g
  close h0
thread
  barrier 1
  open cwd:src/f
)";

constexpr char kMinimized[] = R"(openrace-scenario 1
rounds 460
dir src
file src/f
thread
  h0 = open cwd:src/f
  barrier 1
  close h0
thread
  barrier 1
  open cwd:src/f
)";

FindingSummary Found(const char* signature) {
  FindingSummary s;
  s.signature = *ParseSignature(signature);
  s.found = *ParseScenario(kFound);
  s.found_thread = 1;
  s.found_op = 1;
  s.backend = "posix";
  return s;
}

// As a campaign leaves it: minimized, drawn, emitted, bisected.
FindingSummary Minimized(const char* signature) {
  FindingSummary s = Found(signature);
  MinimizeResult minimized;
  minimized.scenario = *ParseScenario(kMinimized);
  minimized.one_minimal = true;
  minimized.steps = {"drop tree entry src/g"};
  minimized.failures = 20;
  minimized.rounds = 4335;
  minimized.rate = WilsonInterval(20, 4335);
  s.RecordMinimized(minimized);
  RoundTrace round;
  round.round = 7;
  const OpRecord ok{true, Outcome{}, absl::nullopt, 100, 5000, 0};
  const OpRecord failed{true,
                        Outcome{StatusClass::kInvalidParameter, 22, NativeKind::kErrno},
                        Outcome{}, 5300, 6100, 7000};
  round.records = {{ok, ok, ok}, {ok, failed}};
  s.failing_round = round;
  s.failing_op = OpRef{1, 1};
  s.failing_call = "open cwd:src/f";
  s.timeline_svg = TimelineSvg(*s.minimized, round, s.failing_op,
                               s.signature.ToString());
  s.timeline_ascii = TimelineAscii(*s.minimized, round, s.failing_op);
  s.bisect = {{"as found", 20, 4335}, {"absolute path", 0, 4335}};
  s.repro_c = "int main(void) { return 0; }\n";
  s.repro_c_name = "repro.c";
  return s;
}

class DashboardInputTest : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = (fs::path(::testing::TempDir()) /
             absl::StrCat("dashboard_input_test-", std::random_device()()))
                .string();
    ASSERT_TRUE(MakeDirectories(root_).ok());
  }
  void TearDown() override { fs::remove_all(root_); }

  std::string Path(const std::string& relative) const {
    return root_ + "/" + relative;
  }
  void Write(const std::string& relative, const std::string& contents) {
    ASSERT_TRUE(MakeDirectories(fs::path(Path(relative)).parent_path().string()).ok());
    ASSERT_TRUE(WriteFileAtomically(Path(relative), contents).ok());
  }

  void WriteSummary(const std::string& out, uint64_t jobs, int points) {
    ProgressSeries series;
    for (int i = 0; i < points; ++i) series.Add({2.0 * i, 100u * i, 3u * i, i > 2 ? 2u : 0u});
    JsonWriter json;
    json.BeginObject();
    json.Key("seed").Number(7);
    json.Key("jobs").Number(jobs);
    json.Key("scenarios").Number(30);
    json.Key("rounds").Number(600);
    json.Key("calls").Number(12345);
    json.Key("seconds").Double(20);
    json.Key("interrupted").Bool(false);
    json.Key("finished").Bool(true);
    json.Key("crashes").BeginArray().EndArray();
    json.Key("series");
    series.WriteTo(json);
    json.EndObject();
    Write(out + "/summary.json", json.Take());
  }

  // night-1: a campaign of two workers; the seed minimized (counted 3 and
  // 4 times by the shards), the other given up on. night-2: a `run` that
  // found the seed twice and did not minimize it. merged: both.
  void MakeNights() {
    {
      absl::StatusOr<FindingStore> store = FindingStore::Open(Path("night-1"));
      ASSERT_TRUE(store.ok()) << store.status();
      store->SetWriter("shard-0");
      ASSERT_TRUE(store->AddNew(Found(kSeed)).ok());
      ASSERT_TRUE(store->Update(Minimized(kSeed)).ok());
      ASSERT_TRUE(store->CountOccurrence(*ParseSignature(kSeed)).ok());
      ASSERT_TRUE(store->CountOccurrence(*ParseSignature(kSeed)).ok());
      ASSERT_TRUE(store->MarkDone(*ParseSignature(kSeed), "minimized").ok());
      ASSERT_TRUE(store->AddNew(Found(kOther)).ok());
      ASSERT_TRUE(store->MarkDone(*ParseSignature(kOther),
                                  "given up: its minimization ended two workers")
                      .ok());
    }
    {
      absl::StatusOr<FindingStore> store = FindingStore::Open(Path("night-1"));
      ASSERT_TRUE(store.ok());
      store->SetWriter("shard-1");
      for (int i = 0; i < 4; ++i) {
        ASSERT_TRUE(store->CountOccurrence(*ParseSignature(kSeed)).ok());
      }
    }
    WriteSummary("night-1", 2, 12);
    {
      absl::StatusOr<FindingStore> store = FindingStore::Open(Path("night-2"));
      ASSERT_TRUE(store.ok());
      FindingSummary found = Found(kSeed);
      found.occurrences = 2;
      ASSERT_TRUE(store->AddNew(found).ok());
    }
    WriteSummary("night-2", 1, 1);
    ASSERT_TRUE(MergeFindingOutputs({Path("night-1"), Path("night-2")}, Path("merged")).ok());
  }

  const SiteFinding* Find(const Site& site, const std::string& signature) {
    for (const SiteFinding& f : site.findings) {
      if (f.signature == signature) return &f;
    }
    return nullptr;
  }

  std::string root_;
};

TEST_F(DashboardInputTest, ListsEveryFindingWithItsStatusAndCounts) {
  MakeNights();
  absl::StatusOr<Site> site =
      ReadDashboardSite({Path("night-1"), Path("night-2"), Path("merged")});
  ASSERT_TRUE(site.ok()) << site.status();
  ASSERT_EQ(site->outputs.size(), 3u);
  EXPECT_EQ(site->outputs[0].id, "night-1");
  EXPECT_EQ(site->outputs[1].id, "night-2");
  EXPECT_EQ(site->outputs[2].id, "merged");
  EXPECT_TRUE(site->outputs[2].merged);
  ASSERT_EQ(site->findings.size(), 2u);

  const SiteFinding* seed = Find(*site, kSeed);
  ASSERT_NE(seed, nullptr);
  EXPECT_EQ(seed->status, FindingStatus::kMinimized);
  EXPECT_TRUE(seed->minimized);
  EXPECT_EQ(seed->threads, 2u);
  EXPECT_EQ(seed->ops, 3u);  // open, close, open
  EXPECT_EQ(seed->failures, 20u);
  EXPECT_EQ(seed->rounds, 4335u);
  EXPECT_EQ(seed->bisect.size(), 2u);
  EXPECT_FALSE(seed->timeline_svg.empty());
  EXPECT_TRUE(absl::StrContains(seed->report_markdown, "## What it is and is not"));
  ASSERT_TRUE(seed->first_seen && seed->last_seen);
  EXPECT_LE(*seed->first_seen, *seed->last_seen);
  ASSERT_EQ(seed->occurrences.size(), 3u);
  EXPECT_EQ(seed->occurrences[0].output, "night-1");
  EXPECT_EQ(seed->occurrences[0].count, 7u);
  EXPECT_EQ(seed->occurrences[0].parts,
            (std::vector<std::pair<std::string, uint64_t>>{{"shard-0", 3}, {"shard-1", 4}}));
  EXPECT_EQ(seed->occurrences[1].count, 2u);
  EXPECT_TRUE(seed->occurrences[1].parts.empty());
  EXPECT_EQ(seed->occurrences[2].count, 9u);
  // The nights went into the merge: counted once, through it.
  EXPECT_EQ(seed->occurrences[0].in_merge, "merged");
  EXPECT_EQ(seed->occurrences[1].in_merge, "merged");
  EXPECT_EQ(seed->occurrences[2].in_merge, "");
  EXPECT_EQ(seed->TotalOccurrences(), 9u);
  EXPECT_EQ(site->outputs[0].in_merge, "merged");
  EXPECT_EQ(seed->occurrences[2].parts,
            (std::vector<std::pair<std::string, uint64_t>>{{"night-1", 7}, {"night-2", 2}}));

  const SiteFinding* other = Find(*site, kOther);
  ASSERT_NE(other, nullptr);
  EXPECT_EQ(other->status, FindingStatus::kGivenUp);
  EXPECT_EQ(other->status_note, "given up: its minimization ended two workers");
  EXPECT_FALSE(other->minimized);

  const SiteOutput& night1 = site->outputs[0];
  EXPECT_EQ(night1.jobs, 2u);
  EXPECT_EQ(night1.calls, 12345u);
  ASSERT_TRUE(night1.series.has_value());
  EXPECT_EQ(night1.series->points().size(), 12u);
  const SiteOutput& merged = site->outputs[2];
  ASSERT_EQ(merged.inputs.size(), 2u);
  EXPECT_EQ(merged.inputs[0].findings, 2u);
  ASSERT_TRUE(merged.inputs[0].series.has_value());
  EXPECT_EQ(merged.inputs[0].series->points().size(), 12u);
}

TEST_F(DashboardInputTest, TheSiteLinksOnlyToFilesItHas) {
  MakeNights();
  absl::StatusOr<Site> site =
      ReadDashboardSite({Path("night-1"), Path("night-2"), Path("merged")});
  ASSERT_TRUE(site.ok()) << site.status();
  const std::map<std::string, std::string> files = RenderSite(*site);
  EXPECT_EQ(testing_util::BrokenSiteLinks(files), std::vector<std::string>());
  const std::string dir = absl::StrCat("findings/", kSeed, "/");
  for (const char* name : {"repro.c", "found.scn", "minimized.scn", "report.md",
                           "stats.json", "timeline.svg", "index.html"}) {
    EXPECT_TRUE(files.count(dir + name)) << name;
  }
  absl::StatusOr<std::string> repro = ReadFile(Path(absl::StrCat("night-1/", kSeed, "/repro.c")));
  ASSERT_TRUE(repro.ok());
  EXPECT_EQ(files.at(dir + "repro.c"), *repro);
  for (const SiteFinding& f : site->findings) {
    EXPECT_TRUE(absl::StrContains(files.at("index.html"),
                                  absl::StrCat("data-signature=\"", f.signature, "\"")));
  }
}

TEST_F(DashboardInputTest, AnUnreadableFindingIsListedWithWhy) {
  Write(absl::StrCat("night/", kBroken, "/found.scn"), "not a scenario\n");
  Write(absl::StrCat("night/", kBroken, "/occurrences"), "3\n");
  absl::StatusOr<Site> site = ReadDashboardSite({Path("night")});
  ASSERT_TRUE(site.ok()) << site.status();
  ASSERT_EQ(site->findings.size(), 1u);
  const SiteFinding& f = site->findings[0];
  EXPECT_EQ(f.signature, kBroken);
  EXPECT_EQ(f.TotalOccurrences(), 3u);
  EXPECT_TRUE(absl::StartsWith(f.status_note, "unreadable: ")) << f.status_note;
  EXPECT_FALSE(site->outputs[0].has_summary);
  ASSERT_EQ(site->outputs[0].problems.size(), 1u);
  EXPECT_EQ(testing_util::BrokenSiteLinks(RenderSite(*site)), std::vector<std::string>());
}

TEST_F(DashboardInputTest, AnOutputNamedTwiceIsReadOnceAndNamesStayUnique) {
  MakeNights();
  ASSERT_TRUE(fs::create_directories(Path("other")));
  fs::copy(Path("night-2"), Path("other/night-2"), fs::copy_options::recursive);
  absl::StatusOr<Site> site = ReadDashboardSite(
      {Path("night-2"), Path("night-2/"), Path("other/../night-2"), Path("other/night-2")});
  ASSERT_TRUE(site.ok()) << site.status();
  ASSERT_EQ(site->outputs.size(), 2u);
  EXPECT_EQ(site->outputs[0].id, "night-2");
  EXPECT_EQ(site->outputs[1].id, "night-2-2");
}

TEST_F(DashboardInputTest, BadOutputsAreRefused) {
  EXPECT_EQ(ReadDashboardSite({}).status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(ReadDashboardSite({Path("nowhere")}).status().code(),
            absl::StatusCode::kNotFound);
  ASSERT_TRUE(MakeDirectories(Path("empty")).ok());
  absl::StatusOr<Site> empty = ReadDashboardSite({Path("empty")});
  EXPECT_TRUE(absl::StrContains(empty.status().message(), "is not a finding output"))
      << empty.status();
  Write("bad/summary.json", "{\"calls\": ");
  absl::StatusOr<Site> bad = ReadDashboardSite({Path("bad")});
  EXPECT_EQ(bad.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_TRUE(absl::StrContains(bad.status().message(), "summary.json")) << bad.status();
}

}  // namespace
}  // namespace openrace
