// commands.h — the subcommands of `openrace`, one file each
// (command_run.cc, command_replay.cc, ...), each run with one of the
// structs below, which command_line.h fills from the command line (every
// flag and value checked). Each returns the process exit status: 0 ran and
// found nothing, 1 found or reproduced a failure, 2 bad usage, bad input or
// an unusable environment (after printing one line that says why). 130:
// interrupted (SIGINT, SIGTERM or SIGHUP) before the end; main returns it
// for the commands that run scenarios (InterruptMeansIncomplete), whatever
// they found by then, so a script never reads a cut-short run as a clean
// one. A second interrupt ends the process at once, with 130 too, after
// removing its sandbox.

#ifndef OPENRACE_HARNESS_CLI_COMMANDS_H_
#define OPENRACE_HARNESS_CLI_COMMANDS_H_

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "harness/base/platform.h"
#include "harness/campaign/campaign.h"
#include "harness/judge/oracle.h"

namespace openrace {

inline constexpr int kExitClean = 0;
inline constexpr int kExitFound = 1;
inline constexpr int kExitUsage = 2;
inline constexpr int kExitInterrupted = kInterruptExitStatus;  // 130

struct RunCommand {
  CampaignOptions campaign;
  bool json = false;            // the summary as JSON on stdout
  bool demo = false;            // with the planted-bug emulator
  uint64_t stop_after = 0;      // stop after this many new findings
  std::string bind;             // SRC:DST: run through a bind mapping
};
int RunRun(RunCommand command);

// `openrace campaign` (command_campaign.cc): the supervisor.
struct CampaignCommand {
  CampaignOptions campaign;
  uint64_t jobs = 2;
  uint64_t worker_rss_limit = uint64_t{2} << 30;  // bytes
  absl::Duration worker_timeout = absl::Seconds(60);
  bool pin_cpus = true;  // each worker keeps to its share of the CPUs
  bool json = false;
};
int RunCampaignCommand(const CampaignCommand& command);

// `openrace campaign-worker` (command_campaign_worker.cc): shard `shard` of
// `jobs`, run by the supervisor.
struct CampaignWorkerCommand {
  CampaignOptions campaign;
  uint64_t jobs = 1;
  uint64_t shard = 0;
  bool pin_cpus = true;  // keep to CPU share `shard` of `jobs`
};
int RunCampaignWorker(CampaignWorkerCommand command);

struct ReplayCommand {
  std::vector<std::string> files;
  std::string dir;
  std::string backend;
  uint64_t rounds = 0;  // zero: each scenario's own
  bool json = false;
  absl::Duration watchdog = absl::Seconds(10);
  // --check: replay each file once per `# expect:` line and compare
  // (corpus_entry.h); exit 1 on any mismatch.
  bool check = false;
  std::string emulator;  // --check: the emulator library (default: found)
  // Reports for CI (replay_report.h), with or without --check: JUnit XML
  // and SARIF 2.1.0. Empty: none.
  std::string junit;
  std::string sarif;
};
int RunReplay(const ReplayCommand& command);

struct MinimizeCommand {
  std::string file;
  std::string dir;
  std::string backend;
  std::string out;        // default: minimized.scn beside FILE
  std::string signature;  // default: the first finding FILE shows
  absl::Duration time = absl::Minutes(5);
  uint64_t search_rounds = 0;  // rounds to look for the first finding
};
int RunMinimize(const MinimizeCommand& command);

struct BindCommand {
  std::string source;
  std::string target;
  absl::Duration time = absl::ZeroDuration();  // zero: until Ctrl-C
};
int RunBind(const BindCommand& command);

struct DoctorCommand {
  std::string dir;  // empty: describe the machine only
  bool json = false;
};
int RunDoctor(const std::string& dir, bool json);

struct EmitCommand {
  std::string file;
  std::string lang = "c-posix";  // c-posix, c-win32 or c-nt
  std::string out;               // empty: stdout
};
int RunEmit(const EmitCommand& command);

// Rebuilds DIR/report.md (and timeline.svg, bisect.svg) from a finding
// directory.
struct ReportCommand {
  std::string finding_dir;
};
int RunReport(const std::string& dir);

struct BisectCommand {
  std::string file;
  std::string dir;
  std::string control_dir;  // empty: no control-directory row
  std::string backend;
  std::string signature;    // default: the first finding FILE shows
  uint64_t rounds = 0;      // per variation; 0: from the as-found rate
  uint64_t search_rounds = 0;  // rounds to look for the first finding
  bool json = false;
  absl::Duration watchdog = absl::Seconds(10);
};
int RunBisect(const BisectCommand& command);

// `openrace merge OUT... --out MERGED` (merge.h). Exit 0 merged, 2 error.
struct MergeCommand {
  std::vector<std::string> inputs;
  std::string out;
  bool json = false;  // MERGED/summary.json on stdout
};
int RunMerge(const MergeCommand& command);

// `openrace dashboard OUT... --out SITE` (command_dashboard.cc): a static
// HTML site over campaign and merged outputs. Exit 0 written, 2 error.
struct DashboardCommand {
  std::vector<std::string> outputs;
  std::string out;  // SITE
};
int RunDashboard(const DashboardCommand& command);

// `openrace corpus add FINDING_DIR [--corpus DIR] [--name NAME]
// [--emulator-rule R]` (corpus_entry.h). Exit 0 added, 2 error.
struct CorpusAddCommand {
  std::string finding_dir;
  std::string corpus_dir = "corpus";
  std::string name;           // default: from the signature
  std::string emulator_rule;  // empty: a real bug, expected clean
};
int RunCorpusAdd(const CorpusAddCommand& command);

// Prints `status` as the one line that explains an exit 2.
int UsageError(const absl::Status& status);
// The same for an error that stopped a run writing findings to `out`; an
// environment error (outcome.h: no space, no descriptors) also says that
// the findings already written are kept, and how many there are.
int RunError(const absl::Status& status, const std::string& out);

// Removes the sandboxes killed runs left in `dir` and says how many on
// stderr (campaign.h: SweepLeftSandboxes); before a command makes its own.
void SweepBeforeRun(const std::string& dir);

// The --signature flag: empty gives nullopt; a malformed one an error that
// shows what a signature looks like.
absl::StatusOr<absl::optional<Signature>> ParseSignatureFlag(
    const std::string& text);

// An error for a command run without --dir.
absl::Status MissingDir(absl::string_view command);

// Reads, parses and validates a scenario file; errors name the file.
absl::StatusOr<Scenario> LoadScenario(const std::string& path);

}  // namespace openrace

#endif  // OPENRACE_HARNESS_CLI_COMMANDS_H_
