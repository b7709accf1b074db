// minimizer.cc — see minimizer.h.

#include "harness/repro/minimizer.h"

#include <algorithm>
#include <map>
#include <utility>

#include "absl/container/flat_hash_set.h"
#include "absl/hash/hash.h"
#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/clock.h"
#include "harness/scenario/scenario_text.h"
#include "harness/scenario/simplify.h"
#include "harness/repro/bisect.h"
#include "harness/repro/pin.h"

namespace openrace {
namespace {

class Minimizer {
 public:
  Minimizer(const Signature& signature, Prober& prober,
            const MinimizeOptions& options)
      : signature_(signature), prober_(prober), options_(options),
        outer_deadline_(prober.deadline()),
        start_(Now()),
        deadline_(std::min(start_ + options.budget, options.deadline)),
        search_deadline_(deadline_ == absl::InfiniteFuture()
                             ? deadline_
                             : start_ + (deadline_ - start_) *
                                            options.search_share) {}

  // The prober's deadline as it was, given back when the minimizer ends.
  ~Minimizer() {
    if (!options_.clock) prober_.set_deadline(outer_deadline_);
  }

  absl::StatusOr<MinimizeResult> Run(const Scenario& start) {
    TrialsUntil(search_deadline_);
    MinimizeResult result;
    Scenario current = start;
    seen_.insert(absl::HashOf(PrintScenario(current)));
    absl::StatusOr<Rate> measured = MeasureRate(current, &result);
    if (!measured.ok()) {
      if (!OutOfTime()) return measured.status();
      // The budget ran out before the first failure: the scenario as
      // found is the best there is.
      Log("time budget spent before the rate could be measured");
      result.scenario = start;
      result.failures = last_.failures;
      result.rounds = last_.rounds;
      result.rate = WilsonInterval(result.failures, result.rounds);
      return result;
    }
    double rate = measured->value;
    Measurement current_measure = last_;
    Log(absl::StrFormat("start: %zu threads, %zu calls, rate %.3g per round",
                        current.threads.size(), CountCalls(current), rate));

    // The candidates of each scenario are tried in a cycle that starts
    // where the last accepted one was: the ones before it were just refused
    // for the parent and most likely still are, so they go last. The result
    // is 1-minimal only when a whole cycle was tried and none reproduced;
    // running out of time halfway proves nothing.
    bool exhausted = false;
    size_t next = 0;
    while (!SearchOver()) {
      std::vector<Candidate> candidates = Simplifications(current);
      const uint64_t rounds = RoundsToDetect(
          rate * options_.rate_fraction, options_.confidence,
          options_.candidate_max_rounds);
      bool accepted = false;
      for (size_t k = 0; k < candidates.size() && !SearchOver(); ++k) {
        const size_t index = (next + k) % candidates.size();
        Candidate& candidate = candidates[index];
        if (!seen_.insert(absl::HashOf(PrintScenario(candidate.scenario)))
                 .second) {
          continue;
        }
        ++result.candidates_tried;
        absl::StatusOr<TrialResult> trial = Count(candidate.scenario, rounds, 1);
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
        // With the budget spent, the trial that showed it is its measure.
        last_ = Measurement{};
        absl::StatusOr<Rate> candidate_rate =
            SearchOver() ? absl::FailedPreconditionError("no time to measure")
                        : MeasureRate(candidate.scenario, &result);
        if (IsEnvironmentError(candidate_rate.status())) {
          return candidate_rate.status();
        }
        Measurement candidate_measure = last_;
        if (!candidate_rate.ok()) {
          // Too rare to measure, or no time to: the evidence is every
          // round it ran. A failure in the trial and none in the fresh
          // measurement's rounds is a fluke (a round that overlapped
          // only because the machine was loaded then), not a rate: it
          // must not carry the search to a scenario that no longer
          // reproduces.
          candidate_measure =
              Measurement{trial->failures + last_.failures,
                          trial->rounds + last_.rounds};
          candidate_rate =
              Rate{double(candidate_measure.failures) / candidate_measure.rounds,
                   WilsonInterval(candidate_measure.failures,
                                  candidate_measure.rounds)};
        }
        const double floor =
            candidate.timing ? rate : rate * options_.rate_fraction;
        if (candidate_rate->interval.high < floor) {
          Log(absl::StrFormat("refused: %s reproduces, but at rate %.3g",
                              candidate.step, candidate_rate->value));
          continue;
        }
        current = std::move(candidate.scenario);
        current_measure = candidate_measure;
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
        exhausted = !SearchOver();
        break;
      }
    }
    result.one_minimal = exhausted;
    Log(result.one_minimal
            ? "1-minimal: no single simplification reproduces at a quarter "
              "of the rate or more"
            : "time budget spent before the scenario was 1-minimal");

    // The final rate, on fresh rounds, unless the budget is spent: then
    // the last measurement of the scenario stands.
    result.failures = current_measure.failures;
    result.rounds = current_measure.rounds;
    if (!OutOfTime()) {
      // Half of what is left for the final measurement, half for the
      // pinned scenario's.
      TrialsUntil(options_.pin ? Now() + (deadline_ - Now()) / 2 : deadline_);
      absl::StatusOr<TrialResult> final_trial =
          Count(current, options_.final_max_rounds, options_.final_failures);
      if (!final_trial.ok()) return final_trial.status();
      result.rounds_run += final_trial->rounds;
      if (!final_trial->cut_short || final_trial->failures >= result.failures) {
        result.failures = final_trial->failures;
        result.rounds = final_trial->rounds;
      }
      KeepFailingRound(*final_trial, &result);
      TrialsUntil(deadline_);
      if (options_.pin && !OutOfTime()) {
        Pin(*final_trial, current, &result);
      }
    }
    if (result.pinned) current = result.scenario;
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
  struct Measurement {
    uint64_t failures = 0;
    uint64_t rounds = 0;
  };

  absl::Time Now() const {
    return options_.clock ? options_.clock() : absl::Now();
  }
  bool OutOfTime() const { return Now() >= deadline_; }
  // No trial runs past `until` (nor past the prober's own deadline); on
  // the real clock only: an injected clock runs no real time.
  void TrialsUntil(absl::Time until) {
    if (!options_.clock) prober_.set_deadline(std::min(until, outer_deadline_));
  }
  bool SearchOver() const { return Now() >= search_deadline_; }

  void Log(const std::string& line) {
    if (options_.log) options_.log(line);
  }

  // Runs a trial that counts the rounds showing the bug (SameBug), or the
  // exact signature on a prober that counts nothing else.
  absl::StatusOr<TrialResult> Count(const Scenario& scenario,
                                    uint64_t max_rounds, uint64_t stop_after) {
    if (!exact_only_) {
      const Signature& want = signature_;
      absl::StatusOr<TrialResult> trial = prober_.RunMatching(
          scenario, [&](const Finding& f) { return SameBug(want, f.signature); },
          max_rounds, stop_after);
      if (trial.ok() || trial.status().code() != absl::StatusCode::kUnimplemented) {
        return trial;
      }
      exact_only_ = true;
    }
    return prober_.Run(scenario, signature_, max_rounds, stop_after);
  }

  void KeepFailingRound(const TrialResult& trial, MinimizeResult* result) {
    if (trial.traces.empty()) return;
    result->failing_round = trial.traces.front();
    result->failing = trial.trace_findings.front();
  }

  // Pins the interleaving the final measurement's failing rounds show, and
  // keeps the pinned scenario when it fails at least as often.
  void Pin(const TrialResult& final_trial, const Scenario& current,
           MinimizeResult* result) {
    if (final_trial.traces.empty() || result->failures == 0) return;
    // The call that failed most often in those rounds.
    std::map<std::pair<size_t, size_t>, size_t> votes;
    for (const Finding& f : final_trial.trace_findings) ++votes[{f.thread, f.op}];
    auto most = std::max_element(
        votes.begin(), votes.end(),
        [](const auto& a, const auto& b) { return a.second < b.second; });
    const OpRef failing{most->first.first, most->first.second};
    std::vector<RoundTrace> traces;
    for (size_t i = 0; i < final_trial.traces.size(); ++i) {
      const Finding& f = final_trial.trace_findings[i];
      if (f.thread == failing.thread && f.op == failing.op) {
        traces.push_back(final_trial.traces[i]);
      }
    }
    PinResult pin = PinInterleaving(current, failing, traces);
    if (!pin.changed) {
      // Its barriers already pin what the failing rounds showed: the
      // scenario stays as it is (and `scenario` must say so, since the
      // caller takes the pinned one from there).
      if (!pin.orderings.empty()) {
        result->pinned = true;
        result->orderings = std::move(pin.orderings);
        result->scenario = current;
        Log("pinned already: its barriers order what the failing rounds "
            "showed");
      }
      return;
    }
    if (!seen_.insert(absl::HashOf(PrintScenario(pin.scenario))).second) return;
    absl::StatusOr<TrialResult> trial =
        Count(pin.scenario, options_.final_max_rounds, options_.final_failures);
    if (!trial.ok()) {
      Log(absl::StrCat("not pinned: ", trial.status().message()));
      return;
    }
    result->rounds_run += trial->rounds;
    const double unpinned_low =
        WilsonInterval(result->failures, result->rounds).low;
    const double pinned =
        trial->rounds ? double(trial->failures) / trial->rounds : 0;
    if (trial->failures == 0 || pinned < unpinned_low) {
      Log(absl::StrFormat(
          "not pinned: the pinned scenario fails at %.3g (%d/%d), below the "
          "unpinned %.3g",
          pinned, trial->failures, trial->rounds,
          double(result->failures) / result->rounds));
      return;
    }
    for (const std::string& ordering : pin.orderings) {
      Log(absl::StrCat("pinned: ", ordering));
    }
    Log(absl::StrFormat("pinned: rate %.3g (%d/%d), unpinned %.3g", pinned,
                        trial->failures, trial->rounds,
                        double(result->failures) / result->rounds));
    result->pinned = true;
    result->orderings = std::move(pin.orderings);
    result->scenario = std::move(pin.scenario);
    result->failures = trial->failures;
    result->rounds = trial->rounds;
    result->failing_round.reset();
    result->failing.reset();
    KeepFailingRound(*trial, result);
  }

  // Rounds until a few failures, or the budget: the failures per round,
  // and the 95 % interval around it. `last_` keeps the counts.
  struct Rate {
    double value = 0;
    RateInterval interval;
  };
  absl::StatusOr<Rate> MeasureRate(const Scenario& scenario,
                                   MinimizeResult* result) {
    last_ = Measurement{};
    absl::StatusOr<TrialResult> trial =
        Count(scenario, options_.measure_max_rounds, options_.measure_failures);
    if (!trial.ok()) return trial.status();
    result->rounds_run += trial->rounds;
    last_ = Measurement{trial->failures, trial->rounds};
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
  const absl::Time outer_deadline_;
  const absl::Time start_;
  const absl::Time deadline_;
  const absl::Time search_deadline_;
  absl::flat_hash_set<size_t> seen_;
  bool exact_only_ = false;
  Measurement last_;
};

}  // namespace

absl::StatusOr<MinimizeResult> Minimize(const Scenario& scenario,
                                        const Signature& signature,
                                        Prober& prober,
                                        const MinimizeOptions& options) {
  return Minimizer(signature, prober, options).Run(scenario);
}

}  // namespace openrace
