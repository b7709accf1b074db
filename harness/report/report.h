// report.h — what a finding directory holds, and the two documents made
// from it: stats.json for machines, report.md for the upstream issue.
//
// Both are pure functions of a FindingSummary, so `openrace report DIR`
// can rebuild them and tests can check them without running anything.

#ifndef OPENRACE_HARNESS_REPORT_REPORT_H_
#define OPENRACE_HARNESS_REPORT_REPORT_H_

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "absl/types/optional.h"
#include "harness/report/emit_c.h"
#include "harness/run/executor.h"
#include "harness/repro/bisect.h"
#include "harness/repro/minimizer.h"
#include "harness/judge/oracle.h"
#include "harness/scenario/scenario.h"
#include "harness/repro/stats.h"

namespace openrace {

// Where a finding came from (base/provenance.h).
struct Provenance {
  std::string version;  // openrace's
  std::string command;  // the command line that made the finding
  absl::optional<uint64_t> seed;            // the campaign's
  absl::optional<uint64_t> scenario_index;  // the scenario that showed it
  bool emulator = false;  // the planted-bug emulator was loaded
  std::vector<std::pair<std::string, std::string>> emulator_settings;
};

// Another signature of the same bug (SameBug, bisect.h), seen in a
// scenario of its own and recorded beside the finding instead of as a
// finding of its own (finding_store.h: variant-<signature>.scn).
struct VariantSummary {
  std::string signature;
  uint64_t occurrences = 1;
  absl::optional<uint64_t> scenario_index;
  std::string failing_call;  // "thread 2 op 1: open cwd:foo.h"
  std::string file;          // "variant-<signature>.scn"
};

struct FindingSummary {
  Signature signature;
  uint64_t occurrences = 1;  // scenarios of the campaign that showed it
  Scenario found;
  size_t found_thread = 0, found_op = 0;  // the failing call in `found`
  // The failing call of the scenario the report shows (the minimized one
  // once its failing round has been found again), as text.
  std::string failing_call;
  absl::optional<Scenario> minimized;
  bool one_minimal = false;  // with `minimized`: false is "partial", the
                             // budget ran out first
  bool pinned = false;       // its interleaving is pinned (pin.h)
  std::vector<std::string> orderings;  // what the pins order
  std::vector<std::string> steps;  // accepted simplifications
  uint64_t candidates_tried = 0;   // by the minimizer
  CandidateCounts candidates;      // how the minimizer's candidates fared
  CandidateCounts last_cycle;      // ... in its last cycle
  // Sandboxes that could no longer be reset while minimizing: a second
  // symptom of the file system (minimizer.h). Their scenarios are not
  // kept in stats.json (`after` names them).
  std::vector<SandboxBreak> sandbox_breaks;
  std::string unusable;  // why the file system became unusable, if it did
  uint64_t minimize_rounds = 0;    // rounds the minimizer ran in all
  uint64_t failures = 0, rounds = 0;  // the final rate measurement
  RateInterval rate;
  std::vector<BisectRow> bisect;
  std::vector<std::pair<std::string, std::string>> environment;
  std::string backend;
  Provenance provenance;
  std::vector<VariantSummary> variants;
  std::string timeline_ascii;  // a failing round, drawn (timeline.h)
  std::string timeline_svg;    // the same as SVG, written beside report.md
  // That round and its failing call (in the scenario shown), kept in
  // stats.json so that `openrace report` can draw it again.
  absl::optional<RoundTrace> failing_round;
  OpRef failing_op;
  std::string repro_c;       // the C reproducer, when emitted
  std::string repro_c_name;  // its file name in the finding directory
  // Set by `openrace report` for a directory that lacks pieces: each says
  // what is missing ("minimized.scn: not minimized"); report.md lists them.
  std::vector<std::string> missing;

  // Takes the minimized scenario, its steps and its final rate.
  void RecordMinimized(const MinimizeResult& result);
};

// stats.json: signature, verdict, threads, ops (of the minimized
// scenario, else of the found one), minimized ("1-minimal", "partial": the
// time budget ran out first, a candidate of the last cycle was skipped, or
// the file system became unusable; or "no"), one_minimal, pinned,
// orderings, candidates {measured, unrunnable, skipped, skip_reasons
// {reason: count}, last_cycle {the same}}, sandbox_breaks [{after, rounds,
// error, kept}], unusable (when it became so),
// occurrences, rate {failures, rounds, low, high} (rounds that showed the
// bug: SameBug; the bisection's "as found" row is the same measurement),
// bisect [{variation, failures, rounds}], steps, candidates_tried,
// minimize_rounds, variants [{signature, occurrences, scenario_index,
// failing_call, file}]; provenance: version, command, seed,
// scenario_index, backend, emulator (true/false) and emulator_settings
// {name: value}; and what report.md is made from besides the scenario
// files: environment {name: value}, failing_round {thread, op (from 1),
// round, hang, records [[{ran, start_ns, end_ns, retry_end_ns, outcome,
// retry}]]} with each outcome as {status, native, kind}. Threads and ops
// count from 1 wherever they are named.
std::string StatsJson(const FindingSummary& summary);

// Reads stats.json (the text of the file at `path`, named in errors) back
// into `s`, whose found and minimized scenarios are already set: the
// failing round is checked against the scenario it was drawn from. Errors
// say which field is wrong. `variants` is not read: the finding directory's
// variant files are the record (ReadFindingDirectory). ReadFindingDirectory (finding_store.h) uses it.
absl::Status ReadStatsJson(absl::string_view text, absl::string_view path,
                           FindingSummary& s);

// "errno", "ntstatus", "win32": Outcome::native_kind in stats.json.
absl::optional<NativeKind> ParseNativeKind(absl::string_view name);

// report.md: a Markdown document ready to paste into an upstream issue.
std::string ReportMarkdown(const FindingSummary& summary);

}  // namespace openrace

#endif  // OPENRACE_HARNESS_REPORT_REPORT_H_
