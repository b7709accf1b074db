// supervisor.h — `openrace campaign`: one campaign run in --jobs worker
// processes, supervised so that it survives anything one of them does.
//
// Outline of the process:
//   Supervisor::Run -> Prepare (OUT/.campaign: config, checkpoints, claims)
//   -> Start each worker -> poll: Watch -> Died -> RecordCrash -> Start
//   -> WriteSummary (OUT/summary.json) -> the CampaignSummary.
// Worker K runs the scenario indices K, K+N, ... (campaign_state.h) and
// keeps its progress in its checkpoint OUT/.campaign/shard-K, which the
// supervisor reads a few times a second:
//   - the worker ended with 0 or 1: its share is done (time or --scenarios
//     spent);
//   - it ended with 2: an unusable environment; the campaign stops with the
//     worker's own last line;
//   - it died otherwise (a signal, another status), went quiet for
//     `worker_timeout` (no heartbeat), or grew past `worker_rss_limit`
//     (killed): the scenario it was in is written to
//     OUT/crashes/<index>.scn with what happened, the shard's checkpoint
//     moves past it, the claims on findings it had not finished are
//     released and counted as a crash of their minimization (two give the
//     finding up, finding_store.h), and the worker starts again from its
//     checkpoint.
// OUT/summary.json is rewritten (atomically) every two seconds and at the
// end. The supervisor keeps nothing that is not in OUT: killed with
// SIGKILL, its workers die with it (process.h), and the same campaign on
// the same OUT goes on where the checkpoints say, releases the claims of
// findings left unminimized without counting them as crashes (the workers
// resume them), and adds to the counters. OUT/.campaign/config fixes the
// seed and the number of jobs: a resume with other values is refused,
// because they decide which scenarios each shard runs.
//
// A worker is `worker_command` followed by the campaign's flags
// (--shard=K --jobs=N --dir=... --out=... --seed=... and the rest, see
// WorkerArgs in supervisor.cc); the `openrace` command gives
// {its own path, "campaign-worker"}, a test a script that plays a worker.
//
// Example:
//   SupervisorOptions options;
//   options.campaign.dir = "/mnt/under-test";
//   options.campaign.out = "findings";
//   options.jobs = 4;
//   options.worker_command = {SelfExecutablePath(), "campaign-worker"};
//   absl::StatusOr<CampaignSummary> summary = Supervisor(options).Run();

#ifndef OPENRACE_HARNESS_CAMPAIGN_SUPERVISOR_H_
#define OPENRACE_HARNESS_CAMPAIGN_SUPERVISOR_H_

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "harness/base/platform.h"
#include "harness/base/process.h"
#include "harness/campaign/campaign.h"
#include "harness/campaign/campaign_state.h"

namespace openrace {

// How a worker's exit status reads to its supervisor (the `openrace` exit
// statuses): 0 and 1 its share is done, 2 an unusable environment.
inline constexpr int kWorkerExitClean = 0;
inline constexpr int kWorkerExitFound = 1;
inline constexpr int kWorkerExitUsage = 2;

struct SupervisorOptions {
  CampaignOptions campaign;  // dir, out, seed, time, scenarios, ...
  uint64_t jobs = 2;
  uint64_t worker_rss_limit = uint64_t{2} << 30;  // bytes
  absl::Duration worker_timeout = absl::Seconds(60);
  bool pin_cpus = true;  // each worker keeps to its share of the CPUs
  // The program and first arguments of a worker; the campaign's flags
  // follow. Required.
  std::vector<std::string> worker_command;
  // Event lines (a crash survived, a new finding); progress about twice a
  // second (`done` on the last call). Either may be empty.
  std::function<void(const std::string& line)> log;
  std::function<void(const CampaignSummary& summary, bool done)> progress;
};

class Supervisor {
 public:
  explicit Supervisor(SupervisorOptions options);
  ~Supervisor();
  Supervisor(const Supervisor&) = delete;
  Supervisor& operator=(const Supervisor&) = delete;

  // Runs the campaign to its end (every shard done), an interrupt
  // (InterruptRequested(): the workers are asked to stop, and the summary
  // says `interrupted`), or an error: bad options, an OUT that holds
  // another campaign or is in use by a live supervisor, a worker that
  // cannot be started, or one that exited 2 (its line in the message).
  // OUT/summary.json is written in every case but the first two.
  absl::StatusOr<CampaignSummary> Run();

 private:
  struct Worker;

  absl::Status Prepare();
  std::string CheckpointPath(uint64_t shard) const;
  std::string LogPath(uint64_t shard) const;
  absl::Duration Remaining() const;
  std::vector<std::string> WorkerArgs(uint64_t shard) const;
  absl::Status Start(Worker& worker);
  void ReadCheckpoint(Worker& worker);
  absl::Status Watch(Worker& worker);
  std::string LastLogLine(const Worker& worker) const;
  absl::Status Died(Worker& worker, const std::string& what);
  absl::Status RecordCrash(uint64_t shard, uint64_t index,
                           const std::string& what);
  std::vector<CrashRecord> Crashes() const;
  void LogNewFindings();
  CampaignSummary Summarize(bool finished, bool interrupted) const;
  CampaignSummary WriteSummary(bool finished, bool interrupted);
  void StopAll();
  // Copies the running workers' pids for the emergency cleanup.
  void PublishPids();
  void Log(const std::string& line) const;

  const SupervisorOptions options_;
  const CampaignOptions& c_;
  const std::string out_;
  const std::string state_dir_;
  const std::string crash_dir_;
  const absl::Time start_;
  GeneratorOptions generator_;
  absl::Duration elapsed_before_;
  std::vector<Worker> workers_;
  std::set<std::string> known_;
  std::vector<std::string> new_findings_;
  std::map<std::string, uint64_t> findings_;
  ProgressSeries series_;  // one point per summary written, resumed from OUT
  // A second interrupt ends the supervisor at once: its emergency cleanup
  // (platform.h) passes the interrupt on to the running workers, so each
  // removes its sandbox, and waits a moment for them.
  std::mutex pids_mu_;
  std::vector<int64_t> pids_;  // guarded by pids_mu_
  std::unique_ptr<EmergencyCleanup> emergency_;
};

}  // namespace openrace

#endif  // OPENRACE_HARNESS_CAMPAIGN_SUPERVISOR_H_
