// variations.h — the scenarios a bisection compares with a finding: pure
// transformations of a Scenario around its failing operation, each named
// for the "what it is and is not" table of a bug report (repro/bisect.h
// measures them).
//
// A variation is a pure transformation of the Scenario, named for the
// table. Variations() builds them for one failing operation (an OpRef), every one valid (ValidateScenario):
//   as found                  the scenario itself
//   absolute path             the failing op's paths spelled from `abs:`,
//                             same resolved target (when not already abs)
//   all paths absolute        every cwd- or handle-anchored path of the
//                             scenario spelled from `abs:` (when that
//                             differs from "absolute path")
//   directory handle anchor   (failing op cwd-anchored) a shared handle
//                             `d_bisect = open cwd:<parent> options=directory`
//                             and the op anchored on it: `d_bisect:<name>`
//   current-directory anchor  (failing op anchored on a handle, abs:, dev:
//                             or nt:) the same target spelled from `cwd:`
//   \\?\ form / \??\ form     (win32 / nt backends only) the failing op's
//                             target spelled from `dev:` / `nt:`, resolved,
//                             with `\` separators
//   one thread                only the failing op's thread (its barriers
//                             dropped; it keeps every op it has)
//   no held handle            every open that anchors nothing keeps no
//                             handle, and its close goes
//   <flag> reset              for each non-default field of the failing
//                             open: access, share, disp, options, attrs,
//                             and spin (its slide)
//   backup semantics toggled  (win32 / nt backends only) the failing open's
//                             options ^ backup
// A variation identical to the scenario (other than "as found") or invalid
// is left out.
//
//
// Example:
//   for (const Variation& v : Variations(scenario, OpRef{1, 1}, "posix")) {
//     std::printf("%s\n", v.name.c_str());
//   }

#ifndef OPENRACE_HARNESS_SCENARIO_VARIATIONS_H_
#define OPENRACE_HARNESS_SCENARIO_VARIATIONS_H_

#include <string>
#include <utility>
#include <vector>

#include "absl/strings/string_view.h"
#include "harness/scenario/scenario.h"

namespace openrace {

struct Variation {
  std::string name;   // the table's first column
  Scenario scenario;  // valid
  OpRef failing;      // where the failing op is in `scenario`
};

// The variations of `scenario` around its failing op `at` (an open, mkdir,
// stat, delete or rename), "as found" first. `backend` ("posix", "nt",
// "win32") decides whether the Windows-only variations are made.
std::vector<Variation> Variations(const Scenario& scenario, OpRef at,
                                  absl::string_view backend = "posix");

// Each handle of a valid scenario and the sandbox-relative directory it
// names: shared handles first, then each thread's in order (an unresolvable
// path gives the sandbox root).
using HandleTargets = std::vector<std::pair<std::string, Components>>;
HandleTargets HandleTargetsOf(const Scenario& s);

}  // namespace openrace

#endif  // OPENRACE_HARNESS_SCENARIO_VARIATIONS_H_
