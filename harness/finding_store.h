// finding_store.h — OUT/<signature>/, one directory per distinct bug.
//
// Every file is written the moment it is ready, atomically (file_util.h),
// so a campaign killed at any instant keeps every finding it wrote:
//   found.scn       the scenario as generated, with the failing call noted
//   minimized.scn   after minimization
//   stats.json      signature, threads, ops, rate, bisect (report.h)
//   report.md       ready to paste upstream
//   repro.c         the standalone C reproducer
//   timeline.svg    a failing round: each thread's calls on a time axis
//   occurrences     how many scenarios showed this signature (a number)
// Opening an existing OUT learns the signatures already there, so a resumed
// campaign only counts them again instead of minimizing them twice.

#ifndef OPENRACE_HARNESS_FINDING_STORE_H_
#define OPENRACE_HARNESS_FINDING_STORE_H_

#include <cstdint>
#include <map>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/types/optional.h"
#include "harness/emit_c.h"
#include "harness/report.h"

namespace openrace {

class FindingStore {
 public:
  // Makes `out_dir` if needed and reads the findings already in it.
  static absl::StatusOr<FindingStore> Open(const std::string& out_dir);

  bool Known(const Signature& signature) const;

  // The directory of a signature (existing or not).
  std::string DirectoryOf(const Signature& signature) const;

  // Writes found.scn and an initial stats.json for a new finding.
  absl::Status AddNew(const FindingSummary& summary);

  // Rewrites stats.json, report.md, minimized.scn and repro.c from
  // `summary` (those it has).
  absl::Status Update(const FindingSummary& summary);

  // One more scenario showed a known signature.
  absl::Status CountOccurrence(const Signature& signature);

  // Sets the count of a signature whose directory exists (`openrace merge`
  // sums the counts of its inputs).
  absl::Status SetOccurrences(const Signature& signature, uint64_t count);

  uint64_t Occurrences(const Signature& signature) const;
  const std::map<std::string, uint64_t>& occurrences() const {
    return occurrences_;
  }
  const std::string& out_dir() const { return out_dir_; }

 private:
  explicit FindingStore(std::string out_dir) : out_dir_(std::move(out_dir)) {}
  absl::Status WriteOccurrences(const std::string& signature);
  std::string out_dir_;
  std::map<std::string, uint64_t> occurrences_;  // by signature text
};

// Reads, parses and validates a scenario file; errors name the file.
absl::StatusOr<Scenario> ReadScenarioFile(const std::string& path);

// What the header comments of found.scn and minimized.scn say:
// `# found: SIG` / `# minimized: SIG`, and (found.scn) `# failing call:
// thread T op I: ...`, which counts from 1. `failing` is 0-based, and set
// only when it names an operation of `scenario`.
struct FindingHeader {
  std::string signature;
  absl::optional<OpRef> failing;
};
FindingHeader ParseFindingHeader(absl::string_view text,
                                 const Scenario& scenario);

// A finding directory read back, without running anything, for `openrace
// report`: the summary that report.md and timeline.svg are made from.
// found.scn is required (FailedPrecondition "not a finding directory"
// without it, or when DIR is not a directory); stats.json, minimized.scn,
// repro.c and the failing round are taken when they are there, and
// `missing` says which are not. A malformed file is InvalidArgument, naming
// the file and the place.
absl::StatusOr<FindingSummary> ReadFindingDirectory(const std::string& dir);

}  // namespace openrace

#endif  // OPENRACE_HARNESS_FINDING_STORE_H_
