// command_merge.cc — `openrace merge OUT... --out MERGED`: campaign outputs
// merged by signature (merge.h), with a line per finding.

#include <algorithm>
#include <cstdio>

#include "absl/strings/str_cat.h"
#include "harness/cli/commands.h"
#include "harness/base/file_util.h"
#include "harness/store/merge.h"

namespace openrace {

int RunMerge(const MergeCommand& command) {
  absl::StatusOr<MergeResult> result =
      MergeFindingOutputs(command.inputs, command.out);
  if (!result.ok()) return UsageError(result.status());
  if (command.json) {
    absl::StatusOr<std::string> summary =
        ReadFile(result->merged + "/summary.json");
    if (!summary.ok()) return UsageError(summary.status());
    std::fputs(summary->c_str(), stdout);
    return kExitClean;
  }
  std::printf("openrace: merged %zu input(s) into %s (%zu merged there in all)\n",
              result->inputs.size(), result->merged.c_str(),
              result->ledger_inputs);
  if (result->occurrences.empty()) {
    std::printf("no findings.\n");
    return kExitClean;
  }
  for (const auto& [signature, n] : result->occurrences) {
    const bool is_new =
        std::find(result->new_signatures.begin(), result->new_signatures.end(),
                  signature) != result->new_signatures.end();
    const bool replaced =
        std::find(result->replaced_copies.begin(),
                  result->replaced_copies.end(),
                  signature) != result->replaced_copies.end();
    std::printf("  %s  %s%s%llu occurrence(s)  %s/%s/report.md\n",
                signature.c_str(), is_new ? "new, " : "",
                replaced ? "more complete copy, " : "",
                static_cast<unsigned long long>(n), result->merged.c_str(),
                signature.c_str());
  }
  return kExitClean;
}

}  // namespace openrace
