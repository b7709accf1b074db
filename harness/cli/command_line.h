// command_line.h — `openrace COMMAND [FLAGS] [ARGS]`: which command, its
// flags (a table per command, flags.h) and its arguments, turned into the
// command's struct of commands.h before anything runs.
//
//   words --> ParseCommandLine --> CommandLine
//                                    kRun:  one of commands.h's structs
//                                    kHelp, kVersion: text for stdout
//
// `openrace help` and `openrace --help` list the commands, one line each;
// `openrace help CMD` and `openrace CMD --help` show CMD's flags and an
// example; `openrace help --json` describes every command and flag for
// scripts (ci/check_k8s.py); `openrace version` and `--version` print the
// version. Every value is checked here, against the bounds the rest of
// openrace accepts (the validator's kMaxThreads, the watchdog's floor, ...):
// a bad one is one line and exit 2, never a run that fails later.
//
// Example:
//   absl::StatusOr<CommandLine> line =
//       ParseCommandLine({"replay", "x.scn", "--dir", "/mnt/t"});
//   // line->kind == CommandLine::kRun, line->command == "replay",
//   // std::get<ReplayCommand>(line->invocation).files == {"x.scn"}

#ifndef OPENRACE_HARNESS_CLI_COMMAND_LINE_H_
#define OPENRACE_HARNESS_CLI_COMMAND_LINE_H_

#include <string>
#include <variant>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "harness/cli/commands.h"
#include "harness/scenario/validate.h"

namespace openrace {

// Bounds of the flags, documented in their help.
inline constexpr uint64_t kMaxJobs = 256;
// A shorter watchdog calls a merely slow call (a page-cache miss, a
// scheduler hiccup) a hang.
inline constexpr absl::Duration kMinWatchdog = absl::Milliseconds(100);
// The generator adds two barriers and up to one close per call to a
// thread: this many calls stay within the validator's kMaxOpsPerThread.
inline constexpr int kMaxGeneratedOps = (static_cast<int>(kMaxOpsPerThread) - 2) / 2;
inline constexpr int kMaxGeneratedDepth = 32;

using Invocation =
    std::variant<RunCommand, CampaignCommand, CampaignWorkerCommand,
                 ReplayCommand, MinimizeCommand, BisectCommand, EmitCommand,
                 ReportCommand, DoctorCommand, BindCommand, MergeCommand,
                 DashboardCommand, CorpusAddCommand>;

struct CommandLine {
  enum Kind { kRun, kHelp, kVersion };
  Kind kind = kRun;
  std::string command;    // kRun: "run", "corpus", ...
  Invocation invocation;  // kRun
  std::string text;       // kHelp, kVersion: what to print on stdout
};

// `words` are the arguments after the program's name. An error's message
// is the one line to print ("openrace run: unknown flag --tme; did you
// mean --time?").
absl::StatusOr<CommandLine> ParseCommandLine(const std::vector<std::string>& words);

// Whether an interrupted `command` exits kExitInterrupted: a run that
// stopped early is not a clean one. Not `bind` (Ctrl-C is how it ends) nor
// `campaign-worker` (its supervisor reads its status).
bool InterruptMeansIncomplete(const std::string& command);

}  // namespace openrace

#endif  // OPENRACE_HARNESS_CLI_COMMAND_LINE_H_
