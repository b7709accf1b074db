// internal/cpu_watch.h — whether a run whose waiters yield is getting its
// CPUs, from readings of the wall clock and the process's CPU clock. The
// executor (executor.cc, WatchCpus) turns the yields off when it is not:
// its waiters, yielding to each other, would otherwise be handing the CPU
// to another process (PatienceFor).
//
// In windows of at least 50 ms, the process must use three quarters of the
// wall time on one CPU, three fifths of C times the wall time on C CPUs
// (pinned workers); a run that misses it in two windows in a row is not
// getting its CPUs. One short window is not enough: a run that had its CPU
// to itself still lost 5-10 ms of it now and then. Measured on 2 CPUs, on
// tmpfs, with every window printed and the yields left on:
//   - `campaign --jobs 2` and `taskset -c 0 openrace run`, alone: 0-4 % of
//     5 ms windows below three quarters, 0-1.2 % of 50 ms ones, and never
//     two 50 ms ones in a row. With 5 ms windows, each judged alone (as
//     before), each job turned its yields off about once a second, and
//     slept at every wait for the second that followed (NoYieldNs):
//     `campaign --jobs 2` made 0.49 of its CPU time inside the calls, and
//     0.53-0.56 with this watch (3 alternating runs each).
//   - `taskset -c 0 openrace run` beside `taskset -c 0 nice -n 19 sh -c
//     'while :; do :; done'`: 95 % of the 50 ms windows below three
//     quarters (median 0.60), 78 of 86 right after another.
//   - `openrace run` pinned on 2 CPUs kept 1.2 to 2 CPUs busy in every
//     50 ms window, a mean of 1.9; beside the busy loop on one CPU, 0.4 to
//     1.2, a mean of 0.8.
//
// Example:
//   CpuWatch watch(cpus, MonotonicNanos(), ProcessCpuNanos());
//   ... after each batch of rounds:
//   if (!watch.GettingItsCpus(MonotonicNanos(), ProcessCpuNanos())) ...

#ifndef OPENRACE_HARNESS_RUN_INTERNAL_CPU_WATCH_H_
#define OPENRACE_HARNESS_RUN_INTERNAL_CPU_WATCH_H_

#include <cstdint>

namespace openrace {
namespace internal {

class CpuWatch {
 public:
  static constexpr int64_t kWindowNs = 50'000'000;

  // `cpus`: how many CPUs the run's threads may use; `wall_ns` and
  // `cpu_ns`: the clocks now.
  CpuWatch(int cpus, int64_t wall_ns, int64_t cpu_ns)
      : cpus_(cpus), wall_ns_(wall_ns), cpu_ns_(cpu_ns) {}

  // Starts afresh (when the run yields again).
  void Restart(int64_t wall_ns, int64_t cpu_ns) {
    wall_ns_ = wall_ns;
    cpu_ns_ = cpu_ns;
    short_windows_ = 0;
  }

  // The clocks now. False once two windows in a row fell short; a reading
  // less than a window after the last one judged only accumulates.
  bool GettingItsCpus(int64_t wall_ns, int64_t cpu_ns) {
    const int64_t wall = wall_ns - wall_ns_;
    if (wall < kWindowNs) return true;
    const int64_t cpu = cpu_ns - cpu_ns_;
    const bool fell_short = cpus_ <= 1 ? cpu * 4 < wall * 3
                                       : cpu * 5 < wall * 3 * cpus_;
    short_windows_ = fell_short ? short_windows_ + 1 : 0;
    wall_ns_ = wall_ns;
    cpu_ns_ = cpu_ns;
    return short_windows_ < 2;
  }

 private:
  const int cpus_;
  int64_t wall_ns_;
  int64_t cpu_ns_;
  int short_windows_ = 0;  // in a row, up to the last window
};

// How long no run of the process yields once one is not getting its CPUs:
// most runs are shorter than two windows, and each would lose its first
// ones to the other process again. A second, doubled (up to 16 s) each
// time the yields are found wanting again within a second of coming back.
// Beside a busy loop of the same priority on each CPU, `campaign --jobs 2`
// with a fixed second lost two windows of each second to yielding to the
// loop, and made 106k and 112k calls/s against 124k and 117k with the old
// 5 ms watch; doubling, 121k and 115k against 112k and 117k.
// `previous_ns`: the last such period (0: none yet); `since_it_ended_ns`:
// how long ago it ended.
inline int64_t NoYieldNs(int64_t previous_ns, int64_t since_it_ended_ns) {
  constexpr int64_t kFirstNs = 1'000'000'000;
  constexpr int64_t kMostNs = 16'000'000'000;
  if (previous_ns == 0 || since_it_ended_ns >= kFirstNs) return kFirstNs;
  return previous_ns * 2 < kMostNs ? previous_ns * 2 : kMostNs;
}

}  // namespace internal
}  // namespace openrace

#endif  // OPENRACE_HARNESS_RUN_INTERNAL_CPU_WATCH_H_
