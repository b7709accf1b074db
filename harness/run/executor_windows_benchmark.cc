// executor_windows_benchmark.cc — what the executor costs per call on
// Windows (and under Wine), for ci/bench_windows.sh: the same one-thread
// round as executor_benchmark.cc's BM_OpenCloseOneThread (64 opens of one
// relative file, each closed at once), timed in repetitions, median printed.
// A plain timing loop, not Google Benchmark, which the mingw build lacks.
//
//   executor_windows_benchmark DIR [BACKEND [SECONDS [REPETITIONS]]]
//       (default nt, 2 seconds, 5 repetitions)
// Prints one line per repetition and then
//   median <calls per second> calls/s
// Exit 2 with one line when DIR or BACKEND is unusable.

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "harness/run/backend.h"
#include "harness/run/executor.h"
#include "harness/base/platform.h"
#include "harness/run/sandbox.h"
#include "harness/scenario/scenario.h"
#include "harness/scenario/scenario_text.h"

namespace openrace {
namespace {

constexpr int kOpsPerRound = 64;
constexpr uint64_t kRoundsPerBatch = 200;

std::string OneThreadScenarioText() {
  std::string text = "openrace-scenario 1\nfile f\nthread\n";
  for (int i = 0; i < kOpsPerRound; ++i) absl::StrAppend(&text, "  open cwd:f\n");
  return text;
}

int Fail(const std::string& why) {
  std::fprintf(stderr, "executor_windows_benchmark: %s\n", why.c_str());
  return 2;
}

int Main(int argc, char** argv) {
  if (argc < 2 || argc > 5) {
    return Fail("usage: executor_windows_benchmark DIR [BACKEND [SECONDS [REPETITIONS]]]");
  }
  const std::string dir = argv[1];
  const std::string backend_name = argc > 2 ? argv[2] : "nt";
  const double seconds = argc > 3 ? std::atof(argv[3]) : 2.0;
  const int repetitions = argc > 4 ? std::atoi(argv[4]) : 5;
  if (seconds <= 0 || repetitions <= 0) {
    return Fail("SECONDS and REPETITIONS must be positive");
  }
  absl::StatusOr<Scenario> scenario = ParseScenario(OneThreadScenarioText());
  if (!scenario.ok()) return Fail(std::string(scenario.status().message()));
  absl::StatusOr<std::unique_ptr<Backend>> backend = MakeBackend(backend_name);
  if (!backend.ok()) return Fail(std::string(backend.status().message()));
  absl::StatusOr<std::unique_ptr<Sandbox>> sandbox = Sandbox::Create(dir);
  if (!sandbox.ok()) return Fail(std::string(sandbox.status().message()));

  Executor executor(**backend, ExecutorOptions{});
  const uint64_t calls_per_batch = kRoundsPerBatch * CountCalls(*scenario);
  std::vector<double> rates;
  for (int r = 0; r < repetitions; ++r) {
    uint64_t calls = 0;
    const int64_t start = MonotonicNanos();
    int64_t elapsed = 0;
    do {
      uint64_t failed = 0;
      const absl::Status status = executor.Run(
          *scenario, **sandbox, kRoundsPerBatch, [&](const RoundTrace& trace) {
            for (const auto& thread : trace.records) {
              for (const OpRecord& op : thread) {
                if (op.ran && !op.outcome.ok()) ++failed;
              }
            }
            return true;
          });
      if (!status.ok()) return Fail(std::string(status.message()));
      // A failing open is cheaper than a real one: the rate would lie.
      if (failed != 0) {
        return Fail(absl::StrCat(failed, " calls failed; not a clean benchmark"));
      }
      calls += calls_per_batch;
      elapsed = MonotonicNanos() - start;
    } while (elapsed < static_cast<int64_t>(seconds * 1e9));
    const double rate = calls / (elapsed / 1e9);
    std::printf("repetition %d: %llu calls in %.2fs, %.0f calls/s\n", r + 1,
                static_cast<unsigned long long>(calls), elapsed / 1e9, rate);
    rates.push_back(rate);
  }
  std::sort(rates.begin(), rates.end());
  // The lower median for an even count.
  std::printf("median %.0f calls/s\n", rates[(rates.size() - 1) / 2]);
  return 0;
}

}  // namespace
}  // namespace openrace

int main(int argc, char** argv) { return openrace::Main(argc, argv); }
