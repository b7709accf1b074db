// dashboard_input.h — reads campaign and merged outputs into the
// dashboard's Site (report/dashboard.h), for `openrace dashboard`.
//
// Each OUT is read as `openrace merge` reads its inputs (merge.h): it holds
// summary.json or a <signature>/ directory, or it is refused. From
// summary.json: the totals, the campaign's state and its progress series;
// from merged.json (a merged output): each input's totals and series, and
// what each contributed to a finding's count. Each <signature>/ directory
// is read with ReadFindingDirectory (finding_store.h); one that cannot be
// read is still listed, its status note saying why.
//
// A signature seen in several outputs is one finding: its occurrences are
// listed per output (and per shard: `occurrences.<writer>`; per input of a
// merge), first seen is the oldest found.scn, last seen the newest count
// file, and the copy shown is the most complete (FindingCopyRank, merge.h).
// Times are the files' modification times: a merge's copies carry the
// time of the merge.
//
// Example:
//   absl::StatusOr<Site> site = ReadDashboardSite({"night-1", "merged"});
//   if (!site.ok()) return site.status();

#ifndef OPENRACE_HARNESS_STORE_DASHBOARD_INPUT_H_
#define OPENRACE_HARNESS_STORE_DASHBOARD_INPUT_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "harness/report/dashboard.h"

namespace openrace {

// The site over `outputs`, generated now. Errors (an output missing or not
// a finding output, a summary.json or merged.json that is not JSON) name
// the output; nothing inside a finding directory is an error.
absl::StatusOr<Site> ReadDashboardSite(const std::vector<std::string>& outputs);

}  // namespace openrace

#endif  // OPENRACE_HARNESS_STORE_DASHBOARD_INPUT_H_
