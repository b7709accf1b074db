// campaign_state.h — the pure parts of `openrace campaign`: which scenario
// indices a shard runs, a shard's checkpoint and its text form, the sum of
// the shards' counters, the byte-size flag, and summary.json.
//
// A campaign of N jobs is one campaign cut into N shards: shard K runs the
// scenario indices K, K+N, K+2N, ..., so the union over the shards is the
// campaign one process would run, and each shard can stop and go on at its
// own index. A shard's checkpoint (OUT/.campaign/shard-K) is the one place
// its progress lives; only one process writes it at a time (its worker, or
// the supervisor while that worker is dead).
//
// Example:
//   ShardCheckpoint c = ShardCheckpoint::Fresh(/*shard=*/1, /*shards=*/4);
//   c.next = NextIndexOfShard(c, c.next);  // 5
//   absl::StatusOr<ShardCheckpoint> back = ParseCheckpoint(PrintCheckpoint(c));

#ifndef OPENRACE_HARNESS_CAMPAIGN_CAMPAIGN_STATE_H_
#define OPENRACE_HARNESS_CAMPAIGN_CAMPAIGN_STATE_H_

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "absl/types/span.h"
#include "harness/report/progress_series.h"

namespace openrace {

struct ShardCheckpoint {
  uint64_t shard = 0;
  uint64_t shards = 1;
  uint64_t next = 0;     // the first index of this shard not yet finished
  bool running = false;  // a worker is (or was, when it died) inside `next`
  uint64_t scenarios = 0;
  uint64_t rounds = 0;
  uint64_t calls = 0;
  uint64_t contended = 0;  // calls that met another thread's (contention.h)
  uint64_t call_cpu_ns = 0;  // CPU inside the calls (CampaignResult::call_cpu_ns)
  uint64_t cpu_ns = 0;     // the workers' CPU time over the scenarios
  uint64_t beat = 0;     // counts up while the worker makes progress
  int64_t pid = 0;       // the worker that wrote it
  std::map<std::string, uint64_t> statuses;     // OutcomeHistogramKey -> n
  std::map<std::string, uint64_t> occurrences;  // this shard's, by signature

  static ShardCheckpoint Fresh(uint64_t shard, uint64_t shards);
  friend bool operator==(const ShardCheckpoint&, const ShardCheckpoint&) = default;
};

// The scenario index that follows `index` in its shard.
inline uint64_t NextIndexOfShard(const ShardCheckpoint& c, uint64_t index) {
  return index + c.shards;
}

// Whether shard `shard` of `shards` runs scenario `index`.
inline bool ShardRuns(uint64_t shard, uint64_t shards, uint64_t index) {
  return index % shards == shard;
}

// A line-oriented text that ends with `end <hash>`; the hash (FNV-1a of
// everything before it) lets a reader tell a whole record from one caught
// in the middle of being rewritten.
std::string PrintCheckpoint(const ShardCheckpoint& checkpoint);
// Fails on a torn or malformed record, and on one whose shard arithmetic is
// wrong (`next` not in the shard).
absl::StatusOr<ShardCheckpoint> ParseCheckpoint(absl::string_view text);

struct CampaignTotals {
  uint64_t scenarios = 0;
  uint64_t rounds = 0;
  uint64_t calls = 0;
  uint64_t contended = 0;
  uint64_t call_cpu_ns = 0;
  uint64_t cpu_ns = 0;
  std::map<std::string, uint64_t> statuses;
};
CampaignTotals SumCheckpoints(absl::Span<const ShardCheckpoint> shards);

// "512M", "2G", "1048576" (bytes), "64K"; powers of 1024.
absl::StatusOr<uint64_t> ParseByteSize(absl::string_view text);

// OUT/.campaign/config: the flags that fix which scenarios the campaign
// runs. A resumed campaign must give the same ones.
struct CampaignIdentity {
  uint64_t seed = 1;
  uint64_t jobs = 1;
  friend bool operator==(const CampaignIdentity&, const CampaignIdentity&) = default;
};
std::string PrintIdentity(const CampaignIdentity& identity);
absl::StatusOr<CampaignIdentity> ParseIdentity(absl::string_view text);

// A worker death that the campaign survived: OUT/crashes/<index>.scn.
struct CrashRecord {
  uint64_t index = 0;
  uint64_t shard = 0;
  std::string what;  // "signal 6 (SIGABRT)", "hang: no heartbeat for 30s"
  std::string file;
};

struct WorkerState {
  uint64_t shard = 0;
  int64_t pid = 0;  // 0: not running
  uint64_t restarts = 0;
  uint64_t scenario = 0;  // the index it runs (or will run next)
  bool finished = false;
};

struct CampaignSummary {
  uint64_t seed = 1;
  uint64_t jobs = 1;
  CampaignTotals totals;
  absl::Duration elapsed;  // over every run of this OUT
  bool interrupted = false;
  bool finished = false;
  std::string out;
  std::vector<std::string> new_findings;      // by this run
  std::map<std::string, uint64_t> findings;   // signature -> occurrences
  std::vector<WorkerState> workers;
  std::vector<CrashRecord> crashes;
  absl::Time updated;
  // (seconds, calls, scenarios, findings) each time summary.json was
  // written, over every run of this OUT, bounded (progress_series.h).
  ProgressSeries series;
};

class JsonWriter;
// summary.json's "call_cpu_seconds" (CPU time inside the calls under test,
// summed over threads, estimated from sampled rounds: TrialResult), the
// "cpu_seconds" the runs used, and
// "call_share_of_cpu": how much of the harness's CPU went to the file
// system. `openrace run` and `openrace campaign` write the same keys.
void WriteCallShare(JsonWriter& json, uint64_t call_cpu_ns, uint64_t cpu_ns);

// The keys of `openrace run`'s summary.json (seed, scenarios, rounds, calls,
// seconds, calls_per_second, interrupted, out, new_findings, findings,
// series) and jobs, statuses, workers, crashes, updated, finished; series
// last, since it is the longest.
std::string CampaignSummaryJson(const CampaignSummary& summary);

}  // namespace openrace

#endif  // OPENRACE_HARNESS_CAMPAIGN_CAMPAIGN_STATE_H_
