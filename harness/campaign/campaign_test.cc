// campaign_test.cc — the run loop keeps its budget: it stops when its
// clock passes the deadline (an injected clock, no real waiting), and a
// new finding gets its share of the time left.

#include "harness/campaign/campaign.h"

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <random>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"

namespace openrace {
namespace {

namespace fs = std::filesystem;

TEST(BudgetForFindingTest, AFindingGetsItsShareOfTheTimeLeft) {
  const absl::Time now = absl::UnixEpoch() + absl::Seconds(20);
  const absl::Time deadline = now + absl::Seconds(100);
  FindingBudget b = BudgetForFinding(now, deadline, absl::Minutes(5));
  EXPECT_EQ(b.minimize_until, now + absl::Seconds(60));
  EXPECT_EQ(b.explain_until, now + absl::Seconds(85));
  // --minimize-time caps the minimizing, never the explaining.
  b = BudgetForFinding(now, deadline, absl::Seconds(10));
  EXPECT_EQ(b.minimize_until, now + absl::Seconds(10));
  EXPECT_EQ(b.explain_until, now + absl::Seconds(85));
  // Past the deadline: nothing.
  b = BudgetForFinding(deadline + absl::Seconds(1), deadline, absl::Minutes(5));
  EXPECT_EQ(b.minimize_until, deadline + absl::Seconds(1));
  EXPECT_EQ(b.explain_until, deadline + absl::Seconds(1));
  // No --time: minimize_time, and explaining is not limited.
  b = BudgetForFinding(now, absl::InfiniteFuture(), absl::Minutes(5));
  EXPECT_EQ(b.minimize_until, now + absl::Minutes(5));
  EXPECT_EQ(b.explain_until, absl::InfiniteFuture());
}

class CampaignLoopTest : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = fs::temp_directory_path() /
            absl::StrCat("openrace-campaign-test-", std::random_device()());
    fs::create_directories(root_ / "dir");
    previous_ = fs::current_path();
  }
  void TearDown() override {
    fs::current_path(previous_);
    fs::remove_all(root_);
  }
  fs::path root_, previous_;
};

// Each look at the clock is a second later: the loop must stop once it
// has passed start + time, long before its 1000 scenarios.
TEST_F(CampaignLoopTest, StopsWhenTheClockPassesTheDeadline) {
  absl::Time now = absl::UnixEpoch();
  int looks = 0;
  CampaignOptions options;
  options.dir = (root_ / "dir").string();
  options.out = (root_ / "out").string();
  options.time = absl::Seconds(10);
  options.scenarios = 1000;
  options.minimize = false;
  options.generator.rounds = 2;  // the loop is under test, not the file system
  options.generator.mutations = false;
  options.clock = [&] {
    ++looks;
    now += absl::Seconds(1);
    return now;
  };
  absl::StatusOr<CampaignResult> result = RunCampaign(options);
  ASSERT_TRUE(result.ok()) << result.status();
  EXPECT_GE(result->scenarios, 1u);
  EXPECT_LT(result->scenarios, 10u);
  EXPECT_GE(result->elapsed, absl::Seconds(10));
  EXPECT_LE(result->elapsed, absl::Seconds(14)) << looks << " looks";
}

// Without --time there is no deadline: --scenarios alone ends the run.
TEST_F(CampaignLoopTest, WithoutATimeTheScenarioCountEndsTheRun) {
  absl::Time now = absl::UnixEpoch();
  CampaignOptions options;
  options.dir = (root_ / "dir").string();
  options.out = (root_ / "out").string();
  options.scenarios = 3;
  options.minimize = false;
  options.generator.rounds = 2;
  options.generator.mutations = false;
  options.clock = [&] {
    now += absl::Hours(1);
    return now;
  };
  absl::StatusOr<CampaignResult> result = RunCampaign(options);
  ASSERT_TRUE(result.ok()) << result.status();
  EXPECT_EQ(result->scenarios, 3u);
}

// A sandbox the file system will not let go of at the end (rclone answers
// rmdir with EIO) is the file system's doing: the run and its result stand,
// and the result says why the remains are left. Stood in for by an
// immutable file (chattr +i, which even root cannot remove); skipped where
// chattr or the file system does not support it.
TEST_F(CampaignLoopTest, ASandboxTheFileSystemKeepsIsReportedNotAFailedRun) {
  const fs::path stuck_flag = root_ / "stuck-made";
  fs::path stuck;
  CampaignOptions options;
  options.dir = (root_ / "dir").string();
  options.out = (root_ / "out").string();
  options.scenarios = 1;
  options.minimize = false;
  options.generator.rounds = 2;
  options.generator.mutations = false;
  options.scenario_finished = [&](uint64_t, const ScenarioTally&) {
    for (const fs::directory_entry& e : fs::directory_iterator(options.dir)) {
      if (e.path().filename().string().rfind("openrace-", 0) != 0) continue;
      stuck = e.path() / "stuck";
      std::ofstream(stuck) << "x";
      if (std::system(absl::StrCat("chattr +i '", stuck.string(),
                                   "' 2>/dev/null")
                          .c_str()) == 0) {
        std::ofstream(stuck_flag) << "x";
      }
    }
  };
  std::vector<std::string> logged;
  options.log = [&](const std::string& line) { logged.push_back(line); };
  absl::StatusOr<CampaignResult> result = RunCampaign(options);
  const bool made = fs::exists(stuck_flag);
  if (made) {
    (void)std::system(
        absl::StrCat("chattr -i '", stuck.string(), "' 2>/dev/null").c_str());
  }
  if (!made) GTEST_SKIP() << "chattr +i is not supported here";
  ASSERT_TRUE(result.ok()) << result.status();
  EXPECT_EQ(result->scenarios, 1u);
  EXPECT_NE(result->sandbox_left.find("stuck"), std::string::npos)
      << result->sandbox_left;
  ASSERT_FALSE(logged.empty());
  EXPECT_NE(logged.back().find("would not remove the sandbox"),
            std::string::npos)
      << logged.back();
}

}  // namespace
}  // namespace openrace
