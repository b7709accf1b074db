// executor_benchmark.cc — what the executor costs per call, against a plain
// openat+close loop on the same file (BM_PlainOpenatLoop), so a script can
// compute the ratio of items_per_second:
//   executor_benchmark --benchmark_filter='OpenCloseOneThread|PlainOpenat'
// and what its waiting buys, as counters read from the traces:
//   BM_SeedPatternTwoThreads  `overlap`: the fraction of rounds in which the
//                             reopen ran while the other thread held the file
//                             (after its open ended, before its close began);
//   BM_SeedPatternMinimal     the same with one reopen, as the minimizer
//                             leaves the seed bug: every call between two
//                             barriers, so what a round costs is its waits;
//   BM_ReleaseTwoThreads      `overlap`: the fraction of rounds in which two
//                             threads' first calls, released together, ran
//                             at the same time.

#include <fcntl.h>
#include <unistd.h>

#include <cstdint>
#include <memory>

#include "benchmark/benchmark.h"
#include "harness/run/backend.h"
#include "harness/run/executor.h"
#include "harness/testing/test_util.h"
#include "harness/run/sandbox.h"

namespace openrace {
namespace {

using testing_util::Cwd;
using testing_util::File;
using testing_util::Open;

constexpr int kOpsPerRound = 64;

// Runs `scenario` for as many rounds as the benchmark wants, in batches, and
// counts each call as an item; `overlaps`, when given, says whether a
// round's trace shows the overlap the scenario is for, and the fraction of
// rounds that do becomes the `overlap` counter.
void RunScenario(benchmark::State& state, const Scenario& scenario,
                 bool (*overlaps)(const RoundTrace&) = nullptr,
                 ExecutorOptions options = {}) {
  testing_util::ScratchDir parent;
  auto sandbox = Sandbox::Create(parent.path());
  auto backend = MakeBackend("posix");
  if (!sandbox.ok() || !backend.ok()) {
    state.SkipWithError("no sandbox or backend");
    return;
  }
  Executor executor(**backend, options);
  constexpr uint64_t kRoundsPerBatch = 200;
  uint64_t rounds = 0;
  uint64_t overlapped = 0;
  for (auto _ : state) {
    const absl::Status status = executor.Run(
        scenario, **sandbox, kRoundsPerBatch, [&](const RoundTrace& trace) {
          benchmark::DoNotOptimize(trace.records.data());
          if (overlaps != nullptr && overlaps(trace)) ++overlapped;
          return true;
        });
    if (!status.ok()) {
      state.SkipWithError(std::string(status.message()).c_str());
      return;
    }
    rounds += kRoundsPerBatch;
  }
  state.SetItemsProcessed(static_cast<int64_t>(rounds * CountCalls(scenario)));
  if (overlaps != nullptr && rounds > 0) {
    state.counters["overlap"] = static_cast<double>(overlapped) / rounds;
  }
}

void BM_OpenCloseOneThread(benchmark::State& state) {
  Scenario scenario;
  scenario.tree = {File("f")};
  scenario.threads.resize(1);
  for (int i = 0; i < kOpsPerRound; ++i) {
    scenario.threads[0].ops.push_back(Open(Cwd("f")));
  }
  RunScenario(state, scenario);
}
BENCHMARK(BM_OpenCloseOneThread)->UseRealTime();

// Whether, in a round of the seed pattern with `reopens` reopens (thread 1
// ops 1..reopens), every reopen ran while thread 0 held the file: after
// its open ended, before its close began.
bool ReopenedWhileHeld(const RoundTrace& trace, size_t reopens) {
  const OpRecord& hold = trace.records[0][0];
  const OpRecord& close = trace.records[0][3];
  const OpRecord& first = trace.records[1][1];
  const OpRecord& last = trace.records[1][reopens];
  return hold.ran && hold.outcome.ok() && close.ran && first.ran && last.ran &&
         hold.end_ns <= first.start_ns && last.end_ns <= close.start_ns;
}

void BM_SeedPatternTwoThreads(benchmark::State& state) {
  Scenario scenario = testing_util::SeedPattern();
  // Many opens of the held file between the barriers.
  std::vector<Op>& opener = scenario.threads[1].ops;
  opener.insert(opener.begin() + 1, kOpsPerRound - 1, Open(Cwd("src/a/foo.h")));
  RunScenario(state, scenario, [](const RoundTrace& trace) {
    return ReopenedWhileHeld(trace, kOpsPerRound);
  });
}
BENCHMARK(BM_SeedPatternTwoThreads)->UseRealTime();

void BM_SeedPatternMinimal(benchmark::State& state) {
  RunScenario(state, testing_util::SeedPattern(), [](const RoundTrace& trace) {
    return ReopenedWhileHeld(trace, 1);
  });
}
BENCHMARK(BM_SeedPatternMinimal)->UseRealTime();

// Two threads stat one file at the release, nothing else: how often the
// release lets their calls meet.
void BM_ReleaseTwoThreads(benchmark::State& state) {
  Scenario scenario;
  scenario.tree = {File("f")};
  for (int t = 0; t < 2; ++t) {
    scenario.threads.push_back(ThreadProgram{{testing_util::PathOp(
        OpKind::kStat, Cwd("f"))}});
  }
  RunScenario(state, scenario, [](const RoundTrace& trace) {
    const OpRecord& a = trace.records[0][0];
    const OpRecord& b = trace.records[1][0];
    return a.ran && b.ran && a.start_ns < b.end_ns && b.start_ns < a.end_ns;
  });
}
BENCHMARK(BM_ReleaseTwoThreads)->UseRealTime();

// A round that changes the tree (a create racing an unlink of one fresh
// name, undone by one unlink), with its end state read back every
// Arg-th round (0: never): what the read-back costs
// (ExecutorOptions::read_back_every).
void BM_ReadBack(benchmark::State& state) {
  Scenario scenario;
  scenario.tree = {testing_util::Dir("d"), File("d/f")};
  scenario.threads.push_back(
      ThreadProgram{{Open(Cwd("d/x"), "", Disposition::kOpenIf)}});
  scenario.threads.push_back(
      ThreadProgram{{testing_util::PathOp(OpKind::kDelete, Cwd("d/x"))}});
  ExecutorOptions options;
  options.read_back_every = static_cast<uint32_t>(state.range(0));
  RunScenario(state, scenario, nullptr, options);
}
BENCHMARK(BM_ReadBack)->Arg(0)->Arg(8)->Arg(1)->UseRealTime();

void BM_PlainOpenatLoop(benchmark::State& state) {
  testing_util::ScratchDir parent;
  auto sandbox = Sandbox::Create(parent.path());
  if (!sandbox.ok() || !(*sandbox)->Build({File("f")}).ok()) {
    state.SkipWithError("no sandbox");
    return;
  }
  for (auto _ : state) {
    const int fd = openat(AT_FDCWD, "f", O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
      state.SkipWithError("openat failed");
      return;
    }
    close(fd);
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_PlainOpenatLoop)->UseRealTime();

}  // namespace
}  // namespace openrace

BENCHMARK_MAIN();
