// progress.h — the one progress line and the one summary that `openrace
// run` and `openrace campaign` print, so a log of either reads the same:
//
//   [  12s] scenarios 1.2k | calls 30k (2.5k/s) | findings 1 | fuzzing
//   openrace: 1234 scenarios, 30123 calls in 12.0s (2.5k calls/s), seed 1
//   findings in /out:
//     open-invalid_parameter-EINVAL-transient-cwd  new, 3 occurrence(s)  /out/.../report.md
//
// On a terminal the progress line is redrawn in place; otherwise a line
// is printed every 10 seconds and at the end. Both go to stderr; the
// summary goes to stdout.

#ifndef OPENRACE_HARNESS_CLI_PROGRESS_H_
#define OPENRACE_HARNESS_CLI_PROGRESS_H_

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "absl/time/time.h"

namespace openrace {

struct ProgressNumbers {
  double seconds = 0;  // of the campaign, over every run of its OUT
  uint64_t scenarios = 0;
  uint64_t calls = 0;
  uint64_t findings = 0;
  std::string detail;  // "fuzzing", "minimizing SIG", "jobs 2, restarts 0, crashes 0"
};
std::string ProgressLine(const ProgressNumbers& p);

class ProgressPrinter {
 public:
  ProgressPrinter();
  // Shows `p`; `done` ends the line for good.
  void Update(const ProgressNumbers& p, bool done);
  // A line of its own above the progress line.
  void Log(const std::string& line);

 private:
  const bool tty_;
  absl::Time last_line_;
};

struct RunSummary {
  uint64_t scenarios = 0;
  uint64_t calls = 0;
  double seconds = 0;
  uint64_t seed = 0;
  std::string extra;  // after the seed: ", 2 jobs, 0 crashes survived"
  bool interrupted = false;
  std::string out;
  std::map<std::string, uint64_t> findings;  // signature -> occurrences
  std::vector<std::string> new_findings;     // by this run
  std::map<std::string, std::string> variants;  // variant -> its finding
};
// The summary on stdout.
void PrintRunSummary(const RunSummary& s);

// 1.2M, 30k, 812.
std::string HumanCount(double n);

}  // namespace openrace

#endif  // OPENRACE_HARNESS_CLI_PROGRESS_H_
