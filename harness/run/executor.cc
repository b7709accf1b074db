// executor.cc — runs a Scenario's threads against a backend, round by round.
//
// Shape of a run (Executor::Run → RunDriver):
//   1. Plan: every operation is prepared by the backend once, and every
//      handle name is resolved to a slot — shared handles to one array,
//      a thread's own handles to that thread's array — so the hot loop does
//      no lookups and no allocation.
//   2. Build the tree, open the shared handles (main thread), start one
//      persistent worker per scenario thread and a watchdog thread.
//   3. Each round: the main thread stamps the release time and bumps the
//      round epoch; the workers, spinning on it, start together, run their
//      operations into their row of the reused RoundTrace, close the handles
//      they still hold, and count themselves done. The main thread waits for
//      all of them, hands the trace to the observer and, for a scenario that
//      changes the tree, rebuilds it.
//   4. Stop the workers, stop the watchdog, close every handle.
//
// Rebuild and shared handles: a rebuild deletes and recreates the entries
// the shared handles point at, which would leave them pointing at unlinked
// directories. So between rounds of a tree-changing scenario the main thread
// closes the shared handles, rebuilds the tree and opens them again, while
// the workers are parked at the start barrier. Their slots keep their
// addresses, so the workers' plans stay valid.
//
// Hangs: each worker publishes the monotonic start time of the call it is in
// (its `call_state`). The watchdog wakes every few tens of milliseconds; a
// call running longer than ExecutorOptions::watchdog is marked by negating
// its state, and the worker is sent a wake-up signal (InterruptBlockedCall)
// every kReinterruptNs until the call returns; the worker then records the
// call as kHang (with the native code it returned) and does not retry it,
// and the round's trace has `hang` set. A call that has not returned
// kHangGraceNs after it was marked is abandoned: its state becomes
// kAbandoned, the run aborts with DeadlineExceeded, the other workers leave
// their loops and are joined, and the stuck thread is detached. It shares
// the run's state through a shared_ptr, so whenever its call returns it
// finds kAbandoned and exits without touching anything the caller owns; the
// handles it held are leaked, which is why the process should exit soon.
//
// Spinning: the scenario's barriers and the main thread's wait for a round's
// end spin with CpuRelax for a few thousand iterations and then yield on
// each iteration, because the machine may have fewer cores than the
// scenario has threads, and a pure spin would starve the thread it waits
// for. Workers waiting for the next round's release spin for kWorkerSpinNs
// and then sleep on the round epoch (a futex), so a slow observer or a
// rebuild of the tree does not compete with a crowd of spinning workers.

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
#include "harness/scenario/scenario_text.h"

namespace openrace {
namespace {

constexpr int kSpinsBeforeYield = 4096;
// How long a worker spins for the next round's release before it sleeps.
constexpr int64_t kWorkerSpinNs = 200'000;
constexpr absl::Duration kMaxWatchdogPeriod = absl::Milliseconds(50);
constexpr int64_t kReinterruptNs = 200'000'000;  // 200 ms
constexpr int64_t kHangGraceNs = 2'000'000'000;  // 2 s

// Worker::call_state values besides a call's start time (> 0) and a marked
// call's negated start time.
constexpr int64_t kIdle = 0;
constexpr int64_t kAbandoned = std::numeric_limits<int64_t>::min();

// Waits for a round's release until `done()`: spins for up to `spin_ns`, then
// sleeps on `word`, which whoever makes `done()` true changes and notifies.
// The spin keeps the usual short wait fast, so that released threads leave
// together; the sleep bounds what a long wait costs the threads that need
// the core, and on a loaded machine a woken sleeper gets its core back at
// once, where a spinning or yielding thread waits out other processes'
// time slices.
template <typename T, typename Done>
void SpinThenSleep(const std::atomic<T>& word, int64_t spin_ns, Done done) {
  const int64_t until = MonotonicNanos() + spin_ns;
  for (int spins = 1;; ++spins) {
    if (done()) return;
    CpuRelax();
    if (spins % 64 == 0 && MonotonicNanos() >= until) break;
  }
  for (;;) {
    const T seen = word.load(std::memory_order_acquire);
    if (done()) return;
    WaitWhileEqual(word, seen);  // platform.h: not std::atomic::wait
  }
}

// Waits inside a round (a scenario barrier) until `done()`: spins, then
// yields (see the file comment).
template <typename Done>
void SpinUntil(Done done) {
  for (int spins = 0; !done(); ++spins) {
    if (spins < kSpinsBeforeYield) {
      CpuRelax();
    } else {
      std::this_thread::yield();
    }
  }
}

// A reusable barrier among `parties` threads: a scenario's `barrier N`.
class SpinBarrier {
 public:
  explicit SpinBarrier(int parties) : parties_(parties) {}

  // Returns false when the run aborted while waiting.
  bool ArriveAndWait(const std::atomic<bool>& abort) {
    const uint64_t generation = generation_.load(std::memory_order_acquire);
    if (arrived_.fetch_add(1, std::memory_order_acq_rel) + 1 == parties_) {
      arrived_.store(0, std::memory_order_relaxed);
      generation_.fetch_add(1, std::memory_order_release);
      return true;
    }
    SpinUntil([&] {
      return generation_.load(std::memory_order_acquire) != generation ||
             abort.load(std::memory_order_relaxed);
    });
    return !abort.load(std::memory_order_relaxed);
  }

 private:
  const int parties_;
  alignas(64) std::atomic<int> arrived_{0};
  alignas(64) std::atomic<uint64_t> generation_{0};
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
  SpinBarrier* barrier = nullptr;
  int64_t spin_ns = 0;
};

// Per worker; aligned so one worker's stores do not slow another's loads.
struct alignas(64) Worker {
  std::vector<PlannedOp> ops;
  std::vector<NativeHandle> handles;  // the thread's own handle slots
  std::atomic<int64_t> call_state{kIdle};
  std::atomic<size_t> current_op{0};  // for the abandonment message
  std::atomic<bool> exited{false};
};

// Everything the workers touch. Shared with them through a shared_ptr, so
// an abandoned worker (see the file comment) can outlive Run safely.
struct RunState {
  RunState(const Backend& backend, const ExecutorOptions& options)
      : backend(backend), retry_failures(options.retry_failures) {}

  const Backend& backend;  // never used by an abandoned worker
  const bool retry_failures;
  std::vector<std::unique_ptr<PreparedCall>> calls;
  std::vector<NativeHandle> shared_handles;
  std::vector<std::string> shared_names;
  std::vector<const PreparedCall*> shared_calls;
  std::vector<const NativeHandle*> shared_anchors;
  absl::flat_hash_map<uint32_t, std::unique_ptr<SpinBarrier>> barriers;
  std::vector<std::unique_ptr<Worker>> workers;
  RoundTrace trace;

  int64_t release_ns = 0;  // written before `epoch` is bumped
  alignas(64) std::atomic<uint64_t> epoch{0};     // rounds released so far
  alignas(64) std::atomic<uint64_t> finished{0};  // worker-rounds finished
  std::atomic<bool> stop{false};
  std::atomic<bool> abort{false};
  std::atomic<bool> round_hang{false};
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

void CloseHandles(const Backend& backend, std::vector<NativeHandle>& handles) {
  for (NativeHandle& handle : handles) {
    if (handle != kNoHandle) {
      backend.Close(handle);
      handle = kNoHandle;
    }
  }
}

// One worker's round. Returns false when the run aborted (or this thread
// was abandoned) and the worker must leave at once.
bool RunRound(RunState& state, Worker& worker, std::vector<OpRecord>& records) {
  const int64_t release = state.release_ns;
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
    }
    worker.current_op.store(i, std::memory_order_relaxed);
    bool hung = false;

    if (op.kind == OpKind::kClose) {
      // A close whose open failed has nothing to close and does not run.
      if (*op.slot == kNoHandle) continue;
      const int64_t start = MonotonicNanos();
      record.ran = true;
      record.start_ns = start - release;
      if (!Watched(worker, start, &hung, [&] { state.backend.Close(*op.slot); })) {
        return false;
      }
      *op.slot = kNoHandle;
      record.end_ns = MonotonicNanos() - release;
      if (hung) {
        record.outcome.status = StatusClass::kHang;
        state.round_hang.store(true, std::memory_order_relaxed);
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
    const int64_t start = MonotonicNanos();
    record.ran = true;
    record.start_ns = start - release;
    if (!Watched(worker, start, &hung, call)) return false;
    record.end_ns = MonotonicNanos() - release;
    if (hung) {
      outcome.status = StatusClass::kHang;
      state.round_hang.store(true, std::memory_order_relaxed);
    }
    record.outcome = outcome;
    // A hung call is not retried: the retry would most likely hang too.
    if (!outcome.ok() && !hung && state.retry_failures) {
      if (!Watched(worker, MonotonicNanos(), &hung, call)) return false;
      if (hung) {
        outcome.status = StatusClass::kHang;
        state.round_hang.store(true, std::memory_order_relaxed);
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
    if (state.abort.load(std::memory_order_relaxed)) return false;
  }
  return true;
}

void WorkerMain(std::shared_ptr<RunState> state, size_t index) {
  PrepareThreadForInterrupt();
  Worker& worker = *state->workers[index];
  std::vector<OpRecord>& records = state->trace.records[index];
  for (uint64_t seen = 0;;) {
    SpinThenSleep(state->epoch, kWorkerSpinNs, [&] {
      return state->epoch.load(std::memory_order_acquire) != seen ||
             state->abort.load(std::memory_order_relaxed);
    });
    if (state->abort.load(std::memory_order_relaxed) ||
        state->stop.load(std::memory_order_relaxed)) {
      break;
    }
    seen = state->epoch.load(std::memory_order_relaxed);
    if (!RunRound(*state, worker, records)) break;
    CloseHandles(state->backend, worker.handles);
    state->finished.fetch_add(1, std::memory_order_release);
  }
  worker.exited.store(true, std::memory_order_release);
}

// One Run: owns the threads and guarantees that every handle is closed and
// every thread joined (or, when stuck, detached) on every exit path.
class RunDriver {
 public:
  RunDriver(const Backend& backend, const ExecutorOptions& options,
            Sandbox& sandbox)
      : state_(std::make_shared<RunState>(backend, options)),
        sandbox_(sandbox),
        watchdog_ns_(absl::ToInt64Nanoseconds(options.watchdog)),
        watchdog_period_(std::min(kMaxWatchdogPeriod, options.watchdog / 4)) {}

  RunDriver(const RunDriver&) = delete;
  RunDriver& operator=(const RunDriver&) = delete;
  ~RunDriver() {
    StopThreads();
    CloseShared();
  }

  absl::Status Plan(const Scenario& scenario);
  absl::Status OpenShared();
  void CloseShared() { CloseHandles(state_->backend, state_->shared_handles); }
  void StartThreads();
  absl::Status RunRounds(const std::vector<TreeEntry>& tree, bool rebuild,
                         uint64_t rounds,
                         absl::FunctionRef<bool(const RoundTrace&)> observer);

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

absl::Status RunDriver::Plan(const Scenario& scenario) {
  RunState& state = *state_;
  scenario_ = &scenario;
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
    state.barriers[id] = std::make_unique<SpinBarrier>(count);
  }

  state.trace.records.resize(scenario.threads.size());
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
      planned.spin_ns = op.spin_ns;
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
    state.trace.records[t].resize(ops.size());
    state.workers.push_back(std::move(worker));
  }
  return absl::OkStatus();
}

absl::Status RunDriver::OpenShared() {
  RunState& state = *state_;
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
          state.abort.store(true);
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
    const std::vector<TreeEntry>& tree, bool rebuild, uint64_t rounds,
    absl::FunctionRef<bool(const RoundTrace&)> observer) {
  RunState& state = *state_;
  const uint64_t workers = state.workers.size();
  for (uint64_t round = 0; round < rounds; ++round) {
    if (round > 0 && rebuild) {
      CloseShared();
      if (absl::Status s = sandbox_.Build(tree); !s.ok()) return s;
      if (absl::Status s = OpenShared(); !s.ok()) return s;
    }
    state.round_hang.store(false, std::memory_order_relaxed);
    state.release_ns = MonotonicNanos();
    state.epoch.store(round + 1, std::memory_order_release);
    WakeAllWaiters(state.epoch);
    SpinUntil([&] {
      return state.finished.load(std::memory_order_acquire) == workers * (round + 1) ||
             state.abort.load(std::memory_order_acquire);
    });
    if (state.abort.load(std::memory_order_acquire)) {
      absl::MutexLock lock(&mu_);
      return absl::DeadlineExceededError(abandoned_);
    }
    state.trace.round = round;
    state.trace.hang = state.round_hang.load(std::memory_order_relaxed);
    // The machine said no (outcome.h): the run stops, and the round never
    // reaches the observer, so the oracle never judges it.
    if (absl::Status s = EnvironmentFailure(state.trace); !s.ok()) return s;
    if (!observer(state.trace) || InterruptRequested()) break;
  }
  return absl::OkStatus();
}

void RunDriver::StopThreads() {
  RunState& state = *state_;
  state.stop.store(true, std::memory_order_relaxed);
  state.epoch.fetch_add(1, std::memory_order_release);
  WakeAllWaiters(state.epoch);
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
  if (absl::Status s = driver.Plan(scenario); !s.ok()) return s;
  if (absl::Status s = sandbox.Build(scenario.tree); !s.ok()) return s;
  if (absl::Status s = driver.OpenShared(); !s.ok()) return s;
  driver.StartThreads();
  return driver.RunRounds(scenario.tree, MutatesTree(scenario), rounds, observer);
}

}  // namespace openrace
