// merge.h — `openrace merge`: several campaign outputs (the shards of a
// Kubernetes Indexed Job, nightly runs on several nodes) into one, by
// signature.
//
// MERGED holds one directory per signature, like any campaign output, with
// the most complete copy of the finding among its inputs (one with
// minimized.scn over one with only found.scn; then one with report.md; then
// the one with more files) and its occurrence count summed over the inputs;
// MERGED/summary.json sums the campaign totals (scenarios, rounds, calls,
// seconds, and any other count or histogram the inputs' summary.json carry).
//
// Merging is idempotent and incremental. MERGED/merged.json is a ledger:
// for each input ever merged, keyed by its canonical path, the counts it
// contributed. Merging an input again replaces its entry (a campaign still
// running, or resumed in the same OUT, has only grown, and its counts
// include the earlier ones), so nothing is counted twice, and inputs merged
// on earlier days stay counted. The totals are always recomputed from the
// ledger. One campaign per OUT directory: a directory emptied and reused by
// a new campaign replaces the old campaign's contribution.
//
// A merge cut short is finished by running it again: a finding's files are
// copied with minimized.scn last (so a half-copied directory still ranks
// below its source), then the ledger is written, then the counts and the
// summary, each file atomically (file_util.h).
//
// Example:
//   absl::StatusOr<MergeResult> r =
//       MergeFindingOutputs({"findings/shard-0", "findings/shard-1"},
//                           "findings/merged");

#ifndef OPENRACE_HARNESS_STORE_MERGE_H_
#define OPENRACE_HARNESS_STORE_MERGE_H_

#include <cstdint>
#include <map>
#include <string>
#include <tuple>
#include <vector>

#include "absl/status/statusor.h"

namespace openrace {

struct MergeResult {
  std::string merged;                       // MERGED, absolute
  std::vector<std::string> inputs;          // merged by this call, canonical
  std::vector<std::string> new_signatures;  // not in MERGED before
  std::vector<std::string> replaced_copies; // a more complete copy came in
  size_t ledger_inputs = 0;                 // inputs merged so far, in all
  std::map<std::string, uint64_t> occurrences;  // MERGED's, after the merge
};

// Merges `inputs` (campaign output directories) into `merged`. An input
// that is missing, is not a directory, is `merged` itself, or holds neither
// summary.json nor a finding directory, a malformed summary.json or
// merged.json, and a `merged` that holds findings but no merged.json (a
// campaign output, not a merge) are errors, found before anything is
// written.
absl::StatusOr<MergeResult> MergeFindingOutputs(
    const std::vector<std::string>& inputs, const std::string& merged);

// How complete a copy of a finding (OUT/<signature>/) is, as merge ranks
// them: a larger value is more complete (minimized.scn, then report.md,
// then more files). `openrace dashboard` shows the same copy merge keeps.
std::tuple<bool, bool, int> FindingCopyRank(const std::string& finding_dir);

}  // namespace openrace

#endif  // OPENRACE_HARNESS_STORE_MERGE_H_
