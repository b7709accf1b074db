// bisect.h — what a finding is and is not: its failure rate under
// variations of the scenario, for the table of a good bug report.
//
// A variation is a pure transformation of the Scenario, named for the
// table. Variations() builds them for one failing operation (the Finding's
// thread and op), every one valid (ValidateScenario):
//   as found                  the scenario itself
//   absolute path             the failing op's paths spelled from `abs:`,
//                             same resolved target (when not already abs)
//   all paths absolute        every cwd- or handle-anchored path of the
//                             scenario spelled from `abs:` (when that
//                             differs from "absolute path")
//   directory handle anchor   (failing op cwd-anchored) a shared handle
//                             `d_bisect = open cwd:<parent> options=directory`
//                             and the op anchored on it: `d_bisect:<name>`
//   current-directory anchor  (failing op anchored on a handle, abs:, dev:
//                             or nt:) the same target spelled from `cwd:`
//   \\?\ form / \??\ form     (win32 / nt backends only) the failing op's
//                             target spelled from `dev:` / `nt:`, resolved,
//                             with `\` separators
//   one thread                only the failing op's thread (its barriers
//                             dropped; it keeps every op it has)
//   no held handle            every open that anchors nothing keeps no
//                             handle, and its close goes
//   <flag> reset              for each non-default field of the failing
//                             open: access, share, disp, options, attrs,
//                             and spin (its slide)
//   backup semantics toggled  (win32 / nt backends only) the failing open's
//                             options ^ backup
// A variation identical to the scenario (other than "as found") or invalid
// is left out.
//
// Bisect() measures each: "as found" until a few failures (or a cap), which
// gives the rate p; then every variation for RoundsToDetect(p / 4, 0.99)
// rounds (at least 1000, so a row that never fails bounds its rate below
// 0.4 %; capped), so a variation as bad as a quarter of the original shows
// at least once with probability 0.99 — or a fixed number of rounds when
// asked. A "control directory" row runs the scenario as found on a second
// prober (a sandbox on another volume) when one is given. A round counts
// when it shows the same bug: SameBug() — the same op kind, status and
// native code; the anchor and the verdict may change, that is the point.
//
// The failing op of a minimized scenario is found by running it once more
// (FindFirstFailure), which also keeps that round's trace for the timeline
// picture (timeline.h).
//
// A second Sandbox (the control directory) makes itself the current
// directory when it is created, and cwd-anchored paths resolve against the
// current directory: wrap each RealProber in a CurrentDirectoryProber on its
// own sandbox's root while both sandboxes exist.
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
#include "harness/judge/oracle.h"
#include "harness/scenario/scenario.h"
#include "harness/judge/trial.h"

namespace openrace {

// One line of the "what it is and is not" table.
struct BisectRow {
  std::string variation;  // "as found", "absolute path", "one thread"...
  uint64_t failures = 0;
  uint64_t rounds = 0;
};


struct Variation {
  std::string name;   // the table's first column
  Scenario scenario;  // valid
  OpRef failing;      // where the failing op is in `scenario`
};

// The variations of `scenario` around its failing op `where.thread`,
// `where.op` (an open, mkdir, stat, delete or rename), "as found" first.
// `backend` ("posix", "nt", "win32") decides whether the Windows-only
// variations are made. Pure.
std::vector<Variation> Variations(const Scenario& scenario,
                                  const Finding& where,
                                  absl::string_view backend = "posix");

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
// the same outcome (status class and native code); anchor and verdict free.
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
};

// Measures `scenario` and its Variations() on `main` (and "as found" on
// `control`, when not null) and returns one row per variation, "as found"
// first and "control directory" second. A variation whose trial cannot run
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

// Runs another prober with `dir` as the process's current directory and
// restores the previous one after each trial. A second sandbox (the control
// directory) becomes the current directory when it is made; cwd-anchored
// paths must resolve in the sandbox that runs them.
class CurrentDirectoryProber : public Prober {
 public:
  CurrentDirectoryProber(Prober& inner, std::string dir)
      : inner_(inner), dir_(std::move(dir)) {}
  absl::StatusOr<TrialResult> Run(const Scenario& scenario,
                                  const absl::optional<Signature>& want,
                                  uint64_t max_rounds,
                                  uint64_t stop_after) override;
  absl::StatusOr<TrialResult> RunMatching(const Scenario& scenario,
                                          FindingMatch match,
                                          uint64_t max_rounds,
                                          uint64_t stop_after) override;

 private:
  Prober& inner_;
  std::string dir_;
};

}  // namespace openrace

#endif  // OPENRACE_HARNESS_REPRO_BISECT_H_
