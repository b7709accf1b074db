// sandbox.h — the private directory every campaign, replay and test runs in.
//
// Sandbox::Create makes a fresh directory `openrace-<pid>-<random>` (six
// lowercase hex digits) under a user-given parent, makes it the current
// directory, and removes it with everything in it: Remove() (which says
// whether it worked), or the destructor — also on error and on an
// interrupt, because the commands' loops stop at InterruptRequested() and
// unwind, and on a second interrupt, which ends the process at once after
// its emergency cleanups (platform.h), one of which removes the sandbox.
// The removal never follows a symbolic link and holds a bounded number of
// descriptors whatever the depth of the tree. Nothing openrace creates or
// deletes is outside this directory: the validator rejects every path that
// could resolve elsewhere, and the tree holds no symbolic links.
//
// A run that was killed (SIGKILL, a power cut) leaves its sandbox behind;
// SweepStaleSandboxes removes those of processes that are gone, and the
// commands call it before they make their own.
//
// Example:
//   ASSIGN_OR_RETURN(auto sandbox, Sandbox::Create("/tmp/x"));
//   RETURN_IF_ERROR(sandbox->Build(scenario.tree));
//   ...
//   RETURN_IF_ERROR(sandbox->Remove());

#ifndef OPENRACE_HARNESS_RUN_SANDBOX_H_
#define OPENRACE_HARNESS_RUN_SANDBOX_H_

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/types/optional.h"
#include "harness/base/platform.h"
#include "harness/scenario/scenario.h"

namespace openrace {

class Sandbox {
 public:
  // Fails with a message saying why when `parent_dir` is missing, not a
  // directory, or not writable.
  static absl::StatusOr<std::unique_ptr<Sandbox>> Create(
      absl::string_view parent_dir);

  Sandbox(const Sandbox&) = delete;
  Sandbox& operator=(const Sandbox&) = delete;
  // Remove(), unless it was called.
  ~Sandbox();

  // Changes back to the directory that was current before Create and
  // removes the sandbox with everything in it. Once: later calls (and the
  // destructor) do nothing.
  absl::Status Remove();

  // The sandbox's absolute path, without a trailing separator.
  const std::string& root() const { return root_; }

  // Empties the sandbox and builds `tree` in it.
  absl::Status Build(const std::vector<TreeEntry>& tree);

  // Removes everything inside the sandbox, keeping the sandbox itself.
  absl::Status Clear();

  // Removes the entry at each of `paths` (relative to the sandbox,
  // '/'-separated, their parents directories of the tree that no symbolic
  // link replaced: tree_restore.h), a directory with everything in it; a
  // path with nothing there is skipped. The executor's cheap undo of a
  // round: one failing unlink per path where the round made nothing.
  absl::Status Remove(const std::vector<std::string>& paths);

 private:
  Sandbox(std::string root, std::string previous_cwd)
      : root_(std::move(root)), previous_cwd_(std::move(previous_cwd)) {}
  std::string root_;
  std::string previous_cwd_;
  bool removed_ = false;
  int lock_fd_ = -1;  // POSIX: the root, open and flock()ed while it lives
  std::unique_ptr<EmergencyCleanup> emergency_;
};

// What SweepStaleSandboxes did.
struct SweepResult {
  uint64_t removed = 0;
  std::vector<std::string> failures;  // one line each
};

// Removes the sandboxes that killed runs left in `parent_dir`: the
// directories named exactly as Create names them (never a symbolic link,
// never another user's) whose process is gone — and, on POSIX, that no
// live process holds locked, which covers a process in another pid
// namespace sharing the directory. Fails only when `parent_dir` cannot be
// read.
absl::StatusOr<SweepResult> SweepStaleSandboxes(absl::string_view parent_dir);

// The pid in a name Create gives (`openrace-<pid>-<six hex digits>`);
// nullopt for every other name.
absl::optional<int64_t> SandboxOwnerPid(absl::string_view name);

}  // namespace openrace

#endif  // OPENRACE_HARNESS_RUN_SANDBOX_H_
