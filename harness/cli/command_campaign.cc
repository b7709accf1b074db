// command_campaign.cc — `openrace campaign`: the flags to SupervisorOptions,
// the supervisor (harness/campaign/supervisor.h) run with workers that are
// this binary's `campaign-worker` (command_campaign_worker.cc), its
// progress on stderr (cli/progress.h), and the summary and exit status at
// the end.

#include <cstdio>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "harness/base/platform.h"
#include "harness/base/process.h"
#include "harness/campaign/supervisor.h"
#include "harness/cli/commands.h"
#include "harness/cli/progress.h"

namespace openrace {

int RunCampaignCommand(const CampaignCommand& command) {
  if (command.campaign.dir.empty()) return UsageError(MissingDir("campaign"));
  SupervisorOptions options;
  options.campaign = command.campaign;
  options.jobs = command.jobs;
  options.worker_rss_limit = command.worker_rss_limit;
  options.pin_cpus = command.pin_cpus;
  options.worker_timeout = command.worker_timeout;
  const std::string self = SelfExecutablePath();
  if (self.empty()) {
    return UsageError(absl::FailedPreconditionError(
        "cannot find this executable's path to start workers"));
  }
  options.worker_command = {self, "campaign-worker"};

  ProgressPrinter printer;
  options.log = [&printer](const std::string& line) { printer.Log(line); };
  options.progress = [&printer](const CampaignSummary& s, bool done) {
    uint64_t restarts = 0;
    for (const WorkerState& worker : s.workers) restarts += worker.restarts;
    // The totals count every run of this OUT, and so does the time.
    printer.Update({absl::ToDoubleSeconds(s.elapsed), s.totals.scenarios,
                    s.totals.calls, s.findings.size(),
                    absl::StrFormat("jobs %d, restarts %d, crashes %d", s.jobs,
                                    restarts, s.crashes.size())},
                   done);
  };

  absl::StatusOr<CampaignSummary> result = Supervisor(options).Run();
  if (!result.ok()) return UsageError(result.status());
  const CampaignSummary& s = *result;
  if (command.json) {
    std::fputs(CampaignSummaryJson(s).c_str(), stdout);
  } else {
    RunSummary summary;
    summary.scenarios = s.totals.scenarios;
    summary.calls = s.totals.calls;
    summary.seconds = absl::ToDoubleSeconds(s.elapsed);
    summary.seed = s.seed;
    summary.extra = absl::StrCat(", ", s.jobs, " jobs, ", s.crashes.size(),
                                 " crashes survived");
    summary.interrupted = s.interrupted;
    summary.out = s.out;
    summary.findings = s.findings;
    summary.new_findings = s.new_findings;
    PrintRunSummary(summary);
  }
  if (s.interrupted) return kExitInterrupted;
  return s.findings.empty() ? kExitClean : kExitFound;
}

}  // namespace openrace
