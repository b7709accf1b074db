// trial.cc — see trial.h.

#include "harness/judge/trial.h"

#include "harness/judge/contention.h"

#include <filesystem>
#include <system_error>

#include <atomic>

#include "absl/strings/cord.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"

namespace openrace {
namespace {

std::atomic<uint64_t> rounds_run_in_process{0};

constexpr absl::string_view kRoundsPayload = "openrace/rounds-before-error";

}  // namespace

absl::Status WithRoundsBeforeError(absl::Status status, uint64_t rounds) {
  if (!status.ok()) {
    status.SetPayload(kRoundsPayload, absl::Cord(absl::StrCat(rounds)));
  }
  return status;
}

uint64_t RoundsBeforeError(const absl::Status& status) {
  const absl::optional<absl::Cord> payload = status.GetPayload(kRoundsPayload);
  uint64_t rounds = 0;
  if (!payload || !absl::SimpleAtoi(std::string(*payload), &rounds)) return 0;
  return rounds;
}

absl::StatusOr<std::string> Prober::RenewSandbox() {
  return absl::UnimplementedError("this prober cannot renew its sandbox");
}

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
  const ContentionMeter contention(scenario);
  Executor executor(backend_, options_);
  const uint64_t calls_per_round = CountCalls(scenario);
  std::vector<Finding> findings;
  uint64_t sampled_rounds = 0;
  int64_t sampled_cpu_ns = 0;
  absl::Status status = executor.Run(
      scenario, sandbox_, max_rounds, [&](const RoundTrace& trace) {
        ++result.rounds;
        rounds_run_in_process.fetch_add(1, std::memory_order_relaxed);
        result.calls += calls_per_round;
        result.contended += contention.Count(trace);
        if (trace.cpu_sampled) {
          ++sampled_rounds;
          for (const int64_t ns : trace.call_cpu_ns) sampled_cpu_ns += ns;
        }
        for (const std::vector<OpRecord>& thread : trace.records) {
          for (const OpRecord& record : thread) {
            if (!record.ran) continue;
            result.outcomes.Add(record.outcome);
          }
        }
        findings.clear();
        oracle.Judge(trace, &findings);
        const Finding* matched = nullptr;
        for (const Finding& f : findings) {
          if (matched == nullptr && match(f)) matched = &f;
        }
        if (matched != nullptr) {
          if (result.failures == 0) {
            result.first = findings;
            result.first_trace = trace;
          }
          if (result.traces.size() < TrialResult::kKeptTraces) {
            result.traces.push_back(trace);
            result.trace_findings.push_back(*matched);
          }
          ++result.failures;
        }
        if (stop_after != 0 && result.failures >= stop_after) return false;
        if (deadline_ != absl::InfiniteFuture() && absl::Now() >= deadline_) {
          result.cut_short = result.rounds < max_rounds;
          return false;
        }
        return true;
      });
  if (!status.ok()) return WithRoundsBeforeError(status, result.rounds);
  if (sampled_rounds > 0 && sampled_cpu_ns > 0) {
    result.call_cpu_ns = static_cast<uint64_t>(
        static_cast<double>(sampled_cpu_ns) * static_cast<double>(result.rounds) /
        static_cast<double>(sampled_rounds));
  }
  result.judge = oracle.stats();
  return result;
}

Semantics SemanticsOf(const Backend& backend) {
  return backend.name() == "posix" ? Semantics::kPosix : Semantics::kWindows;
}

namespace {

// Makes `dir` current for its lifetime and restores the previous one.
class ScopedCurrentDirectory {
 public:
  absl::Status Enter(const std::string& dir) {
    std::error_code error;
    previous_ = std::filesystem::current_path(error);
    if (error) {
      return absl::FailedPreconditionError(absl::StrCat(
          "cannot learn the current directory: ", error.message()));
    }
    std::filesystem::current_path(dir, error);
    if (error) {
      return absl::FailedPreconditionError(
          absl::StrCat("cannot change into ", dir, ": ", error.message()));
    }
    entered_ = true;
    return absl::OkStatus();
  }
  ~ScopedCurrentDirectory() {
    if (!entered_) return;
    std::error_code ignored;
    std::filesystem::current_path(previous_, ignored);
  }

 private:
  std::filesystem::path previous_;
  bool entered_ = false;
};

}  // namespace

absl::StatusOr<TrialResult> CurrentDirectoryProber::Run(
    const Scenario& scenario, const absl::optional<Signature>& want,
    uint64_t max_rounds, uint64_t stop_after) {
  ScopedCurrentDirectory cd;
  if (absl::Status s = cd.Enter(dir_); !s.ok()) return s;
  return inner_.Run(scenario, want, max_rounds, stop_after);
}

absl::StatusOr<TrialResult> CurrentDirectoryProber::RunMatching(
    const Scenario& scenario, FindingMatch match, uint64_t max_rounds,
    uint64_t stop_after) {
  ScopedCurrentDirectory cd;
  if (absl::Status s = cd.Enter(dir_); !s.ok()) return s;
  return inner_.RunMatching(scenario, match, max_rounds, stop_after);
}

}  // namespace openrace
