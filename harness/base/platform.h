// platform.h — the few operating-system services the harness needs beyond
// the backends: a monotonic clock, Ctrl-C, whether stderr is a terminal, interrupting a blocked thread,
// and facts for `openrace doctor`. Implemented per platform in
// platform_posix.cc and platform_windows.cc, each wrapped whole.

#ifndef OPENRACE_HARNESS_BASE_PLATFORM_H_
#define OPENRACE_HARNESS_BASE_PLATFORM_H_

#include <atomic>
#include <cstdint>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "absl/strings/string_view.h"

namespace openrace {

// Nanoseconds on a monotonic clock; cheap enough to call around every op.
int64_t MonotonicNanos();

// A hint to the CPU that the caller is spinning (x86 `pause`), for the
// executor's short spins before it sleeps.
void CpuRelax();

// The CPUs this process may run on (its affinity mask on Linux, the active
// processors on Windows); at least 1. The executor spins only while the
// threads that wait for each other fit on them.
int UsableCpus();

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

// After this, the first SIGINT/SIGTERM (Ctrl-C / Ctrl-Break on Windows)
// only sets a flag that long loops poll, so they unwind and clean up; a
// second one ends the process at once.
void InstallInterruptHandler();
bool InterruptRequested();
// For tests: pretend an interrupt arrived, or clear the flag.
void SetInterruptRequested(bool requested);

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
