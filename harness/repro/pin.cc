// pin.cc — see pin.h.

#include "harness/repro/pin.h"

#include <algorithm>
#include <cstdint>
#include <map>

#include "absl/strings/str_cat.h"
#include "absl/types/optional.h"
#include "harness/scenario/scenario_text.h"
#include "harness/scenario/validate.h"

namespace openrace {
namespace {

enum class Relation { kBefore, kAfter, kWith };

// An ordering to pin, between two calls of the barrier-free scenario
// (threads[t].ops without barriers, indexed by k). kBefore: a ends before b
// starts. kWith: a and b are released together.
struct Pin {
  Relation relation;  // kAfter is stored as kBefore with F as `a`
  size_t ta, a, tb, b;
  int64_t time;  // when, in the traces, the barrier's threads meet
};

// The calls of each thread without its barriers: their indices in the
// input scenario.
using Calls = std::vector<std::vector<size_t>>;

bool Usable(const RoundTrace& trace, const Scenario& s, OpRef f) {
  if (trace.records.size() != s.threads.size()) return false;
  for (size_t t = 0; t < s.threads.size(); ++t) {
    if (trace.records[t].size() != s.threads[t].ops.size()) return false;
  }
  return trace.records[f.thread][f.op].ran;
}

// Happens-before between the calls of the barrier-free scenario under
// program order and `pins`, skipping pin `skip`.
class Order {
 public:
  Order(const Calls& calls, const std::vector<Pin>& pins,
        const std::vector<bool>& kept, size_t skip)
  {
    for (size_t t = 0; t < calls.size(); ++t) {
      first_.push_back(nodes_);
      nodes_ += calls[t].size();
    }
    edges_.resize(nodes_);
    for (size_t t = 0; t < calls.size(); ++t) {
      for (size_t k = 0; k + 1 < calls[t].size(); ++k) {
        edges_[Node(t, k)].push_back(Node(t, k + 1));
      }
    }
    for (size_t p = 0; p < pins.size(); ++p) {
      if (!kept[p] || p == skip) continue;
      const Pin& pin = pins[p];
      if (pin.relation == Relation::kBefore) {
        edges_[Node(pin.ta, pin.a)].push_back(Node(pin.tb, pin.b));
      } else {  // released together: what precedes one precedes the other
        if (pin.a > 0) edges_[Node(pin.ta, pin.a - 1)].push_back(Node(pin.tb, pin.b));
        if (pin.b > 0) edges_[Node(pin.tb, pin.b - 1)].push_back(Node(pin.ta, pin.a));
      }
    }
  }

  // True when call (ta, a) ends before call (tb, b) starts.
  bool Ordered(size_t ta, size_t a, size_t tb, size_t b) const {
    std::vector<bool> seen(nodes_, false);
    std::vector<size_t> stack = {Node(ta, a)};
    const size_t goal = Node(tb, b);
    while (!stack.empty()) {
      const size_t n = stack.back();
      stack.pop_back();
      for (size_t next : edges_[n]) {
        if (next == goal) return true;
        if (!seen[next]) {
          seen[next] = true;
          stack.push_back(next);
        }
      }
    }
    return false;
  }

 private:
  size_t Node(size_t t, size_t k) const { return first_[t] + k; }
  std::vector<size_t> first_;
  size_t nodes_ = 0;
  std::vector<std::vector<size_t>> edges_;
};

// True when `pin` orders nothing that program order and the other kept
// pins do not already order.
bool Redundant(const Calls& calls, const std::vector<Pin>& pins,
               const std::vector<bool>& kept, size_t p) {
  const Pin& pin = pins[p];
  if (pin.relation == Relation::kWith) {
    // The round's start releases every thread's first call together.
    return pin.a == 0 && pin.b == 0;
  }
  return Order(calls, pins, kept, p).Ordered(pin.ta, pin.a, pin.tb, pin.b);
}

struct Built {
  Scenario scenario;
  // Where each call of the barrier-free scenario ended up: [t][k] -> op.
  std::vector<std::vector<size_t>> index;
};

// The input's calls with one barrier per kept pin, numbered from 1 in the
// order the threads name them.
Built Build(const Scenario& input, const Calls& calls,
            const std::vector<Pin>& pins, const std::vector<bool>& kept) {
  // gaps[t][g]: the pins whose barrier thread t waits at before call g
  // (g == calls[t].size(): after its last call).
  std::vector<std::vector<std::vector<size_t>>> gaps(calls.size());
  for (size_t t = 0; t < calls.size(); ++t) gaps[t].resize(calls[t].size() + 1);
  for (size_t p = 0; p < pins.size(); ++p) {
    if (!kept[p]) continue;
    const Pin& pin = pins[p];
    const bool before = pin.relation == Relation::kBefore;
    gaps[pin.ta][before ? pin.a + 1 : pin.a].push_back(p);
    gaps[pin.tb][pin.b].push_back(p);
  }
  Built built;
  built.scenario = input;
  built.index.resize(calls.size());
  std::map<size_t, uint32_t> ids;  // pin -> barrier id
  for (size_t t = 0; t < calls.size(); ++t) {
    std::vector<Op>& ops = built.scenario.threads[t].ops;
    ops.clear();
    for (size_t g = 0; g <= calls[t].size(); ++g) {
      std::vector<size_t>& here = gaps[t][g];
      std::sort(here.begin(), here.end(), [&](size_t x, size_t y) {
        return std::make_pair(pins[x].time, x) < std::make_pair(pins[y].time, y);
      });
      for (size_t p : here) {
        auto [it, inserted] = ids.try_emplace(p, static_cast<uint32_t>(ids.size() + 1));
        Op barrier;
        barrier.kind = OpKind::kBarrier;
        barrier.barrier = it->second;
        ops.push_back(barrier);
      }
      if (g < calls[t].size()) {
        built.index[t].push_back(ops.size());
        ops.push_back(input.threads[t].ops[calls[t][g]]);
      }
    }
  }
  return built;
}

std::string Name(const Scenario& s, size_t t, size_t op) {
  return absl::StrCat("thread ", t + 1, " op ", op + 1, " (",
                      PrintOp(s.threads[t].ops[op]), ")");
}

}  // namespace

PinResult PinInterleaving(const Scenario& scenario, OpRef failing,
                          absl::Span<const RoundTrace> traces) {
  PinResult result;
  result.scenario = scenario;
  result.failing = failing;
  if (failing.thread >= scenario.threads.size() ||
      failing.op >= scenario.threads[failing.thread].ops.size()) {
    return result;
  }
  std::vector<const RoundTrace*> usable;
  for (const RoundTrace& trace : traces) {
    if (Usable(trace, scenario, failing)) usable.push_back(&trace);
  }
  if (usable.empty()) return result;

  Calls calls(scenario.threads.size());
  size_t f = 0;  // the failing call among its thread's calls
  for (size_t t = 0; t < scenario.threads.size(); ++t) {
    for (size_t i = 0; i < scenario.threads[t].ops.size(); ++i) {
      if (scenario.threads[t].ops[i].kind == OpKind::kBarrier) continue;
      if (t == failing.thread && i == failing.op) f = calls[t].size();
      calls[t].push_back(i);
    }
  }
  const size_t tf = failing.thread;

  // 1. The relations the failing rounds show, and 2. their pins: the
  // calls that must end first, then those that must wait, then overlaps.
  std::vector<Pin> before, after, with;
  for (size_t t = 0; t < calls.size(); ++t) {
    if (t == tf) continue;
    for (size_t k = 0; k < calls[t].size(); ++k) {
      const size_t i = calls[t][k];
      // How often each relation shows. A call's recorded end comes after
      // its effect (the descriptor exists before the clock is read), so a
      // round may show "with" where the order was "before": an order is
      // one the failure needs when most failing rounds show it (3 in 4)
      // and none shows the opposite one. "with" must show in every round.
      // On a loaded machine a thread is often preempted between its
      // effect and its clock read, and the lag covers the other call:
      // then an overlap in which the call of that order started first
      // counts for the order too, once at least one round shows the order
      // itself (a need for an overlap never shows a strict order).
      size_t counts[3] = {0, 0, 0};
      size_t with_x_first = 0;  // overlapping rounds where X started first
      bool ran = true;
      for (const RoundTrace* trace : usable) {
        const OpRecord& x = trace->records[t][i];
        const OpRecord& y = trace->records[tf][failing.op];
        if (!x.ran) {
          ran = false;
          break;
        }
        const Relation r = x.end_ns <= y.start_ns   ? Relation::kBefore
                           : y.end_ns <= x.start_ns ? Relation::kAfter
                                                    : Relation::kWith;
        ++counts[static_cast<int>(r)];
        if (r == Relation::kWith && x.start_ns < y.start_ns) ++with_x_first;
      }
      if (!ran) continue;
      const size_t n = usable.size();
      const size_t before_n = counts[static_cast<int>(Relation::kBefore)];
      const size_t after_n = counts[static_cast<int>(Relation::kAfter)];
      const size_t with_n = counts[static_cast<int>(Relation::kWith)];
      absl::optional<Relation> common;
      if (before_n * 4 >= n * 3 && after_n == 0) {
        common = Relation::kBefore;
      } else if (after_n * 4 >= n * 3 && before_n == 0) {
        common = Relation::kAfter;
      } else if (with_n == n) {
        common = Relation::kWith;
      } else if (before_n > 0 && after_n == 0 &&
                 (before_n + with_x_first) * 4 >= n * 3) {
        common = Relation::kBefore;  // lagged ends hid some of the order
      } else if (after_n > 0 && before_n == 0 &&
                 (after_n + with_n - with_x_first) * 4 >= n * 3) {
        common = Relation::kAfter;
      }
      if (!common) continue;
      const OpRecord& x = usable.front()->records[t][i];
      const OpRecord& y = usable.front()->records[tf][failing.op];
      switch (*common) {
        case Relation::kBefore:
          before.push_back({Relation::kBefore, t, k, tf, f, x.end_ns});
          break;
        case Relation::kAfter:
          after.push_back({Relation::kBefore, tf, f, t, k, y.end_ns});
          break;
        case Relation::kWith:
          with.push_back({Relation::kWith, t, k, tf, f,
                          std::min(x.start_ns, y.start_ns)});
          break;
      }
    }
  }
  std::vector<Pin> pins = before;
  pins.insert(pins.end(), after.begin(), after.end());
  pins.insert(pins.end(), with.begin(), with.end());

  // 3. Drop the pins that order nothing (one at a time: two pins may each
  // imply the other only while both are there), then 4. those that would
  // deadlock.
  std::vector<bool> kept(pins.size(), true);
  for (size_t p = 0; p < pins.size(); ++p) {
    if (Redundant(calls, pins, kept, p)) kept[p] = false;
  }
  std::vector<bool> placed(pins.size(), false);
  for (size_t p = 0; p < pins.size(); ++p) {
    if (!kept[p]) continue;
    placed[p] = true;
    if (!ValidateScenario(Build(scenario, calls, pins, placed).scenario).ok()) {
      placed[p] = false;
    }
  }
  Built built = Build(scenario, calls, pins, placed);
  if (!ValidateScenario(built.scenario).ok()) return result;  // not expected

  result.scenario = std::move(built.scenario);
  result.failing = OpRef{tf, built.index[tf][f]};
  for (size_t p = 0; p < pins.size(); ++p) {
    if (!placed[p]) continue;
    const Pin& pin = pins[p];
    const std::string a = Name(result.scenario, pin.ta, built.index[pin.ta][pin.a]);
    const std::string b = Name(result.scenario, pin.tb, built.index[pin.tb][pin.b]);
    result.orderings.push_back(
        pin.relation == Relation::kBefore
            ? absl::StrCat(a, " ends before ", b, " starts")
            : absl::StrCat(a, " starts together with ", b));
  }
  result.changed = !(result.scenario == scenario);
  return result;
}

}  // namespace openrace
