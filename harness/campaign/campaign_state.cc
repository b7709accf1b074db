// campaign_state.cc — see campaign_state.h.

#include "harness/campaign/campaign_state.h"

#include <algorithm>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "harness/base/json.h"

namespace openrace {
namespace {

constexpr absl::string_view kCheckpointHeader = "openrace-shard 1";
constexpr absl::string_view kIdentityHeader = "openrace-campaign 1";

uint64_t Fnv1a(absl::string_view text) {
  uint64_t hash = 0xcbf29ce484222325ull;
  for (unsigned char c : text) {
    hash ^= c;
    hash *= 0x100000001b3ull;
  }
  return hash;
}

absl::Status Malformed(absl::string_view what, absl::string_view line) {
  return absl::DataLossError(absl::StrCat(what, ": '", line, "'"));
}

}  // namespace

ShardCheckpoint ShardCheckpoint::Fresh(uint64_t shard, uint64_t shards) {
  ShardCheckpoint c;
  c.shard = shard;
  c.shards = shards;
  c.next = shard;
  return c;
}

std::string PrintCheckpoint(const ShardCheckpoint& c) {
  std::string text = absl::StrCat(kCheckpointHeader, "\n");
  absl::StrAppend(&text, "shard ", c.shard, " ", c.shards, "\n");
  absl::StrAppend(&text, "next ", c.next, "\n");
  absl::StrAppend(&text, "running ", c.running ? 1 : 0, "\n");
  absl::StrAppend(&text, "scenarios ", c.scenarios, "\n");
  absl::StrAppend(&text, "rounds ", c.rounds, "\n");
  absl::StrAppend(&text, "calls ", c.calls, "\n");
  absl::StrAppend(&text, "contended ", c.contended, "\n");
  absl::StrAppend(&text, "call_cpu_ns ", c.call_cpu_ns, "\n");
  absl::StrAppend(&text, "cpu_ns ", c.cpu_ns, "\n");
  absl::StrAppend(&text, "beat ", c.beat, "\n");
  absl::StrAppend(&text, "pid ", c.pid, "\n");
  for (const auto& [key, n] : c.statuses) {
    absl::StrAppend(&text, "status ", key, " ", n, "\n");
  }
  for (const auto& [signature, n] : c.occurrences) {
    absl::StrAppend(&text, "occurrences ", signature, " ", n, "\n");
  }
  absl::StrAppend(&text, "end ", Fnv1a(text), "\n");
  return text;
}

absl::StatusOr<ShardCheckpoint> ParseCheckpoint(absl::string_view text) {
  const size_t end = text.rfind("\nend ");
  if (end == absl::string_view::npos) {
    return absl::DataLossError("checkpoint has no end line");
  }
  const absl::string_view body = text.substr(0, end + 1);
  absl::string_view end_line = text.substr(end + 5);
  end_line = end_line.substr(0, end_line.find('\n'));
  uint64_t hash = 0;
  if (!absl::SimpleAtoi(end_line, &hash) || hash != Fnv1a(body)) {
    return absl::DataLossError("checkpoint is torn (its hash does not match)");
  }
  std::vector<absl::string_view> lines =
      absl::StrSplit(body, '\n', absl::SkipEmpty());
  if (lines.empty() || lines[0] != kCheckpointHeader) {
    return absl::DataLossError("not a shard checkpoint");
  }
  ShardCheckpoint c;
  for (size_t i = 1; i < lines.size(); ++i) {
    std::vector<absl::string_view> w = absl::StrSplit(lines[i], ' ');
    uint64_t n = 0;
    const bool number = absl::SimpleAtoi(w.back(), &n);
    if (!number) return Malformed("checkpoint line", lines[i]);
    if (w[0] == "shard" && w.size() == 3) {
      if (!absl::SimpleAtoi(w[1], &c.shard)) return Malformed("shard", lines[i]);
      c.shards = n;
    } else if (w[0] == "next" && w.size() == 2) {
      c.next = n;
    } else if (w[0] == "running" && w.size() == 2) {
      c.running = n != 0;
    } else if (w[0] == "scenarios" && w.size() == 2) {
      c.scenarios = n;
    } else if (w[0] == "rounds" && w.size() == 2) {
      c.rounds = n;
    } else if (w[0] == "calls" && w.size() == 2) {
      c.calls = n;
    } else if (w[0] == "contended" && w.size() == 2) {
      c.contended = n;
    } else if (w[0] == "call_cpu_ns" && w.size() == 2) {  // absent before 2026-12
      c.call_cpu_ns = n;
    } else if (w[0] == "cpu_ns" && w.size() == 2) {
      c.cpu_ns = n;
    } else if (w[0] == "beat" && w.size() == 2) {
      c.beat = n;
    } else if (w[0] == "pid" && w.size() == 2) {
      c.pid = static_cast<int64_t>(n);
    } else if (w[0] == "status" && w.size() == 3) {
      c.statuses[std::string(w[1])] = n;
    } else if (w[0] == "occurrences" && w.size() == 3) {
      c.occurrences[std::string(w[1])] = n;
    } else {
      return Malformed("unknown checkpoint line", lines[i]);
    }
  }
  if (c.shards == 0 || c.shard >= c.shards ||
      !ShardRuns(c.shard, c.shards, c.next)) {
    return absl::DataLossError(absl::StrCat(
        "checkpoint of shard ", c.shard, " of ", c.shards,
        " names scenario ", c.next, ", which is not in that shard"));
  }
  return c;
}

CampaignTotals SumCheckpoints(absl::Span<const ShardCheckpoint> shards) {
  CampaignTotals totals;
  for (const ShardCheckpoint& c : shards) {
    totals.scenarios += c.scenarios;
    totals.rounds += c.rounds;
    totals.calls += c.calls;
    totals.contended += c.contended;
    totals.call_cpu_ns += c.call_cpu_ns;
    totals.cpu_ns += c.cpu_ns;
    for (const auto& [key, n] : c.statuses) totals.statuses[key] += n;
  }
  return totals;
}

absl::StatusOr<uint64_t> ParseByteSize(absl::string_view text) {
  absl::string_view digits = absl::StripAsciiWhitespace(text);
  uint64_t scale = 1;
  if (!digits.empty()) {
    switch (absl::ascii_toupper(digits.back())) {
      case 'K': scale = uint64_t{1} << 10; break;
      case 'M': scale = uint64_t{1} << 20; break;
      case 'G': scale = uint64_t{1} << 30; break;
      case 'T': scale = uint64_t{1} << 40; break;
      default: break;
    }
    if (scale != 1) digits.remove_suffix(1);
  }
  uint64_t n = 0;
  if (!absl::SimpleAtoi(digits, &n) || n == 0 || n > UINT64_MAX / scale) {
    return absl::InvalidArgumentError(absl::StrCat(
        "'", text, "' is not a size like 512M, 2G or 1048576 (bytes)"));
  }
  return n * scale;
}

std::string PrintIdentity(const CampaignIdentity& identity) {
  return absl::StrCat(kIdentityHeader, "\nseed ", identity.seed, "\njobs ",
                      identity.jobs, "\n");
}

absl::StatusOr<CampaignIdentity> ParseIdentity(absl::string_view text) {
  std::vector<absl::string_view> lines =
      absl::StrSplit(text, '\n', absl::SkipEmpty());
  if (lines.size() != 3 || lines[0] != kIdentityHeader ||
      !absl::StartsWith(lines[1], "seed ") ||
      !absl::StartsWith(lines[2], "jobs ")) {
    return absl::DataLossError("not a campaign identity file");
  }
  CampaignIdentity identity;
  if (!absl::SimpleAtoi(lines[1].substr(5), &identity.seed) ||
      !absl::SimpleAtoi(lines[2].substr(5), &identity.jobs)) {
    return absl::DataLossError("not a campaign identity file");
  }
  return identity;
}

void WriteCallShare(JsonWriter& json, uint64_t call_cpu_ns, uint64_t cpu_ns) {
  json.Key("call_cpu_seconds").Double(static_cast<double>(call_cpu_ns) / 1e9);
  json.Key("cpu_seconds").Double(static_cast<double>(cpu_ns) / 1e9);
  json.Key("call_share_of_cpu")
      .Double(cpu_ns ? static_cast<double>(call_cpu_ns) / static_cast<double>(cpu_ns) : 0);
}

std::string CampaignSummaryJson(const CampaignSummary& s) {
  const double seconds = absl::ToDoubleSeconds(s.elapsed);
  JsonWriter json;
  json.BeginDocument();
  json.Key("seed").Number(s.seed);
  json.Key("jobs").Number(s.jobs);
  json.Key("scenarios").Number(s.totals.scenarios);
  json.Key("rounds").Number(s.totals.rounds);
  json.Key("calls").Number(s.totals.calls);
  json.Key("seconds").Double(seconds);
  json.Key("calls_per_second").Double(s.totals.calls / std::max(1e-9, seconds));
  // The calls that met another thread's call or live handle on a related
  // path (contention.h): the ones that can show a concurrency bug.
  json.Key("contended_calls").Number(s.totals.contended);
  json.Key("contended_per_second")
      .Double(s.totals.contended / std::max(1e-9, seconds));
  WriteCallShare(json, s.totals.call_cpu_ns, s.totals.cpu_ns);
  json.Key("interrupted").Bool(s.interrupted);
  json.Key("finished").Bool(s.finished);
  json.Key("updated").String(
      absl::FormatTime("%Y-%m-%dT%H:%M:%SZ", s.updated, absl::UTCTimeZone()));
  json.Key("out").String(s.out);
  json.Key("new_findings").BeginArray();
  for (const std::string& signature : s.new_findings) json.String(signature);
  json.EndArray();
  json.Key("findings").BeginObject();
  for (const auto& [signature, n] : s.findings) json.Key(signature).Number(n);
  json.EndObject();
  json.Key("statuses").BeginObject();
  for (const auto& [key, n] : s.totals.statuses) json.Key(key).Number(n);
  json.EndObject();
  json.Key("workers").BeginArray();
  for (const WorkerState& w : s.workers) {
    json.BeginObject();
    json.Key("shard").Number(w.shard);
    json.Key("pid").Number(w.pid);
    json.Key("restarts").Number(w.restarts);
    json.Key("scenario").Number(w.scenario);
    json.Key("finished").Bool(w.finished);
    json.EndObject();
  }
  json.EndArray();
  json.Key("crashes").BeginArray();
  for (const CrashRecord& crash : s.crashes) {
    json.BeginObject();
    json.Key("scenario").Number(crash.index);
    json.Key("shard").Number(crash.shard);
    json.Key("what").String(crash.what);
    json.Key("file").String(crash.file);
    json.EndObject();
  }
  json.EndArray();
  json.Key("series");
  s.series.WriteTo(json);
  json.EndObject();
  return json.Take();
}

}  // namespace openrace
