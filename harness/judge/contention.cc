// contention.cc — see contention.h.

#include "harness/judge/contention.h"

#include <algorithm>
#include <string>
#include <vector>

#include "absl/strings/str_join.h"
#include "harness/scenario/validate.h"
#include "harness/scenario/variations.h"

namespace openrace {
namespace {

struct Target {
  OpRef at;
  std::string path;    // resolved, '/'-joined
  std::string parent;  // its parent directory, the same way
  bool holds = false;
  size_t close_op = 0;
};

}  // namespace

ContentionMeter::ContentionMeter(const Scenario& scenario) {
  const HandleTargets handles = HandleTargetsOf(scenario);
  std::vector<Target> targets;
  for (size_t t = 0; t < scenario.threads.size(); ++t) {
    const std::vector<Op>& ops = scenario.threads[t].ops;
    for (size_t i = 0; i < ops.size(); ++i) {
      const Op& op = ops[i];
      if (!IsCall(op.kind)) continue;
      absl::StatusOr<Components> resolved = ResolvePath(op.path, handles);
      if (!resolved.ok()) continue;
      Target target;
      target.at = OpRef{t, i};
      target.path = absl::StrJoin(*resolved, "/");
      if (!resolved->empty()) resolved->pop_back();
      target.parent = absl::StrJoin(*resolved, "/");
      if (op.kind == OpKind::kOpen && !op.result.empty()) {
        target.holds = true;
        target.close_op = ops.size();  // closed at the end of the round
        for (size_t j = i + 1; j < ops.size(); ++j) {
          if (ops[j].kind == OpKind::kClose && ops[j].handle == op.result) {
            target.close_op = j;
            break;
          }
        }
      }
      targets.push_back(std::move(target));
    }
  }
  for (const Target& call : targets) {
    for (const Target& other : targets) {
      if (other.at.thread == call.at.thread) continue;
      const bool same = other.path == call.path;
      if (!same && other.parent != call.parent) continue;
      pairs_.push_back(Pair{call.at, other.at, same, other.holds && same,
                            other.close_op});
    }
  }
}

uint64_t ContentionMeter::Count(const RoundTrace& trace) const {
  const auto record = [&](OpRef ref) -> const OpRecord* {
    if (ref.thread >= trace.records.size() ||
        ref.op >= trace.records[ref.thread].size()) {
      return nullptr;
    }
    return &trace.records[ref.thread][ref.op];
  };
  uint64_t count = 0;
  for (size_t i = 0; i < pairs_.size();) {
    const OpRef call = pairs_[i].call;
    bool contends = false;
    const OpRecord* c = record(call);
    for (; i < pairs_.size() && pairs_[i].call == call; ++i) {
      if (contends || c == nullptr || !c->ran) continue;
      const Pair& pair = pairs_[i];
      const OpRecord* o = record(pair.other);
      if (o == nullptr || !o->ran) continue;
      const int64_t c_end = c->retry ? c->retry_end_ns : c->end_ns;
      // Two calls that run at the same time.
      if (o->start_ns < c_end && c->start_ns < o->end_ns) contends = true;
      // A handle of the other thread live while the call runs.
      if (pair.holds && o->outcome.ok() && o->end_ns <= c_end) {
        const OpRecord* close = record(OpRef{pair.other.thread, pair.close_op});
        const bool live = close == nullptr || !close->ran ||
                          close->start_ns >= c->start_ns;
        contends |= live;
      }
    }
    count += contends ? 1 : 0;
  }
  return count;
}

}  // namespace openrace
