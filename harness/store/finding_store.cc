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
#include "harness/report/timeline.h"
#include "harness/scenario/validate.h"

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

bool IsCountFile(const std::string& name) {
  return (name == "occurrences" || absl::StartsWith(name, "occurrences.")) &&
         !absl::StrContains(name, ".tmp-");
}

struct DirectoryCount {
  uint64_t total = 0;    // every count file; 1 when there is none yet (the
                         // scenario that made the directory)
  uint64_t writers = 0;  // the `occurrences.<writer>` files only
};

DirectoryCount CountInDirectory(const std::filesystem::path& dir) {
  DirectoryCount count;
  bool any = false;
  std::error_code ec;
  for (const auto& file : std::filesystem::directory_iterator(dir, ec)) {
    const std::string name = file.path().filename().string();
    if (!IsCountFile(name)) continue;
    any = true;
    const uint64_t n = ReadCount(file.path());
    count.total += n;
    if (name != "occurrences") count.writers += n;
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
    const DirectoryCount count = CountInDirectory(entry.path());
    store.occurrences_[name] = count.total;
    if (count.writers) store.writer_counts_[name] = count.writers;
  }
  if (ec) {
    return absl::FailedPreconditionError(
        absl::StrCat("cannot list ", out_dir, ": ", ec.message()));
  }
  return store;
}

bool FindingStore::Known(const Signature& signature) const {
  return occurrences_.count(signature.ToString()) > 0;
}

std::string FindingStore::DirectoryOf(const Signature& signature) const {
  return absl::StrCat(out_dir_, "/", signature.ToString());
}

uint64_t FindingStore::Occurrences(const Signature& signature) const {
  auto it = occurrences_.find(signature.ToString());
  return it == occurrences_.end() ? 0 : it->second;
}

absl::Status FindingStore::WriteOccurrences(const std::string& signature) {
  if (writer_.empty()) {
    // The total less what the campaign workers' files hold, so a `run` on
    // a campaign's OUT does not count those twice.
    const uint64_t total = occurrences_[signature];
    auto writers = writer_counts_.find(signature);
    const uint64_t others =
        writers == writer_counts_.end() ? 0 : std::min(total, writers->second);
    return WriteFileAtomically(
        absl::StrCat(out_dir_, "/", signature, "/occurrences"),
        absl::StrCat(total - others, "\n"));
  }
  return WriteFileAtomically(
      absl::StrCat(out_dir_, "/", signature, "/occurrences.", writer_),
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
  own_ = counts;
  // Count files of this writer that the checkpoint does not know of are
  // set back to zero as well.
  for (const auto& [signature, total] : occurrences_) own_.try_emplace(signature, 0);
  for (const auto& [signature, n] : own_) {
    const std::string file =
        absl::StrCat(out_dir_, "/", signature, "/occurrences.", writer_);
    if (!Exists(absl::StrCat(out_dir_, "/", signature))) continue;
    const uint64_t on_disk = ReadCount(file);
    if (on_disk == n && (n == 0 || Exists(file))) continue;
    if (n == 0 && !Exists(file)) continue;
    const uint64_t total = occurrences_[signature];
    occurrences_[signature] = total - std::min(total, on_disk) + n;
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

absl::Status FindingStore::Update(const FindingSummary& summary) {
  const std::string dir = DirectoryOf(summary.signature);
  if (summary.minimized) {
    absl::Status status = WriteFileAtomically(
        dir + "/minimized.scn",
        absl::StrCat("# minimized: ", summary.signature.ToString(), "\n",
                     PrintScenario(*summary.minimized)));
    if (!status.ok()) return status;
  }
  if (!summary.timeline_svg.empty()) {
    absl::Status status =
        WriteFileAtomically(dir + "/timeline.svg", summary.timeline_svg);
    if (!status.ok()) return status;
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
  ++occurrences_[key];
  if (!writer_.empty()) ++own_[key];
  return WriteOccurrences(key);
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

absl::StatusOr<FindingSummary> ReadFindingDirectory(const std::string& dir) {
  std::error_code ec;
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
    s.timeline_svg = TimelineSvg(shown, *s.failing_round, s.failing_op);
    s.timeline_ascii = TimelineAscii(shown, *s.failing_round, s.failing_op);
  } else {
    s.missing.push_back("a failing round (stats.json `failing_round`): no timeline");
  }
  if (s.bisect.empty()) s.missing.push_back("a bisection (stats.json `bisect`)");

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
