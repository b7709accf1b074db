// sandbox.h — the private directory every campaign, replay and test runs in.
//
// Sandbox::Create makes a fresh directory `openrace-<pid>-<random>` under a
// user-given parent, makes it the current directory, and removes it with
// everything in it when destroyed (also on error, and on Ctrl-C, because the
// command's loops stop at InterruptRequested() and unwind). Nothing openrace
// creates or deletes is outside this directory: the validator rejects every
// path that could resolve elsewhere, and the tree holds no symbolic links.
//
// Example:
//   ASSIGN_OR_RETURN(auto sandbox, Sandbox::Create("/tmp/x"));
//   RETURN_IF_ERROR(sandbox->Build(scenario.tree));

#ifndef OPENRACE_HARNESS_RUN_SANDBOX_H_
#define OPENRACE_HARNESS_RUN_SANDBOX_H_

#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
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
  // Changes back to the directory that was current before Create and removes
  // the sandbox recursively.
  ~Sandbox();

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
};

}  // namespace openrace

#endif  // OPENRACE_HARNESS_RUN_SANDBOX_H_
