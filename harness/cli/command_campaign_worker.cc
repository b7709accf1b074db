// command_campaign_worker.cc — `openrace campaign-worker`: one shard of
// `openrace campaign`, started by its supervisor (campaign/supervisor.h), not
// by hand; it takes the campaign's flags and the hidden --shard K.
//
// Shard K of a campaign of --jobs N runs the scenario indices K, K+N, ...
// from its checkpoint OUT/.campaign/shard-K (campaign_state.h). The
// checkpoint is rewritten in place when a scenario starts (running = 1) and
// when it ends (next index, counters, this shard's occurrence counts), and
// by a heartbeat thread whose `beat` moves only while rounds are being
// run, so a worker whose main thread is stuck goes quiet and the
// supervisor kills it. The rewrites are not synced to disk: they survive
// the death of any process, only a power loss can tear the newest one, and
// then its hash says so.
//
// For the supervisor's tests, OPENRACE_CAMPAIGN_FAULT makes a worker fail
// when it starts a given scenario: `abort@17` (abort), `hang@17` (its main
// thread sleeps forever), `alloc@17` (allocates and touches memory until it
// is killed); several are separated by commas.

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <mutex>
#include <thread>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/time/clock.h"
#include "harness/campaign/campaign_state.h"
#include "harness/cli/commands.h"
#include "harness/base/file_util.h"
#include "harness/base/platform.h"
#include "harness/base/process.h"
#include "harness/judge/trial.h"

namespace openrace {
namespace {

// The checkpoint file, open for the worker's life and rewritten in place
// (padded to whole 4 KiB blocks, so a shorter record never leaves the tail
// of a longer one behind its end line).
class CheckpointFile {
 public:
  absl::Status Open(const std::string& path) {
    file_ = std::fopen(path.c_str(), "r+b");
    if (file_ == nullptr) file_ = std::fopen(path.c_str(), "w+b");
    if (file_ == nullptr) {
      return absl::FailedPreconditionError(absl::StrCat(
          "cannot open the checkpoint ", path, ": ", std::strerror(errno)));
    }
    return absl::OkStatus();
  }
  ~CheckpointFile() {
    if (file_ != nullptr) std::fclose(file_);
  }
  void Write(const ShardCheckpoint& checkpoint) {
    std::string text = PrintCheckpoint(checkpoint);
    text.append(4096 - text.size() % 4096, '\n');
    std::fseek(file_, 0, SEEK_SET);
    std::fwrite(text.data(), 1, text.size(), file_);
    std::fflush(file_);
  }

 private:
  std::FILE* file_ = nullptr;
};

struct Fault {
  std::string kind;
  uint64_t index = 0;
};

std::vector<Fault> FaultsFromEnvironment() {
  std::vector<Fault> faults;
  const char* spec = std::getenv("OPENRACE_CAMPAIGN_FAULT");
  if (spec == nullptr) return faults;
  for (absl::string_view item : absl::StrSplit(spec, ',', absl::SkipEmpty())) {
    std::vector<std::string> parts = absl::StrSplit(item, '@');
    Fault fault;
    if (parts.size() == 2 && absl::SimpleAtoi(parts[1], &fault.index)) {
      fault.kind = parts[0];
      faults.push_back(fault);
    }
  }
  return faults;
}

[[noreturn]] void Fail(const Fault& fault) {
  std::fprintf(stderr, "injected fault %s at scenario %llu\n",
               fault.kind.c_str(), static_cast<unsigned long long>(fault.index));
  std::fflush(stderr);
  if (fault.kind == "alloc") {
    std::vector<std::vector<char>> hoard;
    for (;;) {
      hoard.emplace_back(64 << 20, 'x');  // touched, so resident
      absl::SleepFor(absl::Milliseconds(20));
    }
  }
  if (fault.kind == "hang") {
    for (;;) absl::SleepFor(absl::Seconds(1));
  }
  std::abort();
}

}  // namespace

int RunCampaignWorker(CampaignWorkerCommand command) {
  CampaignOptions& c = command.campaign;
  const uint64_t jobs = command.jobs;
  const uint64_t shard = command.shard;
  if (jobs == 0 || shard >= jobs) {
    return UsageError(absl::InvalidArgumentError(
        absl::StrCat("campaign-worker: --shard ", shard, " is not below --jobs ", jobs)));
  }
  const std::string out = AbsolutePath(c.out);
  const std::string path = absl::StrCat(out, "/.campaign/shard-", shard);
  ShardCheckpoint checkpoint = ShardCheckpoint::Fresh(shard, jobs);
  absl::StatusOr<std::string> text = ReadFile(path);
  if (text.ok()) {
    absl::StatusOr<ShardCheckpoint> parsed = ParseCheckpoint(*text);
    if (!parsed.ok()) {
      return UsageError(absl::DataLossError(
          absl::StrCat(path, ": ", parsed.status().message())));
    }
    checkpoint = *std::move(parsed);
  }
  if (checkpoint.shard != shard || checkpoint.shards != jobs) {
    return UsageError(absl::FailedPreconditionError(absl::StrCat(
        path, " is shard ", checkpoint.shard, " of ", checkpoint.shards,
        ", not ", shard, " of ", jobs)));
  }
  checkpoint.pid = CurrentProcessId();
  CheckpointFile file;
  absl::Status opened = file.Open(path);
  if (!opened.ok()) return UsageError(opened);

  std::mutex mu;  // guards checkpoint and file
  auto write = [&] { file.Write(checkpoint); };
  {
    std::lock_guard<std::mutex> lock(mu);
    write();
  }
  const std::vector<Fault> faults = FaultsFromEnvironment();

  c.out = out;
  c.shards = jobs;
  // The workers share the machine's CPUs (the supervisor starts one per CPU
  // by default); each counts on its share, and keeps to it when pinned:
  // its threads then hand the CPU to each other instead of waking each
  // other across CPUs that another worker is using (no thread runs yet).
  const int pinned = command.pin_cpus ? KeepToCpuShare(shard, jobs) : 0;
  c.cpus = pinned > 0 ? pinned
                      : static_cast<int>(std::max<uint64_t>(1, UsableCpus() / jobs));
  c.first_index = checkpoint.next;
  c.writer = absl::StrCat("shard-", shard);
  c.own_occurrences = checkpoint.occurrences;
  c.scenario_started = [&](uint64_t index) {
    {
      std::lock_guard<std::mutex> lock(mu);
      checkpoint.next = index;
      checkpoint.running = true;
      ++checkpoint.beat;
      write();
    }
    for (const Fault& fault : faults) {
      if (fault.index == index) Fail(fault);
    }
  };
  c.scenario_finished = [&](uint64_t index, const ScenarioTally& tally) {
    std::lock_guard<std::mutex> lock(mu);
    checkpoint.running = false;
    checkpoint.next = NextIndexOfShard(checkpoint, index);
    ++checkpoint.scenarios;
    checkpoint.rounds += tally.rounds;
    checkpoint.calls += tally.calls;
    checkpoint.contended += tally.contended;
    checkpoint.call_cpu_ns += tally.call_cpu_ns;
    checkpoint.cpu_ns += tally.cpu_ns;
    for (const auto& [key, n] : tally.outcomes->ByKey()) {
      checkpoint.statuses[key] += n;
    }
    checkpoint.occurrences = *tally.own_occurrences;
    ++checkpoint.beat;
    write();
  };
  c.log = [](const std::string& line) {
    std::fprintf(stderr, "%s\n", line.c_str());
    std::fflush(stderr);
  };

  // The heartbeat: beats while rounds are run (a minimization between two
  // scenarios included), and never for a main thread that is stuck.
  std::atomic<bool> stop{false};
  std::thread heartbeat([&] {
    uint64_t last_rounds = RoundsRunInThisProcess();
    while (!stop.load()) {
      absl::SleepFor(absl::Milliseconds(250));
      const uint64_t rounds = RoundsRunInThisProcess();
      if (rounds == last_rounds) continue;
      last_rounds = rounds;
      std::lock_guard<std::mutex> lock(mu);
      ++checkpoint.beat;
      write();
    }
  });
  absl::StatusOr<CampaignResult> result = RunCampaign(c);
  stop = true;
  heartbeat.join();
  {
    std::lock_guard<std::mutex> lock(mu);
    write();
  }
  if (!result.ok()) return RunError(result.status(), out);
  return result->finding_events > 0 ? kExitFound : kExitClean;
}

}  // namespace openrace
