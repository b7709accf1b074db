// campaign.h — `openrace run`: generate scenarios, run them, and turn every
// new bug into a finding directory.
//
// The loop reads top-down: RunCampaign -> RunOneScenario -> HandleFinding
// -> Explain.
// Scenario i is generated from a generator seeded with (seed, i), so a
// campaign is reproducible and a finding names the index that made it.
// Each new signature is first checked against the findings already in OUT:
// another signature of the same bug (SameBug: the same op kind, status and
// native code — the anchor and whether the retry failed may differ) is
// recorded as a variant of that finding (finding_store.h), counted and
// listed in its report, and not minimized again. Otherwise it is a new
// finding: written at once (found.scn), then minimized and pinned
// (minimizer.h), emitted as C, drawn as a timeline, bisected (with a
// control directory on another volume when given) and reported, each file
// as soon as it is ready; a known signature only adds to its count.
// A scenario's rounds follow how well its calls overlap (contention.h):
// after a probe of 20 rounds, it gets its `rounds` times the calls per
// round that contended with another thread, at most 4 times its `rounds`;
// one whose calls never met another thread's gets only the probe.
//
// The budget: with `time` set, the run ends by start + time plus a grace of
// one round (a hung call: the watchdog) and the writing of the files,
// minimization and bisection included. A new finding may use, of the time
// left when it is made, up to kMinimizeShare for minimizing and pinning
// (and at most minimize_time), and up to kExplainShare in all, bisection
// included; the rest goes back to fuzzing and later findings. A trial runs
// on a prober whose deadline is the end of the step it belongs to, so no
// step outlives its share. Whatever is done when the time runs out is
// written: the best scenario so far as minimized.scn, with stats.json's
// "minimized": "partial".
//
// Threads and ops count from 1 in every file and line the campaign writes.
//
// A campaign can also be one shard of `openrace campaign` (campaign_state.h):
// it then runs the indices first_index, first_index + shards, ..., counts
// into its own occurrence files, claims each new signature before it
// minimizes it (so across workers each is minimized once), finishes the
// findings a dead worker left unminimized, and reports each scenario's
// start and end to its caller, which keeps the shard's checkpoint.
//
// Example:
//   CampaignOptions options;
//   options.dir = "/tmp/x";
//   options.out = "findings";
//   options.time = absl::Seconds(30);
//   absl::StatusOr<CampaignResult> result = RunCampaign(options);

#ifndef OPENRACE_HARNESS_CAMPAIGN_CAMPAIGN_H_
#define OPENRACE_HARNESS_CAMPAIGN_CAMPAIGN_H_

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "harness/judge/judge_stats.h"
#include "harness/scenario/generator.h"
#include "harness/run/outcome.h"

namespace openrace {

struct CampaignProgress {
  absl::Duration elapsed;
  uint64_t scenarios = 0;
  uint64_t calls = 0;
  uint64_t findings = 0;  // distinct signatures, this run and resumed
  std::string activity;   // "fuzzing", "minimizing <signature>"
};

// What one scenario of a shard did, for its checkpoint.
struct ScenarioTally {
  uint64_t rounds = 0;
  uint64_t calls = 0;
  uint64_t contended = 0;  // calls that met another thread's (contention.h)
  uint64_t call_cpu_ns = 0;  // CPU inside the calls (TrialResult::call_cpu_ns)
  // The process's CPU time since the shard's previous scenario finished
  // (ProcessCpuNanos): the scenario's, its minimizations included.
  uint64_t cpu_ns = 0;
  const OutcomeHistogram* outcomes = nullptr;
  // This writer's occurrence counts after the scenario, by signature.
  const std::map<std::string, uint64_t>* own_occurrences = nullptr;
};

struct CampaignOptions {
  std::string dir;          // the sandbox is made under it
  std::string out = "openrace-out";
  std::string backend;      // empty: the platform's default
  std::string control_dir;  // another volume, for the bisection's control
  absl::Duration time = absl::ZeroDuration();  // zero: no time limit
  uint64_t scenarios = 0;   // zero: no count limit
  uint64_t seed = 1;
  uint64_t stop_after_new = 0;  // stop after this many new signatures
  bool minimize = true;
  absl::Duration minimize_time = absl::Minutes(5);
  absl::Duration watchdog = absl::Seconds(10);
  // The CPUs this campaign's executor may count on (ExecutorOptions::cpus);
  // 0: all the process may use. `campaign --jobs N` gives each worker its
  // share, so that waiting threads sleep rather than spin against the
  // other workers.
  int cpus = 0;
  GeneratorOptions generator;
  // The clock the budget is kept on; null: absl::Now. A unit test injects
  // one (the trials themselves are then not cut short by it).
  std::function<absl::Time()> clock;
  // --- one shard of `openrace campaign` -------------------------------------
  uint64_t shards = 1;        // the step between the indices this one runs
  uint64_t first_index = 0;   // the first index it runs
  std::string writer;         // non-empty: claim findings, count into
                              // occurrences.<writer> (finding_store.h)
  std::map<std::string, uint64_t> own_occurrences;  // the writer's checkpoint
  std::function<void(uint64_t index)> scenario_started;
  std::function<void(uint64_t index, const ScenarioTally&)> scenario_finished;
  // Called about twice a second, and once at the end.
  std::function<void(const CampaignProgress&)> progress;
  // Called with each event line (a new finding, a minimizer step).
  std::function<void(const std::string&)> log;
};

struct CampaignResult {
  uint64_t scenarios = 0;
  uint64_t rounds = 0;
  uint64_t calls = 0;
  uint64_t contended = 0;  // calls that met another thread's (contention.h)
  // CPU time inside the calls under test (TrialResult::call_cpu_ns) and
  // the CPU time the process used meanwhile (ProcessCpuNanos): their ratio
  // is the share of the CPU that went to the file system rather than to
  // the harness (summary.json).
  uint64_t call_cpu_ns = 0;
  uint64_t cpu_ns = 0;
  absl::Duration elapsed;
  bool interrupted = false;
  uint64_t finding_events = 0;  // scenarios x signatures that failed
  std::vector<std::string> new_signatures;     // found by this run
  std::vector<std::string> new_variants;       // recorded by this run
  std::map<std::string, uint64_t> occurrences;  // every finding in OUT
  std::map<std::string, std::string> variants;  // variant -> its finding
  JudgeStats judge;  // what the oracle judged, over the scenarios run
  // Non-empty when the sandbox could not be removed at the end: why (the
  // call and its error; the remains are left under `dir`).
  std::string sandbox_left;
};

// The shares of the time left that a new finding may spend (see above).
inline constexpr double kMinimizeShare = 0.6;
inline constexpr double kExplainShare = 0.85;

// Until when a finding made at `now` may minimize, and explain, under the
// run's `deadline` (InfiniteFuture: no time limit, then minimizing gets
// `minimize_time` and explaining is not limited).
struct FindingBudget {
  absl::Time minimize_until;
  absl::Time explain_until;
};
FindingBudget BudgetForFinding(absl::Time now, absl::Time deadline,
                               absl::Duration minimize_time);

// Fails (with one clear line) when the directory, the backend or OUT is
// unusable; a finding never makes it fail.
absl::StatusOr<CampaignResult> RunCampaign(const CampaignOptions& options);

// Removes the sandboxes that killed runs left in `dir` (sandbox.h:
// SweepStaleSandboxes) and says so through `log` when there were any:
// "removed 2 sandboxes left by killed runs in DIR". Returns how many.
uint64_t SweepLeftSandboxes(const std::string& dir,
                            const std::function<void(const std::string&)>& log);

// The seed of scenario `index` in a campaign seeded with `seed`.
uint64_t ScenarioSeed(uint64_t seed, uint64_t index);

// The generator options a campaign on `backend` uses (the anchors that
// backend can spell), and scenario `index` of the campaign seeded with
// `seed` under them: the supervisor regenerates a scenario that killed a
// worker this way, to record it.
GeneratorOptions GeneratorFor(const GeneratorOptions& options,
                              absl::string_view backend);
Scenario CampaignScenario(const GeneratorOptions& adapted, uint64_t seed,
                          uint64_t index);

}  // namespace openrace

#endif  // OPENRACE_HARNESS_CAMPAIGN_CAMPAIGN_H_
