// command_report.cc — `openrace report FINDING_DIR`: rebuilds report.md (and
// timeline.svg, when stats.json keeps the failing round, and bisect.svg,
// when it keeps a bisection) from the files of
// a finding directory, without running anything. A directory that lacks
// pieces gets a report of what is there, which ends by naming what is
// missing; the same list goes to stderr. Exit 0 when the report is written;
// 2 when DIR is not a finding directory or one of its files is malformed.

#include <cstdio>

#include "absl/strings/str_cat.h"
#include "harness/cli/commands.h"
#include "harness/base/file_util.h"
#include "harness/store/finding_store.h"
#include "harness/report/report.h"

namespace openrace {

int RunReport(const std::string& dir) {
  absl::StatusOr<FindingSummary> summary = ReadFindingDirectory(dir);
  if (!summary.ok()) return UsageError(summary.status());
  if (absl::Status s = WritePictures(dir, *summary); !s.ok()) {
    return UsageError(s);
  }
  const std::string report = absl::StrCat(dir, "/report.md");
  if (absl::Status s = WriteFileAtomically(report, ReportMarkdown(*summary));
      !s.ok()) {
    return UsageError(s);
  }
  std::fprintf(stderr, "wrote %s\n", report.c_str());
  for (const std::string& piece : summary->missing) {
    std::fprintf(stderr, "  not in the directory: %s\n", piece.c_str());
  }
  return kExitClean;
}

}  // namespace openrace
