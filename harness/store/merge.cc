// merge.cc — see merge.h.

#include "harness/store/merge.h"

#include <algorithm>
#include <filesystem>
#include <set>
#include <system_error>
#include <tuple>
#include <utility>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "harness/base/file_util.h"
#include "harness/store/finding_store.h"
#include "harness/base/json.h"
#include "harness/base/json_reader.h"
#include "harness/judge/oracle.h"

namespace openrace {
namespace {

namespace fs = std::filesystem;

constexpr char kLedger[] = "merged.json";
constexpr char kSummary[] = "summary.json";
constexpr char kOccurrences[] = "occurrences";
constexpr char kClaim[] = "claim";
// The file that makes a copy "minimized"; copied last (see merge.h).
constexpr char kMinimized[] = "minimized.scn";

// Summary keys that are not totals: kept per input in the ledger, never
// summed. (An input may be an earlier merge: its merged_inputs is not a
// total either.)
constexpr absl::string_view kNotTotals[] = {
    "seed", "calls_per_second", "contended_per_second", "call_share_of_cpu",
    "interrupted", "out", "new_findings", "findings", "merged_inputs"};

// What one input contributed, as the ledger keeps it.
struct Contribution {
  std::string path;     // canonical: the input's identity
  JsonValue summary;    // its summary.json (null when it had none)
  std::map<std::string, uint64_t> findings;  // its occurrence counts
};

std::string Canonical(const std::string& path) {
  std::error_code ec;
  fs::path canonical = fs::weakly_canonical(fs::absolute(path, ec), ec);
  if (ec) return AbsolutePath(path);
  std::string text = canonical.lexically_normal().string();
  // "/a/b/" and "/a/b" are the same input.
  while (text.size() > 1 && (text.back() == '/' || text.back() == '\\')) {
    text.pop_back();
  }
  return text;
}

bool HasSignatureDirectory(const std::string& dir) {
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(dir, ec)) {
    if (entry.is_directory(ec) &&
        ParseSignature(entry.path().filename().string())) {
      return true;
    }
  }
  return false;
}

bool IsFile(const std::string& path) {
  std::error_code ec;
  return fs::is_regular_file(path, ec);
}

absl::StatusOr<JsonValue> ReadJsonFile(const std::string& path) {
  absl::StatusOr<std::string> text = ReadFile(path);
  if (!text.ok()) return text.status();
  absl::StatusOr<JsonValue> doc = ParseJson(*text);
  if (!doc.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat(path, " is not valid JSON: ", doc.status().message()));
  }
  if (!doc->is_object()) {
    return absl::InvalidArgumentError(
        absl::StrCat(path, " is not a JSON object"));
  }
  return doc;
}

// Reads one input: its summary and, through FindingStore, its counts.
absl::StatusOr<Contribution> ReadInput(const std::string& input,
                                       const std::string& merged) {
  std::error_code ec;
  if (!fs::exists(input, ec)) {
    return absl::NotFoundError(absl::StrCat("input ", input, " does not exist"));
  }
  if (!fs::is_directory(input, ec)) {
    return absl::InvalidArgumentError(
        absl::StrCat("input ", input, " is not a directory"));
  }
  Contribution c;
  c.path = Canonical(input);
  if (c.path == merged) {
    return absl::InvalidArgumentError(absl::StrCat(
        "input ", input, " is the merge output itself; name another --out"));
  }
  const bool has_summary = IsFile(c.path + "/" + kSummary);
  if (!has_summary && !HasSignatureDirectory(c.path)) {
    return absl::InvalidArgumentError(absl::StrCat(
        "input ", input, " is not a finding output: it holds neither ",
        kSummary, " nor a <signature>/ directory"));
  }
  if (has_summary) {
    absl::StatusOr<JsonValue> summary = ReadJsonFile(c.path + "/" + kSummary);
    if (!summary.ok()) return summary.status();
    c.summary = *std::move(summary);
  }
  absl::StatusOr<FindingStore> store = FindingStore::Open(c.path);
  if (!store.ok()) return store.status();
  c.findings = store->occurrences();
  return c;
}

absl::StatusOr<std::vector<Contribution>> ReadLedger(const std::string& merged) {
  std::vector<Contribution> ledger;
  const std::string path = merged + "/" + kLedger;
  if (!IsFile(path)) {
    if (HasSignatureDirectory(merged)) {
      return absl::InvalidArgumentError(absl::StrCat(
          merged, " holds findings but no ", kLedger,
          ": it is a campaign output, not a merge output; merge into a new "
          "directory and name this one as an input"));
    }
    return ledger;
  }
  absl::StatusOr<JsonValue> doc = ReadJsonFile(path);
  if (!doc.ok()) return doc.status();
  if (doc->Get("schema").AsUint64() != uint64_t{kJsonSchema}) {
    return absl::InvalidArgumentError(absl::StrCat(
        path, ": unknown schema (expected ", kJsonSchema, ")"));
  }
  for (const JsonValue& entry : doc->Get("inputs").elements()) {
    Contribution c;
    absl::optional<std::string> input = entry.Get("path").AsString();
    if (!input || !entry.Get("findings").is_object()) {
      return absl::InvalidArgumentError(absl::StrCat(
          path, ": an input without a path or findings"));
    }
    c.path = *input;
    c.summary = entry.Get("summary");
    for (const auto& [signature, count] : entry.Get("findings").members()) {
      absl::optional<uint64_t> n = count.AsUint64();
      if (!n) {
        return absl::InvalidArgumentError(absl::StrCat(
            path, ": the count of ", signature, " is not a number"));
      }
      c.findings[signature] = *n;
    }
    ledger.push_back(std::move(c));
  }
  return ledger;
}

std::string LedgerJson(const std::vector<Contribution>& ledger) {
  JsonWriter json;
  json.BeginDocument();
  json.Key("inputs").BeginArray();
  for (const Contribution& c : ledger) {
    json.BeginObject();
    json.Key("path").String(c.path);
    json.Key("summary");
    c.summary.WriteTo(json);
    json.Key("findings").BeginObject();
    for (const auto& [signature, n] : c.findings) json.Key(signature).Number(n);
    json.EndObject();
    json.EndObject();
  }
  json.EndArray();
  json.EndObject();
  return json.Take();
}

// A sum that stays an exact integer while every term is one.
struct Total {
  uint64_t integer = 0;
  double real = 0;
  bool is_integer = true;
  void Add(const JsonValue& value) {
    if (absl::optional<uint64_t> n = value.AsUint64(); n && is_integer) {
      integer += *n;
    } else {
      is_integer = false;
    }
    real += value.AsDouble().value_or(0);
  }
  void WriteTo(JsonWriter& json) const {
    if (is_integer) {
      json.Number(integer);
    } else {
      json.Double(real);
    }
  }
};

bool IsHistogram(const JsonValue& value) {
  if (!value.is_object()) return false;
  for (const auto& member : value.members()) {
    if (!member.second.is_number()) return false;
  }
  return true;
}

std::string SummaryJson(const std::string& merged,
                        const std::vector<Contribution>& ledger,
                        const std::vector<std::string>& new_signatures,
                        const std::map<std::string, uint64_t>& occurrences) {
  // Totals in the order they first appear, the usual ones first.
  std::vector<std::string> order = {"scenarios", "rounds", "calls", "seconds"};
  std::map<std::string, Total> totals;
  std::vector<std::string> histogram_order;
  std::map<std::string, std::vector<std::string>> bucket_order;
  std::map<std::string, std::map<std::string, Total>> histograms;
  bool interrupted = false;
  for (const Contribution& c : ledger) {
    interrupted = interrupted || c.summary.Get("interrupted").AsBool() == true;
    for (const auto& [key, value] : c.summary.members()) {
      if (std::find(std::begin(kNotTotals), std::end(kNotTotals), key) !=
          std::end(kNotTotals)) {
        continue;
      }
      if (value.is_number()) {
        if (std::find(order.begin(), order.end(), key) == order.end()) {
          order.push_back(key);
        }
        totals[key].Add(value);
      } else if (IsHistogram(value)) {
        if (!histograms.count(key)) histogram_order.push_back(key);
        std::map<std::string, Total>& buckets = histograms[key];
        for (const auto& [bucket, n] : value.members()) {
          if (!buckets.count(bucket)) bucket_order[key].push_back(bucket);
          buckets[bucket].Add(n);
        }
      }
    }
  }
  JsonWriter json;
  json.BeginDocument();
  json.Key("merged_inputs").Number(static_cast<uint64_t>(ledger.size()));
  json.Key("inputs").BeginArray();
  for (const Contribution& c : ledger) json.String(c.path);
  json.EndArray();
  json.Key("seeds").BeginArray();
  for (const Contribution& c : ledger) {
    if (c.summary.Get("seed").is_number()) c.summary.Get("seed").WriteTo(json);
  }
  json.EndArray();
  for (const std::string& key : order) {
    json.Key(key);
    totals[key].WriteTo(json);
  }
  // Calls per campaign-second: `seconds` is the sum of the inputs' times.
  const double seconds = totals["seconds"].real;
  json.Key("calls_per_second")
      .Double(seconds > 0 ? totals["calls"].real / seconds : 0);
  if (totals.count("contended_calls")) {
    json.Key("contended_per_second")
        .Double(seconds > 0 ? totals["contended_calls"].real / seconds : 0);
  }
  if (totals.count("call_cpu_seconds") && totals.count("cpu_seconds")) {
    const double cpu = totals["cpu_seconds"].real;
    json.Key("call_share_of_cpu")
        .Double(cpu > 0 ? totals["call_cpu_seconds"].real / cpu : 0);
  }
  json.Key("interrupted").Bool(interrupted);
  json.Key("out").String(merged);
  json.Key("new_findings").BeginArray();
  for (const std::string& s : new_signatures) json.String(s);
  json.EndArray();
  json.Key("findings").BeginObject();
  for (const auto& [signature, n] : occurrences) json.Key(signature).Number(n);
  json.EndObject();
  for (const std::string& key : histogram_order) {
    json.Key(key).BeginObject();
    for (const std::string& bucket : bucket_order[key]) {
      json.Key(bucket);
      histograms[key][bucket].WriteTo(json);
    }
    json.EndObject();
  }
  json.EndObject();
  return json.Take();
}

// The files of a copy: everything but the counts (`occurrences`, and the
// per-writer `occurrences.<writer>` of a campaign's workers), which the
// store keeps and merge sums; a worker's `claim` on the finding, which
// means nothing in another directory; and temporaries of an atomic write
// cut short.
std::vector<std::string> CopyableFiles(const std::string& dir) {
  std::vector<std::string> names;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(dir, ec)) {
    const std::string name = entry.path().filename().string();
    if (!entry.is_regular_file(ec) || name == kOccurrences ||
        absl::StartsWith(name, absl::StrCat(kOccurrences, ".")) ||
        name == kClaim || absl::StrContains(name, ".tmp-")) {
      continue;
    }
    names.push_back(name);
  }
  // minimized.scn last: until it is written the copy ranks as incomplete.
  std::sort(names.begin(), names.end(), [](const auto& a, const auto& b) {
    return std::make_pair(a == kMinimized, a) < std::make_pair(b == kMinimized, b);
  });
  return names;
}

absl::Status CopyFinding(const std::string& from, const std::string& to) {
  if (absl::Status links = RefuseSymbolicLinks(from); !links.ok()) return links;
  if (absl::Status links = RefuseSymbolicLinks(to); !links.ok()) return links;
  absl::Status made = MakeDirectories(to);
  if (!made.ok()) return made;
  const std::vector<std::string> names = CopyableFiles(from);
  for (const std::string& name : names) {
    absl::StatusOr<std::string> contents = ReadFile(from + "/" + name);
    if (!contents.ok()) return contents.status();
    absl::Status written = WriteFileAtomically(to + "/" + name, *contents);
    if (!written.ok()) return written;
  }
  // Files of the copy it replaces that this one lacks would mix two copies.
  for (const std::string& stale : CopyableFiles(to)) {
    if (std::find(names.begin(), names.end(), stale) != names.end()) continue;
    std::error_code ec;
    fs::remove(to + "/" + stale, ec);
    if (ec) {
      return absl::FailedPreconditionError(absl::StrCat(
          "cannot remove ", to, "/", stale, ": ", ec.message()));
    }
  }
  return absl::OkStatus();
}

}  // namespace

std::tuple<bool, bool, int> FindingCopyRank(const std::string& dir) {
  int files = 0;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(dir, ec)) {
    if (entry.is_regular_file(ec)) ++files;
  }
  return {IsFile(dir + "/" + kMinimized), IsFile(dir + "/report.md"), files};
}

absl::StatusOr<MergeResult> MergeFindingOutputs(
    const std::vector<std::string>& inputs, const std::string& merged_arg) {
  if (inputs.empty()) {
    return absl::InvalidArgumentError("merge needs at least one input OUT");
  }
  MergeResult result;
  result.merged = Canonical(merged_arg);
  std::error_code ec;
  if (fs::exists(result.merged, ec) && !fs::is_directory(result.merged, ec)) {
    return absl::InvalidArgumentError(
        absl::StrCat("--out ", merged_arg, " is not a directory"));
  }

  // Everything is read and checked before anything is written.
  std::vector<Contribution> fresh;
  for (const std::string& input : inputs) {
    absl::StatusOr<Contribution> c = ReadInput(input, result.merged);
    if (!c.ok()) return c.status();
    const bool repeated =
        std::any_of(fresh.begin(), fresh.end(),
                    [&](const Contribution& f) { return f.path == c->path; });
    if (!repeated) fresh.push_back(*std::move(c));
  }
  absl::StatusOr<std::vector<Contribution>> ledger = ReadLedger(result.merged);
  if (!ledger.ok()) return ledger.status();

  absl::StatusOr<FindingStore> store = FindingStore::Open(result.merged);
  if (!store.ok()) return store.status();
  const std::map<std::string, uint64_t> before = store->occurrences();

  // The copies: for each signature, the most complete one wins; a tie keeps
  // what MERGED has, then the first input named.
  std::set<std::string> signatures;
  for (const Contribution& c : fresh) {
    for (const auto& finding : c.findings) signatures.insert(finding.first);
  }
  for (const std::string& name : signatures) {
    const Signature signature = *ParseSignature(name);
    const std::string target = store->DirectoryOf(signature);
    const bool present = fs::is_directory(target, ec);
    std::string best;
    auto best_rank = present ? FindingCopyRank(target)
                             : std::tuple<bool, bool, int>{false, false, -1};
    for (const Contribution& c : fresh) {
      if (!c.findings.count(name)) continue;
      absl::StatusOr<FindingStore> input = FindingStore::Open(c.path);
      if (!input.ok()) return input.status();
      const std::string source = input->DirectoryOf(signature);
      const auto rank = FindingCopyRank(source);
      if (rank > best_rank) {
        best = source;
        best_rank = rank;
      }
    }
    if (best.empty()) continue;
    absl::Status copied = CopyFinding(best, target);
    if (!copied.ok()) return copied;
    if (present) result.replaced_copies.push_back(name);
  }

  // The ledger: an input merged before is replaced, never added twice.
  for (Contribution& c : fresh) {
    result.inputs.push_back(c.path);
    auto same = std::find_if(ledger->begin(), ledger->end(),
                             [&](const Contribution& l) { return l.path == c.path; });
    if (same != ledger->end()) {
      *same = std::move(c);
    } else {
      ledger->push_back(std::move(c));
    }
  }
  absl::Status written =
      WriteFileAtomically(result.merged + "/" + kLedger, LedgerJson(*ledger));
  if (!written.ok()) return written;

  std::map<std::string, uint64_t> sums;
  for (const Contribution& c : *ledger) {
    for (const auto& [signature, n] : c.findings) sums[signature] += n;
  }
  for (const auto& [name, n] : sums) {
    absl::optional<Signature> signature = ParseSignature(name);
    if (!signature || !fs::is_directory(store->DirectoryOf(*signature), ec)) {
      continue;  // an entry of an input whose copy never arrived
    }
    absl::Status set = store->SetOccurrences(*signature, n);
    if (!set.ok()) return set;
    if (!before.count(name)) result.new_signatures.push_back(name);
  }
  result.occurrences = store->occurrences();
  result.ledger_inputs = ledger->size();
  written = WriteFileAtomically(
      result.merged + "/" + kSummary,
      SummaryJson(result.merged, *ledger, result.new_signatures,
                  result.occurrences));
  if (!written.ok()) return written;
  return result;
}

}  // namespace openrace
