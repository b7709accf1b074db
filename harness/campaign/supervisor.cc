// supervisor.cc — see supervisor.h.

#include "harness/campaign/supervisor.h"

#include <algorithm>
#include <filesystem>
#include <system_error>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "harness/base/file_util.h"
#include "harness/base/json_reader.h"
#include "harness/base/platform.h"
#include "harness/run/backend.h"
#include "harness/scenario/scenario_text.h"
#include "harness/store/finding_store.h"

namespace openrace {

struct Supervisor::Worker {
  uint64_t shard = 0;
  std::unique_ptr<ChildProcess> process;
  uint64_t restarts = 0;
  uint64_t deaths_without_progress = 0;
  bool finished = false;
  ShardCheckpoint last;  // the newest whole checkpoint read
  uint64_t last_beat = 0;
  absl::Time last_beat_seen;
};

Supervisor::Supervisor(SupervisorOptions options)
    : options_(std::move(options)), c_(options_.campaign),
      out_(AbsolutePath(c_.out)), state_dir_(out_ + "/.campaign"),
      crash_dir_(out_ + "/crashes"), start_(absl::Now()) {}

Supervisor::~Supervisor() = default;

absl::StatusOr<CampaignSummary> Supervisor::Run() {
  absl::Status status = Prepare();
  if (!status.ok()) return status;
  emergency_ = std::make_unique<EmergencyCleanup>([this] {
    std::vector<int64_t> pids;
    {
      std::lock_guard<std::mutex> lock(pids_mu_);
      pids = pids_;
    }
    StopChildrenNow(pids, absl::Seconds(3));
  });
  for (Worker& worker : workers_) {
    status = Start(worker);
    if (!status.ok()) {
      StopAll();
      WriteSummary(/*finished=*/true, /*interrupted=*/false);
      return status;
    }
  }
  PublishPids();
  WriteSummary(/*finished=*/false, /*interrupted=*/false);
  absl::Time last_summary = absl::Now();
  absl::Time last_progress = absl::InfinitePast();
  bool interrupted = false;
  for (;;) {
    absl::SleepFor(absl::Milliseconds(100));
    if (InterruptRequested()) {
      interrupted = true;
      StopAll();
      break;
    }
    bool all_finished = true;
    for (Worker& worker : workers_) {
      status = Watch(worker);
      if (!status.ok()) {
        StopAll();
        WriteSummary(/*finished=*/true, /*interrupted=*/false);
        return status;
      }
      all_finished &= worker.finished;
    }
    const absl::Time now = absl::Now();
    if (all_finished || now - last_summary >= absl::Seconds(2)) {
      LogNewFindings();
      WriteSummary(/*finished=*/false, /*interrupted=*/false);
      last_summary = now;
    }
    if (options_.progress && now - last_progress >= absl::Milliseconds(500)) {
      options_.progress(Summarize(/*finished=*/false, /*interrupted=*/false),
                        /*done=*/false);
      last_progress = now;
    }
    PublishPids();
    if (all_finished) break;
  }
  // Workers that had to be killed left their sandboxes.
  SweepLeftSandboxes(c_.dir, options_.log);
  if (c_.control_dir != c_.dir) SweepLeftSandboxes(c_.control_dir, options_.log);
  LogNewFindings();
  CampaignSummary summary = WriteSummary(/*finished=*/true, interrupted);
  if (options_.progress) options_.progress(summary, /*done=*/true);
  return summary;
}

absl::Status Supervisor::Prepare() {
  if (c_.dir.empty()) {
    return absl::InvalidArgumentError(
        "campaign needs --dir DIR, a directory on the file system under test");
  }
  if (options_.jobs == 0) {
    return absl::InvalidArgumentError("--jobs must be at least 1");
  }
  if (options_.worker_command.empty()) {
    return absl::InvalidArgumentError(
        "the supervisor has no command to start workers with");
  }
  if (options_.worker_timeout < 2 * c_.watchdog + absl::Seconds(1)) {
    return absl::InvalidArgumentError(absl::StrCat(
        "--worker-timeout ", absl::FormatDuration(options_.worker_timeout),
        " must exceed twice --watchdog (", absl::FormatDuration(c_.watchdog),
        "): a call the watchdog interrupts is not a hung worker"));
  }
  absl::Status status = MakeDirectories(state_dir_);
  if (status.ok()) status = MakeDirectories(crash_dir_);
  if (!status.ok()) return status;

  const CampaignIdentity identity{c_.seed, options_.jobs};
  absl::StatusOr<std::string> config = ReadFile(state_dir_ + "/config");
  if (config.ok()) {
    absl::StatusOr<CampaignIdentity> existing = ParseIdentity(*config);
    if (!existing.ok()) {
      return absl::DataLossError(absl::StrCat(
          state_dir_, "/config: ", existing.status().message()));
    }
    if (!(*existing == identity)) {
      return absl::FailedPreconditionError(absl::StrCat(
          out_, " holds a campaign with --seed ", existing->seed, " --jobs ",
          existing->jobs, "; resume it with those, or give another --out"));
    }
  } else {
    status = WriteFileAtomically(state_dir_ + "/config", PrintIdentity(identity));
    if (!status.ok()) return status;
  }
  absl::StatusOr<std::string> owner = ReadFile(state_dir_ + "/supervisor");
  int64_t owner_pid = 0;
  if (owner.ok() &&
      absl::SimpleAtoi(absl::StripAsciiWhitespace(*owner), &owner_pid) &&
      owner_pid != CurrentProcessId() && ProcessAlive(owner_pid)) {
    return absl::FailedPreconditionError(absl::StrCat(
        "another campaign (pid ", owner_pid, ") is running on ", out_));
  }
  status = WriteFileAtomically(state_dir_ + "/supervisor",
                               absl::StrCat(CurrentProcessId(), "\n"));
  if (!status.ok()) return status;
  SweepLeftSandboxes(c_.dir, options_.log);
  if (c_.control_dir != c_.dir) SweepLeftSandboxes(c_.control_dir, options_.log);

  // The progress series goes on from where a resumed campaign left it.
  if (absl::StatusOr<std::string> summary = ReadFile(out_ + "/summary.json");
      summary.ok()) {
    absl::StatusOr<JsonValue> doc = ParseJson(*summary);
    if (doc.ok() && doc->Has("series")) {
      absl::StatusOr<ProgressSeries> series =
          ProgressSeries::FromJson(doc->Get("series"));
      if (series.ok()) series_ = *std::move(series);
    }
  }
  absl::StatusOr<std::string> seconds = ReadFile(state_dir_ + "/seconds");
  double before = 0;
  if (seconds.ok() &&
      absl::SimpleAtod(absl::StripAsciiWhitespace(*seconds), &before)) {
    elapsed_before_ = absl::Seconds(before);
  }
  // Every worker of an earlier supervisor died with it: what they had
  // claimed and not finished is free for the new workers to resume. Their
  // minimizations did not crash (their supervisor was killed), so this is
  // not counted against the findings.
  for (const std::string& signature : FindingStore::ReleaseClaims(
           out_, 0, FindingStore::Release::kHolderStopped)) {
    Log(absl::StrCat("resuming ", signature, ", left unminimized"));
  }
  absl::StatusOr<FindingStore> store = FindingStore::Open(out_);
  if (!store.ok()) return store.status();
  for (const auto& [signature, n] : store->occurrences()) {
    known_.insert(signature);
  }
  for (uint64_t shard = 0; shard < options_.jobs; ++shard) {
    Worker worker;
    worker.shard = shard;
    worker.last = ShardCheckpoint::Fresh(shard, options_.jobs);
    absl::StatusOr<std::string> text = ReadFile(CheckpointPath(shard));
    if (text.ok()) {
      absl::StatusOr<ShardCheckpoint> parsed = ParseCheckpoint(*text);
      if (!parsed.ok()) {
        return absl::DataLossError(absl::StrCat(
            CheckpointPath(shard), ": ", parsed.status().message()));
      }
      worker.last = *std::move(parsed);
    }
    workers_.push_back(std::move(worker));
  }
  generator_ = GeneratorFor(
      c_.generator, c_.backend.empty() ? DefaultBackendName() : c_.backend);
  return absl::OkStatus();
}

std::string Supervisor::CheckpointPath(uint64_t shard) const {
  return absl::StrCat(state_dir_, "/shard-", shard);
}

std::string Supervisor::LogPath(uint64_t shard) const {
  return absl::StrCat(state_dir_, "/worker-", shard, ".log");
}

absl::Duration Supervisor::Remaining() const {
  if (c_.time <= absl::ZeroDuration()) return absl::InfiniteDuration();
  return c_.time - (absl::Now() - start_);
}

std::vector<std::string> Supervisor::WorkerArgs(uint64_t shard) const {
  std::vector<std::string> args = options_.worker_command;
  const std::vector<std::string> flags = {
      absl::StrCat("--shard=", shard),
      absl::StrCat("--jobs=", options_.jobs),
      "--dir=" + c_.dir,
      "--out=" + out_,
      absl::StrCat("--seed=", c_.seed),
      absl::StrCat("--minimize_time=", absl::FormatDuration(c_.minimize_time)),
      absl::StrCat("--watchdog=", absl::FormatDuration(c_.watchdog)),
      absl::StrCat("--max_threads=", c_.generator.max_threads),
      absl::StrCat("--max_ops=", c_.generator.max_ops_per_thread),
      absl::StrCat("--max_depth=", c_.generator.max_depth),
      absl::StrCat("--rounds=", c_.generator.rounds),
      c_.generator.mutations ? "--mutations" : "--nomutations",
      c_.minimize ? "--minimize" : "--nominimize",
      options_.pin_cpus ? "--pin_cpus" : "--nopin_cpus",
  };
  args.insert(args.end(), flags.begin(), flags.end());
  if (!c_.backend.empty()) args.push_back("--backend=" + c_.backend);
  if (!c_.control_dir.empty()) args.push_back("--control_dir=" + c_.control_dir);
  if (c_.scenarios) args.push_back(absl::StrCat("--scenarios=", c_.scenarios));
  const absl::Duration remaining = Remaining();
  if (remaining != absl::InfiniteDuration()) {
    // At least a millisecond: zero would mean "no time limit".
    args.push_back("--time=" + absl::FormatDuration(
                                   std::max(remaining, absl::Milliseconds(1))));
  }
  return args;
}

absl::Status Supervisor::Start(Worker& worker) {
  if (Remaining() <= absl::ZeroDuration() ||
      (c_.scenarios && worker.last.next >= c_.scenarios)) {
    worker.finished = true;
    return absl::OkStatus();
  }
  absl::StatusOr<std::unique_ptr<ChildProcess>> child =
      ChildProcess::Start(WorkerArgs(worker.shard), LogPath(worker.shard));
  if (!child.ok()) return child.status();
  worker.process = *std::move(child);
  worker.last_beat_seen = absl::Now();
  return absl::OkStatus();
}

// Reads the worker's checkpoint; a torn one (caught mid-rewrite) is skipped
// until the next poll.
void Supervisor::ReadCheckpoint(Worker& worker) {
  absl::StatusOr<std::string> text = ReadFile(CheckpointPath(worker.shard));
  if (!text.ok()) return;
  absl::StatusOr<ShardCheckpoint> parsed = ParseCheckpoint(*text);
  if (!parsed.ok()) return;
  worker.last = *std::move(parsed);
  if (worker.last.beat != worker.last_beat) {
    worker.last_beat = worker.last.beat;
    worker.last_beat_seen = absl::Now();
  }
}

absl::Status Supervisor::Watch(Worker& worker) {
  if (worker.finished || !worker.process) return absl::OkStatus();
  // The interrupt reached the workers too (a terminal's Ctrl-C goes to
  // the whole process group): how they end now is no crash. The next
  // pass stops them all.
  if (InterruptRequested()) return absl::OkStatus();
  absl::optional<ChildExit> exit = worker.process->Poll();
  if (exit) {
    if (!exit->signaled &&
        (exit->code == kWorkerExitClean || exit->code == kWorkerExitFound)) {
      ReadCheckpoint(worker);
      worker.finished = true;
      worker.process.reset();
      return absl::OkStatus();
    }
    if (!exit->signaled && exit->code == kWorkerExitUsage) {
      return absl::FailedPreconditionError(absl::StrCat(
          "worker ", worker.shard, " stopped: ", LastLogLine(worker)));
    }
    return Died(worker, exit->Describe());
  }
  ReadCheckpoint(worker);
  const absl::Duration quiet = absl::Now() - worker.last_beat_seen;
  if (quiet >= options_.worker_timeout) {
    worker.process->Kill();
    return Died(worker, absl::StrCat("hang: no heartbeat for ",
                                     absl::FormatDuration(absl::Trunc(
                                         quiet, absl::Seconds(1)))));
  }
  const uint64_t resident = worker.process->ResidentBytes();
  if (resident > options_.worker_rss_limit) {
    worker.process->Kill();
    return Died(worker, absl::StrCat("memory: resident ", resident >> 20,
                                     " MiB, over --worker-rss-limit (",
                                     options_.worker_rss_limit >> 20, " MiB)"));
  }
  return absl::OkStatus();
}

std::string Supervisor::LastLogLine(const Worker& worker) const {
  absl::StatusOr<std::string> log = ReadFile(LogPath(worker.shard));
  if (!log.ok()) return "(no log)";
  std::string text = std::string(absl::StripTrailingAsciiWhitespace(*log));
  const size_t newline = text.rfind('\n');
  text = newline == std::string::npos ? text : text.substr(newline + 1);
  // The worker's line says "openrace: ..." already.
  if (absl::StartsWith(text, "openrace: ")) text = text.substr(10);
  return text;
}

// The worker is dead (reaped). Records the scenario it died in, moves its
// shard past it, frees its claims and starts it again.
absl::Status Supervisor::Died(Worker& worker, const std::string& what) {
  const int64_t pid = worker.process->pid();
  worker.process.reset();
  // The dead worker wrote its checkpoint last; nobody writes it now.
  absl::StatusOr<std::string> text = ReadFile(CheckpointPath(worker.shard));
  if (text.ok()) {
    absl::StatusOr<ShardCheckpoint> parsed = ParseCheckpoint(*text);
    if (parsed.ok()) worker.last = *std::move(parsed);
  }
  ShardCheckpoint& checkpoint = worker.last;
  if (checkpoint.running) {
    const uint64_t index = checkpoint.next;
    absl::Status status = RecordCrash(worker.shard, index, what);
    if (!status.ok()) return status;
    checkpoint.running = false;
    checkpoint.next = NextIndexOfShard(checkpoint, index);
    status = WriteFileAtomically(CheckpointPath(worker.shard),
                                 PrintCheckpoint(checkpoint));
    if (!status.ok()) return status;
    worker.deaths_without_progress = 0;
  } else {
    Log(absl::StrCat("worker ", worker.shard, " (pid ", pid,
                     ") ended between scenarios: ", what));
    ++worker.deaths_without_progress;
  }
  // It died on its own (or was killed for a hang or its memory): a
  // minimization it was running counts as crashed.
  for (const std::string& signature : FindingStore::ReleaseClaims(
           out_, pid, FindingStore::Release::kHolderCrashed)) {
    Log(absl::StrCat("  ", signature,
                     " was being minimized; another worker takes it over"));
  }
  ++worker.restarts;
  if (worker.deaths_without_progress >= 5) {
    Log(absl::StrCat("worker ", worker.shard,
                     " died 5 times outside any scenario; its shard stops "
                     "(see ", LogPath(worker.shard), ")"));
    worker.finished = true;
    return absl::OkStatus();
  }
  return Start(worker);
}

absl::Status Supervisor::RecordCrash(uint64_t shard, uint64_t index,
                                     const std::string& what) {
  const std::string file = absl::StrCat(crash_dir_, "/", index, ".scn");
  const Scenario scenario = CampaignScenario(generator_, c_.seed, index);
  const std::string header = absl::StrCat(
      "# crash: ", what, "\n# scenario ", index, " of the campaign with seed ",
      c_.seed, ", shard ", shard, " of ", options_.jobs,
      "\n# replay: openrace replay ", file, " --dir DIR\n");
  Log(absl::StrCat("worker ", shard, " died in scenario ", index, " (", what,
                   "); recorded in ", file, ", going on"));
  return WriteFileAtomically(file, header + PrintScenario(scenario));
}

std::vector<CrashRecord> Supervisor::Crashes() const {
  std::vector<CrashRecord> crashes;
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator(crash_dir_, ec)) {
    const std::string name = entry.path().filename().string();
    CrashRecord crash;
    if (!absl::EndsWith(name, ".scn") ||
        !absl::SimpleAtoi(name.substr(0, name.size() - 4), &crash.index)) {
      continue;
    }
    crash.file = entry.path().string();
    crash.shard = crash.index % options_.jobs;
    absl::StatusOr<std::string> text = ReadFile(crash.file);
    if (text.ok() && absl::StartsWith(*text, "# crash: ")) {
      crash.what = text->substr(9, text->find('\n') - 9);
    }
    crashes.push_back(crash);
  }
  std::sort(crashes.begin(), crashes.end(),
            [](const CrashRecord& a, const CrashRecord& b) {
              return a.index < b.index;
            });
  return crashes;
}

void Supervisor::LogNewFindings() {
  absl::StatusOr<FindingStore> store = FindingStore::Open(out_);
  if (!store.ok()) return;
  findings_ = store->occurrences();
  for (const auto& [signature, n] : findings_) {
    if (known_.insert(signature).second) {
      new_findings_.push_back(signature);
      Log(absl::StrCat("new finding ", signature, ": ", out_, "/", signature,
                       "/found.scn"));
    }
  }
}

CampaignSummary Supervisor::Summarize(bool finished, bool interrupted) const {
  CampaignSummary s;
  s.seed = c_.seed;
  s.jobs = options_.jobs;
  std::vector<ShardCheckpoint> checkpoints;
  for (const Worker& worker : workers_) {
    checkpoints.push_back(worker.last);
    WorkerState state;
    state.shard = worker.shard;
    state.pid = worker.process ? worker.process->pid() : 0;
    state.restarts = worker.restarts;
    state.scenario = worker.last.next;
    state.finished = worker.finished;
    s.workers.push_back(state);
  }
  s.totals = SumCheckpoints(checkpoints);
  s.elapsed = elapsed_before_ + (absl::Now() - start_);
  s.interrupted = interrupted;
  s.finished = finished;
  s.out = out_;
  s.new_findings = new_findings_;
  s.findings = findings_;
  s.crashes = Crashes();
  s.updated = absl::Now();
  s.series = series_;
  return s;
}

CampaignSummary Supervisor::WriteSummary(bool finished, bool interrupted) {
  CampaignSummary s = Summarize(finished, interrupted);
  series_.Add({absl::ToDoubleSeconds(s.elapsed), s.totals.calls,
               s.totals.scenarios, s.findings.size()});
  s.series = series_;
  // summary.json is what a reader sees; `seconds` is what a resumed
  // campaign adds to.
  (void)WriteFileAtomically(out_ + "/summary.json", CampaignSummaryJson(s));
  (void)WriteFileAtomically(
      state_dir_ + "/seconds",
      absl::StrCat(absl::ToDoubleSeconds(s.elapsed), "\n"));
  return s;
}

void Supervisor::StopAll() {
  for (Worker& worker : workers_) {
    if (worker.process) worker.process->Terminate();
  }
  // A worker in the middle of a scenario finishes it and checkpoints; one
  // that takes too long is killed (its scenario is then re-run on resume,
  // not recorded as a crash).
  const absl::Time deadline = absl::Now() + c_.watchdog + absl::Seconds(5);
  for (Worker& worker : workers_) {
    if (!worker.process) continue;
    while (!worker.process->Poll() && absl::Now() < deadline) {
      absl::SleepFor(absl::Milliseconds(50));
    }
    worker.process->Kill();
    ReadCheckpoint(worker);
    worker.process.reset();
  }
  PublishPids();
}

void Supervisor::PublishPids() {
  std::vector<int64_t> pids;
  for (const Worker& worker : workers_) {
    if (worker.process) pids.push_back(worker.process->pid());
  }
  std::lock_guard<std::mutex> lock(pids_mu_);
  pids_ = std::move(pids);
}

void Supervisor::Log(const std::string& line) const {
  if (options_.log) options_.log(line);
}

}  // namespace openrace
