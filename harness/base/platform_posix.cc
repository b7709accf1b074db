// platform_posix.cc — platform.h on Linux and other POSIX systems.

#if !defined(_WIN32)

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#if defined(__linux__)
#include <linux/futex.h>
#endif
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

#include <atomic>
#include <cstdint>
#include <fstream>
#include <mutex>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/string_view.h"
#include "absl/types/optional.h"
#include "harness/base/platform.h"

namespace openrace {
namespace {

std::atomic<bool> g_interrupt_requested{false};
static_assert(std::atomic<bool>::is_always_lock_free,
              "the signal handler needs a lock-free flag");
// The second interrupt wakes the emergency thread through this pipe: a
// signal handler may write(2), and may not do what the cleanups do
// (allocate, take locks).
int g_wake_pipe[2] = {-1, -1};

void OnInterrupt(int sig) {
  if (!g_interrupt_requested.exchange(true)) return;
  // The second one: the user wants out now, not after the unwinding.
  if (g_wake_pipe[1] < 0) {  // no emergency thread: end at once
    signal(sig, SIG_DFL);
    raise(sig);
    return;
  }
  const char byte = 1;
  const int saved = errno;
  (void)!write(g_wake_pipe[1], &byte, 1);
  errno = saved;
}

// Waits for the second interrupt, then does what must not be skipped and
// ends the process.
void EmergencyThread() {
  char byte;
  while (read(g_wake_pipe[0], &byte, 1) != 1) {
    if (errno != EINTR && errno != EAGAIN) return;
  }
  RunEmergencyCleanups();
  _exit(kInterruptExitStatus);
}

// Only its existence matters: delivering SIGUSR2 to a thread blocked in a
// system call makes that call fail with EINTR, because the handler is
// installed without SA_RESTART.
void OnWakeUp(int) {}

std::string Unknown(absl::string_view why) {
  return absl::StrCat("unknown (", why, ")");
}

std::string ErrnoText(int error) { return strerror(error); }

// Undoes the octal escapes (\040 for space, \011, \012, \134) with which
// /proc/self/mountinfo writes white space and backslashes.
std::string UnescapeMountField(absl::string_view field) {
  std::string out;
  for (size_t i = 0; i < field.size(); ++i) {
    if (field[i] == '\\' && field.size() - i >= 4) {
      const absl::string_view digits = field.substr(i + 1, 3);
      int value = 0;
      bool octal = true;
      for (char c : digits) {
        if (c < '0' || c > '7') octal = false;
        value = value * 8 + (c - '0');
      }
      if (octal) {
        out += static_cast<char>(value);
        i += 3;
        continue;
      }
    }
    out += field[i];
  }
  return out;
}

// True when `mount_point` is `path` or one of its ancestors.
bool MountPointContains(absl::string_view mount_point, absl::string_view path) {
  if (mount_point == "/") return true;
  if (!absl::StartsWith(path, mount_point)) return false;
  return path.size() == mount_point.size() || path[mount_point.size()] == '/';
}

struct MountInfo {
  std::string mount_point, fs_type, source, options;
};

// The mount that holds `path` (absolute, resolved): the longest mount point
// that contains it; of equal ones the last, which hides the others.
absl::optional<MountInfo> FindMount(absl::string_view path, std::string* why) {
  std::ifstream in("/proc/self/mountinfo");
  if (!in) {
    *why = "cannot read /proc/self/mountinfo";
    return absl::nullopt;
  }
  absl::optional<MountInfo> best;
  std::string line;
  while (std::getline(in, line)) {
    // id parent major:minor root mount-point options [optional...] - type
    // source super-options
    std::vector<absl::string_view> fields = absl::StrSplit(line, ' ');
    size_t dash = 6;
    while (dash < fields.size() && fields[dash] != "-") ++dash;
    if (fields.size() < 6 || dash + 3 > fields.size()) continue;
    MountInfo mount{UnescapeMountField(fields[4]),
                    UnescapeMountField(fields[dash + 1]),
                    UnescapeMountField(fields[dash + 2]),
                    std::string(fields[5])};
    if (dash + 3 < fields.size()) {
      absl::StrAppend(&mount.options, " (super: ",
                      UnescapeMountField(fields[dash + 3]), ")");
    }
    if (!MountPointContains(mount.mount_point, path)) continue;
    if (!best || mount.mount_point.size() >= best->mount_point.size()) {
      best = std::move(mount);
    }
  }
  if (!best) *why = "no mount in /proc/self/mountinfo contains it";
  return best;
}

std::string DescribeOpenat2(const std::string& dir) {
#if defined(SYS_openat2)
  // struct open_how from <linux/openat2.h>, which older headers lack.
  struct OpenHow {
    uint64_t flags;
    uint64_t mode;
    uint64_t resolve;
  } how = {O_RDONLY | O_DIRECTORY | O_CLOEXEC, 0, 0};
  const long fd = syscall(SYS_openat2, AT_FDCWD, dir.c_str(), &how, sizeof how);
  if (fd >= 0) {
    close(static_cast<int>(fd));
    return "yes";
  }
  if (errno == ENOSYS) return "no (ENOSYS: the kernel or a seccomp filter lacks it)";
  return Unknown(absl::StrCat("openat2 on ", dir, ": ", ErrnoText(errno)));
#else
  return Unknown("this build's headers lack SYS_openat2");
#endif
}

bool FileExists(const char* path) { return ::access(path, F_OK) == 0; }

std::string DescribeContainer() {
  if (FileExists("/.dockerenv")) return "yes (docker: /.dockerenv)";
  if (FileExists("/run/.containerenv")) return "yes (podman: /run/.containerenv)";
  if (const char* env = getenv("container"); env != nullptr && *env != '\0') {
    return absl::StrCat("yes ($container=", env, ")");
  }
  std::ifstream cgroup("/proc/1/cgroup");
  if (!cgroup) return Unknown("cannot read /proc/1/cgroup");
  std::string line;
  while (std::getline(cgroup, line)) {
    for (absl::string_view hint : {"docker", "kubepods", "containerd", "lxc", "libpod"}) {
      if (absl::StrContains(line, hint)) {
        return absl::StrCat("yes (cgroup: ", line, ")");
      }
    }
  }
  return "no (no /.dockerenv, /run/.containerenv or container cgroup)";
}

std::string DescribeCpus() {
  const long online = sysconf(_SC_NPROCESSORS_ONLN);
  cpu_set_t set;
  CPU_ZERO(&set);
  if (sched_getaffinity(0, sizeof set, &set) != 0) {
    return absl::StrCat(online, " online");
  }
  return absl::StrCat(online, " online, ", CPU_COUNT(&set), " usable");
}

}  // namespace

void CpuRelax() {
#if defined(__x86_64__) || defined(__i386__)
  __builtin_ia32_pause();
#elif defined(__aarch64__)
  asm volatile("yield");
#endif
}

int UsableCpus() {
  cpu_set_t set;
  CPU_ZERO(&set);
  if (sched_getaffinity(0, sizeof set, &set) == 0 && CPU_COUNT(&set) > 0) {
    return CPU_COUNT(&set);
  }
  const long online = sysconf(_SC_NPROCESSORS_ONLN);
  return online > 0 ? static_cast<int>(online) : 1;
}

namespace {

// The CPUs the calling thread may run on, in order (sched_getaffinity(0)
// is the calling thread's mask on Linux).
std::vector<int> AllowedCpus() {
  cpu_set_t set;
  CPU_ZERO(&set);
  std::vector<int> cpus;
  if (sched_getaffinity(0, sizeof set, &set) != 0) return cpus;
  for (int cpu = 0; cpu < CPU_SETSIZE; ++cpu) {
    if (CPU_ISSET(cpu, &set)) cpus.push_back(cpu);
  }
  return cpus;
}

}  // namespace

int KeepToCpuShare(uint64_t share, uint64_t shares) {
  if (shares == 0) return 0;
  const std::vector<int> cpus = AllowedCpus();
  if (cpus.empty()) return 0;
  const auto [first, last] = CpuShare(share, shares, cpus.size());
  cpu_set_t mine;
  CPU_ZERO(&mine);
  for (uint64_t i = first; i < last; ++i) CPU_SET(cpus[i], &mine);
  if (sched_setaffinity(0, sizeof mine, &mine) != 0) return 0;
  return static_cast<int>(last - first);
}

bool KeepThreadToCpu(uint64_t nth) {
  const std::vector<int> cpus = AllowedCpus();
  if (cpus.empty()) return false;
  cpu_set_t mine;
  CPU_ZERO(&mine);
  CPU_SET(cpus[nth % cpus.size()], &mine);
  return sched_setaffinity(0, sizeof mine, &mine) == 0;
}

static_assert(sizeof(std::atomic<uint32_t>) == sizeof(uint32_t) &&
                  std::atomic<uint32_t>::is_always_lock_free,
              "the futex word must be the plain 32-bit word");

#if defined(__linux__)
void WaitWhileEqual(const std::atomic<uint32_t>& word, uint32_t seen) {
  // EAGAIN (the word moved) and EINTR are the spurious returns callers
  // expect.
  syscall(SYS_futex, reinterpret_cast<const uint32_t*>(&word),
          FUTEX_WAIT_PRIVATE, seen, nullptr, nullptr, 0);
}

void WakeAllWaiters(std::atomic<uint32_t>& word) {
  syscall(SYS_futex, reinterpret_cast<uint32_t*>(&word), FUTEX_WAKE_PRIVATE,
          INT_MAX, nullptr, nullptr, 0);
}
#else
void WaitWhileEqual(const std::atomic<uint32_t>& word, uint32_t seen) {
  word.wait(seen, std::memory_order_acquire);
}

void WakeAllWaiters(std::atomic<uint32_t>& word) { word.notify_all(); }
#endif

int64_t MonotonicNanos() {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<int64_t>(ts.tv_sec) * 1000000000 + ts.tv_nsec;
}

int64_t ProcessCpuNanos() {
  struct rusage usage;
  if (getrusage(RUSAGE_SELF, &usage) != 0) return 0;
  const auto nanos = [](const struct timeval& t) {
    return static_cast<int64_t>(t.tv_sec) * 1000000000 + t.tv_usec * 1000;
  };
  return nanos(usage.ru_utime) + nanos(usage.ru_stime);
}

int64_t ThreadCpuNanos() {
  struct timespec ts;
  if (clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts) != 0) return -1;
  return static_cast<int64_t>(ts.tv_sec) * 1000000000 + ts.tv_nsec;
}

bool StderrIsTerminal() { return isatty(STDERR_FILENO) == 1; }

void InstallInterruptHandler() {
  static std::once_flag installed;
  std::call_once(installed, [] {
    if (pipe2(g_wake_pipe, O_CLOEXEC) == 0) {
      std::thread(EmergencyThread).detach();
    } else {
      g_wake_pipe[0] = g_wake_pipe[1] = -1;
    }
    struct sigaction action = {};
    action.sa_handler = &OnInterrupt;
    sigemptyset(&action.sa_mask);
    action.sa_flags = SA_RESTART;
    sigaction(SIGINT, &action, nullptr);
    sigaction(SIGTERM, &action, nullptr);
    // A closed terminal or a lost ssh session: the run must still clean up.
    sigaction(SIGHUP, &action, nullptr);
  });
}

bool InterruptRequested() {
  return g_interrupt_requested.load(std::memory_order_relaxed);
}

void SetInterruptRequested(bool requested) {
  g_interrupt_requested.store(requested, std::memory_order_relaxed);
}

void PrepareThreadForInterrupt() {
  static std::once_flag installed;
  std::call_once(installed, [] {
    struct sigaction action = {};
    action.sa_handler = &OnWakeUp;
    sigemptyset(&action.sa_mask);
    action.sa_flags = 0;  // no SA_RESTART: the blocked call must return
    sigaction(SIGUSR2, &action, nullptr);
  });
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGUSR2);
  pthread_sigmask(SIG_UNBLOCK, &set, nullptr);
}

void InterruptBlockedCall(std::thread& thread) {
  pthread_kill(thread.native_handle(), SIGUSR2);
}

std::vector<std::pair<std::string, std::string>> DescribeSystem(
    absl::string_view dir) {
  std::vector<std::pair<std::string, std::string>> rows;
  struct utsname uts;
  if (uname(&uts) == 0) {
    rows.emplace_back("os", absl::StrCat(uts.sysname, " ", uts.machine));
    rows.emplace_back("kernel", absl::StrCat(uts.release, " ", uts.version));
  } else {
    rows.emplace_back("os", Unknown(ErrnoText(errno)));
    rows.emplace_back("kernel", Unknown(ErrnoText(errno)));
  }
  rows.emplace_back("cpus", DescribeCpus());

  const std::string dir_text = dir.empty() ? "." : std::string(dir);
  char resolved[PATH_MAX];
  std::string why;
  absl::optional<MountInfo> mount;
  if (realpath(dir_text.c_str(), resolved) == nullptr) {
    why = absl::StrCat(dir_text, ": ", ErrnoText(errno));
    rows.emplace_back("directory", Unknown(why));
  } else {
    rows.emplace_back("directory", resolved);
    mount = FindMount(resolved, &why);
  }
  rows.emplace_back("fs type", mount ? mount->fs_type : Unknown(why));
  rows.emplace_back("mount point", mount ? mount->mount_point : Unknown(why));
  rows.emplace_back("mount source", mount ? mount->source : Unknown(why));
  rows.emplace_back("mount options", mount ? mount->options : Unknown(why));
  rows.emplace_back("openat2", DescribeOpenat2(dir_text));
  rows.emplace_back("container", DescribeContainer());
  return rows;
}

}  // namespace openrace

#endif  // !defined(_WIN32)
