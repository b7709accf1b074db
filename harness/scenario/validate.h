// validate.h — the checks every scenario passes before anything runs.
//
// ValidateScenario rejects, with a reason that names the thread and
// operation: an undefined handle; a handle used after its close or closed
// twice; a handle named twice; an anchor that is not a directory handle; a
// `close` of something that is not held; any path whose components, taken
// in order from its anchor, would climb above the sandbox root (`..` at the
// root, or below a handle's own depth past the root); a `..` that climbs out
// of a directory a rename may move (Confinement, below); a rename from or
// onto the sandbox root itself; an empty or malformed component; a name
// longer than kMaxNameBytes or a path longer than kMaxPathBytes; a tree
// entry whose parent is missing or not a directory; a barrier that only one
// thread names or one thread names twice, or that threads reach in orders
// that form a cycle (which would deadlock); zero rounds; no threads or more
// than kMaxThreads; more than kMaxOpsPerThread ops in a thread; a spin longer than kMaxSpinNs;
// flag bits or
// a disposition without a name; a name the text form cannot spell
// (IsValidName, IsValidHandleName in scenario_text.h). Fields an op's kind
// does not use are not checked: they change nothing that runs. Given the
// ScenarioPositions of the text it was parsed from, a message starts with
// the line and column it is about, as parse errors do:
//   line 14:3: thread 2 op 1 (delete d0:../../x): component 1 '..' ...
//
// Confinement: no call of a valid scenario, in any interleaving of its
// threads and in any round, reaches outside its sandbox. The tree holds no
// symbolic links and no operation makes one (nor hard links to
// directories), so a walk leaves the sandbox only by a `..` taken in the
// sandbox root. The validator resolves paths lexically, from the root or
// from the position a handle was opened at; but at run time `..` goes to
// the *current* parent of the directory it is taken in, and a rename may
// have moved that directory up (issue 12: hold h0 on d1/d2/d3, rename
// d1/d2/d3 to x, and h0:../.. is the directory that holds the sandbox). So:
//
//   A position (a lexically resolved, sandbox-relative path) is *movable*
//   when it is the source or the target of a rename of the scenario (any
//   thread, any round), or below one; the others are *fixed*. Names are
//   compared as a file system may alias them: ASCII case, trailing dots,
//   and any name with `~` (an 8.3 short name) aliases every name.
//   RULE: every `..` climbs out of a fixed position other than the root,
//   and no rename's source or target is the root.
//
// Invariant: an entry at a fixed position never moves, nothing moves onto
// a fixed position, and an entry at a movable position stays at movable
// positions. By induction over the calls in the order they take effect,
// whatever the interleaving:
//   1. A walk that has stood only on fixed positions stands where its
//      lexical position says: a name step reaches the entry at that
//      position, and a `..` taken at fixed p (never the root) reaches p's
//      parent, fixed too (fixed positions are closed under parents).
//   2. A walk that steps onto a movable position (by a name: movable
//      positions are closed under children) takes no `..` from there on (by
//      the rule, since what follows is movable too), so it only descends
//      from a directory inside the sandbox: it stays inside.
//   3. So a rename's actual source and target are at their lexical
//      positions (1) or below a movable entry (2): renames take movable
//      entries to movable places, never the root (not movable) nor an entry
//      at a fixed position, which keeps the invariant for later calls.
// Handles keep the directory their open reached: fixed, it stays at its
// position (1); movable, nothing climbs out of it (2). Creates, deletes,
// `.` and separator spellings move nothing; a deleted directory keeps its
// parent, so a handle on it climbs the same chain. Shared handles are
// reopened on the rebuilt tree every round. Every backend resolves `..` no
// higher than a POSIX walk: win32 folds it lexically, nt folds it too and
// climbs above a handle from the handle's current path.
//
// A second wall, not built: the kernel could enforce the same bound. On
// Linux, openat2(RESOLVE_BENEATH) against a sandbox-root descriptor (not in
// the posix backend, whose libc *at calls LD_PRELOAD fault injectors must
// see), Landlock rules applied by the executor's worker threads to
// themselves (Linux 5.13+; they still make the libc calls), or a private
// mount namespace with everything but the sandbox read-only.

#ifndef OPENRACE_HARNESS_SCENARIO_VALIDATE_H_
#define OPENRACE_HARNESS_SCENARIO_VALIDATE_H_

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "harness/scenario/scenario.h"
#include "harness/scenario/scenario_text.h"

namespace openrace {

inline constexpr size_t kMaxThreads = 64;
inline constexpr size_t kMaxOpsPerThread = 4096;
// The longest spin offset: a spin is a busy-wait that Ctrl-C does not cut
// short, and a slide between calls needs microseconds, not seconds.
inline constexpr uint32_t kMaxSpinNs = 10'000'000;  // 10 ms
// NAME_MAX: 255 bytes on Linux, 255 UTF-16 units on Windows (names are
// ASCII, so the same count).
inline constexpr size_t kMaxNameBytes = 255;
// A path as a backend renders it, relative to its anchor, and a tree entry:
// under Linux's PATH_MAX (4096 with its NUL), leaving room for the sandbox
// root in front of an `abs` path (Windows' \\?\ limit is 32767).
inline constexpr size_t kMaxPathBytes = 4000;

// `positions`, when the scenario was parsed from text (ParseScenario), puts
// the line and column in front of a message.
absl::Status ValidateScenario(const Scenario& scenario,
                              const ScenarioPositions* positions = nullptr);

// The sandbox-relative components a path resolves to (lexically, with `.`
// and `..` folded), given the resolved components of every handle it may be
// anchored on. Fails when the path would leave the sandbox.
absl::StatusOr<std::vector<std::string>> ResolvePath(
    const Path& path,
    const std::vector<std::pair<std::string, std::vector<std::string>>>&
        handle_targets);

}  // namespace openrace

#endif  // OPENRACE_HARNESS_SCENARIO_VALIDATE_H_
