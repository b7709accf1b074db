// validate.h — the checks every scenario passes before anything runs.
//
// ValidateScenario rejects, with a reason that names the thread and
// operation: an undefined handle; a handle used after its close or closed
// twice; a handle named twice; an anchor that is not a directory handle; a
// `close` of something that is not held; any path whose components, taken
// in order from its anchor, would climb above the sandbox root (`..` at the
// root, or below a handle's own depth past the root); an empty or malformed
// component; a tree entry whose parent is missing or not a directory; a
// barrier that only one thread names or one thread names twice, or that
// threads reach in orders that form a cycle (which would deadlock); zero
// rounds; no threads or more than kMaxThreads; more than kMaxOpsPerThread
// ops in a thread; a spin longer than kMaxSpinNs; flag bits or a disposition without a name; a name the
// text form cannot spell (IsValidName, IsValidHandleName in
// scenario_text.h). Fields an op's kind does not use are not checked: they
// change nothing that runs.
//
// Confinement is lexical and sufficient because the tree has no symbolic
// links and no operation can make one: every anchor is the sandbox root or
// a directory handle opened by a path that was itself validated.

#ifndef OPENRACE_HARNESS_SCENARIO_VALIDATE_H_
#define OPENRACE_HARNESS_SCENARIO_VALIDATE_H_

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "harness/scenario/scenario.h"

namespace openrace {

inline constexpr size_t kMaxThreads = 64;
inline constexpr size_t kMaxOpsPerThread = 4096;
// The longest spin offset: a spin is a busy-wait that Ctrl-C does not cut
// short, and a slide between calls needs microseconds, not seconds.
inline constexpr uint32_t kMaxSpinNs = 10'000'000;  // 10 ms

absl::Status ValidateScenario(const Scenario& scenario);

// The sandbox-relative components a path resolves to (lexically, with `.`
// and `..` folded), given the resolved components of every handle it may be
// anchored on. Fails when the path would leave the sandbox.
absl::StatusOr<std::vector<std::string>> ResolvePath(
    const Path& path,
    const std::vector<std::pair<std::string, std::vector<std::string>>>&
        handle_targets);

}  // namespace openrace

#endif  // OPENRACE_HARNESS_SCENARIO_VALIDATE_H_
