// bisect.h — what a finding is and is not: its failure rate under
// variations of the scenario, for the table of a good bug report.
//
// The variations (scenario/variations.h) are pure transformations of the
// Scenario around the failing op.
//
// Bisect() measures each: "as found" until a few failures (or a cap), which
// gives the rate p; then every variation for RoundsToDetect(p / 4, 0.99)
// rounds (at least 1000, so a row that never fails bounds its rate below
// 0.4 %; capped), so a variation as bad as a quarter of the original shows
// at least once with probability 0.99 — or a fixed number of rounds when
// asked. A "control directory" row runs the scenario as found on a second
// prober (a sandbox on another volume) when one is given. A round counts
// when it shows the same bug: SameBug() — the same op kind, status and
// native code; the anchor and the verdict may change, that is the point
// (but a lost effect stays lost: see SameBug).
// A variation that cannot run is logged and left out. One during which
// the file system broke the sandbox (IsSandboxResetError) runs once more
// in a fresh one (Prober::RenewSandbox, the broken tree kept aside); when
// no fresh one can be made, the bisection ends with the rows so far and
// says why in the log.
//
// The failing op of a minimized scenario is found by running it once more
// (FindFirstFailure), which also keeps that round's trace for the timeline
// picture (timeline.h).
//
// A second Sandbox (the control directory) makes itself the current
// directory when it is created, and cwd-anchored paths resolve against the
// current directory: wrap each RealProber in a CurrentDirectoryProber
// (judge/trial.h) on its own sandbox's root while both sandboxes exist.
//
// Example:
//   RealProber main_real(*backend, *sandbox, semantics, {});
//   RealProber control_real(*backend, *control_sandbox, semantics, {});
//   CurrentDirectoryProber main(main_real, sandbox->root());
//   CurrentDirectoryProber control(control_real, control_sandbox->root());
//   ASSIGN_OR_RETURN(FirstFailure first,
//       FindFirstFailure(minimized, signature, main, 20 * minimized.rounds));
//   BisectOptions options;
//   options.backend = std::string(backend->name());
//   ASSIGN_OR_RETURN(std::vector<BisectRow> rows,
//       Bisect(minimized, first.where, signature, main, &control, options));
//   std::printf("%s", BisectMarkdown(rows).c_str());

#ifndef OPENRACE_HARNESS_REPRO_BISECT_H_
#define OPENRACE_HARNESS_REPRO_BISECT_H_

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "absl/types/optional.h"
#include "harness/judge/oracle.h"
#include "harness/scenario/scenario.h"
#include "harness/scenario/variations.h"
#include "harness/judge/trial.h"

namespace openrace {

// One line of the "what it is and is not" table.
struct BisectRow {
  std::string variation;  // "as found", "absolute path", "one thread"...
  uint64_t failures = 0;
  uint64_t rounds = 0;
};


struct FirstFailure {
  Finding where;        // the first finding of the first matching round
  RoundTrace trace;     // that round
  uint64_t rounds = 0;  // rounds run to see it
};

// Runs `scenario` until a round shows `want` exactly (any finding when
// unset), for at most `max_rounds`. NotFound when no round does.
absl::StatusOr<FirstFailure> FindFirstFailure(
    const Scenario& scenario, const absl::optional<Signature>& want,
    Prober& prober, uint64_t max_rounds);

// True when `got` is the bug `want` for the bisection: same op kind and
// the same outcome (status class and native code); anchor and verdict free,
// except that `lost` (an effect the end state misses) only matches `lost`.
bool SameBug(const Signature& want, const Signature& got);

struct BisectOptions {
  std::string backend = "posix";  // see Variations()
  // Rounds for every row, "as found" included; 0: "as found" until
  // `measure_failures` failures or `measure_max_rounds`, then each other
  // row RoundsToDetect(p * rate_fraction, confidence, max_rounds), and at
  // least min_rounds.
  uint64_t rounds = 0;
  uint64_t measure_failures = 20;
  uint64_t measure_max_rounds = 200000;
  uint64_t min_rounds = 1000;
  uint64_t max_rounds = 200000;
  double confidence = 0.99;
  double rate_fraction = 0.25;
  // Called with each row as soon as it is measured, and with each line
  // worth logging (a variation that could not run).
  std::function<void(const BisectRow&)> row_done;
  std::function<void(const std::string&)> log;
  // The "as found" row, already measured on `main` the way Bisect counts
  // (SameBug): the minimizer's final measurement. Used as the first row
  // instead of measuring again, so that the report's rate and the table's
  // "as found" row are one measurement.
  absl::optional<BisectRow> as_found;
  // No row starts once `clock` (null: absl::Now) passes `deadline`, and a
  // row whose trial was cut short by its prober's deadline is left out;
  // the log says so.
  absl::Time deadline = absl::InfiniteFuture();
  std::function<absl::Time()> clock;
};

// Measures `scenario` and its Variations() on `main` (and "as found" on
// `control`, when not null) and returns one row per variation, "as found"
// first and "control directory" second (rows the budget left no time for
// are missing). A variation whose trial cannot run
// (its setup fails on this file system) is logged and left out.
// FailedPrecondition when "as found" shows no failure; other errors when a
// trial of "as found" fails to run.
absl::StatusOr<std::vector<BisectRow>> Bisect(const Scenario& scenario,
                                              const Finding& where,
                                              const Signature& signature,
                                              Prober& main, Prober* control,
                                              const BisectOptions& options);

// "4.87 %" when the row failed; "< 1.03 %" (the 95 % Wilson upper bound)
// when it never did.
std::string BisectRate(const BisectRow& row);

// The Markdown table: | variation | failures | rounds | rate |.
std::string BisectMarkdown(const std::vector<BisectRow>& rows);


}  // namespace openrace

#endif  // OPENRACE_HARNESS_REPRO_BISECT_H_
