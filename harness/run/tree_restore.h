// tree_restore.h — how the executor puts a scenario's tree back between
// rounds, cheaply when it can.
//
// A round of a scenario that changes the tree must not leak into the next
// one. Rebuilding the whole tree (Sandbox::Build: list, delete and recreate
// every entry) costs several system calls per entry, more than the calls
// under test. But most scenarios, and every one the generator draws, change
// only *fresh* paths — paths that are not in the tree: they create, delete
// and rename fresh names, anchored on the current directory, an absolute
// path, or a handle on a directory of the tree. A round of such a scenario
// never touches an entry of the tree, and everything it adds lies under a
// fresh path, named by one of its operations, whose parent is in the tree
// (the root included): a lookup from an anchor that never moves resolves
// `..` and names exactly as the lexical resolution does (ResolvePath).
// Removing whatever is at those paths restores the tree; on a round where
// nothing was made there, it costs one failing unlink per path.
//
// Anything else — an operation that may change an entry of the tree or the
// root, a mutation anchored on a handle whose directory is not in the tree,
// a name whose spelling a file system may fold onto another (case, a
// trailing dot or space, `~` of a short name) — gets the full rebuild.
//
// Example:
//   const RestorePlan plan = PlanRestore(scenario);
//   if (plan.kind == RestorePlan::kRemoveFresh) sandbox.Remove(plan.fresh);

#ifndef OPENRACE_HARNESS_RUN_TREE_RESTORE_H_
#define OPENRACE_HARNESS_RUN_TREE_RESTORE_H_

#include <cstdint>
#include <string>
#include <vector>

#include "harness/run/outcome.h"
#include "harness/scenario/scenario.h"

namespace openrace {

struct RestorePlan {
  enum Kind : uint8_t {
    kNothing,      // no operation changes the tree
    kRemoveFresh,  // remove the entries at `fresh`
    kRebuild,      // Sandbox::Build, and reopen the shared handles
  };
  Kind kind = kNothing;
  // kRemoveFresh: sandbox-relative paths, '/'-separated, each a fresh path
  // some operation may create whose parent is in the tree; sorted, unique.
  std::vector<std::string> fresh;
};

RestorePlan PlanRestore(const Scenario& scenario);

// True for an outcome that a round of a kRemoveFresh scenario on a file
// system that behaves may give: success, or a failure that changes nothing
// (not found, exists, not a directory, is a directory, not empty, a
// sharing violation, delete pending). After a round with any other outcome
// (invalid parameter, access denied, a hang...) the file system may have
// done something the plan does not foresee, and the executor rebuilds.
bool ForeseenByRestore(const Outcome& outcome);

}  // namespace openrace

#endif  // OPENRACE_HARNESS_RUN_TREE_RESTORE_H_
