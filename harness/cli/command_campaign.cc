// command_campaign.cc — `openrace campaign`: the flags to SupervisorOptions,
// the supervisor (harness/campaign/supervisor.h) run with workers that are
// this binary's `campaign-worker` (command_campaign_worker.cc), its
// progress on stderr, and the summary and exit status at the end.

#include <cstdio>
#include <string>

#include "absl/strings/str_format.h"
#include "absl/time/clock.h"
#include "harness/base/platform.h"
#include "harness/base/process.h"
#include "harness/campaign/supervisor.h"
#include "harness/cli/commands.h"

namespace openrace {
namespace {

std::string Human(double n) {
  if (n >= 1e6) return absl::StrFormat("%.1fM", n / 1e6);
  if (n >= 1e4) return absl::StrFormat("%.0fk", n / 1e3);
  return absl::StrFormat("%.0f", n);
}

std::string ProgressLine(const CampaignSummary& s, absl::Duration elapsed) {
  uint64_t restarts = 0;
  for (const WorkerState& worker : s.workers) restarts += worker.restarts;
  return absl::StrFormat(
      "[%5.0fs] scenarios %s | calls %s | findings %d | jobs %d, restarts "
      "%d, crashes %d",
      absl::ToDoubleSeconds(elapsed), Human(s.totals.scenarios),
      Human(s.totals.calls), s.findings.size(), s.jobs, restarts,
      s.crashes.size());
}

}  // namespace

int RunCampaignCommand(const CampaignCommand& command) {
  if (command.campaign.dir.empty()) return UsageError(MissingDir("campaign"));
  SupervisorOptions options;
  options.campaign = command.campaign;
  options.jobs = command.jobs;
  options.worker_rss_limit = command.worker_rss_limit;
  options.worker_timeout = command.worker_timeout;
  const std::string self = SelfExecutablePath();
  if (self.empty()) {
    return UsageError(absl::FailedPreconditionError(
        "cannot find this executable's path to start workers"));
  }
  options.worker_command = {self, "campaign-worker"};

  const bool tty = StderrIsTerminal();
  const absl::Time start = absl::Now();
  absl::Time last_line = absl::InfinitePast();
  options.log = [tty](const std::string& line) {
    if (tty) std::fputs("\r\033[K", stderr);
    std::fprintf(stderr, "%s\n", line.c_str());
    std::fflush(stderr);
  };
  options.progress = [&](const CampaignSummary& s, bool done) {
    const std::string line = ProgressLine(s, absl::Now() - start);
    if (tty) {
      std::fprintf(stderr, "\r\033[K%s", line.c_str());
      if (done) std::fputc('\n', stderr);
    } else if (done || absl::Now() - last_line >= absl::Seconds(10)) {
      last_line = absl::Now();
      std::fprintf(stderr, "%s\n", line.c_str());
    }
    std::fflush(stderr);
  };

  absl::StatusOr<CampaignSummary> result = Supervisor(options).Run();
  if (!result.ok()) return UsageError(result.status());
  const CampaignSummary& s = *result;
  if (command.json) {
    std::fputs(CampaignSummaryJson(s).c_str(), stdout);
  } else {
    const double seconds = absl::ToDoubleSeconds(s.elapsed);
    std::printf(
        "openrace: %llu scenarios, %llu calls in %.1fs (%s calls/s), seed "
        "%llu, %llu jobs, %zu crashes survived%s; %zu findings in %s\n",
        static_cast<unsigned long long>(s.totals.scenarios),
        static_cast<unsigned long long>(s.totals.calls), seconds,
        Human(seconds > 0 ? s.totals.calls / seconds : 0).c_str(),
        static_cast<unsigned long long>(s.seed),
        static_cast<unsigned long long>(s.jobs), s.crashes.size(),
        s.interrupted ? " (interrupted)" : "", s.findings.size(),
        s.out.c_str());
  }
  if (s.interrupted) return kExitInterrupted;
  return s.findings.empty() ? kExitClean : kExitFound;
}

}  // namespace openrace
