// oracle_benchmark.cc — what the exact oracle costs per round, beside what
// the round itself costs to run (issue: "it must not cost more than a fifth
// of a round on the seed pattern").
//
// Each case records real rounds first (the executor on a scratch directory:
// their traces and their wall time per round), then judges them:
//   typical  one Oracle per scenario judges its rounds in order, keeping the
//            orders that explained earlier rounds (what a campaign does);
//   worst    the slowest single round judged by a fresh Oracle (nothing
//            kept: every partition is searched).
// Counters: judge_us and worst_us per round, round_us (the round's own time,
// executor only), and share = judge_us / round_us.
//   oracle_benchmark --benchmark_filter=SeedPattern
// Cases: the seed pattern, and generated scenarios of exactly 2, 4 and 8
// threads (the default generator otherwise; 8 scenarios each).

#include <algorithm>
#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "benchmark/benchmark.h"
#include "harness/base/platform.h"
#include "harness/judge/oracle.h"
#include "harness/run/backend.h"
#include "harness/run/executor.h"
#include "harness/run/sandbox.h"
#include "harness/scenario/generator.h"
#include "harness/testing/test_util.h"

namespace openrace {
namespace {

constexpr uint64_t kRounds = 200;

struct Recorded {
  Scenario scenario;
  std::vector<RoundTrace> traces;
  double round_ns = 0;  // the executor's wall time per round
};

// Runs `scenario` for kRounds rounds and keeps every trace. Empty traces
// when the executor could not run it.
Recorded Record(const Scenario& scenario) {
  Recorded r;
  r.scenario = scenario;
  testing_util::ScratchDir parent;
  auto sandbox = Sandbox::Create(parent.path());
  auto backend = MakeBackend("posix");
  if (!sandbox.ok() || !backend.ok()) return r;
  Executor executor(**backend, ExecutorOptions{});
  const int64_t start = MonotonicNanos();
  const absl::Status status =
      executor.Run(scenario, **sandbox, kRounds, [&](const RoundTrace& trace) {
        r.traces.push_back(trace);
        return true;
      });
  if (!status.ok()) r.traces.clear();
  if (!r.traces.empty()) {
    r.round_ns = static_cast<double>(MonotonicNanos() - start) /
                 static_cast<double>(r.traces.size());
  }
  return r;
}

// Scenarios of exactly `threads` threads from the default generator.
std::vector<Scenario> WithThreads(int threads, int count) {
  GeneratorOptions options;
  options.max_threads = threads;
  std::mt19937_64 gen(static_cast<uint64_t>(threads));
  std::vector<Scenario> out;
  for (int draws = 0; static_cast<int>(out.size()) < count && draws < 10000;
       ++draws) {
    Scenario s = Generate(gen, options);
    if (static_cast<int>(s.threads.size()) == threads) out.push_back(s);
  }
  return out;
}

void JudgeRecorded(benchmark::State& state,
                   const std::vector<Scenario>& scenarios) {
  std::vector<Recorded> recorded;
  double round_ns = 0;
  uint64_t rounds = 0;
  for (const Scenario& s : scenarios) {
    recorded.push_back(Record(s));
    if (recorded.back().traces.empty()) {
      state.SkipWithError("a scenario did not run");
      return;
    }
    round_ns += recorded.back().round_ns * recorded.back().traces.size();
    rounds += recorded.back().traces.size();
  }
  // The worst case, once: each round by a fresh oracle.
  double worst_ns = 0;
  for (const Recorded& r : recorded) {
    for (const RoundTrace& trace : r.traces) {
      Oracle fresh(r.scenario, Semantics::kPosix);
      std::vector<Finding> findings;
      const int64_t start = MonotonicNanos();
      fresh.Judge(trace, &findings);
      worst_ns = std::max(worst_ns,
                          static_cast<double>(MonotonicNanos() - start));
    }
  }
  double judge_ns = 0;
  uint64_t judged = 0;
  for (auto _ : state) {
    const int64_t start = MonotonicNanos();
    for (const Recorded& r : recorded) {
      Oracle oracle(r.scenario, Semantics::kPosix);
      std::vector<Finding> findings;
      for (const RoundTrace& trace : r.traces) oracle.Judge(trace, &findings);
      benchmark::DoNotOptimize(findings.data());
    }
    const double elapsed = static_cast<double>(MonotonicNanos() - start);
    state.SetIterationTime(elapsed / 1e9);
    judge_ns += elapsed;
    judged += rounds;
  }
  state.SetItemsProcessed(static_cast<int64_t>(judged));
  const double judge_us = judge_ns / 1e3 / static_cast<double>(judged);
  const double round_us = round_ns / 1e3 / static_cast<double>(rounds);
  state.counters["judge_us"] = judge_us;
  state.counters["worst_us"] = worst_ns / 1e3;
  state.counters["round_us"] = round_us;
  state.counters["share"] = judge_us / round_us;
}

void BM_JudgeSeedPattern(benchmark::State& state) {
  JudgeRecorded(state, {testing_util::SeedPattern()});
}
BENCHMARK(BM_JudgeSeedPattern)->UseManualTime();

void BM_JudgeGenerated(benchmark::State& state) {
  const std::vector<Scenario> scenarios =
      WithThreads(static_cast<int>(state.range(0)), 8);
  if (scenarios.empty()) {
    state.SkipWithError("the generator drew no scenario of that many threads");
    return;
  }
  JudgeRecorded(state, scenarios);
}
BENCHMARK(BM_JudgeGenerated)->Arg(2)->Arg(4)->Arg(8)->UseManualTime();

}  // namespace
}  // namespace openrace

BENCHMARK_MAIN();
