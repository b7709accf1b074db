// scenario_text.h — the canonical text form of a Scenario.
//
// Line-oriented, versioned, hand-writable and diffable. `#` starts a comment
// that runs to the end of the line; blank lines are ignored; indentation is
// free; tokens are separated by spaces or tabs; CRLF line ends are accepted.
// The file is printable ASCII. PrintScenario(ParseScenario(t)) is the
// canonical form of t. PrintScenario keeps everything that changes what
// runs; fields an operation's kind does not use, and the separator style and
// doubling of a path that shows no separator, are not printed. So
// ParseScenario(PrintScenario(s)) == s for every valid scenario s that
// leaves those at their defaults.
//
//   openrace-scenario 1          first line: the format and its version
//   rounds 1000
//   dir src                      the tree, parents before children
//   dir src/a
//   file src/a/foo.h
//   shared d0 = open cwd:src options=directory
//   thread                       each thread's operations follow it
//     h0 = open cwd:src/a/foo.h access=read share=read|write disp=open
//     barrier 1
//     open d0:a/foo.h spin=200
//     mkdir abs:src/b
//     stat cwd:src/./a/../a/foo.h
//     delete cwd:src/b options=directory
//     rename cwd:src/x -> cwd:src/y
//     close h0
//
// A path is ANCHOR:COMPONENTS. Anchors: `cwd`, `abs` (the sandbox root as an
// absolute path), `dev` (`\\?\` + absolute, win32), `nt` (`\??\` + absolute,
// nt backend), or the name of a handle. Components are separated by `/` or
// `\` (one style per path), doubled (`a//b`) or not, with an optional
// trailing separator (doubled too in a doubled path); the spelling is kept
// exactly. A path has at least one component and never starts with a
// separator (`abs:src/a`, not `abs:/src/a`). Tree entries are names joined
// by single `/`, without `.` or `..`.
//
// Operations, one per line after their `thread` line:
//   [NAME =] open PATH [access= share= disp= options= attrs= spin=]
//   mkdir PATH [spin=]
//   stat PATH [spin=]
//   delete PATH [options=directory] [spin=]
//   rename PATH -> PATH [spin=]
//   close NAME [spin=]
//   barrier ID
// and before the first thread: `rounds N` (at most once, default 1),
// `dir PATH`, `file PATH`, `shared NAME = open PATH [flags but spin]`.
// Numbers are decimal; spin and barrier ids fit 32 bits, rounds 64.
//
// Flags take `|`-joined names (`none` alone for the empty set), each flag at
// most once per line, in any order; they are printed in the order below,
// with names in the order listed, and left out when equal to their defaults:
//   access=  read write delete read_attributes synchronize none (default read)
//   share=   read write delete none                          (default read|write)
//   disp=    supersede open create open_if overwrite overwrite_if (default open)
//   options= directory non_directory backup open_reparse_point none (default none)
//   attrs=   normal readonly hidden none                     (default normal)
//   spin=N   busy-wait N nanoseconds before the call          (default 0)
//
// Errors are InvalidArgument and name the 1-based line and byte column of
// the offending token or character: "line 7:12: unknown disp 'opne';
// expected one of supersede, open, create, open_if, overwrite, overwrite_if".

#ifndef OPENRACE_HARNESS_SCENARIO_SCENARIO_TEXT_H_
#define OPENRACE_HARNESS_SCENARIO_SCENARIO_TEXT_H_

#include <ostream>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "harness/scenario/scenario.h"

namespace openrace {

std::string PrintScenario(const Scenario& scenario);
absl::StatusOr<Scenario> ParseScenario(absl::string_view text);

// Where the items of a parsed scenario were written: the 1-based line and
// byte column of a token, as in parse errors. ValidateScenario takes them
// to point its messages at the text ("line 12:9: thread 2 op 1 (...): ...").
struct TextPosition {
  int line = 0;
  int column = 0;
};
struct OpPositions {
  TextPosition op;    // its first token (the result name of `h0 = open`)
  TextPosition path;  // its path, for the ops that have one
  TextPosition to;    // a rename's new path
};
struct ScenarioPositions {
  std::vector<TextPosition> tree;    // each tree entry's path
  std::vector<TextPosition> shared;  // each shared handle's path
  std::vector<std::vector<OpPositions>> ops;  // [thread][op]
};

// ParseScenario that also says where each item was written (`positions`
// is filled only when the text parses).
absl::StatusOr<Scenario> ParseScenario(absl::string_view text,
                                       ScenarioPositions* positions);

// One path or one operation in the same syntax, for logs and reports.
std::string PrintPath(const Path& path);
std::string PrintOp(const Op& op);

// What the text form can spell, and so what ValidateScenario accepts. A name
// (a path component other than "." and "..", one component of a tree entry)
// is non-empty printable ASCII without space, `#` (comments) and
// / \ : * ? " < > | (separators, anchors, and what Windows forbids). A
// handle name is [A-Za-z_][A-Za-z0-9_]* and not an anchor keyword (cwd, abs,
// dev, nt).
bool IsValidName(absl::string_view name);
bool IsValidHandleName(absl::string_view name);

// The 1-based line of each operation in `text`, a scenario text that
// ParseScenario accepts: lines[t][i] is where Scenario::threads[t].ops[i]
// (barriers included) is written. The parsed Scenario keeps no line
// numbers; reports that point at a finding's call (replay --sarif) find it
// here. On text ParseScenario rejects, the result is unspecified but safe.
//
// Example:
//   std::vector<std::vector<int>> lines = ScenarioOpLines(text);
//   int line = lines[finding.thread][finding.op];
std::vector<std::vector<int>> ScenarioOpLines(absl::string_view text);

// For GoogleTest and logs.
std::ostream& operator<<(std::ostream& os, const Scenario& scenario);
std::ostream& operator<<(std::ostream& os, const Path& path);
std::ostream& operator<<(std::ostream& os, const Op& op);

// Reads, parses and validates a scenario file; errors name the file.
absl::StatusOr<Scenario> ReadScenarioFile(const std::string& path);

}  // namespace openrace

#endif  // OPENRACE_HARNESS_SCENARIO_SCENARIO_TEXT_H_
