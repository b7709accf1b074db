// supervisor_test.cc — the campaign supervisor with fake workers: /bin/sh
// scripts that play `openrace campaign-worker` (they write checkpoints,
// crash, hang, or exit 2), so each of the supervisor's rules is tested
// without running a campaign.
//
// Every script starts with a prelude that finds its shard's checkpoint
// (from --shard= and --out=), counts its starts in CONTROL/starts-K and
// keeps a copy of the checkpoint it was started from in CONTROL/seen-K-N.
// The checkpoints a script writes are made here with PrintCheckpoint and
// copied into place by the script.

#include "harness/campaign/supervisor.h"

#include <sys/stat.h>

#include <algorithm>
#include <fstream>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "harness/base/file_util.h"
#include "harness/base/platform.h"
#include "harness/scenario/scenario_text.h"
#include "harness/store/finding_store.h"
#include "harness/testing/test_util.h"

namespace openrace {
namespace {

using testing_util::ScratchDir;

constexpr char kPrelude[] = R"sh(
ctl=$1; shift
for a in "$@"; do
  case $a in
    --shard=*) shard=${a#--shard=} ;;
    --out=*) out=${a#--out=} ;;
  esac
done
ckpt=$out/.campaign/shard-$shard
n=$(cat "$ctl/starts-$shard" 2> /dev/null || echo 0)
n=$((n + 1))
echo $n > "$ctl/starts-$shard"
cp "$ckpt" "$ctl/seen-$shard-$n" 2> /dev/null || true
)sh";

class SupervisorTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_FALSE(scratch_.path().empty());
    dir_ = scratch_.path() + "/dir";
    out_ = scratch_.path() + "/out";
    control_ = scratch_.path() + "/control";
    ASSERT_TRUE(MakeDirectories(dir_).ok());
    ASSERT_TRUE(MakeDirectories(control_).ok());
    // Shard 0 of 1, inside scenario 2 after two finished; and done with
    // all four.
    ShardCheckpoint running = ShardCheckpoint::Fresh(0, 1);
    running.next = 2;
    running.running = true;
    running.scenarios = 2;
    running.beat = 3;
    ShardCheckpoint done = running;
    done.next = 4;
    done.running = false;
    done.scenarios = 3;
    done.beat = 9;
    ASSERT_TRUE(WriteFileAtomically(control_ + "/running",
                                    PrintCheckpoint(running)).ok());
    ASSERT_TRUE(WriteFileAtomically(control_ + "/done", PrintCheckpoint(done)).ok());
  }
  void TearDown() override { SetInterruptRequested(false); }

  // A fake worker that runs kPrelude, then `body`.
  SupervisorOptions Options(const std::string& body) {
    const std::string script = control_ + "/worker.sh";
    EXPECT_TRUE(
        WriteFileAtomically(script, absl::StrCat(kPrelude, body, "\n")).ok());
    SupervisorOptions options;
    options.campaign.dir = dir_;
    options.campaign.out = out_;
    options.campaign.seed = 7;
    options.campaign.scenarios = 4;
    options.campaign.watchdog = absl::Milliseconds(100);
    options.jobs = 1;
    options.worker_timeout = absl::Milliseconds(1500);
    options.worker_command = {"/bin/sh", script, control_};
    options.log = [this](const std::string& line) { log_.push_back(line); };
    return options;
  }

  bool Logged(absl::string_view text) const {
    return std::any_of(log_.begin(), log_.end(), [&](const std::string& line) {
      return absl::StrContains(line, text);
    });
  }

  // The checkpoint the worker's start number `n` was started from.
  ShardCheckpoint Seen(int n) {
    absl::StatusOr<std::string> text =
        ReadFile(absl::StrCat(control_, "/seen-0-", n));
    EXPECT_TRUE(text.ok()) << text.status();
    absl::StatusOr<ShardCheckpoint> parsed =
        ParseCheckpoint(text.ok() ? *text : "");
    EXPECT_TRUE(parsed.ok()) << parsed.status();
    return parsed.ok() ? *parsed : ShardCheckpoint{};
  }

  int Starts() {
    absl::StatusOr<std::string> text = ReadFile(control_ + "/starts-0");
    return text.ok() ? std::atoi(text->c_str()) : 0;
  }

  ScratchDir scratch_;
  std::string dir_, out_, control_;
  std::vector<std::string> log_;
};

TEST_F(SupervisorTest, AWorkerThatCrashesIsRestartedPastItsScenarioAndTheCrashRecorded) {
  absl::StatusOr<CampaignSummary> summary = Supervisor(Options(R"sh(
if [ "$n" -eq 1 ]; then cp "$ctl/running" "$ckpt"; kill -ABRT $$; fi
cp "$ctl/done" "$ckpt"
exit 0
)sh")).Run();
  ASSERT_TRUE(summary.ok()) << summary.status();
  EXPECT_TRUE(summary->finished);
  EXPECT_FALSE(summary->interrupted);
  ASSERT_EQ(summary->crashes.size(), 1u);
  EXPECT_EQ(summary->crashes[0].index, 2u);
  EXPECT_EQ(summary->crashes[0].what, "signal 6 (SIGABRT)");
  ASSERT_EQ(summary->workers.size(), 1u);
  EXPECT_EQ(summary->workers[0].restarts, 1u);
  EXPECT_TRUE(Logged("died in scenario 2 (signal 6 (SIGABRT))"));

  // Restarted from its checkpoint, moved past the scenario that killed it.
  EXPECT_EQ(Starts(), 2);
  const ShardCheckpoint restart = Seen(2);
  EXPECT_EQ(restart.next, 3u);
  EXPECT_FALSE(restart.running);
  EXPECT_EQ(restart.scenarios, 2u);

  // The record is the campaign's scenario 2, replayable as it stands.
  absl::StatusOr<std::string> record = ReadFile(out_ + "/crashes/2.scn");
  ASSERT_TRUE(record.ok()) << record.status();
  EXPECT_TRUE(absl::StartsWith(*record, "# crash: signal 6 (SIGABRT)\n")) << *record;
  absl::StatusOr<Scenario> scenario = ParseScenario(*record);
  ASSERT_TRUE(scenario.ok()) << scenario.status();
  EXPECT_EQ(PrintScenario(*scenario),
            PrintScenario(CampaignScenario(
                GeneratorFor(GeneratorOptions{}, DefaultBackendName()), 7, 2)));
  EXPECT_TRUE(ReadFile(out_ + "/summary.json").ok());
}

TEST_F(SupervisorTest, AWorkerWithoutAHeartbeatIsKilledAndRestarted) {
  absl::StatusOr<CampaignSummary> summary = Supervisor(Options(R"sh(
if [ "$n" -eq 1 ]; then cp "$ctl/running" "$ckpt"; exec sleep 600; fi
cp "$ctl/done" "$ckpt"
exit 0
)sh")).Run();
  ASSERT_TRUE(summary.ok()) << summary.status();
  ASSERT_EQ(summary->crashes.size(), 1u);
  EXPECT_EQ(summary->crashes[0].index, 2u);
  EXPECT_TRUE(absl::StartsWith(summary->crashes[0].what, "hang: no heartbeat for "))
      << summary->crashes[0].what;
  EXPECT_EQ(summary->workers[0].restarts, 1u);
  EXPECT_EQ(Starts(), 2);
  EXPECT_EQ(Seen(2).next, 3u);
}

TEST_F(SupervisorTest, AWorkerThatExits2StopsTheCampaignWithItsLine) {
  absl::StatusOr<CampaignSummary> summary = Supervisor(Options(R"sh(
echo "openrace: the file system under test is full (ENOSPC on open cwd:a)" >&2
exit 2
)sh")).Run();
  ASSERT_FALSE(summary.ok());
  EXPECT_EQ(summary.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(summary.status().message(),
            "worker 0 stopped: the file system under test is full (ENOSPC on "
            "open cwd:a)");
  EXPECT_EQ(Starts(), 1);  // not restarted
  EXPECT_FALSE(ReadFile(out_ + "/crashes/2.scn").ok());
}

TEST_F(SupervisorTest, AResumeWithAnotherSeedOrJobsIsRefused) {
  const std::string body = R"sh(cp "$ctl/done" "$ckpt"; exit 0)sh";
  ASSERT_TRUE(Supervisor(Options(body)).Run().ok());

  SupervisorOptions other_seed = Options(body);
  other_seed.campaign.seed = 8;
  absl::StatusOr<CampaignSummary> refused = Supervisor(other_seed).Run();
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_TRUE(absl::StrContains(refused.status().message(),
                                "holds a campaign with --seed 7 --jobs 1"))
      << refused.status();

  SupervisorOptions other_jobs = Options(body);
  other_jobs.jobs = 2;
  refused = Supervisor(other_jobs).Run();
  ASSERT_FALSE(refused.ok());
  EXPECT_TRUE(absl::StrContains(refused.status().message(),
                                "holds a campaign with --seed 7 --jobs 1"))
      << refused.status();
  EXPECT_EQ(Starts(), 1);  // neither started a worker

  // The same values resume; the shard is done, so no worker starts.
  absl::StatusOr<CampaignSummary> resumed = Supervisor(Options(body)).Run();
  ASSERT_TRUE(resumed.ok()) << resumed.status();
  EXPECT_EQ(resumed->totals.scenarios, 3u);
  EXPECT_EQ(Starts(), 1);
}

// A worker that dies while it holds a finding's claim (it was minimizing
// it) counts against the finding; the claims of a supervisor that was
// killed are released for a resume without counting.
TEST_F(SupervisorTest, OnlyAWorkerThatCrashesWhileMinimizingCountsAgainstTheFinding) {
  const std::string signature = "open-invalid_parameter-EINVAL-transient-cwd";
  const std::string finding = out_ + "/" + signature;
  ASSERT_TRUE(MakeDirectories(finding).ok());
  ASSERT_TRUE(WriteFileAtomically(finding + "/found.scn", "openrace-scenario 1\n").ok());
  ASSERT_TRUE(WriteFileAtomically(finding + "/occurrences", "1\n").ok());
  // Left by a worker of a supervisor that was killed.
  ASSERT_TRUE(WriteFileAtomically(finding + "/claim", "999999999\n").ok());

  absl::StatusOr<CampaignSummary> summary = Supervisor(Options(absl::StrCat(R"sh(
f=$out/)sh", signature, R"sh(
if [ "$n" -eq 1 ]; then
  [ -e "$f/claim" ] && exit 3    # the old claim must be gone
  echo $$ > "$f/claim"
  cp "$ctl/running" "$ckpt"
  kill -ABRT $$
fi
cp "$ctl/done" "$ckpt"
exit 0
)sh"))).Run();
  ASSERT_TRUE(summary.ok()) << summary.status();
  EXPECT_TRUE(Logged(absl::StrCat("resuming ", signature)));
  EXPECT_TRUE(Logged(absl::StrCat(signature, " was being minimized")));
  ASSERT_EQ(summary->crashes.size(), 1u);
  EXPECT_EQ(summary->crashes[0].what, "signal 6 (SIGABRT)");
  absl::StatusOr<FindingStore> store = FindingStore::Open(out_);
  ASSERT_TRUE(store.ok()) << store.status();
  EXPECT_EQ(store->MinimizerCrashes(*ParseSignature(signature)), 1u);
  EXPECT_FALSE(ReadFile(finding + "/claim").ok());
}

TEST_F(SupervisorTest, AnInterruptStopsTheWorkersAndSaysSo) {
  SupervisorOptions options = Options(R"sh(
cp "$ctl/running" "$ckpt"
trap 'exit 0' TERM
while :; do sleep 0.1; done
)sh");
  options.worker_timeout = absl::Seconds(600);
  options.progress = [](const CampaignSummary& summary, bool done) {
    if (!done && !summary.workers.empty() && summary.workers[0].pid != 0) {
      SetInterruptRequested(true);
    }
  };
  absl::StatusOr<CampaignSummary> summary = Supervisor(options).Run();
  ASSERT_TRUE(summary.ok()) << summary.status();
  EXPECT_TRUE(summary->interrupted);
  EXPECT_TRUE(summary->crashes.empty());
  EXPECT_EQ(Starts(), 1);
}

TEST_F(SupervisorTest, MissingOptionsAreRefusedBeforeAnythingStarts) {
  SupervisorOptions options = Options("exit 0");
  options.worker_command.clear();
  EXPECT_EQ(Supervisor(options).Run().status().code(),
            absl::StatusCode::kInvalidArgument);
  options = Options("exit 0");
  options.jobs = 0;
  EXPECT_EQ(Supervisor(options).Run().status().code(),
            absl::StatusCode::kInvalidArgument);
  options = Options("exit 0");
  options.worker_timeout = absl::Milliseconds(500);  // < 2 x 100ms + 1s
  EXPECT_EQ(Supervisor(options).Run().status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(Starts(), 0);
}

}  // namespace
}  // namespace openrace
