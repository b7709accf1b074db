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
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "absl/functional/function_ref.h"
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

  // What the sandbox holds now, parents before children, sorted by path
  // ("a", "a/f", "b"): the state a round left, read back for the oracle
  // (fs_model.h). Never follows a symbolic link; an entry that is neither
  // a directory nor a regular file is listed as a file. `*tree` is reused
  // (cleared first). Not on Windows yet (UnimplementedError).
  absl::Status List(std::vector<TreeEntry>* tree) const;

  // Build, Clear and Remove(paths) reset the sandbox between rounds; when
  // one fails for a reason other than the environment (outcome.h: no
  // space, no descriptors), say EIO on removing a directory, the sandbox
  // can no longer be reset, and the error says so: IsSandboxResetError.
  //
  // Renew moves this sandbox aside, never removing anything in it, as
  // `openrace-broken-<pid>-<n>` (the first n free) in the same parent —
  // a name the sweep leaves alone — and makes a fresh sandbox in its place
  // and the current directory; root() changes. It returns where the broken
  // one is now kept. When it cannot be moved (the file system refuses the
  // rename too), it stays under its own name and that is returned, with
  // the fresh one made all the same. Fails when no fresh one can be made.
  // Not on Windows yet (UnimplementedError).
  absl::StatusOr<std::string> Renew();

  // Tests: called before every reset (Build, Clear, Remove(paths)); a
  // non-OK status stands for that reset's failure, as if the file system
  // had answered it.
  void set_reset_fault_for_testing(std::function<absl::Status()> fault) {
    reset_fault_ = std::move(fault);
  }

  // Removes the entry at each of `paths` (relative to the sandbox,
  // '/'-separated, their parents directories of the tree that no symbolic
  // link replaced: tree_restore.h), a directory with everything in it; a
  // path with nothing there is skipped. The executor's cheap undo of a
  // round: one failing unlink per path where the round made nothing.
  absl::Status Remove(const std::vector<std::string>& paths);

 private:
  // The platform's resets (sandbox_posix.cc, sandbox_windows.cc); the
  // public ones (sandbox.cc) mark their errors.
  absl::Status BuildNative(const std::vector<TreeEntry>& tree);
  absl::Status ClearNative();
  absl::Status RemoveNative(const std::vector<std::string>& paths);
  absl::Status Reset(absl::FunctionRef<absl::Status()> reset);

  Sandbox(std::string root, std::string previous_cwd)
      : root_(std::move(root)), previous_cwd_(std::move(previous_cwd)) {}
  std::string root_;
  std::string previous_cwd_;
  bool removed_ = false;
  int lock_fd_ = -1;  // POSIX: the root, open and flock()ed while it lives
  std::unique_ptr<EmergencyCleanup> emergency_;
  std::function<absl::Status()> reset_fault_;
};

// Whether `status` is a reset's failure that is not the environment's
// (Sandbox::Renew above): the sandbox is broken, not the scenario.
bool IsSandboxResetError(const absl::Status& status);
// Such an error (for probers that fake a sandbox, and their tests).
absl::Status SandboxResetError(absl::string_view message);

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
