// minimizer.cc — see minimizer.h.

#include "harness/repro/minimizer.h"

#include <algorithm>

#include "absl/container/flat_hash_set.h"
#include "absl/hash/hash.h"
#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/clock.h"
#include "harness/scenario/scenario_text.h"
#include "harness/scenario/simplify.h"

namespace openrace {
namespace {

class Minimizer {
 public:
  Minimizer(const Signature& signature, Prober& prober,
            const MinimizeOptions& options)
      : signature_(signature), prober_(prober), options_(options),
        deadline_(absl::Now() + options.budget) {}

  absl::StatusOr<MinimizeResult> Run(const Scenario& start) {
    MinimizeResult result;
    Scenario current = start;
    seen_.insert(absl::HashOf(PrintScenario(current)));
    absl::StatusOr<Rate> measured = MeasureRate(current, &result);
    if (!measured.ok()) return measured.status();
    double rate = measured->value;
    Log(absl::StrFormat("start: %zu threads, %zu calls, rate %.3g per round",
                        current.threads.size(), CountCalls(current), rate));

    // The candidates of each scenario are tried in a cycle that starts
    // where the last accepted one was: the ones before it were just refused
    // for the parent and most likely still are, so they go last. The result
    // is 1-minimal only when a whole cycle was tried and none reproduced;
    // running out of time halfway proves nothing.
    bool exhausted = false;
    size_t next = 0;
    while (!OutOfTime()) {
      std::vector<Candidate> candidates = Simplifications(current);
      const uint64_t rounds = RoundsToDetect(
          rate * options_.rate_fraction, options_.confidence,
          options_.candidate_max_rounds);
      bool accepted = false;
      for (size_t k = 0; k < candidates.size() && !OutOfTime(); ++k) {
        const size_t index = (next + k) % candidates.size();
        Candidate& candidate = candidates[index];
        if (!seen_.insert(absl::HashOf(PrintScenario(candidate.scenario)))
                 .second) {
          continue;
        }
        ++result.candidates_tried;
        absl::StatusOr<TrialResult> trial =
            prober_.Run(candidate.scenario, signature_, rounds, 1);
        if (!trial.ok()) {
          // No space, no descriptors: nothing more can be judged here.
          if (IsEnvironmentError(trial.status())) return trial.status();
          // A candidate that cannot even be set up does not reproduce.
          Log(absl::StrCat("skipped: ", candidate.step, ": ",
                           trial.status().message()));
          continue;
        }
        result.rounds_run += trial->rounds;
        if (trial->failures == 0) continue;
        // It reproduced; keep it unless it clearly fails less often than
        // the share of the parent's rate that every candidate's budget is
        // sized for (its whole 95 % interval below it), so that the next
        // candidates can still be judged in as many rounds. A timing step
        // (a spin offset dropped) must keep the whole rate: a slide that
        // makes two calls overlap is worth more than a shorter scenario
        // that overlaps them only when the scheduler happens to.
        absl::StatusOr<Rate> candidate_rate =
            MeasureRate(candidate.scenario, &result);
        if (IsEnvironmentError(candidate_rate.status())) {
          return candidate_rate.status();
        }
        if (!candidate_rate.ok()) {
          // Reproduced once, too rarely to measure: its single failure.
          candidate_rate = Rate{1.0 / trial->rounds,
                                WilsonInterval(1, trial->rounds)};
        }
        const double floor =
            candidate.timing ? rate : rate * options_.rate_fraction;
        if (candidate_rate->interval.high < floor) {
          Log(absl::StrFormat("refused: %s reproduces, but at rate %.3g",
                              candidate.step, candidate_rate->value));
          continue;
        }
        current = std::move(candidate.scenario);
        result.steps.push_back(candidate.step);
        rate = candidate_rate->value;
        Log(absl::StrFormat("accepted: %s (%zu threads, %zu calls, rate %.3g)",
                            candidate.step, current.threads.size(),
                            CountCalls(current), rate));
        next = index;
        accepted = true;
        break;
      }
      if (!accepted) {
        exhausted = !OutOfTime();
        break;
      }
    }
    result.one_minimal = exhausted;
    Log(result.one_minimal
            ? "1-minimal: no single simplification reproduces at a quarter "
              "of the rate or more"
            : "time budget spent before the scenario was 1-minimal");

    // The final rate, on fresh rounds.
    absl::StatusOr<TrialResult> final_trial =
        prober_.Run(current, signature_, options_.final_max_rounds,
                    options_.final_failures);
    if (!final_trial.ok()) return final_trial.status();
    result.rounds_run += final_trial->rounds;
    result.failures = final_trial->failures;
    result.rounds = final_trial->rounds;
    result.rate = WilsonInterval(result.failures, result.rounds);
    const double final_rate =
        result.rounds ? double(result.failures) / result.rounds : 0;
    current.rounds = RoundsToDetect(final_rate, options_.confidence,
                                    options_.final_max_rounds);
    Log(absl::StrFormat("final: %d/%d rounds failed (95%% CI %.3g..%.3g)",
                        result.failures, result.rounds, result.rate.low,
                        result.rate.high));
    result.scenario = std::move(current);
    return result;
  }

 private:
  bool OutOfTime() const { return absl::Now() >= deadline_; }

  void Log(const std::string& line) {
    if (options_.log) options_.log(line);
  }

  // Rounds until a few failures, or the budget; failures per round.
  // Rounds until a few failures, or the budget: the failures per round,
  // and the 95 % interval around it.
  struct Rate {
    double value = 0;
    RateInterval interval;
  };
  absl::StatusOr<Rate> MeasureRate(const Scenario& scenario,
                                   MinimizeResult* result) {
    absl::StatusOr<TrialResult> trial =
        prober_.Run(scenario, signature_, options_.measure_max_rounds,
                    options_.measure_failures);
    if (!trial.ok()) return trial.status();
    result->rounds_run += trial->rounds;
    if (trial->failures == 0) {
      return absl::FailedPreconditionError(absl::StrCat(
          "the scenario did not reproduce ", signature_.ToString(), " in ",
          trial->rounds, " rounds"));
    }
    return Rate{static_cast<double>(trial->failures) / trial->rounds,
                WilsonInterval(trial->failures, trial->rounds)};
  }

  const Signature& signature_;
  Prober& prober_;
  const MinimizeOptions& options_;
  const absl::Time deadline_;
  absl::flat_hash_set<size_t> seen_;
};

}  // namespace

absl::StatusOr<MinimizeResult> Minimize(const Scenario& scenario,
                                        const Signature& signature,
                                        Prober& prober,
                                        const MinimizeOptions& options) {
  return Minimizer(signature, prober, options).Run(scenario);
}

}  // namespace openrace
