// round_ends.cc — the interleavings of round_ends.h, searched depth first.
//
// A node is where each thread is (its next operation, and whether that
// call is its retry), the model's state and the answers so far; nodes
// already seen are skipped, so interleavings that reach one node by
// different ways are followed once.

#include "harness/judge/round_ends.h"

#include <algorithm>
#include <utility>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "harness/judge/fs_model.h"
#include "harness/run/outcome.h"

namespace openrace {
namespace {

struct Node {
  std::vector<size_t> next;     // per thread: its next operation
  std::vector<bool> retrying;   // per thread: the next call is a retry
  FsState state;
  std::vector<std::string> answers;  // per call, "" until it runs
  friend bool operator==(const Node&, const Node&) = default;
  template <typename H>
  friend H AbslHashValue(H h, const Node& n) {
    return H::combine(std::move(h), n.next, n.retrying, n.state, n.answers);
  }
};

class Enumeration {
 public:
  Enumeration(const Scenario& scenario, size_t max_nodes)
      : scenario_(scenario), model_(scenario), max_nodes_(max_nodes) {
    uint32_t flat = 0;
    for (const ThreadProgram& thread : scenario.threads) {
      index_.emplace_back(thread.ops.size(), 0);
      for (size_t i = 0; i < thread.ops.size(); ++i) {
        if (IsCall(thread.ops[i].kind)) index_.back()[i] = flat++;
      }
    }
    calls_ = flat;
  }

  absl::optional<std::vector<std::string>> Run() {
    Node start;
    start.next.assign(scenario_.threads.size(), 0);
    start.retrying.assign(scenario_.threads.size(), false);
    start.state = model_.initial();
    start.answers.assign(calls_, "");
    if (!Visit(std::move(start))) return absl::nullopt;
    std::vector<std::string> ends(ends_.begin(), ends_.end());
    std::sort(ends.begin(), ends.end());
    return ends;
  }

 private:
  bool Bound(const FsState& s, const ModelPath& p) const {
    return p.base != ModelPath::Base::kLocal || s.handles[p.slot] != kNoInode;
  }

  // False when the search must give up (budget, an unpredictable call).
  bool Visit(Node node) {
    if (++nodes_ > max_nodes_) return false;
    // Barriers and closes change nothing the model sees: step over them.
    for (size_t t = 0; t < node.next.size(); ++t) {
      const std::vector<Op>& ops = scenario_.threads[t].ops;
      while (node.next[t] < ops.size() && !IsCall(ops[node.next[t]].kind)) {
        ++node.next[t];
      }
    }
    if (!seen_.insert(node).second) return true;
    bool any = false;
    for (size_t t = 0; t < node.next.size(); ++t) {
      if (node.next[t] == scenario_.threads[t].ops.size()) continue;
      any = true;
      if (!Step(node, t)) return false;
    }
    if (!any) {
      std::vector<std::string> entries;
      for (const TreeEntry& e : model_.Tree(node.state)) {
        entries.push_back(absl::StrCat(
            e.kind == EntryKind::kDirectory ? "d " : "f ", e.path));
      }
      ends_.insert(absl::StrCat(absl::StrJoin(node.answers, ","), "|",
                                absl::StrJoin(entries, ",")));
    }
    return true;
  }

  // Thread t makes its next call.
  bool Step(const Node& node, size_t t) {
    const size_t i = node.next[t];
    const ModelOp& op = model_.op(t, i);
    const uint32_t flat = index_[t][i];
    const bool retry = node.retrying[t];
    Node after = node;
    std::string& answer = after.answers[flat];
    if (!Bound(node.state, op.path) ||
        (op.kind == OpKind::kRename && !Bound(node.state, op.to))) {
      // A descriptor of -1: the call fails with EBADF, and so does its
      // retry.
      answer = absl::StrCat(StatusClassName(StatusClass::kOther), "/",
                            StatusClassName(StatusClass::kOther));
      ++after.next[t];
      return Visit(std::move(after));
    }
    const Prediction p = model_.Predict(
        node.state, op, kFirstCreatedInode + 2 * flat + (retry ? 1 : 0));
    if (p.unknown != Unjudged::kNone && !p.exact_if_status) return false;
    if (p.status == StatusClass::kOk) FsModel::Apply(p.effect, &after.state);
    absl::StrAppend(&answer, retry ? "/" : "", StatusClassName(p.status));
    if (p.status != StatusClass::kOk && !retry) {
      after.retrying[t] = true;
    } else {
      after.retrying[t] = false;
      ++after.next[t];
    }
    return Visit(std::move(after));
  }

  const Scenario& scenario_;
  const FsModel model_;
  const size_t max_nodes_;
  std::vector<std::vector<uint32_t>> index_;  // [thread][op] -> call
  uint32_t calls_ = 0;
  size_t nodes_ = 0;
  absl::flat_hash_set<Node> seen_;
  absl::flat_hash_set<std::string> ends_;
};

}  // namespace

absl::optional<std::vector<std::string>> RoundEnds(const Scenario& scenario,
                                                   size_t max_nodes) {
  return Enumeration(scenario, max_nodes).Run();
}

}  // namespace openrace
