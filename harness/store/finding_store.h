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
//   bisect.svg      the bisection: each variation's rate with its 95 %
//                   interval (bisect_chart.h)
//   occurrences     how many scenarios showed this signature (a number)
//   variant-SIG.scn the scenario that first showed SIG, another signature
//                   of the same bug (SameBug, bisect.h: the same op kind,
//                   status and native code), with its failing call and
//                   scenario index in its header; listed in stats.json's
//                   `variants` and report.md, never minimized again
//   variant-SIG.occurrences[.<writer>]  how many scenarios showed SIG
// Opening an existing OUT learns the signatures already there, so a resumed
// campaign only counts them again instead of minimizing them twice.
//
// Several writers (the workers of `openrace campaign`) share one OUT:
//   occurrences.<writer>  each writer's own count; occurrences() and
//                         Occurrences() are the totals over every count file
//   claim                 made with O_EXCL by the one writer that minimizes
//                         the finding (its pid inside); the others only count
//   done                  written when that writer has finished with it
//   crashes               how many writers died while they held the claim
//                         (a number; absent: none)
// A claim whose owner died without `done` is released (ReleaseClaims) and
// taken over by the next worker, which minimizes the finding again. Only a
// holder that died on its own (a crash, a hang, a memory blow-up) adds to
// `crashes`: one stopped from outside (its supervisor killed, an
// interrupt) did nothing wrong, and the finding is resumed however often
// that happens. The campaign gives a finding up after two crashes
// (kMaxMinimizerCrashes).

#ifndef OPENRACE_HARNESS_STORE_FINDING_STORE_H_
#define OPENRACE_HARNESS_STORE_FINDING_STORE_H_

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/types/optional.h"
#include "harness/report/emit_c.h"
#include "harness/report/report.h"

namespace openrace {

// A finding whose minimization crashed its writer this often is given up.
inline constexpr uint64_t kMaxMinimizerCrashes = 2;

class FindingStore {
 public:
  // Makes `out_dir` if needed and reads the findings already in it.
  static absl::StatusOr<FindingStore> Open(const std::string& out_dir);

  // A finding here, or a variant of one.
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
  // --- variants: one bug, one finding ----------------------------------------
  // The finding here that `signature` is another signature of (SameBug),
  // the first in signature order; nullopt when it is a new bug.
  absl::optional<Signature> FindingFor(const Signature& signature) const;
  struct Variant {
    Signature signature;
    Scenario found;     // the scenario that showed it
    OpRef failing;      // its failing call there
    absl::optional<uint64_t> scenario_index;
  };
  // Records `variant` beside `finding` (variant-SIG.scn, made exclusively:
  // when another writer made it first this only counts it) and rewrites
  // the finding's stats.json and report.md to list it (RefreshDocuments).
  absl::Status AddVariant(const Signature& finding, const Variant& variant);
  // Variants by signature text, each with its finding's.
  const std::map<std::string, std::string>& variant_of() const {
    return variant_of_;
  }
  // Learns the findings and variants other writers made since Open.
  void Rescan();
  // Rewrites `finding`'s stats.json and report.md from its directory
  // (ReadFindingDirectory, what `openrace report` reads), with the counts
  // of now: its variants listed. Left alone while another writer holds its
  // claim (its own Update lists them) and when the directory cannot be
  // read.
  absl::Status RefreshDocuments(const Signature& finding);

  // --- several writers ------------------------------------------------------
  // From now on this store counts into `occurrences.<writer>`.
  void SetWriter(const std::string& writer);

  enum class Claim {
    kNew,       // claimed, and nothing of it was written yet: a new finding
    kTakeOver,  // claimed, and found.scn is there: a dead writer's finding
    kTaken,     // another writer has it (or it is done): only count it
  };
  absl::StatusOr<Claim> TryClaim(const Signature& signature);
  // The claimed finding is finished with: minimized and explained, or given
  // up on, which `why` says.
  absl::Status MarkDone(const Signature& signature, const std::string& why);
  // Findings with found.scn but neither `done` nor minimized.scn nor a
  // claim: left by a writer that died.
  std::vector<std::string> Unfinished() const;
  // Sets this writer's counts to `counts` (its checkpoint), rewriting its
  // count files: counts written after the checkpoint belong to a scenario
  // that is re-run or skipped, and must not be counted twice.
  absl::Status ResetOwnOccurrences(const std::map<std::string, uint64_t>& counts);
  const std::map<std::string, uint64_t>& own_occurrences() const {
    return own_;
  }
  // Removes the claims of unfinished findings in `out_dir` held by `pid`
  // (every claim when `pid` is 0); returns the signatures released. With
  // kHolderCrashed each released finding's `crashes` goes up by one.
  enum class Release { kHolderCrashed, kHolderStopped };
  static std::vector<std::string> ReleaseClaims(const std::string& out_dir,
                                                int64_t pid, Release why);
  // The finding's `crashes` count (0 when there is none).
  uint64_t MinimizerCrashes(const Signature& signature) const;

  uint64_t Occurrences(const Signature& signature) const;
  const std::map<std::string, uint64_t>& occurrences() const {
    return occurrences_;
  }
  const std::string& out_dir() const { return out_dir_; }

 private:
  explicit FindingStore(std::string out_dir) : out_dir_(std::move(out_dir)) {}
  absl::Status WriteOccurrences(const std::string& signature);
  // The count file of a finding or a variant, without the writer suffix.
  std::string CountPath(const std::string& signature) const;
  uint64_t& TotalOf(const std::string& signature);
  void Learn(const std::string& finding_dir);
  std::string out_dir_;
  std::map<std::string, uint64_t> occurrences_;  // by signature text
  std::map<std::string, std::string> variant_of_;  // variant -> finding
  std::map<std::string, uint64_t> variant_occurrences_;
  std::string writer_;  // empty: the single-writer `occurrences` file
  std::map<std::string, uint64_t> own_;  // this writer's counts
  // What the `occurrences.<writer>` files held when the store was opened.
  std::map<std::string, uint64_t> writer_counts_;
};

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

// The variant-*.scn files of a finding directory with their counts, in
// signature order; a file that does not parse is left out.
std::vector<VariantSummary> ReadVariants(const std::string& dir);

// Writes the pictures of a finding into `dir`: timeline.svg when a failing
// round was drawn (summary.timeline_svg), bisect.svg when it was bisected
// (BisectChartSvg of summary.bisect). FindingStore::Update and `openrace
// report` both write them with it, so they write the same bytes.
absl::Status WritePictures(const std::string& dir,
                           const FindingSummary& summary);

// A finding directory read back, without running anything, for `openrace
// report`: the summary that report.md, timeline.svg and bisect.svg are
// made from.
// found.scn is required (FailedPrecondition "not a finding directory"
// without it, or when DIR is not a directory); stats.json, minimized.scn,
// repro.c, the variants and the failing round are taken when they are there, and
// `missing` says which are not. A malformed file is InvalidArgument, naming
// the file and the place.
absl::StatusOr<FindingSummary> ReadFindingDirectory(const std::string& dir);

}  // namespace openrace

#endif  // OPENRACE_HARNESS_STORE_FINDING_STORE_H_
