// Tests of executor.cc on the real posix backend in a sandbox, plus one
// fake backend whose call ignores interrupts.

#include "harness/run/executor.h"

#include <errno.h>
#include <sys/stat.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <filesystem>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/match.h"
#include "gtest/gtest.h"
#include "harness/run/backend.h"
#include "harness/testing/test_util.h"
#include "harness/base/platform.h"
#include "harness/run/sandbox.h"
#include "harness/run/tree_restore.h"

namespace openrace {
namespace {

using testing_util::Barrier;
using testing_util::Close;
using testing_util::Cwd;
using testing_util::Dir;
using testing_util::File;
using testing_util::On;
using testing_util::Open;
using testing_util::OpenDir;
using testing_util::PathOp;
using testing_util::Rename;
using testing_util::ScratchDir;
using testing_util::WithSpin;

class ExecutorTest : public ::testing::Test {
 protected:
  void SetUp() override {
    absl::StatusOr<std::unique_ptr<Backend>> backend = MakeBackend("posix");
    ASSERT_TRUE(backend.ok()) << backend.status();
    backend_ = *std::move(backend);
    absl::StatusOr<std::unique_ptr<Sandbox>> sandbox = Sandbox::Create(parent_.path());
    ASSERT_TRUE(sandbox.ok()) << sandbox.status();
    sandbox_ = *std::move(sandbox);
  }

  // Runs `scenario` and keeps every round's trace.
  absl::Status RunAll(const Scenario& scenario, uint64_t rounds,
                      ExecutorOptions options = ExecutorOptions{}) {
    traces_.clear();
    Executor executor(*backend_, options);
    return executor.Run(scenario, *sandbox_, rounds, [&](const RoundTrace& trace) {
      traces_.push_back(trace);
      return true;
    });
  }

  ScratchDir parent_;
  std::unique_ptr<Backend> backend_;
  std::unique_ptr<Sandbox> sandbox_;
  std::vector<RoundTrace> traces_;
};

TEST_F(ExecutorTest, TheEndStateIsReadBackOnTheRoundsAsked) {
  // The rename moves a tree entry (a rebuild between rounds); the create
  // adds a fresh one. Every 4th round's end state is read, before the
  // tree is put back.
  Scenario scenario;
  scenario.tree = {Dir("a"), File("a/f"), Dir("b")};
  scenario.threads.push_back(ThreadProgram{{Rename(Cwd("a/f"), Cwd("a/g"))}});
  scenario.threads.push_back(
      ThreadProgram{{Open(Cwd("b/n"), "", Disposition::kCreate)}});
  ExecutorOptions options;
  options.read_back_every = 4;
  ASSERT_TRUE(RunAll(scenario, 10, options).ok());
  ASSERT_EQ(traces_.size(), 10u);
  const std::vector<TreeEntry> want = {Dir("a"), File("a/g"), Dir("b"),
                                       File("b/n")};
  for (const RoundTrace& trace : traces_) {
    EXPECT_EQ(trace.end_read, trace.round % 4 == 0) << "round " << trace.round;
    if (trace.end_read) {
      EXPECT_EQ(trace.end_tree, want) << "round " << trace.round;
    }
  }
  options.read_back_every = 0;
  ASSERT_TRUE(RunAll(scenario, 4, options).ok());
  for (const RoundTrace& trace : traces_) EXPECT_FALSE(trace.end_read);
}

TEST_F(ExecutorTest, ABarrierReleasesAllThreadsTogether) {
  Scenario scenario;
  scenario.tree = {File("f")};
  // Each thread arrives at the barrier later than the one before.
  for (uint32_t t = 0; t < 4; ++t) {
    scenario.threads.push_back(ThreadProgram{
        {WithSpin(PathOp(OpKind::kStat, Cwd("f")), t * 2'000'000), Barrier(1),
         PathOp(OpKind::kStat, Cwd("f"))}});
  }
  ASSERT_TRUE(RunAll(scenario, 20).ok());
  ASSERT_EQ(traces_.size(), 20u);
  for (const RoundTrace& trace : traces_) {
    int64_t last_arrival = 0;
    int64_t first_release = INT64_MAX;
    for (const std::vector<OpRecord>& records : trace.records) {
      ASSERT_TRUE(records[0].ran && records[2].ran);
      EXPECT_FALSE(records[1].ran);
      last_arrival = std::max(last_arrival, records[0].end_ns);
      first_release = std::min(first_release, records[2].start_ns);
    }
    EXPECT_GE(first_release, last_arrival) << "round " << trace.round;
    EXPECT_GE(last_arrival, 6'000'000) << "the spin offsets did not apply";
  }
}

// When the threads outnumber the CPUs, waiters yield to the threads on
// their CPU (all of them on one CPU; on two, the workers keep to one CPU
// each) or sleep; the barriers must order the calls all the same, in every
// round of a run longer than the ring of traces.
TEST_F(ExecutorTest, BarriersHoldWhenTheThreadsOutnumberTheCpus) {
  Scenario scenario;
  scenario.tree = {File("f")};
  for (uint32_t t = 0; t < 5; ++t) {
    scenario.threads.push_back(ThreadProgram{
        {PathOp(OpKind::kStat, Cwd("f")), Barrier(1),
         PathOp(OpKind::kStat, Cwd("f")), Barrier(2),
         PathOp(OpKind::kStat, Cwd("f"))}});
  }
  for (const int cpus : {1, 2}) {
    ExecutorOptions options;
    options.cpus = cpus;
    options.batch = 8;
    ASSERT_TRUE(RunAll(scenario, 100, options).ok()) << cpus << " CPUs";
    ASSERT_EQ(traces_.size(), 100u);
    for (uint64_t r = 0; r < traces_.size(); ++r) {
      const RoundTrace& trace = traces_[r];
      EXPECT_EQ(trace.round, r);
      for (const size_t before : {0u, 2u}) {
        int64_t last_arrival = 0;
        int64_t first_release = INT64_MAX;
        for (const std::vector<OpRecord>& records : trace.records) {
          ASSERT_TRUE(records[before].ran && records[before + 2].ran);
          last_arrival = std::max(last_arrival, records[before].end_ns);
          first_release = std::min(first_release, records[before + 2].start_ns);
        }
        EXPECT_GE(first_release, last_arrival) << cpus << " CPUs, round " << r;
      }
    }
  }
}

// A waiter that yields (on one CPU, or pinned on two) sleeps once the
// threads it waits for take longer than its patience: here one thread's
// calls outlast it by far, and every round must still meet at the barrier
// and end.
TEST_F(ExecutorTest, AYieldingWaiterSleepsWhenTheOthersTakeLong) {
  Scenario scenario;
  scenario.tree = {File("f")};
  ThreadProgram slow;
  for (int i = 0; i < 400; ++i) slow.ops.push_back(PathOp(OpKind::kStat, Cwd("f")));
  slow.ops.push_back(Barrier(1));
  slow.ops.push_back(PathOp(OpKind::kStat, Cwd("f")));
  scenario.threads.push_back(slow);
  for (int t = 0; t < 2; ++t) {
    scenario.threads.push_back(
        ThreadProgram{{Barrier(1), PathOp(OpKind::kStat, Cwd("f"))}});
  }
  for (const int cpus : {1, 2}) {
    ExecutorOptions options;
    options.cpus = cpus;
    ASSERT_TRUE(RunAll(scenario, 30, options).ok()) << cpus << " CPUs";
    ASSERT_EQ(traces_.size(), 30u);
    for (const RoundTrace& trace : traces_) {
      const int64_t arrival = trace.records[0][399].end_ns;
      for (size_t t = 1; t < 3; ++t) {
        ASSERT_TRUE(trace.records[t][1].ran);
        EXPECT_GE(trace.records[t][1].start_ns, arrival)
            << cpus << " CPUs, round " << trace.round;
      }
    }
  }
}

// One round in kCpuSampleEvery reads the thread CPU clock around every
// call: the CPU a thread spent in its calls is there, and it is no more
// than the time its calls took; the other rounds carry none.
TEST_F(ExecutorTest, OneRoundInSixtyFourMeasuresTheCpuInsideTheCalls) {
  if (ThreadCpuNanos() < 0) GTEST_SKIP() << "no thread CPU clock here";
  Scenario scenario;
  scenario.tree = {File("f")};
  for (int t = 0; t < 2; ++t) {
    ThreadProgram program;
    for (int i = 0; i < 20; ++i) {
      program.ops.push_back(Open(Cwd("f"), "", Disposition::kOpen));
    }
    scenario.threads.push_back(program);
  }
  ASSERT_TRUE(RunAll(scenario, 2 * kCpuSampleEvery + 2).ok());
  int sampled = 0;
  for (const RoundTrace& trace : traces_) {
    EXPECT_EQ(trace.cpu_sampled, trace.round % kCpuSampleEvery == 1)
        << "round " << trace.round;
    ASSERT_EQ(trace.call_cpu_ns.size(), 2u);
    for (size_t t = 0; t < 2; ++t) {
      const std::vector<OpRecord>& records = trace.records[t];
      if (!trace.cpu_sampled) {
        EXPECT_EQ(trace.call_cpu_ns[t], 0) << "round " << trace.round;
        continue;
      }
      // 20 opens and closes take some CPU, and no more than their span
      // (a millisecond of slack: the close at once follows each record).
      EXPECT_GT(trace.call_cpu_ns[t], 0) << "round " << trace.round;
      EXPECT_LE(trace.call_cpu_ns[t],
                records.back().end_ns - records.front().start_ns + 1'000'000);
    }
    sampled += trace.cpu_sampled;
  }
  EXPECT_EQ(sampled, 3);
}

// The workers run ahead of the observer; a lockstep run (batch 1) lets the
// observer change the sandbox before the next round starts.
TEST_F(ExecutorTest, ALockstepRunSeesWhatTheObserverDidBetweenRounds) {
  Scenario scenario;
  scenario.threads = {ThreadProgram{{PathOp(OpKind::kStat, Cwd("made"))}}};
  ExecutorOptions options;
  options.batch = 1;
  Executor executor(*backend_, options);
  std::vector<StatusClass> seen;
  ASSERT_TRUE(executor
                  .Run(scenario, *sandbox_, 3,
                       [&](const RoundTrace& trace) {
                         seen.push_back(trace.records[0][0].outcome.status);
                         if (trace.round == 0) {
                           EXPECT_EQ(mkdir((sandbox_->root() + "/made").c_str(), 0700), 0);
                         }
                         return true;
                       })
                  .ok());
  EXPECT_EQ(seen, (std::vector<StatusClass>{StatusClass::kNotFound, StatusClass::kOk,
                                            StatusClass::kOk}));
}

TEST_F(ExecutorTest, AHeldHandleIsLiveWhileAnotherThreadRuns) {
  ASSERT_TRUE(RunAll(testing_util::SeedPattern(), 50).ok());
  ASSERT_EQ(traces_.size(), 50u);
  for (const RoundTrace& trace : traces_) {
    const OpRecord& hold = trace.records[0][0];
    const OpRecord& close = trace.records[0][3];
    const OpRecord& open = trace.records[1][1];
    ASSERT_TRUE(hold.ran && close.ran && open.ran);
    EXPECT_TRUE(hold.outcome.ok() && open.outcome.ok() && close.outcome.ok());
    EXPECT_LE(hold.end_ns, open.start_ns);
    EXPECT_LE(open.end_ns, close.start_ns);
  }
}

TEST_F(ExecutorTest, RunsTheRequestedRoundsInOrder) {
  ASSERT_TRUE(RunAll(testing_util::SeedPattern(), 7).ok());
  ASSERT_EQ(traces_.size(), 7u);
  for (uint64_t i = 0; i < traces_.size(); ++i) {
    EXPECT_EQ(traces_[i].round, i);
    EXPECT_FALSE(traces_[i].hang);
  }
}

TEST_F(ExecutorTest, StopsWhenTheObserverSaysSo) {
  Executor executor(*backend_, ExecutorOptions{});
  int calls = 0;
  ASSERT_TRUE(executor
                  .Run(testing_util::SeedPattern(), *sandbox_, 1000,
                       [&](const RoundTrace&) { return ++calls < 4; })
                  .ok());
  EXPECT_EQ(calls, 4);
}

TEST_F(ExecutorTest, RecordsTheRetryOfAFailingCall) {
  Scenario scenario;
  scenario.tree = {File("f")};
  scenario.threads = {ThreadProgram{{Open(Cwd("missing")), Open(Cwd("f"))}}};
  ASSERT_TRUE(RunAll(scenario, 2).ok());
  for (const RoundTrace& trace : traces_) {
    const OpRecord& failed = trace.records[0][0];
    EXPECT_EQ(failed.outcome.status, StatusClass::kNotFound);
    EXPECT_EQ(failed.outcome.native, ENOENT);
    ASSERT_TRUE(failed.retry.has_value());
    EXPECT_EQ(failed.retry->status, StatusClass::kNotFound);
    EXPECT_TRUE(trace.records[0][1].outcome.ok());
    EXPECT_FALSE(trace.records[0][1].retry.has_value());
  }

  ExecutorOptions no_retry;
  no_retry.retry_failures = false;
  ASSERT_TRUE(RunAll(scenario, 1, no_retry).ok());
  EXPECT_FALSE(traces_[0].records[0][0].retry.has_value());
}

TEST_F(ExecutorTest, SharedAndThreadHandlesAnchorPaths) {
  Scenario scenario;
  scenario.tree = {Dir("src"), Dir("src/a"), File("src/a/foo.h")};
  scenario.shared = {SharedHandle{"d0", Cwd("src"), OpenFlags{}},
                     SharedHandle{"d1", On("d0", "a"), OpenFlags{}}};
  scenario.shared[0].flags.options = options::kDirectoryFile;
  scenario.threads = {
      ThreadProgram{{Open(On("d0", "a/foo.h")), Open(On("d1", "foo.h"))}},
      ThreadProgram{{OpenDir(Cwd("src/a"), "h0"), Open(On("h0", "foo.h")),
                     Open(On("h0", "nope")), Close("h0")}},
  };
  ASSERT_TRUE(RunAll(scenario, 3).ok());
  for (const RoundTrace& trace : traces_) {
    EXPECT_TRUE(trace.records[0][0].outcome.ok());
    EXPECT_TRUE(trace.records[0][1].outcome.ok());
    EXPECT_TRUE(trace.records[1][1].outcome.ok());
    EXPECT_EQ(trace.records[1][2].outcome.status, StatusClass::kNotFound);
  }
}

TEST_F(ExecutorTest, AnOpAnchoredOnAHandleThatFailedToOpenDoesNotRun) {
  Scenario scenario;
  scenario.threads = {ThreadProgram{
      {OpenDir(Cwd("missing"), "h0"), Open(On("h0", "f")), Close("h0")}}};
  ASSERT_TRUE(RunAll(scenario, 1).ok());
  EXPECT_TRUE(traces_[0].records[0][0].ran);
  EXPECT_FALSE(traces_[0].records[0][1].ran);
  EXPECT_FALSE(traces_[0].records[0][2].ran);
}

TEST_F(ExecutorTest, MutatingScenariosStartEachRoundFromTheTree) {
  Scenario scenario;
  scenario.tree = {Dir("src"), File("src/old")};
  scenario.shared = {SharedHandle{"d0", Cwd("src"), OpenFlags{}}};
  scenario.threads = {
      ThreadProgram{{Open(Cwd("src/new"), "", Disposition::kCreate),
                     PathOp(OpKind::kDelete, Cwd("src/old"))}},
      // Through the shared handle, which must follow the rebuilt tree.
      ThreadProgram{{Open(On("d0", "other"), "", Disposition::kCreate)}},
  };
  ASSERT_TRUE(RunAll(scenario, 5).ok());
  ASSERT_EQ(traces_.size(), 5u);
  for (const RoundTrace& trace : traces_) {
    EXPECT_TRUE(trace.records[0][0].outcome.ok()) << "round " << trace.round;
    EXPECT_TRUE(trace.records[0][1].outcome.ok()) << "round " << trace.round;
    EXPECT_TRUE(trace.records[1][0].outcome.ok()) << "round " << trace.round;
  }
}

// Creates, mkdirs and renames of fresh names are undone by removing them
// (tree_restore.h), not by a rebuild: each round must still find them gone.
TEST_F(ExecutorTest, FreshEntriesAreGoneAtTheStartOfEachRound) {
  Scenario scenario;
  scenario.tree = {Dir("src"), File("src/old")};
  scenario.shared = {SharedHandle{"d0", Cwd("src"), OpenFlags{}}};
  scenario.threads = {
      ThreadProgram{{Open(Cwd("src/new"), "", Disposition::kCreate),
                     PathOp(OpKind::kMkdir, Cwd("d")),
                     testing_util::Rename(Cwd("d"), Cwd("e"))}},
      ThreadProgram{{PathOp(OpKind::kMkdir, On("d0", "sub"))}},
  };
  ASSERT_EQ(PlanRestore(scenario).kind, RestorePlan::kRemoveFresh);
  ASSERT_TRUE(RunAll(scenario, 10).ok());
  ASSERT_EQ(traces_.size(), 10u);
  for (const RoundTrace& trace : traces_) {
    for (const std::vector<OpRecord>& thread : trace.records) {
      for (const OpRecord& record : thread) {
        EXPECT_TRUE(record.outcome.ok()) << "round " << trace.round;
      }
    }
  }
}

TEST_F(ExecutorTest, RefusesAPathTheBackendCannotExpress) {
  Scenario scenario;
  scenario.threads = {
      ThreadProgram{{Open(testing_util::MakePath(Anchor::kNtObject, "f"))}}};
  EXPECT_EQ(RunAll(scenario, 1).code(), absl::StatusCode::kInvalidArgument);
  EXPECT_TRUE(traces_.empty());
}

size_t OpenDescriptors() {
  return std::distance(std::filesystem::directory_iterator("/proc/self/fd"),
                       std::filesystem::directory_iterator());
}

TEST_F(ExecutorTest, ClosesEveryDescriptor) {
  Scenario scenario = testing_util::SeedPattern();
  scenario.shared = {SharedHandle{"d0", Cwd("src"), OpenFlags{}}};
  // Held and never closed: the end of the round closes it.
  scenario.threads[1].ops.push_back(Open(On("d0", "a/foo.h"), "h1"));
  scenario.threads[1].ops.push_back(OpenDir(Cwd("src"), "h2"));
  const size_t before = OpenDescriptors();
  ASSERT_TRUE(RunAll(scenario, 20).ok());
  EXPECT_EQ(OpenDescriptors(), before);

  // Also when the run stops early and when it fails.
  Executor executor(*backend_, ExecutorOptions{});
  ASSERT_TRUE(executor
                  .Run(scenario, *sandbox_, 20, [](const RoundTrace&) { return false; })
                  .ok());
  EXPECT_EQ(OpenDescriptors(), before);
  scenario.shared.push_back(SharedHandle{"d1", Cwd("missing"), OpenFlags{}});
  EXPECT_FALSE(RunAll(scenario, 20).ok());
  EXPECT_EQ(OpenDescriptors(), before);
}

TEST_F(ExecutorTest, TheWatchdogMarksABlockedOpenAsAHang) {
  // Round 0 finds no FIFO; the observer then makes one, and round 1's open
  // of it for reading blocks, since no writer ever comes.
  Scenario scenario;
  scenario.tree = {File("f")};
  scenario.threads = {ThreadProgram{{Open(Cwd("fifo")), Open(Cwd("f"))}},
                      ThreadProgram{{PathOp(OpKind::kStat, Cwd("f"))}}};
  ExecutorOptions options;
  options.watchdog = absl::Milliseconds(300);
  options.retry_failures = false;
  options.batch = 1;  // the observer changes the sandbox between rounds
  Executor executor(*backend_, options);
  std::vector<RoundTrace> traces;
  const auto started = std::chrono::steady_clock::now();
  const absl::Status status = executor.Run(scenario, *sandbox_, 2, [&](const RoundTrace& trace) {
    traces.push_back(trace);
    if (trace.round == 0) {
      EXPECT_EQ(mkfifo((sandbox_->root() + "/fifo").c_str(), 0600), 0);
    }
    return true;
  });
  ASSERT_TRUE(status.ok()) << status;
  EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::seconds(5));
  ASSERT_EQ(traces.size(), 2u);
  EXPECT_FALSE(traces[0].hang);
  EXPECT_EQ(traces[0].records[0][0].outcome.status, StatusClass::kNotFound);
  EXPECT_TRUE(traces[1].hang);
  const OpRecord& blocked = traces[1].records[0][0];
  EXPECT_EQ(blocked.outcome.status, StatusClass::kHang);
  EXPECT_EQ(blocked.outcome.native, EINTR);
  EXPECT_GE(blocked.end_ns - blocked.start_ns, 300'000'000);
  EXPECT_TRUE(traces[1].records[0][1].outcome.ok()) << "the thread went on";
}

// A backend whose every call blocks, deaf to interrupts, until released.
std::atomic<bool> g_release_deaf_call{false};
std::atomic<bool> g_deaf_call_returned{false};

class DeafCall final : public PreparedCall {
 public:
  Outcome Call(NativeHandle, NativeHandle, NativeHandle*) const override {
    while (!g_release_deaf_call.load()) {
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    g_deaf_call_returned.store(true);
    return Outcome{};
  }
  std::string Describe() const override { return "deaf()"; }
};

class DeafBackend final : public Backend {
 public:
  absl::string_view name() const override { return "deaf"; }
  absl::StatusOr<std::unique_ptr<PreparedCall>> Prepare(
      const Op&, absl::string_view) const override {
    return std::make_unique<DeafCall>();
  }
  void Close(NativeHandle) const override {}
};

TEST(ExecutorHangTest, ACallThatIgnoresInterruptsIsAbandoned) {
  ScratchDir parent;
  auto sandbox = Sandbox::Create(parent.path());
  ASSERT_TRUE(sandbox.ok()) << sandbox.status();
  Scenario scenario;
  scenario.threads = {ThreadProgram{{PathOp(OpKind::kStat, Cwd("x"))}},
                      ThreadProgram{{Barrier(1)}}, ThreadProgram{{Barrier(1)}}};
  ExecutorOptions options;
  options.watchdog = absl::Milliseconds(100);
  const DeafBackend backend;
  Executor executor(backend, options);
  int observed = 0;
  const absl::Status status = executor.Run(scenario, **sandbox, 3, [&](const RoundTrace&) {
    ++observed;
    return true;
  });
  EXPECT_EQ(status.code(), absl::StatusCode::kDeadlineExceeded) << status;
  EXPECT_EQ(observed, 0);
  EXPECT_FALSE(g_deaf_call_returned.load());
  // The abandoned thread, released, must leave without touching the
  // executor's (now gone) caller-owned objects.
  g_release_deaf_call.store(true);
  while (!g_deaf_call_returned.load()) {
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
}

// A backend whose calls succeed until the disk "fills": from the third
// call on they answer ENOSPC.
class FillingCall final : public PreparedCall {
 public:
  explicit FillingCall(std::atomic<int>* calls) : calls_(calls) {}
  Outcome Call(NativeHandle, NativeHandle, NativeHandle*) const override {
    if (calls_->fetch_add(1) < 2) return Outcome{};
    return Outcome{StatusClass::kOther, ENOSPC, NativeKind::kErrno};
  }
  std::string Describe() const override { return "filling()"; }

 private:
  std::atomic<int>* calls_;
};

class FillingBackend final : public Backend {
 public:
  absl::string_view name() const override { return "filling"; }
  absl::StatusOr<std::unique_ptr<PreparedCall>> Prepare(
      const Op&, absl::string_view) const override {
    return std::make_unique<FillingCall>(&calls_);
  }
  void Close(NativeHandle) const override {}

 private:
  mutable std::atomic<int> calls_{0};
};

TEST(ExecutorEnvironmentTest, AFullDiskStopsTheRunBeforeTheRoundIsObserved) {
  ScratchDir parent;
  auto sandbox = Sandbox::Create(parent.path());
  ASSERT_TRUE(sandbox.ok()) << sandbox.status();
  Scenario scenario;
  scenario.threads = {ThreadProgram{{Open(Cwd("a"), "", Disposition::kCreate)}}};
  const FillingBackend backend;
  Executor executor(backend, ExecutorOptions{});
  int observed = 0;
  const absl::Status status = executor.Run(scenario, **sandbox, 10, [&](const RoundTrace&) {
    ++observed;
    return true;
  });
  // Rounds 1 and 2 succeeded; round 3 answered ENOSPC and was not handed
  // on (the oracle would have judged it).
  EXPECT_EQ(observed, 2);
  EXPECT_TRUE(IsEnvironmentError(status)) << status;
  EXPECT_TRUE(absl::StartsWith(status.message(),
                               "the file system under test is full (ENOSPC on open cwd:a"))
      << status;
}

}  // namespace
}  // namespace openrace
