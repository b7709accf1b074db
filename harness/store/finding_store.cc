// finding_store.cc — see finding_store.h.

#include "harness/store/finding_store.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <filesystem>
#include <system_error>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "harness/base/file_util.h"
#include "harness/base/process.h"
#include "harness/scenario/scenario_text.h"
#include "harness/repro/stats.h"
#include "harness/report/bisect_chart.h"
#include "harness/report/timeline.h"
#include "harness/scenario/validate.h"
#include "harness/repro/bisect.h"

namespace openrace {
namespace {

uint64_t ReadCount(const std::filesystem::path& file) {
  absl::StatusOr<std::string> text = ReadFile(file.string());
  uint64_t parsed = 0;
  if (text.ok() &&
      absl::SimpleAtoi(absl::StripAsciiWhitespace(*text), &parsed)) {
    return parsed;
  }
  return 0;
}

constexpr absl::string_view kVariantPrefix = "variant-";
constexpr absl::string_view kVariantSuffix = ".scn";

// A count file of `prefix` ("occurrences", "variant-SIG.occurrences"):
// the prefix itself (one writer) or prefix.<writer>.
bool IsCountFile(const std::string& name,
                 absl::string_view prefix = "occurrences") {
  return (name == prefix || absl::StartsWith(name, absl::StrCat(prefix, "."))) &&
         !absl::StrContains(name, ".tmp-");
}

// "SIG" for "variant-SIG.scn", else "".
std::string VariantOfFile(const std::string& name) {
  absl::string_view rest = name;
  if (!absl::ConsumePrefix(&rest, kVariantPrefix) ||
      !absl::ConsumeSuffix(&rest, kVariantSuffix) || !ParseSignature(rest)) {
    return "";
  }
  return std::string(rest);
}

std::string VariantCountPrefix(const std::string& variant) {
  return absl::StrCat(kVariantPrefix, variant, ".occurrences");
}

struct DirectoryCount {
  uint64_t total = 0;    // every count file; 1 when there is none yet (the
                         // scenario that made the directory)
  uint64_t writers = 0;  // the `occurrences.<writer>` files only
};

DirectoryCount CountInDirectory(const std::filesystem::path& dir,
                                absl::string_view prefix = "occurrences") {
  DirectoryCount count;
  bool any = false;
  std::error_code ec;
  for (const auto& file : std::filesystem::directory_iterator(dir, ec)) {
    const std::string name = file.path().filename().string();
    if (!IsCountFile(name, prefix)) continue;
    any = true;
    const uint64_t n = ReadCount(file.path());
    count.total += n;
    if (name != prefix) count.writers += n;
  }
  if (!any) count.total = 1;
  return count;
}

bool Exists(const std::string& path) {
  std::error_code ec;
  return std::filesystem::exists(path, ec);
}

}  // namespace

absl::StatusOr<FindingStore> FindingStore::Open(const std::string& out) {
  // Absolute, because the sandbox becomes the current directory later and
  // is removed at the end with everything in it.
  const std::string out_dir = AbsolutePath(out);
  absl::Status made = MakeDirectories(out_dir);
  if (!made.ok()) return made;
  FindingStore store(out_dir);
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator(out_dir, ec)) {
    const std::string name = entry.path().filename().string();
    if (!entry.is_directory() || !ParseSignature(name)) continue;
    store.Learn(name);
  }
  if (ec) {
    return absl::FailedPreconditionError(
        absl::StrCat("cannot list ", out_dir, ": ", ec.message()));
  }
  return store;
}

// Reads the counts of finding `name` and of its variants.
void FindingStore::Learn(const std::string& name) {
  const std::filesystem::path dir = std::filesystem::path(out_dir_) / name;
  const DirectoryCount count = CountInDirectory(dir);
  occurrences_[name] = count.total;
  if (count.writers) writer_counts_[name] = count.writers;
  std::error_code ec;
  for (const auto& file : std::filesystem::directory_iterator(dir, ec)) {
    const std::string variant = VariantOfFile(file.path().filename().string());
    if (variant.empty() || occurrences_.count(variant)) continue;
    const DirectoryCount n = CountInDirectory(dir, VariantCountPrefix(variant));
    variant_of_[variant] = name;
    variant_occurrences_[variant] = n.total;
    if (n.writers) writer_counts_[variant] = n.writers;
  }
}

void FindingStore::Rescan() {
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator(out_dir_, ec)) {
    const std::string name = entry.path().filename().string();
    if (!entry.is_directory() || !ParseSignature(name)) continue;
    if (!occurrences_.count(name)) {
      Learn(name);
      continue;
    }
    // Variants another writer recorded since.
    for (const auto& file :
         std::filesystem::directory_iterator(entry.path(), ec)) {
      const std::string variant = VariantOfFile(file.path().filename().string());
      if (variant.empty() || variant_of_.count(variant) ||
          occurrences_.count(variant)) {
        continue;
      }
      const DirectoryCount n =
          CountInDirectory(entry.path(), VariantCountPrefix(variant));
      variant_of_[variant] = name;
      variant_occurrences_[variant] = n.total;
      if (n.writers) writer_counts_[variant] = n.writers;
    }
  }
}

bool FindingStore::Known(const Signature& signature) const {
  const std::string key = signature.ToString();
  return occurrences_.count(key) > 0 || variant_of_.count(key) > 0;
}

absl::optional<Signature> FindingStore::FindingFor(
    const Signature& signature) const {
  for (const auto& [name, count] : occurrences_) {
    absl::optional<Signature> finding = ParseSignature(name);
    if (finding && SameBug(*finding, signature)) return finding;
  }
  return absl::nullopt;
}

std::string FindingStore::CountPath(const std::string& signature) const {
  auto variant = variant_of_.find(signature);
  if (variant != variant_of_.end()) {
    return absl::StrCat(out_dir_, "/", variant->second, "/",
                        VariantCountPrefix(signature));
  }
  return absl::StrCat(out_dir_, "/", signature, "/occurrences");
}

uint64_t& FindingStore::TotalOf(const std::string& signature) {
  if (variant_of_.count(signature)) return variant_occurrences_[signature];
  return occurrences_[signature];
}

std::string FindingStore::DirectoryOf(const Signature& signature) const {
  return absl::StrCat(out_dir_, "/", signature.ToString());
}

uint64_t FindingStore::Occurrences(const Signature& signature) const {
  const std::string key = signature.ToString();
  auto it = occurrences_.find(key);
  if (it != occurrences_.end()) return it->second;
  auto variant = variant_occurrences_.find(key);
  return variant == variant_occurrences_.end() ? 0 : variant->second;
}

absl::Status FindingStore::WriteOccurrences(const std::string& signature) {
  if (writer_.empty()) {
    // The total less what the campaign workers' files hold, so a `run` on
    // a campaign's OUT does not count those twice.
    const uint64_t total = TotalOf(signature);
    auto writers = writer_counts_.find(signature);
    const uint64_t others =
        writers == writer_counts_.end() ? 0 : std::min(total, writers->second);
    return WriteFileAtomically(CountPath(signature),
                               absl::StrCat(total - others, "\n"));
  }
  return WriteFileAtomically(absl::StrCat(CountPath(signature), ".", writer_),
                             absl::StrCat(own_[signature], "\n"));
}

void FindingStore::SetWriter(const std::string& writer) { writer_ = writer; }

absl::StatusOr<FindingStore::Claim> FindingStore::TryClaim(
    const Signature& signature) {
  const std::string dir = DirectoryOf(signature);
  if (Exists(dir + "/done")) return Claim::kTaken;
  absl::Status made = MakeDirectories(dir);
  if (!made.ok()) return made;
  absl::StatusOr<bool> claimed =
      CreateExclusively(dir + "/claim", absl::StrCat(CurrentProcessId(), "\n"));
  if (!claimed.ok()) return claimed.status();
  if (!*claimed) return Claim::kTaken;
  return Exists(dir + "/found.scn") ? Claim::kTakeOver : Claim::kNew;
}

absl::Status FindingStore::MarkDone(const Signature& signature,
                                    const std::string& why) {
  return WriteFileAtomically(DirectoryOf(signature) + "/done", why + "\n");
}

std::vector<std::string> FindingStore::Unfinished() const {
  std::vector<std::string> unfinished;
  for (const auto& [name, count] : occurrences_) {
    const std::string dir = absl::StrCat(out_dir_, "/", name);
    if (Exists(dir + "/found.scn") && !Exists(dir + "/done") &&
        !Exists(dir + "/minimized.scn") && !Exists(dir + "/claim")) {
      unfinished.push_back(name);
    }
  }
  return unfinished;
}

absl::Status FindingStore::ResetOwnOccurrences(
    const std::map<std::string, uint64_t>& counts) {
  own_.clear();
  for (const auto& [signature, n] : counts) {
    if (occurrences_.count(signature) || variant_of_.count(signature)) {
      own_[signature] = n;
    }
  }
  // Count files of this writer that the checkpoint does not know of are
  // set back to zero as well.
  for (const auto& [signature, total] : occurrences_) own_.try_emplace(signature, 0);
  for (const auto& [signature, finding] : variant_of_) own_.try_emplace(signature, 0);
  for (const auto& [signature, n] : own_) {
    const std::string file = absl::StrCat(CountPath(signature), ".", writer_);
    const uint64_t on_disk = ReadCount(file);
    if (on_disk == n && (n == 0 || Exists(file))) continue;
    if (n == 0 && !Exists(file)) continue;
    uint64_t& total = TotalOf(signature);
    total = total - std::min(total, on_disk) + n;
    absl::Status status = WriteOccurrences(signature);
    if (!status.ok()) return status;
  }
  return absl::OkStatus();
}

uint64_t FindingStore::MinimizerCrashes(const Signature& signature) const {
  return ReadCount(DirectoryOf(signature) + "/crashes");
}

std::vector<std::string> FindingStore::ReleaseClaims(const std::string& out_dir,
                                                     int64_t pid, Release why) {
  std::vector<std::string> released;
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator(out_dir, ec)) {
    const std::string name = entry.path().filename().string();
    if (!entry.is_directory() || !ParseSignature(name)) continue;
    const std::string dir = entry.path().string();
    if (Exists(dir + "/done") || !Exists(dir + "/claim")) continue;
    absl::StatusOr<std::string> owner = ReadFile(dir + "/claim");
    int64_t owner_pid = 0;
    if (pid != 0 && owner.ok() &&
        absl::SimpleAtoi(absl::StripAsciiWhitespace(*owner), &owner_pid) &&
        owner_pid != pid) {
      continue;
    }
    if (why == Release::kHolderCrashed) {
      // Counted before the claim goes, so no taker sees the claim free and
      // the count short.
      const uint64_t crashes = ReadCount(dir + "/crashes");
      if (!WriteFileAtomically(dir + "/crashes", absl::StrCat(crashes + 1, "\n"))
               .ok()) {
        continue;  // the claim stays; the next resume releases it
      }
    }
    std::filesystem::remove(dir + "/claim", ec);
    if (!ec) released.push_back(name);
  }
  return released;
}

absl::Status FindingStore::AddNew(const FindingSummary& summary) {
  const std::string dir = DirectoryOf(summary.signature);
  absl::Status status = MakeDirectories(dir);
  if (!status.ok()) return status;
  const Op& failing =
      summary.found.threads[summary.found_thread].ops[summary.found_op];
  const std::string header = absl::StrCat(
      "# found: ", summary.signature.ToString(), "\n# failing call: thread ",
      summary.found_thread + 1, " op ", summary.found_op + 1, ": ", PrintOp(failing),
      "\n");
  status = WriteFileAtomically(dir + "/found.scn",
                               header + PrintScenario(summary.found));
  if (!status.ok()) return status;
  if (writer_.empty()) {
    occurrences_[summary.signature.ToString()] = summary.occurrences;
  } else {
    occurrences_[summary.signature.ToString()] += summary.occurrences;
    own_[summary.signature.ToString()] += summary.occurrences;
  }
  status = WriteOccurrences(summary.signature.ToString());
  if (!status.ok()) return status;
  status = WriteFileAtomically(dir + "/stats.json", StatsJson(summary));
  if (!status.ok()) return status;
  return WriteFileAtomically(dir + "/report.md", ReportMarkdown(summary));
}

absl::Status FindingStore::Update(const FindingSummary& given) {
  const std::string dir = DirectoryOf(given.signature);
  // The variants on disk now, which another writer may have added.
  FindingSummary summary = given;
  summary.variants = ReadVariants(dir);
  if (summary.minimized) {
    absl::Status status = WriteFileAtomically(
        dir + "/minimized.scn",
        absl::StrCat("# minimized: ", summary.signature.ToString(), "\n",
                     PrintScenario(*summary.minimized)));
    if (!status.ok()) return status;
  }
  if (absl::Status status = WritePictures(dir, summary); !status.ok()) {
    return status;
  }
  if (!summary.repro_c.empty()) {
    absl::Status status = WriteFileAtomically(
        absl::StrCat(dir, "/", summary.repro_c_name), summary.repro_c);
    if (!status.ok()) return status;
  }
  absl::Status status =
      WriteFileAtomically(dir + "/stats.json", StatsJson(summary));
  if (!status.ok()) return status;
  return WriteFileAtomically(dir + "/report.md", ReportMarkdown(summary));
}

absl::Status FindingStore::SetOccurrences(const Signature& signature,
                                          uint64_t count) {
  const std::string key = signature.ToString();
  occurrences_[key] = count;
  return WriteOccurrences(key);
}

absl::Status FindingStore::CountOccurrence(const Signature& signature) {
  const std::string key = signature.ToString();
  ++TotalOf(key);
  if (!writer_.empty()) ++own_[key];
  return WriteOccurrences(key);
}

absl::Status FindingStore::AddVariant(const Signature& finding,
                                      const Variant& variant) {
  const std::string key = variant.signature.ToString();
  const std::string dir = DirectoryOf(finding);
  const Op& failing =
      variant.found.threads[variant.failing.thread].ops[variant.failing.op];
  std::string text = absl::StrCat(
      "# variant: ", key, "\n# variant of: ", finding.ToString(),
      "\n# failing call: thread ", variant.failing.thread + 1, " op ",
      variant.failing.op + 1, ": ", PrintOp(failing), "\n");
  if (variant.scenario_index) {
    absl::StrAppend(&text, "# scenario index: ", *variant.scenario_index, "\n");
  }
  absl::StrAppend(&text, PrintScenario(variant.found));
  absl::StatusOr<bool> made = CreateExclusively(
      absl::StrCat(dir, "/", kVariantPrefix, key, kVariantSuffix), text);
  if (!made.ok()) return made.status();
  variant_of_[key] = finding.ToString();
  variant_occurrences_.try_emplace(key, 0);
  absl::Status status = CountOccurrence(variant.signature);
  if (!status.ok() || !*made) return status;
  return RefreshDocuments(finding);
}

absl::Status FindingStore::RefreshDocuments(const Signature& finding) {
  const std::string dir = DirectoryOf(finding);
  if (Exists(dir + "/claim") && !Exists(dir + "/done") && !writer_.empty()) {
    absl::StatusOr<std::string> owner = ReadFile(dir + "/claim");
    int64_t pid = 0;
    if (owner.ok() &&
        absl::SimpleAtoi(absl::StripAsciiWhitespace(*owner), &pid) &&
        pid != CurrentProcessId()) {
      return absl::OkStatus();  // its owner's Update lists the variants
    }
  }
  absl::StatusOr<FindingSummary> summary = ReadFindingDirectory(dir);
  if (!summary.ok()) return absl::OkStatus();
  summary->occurrences = Occurrences(finding);
  absl::Status status =
      WriteFileAtomically(dir + "/stats.json", StatsJson(*summary));
  if (!status.ok()) return status;
  return WriteFileAtomically(dir + "/report.md", ReportMarkdown(*summary));
}

}  // namespace openrace

namespace openrace {
namespace {

// A scenario file of the directory, parsed and validated; nullopt when it
// is not there.
absl::StatusOr<absl::optional<Scenario>> ReadScenarioIfThere(
    const std::string& path, std::string* text) {
  std::error_code ec;
  if (!std::filesystem::exists(path, ec)) return absl::optional<Scenario>();
  if (text != nullptr) {
    absl::StatusOr<std::string> read = ReadFile(path);
    if (!read.ok()) return read.status();
    *text = *std::move(read);
  }
  absl::StatusOr<Scenario> scenario = ReadScenarioFile(path);
  if (!scenario.ok()) return scenario.status();
  return absl::optional<Scenario>(*std::move(scenario));
}

}  // namespace

std::vector<VariantSummary> ReadVariants(const std::string& dir) {
  std::vector<VariantSummary> variants;
  std::error_code ec;
  std::vector<std::string> names;
  for (const auto& file : std::filesystem::directory_iterator(dir, ec)) {
    const std::string name = file.path().filename().string();
    if (!VariantOfFile(name).empty()) names.push_back(name);
  }
  std::sort(names.begin(), names.end());
  for (const std::string& name : names) {
    absl::StatusOr<std::string> text = ReadFile(absl::StrCat(dir, "/", name));
    if (!text.ok()) continue;
    VariantSummary v;
    v.signature = VariantOfFile(name);
    v.file = name;
    v.occurrences =
        CountInDirectory(dir, VariantCountPrefix(v.signature)).total;
    for (absl::string_view line : absl::StrSplit(*text, '\n')) {
      if (!absl::ConsumePrefix(&line, "# ")) break;
      if (absl::ConsumePrefix(&line, "failing call: ")) {
        v.failing_call = std::string(line);
      } else if (absl::ConsumePrefix(&line, "scenario index: ")) {
        uint64_t index = 0;
        if (absl::SimpleAtoi(line, &index)) v.scenario_index = index;
      }
    }
    variants.push_back(std::move(v));
  }
  return variants;
}

FindingHeader ParseFindingHeader(absl::string_view text,
                                 const Scenario& scenario) {
  FindingHeader header;
  for (absl::string_view line : absl::StrSplit(text, '\n')) {
    line = absl::StripTrailingAsciiWhitespace(line);
    if (!absl::ConsumePrefix(&line, "#")) {
      if (absl::StripAsciiWhitespace(line).empty()) continue;
      break;  // the header ends at the first line that is not a comment
    }
    line = absl::StripLeadingAsciiWhitespace(line);
    if (absl::ConsumePrefix(&line, "found: ") ||
        absl::ConsumePrefix(&line, "minimized: ")) {
      header.signature = std::string(absl::StripAsciiWhitespace(line));
      continue;
    }
    if (!absl::ConsumePrefix(&line, "failing call: thread ")) continue;
    const std::vector<absl::string_view> words = absl::StrSplit(line, ' ');
    size_t thread = 0, op = 0;
    if (words.size() >= 3 && words[1] == "op" &&
        absl::SimpleAtoi(words[0], &thread) &&
        absl::SimpleAtoi(absl::StripSuffix(words[2], ":"), &op) &&
        thread >= 1 && op >= 1 && thread <= scenario.threads.size() &&
        op <= scenario.threads[thread - 1].ops.size()) {
      header.failing = OpRef{thread - 1, op - 1};
    }
  }
  return header;
}

absl::Status WritePictures(const std::string& dir,
                           const FindingSummary& summary) {
  if (!summary.timeline_svg.empty()) {
    absl::Status status =
        WriteFileAtomically(dir + "/timeline.svg", summary.timeline_svg);
    if (!status.ok()) return status;
  }
  if (!summary.bisect.empty()) {
    absl::Status status = WriteFileAtomically(
        dir + "/bisect.svg",
        BisectChartSvg(summary.bisect, summary.signature.ToString()));
    if (!status.ok()) return status;
  }
  return absl::OkStatus();
}

absl::StatusOr<FindingSummary> ReadFindingDirectory(const std::string& dir) {
  std::error_code ec;
  if (absl::Status links = RefuseSymbolicLinks(dir); !links.ok()) return links;
  if (!std::filesystem::is_directory(dir, ec)) {
    return absl::FailedPreconditionError(
        absl::StrCat(dir, ": not a finding directory (not a directory)"));
  }
  FindingSummary s;
  std::string found_text;
  absl::StatusOr<absl::optional<Scenario>> found =
      ReadScenarioIfThere(dir + "/found.scn", &found_text);
  if (!found.ok()) return found.status();
  if (!found->has_value()) {
    return absl::FailedPreconditionError(absl::StrCat(
        dir, ": not a finding directory (no found.scn; `openrace run` writes "
             "one for each finding in OUT/<signature>/)"));
  }
  s.found = **found;
  const FindingHeader header = ParseFindingHeader(found_text, s.found);
  if (header.failing) {
    s.found_thread = header.failing->thread;
    s.found_op = header.failing->op;
  } else if (!s.found.threads.empty() && !s.found.threads[0].ops.empty()) {
    s.missing.push_back("found.scn names no failing call (`# failing call:`)");
  } else {
    return absl::InvalidArgumentError(
        absl::StrCat(dir, "/found.scn: names no failing call and has no "
                          "operation to show"));
  }
  // The signature: found.scn's header, else the directory's name.
  absl::optional<Signature> signature = ParseSignature(header.signature);
  if (!signature) {
    signature = ParseSignature(std::filesystem::path(dir).lexically_normal()
                                   .filename().string());
  }
  if (!signature) {
    signature = ParseSignature(std::filesystem::path(dir).lexically_normal()
                                   .parent_path().filename().string());
  }
  if (!signature) {
    return absl::InvalidArgumentError(absl::StrCat(
        dir, ": no signature in found.scn's `# found:` line or the directory "
             "name"));
  }
  s.signature = *signature;

  absl::StatusOr<absl::optional<Scenario>> minimized =
      ReadScenarioIfThere(dir + "/minimized.scn", nullptr);
  if (!minimized.ok()) return minimized.status();
  s.minimized = *std::move(minimized);
  if (!s.minimized) s.missing.push_back("minimized.scn: the finding was not minimized");

  const std::string stats_path = dir + "/stats.json";
  if (std::filesystem::exists(stats_path, ec)) {
    absl::StatusOr<std::string> text = ReadFile(stats_path);
    if (!text.ok()) return text.status();
    if (absl::Status status = ReadStatsJson(*text, stats_path, s);
        !status.ok()) {
      return status;
    }
  } else {
    s.missing.push_back("stats.json: no rate, bisection or environment");
  }
  if (s.failing_round) {
    const Scenario& shown = s.minimized ? *s.minimized : s.found;
    s.failing_call =
        PrintOp(shown.threads[s.failing_op.thread].ops[s.failing_op.op]);
    s.timeline_svg = TimelineSvg(shown, *s.failing_round, s.failing_op,
                                 s.signature.ToString());
    s.timeline_ascii = TimelineAscii(shown, *s.failing_round, s.failing_op);
  } else {
    s.missing.push_back("a failing round (stats.json `failing_round`): no timeline");
  }
  if (s.bisect.empty()) s.missing.push_back("a bisection (stats.json `bisect`)");

  s.variants = ReadVariants(dir);

  const std::string repro = dir + "/repro.c";
  if (std::filesystem::exists(repro, ec)) {
    absl::StatusOr<std::string> text = ReadFile(repro);
    if (!text.ok()) return text.status();
    s.repro_c = *std::move(text);
    s.repro_c_name = "repro.c";
  } else {
    s.missing.push_back("repro.c: no C reproducer");
  }
  return s;
}

}  // namespace openrace
