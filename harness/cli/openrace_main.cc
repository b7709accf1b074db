// openrace_main.cc — the `openrace` command: parses the command line
// (command_line.h: a flag table per command, every value checked) and runs
// the command it names.

#include <cstdio>
#include <string>
#include <type_traits>
#include <variant>
#include <vector>

#include "harness/base/platform.h"
#include "harness/base/provenance.h"
#include "harness/cli/command_line.h"
#include "harness/cli/commands.h"

namespace openrace {
namespace {

int Run(Invocation& invocation) {
  return std::visit(
      [](auto& command) -> int {
        using T = std::decay_t<decltype(command)>;
        if constexpr (std::is_same_v<T, RunCommand>) {
          return RunRun(std::move(command));
        } else if constexpr (std::is_same_v<T, CampaignCommand>) {
          return RunCampaignCommand(command);
        } else if constexpr (std::is_same_v<T, CampaignWorkerCommand>) {
          return RunCampaignWorker(std::move(command));
        } else if constexpr (std::is_same_v<T, ReplayCommand>) {
          return RunReplay(command);
        } else if constexpr (std::is_same_v<T, MinimizeCommand>) {
          return RunMinimize(command);
        } else if constexpr (std::is_same_v<T, BisectCommand>) {
          return RunBisect(command);
        } else if constexpr (std::is_same_v<T, EmitCommand>) {
          return RunEmit(command);
        } else if constexpr (std::is_same_v<T, ReportCommand>) {
          return RunReport(command.finding_dir);
        } else if constexpr (std::is_same_v<T, DoctorCommand>) {
          return RunDoctor(command.dir, command.json);
        } else if constexpr (std::is_same_v<T, BindCommand>) {
          return RunBind(command);
        } else if constexpr (std::is_same_v<T, MergeCommand>) {
          return RunMerge(command);
        } else if constexpr (std::is_same_v<T, DashboardCommand>) {
          return RunDashboard(command);
        } else {
          static_assert(std::is_same_v<T, CorpusAddCommand>);
          return RunCorpusAdd(command);
        }
      },
      invocation);
}

}  // namespace
}  // namespace openrace

int main(int argc, char** argv) {
  using namespace openrace;
  SetCommandLine(argc, argv);  // for the findings' provenance
  const std::vector<std::string> words(argv + (argc > 0 ? 1 : 0), argv + argc);
  absl::StatusOr<CommandLine> line = ParseCommandLine(words);
  if (!line.ok()) {
    std::fprintf(stderr, "%s\n", std::string(line.status().message()).c_str());
    return kExitUsage;
  }
  if (line->kind != CommandLine::kRun) {
    std::fputs(line->text.c_str(), stdout);
    return std::fflush(stdout) == 0 ? kExitClean : kExitUsage;
  }
  InstallInterruptHandler();
  const int status = Run(line->invocation);
  // A run cut short by Ctrl-C or SIGTERM is not a clean one, nor a
  // complete list of what it would have found.
  if (InterruptRequested() && InterruptMeansIncomplete(line->command)) {
    return kExitInterrupted;
  }
  return status;
}
