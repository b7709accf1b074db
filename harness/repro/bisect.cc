// bisect.cc — see bisect.h.

#include "harness/repro/bisect.h"

#include <algorithm>
#include <filesystem>
#include <set>
#include <system_error>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/time/clock.h"
#include "harness/base/platform.h"
#include "harness/repro/stats.h"
#include "harness/run/sandbox.h"
#include "harness/scenario/validate.h"
#include "harness/scenario/variations.h"

namespace openrace {
namespace {
std::string EscapeCell(absl::string_view text) {
  std::string out;
  for (char ch : text) {
    if (ch == '|' || ch == '\\') out += '\\';
    out += ch;
  }
  return out;
}

}  // namespace

absl::StatusOr<FirstFailure> FindFirstFailure(
    const Scenario& scenario, const absl::optional<Signature>& want,
    Prober& prober, uint64_t max_rounds) {
  absl::StatusOr<TrialResult> trial = prober.Run(scenario, want, max_rounds, 1);
  if (!trial.ok()) return trial.status();
  if (trial->failures == 0 || trial->first.empty()) {
    return absl::NotFoundError(
        absl::StrCat("no round showed ", want ? want->ToString() : "a finding",
                     " in ", trial->rounds, " rounds"));
  }
  FirstFailure first;
  first.where = trial->first[0];
  for (const Finding& f : trial->first) {
    if (want && f.signature == *want) {
      first.where = f;
      break;
    }
  }
  first.trace = std::move(trial->first_trace);
  first.rounds = trial->rounds;
  return first;
}

bool SameBug(const Signature& want, const Signature& got) {
  // A lost effect and a wrong answer are two bugs even when both calls
  // answered success.
  return want.op == got.op && want.outcome == got.outcome &&
         (want.verdict == Verdict::kLost) == (got.verdict == Verdict::kLost);
}

absl::StatusOr<std::vector<BisectRow>> Bisect(const Scenario& scenario,
                                              const Finding& where,
                                              const Signature& signature,
                                              Prober& main, Prober* control,
                                              const BisectOptions& options) {
  if (where.thread >= scenario.threads.size() ||
      where.op >= scenario.threads[where.thread].ops.size() ||
      !IsCall(scenario.threads[where.thread].ops[where.op].kind)) {
    return absl::InvalidArgumentError(absl::StrCat(
        "thread ", where.thread + 1, " op ", where.op + 1,
        " is not a call of the scenario; expected the failing operation"));
  }
  std::vector<Variation> variations =
      Variations(scenario, OpRef{where.thread, where.op}, options.backend);
  if (variations.empty()) {
    return absl::InvalidArgumentError("the scenario is not valid");
  }
  auto match = [&](const Finding& f) {
    return SameBug(signature, f.signature);
  };
  auto log = [&](const std::string& line) {
    if (options.log) options.log(line);
  };
  std::vector<BisectRow> rows;
  auto add = [&](const std::string& name, const TrialResult& trial) {
    rows.push_back({name, trial.failures, trial.rounds});
    if (options.row_done) options.row_done(rows.back());
  };

  auto out_of_time = [&] {
    return (options.clock ? options.clock() : absl::Now()) >= options.deadline;
  };

  // As found: the rate every other row is sized by.
  TrialResult found;
  if (options.as_found && options.as_found->rounds > 0) {
    found.failures = options.as_found->failures;
    found.rounds = options.as_found->rounds;
  } else {
    absl::StatusOr<TrialResult> measured =
        options.rounds
            ? main.RunMatching(scenario, match, options.rounds, 0)
            : main.RunMatching(scenario, match, options.measure_max_rounds,
                               options.measure_failures);
    if (!measured.ok()) return measured.status();
    found = *std::move(measured);
  }
  if (found.failures == 0) {
    return absl::FailedPreconditionError(
        absl::StrCat("the scenario did not show ", signature.ToString(), " in ",
                     found.rounds, " rounds; nothing to bisect"));
  }
  add(variations[0].name, found);
  const double rate = double(found.failures) / found.rounds;
  const uint64_t rounds =
      options.rounds
          ? options.rounds
          : std::min(options.max_rounds,
                     std::max(options.min_rounds,
                              RoundsToDetect(rate * options.rate_fraction,
                                             options.confidence,
                                             options.max_rounds)));

  // An environment error (outcome.h) ends the bisection: no variation
  // after it could be judged either.
  absl::Status environment;
  bool unusable = false;  // no fresh sandbox could be made: rows so far
  auto measure = [&](Prober& prober, const std::string& name,
                     const Scenario& s) {
    if (InterruptRequested() || !environment.ok() || unusable) return;
    if (out_of_time()) {
      log(absl::StrCat("skipped: ", name, ": the time budget is spent"));
      return;
    }
    absl::StatusOr<TrialResult> trial = prober.RunMatching(s, match, rounds, 0);
    if (IsSandboxResetError(trial.status())) {
      // The file system broke the sandbox (as in minimizer.h): the broken
      // tree goes aside, and the variation runs once more in a fresh one;
      // when no fresh one can be made, nothing after it can run either.
      absl::StatusOr<std::string> kept = prober.RenewSandbox();
      if (!kept.ok()) {
        log(absl::StrCat("stopped at ", name,
                         ": the file system became unusable: ",
                         trial.status().message(), "; no fresh sandbox: ",
                         kept.status().message()));
        unusable = true;
        return;
      }
      log(absl::StrCat("sandbox broken while ", name, " ran (",
                       trial.status().message(), "); kept at ", *kept,
                       ", going on in a fresh sandbox"));
      trial = prober.RunMatching(s, match, rounds, 0);
    }
    if (IsEnvironmentError(trial.status())) {
      environment = trial.status();
      return;
    }
    if (!trial.ok()) {
      log(absl::StrCat("skipped: ", name, ": ", trial.status().message()));
      return;
    }
    if (trial->cut_short) {
      log(absl::StrCat("skipped: ", name, ": the time budget ran out after ",
                       trial->rounds, " of ", rounds, " rounds"));
      return;
    }
    add(name, *trial);
  };
  if (control != nullptr) measure(*control, "control directory", scenario);
  for (size_t i = 1; i < variations.size(); ++i) {
    measure(main, variations[i].name, variations[i].scenario);
  }
  if (!environment.ok()) return environment;
  return rows;
}

std::string BisectRate(const BisectRow& row) {
  if (row.rounds == 0) return "-";
  if (row.failures == 0) {
    return absl::StrFormat("< %.3g %%",
                           100 * WilsonInterval(0, row.rounds).high);
  }
  return absl::StrFormat("%.3g %%", 100.0 * row.failures / row.rounds);
}

std::string BisectMarkdown(const std::vector<BisectRow>& rows) {
  std::string md =
      "| variation | failures | rounds | rate |\n"
      "| --- | ---: | ---: | ---: |\n";
  for (const BisectRow& row : rows) {
    absl::StrAppend(&md, "| ", EscapeCell(row.variation), " | ", row.failures,
                    " | ", row.rounds, " | ", BisectRate(row), " |\n");
  }
  return md;
}

}  // namespace openrace
