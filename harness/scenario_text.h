// scenario_text.h — the canonical text form of a Scenario.
//
// Line-oriented, versioned, hand-writable and diffable. `#` starts a comment
// that runs to the end of the line; blank lines are ignored; indentation is
// free. PrintScenario(ParseScenario(t)) is the canonical form of t, and
// ParseScenario(PrintScenario(s)) == s for every scenario s.
//
//   openrace-scenario 1          first line: the format and its version
//   rounds 1000
//   dir src                      the tree, parents before children
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
// trailing separator; the spelling is kept exactly.
//
// Flags take `|`-joined names; attributes equal to their defaults are left
// out when printing:
//   access=  read write delete read_attributes synchronize   (default read)
//   share=   read write delete none                          (default read|write)
//   disp=    supersede open create open_if overwrite overwrite_if (default open)
//   options= directory non_directory backup open_reparse_point none (default none)
//   attrs=   normal readonly hidden                          (default normal)
//   spin=N   busy-wait N nanoseconds before the call          (default 0)
//
// Errors name line and column: "line 7:12: unknown disposition 'opne';
// expected one of supersede, open, create, open_if, overwrite, overwrite_if".

#ifndef OPENRACE_HARNESS_SCENARIO_TEXT_H_
#define OPENRACE_HARNESS_SCENARIO_TEXT_H_

#include <ostream>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "harness/scenario.h"

namespace openrace {

std::string PrintScenario(const Scenario& scenario);
absl::StatusOr<Scenario> ParseScenario(absl::string_view text);

// One path or one operation in the same syntax, for logs and reports.
std::string PrintPath(const Path& path);
std::string PrintOp(const Op& op);

// For GoogleTest and logs.
std::ostream& operator<<(std::ostream& os, const Scenario& scenario);
std::ostream& operator<<(std::ostream& os, const Path& path);
std::ostream& operator<<(std::ostream& os, const Op& op);

}  // namespace openrace

#endif  // OPENRACE_HARNESS_SCENARIO_TEXT_H_
