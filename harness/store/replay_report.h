// replay_report.h — what `openrace replay` tells CI: a JUnit XML file
// (--junit) and a SARIF 2.1.0 log (--sarif) over the replayed scenario
// files, and the progress and total lines it prints. Pure: the command
// fills one ReplayFileReport per file and writes what these return.
//
// Outline:
//   command_replay.cc replays each file (with --check, once per `# expect:`
//   line) -> a ReplayFileReport: rounds, outcome counts, findings, and the
//   problems that fail it (a mismatched expectation, a finding, an error)
//   -> RenderJUnit: a <testcase> per file, a <failure> or <error> per
//   failing one -> RenderSarif: a result per problem, at the file's line.
//
// JUnit: <testsuites><testsuite name="openrace replay"> holding, per file,
// <testcase classname="corpus.sub" name="create_race" file="..." time="s">
// (classname: the file's directory relative to the current directory, '/'
// as '.'; name: its file name without ".scn") with <properties> (rounds,
// outcome.<name> calls, finding.<signature> rounds, expectations,
// expectations_met), a <failure> (message: the first problem's message,
// type: its rule; text: every problem's details) or <error> (a replay that
// could not run), <skipped> (not replayed: interrupted) and <system-out>
// (the lines the command printed for the file). Text is escaped for XML
// 1.0: <&>"' as entities; a control character, a byte of invalid UTF-8 and
// U+FFFE/U+FFFF, which XML cannot hold at all, as the four characters
// \xNN.
//
// SARIF: one run; tool.driver is openrace with its version and one rule per
// kind of problem that occurs (expect-clean, expect-finding, replay-error,
// and one per finding signature); a result per problem, level "error", at
// the scenario file (uri relative to the current directory, uriBaseId
// %SRCROOT%, which originalUriBaseIds sets to the current directory) and
// the problem's line, with the finding's call as a related location when
// known.
//
// Example:
//   ReplayFileReport r{.file = "corpus/create_race.scn", .rounds = 2000};
//   r.problems.push_back({.kind = ReplayProblemKind::kExpectClean,
//                         .message = "expected clean; found ...", .line = 3});
//   ReplayReportOptions options{.cwd = "/src/project", .version = "0.1.0"};
//   WriteFileAtomically("replay.xml", RenderJUnit({r}, options));
//   WriteFileAtomically("replay.sarif", RenderSarif({r}, options));

#ifndef OPENRACE_HARNESS_STORE_REPLAY_REPORT_H_
#define OPENRACE_HARNESS_STORE_REPLAY_REPORT_H_

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "absl/types/span.h"

namespace openrace {

enum class ReplayProblemKind {
  kExpectClean,    // `# expect: clean` not met (rule "expect-clean")
  kExpectFinding,  // `# expect: finding ...` not met ("expect-finding")
  kFinding,        // without --check: a finding (rule: its signature)
  kError,          // the replay could not run ("replay-error")
};

struct ReplayProblem {
  ReplayProblemKind kind = ReplayProblemKind::kFinding;
  std::string signature;  // kFinding: the finding
  std::string message;    // one line
  std::string details;    // more lines; may be empty
  int line = 0;           // 1-based, in the file; 0: the file as a whole
  int call_line = 0;      // the line of the call that failed; 0: unknown
};

// The SARIF rule id of a problem: its signature for kFinding, else the
// kind's name.
std::string ReplayRuleId(const ReplayProblem& problem);

struct ReplayFileReport {
  std::string file;  // as named on the command line
  absl::Duration time;
  bool skipped = false;  // not replayed (interrupted)
  uint64_t rounds = 0;   // over all its replays
  std::map<std::string, uint64_t> outcomes;  // calls by outcome name
  std::map<std::string, uint64_t> findings;  // rounds by signature
  int expectations = 0;      // --check: `# expect:` lines
  int expectations_met = 0;
  std::string log;  // what the command printed for the file
  std::vector<ReplayProblem> problems;  // empty: passed

  bool failed() const { return !problems.empty(); }
};

struct ReplayReportOptions {
  std::string cwd;      // absolute; files are reported relative to it
  std::string version;  // openrace's
  std::string suite = "openrace replay";
};

// `file` as a URI reference relative to `cwd` (percent-encoded, '/'
// separated), or a file:// URI when it lies outside. A `cwd` with a drive
// letter (C:\...) makes '\' a separator.
std::string ReportUri(absl::string_view file, absl::string_view cwd);

// `text` escaped for XML 1.0 character data, or for an attribute value
// (which also escapes tab, newline and carriage return).
std::string EscapeXml(absl::string_view text, bool attribute);

std::string RenderJUnit(absl::Span<const ReplayFileReport> files,
                        const ReplayReportOptions& options);
std::string RenderSarif(absl::Span<const ReplayFileReport> files,
                        const ReplayReportOptions& options);

// "openrace replay: 5 files, 4 ok, 1 failed, 12000 rounds in 61.2s", and
// ", 2 not replayed (interrupted)" when some were skipped.
std::string ReplayTotalLine(absl::Span<const ReplayFileReport> files,
                            absl::Duration elapsed);

// The progress line on a terminal: "replay 2/5 corpus/a.scn: 1200 rounds,
// 1 finding so far".
std::string ReplayProgressLine(size_t index, size_t count,
                               absl::string_view file, uint64_t rounds,
                               uint64_t findings);

}  // namespace openrace

#endif  // OPENRACE_HARNESS_STORE_REPLAY_REPORT_H_
