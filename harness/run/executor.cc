// executor.cc — runs a Scenario's threads against a backend, round by round.
//
// Shape of a run (Executor::Run → RunDriver):
//   1. Plan: every operation is prepared by the backend once, and every
//      handle name is resolved to a slot — shared handles to one array,
//      a thread's own handles to that thread's array — so the hot loop does
//      no lookups and no allocation. The ring of `batch` RoundTraces is
//      sized here too.
//   2. Build the tree, open the shared handles (calling thread), start one
//      persistent worker per scenario thread and a watchdog thread.
//   3. The rounds run among the workers. Round r is released by bumping
//      `released` past r; each worker runs its operations into its row of
//      ring slot r % batch, closes the handles it still holds and arrives.
//      The last to arrive does the turnover: for a scenario that changes
//      the tree it puts the tree back (tree_restore.h: it removes what the
//      round made under the scenario's fresh paths, or rebuilds the tree,
//      closing and reopening the shared handles),
//      publishes `completed` = r + 1, wakes the calling thread when a batch
//      is complete, and releases round r + 1 if the ring has room
//      (`granted`: the calling thread frees slots as it observes them).
//      The calling thread sleeps until `completed` reaches its batch, calls
//      the observer for each finished round in order, grants the freed
//      slots and, if the workers stopped for want of room, releases the
//      next round itself. Exactly one of the two releases each round: both
//      try, and a compare-and-swap on `claimed` picks one.
//   4. Stop the workers, stop the watchdog, close every handle.
//
// Waiting: every wait (a worker's for the release, a scenario barrier, the
// calling thread's for a batch) spins with CpuRelax for at most kSpinNs
// and then sleeps on an Event, a 32-bit futex word with a count of
// sleepers so that a notify costs no system call when nobody sleeps. The
// spin buys precision only when the waiter and the threads it waits for
// are all on a CPU, so it is given only when they fit on the run's CPUs
// (ExecutorOptions::cpus). Otherwise the workers keep to one CPU each and
// a waiter yields to those on its CPU before it sleeps (RunState::pinned;
// on one CPU they share it anyway), or, where the run cannot watch that
// it gets its CPUs (Windows), sleeps at once. The calling thread never
// spins. When the threads fit, released workers also meet at a start line
// (a spin of at most kStartLineNs, never a sleep), so that the one that
// released the round does not start its calls before those it woke.
//
// Rebuild and shared handles: a rebuild (of a scenario whose restore plan
// is kRebuild, or after a round with an outcome that plan did not foresee:
// a hang, an invalid parameter...) deletes and recreates the entries
// the shared handles point at, which would leave them pointing at unlinked
// directories. So the turnover of a tree-changing scenario closes the
// shared handles, rebuilds the tree and opens them again while the other
// workers wait for the release. Their slots keep their addresses, so the
// workers' plans stay valid.
//
// Hangs: each worker publishes the monotonic start time of the call it is in
// (its `call_state`). The watchdog wakes every few tens of milliseconds; a
// call running longer than ExecutorOptions::watchdog is marked by negating
// its state, and the worker is sent a wake-up signal (InterruptBlockedCall)
// every kReinterruptNs until the call returns; the worker then records the
// call as kHang (with the native code it returned) and does not retry it,
// and the round's trace has `hang` set. A call that has not returned
// kHangGraceNs after it was marked is abandoned: its state becomes
// kAbandoned, the run aborts with DeadlineExceeded (every waiter is woken
// and leaves), the other workers are joined, and the stuck thread is
// detached. It shares the run's state through a shared_ptr, so whenever its
// call returns it finds kAbandoned and exits without touching anything the
// caller owns; the handles it held are leaked, which is why the process
// should exit soon.

#include "harness/run/executor.h"

#include <algorithm>
#include <atomic>
#include <cstdint>
#include <limits>
#include <memory>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "harness/base/platform.h"
#include "harness/run/internal/cpu_watch.h"
#include "harness/run/tree_restore.h"
#include "harness/scenario/scenario_text.h"

namespace openrace {
namespace {

// How long a waiter spins before it sleeps, when the threads it waits for
// fit on the run's CPUs: about what a sleep and its wake-up cost, the rule
// of two-phase waiting (spinning longer than a sleep costs would only add
// to it). Here, on a 2-CPU virtual machine, waking a thread on the other
// CPU takes tens of microseconds. A spin of 5 µs (two calls) was shorter
// than that, and once one thread slept, the thread it woke came late to
// the next wait, whose waiter slept in turn: the seed pattern as the
// minimizer leaves it (a held open, a reopen, two barriers) slept 1.2
// times a round and ran 9k rounds/s; with 50 µs, 100k (`openrace replay
// --rounds 50000` of it under `perf stat -e sched:sched_switch`), and
// minimizing ci/bench's 6-thread scenario took 15 s instead of 27.
constexpr int64_t kSpinNs = 50'000;
// How long a released worker waits at the start line for the others (only
// when they all fit on the CPUs): the worker that released the round, and
// those that were spinning, would otherwise start their calls before the
// ones that slept are awake.
constexpr int64_t kStartLineNs = 20'000;
// How long a waiter on a CPU shared with the threads it waits for yields
// to them before it sleeps: a round's calls on a local file system, so
// that only a thread in a slow call (FUSE, a hang) is slept on.
constexpr int64_t kYieldNs = 200'000;
constexpr absl::Duration kMaxWatchdogPeriod = absl::Milliseconds(50);
constexpr int64_t kReinterruptNs = 200'000'000;  // 200 ms
constexpr int64_t kHangGraceNs = 2'000'000'000;  // 2 s

// Worker::call_state values besides a call's start time (> 0) and a marked
// call's negated start time.
constexpr int64_t kIdle = 0;
constexpr int64_t kAbandoned = std::numeric_limits<int64_t>::min();

// Something threads wait for: a 32-bit sequence that Notify bumps, and the
// number of threads asleep on it, so Notify makes the wake-up system call
// only when someone sleeps. A waiter counts itself asleep before it checks
// the sequence one last time (both sequentially consistent), so either it
// sees the bump or the notifier sees it asleep.
class Event {
 public:
  uint32_t Sequence() const { return seq_.load(std::memory_order_acquire); }

  // Call after making the awaited condition true.
  void Notify() {
    seq_.fetch_add(1, std::memory_order_seq_cst);
    if (sleepers_.load(std::memory_order_seq_cst) != 0) WakeAllWaiters(seq_);
  }

  // Sleeps unless the sequence has moved past `seen`; may return spuriously.
  void Sleep(uint32_t seen) {
    sleepers_.fetch_add(1, std::memory_order_seq_cst);
    if (seq_.load(std::memory_order_seq_cst) == seen) WaitWhileEqual(seq_, seen);
    sleepers_.fetch_sub(1, std::memory_order_relaxed);
  }

 private:
  alignas(64) std::atomic<uint32_t> seq_{0};
  std::atomic<uint32_t> sleepers_{0};
};

// How a wait passes the time before it sleeps (PatienceFor).
struct Patience {
  int64_t spin_ns = 0;   // spin with CpuRelax for up to this long
  int64_t yield_ns = 0;  // then yield the CPU for up to this long,
  // while this holds (RunState::yielding; null: never).
  const std::atomic<bool>* yielding = nullptr;
};

// Waits until `done()`: spins, then yields, as `patience` says, then
// sleeps on `event`, which whoever makes `done()` true notifies.
template <typename Done>
void Await(Event& event, Patience patience, Done done) {
  if (done()) return;
  if (patience.spin_ns > 0) {
    const int64_t until = MonotonicNanos() + patience.spin_ns;
    for (int spins = 1;; ++spins) {
      CpuRelax();
      if (done()) return;
      if (spins % 32 == 0 && MonotonicNanos() >= until) break;
    }
  }
  if (patience.yield_ns > 0 && patience.yielding->load(std::memory_order_relaxed)) {
    const int64_t until = MonotonicNanos() + patience.yield_ns;
    do {
      std::this_thread::yield();
      if (done()) return;
    } while (MonotonicNanos() < until);
  }
  for (;;) {
    const uint32_t seen = event.Sequence();
    if (done()) return;
    event.Sleep(seen);
  }
}

// How a wait among `parties` threads on `cpus` CPUs passes the time before
// it sleeps. When they fit, it spins: the threads it waits for are running.
// On one CPU, or when the run's workers outnumber its CPUs and each is
// kept to one of them (`pinned`, RunState::pinned), it yields while
// `yielding` holds: the threads it waits for share its CPU or run on their
// own, and a yield hands the CPU to one that shares it at the cost of one
// switch, where a sleep costs the sleep, the wake-up call of whoever ends
// the wait, and the switch; in a virtual machine, waking a CPU that went
// idle costs most of all. (On a quiet machine `campaign --jobs 2` made 1.3
// times the calls, and its share of CPU inside the calls under test went
// from 0.41 to 0.53: ci/bench_throughput.sh; pinning `run`'s workers that
// outnumber 2 CPUs: see RunState::pinned.) But a yield hands the CPU to
// any other process on it too, a niced one included (seen: a niced
// compiler on the same CPU cut the calls to a third), so the calling
// thread turns `yielding` off when the run stops getting its CPUs
// (CpuWatch); waiters then sleep at once.
Patience PatienceFor(size_t parties, int cpus, bool pinned,
                     const std::atomic<bool>* yielding) {
  if (pinned) return {0, kYieldNs, yielding};
  if (parties <= static_cast<size_t>(cpus)) return {kSpinNs, 0, nullptr};
  if (cpus == 1) return {0, kYieldNs, yielding};
  return {};
}

// A reusable barrier among `parties` threads: a scenario's `barrier N`. Its
// generation is its event's sequence.
class Barrier {
 public:
  Barrier(int parties, Patience patience) : parties_(parties), patience_(patience) {}

  // Returns false when the run aborted while waiting.
  bool ArriveAndWait(const std::atomic<bool>& abort) {
    const uint32_t generation = event_.Sequence();
    if (arrived_.fetch_add(1, std::memory_order_acq_rel) + 1 == parties_) {
      arrived_.store(0, std::memory_order_relaxed);
      event_.Notify();
      return true;
    }
    Await(event_, patience_, [&] {
      return event_.Sequence() != generation ||
             abort.load(std::memory_order_relaxed);
    });
    return !abort.load(std::memory_order_relaxed);
  }

  // Wakes every waiter, which then finds the run aborted.
  void WakeAll() { event_.Notify(); }

 private:
  const int parties_;
  const Patience patience_;
  alignas(64) std::atomic<int> arrived_{0};
  Event event_;
};

// One operation with everything resolved: the hot loop reads only this.
struct PlannedOp {
  OpKind kind = OpKind::kBarrier;
  const PreparedCall* call = nullptr;
  // The slots of the handles `path` and `to` are anchored on; null when
  // anchored on the current directory or absolute.
  const NativeHandle* anchor = nullptr;
  const NativeHandle* to_anchor = nullptr;
  // kOpen: the slot the opened handle is held in (null: close at once).
  // kClose: the slot to close.
  NativeHandle* slot = nullptr;
  Barrier* barrier = nullptr;
  // The op's slide (Op::spin_ns), as this run can give it: a busy wait
  // while other threads' calls can go on meanwhile on other CPUs; a yield
  // when the run has one CPU, where a busy wait would only hold back the
  // threads it means to let ahead; nothing for a scenario of one thread,
  // which has nobody to slide against.
  int64_t spin_ns = 0;
  bool yield = false;
};

// Per worker; aligned so one worker's stores do not slow another's loads.
struct alignas(64) Worker {
  std::vector<PlannedOp> ops;
  std::vector<NativeHandle> handles;  // the thread's own handle slots
  std::atomic<int64_t> call_state{kIdle};
  std::atomic<size_t> current_op{0};  // for the abandonment message
  std::atomic<bool> exited{false};
};

// Per ring slot: what the round's trace needs beyond the records.
struct alignas(64) SlotInfo {
  int64_t release_ns = 0;  // written before the round is released
  std::atomic<bool> hang{false};  // some call of the round hit the watchdog
};

// Everything the workers touch. Shared with them through a shared_ptr, so
// an abandoned worker (see the file comment) can outlive Run safely.
struct RunState {
  RunState(const Backend& backend, const ExecutorOptions& options)
      : backend(backend), retry_failures(options.retry_failures),
        cpus(options.cpus > 0 ? options.cpus : UsableCpus()),
        read_back_every(options.read_back_every) {}

  const Backend& backend;  // never used by an abandoned worker
  const bool retry_failures;
  const int cpus;
  std::vector<std::unique_ptr<PreparedCall>> calls;
  std::vector<NativeHandle> shared_handles;
  std::vector<std::string> shared_names;
  std::vector<const PreparedCall*> shared_calls;
  std::vector<const NativeHandle*> shared_anchors;
  absl::flat_hash_map<uint32_t, std::unique_ptr<Barrier>> barriers;
  std::vector<std::unique_ptr<Worker>> workers;
  // Workers that outnumber the run's CPUs (more than one) keep to one each,
  // worker i to CPU i mod cpus, and wait by yielding (PatienceFor). Left to
  // the scheduler, such workers slept at every wait and were woken on
  // whichever CPU was idle, which in a virtual machine costs more than the
  // calls. On 2 CPUs and tmpfs: 30,000 rounds of the 3 threads of
  // corpus/shared_parent_siblings.scn took 4.1-4.4 s, pinned 0.6-0.7 s
  // (`openrace replay --rounds 30000`); `openrace run --time 10s` made
  // 1.6-2.6x the calls/s and 2-3.5x the contended calls/s; minimizing
  // ci/bench's 6-thread scenario took a median of 8.4 s against 13.7 s
  // (ci/bench_minimize.sh 4). Pinned workers on one CPU overlap only where
  // one is switched out in a call, as a campaign job's (all on one CPU)
  // do; those on different CPUs overlap truly.
  bool pinned = false;
  Patience gate_patience;  // how a worker waits for the release
  // Waiters that share a CPU (the run's one, or a pinned worker's) yield to
  // each other while this holds (PatienceFor, WatchCpus).
  std::atomic<bool> yielding{false};
  bool watch_cpus = false;  // waiters may yield: the calling thread watches
  bool start_line = false;   // released workers wait for each other briefly
  alignas(64) std::atomic<uint64_t> started{0};  // worker-rounds past the gate

  // The turnover's work, set before the workers start. Never used by an
  // abandoned worker, which never arrives at the end of its round.
  Sandbox* sandbox = nullptr;
  const std::vector<TreeEntry>* tree = nullptr;
  RestorePlan restore;  // how the tree is put back after a round
  uint32_t read_back_every;  // ExecutorOptions's; 0 once listing fails
  uint64_t rounds = 0;  // the run's total

  // The ring: round r's trace is ring[r % ring.size()].
  std::vector<RoundTrace> ring;
  std::unique_ptr<SlotInfo[]> slots;

  alignas(64) std::atomic<uint64_t> claimed{0};   // releases decided
  std::atomic<uint64_t> released{0};              // rounds released
  Event gate;                                     // notified on release
  alignas(64) std::atomic<uint64_t> arrivals{0};  // worker-rounds finished
  alignas(64) std::atomic<uint64_t> completed{0};  // rounds turned over
  std::atomic<uint64_t> wake_at{1};  // the caller sleeps until completed >= it
  Event done;                        // notified when completed reaches wake_at
  alignas(64) std::atomic<uint64_t> granted{0};  // released rounds < granted
  std::atomic<bool> stop{false};   // release no more rounds
  std::atomic<bool> exit{false};   // workers leave once nothing is released
  std::atomic<bool> abort{false};  // a thread was abandoned: leave at once
  std::atomic<bool> failed{false};  // the turnover failed: `error` says why
  absl::Mutex error_mu;
  absl::Status error ABSL_GUARDED_BY(error_mu);
};

// Runs one call while the watchdog can see it. Returns false when the
// watchdog abandoned this thread meanwhile; sets `*hung` when it marked the
// call as hung.
template <typename Call>
bool Watched(Worker& worker, int64_t start, bool* hung, Call call) {
  worker.call_state.store(start, std::memory_order_release);
  call();
  const int64_t state = worker.call_state.exchange(kIdle, std::memory_order_acq_rel);
  *hung = state < 0;
  return state != kAbandoned;
}

// The thread CPU time inside a sampled round's calls (RoundTrace::
// call_cpu_ns): Begin and End bracket each call; off on other rounds.
class CallCpuMeter {
 public:
  CallCpuMeter(bool on, int64_t read_ns) : on_(on), read_ns_(read_ns) {}
  void Begin() {
    if (on_) begun_ = ThreadCpuNanos();
  }
  void End() {
    if (on_) total_ += std::max<int64_t>(0, ThreadCpuNanos() - begun_ - read_ns_);
  }
  int64_t total() const { return total_; }

 private:
  const bool on_;
  const int64_t read_ns_;
  int64_t begun_ = 0;
  int64_t total_ = 0;
};

// What a bracket of two thread CPU clock reads costs by itself, taken off
// every sampled call: the median of a few, measured once per process (the
// least would leave some of the reads' cost in every call); -1 when there
// is no such clock.
int64_t CpuReadCost() {
  static const int64_t cost = [] {
    int64_t costs[7];
    for (int64_t& c : costs) {
      const int64_t a = ThreadCpuNanos();
      const int64_t b = ThreadCpuNanos();
      if (a < 0 || b < 0) return int64_t{-1};
      c = b - a;
    }
    std::nth_element(costs, costs + 3, costs + 7);
    return costs[3];
  }();
  return cost;
}

void CloseHandles(const Backend& backend, std::vector<NativeHandle>& handles) {
  for (NativeHandle& handle : handles) {
    if (handle != kNoHandle) {
      backend.Close(handle);
      handle = kNoHandle;
    }
  }
}

void CloseShared(RunState& state) {
  CloseHandles(state.backend, state.shared_handles);
}

absl::Status OpenShared(RunState& state) {
  for (size_t i = 0; i < state.shared_calls.size(); ++i) {
    const NativeHandle* anchor = state.shared_anchors[i];
    NativeHandle opened = kNoHandle;
    const Outcome outcome = state.shared_calls[i]->Call(
        anchor ? *anchor : kNoHandle, kNoHandle, &opened);
    if (IsEnvironmentStatus(outcome)) {
      return EnvironmentErrorFor(
          outcome, absl::StrCat("opening the shared handle ",
                                state.shared_names[i]));
    }
    if (!outcome.ok()) {
      return absl::FailedPreconditionError(
          absl::StrCat("shared handle ", state.shared_names[i], ": ",
                       state.shared_calls[i]->Describe(), " failed: ",
                       OutcomeName(outcome)));
    }
    state.shared_handles[i] = opened;
  }
  return absl::OkStatus();
}

// Wakes every thread that waits, so that each finds the run aborted.
void WakeEveryone(RunState& state) {
  state.gate.Notify();
  state.done.Notify();
  for (auto& [id, barrier] : state.barriers) barrier->WakeAll();
}

// Releases round `n` if it may start: round n - 1 is complete (the caller
// knows), the run is not stopping, the ring has room, and nobody else
// released it. Both the last worker of round n - 1 and the calling thread
// call it; `claimed` lets exactly one through.
void TryRelease(RunState& state, uint64_t n) {
  if (n >= state.rounds || state.stop.load(std::memory_order_seq_cst) ||
      n >= state.granted.load(std::memory_order_seq_cst)) {
    return;
  }
  uint64_t expected = n;
  if (!state.claimed.compare_exchange_strong(expected, n + 1,
                                             std::memory_order_seq_cst)) {
    return;
  }
  SlotInfo& slot = state.slots[n % state.ring.size()];
  slot.hang.store(false, std::memory_order_relaxed);
  slot.release_ns = MonotonicNanos();
  state.released.store(n + 1, std::memory_order_seq_cst);
  state.gate.Notify();
}

// Whether every call of the round gave an outcome the restore plan
// foresees (tree_restore.h).
bool Foreseen(const RoundTrace& trace) {
  for (const std::vector<OpRecord>& thread : trace.records) {
    for (const OpRecord& record : thread) {
      if (!record.ran) continue;
      if (!ForeseenByRestore(record.outcome)) return false;
      if (record.retry && !ForeseenByRestore(*record.retry)) return false;
    }
  }
  return true;
}

// Puts the tree back after the round in ring slot `slot`: removes what the
// round made under the fresh paths, or rebuilds it all.
absl::Status RestoreTree(RunState& state, size_t slot) {
  switch (state.restore.kind) {
    case RestorePlan::kNothing:
      return absl::OkStatus();
    case RestorePlan::kRemoveFresh:
      if (!state.slots[slot].hang.load(std::memory_order_relaxed) &&
          Foreseen(state.ring[slot])) {
        return state.sandbox->Remove(state.restore.fresh);
      }
      break;
    case RestorePlan::kRebuild:
      break;
  }
  CloseShared(state);
  absl::Status status = state.sandbox->Build(*state.tree);
  if (status.ok()) status = OpenShared(state);
  return status;
}

// Reads back the state round `round` left, on the rounds the options pick;
// not after a hang (a call may still be running), nor where listing is not
// possible here (Windows: never tried again).
void ReadBack(RunState& state, uint64_t round) {
  const size_t slot = round % state.ring.size();
  RoundTrace& trace = state.ring[slot];
  trace.end_read = false;
  if (state.read_back_every == 0 || round % state.read_back_every != 0 ||
      state.restore.kind == RestorePlan::kNothing ||
      state.slots[slot].hang.load(std::memory_order_relaxed)) {
    return;
  }
  const absl::Status listed = state.sandbox->List(&trace.end_tree);
  if (absl::IsUnimplemented(listed)) state.read_back_every = 0;
  trace.end_read = listed.ok();
}

// The last worker of round `round` reads the state back when asked, puts
// the tree back, publishes the round and releases the next one.
void Turnover(RunState& state, uint64_t round) {
  ReadBack(state, round);
  const uint64_t next = round + 1;
  if (next < state.rounds && !state.stop.load(std::memory_order_relaxed)) {
    absl::Status status = RestoreTree(state, round % state.ring.size());
    if (!status.ok()) {
      {
        absl::MutexLock lock(&state.error_mu);
        state.error = std::move(status);
      }
      state.failed.store(true, std::memory_order_seq_cst);
      state.done.Notify();
      return;
    }
  }
  state.completed.store(next, std::memory_order_seq_cst);
  if (next >= state.wake_at.load(std::memory_order_seq_cst)) state.done.Notify();
  TryRelease(state, next);
}

// One worker's round. Returns false when the run aborted (or this thread
// was abandoned) and the worker must leave at once.
bool RunRound(RunState& state, Worker& worker, std::vector<OpRecord>& records,
              SlotInfo& slot, CallCpuMeter& cpu) {
  const int64_t release = slot.release_ns;
  for (size_t i = 0; i < worker.ops.size(); ++i) {
    const PlannedOp& op = worker.ops[i];
    OpRecord& record = records[i];
    record = OpRecord{};
    if (op.kind == OpKind::kBarrier) {
      if (!op.barrier->ArriveAndWait(state.abort)) return false;
      continue;
    }
    if (op.spin_ns > 0) {
      const int64_t until = MonotonicNanos() + op.spin_ns;
      while (MonotonicNanos() < until) CpuRelax();
    } else if (op.yield && state.yielding.load(std::memory_order_relaxed)) {
      std::this_thread::yield();
    }
    worker.current_op.store(i, std::memory_order_relaxed);
    bool hung = false;

    if (op.kind == OpKind::kClose) {
      // A close whose open failed has nothing to close and does not run.
      if (*op.slot == kNoHandle) continue;
      cpu.Begin();
      const int64_t start = MonotonicNanos();
      record.ran = true;
      record.start_ns = start - release;
      if (!Watched(worker, start, &hung, [&] { state.backend.Close(*op.slot); })) {
        return false;
      }
      *op.slot = kNoHandle;
      record.end_ns = MonotonicNanos() - release;
      cpu.End();
      if (hung) {
        record.outcome.status = StatusClass::kHang;
        slot.hang.store(true, std::memory_order_relaxed);
      }
      continue;
    }

    // An operation anchored on a handle whose open failed does not run.
    const NativeHandle anchor = op.anchor ? *op.anchor : kNoHandle;
    const NativeHandle to_anchor = op.to_anchor ? *op.to_anchor : kNoHandle;
    if ((op.anchor && anchor == kNoHandle) || (op.to_anchor && to_anchor == kNoHandle)) {
      continue;
    }
    NativeHandle opened = kNoHandle;
    Outcome outcome;
    const auto call = [&] { outcome = op.call->Call(anchor, to_anchor, &opened); };
    cpu.Begin();
    const int64_t start = MonotonicNanos();
    record.ran = true;
    record.start_ns = start - release;
    if (!Watched(worker, start, &hung, call)) return false;
    record.end_ns = MonotonicNanos() - release;
    if (hung) {
      outcome.status = StatusClass::kHang;
      slot.hang.store(true, std::memory_order_relaxed);
    }
    record.outcome = outcome;
    // A hung call is not retried: the retry would most likely hang too.
    if (!outcome.ok() && !hung && state.retry_failures) {
      if (!Watched(worker, MonotonicNanos(), &hung, call)) return false;
      if (hung) {
        outcome.status = StatusClass::kHang;
        slot.hang.store(true, std::memory_order_relaxed);
      }
      record.retry = outcome;
      record.retry_end_ns = MonotonicNanos() - release;
    }
    if (opened != kNoHandle) {
      if (op.slot != nullptr) {
        *op.slot = opened;
      } else {
        state.backend.Close(opened);
      }
    }
    cpu.End();
    if (state.abort.load(std::memory_order_relaxed)) return false;
  }
  return true;
}

void WorkerMain(std::shared_ptr<RunState> state_ptr, size_t index) {
  PrepareThreadForInterrupt();
  RunState& state = *state_ptr;
  if (state.pinned) KeepThreadToCpu(index);
  Worker& worker = *state.workers[index];
  const uint64_t workers = state.workers.size();
  const int64_t cpu_read_cost = CpuReadCost();
  for (uint64_t round = 0;; ++round) {
    Await(state.gate, state.gate_patience, [&] {
      return state.released.load(std::memory_order_acquire) > round ||
             state.exit.load(std::memory_order_acquire) ||
             state.abort.load(std::memory_order_acquire);
    });
    // A released round is run by every worker, even when the run is
    // stopping, or its barriers would wait for the one that left.
    if (state.abort.load(std::memory_order_acquire) ||
        state.released.load(std::memory_order_acquire) <= round) {
      break;
    }
    if (state.start_line) {
      // Best effort, never a sleep: a worker that does not come within
      // kStartLineNs is not waited for.
      const uint64_t all = workers * (round + 1);
      if (state.started.fetch_add(1, std::memory_order_acq_rel) + 1 < all) {
        const int64_t until = MonotonicNanos() + kStartLineNs;
        for (int spins = 1; state.started.load(std::memory_order_acquire) < all; ++spins) {
          CpuRelax();
          if (spins % 32 == 0 && MonotonicNanos() >= until) break;
        }
      }
    }
    const size_t slot = round % state.ring.size();
    RoundTrace& trace = state.ring[slot];
    // Every worker decides alike, from the round number alone.
    const bool sampled = cpu_read_cost >= 0 && round % kCpuSampleEvery == 1;
    CallCpuMeter cpu(sampled, cpu_read_cost);
    if (!RunRound(state, worker, trace.records[index], state.slots[slot], cpu)) {
      break;
    }
    cpu.Begin();
    CloseHandles(state.backend, worker.handles);
    cpu.End();
    if (index == 0) trace.cpu_sampled = sampled;
    trace.call_cpu_ns[index] = cpu.total();
    if (state.arrivals.fetch_add(1, std::memory_order_acq_rel) + 1 ==
        workers * (round + 1)) {
      Turnover(state, round);
    }
  }
  worker.exited.store(true, std::memory_order_release);
}

// Until when no run of this process yields (MonotonicNanos), and for how
// long it was (internal::NoYieldNs).
std::atomic<int64_t> no_yield_until{0};
std::atomic<int64_t> no_yield_ns{0};

// Turns the run's yields off when it stops getting its CPUs, and on again
// when the period of no yields is over.
void WatchCpus(RunState& state, internal::CpuWatch& watch) {
  const int64_t now = MonotonicNanos();
  if (state.yielding.load(std::memory_order_relaxed)) {
    if (watch.GettingItsCpus(now, ProcessCpuNanos())) return;
    state.yielding.store(false, std::memory_order_relaxed);
    const int64_t period = internal::NoYieldNs(
        no_yield_ns.load(std::memory_order_relaxed),
        now - no_yield_until.load(std::memory_order_relaxed));
    no_yield_ns.store(period, std::memory_order_relaxed);
    no_yield_until.store(now + period, std::memory_order_relaxed);
  } else if (now >= no_yield_until.load(std::memory_order_relaxed)) {
    watch.Restart(now, ProcessCpuNanos());
    state.yielding.store(true, std::memory_order_relaxed);
  }
}

// One Run: owns the threads and guarantees that every handle is closed and
// every thread joined (or, when stuck, detached) on every exit path.
class RunDriver {
 public:
  RunDriver(const Backend& backend, const ExecutorOptions& options,
            Sandbox& sandbox)
      : state_(std::make_shared<RunState>(backend, options)),
        sandbox_(sandbox),
        batch_(std::max<uint32_t>(options.batch, 1)),
        watchdog_ns_(absl::ToInt64Nanoseconds(options.watchdog)),
        watchdog_period_(std::min(kMaxWatchdogPeriod, options.watchdog / 4)) {}

  RunDriver(const RunDriver&) = delete;
  RunDriver& operator=(const RunDriver&) = delete;
  ~RunDriver() {
    StopThreads();
    CloseShared(*state_);
  }

  absl::Status Plan(const Scenario& scenario, uint64_t rounds);
  absl::Status OpenShared() { return openrace::OpenShared(*state_); }
  void StartThreads();
  absl::Status RunRounds(absl::FunctionRef<bool(const RoundTrace&)> observer);

 private:
  absl::StatusOr<const PreparedCall*> Prepare(const Op& op);
  // An EnvironmentError for the first call of `trace` whose outcome is an
  // environment status; OK when there is none.
  absl::Status EnvironmentFailure(const RoundTrace& trace) const;
  void StopThreads();
  void WatchdogMain();
  void CheckWorkers(int64_t now) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  std::shared_ptr<RunState> state_;
  const Scenario* scenario_ = nullptr;  // set by Plan
  Sandbox& sandbox_;
  const uint32_t batch_;
  const int64_t watchdog_ns_;
  const absl::Duration watchdog_period_;
  std::vector<std::thread> threads_;
  std::thread watchdog_;

  absl::Mutex mu_;  // the watchdog's pass, and reaping threads_
  bool watchdog_stop_ ABSL_GUARDED_BY(mu_) = false;
  std::vector<int64_t> marked_at_ ABSL_GUARDED_BY(mu_);  // per worker
  std::vector<int64_t> kicked_at_ ABSL_GUARDED_BY(mu_);
  std::string abandoned_ ABSL_GUARDED_BY(mu_);  // why the run aborted
};

absl::StatusOr<const PreparedCall*> RunDriver::Prepare(const Op& op) {
  absl::StatusOr<std::unique_ptr<PreparedCall>> call =
      state_->backend.Prepare(op, sandbox_.root());
  if (!call.ok()) return call.status();
  state_->calls.push_back(*std::move(call));
  return state_->calls.back().get();
}

absl::Status RunDriver::Plan(const Scenario& scenario, uint64_t rounds) {
  RunState& state = *state_;
  scenario_ = &scenario;
  state.sandbox = &sandbox_;
  state.tree = &scenario.tree;
  state.restore = PlanRestore(scenario);
  state.rounds = rounds;
  // Waiters yield (and pinned workers keep to a CPU) only where the CPU
  // clocks are fine enough for CpuWatch's windows (not Windows: there they
  // count in scheduler ticks).
  const bool may_yield = scenario.threads.size() > 1 && CpuReadCost() >= 0;
  state.pinned = may_yield && state.cpus > 1 &&
                 scenario.threads.size() > static_cast<size_t>(state.cpus);
  state.watch_cpus = may_yield && (state.cpus == 1 || state.pinned);
  state.yielding.store(state.watch_cpus &&
                       MonotonicNanos() >= no_yield_until.load(std::memory_order_relaxed));
  state.gate_patience = PatienceFor(scenario.threads.size(), state.cpus,
                                    state.pinned, &state.yielding);
  state.start_line = scenario.threads.size() > 1 && state.gate_patience.spin_ns > 0;
  // Slots are sized before any pointer into them is taken, and never
  // resized afterwards.
  absl::flat_hash_map<std::string, size_t> shared_slots;
  state.shared_handles.assign(scenario.shared.size(), kNoHandle);
  const auto find_shared = [&](const Path& path,
                               const NativeHandle** anchor) -> absl::Status {
    if (path.anchor != Anchor::kHandle) return absl::OkStatus();
    auto it = shared_slots.find(path.handle);
    if (it == shared_slots.end()) {
      return absl::InvalidArgumentError(
          absl::StrCat("unknown handle '", path.handle, "'"));
    }
    *anchor = &state.shared_handles[it->second];
    return absl::OkStatus();
  };

  for (size_t i = 0; i < scenario.shared.size(); ++i) {
    const SharedHandle& shared = scenario.shared[i];
    Op open;
    open.kind = OpKind::kOpen;
    open.result = shared.name;
    open.path = shared.path;
    open.flags = shared.flags;
    const NativeHandle* anchor = nullptr;
    if (absl::Status s = find_shared(shared.path, &anchor); !s.ok()) {
      return absl::InvalidArgumentError(
          absl::StrCat("shared ", shared.name, ": ", s.message()));
    }
    absl::StatusOr<const PreparedCall*> call = Prepare(open);
    if (!call.ok()) {
      return absl::InvalidArgumentError(
          absl::StrCat("shared ", shared.name, ": ", call.status().message()));
    }
    state.shared_names.push_back(shared.name);
    state.shared_calls.push_back(*call);
    state.shared_anchors.push_back(anchor);
    shared_slots[shared.name] = i;
  }

  // Participants of each barrier: the threads that name it.
  absl::flat_hash_map<uint32_t, int> parties;
  for (const ThreadProgram& thread : scenario.threads) {
    absl::flat_hash_map<uint32_t, bool> named;
    for (const Op& op : thread.ops) {
      if (op.kind == OpKind::kBarrier && !named[op.barrier]) {
        named[op.barrier] = true;
        ++parties[op.barrier];
      }
    }
  }
  for (const auto& [id, count] : parties) {
    state.barriers[id] =
        std::make_unique<Barrier>(
            count, PatienceFor(count, state.cpus, state.pinned, &state.yielding));
  }

  // The ring: no more slots than rounds.
  state.ring.resize(std::max<uint64_t>(1, std::min<uint64_t>(batch_, rounds)));
  state.slots = std::make_unique<SlotInfo[]>(state.ring.size());
  for (RoundTrace& trace : state.ring) {
    trace.records.resize(scenario.threads.size());
    trace.call_cpu_ns.assign(scenario.threads.size(), 0);
  }
  for (size_t t = 0; t < scenario.threads.size(); ++t) {
    const std::vector<Op>& ops = scenario.threads[t].ops;
    auto worker = std::make_unique<Worker>();
    absl::flat_hash_map<std::string, size_t> local_slots;
    for (const Op& op : ops) {
      if (op.kind == OpKind::kOpen && !op.result.empty()) {
        local_slots.emplace(op.result, local_slots.size());
      }
    }
    worker->handles.assign(local_slots.size(), kNoHandle);
    const auto resolve = [&](const Path& path,
                             const NativeHandle** anchor) -> absl::Status {
      if (path.anchor != Anchor::kHandle) return absl::OkStatus();
      if (auto it = local_slots.find(path.handle); it != local_slots.end()) {
        *anchor = &worker->handles[it->second];
        return absl::OkStatus();
      }
      return find_shared(path, anchor);
    };
    for (size_t i = 0; i < ops.size(); ++i) {
      const Op& op = ops[i];
      const auto where = [&](absl::string_view message) {
        return absl::InvalidArgumentError(
            absl::StrCat("thread ", t, " op ", i, ": ", message));
      };
      PlannedOp planned;
      planned.kind = op.kind;
      if (op.spin_ns > 0 && scenario.threads.size() > 1) {
        planned.yield = state.cpus == 1;
        if (!planned.yield) planned.spin_ns = op.spin_ns;
      }
      switch (op.kind) {
        case OpKind::kBarrier:
          planned.barrier = state.barriers[op.barrier].get();
          break;
        case OpKind::kClose: {
          auto it = local_slots.find(op.handle);
          if (it == local_slots.end()) {
            return where(absl::StrCat("close of '", op.handle,
                                      "', which this thread does not hold"));
          }
          planned.slot = &worker->handles[it->second];
          break;
        }
        default: {
          if (absl::Status s = resolve(op.path, &planned.anchor); !s.ok()) {
            return where(s.message());
          }
          if (op.kind == OpKind::kRename) {
            if (absl::Status s = resolve(op.to, &planned.to_anchor); !s.ok()) {
              return where(s.message());
            }
          }
          if (op.kind == OpKind::kOpen && !op.result.empty()) {
            planned.slot = &worker->handles[local_slots[op.result]];
          }
          absl::StatusOr<const PreparedCall*> call = Prepare(op);
          if (!call.ok()) return where(call.status().message());
          planned.call = *call;
        }
      }
      worker->ops.push_back(planned);
    }
    for (RoundTrace& trace : state.ring) trace.records[t].resize(ops.size());
    state.workers.push_back(std::move(worker));
  }
  return absl::OkStatus();
}

void RunDriver::StartThreads() {
  const size_t n = state_->workers.size();
  {
    absl::MutexLock lock(&mu_);
    marked_at_.assign(n, 0);
    kicked_at_.assign(n, 0);
  }
  threads_.reserve(n);
  for (size_t i = 0; i < n; ++i) {
    threads_.emplace_back(WorkerMain, state_, i);
  }
  watchdog_ = std::thread([this] { WatchdogMain(); });
}

void RunDriver::WatchdogMain() {
  absl::MutexLock lock(&mu_);
  while (!mu_.AwaitWithTimeout(absl::Condition(&watchdog_stop_),
                               watchdog_period_)) {
    CheckWorkers(MonotonicNanos());
  }
}

void RunDriver::CheckWorkers(int64_t now) {
  RunState& state = *state_;
  for (size_t i = 0; i < state.workers.size(); ++i) {
    if (!threads_[i].joinable()) continue;  // reaped
    Worker& worker = *state.workers[i];
    int64_t call = worker.call_state.load(std::memory_order_acquire);
    if (call > 0 && now - call > watchdog_ns_) {
      if (worker.call_state.compare_exchange_strong(call, -call)) {
        marked_at_[i] = kicked_at_[i] = now;
        InterruptBlockedCall(threads_[i]);
      }
    } else if (call < 0 && call != kAbandoned) {
      if (now - marked_at_[i] > kHangGraceNs) {
        if (worker.call_state.compare_exchange_strong(call, kAbandoned)) {
          abandoned_ = absl::StrCat(
              "thread ", i, " op ", worker.current_op.load(),
              " did not return within ", kHangGraceNs / 1'000'000,
              " ms of being interrupted; the thread is abandoned");
          state.abort.store(true, std::memory_order_seq_cst);
          WakeEveryone(state);
        }
      } else if (now - kicked_at_[i] >= kReinterruptNs) {
        kicked_at_[i] = now;
        InterruptBlockedCall(threads_[i]);
      }
    }
  }
}

absl::Status RunDriver::EnvironmentFailure(const RoundTrace& trace) const {
  for (size_t t = 0; t < trace.records.size(); ++t) {
    for (size_t i = 0; i < trace.records[t].size(); ++i) {
      const OpRecord& record = trace.records[t][i];
      if (!record.ran) continue;
      for (const Outcome* outcome :
           {&record.outcome, record.retry ? &*record.retry : nullptr}) {
        if (outcome != nullptr && IsEnvironmentStatus(*outcome)) {
          return EnvironmentErrorFor(*outcome,
                                     PrintOp(scenario_->threads[t].ops[i]));
        }
      }
    }
  }
  return absl::OkStatus();
}

absl::Status RunDriver::RunRounds(
    absl::FunctionRef<bool(const RoundTrace&)> observer) {
  RunState& state = *state_;
  const uint64_t ring = state.ring.size();
  // The caller wakes for batches of half the ring, so the workers can run
  // the other half meanwhile.
  const uint64_t batch = std::max<uint64_t>(1, ring / 2);
  state.granted.store(ring, std::memory_order_seq_cst);
  internal::CpuWatch cpu_watch(state.pinned ? state.cpus : 1,
                               MonotonicNanos(), ProcessCpuNanos());
  TryRelease(state, 0);
  for (uint64_t observed = 0; observed < state.rounds;) {
    const uint64_t want = std::min(state.rounds, observed + batch);
    state.wake_at.store(want, std::memory_order_seq_cst);
    Await(state.done, Patience{}, [&] {
      return state.completed.load(std::memory_order_acquire) >= want ||
             state.failed.load(std::memory_order_acquire) ||
             state.abort.load(std::memory_order_acquire);
    });
    if (state.watch_cpus) WatchCpus(state, cpu_watch);
    if (state.abort.load(std::memory_order_acquire)) {
      absl::MutexLock lock(&mu_);
      return absl::DeadlineExceededError(abandoned_);
    }
    if (state.failed.load(std::memory_order_acquire)) {
      absl::MutexLock lock(&state.error_mu);
      return state.error;
    }
    const uint64_t completed = state.completed.load(std::memory_order_acquire);
    for (; observed < completed; ++observed) {
      RoundTrace& trace = state.ring[observed % ring];
      trace.round = observed;
      trace.hang = state.slots[observed % ring].hang.load(std::memory_order_relaxed);
      // The machine said no (outcome.h): the run stops, and the round never
      // reaches the observer, so the oracle never judges it.
      if (absl::Status s = EnvironmentFailure(trace); !s.ok()) {
        state.stop.store(true, std::memory_order_seq_cst);
        return s;
      }
      if (!observer(trace) || InterruptRequested()) {
        state.stop.store(true, std::memory_order_seq_cst);
        return absl::OkStatus();
      }
      // Its slot is free: the workers may run one round further.
      state.granted.store(observed + 1 + ring, std::memory_order_seq_cst);
      TryRelease(state, state.completed.load(std::memory_order_seq_cst));
    }
  }
  return absl::OkStatus();
}

void RunDriver::StopThreads() {
  RunState& state = *state_;
  state.stop.store(true, std::memory_order_seq_cst);
  state.exit.store(true, std::memory_order_seq_cst);
  state.gate.Notify();
  // Reap: join the workers that left, detach the abandoned ones. The
  // watchdog keeps running meanwhile, so a worker that hangs while the run
  // aborts is abandoned too instead of blocking this loop.
  for (size_t reaped = 0; reaped < threads_.size();) {
    {
      absl::MutexLock lock(&mu_);
      for (size_t i = 0; i < threads_.size(); ++i) {
        if (!threads_[i].joinable()) continue;
        Worker& worker = *state.workers[i];
        if (worker.exited.load(std::memory_order_acquire)) {
          threads_[i].join();
          CloseHandles(state.backend, worker.handles);
          ++reaped;
        } else if (worker.call_state.load(std::memory_order_acquire) == kAbandoned) {
          threads_[i].detach();  // its handles are leaked: see the file comment
          ++reaped;
        }
      }
    }
    if (reaped < threads_.size()) absl::SleepFor(absl::Microseconds(50));
  }
  if (watchdog_.joinable()) {
    {
      absl::MutexLock lock(&mu_);
      watchdog_stop_ = true;
    }
    watchdog_.join();
  }
}

}  // namespace

absl::Status Executor::Run(const Scenario& scenario, Sandbox& sandbox,
                           uint64_t rounds,
                           absl::FunctionRef<bool(const RoundTrace&)> observer) {
  RunDriver driver(backend_, options_, sandbox);
  if (absl::Status s = driver.Plan(scenario, rounds); !s.ok()) return s;
  if (absl::Status s = sandbox.Build(scenario.tree); !s.ok()) return s;
  if (absl::Status s = driver.OpenShared(); !s.ok()) return s;
  driver.StartThreads();
  return driver.RunRounds(observer);
}

}  // namespace openrace
