// platform.h — the few operating-system services the harness needs beyond
// the backends: a monotonic clock, Ctrl-C and the cleanups it must not
// skip, whether stderr is a terminal, interrupting a blocked thread, and
// facts for `openrace doctor`. Implemented per platform in
// platform_posix.cc and platform_windows.cc, each wrapped whole; the
// cleanup registry, which both share, in emergency_cleanup.cc.

#ifndef OPENRACE_HARNESS_BASE_PLATFORM_H_
#define OPENRACE_HARNESS_BASE_PLATFORM_H_

#include <atomic>
#include <cstdint>
#include <functional>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "absl/strings/string_view.h"

namespace openrace {

// Nanoseconds on a monotonic clock; cheap enough to call around every op.
int64_t MonotonicNanos();

// CPU time this process has used, user and system, over all its threads
// (getrusage RUSAGE_SELF; GetProcessTimes on Windows). For the share of a
// run's CPU spent inside the calls under test (summary.json).
int64_t ProcessCpuNanos();

// CPU time the calling thread has used (CLOCK_THREAD_CPUTIME_ID), or -1
// where no clock fine enough is at hand (Windows: GetThreadTimes counts in
// scheduler ticks). A system call, about a microsecond: the executor reads
// it only on the rounds it samples.
int64_t ThreadCpuNanos();

// A hint to the CPU that the caller is spinning (x86 `pause`), for the
// executor's short spins before it sleeps.
void CpuRelax();

// The CPUs this process may run on (its affinity mask on Linux, the active
// processors on Windows); at least 1. The executor spins only while the
// threads that wait for each other fit on them.
int UsableCpus();

// Keeps this process to share `share` (from 0) of `shares` of the CPUs it
// may run on: with C CPUs and shares <= C, the C / shares CPUs from
// share * C / shares on; with more shares than CPUs, CPU share mod C. Call
// it before starting threads (on Linux a thread inherits its creator's
// mask). Returns the CPUs now usable, or 0 when the mask could not be set
// (the process keeps every CPU).
int KeepToCpuShare(uint64_t share, uint64_t shares);

// Keeps the calling thread to the CPU `nth` mod C of the C CPUs it may run
// on (a thread inherits its creator's mask). Returns false when that was
// not done. The executor keeps workers that outnumber the CPUs to one each
// (RunState::pinned). Windows: never done (returns false): the executor
// does not pin there, for its CPU clocks are too coarse to watch.
bool KeepThreadToCpu(uint64_t nth);

// The CPUs of that share, as indices [first, last) into the `cpus` CPUs
// the process may run on (shares > 0, cpus > 0).
inline std::pair<uint64_t, uint64_t> CpuShare(uint64_t share, uint64_t shares,
                                              uint64_t cpus) {
  if (shares > cpus) return {share % cpus, share % cpus + 1};
  return {share * cpus / shares, (share + 1) * cpus / shares};
}

// Sleeps while `word` holds `seen` (it may also return spuriously; callers
// re-check); WakeAllWaiters(word), after changing it, wakes every sleeper.
// A 32-bit word, so that it is the kernel's own wait word: a futex on Linux
// (FUTEX_WAIT_PRIVATE, no proxy table, no spinning of its own),
// WaitOnAddress / WakeByAddressAll on Windows (libstdc++ 12's
// std::atomic::wait on mingw-w64, which has no futex, can lose a wake-up:
// seen under Wine, a worker asleep on a round epoch that had already moved,
// its peers waiting for it forever).
void WaitWhileEqual(const std::atomic<uint32_t>& word, uint32_t seen);
void WakeAllWaiters(std::atomic<uint32_t>& word);

// Whether stderr is a terminal (for a live progress line rather than a
// line every few seconds). isatty on POSIX; _isatty on Windows, where
// MSVC has no <unistd.h>.
bool StderrIsTerminal();

// The exit status of a run that an interrupt stopped, whichever signal it
// was and whether it unwound or ended at once: 128 + SIGINT, as shells
// report a Ctrl-C, so no script reads an interrupted run as a clean one.
inline constexpr int kInterruptExitStatus = 130;

// After this, the first SIGINT, SIGTERM or SIGHUP (Ctrl-C, Ctrl-Break or
// closing the console on Windows) only sets a flag that long loops poll,
// so they unwind and clean up; a second one runs the emergency cleanups
// (below) on a helper thread and ends the process at once with
// kInterruptExitStatus.
void InstallInterruptHandler();
bool InterruptRequested();
// For tests: pretend an interrupt arrived, or clear the flag.
void SetInterruptRequested(bool requested);

// Work that must be done even when a second interrupt ends the process at
// once (removing a sandbox, stopping child processes): registered for the
// object's lifetime. The cleanups run on the interrupt's helper thread,
// newest first, while the other threads go on; the destructor of one that
// is running waits for it (the process then ends). A cleanup must not take
// a lock its owner's thread may hold while it destroys the registration.
//
// Example:
//   EmergencyCleanup removal([&] { RemoveTheSandbox(); });
class EmergencyCleanup {
 public:
  explicit EmergencyCleanup(std::function<void()> cleanup);
  ~EmergencyCleanup();
  EmergencyCleanup(const EmergencyCleanup&) = delete;
  EmergencyCleanup& operator=(const EmergencyCleanup&) = delete;

 private:
  uint64_t id_;
};
// Runs every registered cleanup, newest first, and forgets them; what the
// second interrupt does before the process ends. Public for tests.
void RunEmergencyCleanups();

// Makes a blocking call in `thread` return early (EINTR on POSIX through a
// no-op signal handler installed without SA_RESTART; CancelSynchronousIo on
// Windows). Best effort: a call stuck in an uninterruptible wait stays stuck.
void InterruptBlockedCall(std::thread& thread);

// Prepares the calling thread so InterruptBlockedCall works on it. The
// executor calls it at the start of each worker thread.
void PrepareThreadForInterrupt();

// Facts about the system and a directory, as (name, value) rows, for
// `openrace doctor` and report.md. Never fails: a fact it cannot learn is
// given as "unknown (<why>)".
std::vector<std::pair<std::string, std::string>> DescribeSystem(
    absl::string_view dir);

}  // namespace openrace

#endif  // OPENRACE_HARNESS_BASE_PLATFORM_H_
