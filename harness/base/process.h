// process.h — starting, watching and killing worker processes, for the
// supervisor of `openrace campaign`. Implemented per platform in
// process_posix.cc (fork/exec) and process_windows.cc (CreateProcessW),
// each wrapped whole.
//
// Workers never outlive the supervisor, even when it is killed with
// SIGKILL: on Linux each child asks for PR_SET_PDEATHSIG = SIGKILL before it
// execs; on Windows every child is in one job object with
// JOB_OBJECT_LIMIT_KILL_ON_JOB_CLOSE, which the system closes when the
// supervisor dies.
//
// Example:
//   auto child = ChildProcess::Start({SelfExecutablePath(), "doctor"},
//                                    "/tmp/doctor.log");
//   while (!(*child)->Poll()) absl::SleepFor(absl::Milliseconds(100));

#ifndef OPENRACE_HARNESS_BASE_PROCESS_H_
#define OPENRACE_HARNESS_BASE_PROCESS_H_

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "absl/types/optional.h"

namespace openrace {

// How a child ended.
struct ChildExit {
  bool signaled = false;  // POSIX: killed by `code` (a signal number)
  int code = 0;           // the exit status, or the signal
  std::string Describe() const;  // "exit 3", "signal 6 (SIGABRT)"
};

class ChildProcess {
 public:
  // Starts argv[0] with `argv`, its stdout and stderr appended to
  // `log_path`. The child dies with this process.
  static absl::StatusOr<std::unique_ptr<ChildProcess>> Start(
      const std::vector<std::string>& argv, const std::string& log_path);

  ~ChildProcess();
  ChildProcess(const ChildProcess&) = delete;
  ChildProcess& operator=(const ChildProcess&) = delete;

  int64_t pid() const { return pid_; }
  // Does not block: nullopt while the child runs, then how it ended.
  absl::optional<ChildExit> Poll();
  // Asks the child to stop cleanly (SIGTERM; on Windows the same as Kill).
  void Terminate();
  // Ends the child at once and reaps it.
  ChildExit Kill();
  // The child's resident memory in bytes; 0 when it cannot be read.
  uint64_t ResidentBytes() const;

 private:
  ChildProcess() = default;
  int64_t pid_ = 0;
  void* handle_ = nullptr;  // Windows: the process handle
  absl::optional<ChildExit> exit_;
};

// The path of the running executable, to start workers of the same binary.
std::string SelfExecutablePath();

int64_t CurrentProcessId();

// Whether a process with this id runs (best effort: ids are reused).
bool ProcessAlive(int64_t pid);

// For an emergency cleanup (platform.h) of a process about to end: asks
// each of its children `pids` to stop — SIGTERM, which for an openrace
// child that was already asked once is the second interrupt: it removes
// its sandbox and exits at once — and waits up to `timeout` for them to
// end, reaping them. On Windows the children share the console and got
// the Ctrl-C themselves; it only waits.
void StopChildrenNow(const std::vector<int64_t>& pids, absl::Duration timeout);

}  // namespace openrace

#endif  // OPENRACE_HARNESS_BASE_PROCESS_H_
