// process_posix.cc — process.h on POSIX (fork/exec; PR_SET_PDEATHSIG on
// Linux).

#if !defined(_WIN32)

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>
#if defined(__linux__)
#include <sys/prctl.h>
#endif

#include <cerrno>
#include <cstdio>
#include <cstring>

#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "harness/base/process.h"

namespace openrace {
namespace {

ChildExit FromWaitStatus(int status) {
  ChildExit exit;
  if (WIFSIGNALED(status)) {
    exit.signaled = true;
    exit.code = WTERMSIG(status);
  } else {
    exit.code = WEXITSTATUS(status);
  }
  return exit;
}

}  // namespace

std::string ChildExit::Describe() const {
  if (!signaled) return absl::StrCat("exit ", code);
  const char* name = sigabbrev_np(code);
  return absl::StrCat("signal ", code, name ? absl::StrCat(" (SIG", name, ")") : "");
}

absl::StatusOr<std::unique_ptr<ChildProcess>> ChildProcess::Start(
    const std::vector<std::string>& argv, const std::string& log_path) {
  const int log = open(log_path.c_str(),
                       O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  if (log < 0) {
    return absl::FailedPreconditionError(
        absl::StrCat("cannot open ", log_path, ": ", strerror(errno)));
  }
  // Everything the child needs is made before fork: between fork and exec
  // only async-signal-safe calls are allowed.
  std::vector<char*> args;
  for (const std::string& arg : argv) args.push_back(const_cast<char*>(arg.c_str()));
  args.push_back(nullptr);
  const pid_t parent = getpid();
  const pid_t pid = fork();
  if (pid < 0) {
    const int e = errno;
    close(log);
    return absl::ResourceExhaustedError(
        absl::StrCat("cannot start a worker: fork: ", strerror(e)));
  }
  if (pid == 0) {
#if defined(__linux__)
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    // The parent may have died before the prctl took effect.
    if (getppid() != parent) _exit(127);
#endif
    dup2(log, STDOUT_FILENO);
    dup2(log, STDERR_FILENO);
    const int null = open("/dev/null", O_RDONLY);
    if (null >= 0) dup2(null, STDIN_FILENO);
    execv(args[0], args.data());
    _exit(127);
  }
  close(log);
  std::unique_ptr<ChildProcess> child(new ChildProcess());
  child->pid_ = pid;
  return child;
}

ChildProcess::~ChildProcess() {
  if (!exit_) Kill();
}

absl::optional<ChildExit> ChildProcess::Poll() {
  if (exit_) return exit_;
  int status = 0;
  const pid_t done = waitpid(static_cast<pid_t>(pid_), &status, WNOHANG);
  if (done == static_cast<pid_t>(pid_)) exit_ = FromWaitStatus(status);
  return exit_;
}

void ChildProcess::Terminate() {
  if (!exit_) kill(static_cast<pid_t>(pid_), SIGTERM);
}

ChildExit ChildProcess::Kill() {
  if (exit_) return *exit_;
  kill(static_cast<pid_t>(pid_), SIGKILL);
  int status = 0;
  while (waitpid(static_cast<pid_t>(pid_), &status, 0) < 0 && errno == EINTR) {
  }
  exit_ = FromWaitStatus(status);
  return *exit_;
}

uint64_t ChildProcess::ResidentBytes() const {
  // /proc/PID/statm: size resident shared ... in pages.
  const std::string path = absl::StrCat("/proc/", pid_, "/statm");
  std::FILE* file = std::fopen(path.c_str(), "r");
  if (file == nullptr) return 0;
  unsigned long long size = 0, resident = 0;
  const int read = std::fscanf(file, "%llu %llu", &size, &resident);
  std::fclose(file);
  if (read != 2) return 0;
  return resident * static_cast<uint64_t>(sysconf(_SC_PAGESIZE));
}

std::string SelfExecutablePath() {
  char path[4096];
  const ssize_t n = readlink("/proc/self/exe", path, sizeof path - 1);
  if (n <= 0) return "";
  return std::string(path, static_cast<size_t>(n));
}

int64_t CurrentProcessId() { return getpid(); }

bool ProcessAlive(int64_t pid) {
  return pid > 0 && (kill(static_cast<pid_t>(pid), 0) == 0 || errno == EPERM);
}

void StopChildrenNow(const std::vector<int64_t>& pids, absl::Duration timeout) {
  for (int64_t pid : pids) kill(static_cast<pid_t>(pid), SIGTERM);
  const absl::Time deadline = absl::Now() + timeout;
  std::vector<int64_t> waiting = pids;
  while (!waiting.empty() && absl::Now() < deadline) {
    std::vector<int64_t> still;
    for (int64_t pid : waiting) {
      int status = 0;
      const pid_t done = waitpid(static_cast<pid_t>(pid), &status, WNOHANG);
      if (done == 0) still.push_back(pid);  // runs; ECHILD: reaped elsewhere
    }
    waiting = std::move(still);
    if (!waiting.empty()) absl::SleepFor(absl::Milliseconds(20));
  }
}

}  // namespace openrace

#endif  // !defined(_WIN32)
