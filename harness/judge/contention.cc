// contention.cc — see contention.h.

#include "harness/judge/contention.h"

#include <algorithm>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
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
  // Each call's partners: the other threads' calls on the same entry, then
  // on its siblings, at most kMaxPartners of each, those nearest to it in
  // program order first (in a round, calls at about the same place in
  // their threads are the ones that meet). The pairs would otherwise grow
  // with the square of the calls (the generator's largest scenarios have
  // 131,000); the meter only steers how many rounds a scenario gets.
  absl::flat_hash_map<std::string, std::vector<size_t>> by_path, by_parent;
  for (size_t k = 0; k < targets.size(); ++k) {
    by_path[targets[k].path].push_back(k);
    by_parent[targets[k].parent].push_back(k);
  }
  const auto by_op = [&](size_t a, size_t b) {
    return targets[a].at.op < targets[b].at.op;
  };
  for (auto& [path, group] : by_path) std::stable_sort(group.begin(), group.end(), by_op);
  for (auto& [path, group] : by_parent) std::stable_sort(group.begin(), group.end(), by_op);
  for (const Target& call : targets) {
    const auto add = [&](const std::vector<size_t>& group, bool same) {
      // Outward from the call's place in the group, nearer side first.
      size_t hi = std::lower_bound(group.begin(), group.end(), call.at.op,
                                   [&](size_t k, size_t op) {
                                     return targets[k].at.op < op;
                                   }) -
                  group.begin();
      size_t lo = hi, partners = 0;
      // And at most kMaxScanned looked at: a sibling group may hold
      // thousands of calls of the same thread or on the same entry.
      for (size_t scanned = 0;
           partners < kMaxPartners && scanned < kMaxScanned &&
           (lo > 0 || hi < group.size());
           ++scanned) {
        const bool take_hi =
            lo == 0 || (hi < group.size() &&
                        targets[group[hi]].at.op - call.at.op <=
                            call.at.op - targets[group[lo - 1]].at.op);
        const Target& other = targets[take_hi ? group[hi++] : group[--lo]];
        if (other.at.thread == call.at.thread) continue;
        if (!same && other.path == call.path) continue;  // added already
        pairs_.push_back(Pair{call.at, other.at, same, other.holds && same,
                              other.close_op});
        ++partners;
      }
    };
    add(by_path[call.path], true);
    add(by_parent[call.parent], false);
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
