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
#include "harness/run/sandbox.h"

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
    result_ = &result;
    Scenario current = start;
    seen_.insert(absl::HashOf(PrintScenario(current)));
    absl::StatusOr<Rate> measured =
        MeasureRate(current, "the scenario as found", &result);
    if (!measured.ok()) {
      if (Unusable()) {
        // Nothing measured: the scenario as found is the best there is.
        Log(absl::StrCat("partial: the file system became unusable before "
                         "the rate could be measured: ", result.unusable));
        result.scenario = start;
        return result;
      }
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
    Standing standing{std::move(current), measured->value, last_};
    Log(absl::StrFormat("start: %zu threads, %zu calls, rate %.3g per round",
                        standing.scenario.threads.size(),
                        CountCalls(standing.scenario), standing.rate));

    // Pass 1; then, when the pins changed the scenario, pass 2 on the
    // pinned one: with barriers ordering the calls, a call that only
    // delayed another (and so made the overlap likely) is no longer
    // needed, and the search can drop it.
    for (int pass = 1;; ++pass) {
      const size_t steps_before = result.steps.size();
      absl::Status searched = Search(&standing, &result);
      if (!searched.ok()) return searched;
      if (pass > 1 && result.steps.size() == steps_before) {
        // Nothing dropped: the pinned scenario and its measurement stand.
        return Finish(std::move(standing.scenario), std::move(result));
      }
      result.pinned = false;
      result.orderings.clear();
      result.failing_round.reset();
      result.failing.reset();
      bool repinned = false;

      // The final rate, on fresh rounds, unless the budget is spent: then
      // the last measurement of the scenario stands.
      result.failures = standing.measure.failures;
      result.rounds = standing.measure.rounds;
      if (!OutOfTime() && !Unusable()) {
        // Half of what is left for the final measurement, half for the
        // pinned scenario's.
        TrialsUntil(options_.pin ? Now() + (deadline_ - Now()) / 2 : deadline_);
        absl::StatusOr<TrialResult> final_trial =
            Trial(standing.scenario, "the minimized scenario",
                  options_.final_max_rounds,
                  options_.final_failures);
        if (!final_trial.ok() &&
            (Unusable() || IsSandboxResetError(final_trial.status()))) {
          // The last measurement of the scenario stands.
          return Finish(std::move(standing.scenario), std::move(result));
        }
        if (!final_trial.ok()) return final_trial.status();
        result.rounds_run += final_trial->rounds;
        if (!final_trial->cut_short || final_trial->failures >= result.failures) {
          result.failures = final_trial->failures;
          result.rounds = final_trial->rounds;
        }
        KeepFailingRound(*final_trial, &result);
        TrialsUntil(deadline_);
        if (options_.pin && !OutOfTime()) {
          repinned = Pin(*final_trial, standing.scenario, &result);
        }
      }
      if (pass > 1 || !repinned || !result.one_minimal || SearchOver() ||
          Unusable()) {
        break;
      }
      Log("searching again: the pins order the calls now");
      standing = Standing{result.scenario,
                          double(result.failures) / result.rounds,
                          Measurement{result.failures, result.rounds}};
    }
    return Finish(std::move(standing.scenario), std::move(result));
  }

 private:
  struct Measurement {
    uint64_t failures = 0;
    uint64_t rounds = 0;
  };

  // The scenario the search stands on, with the rate and the measurement
  // that accepted it.
  struct Standing {
    Scenario scenario;
    double rate = 0;
    Measurement measure;
  };

  // Tries the simplifications of the standing scenario until none
  // reproduces at the share of the rate (then the result is 1-minimal),
  // the search time is spent or the file system became unusable; each
  // accepted one becomes the standing scenario, with its rate and
  // measurement. Fails on an environment error only.
  absl::Status Search(Standing* standing, MinimizeResult* result_out) {
    Scenario& current = standing->scenario;
    double& rate = standing->rate;
    Measurement& current_measure = standing->measure;
    MinimizeResult& result = *result_out;
    bool exhausted = false;
    TrialsUntil(search_deadline_);
    // The candidates of each scenario are tried in a cycle that starts
    // where the last accepted one was: the ones before it were just refused
    // for the parent and most likely still are, so they go last. The result
    // is 1-minimal only when a whole cycle was tried and none reproduced;
    // running out of time halfway proves nothing.
    size_t next = 0;
    while (!SearchOver() && !Unusable()) {
      std::vector<Candidate> candidates = Simplifications(current);
      const uint64_t rounds = RoundsToDetect(
          rate * options_.rate_fraction, options_.confidence,
          options_.candidate_max_rounds);
      bool accepted = false;
      result.last_cycle = CandidateCounts{};
      for (size_t k = 0; k < candidates.size() && !SearchOver() && !Unusable();
           ++k) {
        const size_t index = (next + k) % candidates.size();
        Candidate& candidate = candidates[index];
        const size_t hash = absl::HashOf(PrintScenario(candidate.scenario));
        if (!seen_.insert(hash).second) continue;
        ++result.candidates_tried;
        const std::string label = absl::StrCat("candidate: ", candidate.step);
        absl::StatusOr<TrialResult> trial =
            Trial(candidate.scenario, label, rounds, 1);
        if (!trial.ok()) {
          // No space, no descriptors: nothing more can be judged here.
          if (IsEnvironmentError(trial.status())) return trial.status();
          seen_.erase(hash);  // not judged: a later cycle tries it again
          if (Unusable()) {
            Skip(&result, "the file system became unusable");
            break;
          }
          if (IsSandboxResetError(trial.status())) {
            Skip(&result, "the sandbox broke while it ran, twice");
            Log(absl::StrCat("skipped: ", candidate.step, ": ",
                             trial.status().message()));
            continue;
          }
          // A candidate that cannot even be set up does not reproduce.
          seen_.insert(hash);
          ++result.candidates.unrunnable;
          ++result.last_cycle.unrunnable;
          Log(absl::StrCat("unrunnable: ", candidate.step, ": ",
                           trial.status().message()));
          continue;
        }
        ++result.candidates.measured;
        ++result.last_cycle.measured;
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
                        : MeasureRate(candidate.scenario, label, &result);
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
        exhausted = !SearchOver() && !Unusable();
        break;
      }
    }
    // 1-minimal: a whole cycle judged, none reproduced. A candidate skipped
    // in it was never measured, so nothing is claimed of it.
    result.one_minimal = exhausted && result.last_cycle.skipped == 0;
    const CandidateCounts& cycle = result.last_cycle;
    if (result.one_minimal) {
      Log(absl::StrFormat(
          "1-minimal: no single simplification reproduces at a quarter of "
          "the rate or more (%d candidates measured%s)",
          cycle.measured,
          cycle.unrunnable ? absl::StrCat(", ", cycle.unrunnable, " unrunnable")
                           : ""));
    } else {
      std::string why = Unusable()  ? absl::StrCat("the file system became "
                                                   "unusable: ", result.unusable)
                        : exhausted ? "candidates of the last cycle were skipped"
                                    : "the time budget ran out";
      Log(absl::StrCat("partial: ", why, "; last cycle: ", cycle.measured,
                       " measured, ", cycle.unrunnable, " unrunnable, ",
                       cycle.skipped, " skipped", SkipReasons(cycle)));
    }

    return absl::OkStatus();
  }

  // The result's scenario and rate, from what was measured last.
  MinimizeResult Finish(Scenario current, MinimizeResult result) {
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

  bool Unusable() const { return !result_->unusable.empty(); }

  void Skip(MinimizeResult* result, const std::string& reason) {
    result->candidates.Skip(reason);
    result->last_cycle.Skip(reason);
  }

  static std::string SkipReasons(const CandidateCounts& counts) {
    std::string text;
    for (const auto& [reason, count] : counts.skip_reasons) {
      absl::StrAppend(&text, text.empty() ? " (" : ", ", count, ": ", reason);
    }
    return text.empty() ? text : text + ")";
  }

  // Count, on a fresh sandbox when the last one can no longer be reset
  // (minimizer.h). `label` says which scenario this is, for the record of
  // a break. Fails with the sandbox's error when it broke while this
  // scenario ran, twice, and when the file system became unusable
  // (result_->unusable says why then).
  absl::StatusOr<TrialResult> Trial(const Scenario& scenario,
                                    const std::string& label,
                                    uint64_t max_rounds, uint64_t stop_after) {
    for (int attempt = 1;; ++attempt) {
      absl::StatusOr<TrialResult> trial = Count(scenario, max_rounds, stop_after);
      if (trial.ok() || !IsSandboxResetError(trial.status())) {
        if (trial.ok() && trial->rounds > 0) {
          last_run_ = LastRun{label, scenario, trial->rounds};
          fresh_ = false;
        }
        return trial;
      }
      const uint64_t before = RoundsBeforeError(trial.status());
      result_->rounds_run += before;
      if (before > 0) fresh_ = false;
      const std::string error(trial.status().message());
      SandboxBreak broke;
      broke.error = error;
      if (before > 0) {
        broke.after = label;
        broke.scenario = scenario;
        broke.rounds = before;
      } else if (last_run_) {
        // The reset after the previous trial's last round is this trial's
        // first.
        broke.after = last_run_->label;
        broke.scenario = last_run_->scenario;
        broke.rounds = last_run_->rounds;
      } else if (fresh_) {
        result_->unusable = absl::StrCat(
            "a fresh sandbox could not be reset either, before any round "
            "ran in it (", label, "): ", error);
        Log(absl::StrCat("file system unusable: ", result_->unusable));
        return trial.status();
      } else {
        broke.after = "a trial before minimizing";
        broke.scenario = scenario;
      }
      last_run_.reset();
      absl::StatusOr<std::string> kept = prober_.RenewSandbox();
      if (kept.ok()) broke.kept = *kept;
      Log(absl::StrCat("sandbox broken after ", broke.after, " (", broke.rounds,
                       " rounds): ", error, kept.ok() ? "; kept as " : "",
                       kept.ok() ? *kept : ""));
      result_->sandbox_breaks.push_back(std::move(broke));
      if (!kept.ok()) {
        result_->unusable = absl::StrCat(
            "the sandbox could not be reset (", error,
            ") and no fresh one could be made: ", kept.status().message());
        Log(absl::StrCat("file system unusable: ", result_->unusable));
        return trial.status();
      }
      if (result_->sandbox_breaks.size() >= options_.max_sandbox_breaks) {
        result_->unusable = absl::StrCat(
            "the sandbox broke ", result_->sandbox_breaks.size(),
            " times; the last: ", error);
        Log(absl::StrCat("file system unusable: ", result_->unusable));
        return trial.status();
      }
      fresh_ = true;
      Log("going on in a fresh sandbox");
      // Broke while this scenario ran, on a sandbox of its own twice now:
      // not judged.
      if (before > 0 && attempt >= 2) return trial.status();
      if (attempt >= 3) return trial.status();
    }
  }

  void KeepFailingRound(const TrialResult& trial, MinimizeResult* result) {
    if (trial.traces.empty()) return;
    result->failing_round = trial.traces.front();
    result->failing = trial.trace_findings.front();
  }

  // Pins the interleaving the final measurement's failing rounds show, and
  // keeps the pinned scenario when it fails at least as often. True when
  // the scenario kept is a new one (not when its barriers pinned already).
  bool Pin(const TrialResult& final_trial, const Scenario& current,
           MinimizeResult* result) {
    if (final_trial.traces.empty() || result->failures == 0) return false;
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
      return false;
    }
    if (!seen_.insert(absl::HashOf(PrintScenario(pin.scenario))).second) return false;
    absl::StatusOr<TrialResult> trial =
        Trial(pin.scenario, "the pinned scenario", options_.final_max_rounds,
              options_.final_failures);
    if (!trial.ok()) {
      Log(absl::StrCat("not pinned: ", trial.status().message()));
      return false;
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
      return false;
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
    return true;
  }

  // Rounds until a few failures, or the budget: the failures per round,
  // and the 95 % interval around it. `last_` keeps the counts.
  struct Rate {
    double value = 0;
    RateInterval interval;
  };
  absl::StatusOr<Rate> MeasureRate(const Scenario& scenario,
                                   const std::string& label,
                                   MinimizeResult* result) {
    last_ = Measurement{};
    absl::StatusOr<TrialResult> trial = Trial(
        scenario, label, options_.measure_max_rounds, options_.measure_failures);
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
  MinimizeResult* result_ = nullptr;
  // The trial that ran last on the sandbox: what a reset failing before
  // the next trial's first round is evidence about.
  struct LastRun {
    std::string label;
    Scenario scenario;
    uint64_t rounds = 0;
  };
  absl::optional<LastRun> last_run_;
  bool fresh_ = false;  // the sandbox was renewed and no round ran in it yet
};

}  // namespace

absl::StatusOr<MinimizeResult> Minimize(const Scenario& scenario,
                                        const Signature& signature,
                                        Prober& prober,
                                        const MinimizeOptions& options) {
  return Minimizer(signature, prober, options).Run(scenario);
}

}  // namespace openrace
