// trial.cc — see trial.h.

#include "harness/judge/trial.h"

#include <atomic>

namespace openrace {
namespace {

std::atomic<uint64_t> rounds_run_in_process{0};

}  // namespace

uint64_t RoundsRunInThisProcess() {
  return rounds_run_in_process.load(std::memory_order_relaxed);
}

absl::StatusOr<TrialResult> Prober::RunMatching(const Scenario& scenario,
                                                FindingMatch match,
                                                uint64_t max_rounds,
                                                uint64_t stop_after) {
  return absl::UnimplementedError(
      "this prober counts exact signatures only (Prober::RunMatching)");
}

absl::StatusOr<TrialResult> RealProber::Run(
    const Scenario& scenario, const absl::optional<Signature>& want,
    uint64_t max_rounds, uint64_t stop_after) {
  return RunMatching(
      scenario,
      [&](const Finding& f) { return !want || f.signature == *want; },
      max_rounds, stop_after);
}

absl::StatusOr<TrialResult> RealProber::RunMatching(const Scenario& scenario,
                                                    FindingMatch match,
                                                    uint64_t max_rounds,
                                                    uint64_t stop_after) {
  TrialResult result;
  Oracle oracle(scenario, semantics_);
  Executor executor(backend_, options_);
  const uint64_t calls_per_round = CountCalls(scenario);
  std::vector<Finding> findings;
  absl::Status status = executor.Run(
      scenario, sandbox_, max_rounds, [&](const RoundTrace& trace) {
        ++result.rounds;
        rounds_run_in_process.fetch_add(1, std::memory_order_relaxed);
        result.calls += calls_per_round;
        for (const std::vector<OpRecord>& thread : trace.records) {
          for (const OpRecord& record : thread) {
            if (record.ran) result.outcomes.Add(record.outcome);
          }
        }
        findings.clear();
        oracle.Judge(trace, &findings);
        bool matched = false;
        for (const Finding& f : findings) {
          matched |= match(f);
        }
        if (matched) {
          if (result.failures == 0) {
            result.first = findings;
            result.first_trace = trace;
          }
          ++result.failures;
        }
        return stop_after == 0 || result.failures < stop_after;
      });
  if (!status.ok()) return status;
  result.judge = oracle.stats();
  return result;
}

Semantics SemanticsOf(const Backend& backend) {
  return backend.name() == "posix" ? Semantics::kPosix : Semantics::kWindows;
}

}  // namespace openrace
