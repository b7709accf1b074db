// finding_store.cc — see finding_store.h.

#include "harness/finding_store.h"

#include <filesystem>
#include <system_error>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "harness/file_util.h"
#include "harness/scenario_text.h"

namespace openrace {

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
    uint64_t count = 1;
    absl::StatusOr<std::string> text =
        ReadFile((entry.path() / "occurrences").string());
    if (text.ok()) {
      uint64_t parsed = 0;
      if (absl::SimpleAtoi(absl::StripAsciiWhitespace(*text), &parsed)) {
        count = parsed;
      }
    }
    store.occurrences_[name] = count;
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
  return WriteFileAtomically(
      absl::StrCat(out_dir_, "/", signature, "/occurrences"),
      absl::StrCat(occurrences_[signature], "\n"));
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
  occurrences_[summary.signature.ToString()] = summary.occurrences;
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
  return WriteOccurrences(key);
}

}  // namespace openrace
