// dashboard_input.cc — see dashboard_input.h.

#include "harness/store/dashboard_input.h"

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <map>
#include <set>
#include <system_error>
#include <tuple>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "harness/base/file_util.h"
#include "harness/base/json_reader.h"
#include "harness/judge/oracle.h"
#include "harness/report/report.h"
#include "harness/scenario/scenario.h"
#include "harness/store/finding_store.h"
#include "harness/store/merge.h"

namespace openrace {
namespace {

namespace fs = std::filesystem;

// The files of a finding that the site copies, in the order it lists them.
constexpr const char* kCopied[] = {"report.md", "repro.c", "minimized.scn",
                                   "found.scn", "stats.json"};

bool IsFile(const fs::path& path) {
  std::error_code ec;
  return fs::is_regular_file(path, ec);
}

absl::optional<absl::Time> ModifiedAt(const fs::path& path) {
  std::error_code ec;
  const fs::file_time_type t = fs::last_write_time(path, ec);
  if (ec) return absl::nullopt;
  return absl::FromChrono(
      std::chrono::time_point_cast<std::chrono::system_clock::duration>(
          std::chrono::file_clock::to_sys(t)));
}

std::string Trimmed(const std::string& text) {
  return std::string(absl::StripAsciiWhitespace(text));
}

std::string BaseName(const std::string& path) {
  fs::path p = fs::path(path).lexically_normal();
  std::string name = p.filename().string();
  if (name.empty()) name = p.parent_path().filename().string();
  return name.empty() ? path : name;
}

absl::StatusOr<JsonValue> ReadJsonObject(const fs::path& path) {
  absl::StatusOr<std::string> text = ReadFile(path.string());
  if (!text.ok()) return text.status();
  absl::StatusOr<JsonValue> doc = ParseJson(*text);
  if (!doc.ok() || !doc->is_object()) {
    return absl::InvalidArgumentError(absl::StrCat(
        path.string(), " is not a JSON object",
        doc.ok() ? "" : absl::StrCat(": ", doc.status().message())));
  }
  return doc;
}

bool HasSignatureDirectory(const fs::path& dir) {
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(dir, ec)) {
    if (entry.is_directory(ec) &&
        ParseSignature(entry.path().filename().string())) {
      return true;
    }
  }
  return false;
}

// What an output's summary.json (or a merge ledger's copy of one) says.
void ReadTotals(const JsonValue& summary, uint64_t* scenarios, uint64_t* calls,
                double* seconds, absl::optional<ProgressSeries>* series,
                std::vector<std::string>* problems) {
  *scenarios = summary.Get("scenarios").AsUint64().value_or(0);
  *calls = summary.Get("calls").AsUint64().value_or(0);
  *seconds = summary.Get("seconds").AsDouble().value_or(0);
  if (summary.Has("series")) {
    absl::StatusOr<ProgressSeries> read =
        ProgressSeries::FromJson(summary.Get("series"));
    if (read.ok()) {
      *series = *std::move(read);
    } else if (problems != nullptr) {
      problems->push_back(std::string(read.status().message()));
    }
  }
}

// One copy of a finding, in one output.
struct Copy {
  SiteFinding finding;  // occurrences: this output's only
  std::tuple<bool, bool, int> rank;
  // A merge's copy: its files' times are the merge's, not the campaign's.
  bool merged = false;
};

void ReadStatus(const fs::path& dir, const FindingSummary* summary,
                SiteFinding& f) {
  if (IsFile(dir / "minimized.scn")) {
    const bool one_minimal = summary != nullptr && summary->one_minimal;
    f.status = one_minimal ? FindingStatus::kMinimized : FindingStatus::kPartial;
    if (!one_minimal) {
      f.status_note = "the time budget ran out before it was 1-minimal";
    }
    return;
  }
  f.status = FindingStatus::kNotYet;
  if (absl::StatusOr<std::string> done = ReadFile((dir / "done").string());
      done.ok()) {
    f.status_note = Trimmed(*done);
    if (absl::StartsWith(f.status_note, "given up")) {
      f.status = FindingStatus::kGivenUp;
    }
  } else if (absl::StatusOr<std::string> claim = ReadFile((dir / "claim").string());
             claim.ok()) {
    f.status_note = absl::StrCat("being minimized (claimed by pid ",
                                 Trimmed(*claim), ")");
  } else {
    f.status_note = "not minimized";
  }
}

Copy ReadCopy(const fs::path& dir, const std::string& signature,
              const std::string& output_id, uint64_t count,
              std::vector<std::pair<std::string, uint64_t>> parts) {
  Copy copy;
  SiteFinding& f = copy.finding;
  f.signature = signature;
  f.source = dir.string();
  copy.rank = FindingCopyRank(dir.string());
  f.occurrences.push_back({output_id, count, std::move(parts), ""});

  // Seen: found.scn when it was made; last, the newest count.
  f.first_seen = ModifiedAt(dir / "found.scn");
  f.last_seen = f.first_seen;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(dir, ec)) {
    const std::string name = entry.path().filename().string();
    if (name != "occurrences" && !absl::StartsWith(name, "occurrences.")) continue;
    absl::optional<absl::Time> t = ModifiedAt(entry.path());
    if (t && (!f.last_seen || *t > *f.last_seen)) f.last_seen = t;
    if (t && !f.first_seen) f.first_seen = t;
  }

  absl::StatusOr<FindingSummary> summary = ReadFindingDirectory(dir.string());
  ReadStatus(dir, summary.ok() ? &*summary : nullptr, f);
  if (!summary.ok()) {
    f.status_note = absl::StrCat("unreadable: ", summary.status().message());
    f.report_markdown = absl::StrCat(
        "This finding directory could not be read:\n\n```\n",
        summary.status().message(), "\n```\n");
  } else {
    const FindingSummary& s = *summary;
    f.failures = s.failures;
    f.rounds = s.rounds;
    f.rate = s.rate;
    f.minimized = s.minimized.has_value();
    if (s.minimized) {
      f.threads = s.minimized->threads.size();
      f.ops = CountCalls(*s.minimized);
    }
    f.bisect = s.bisect;
    absl::StatusOr<std::string> report = ReadFile((dir / "report.md").string());
    f.report_markdown = report.ok() ? *report : ReportMarkdown(s);
    absl::StatusOr<std::string> timeline = ReadFile((dir / "timeline.svg").string());
    f.timeline_svg = timeline.ok() ? *timeline : s.timeline_svg;
  }
  // Variants (other signatures of the same bug), when stats.json has them.
  if (absl::StatusOr<JsonValue> stats = ReadJsonObject(dir / "stats.json");
      stats.ok()) {
    for (const JsonValue& v : stats->Get("variants").elements()) {
      if (absl::optional<std::string> name = v.AsString()) {
        f.variants.push_back(*name);
      }
    }
  }
  for (const char* name : kCopied) {
    absl::StatusOr<std::string> contents = ReadFile((dir / name).string());
    if (contents.ok()) f.files.push_back({name, *std::move(contents)});
  }
  return copy;
}

// The parts of a campaign finding's count: `occurrences.<writer>`, and the
// single writer's `occurrences` when workers counted too.
std::vector<std::pair<std::string, uint64_t>> WriterCounts(const fs::path& dir) {
  std::vector<std::pair<std::string, uint64_t>> parts;
  uint64_t single = 0;
  bool has_single = false;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(dir, ec)) {
    const std::string name = entry.path().filename().string();
    const bool single_file = name == "occurrences";
    if ((!single_file && !absl::StartsWith(name, "occurrences.")) ||
        absl::StrContains(name, ".tmp-")) {
      continue;
    }
    absl::StatusOr<std::string> text = ReadFile(entry.path().string());
    uint64_t n = 0;
    if (!text.ok() || !absl::SimpleAtoi(Trimmed(*text), &n)) continue;
    if (single_file) {
      single = n;
      has_single = true;
    } else {
      parts.emplace_back(name.substr(std::string("occurrences.").size()), n);
    }
  }
  std::sort(parts.begin(), parts.end());
  if (parts.empty()) return parts;
  if (has_single && single > 0) parts.emplace_back("run", single);
  return parts;
}

struct OutputRead {
  SiteOutput output;
  std::vector<Copy> copies;
};

absl::StatusOr<OutputRead> ReadOutput(const std::string& path, std::string id) {
  std::error_code ec;
  if (!fs::exists(path, ec)) {
    return absl::NotFoundError(absl::StrCat("output ", path, " does not exist"));
  }
  if (!fs::is_directory(path, ec)) {
    return absl::InvalidArgumentError(
        absl::StrCat("output ", path, " is not a directory"));
  }
  const fs::path dir(path);
  OutputRead read;
  SiteOutput& o = read.output;
  o.id = std::move(id);
  o.path = path;
  o.has_summary = IsFile(dir / "summary.json");
  if (!o.has_summary && !HasSignatureDirectory(dir)) {
    return absl::InvalidArgumentError(absl::StrCat(
        "output ", path, " is not a finding output: it holds neither "
        "summary.json nor a <signature>/ directory"));
  }
  if (o.has_summary) {
    absl::StatusOr<JsonValue> summary = ReadJsonObject(dir / "summary.json");
    if (!summary.ok()) return summary.status();
    ReadTotals(*summary, &o.scenarios, &o.calls, &o.seconds, &o.series,
               &o.problems);
    if (absl::optional<uint64_t> seed = summary->Get("seed").AsUint64()) o.seed = seed;
    if (absl::optional<uint64_t> jobs = summary->Get("jobs").AsUint64()) o.jobs = jobs;
    o.rounds = summary->Get("rounds").AsUint64().value_or(0);
    o.interrupted = summary->Get("interrupted").AsBool().value_or(false);
    o.finished = summary->Get("finished").AsBool();
    o.updated = summary->Get("updated").AsString().value_or("");
    o.crashes = summary->Get("crashes").elements().size();
  }

  // A merge: its inputs, and what each contributed to each count.
  std::map<std::string, std::vector<std::pair<std::string, uint64_t>>> merged_parts;
  o.merged = IsFile(dir / "merged.json");
  if (o.merged) {
    absl::StatusOr<JsonValue> ledger = ReadJsonObject(dir / "merged.json");
    if (!ledger.ok()) return ledger.status();
    for (const JsonValue& entry : ledger->Get("inputs").elements()) {
      SiteMergedInput in;
      in.path = entry.Get("path").AsString().value_or("?");
      ReadTotals(entry.Get("summary"), &in.scenarios, &in.calls, &in.seconds,
                 &in.series, nullptr);
      for (const auto& [signature, n] : entry.Get("findings").members()) {
        ++in.findings;
        merged_parts[signature].emplace_back(BaseName(in.path),
                                             n.AsUint64().value_or(0));
      }
      o.inputs.push_back(std::move(in));
    }
  }

  absl::StatusOr<FindingStore> store = FindingStore::Open(path);
  if (!store.ok()) return store.status();
  for (const auto& [signature, count] : store->occurrences()) {
    const fs::path finding = dir / signature;
    std::vector<std::pair<std::string, uint64_t>> parts =
        o.merged ? merged_parts[signature] : WriterCounts(finding);
    read.copies.push_back(ReadCopy(finding, signature, o.id, count, std::move(parts)));
    read.copies.back().merged = o.merged;
    if (absl::StartsWith(read.copies.back().finding.status_note, "unreadable: ")) {
      o.problems.push_back(absl::StrCat(signature, ": ",
                                        read.copies.back().finding.status_note));
    }
  }
  return read;
}

}  // namespace

absl::StatusOr<Site> ReadDashboardSite(const std::vector<std::string>& outputs) {
  if (outputs.empty()) {
    return absl::InvalidArgumentError(
        "dashboard needs at least one campaign output OUT");
  }
  Site site;
  site.generated = absl::Now();
  std::set<std::string> ids;
  std::map<std::string, std::string> id_of;  // canonical path -> id
  std::map<std::string, Copy> best;  // by signature
  for (const std::string& path : outputs) {
    std::error_code ec;
    std::string canonical =
        fs::weakly_canonical(fs::absolute(path, ec), ec).lexically_normal().string();
    if (ec) canonical = AbsolutePath(path);
    while (canonical.size() > 1 &&
           (canonical.back() == '/' || canonical.back() == '\\')) {
      canonical.pop_back();
    }
    if (id_of.count(canonical)) continue;  // named twice
    // A short, unique name: the folder's, then with a number.
    std::string id = SiteFileName(BaseName(canonical));
    for (int n = 2; ids.count(id); ++n) {
      id = absl::StrCat(SiteFileName(BaseName(canonical)), "-", n);
    }
    ids.insert(id);
    id_of[canonical] = id;
    absl::StatusOr<OutputRead> read = ReadOutput(path, id);
    if (!read.ok()) return read.status();
    read->output.path = canonical;
    site.outputs.push_back(std::move(read->output));
    for (Copy& copy : read->copies) {
      auto it = best.find(copy.finding.signature);
      if (it == best.end()) {
        best.emplace(copy.finding.signature, std::move(copy));
        continue;
      }
      SiteFinding& kept = it->second.finding;
      std::vector<SiteOccurrences> occurrences = std::move(kept.occurrences);
      occurrences.push_back(copy.finding.occurrences.front());
      // Seen: a campaign's times over a merge's, which are the merge's.
      absl::optional<absl::Time> first = kept.first_seen, last = kept.last_seen;
      bool times_merged = it->second.merged;
      if (times_merged && !copy.merged) {
        first = last = absl::nullopt;
        times_merged = false;
      }
      if (copy.merged == times_merged) {
        const absl::optional<absl::Time>& f = copy.finding.first_seen;
        const absl::optional<absl::Time>& l = copy.finding.last_seen;
        if (f && (!first || *f < *first)) first = f;
        if (l && (!last || *l > *last)) last = l;
      }
      // A tie keeps the copy of the output named first.
      if (copy.rank > it->second.rank) it->second = std::move(copy);
      it->second.finding.occurrences = std::move(occurrences);
      it->second.finding.first_seen = first;
      it->second.finding.last_seen = last;
      it->second.merged = times_merged;
    }
  }
  // An output that is an input of a merged one: counted there already.
  std::map<std::string, std::string> in_merge;  // id -> the merge's id
  for (const SiteOutput& merged : site.outputs) {
    for (const SiteMergedInput& input : merged.inputs) {
      auto it = id_of.find(input.path);
      if (it != id_of.end() && it->second != merged.id) {
        in_merge.emplace(it->second, merged.id);
      }
    }
  }
  for (SiteOutput& o : site.outputs) {
    if (auto it = in_merge.find(o.id); it != in_merge.end()) o.in_merge = it->second;
  }
  for (auto& [signature, copy] : best) {
    for (SiteOccurrences& o : copy.finding.occurrences) {
      if (auto it = in_merge.find(o.output); it != in_merge.end()) {
        o.in_merge = it->second;
      }
    }
    site.findings.push_back(std::move(copy.finding));
  }
  return site;
}

}  // namespace openrace
