// linearize.cc — the search of linearize.h.
//
// Shape: Linearize -> Search::Dfs, which at each node places one of the
// calls that may come next (started before every unplaced call ended, its
// thread's previous call placed) and recurses; (placed set, model state)
// pairs already explored are skipped. One reduction keeps common histories
// linear: a call that gets its status and changes nothing (a stat, a plain
// open, a failure) is placed at once without trying the others first —
// if any order completes the history, the order with it moved forward does
// too, since its move changes no state any other call sees and real time
// allows it there. (Not a success that may create, remove, move or bind:
// what it does depends on where it is placed.)

#include "harness/judge/linearize.h"

#include <algorithm>
#include <initializer_list>
#include <limits>
#include <utility>

#include "absl/container/flat_hash_set.h"
#include "absl/types/optional.h"

namespace openrace {

EndState::EndState(const FsModel& model,
                   const absl::flat_hash_set<std::string>& places,
                   absl::Span<const TreeEntry> listing)
    : model_(model), places_(places) {
  for (const TreeEntry& e : listing) {
    if (Covered(e.path)) observed_.push_back(e);
  }
}

bool EndState::Covered(absl::string_view path) const {
  // At or below a place: the path, or one of its prefixes, is one.
  for (size_t slash = path.find('/'); slash != absl::string_view::npos;
       slash = path.find('/', slash + 1)) {
    if (places_.contains(path.substr(0, slash))) return true;
  }
  return places_.contains(path);
}

bool EndState::Matches(const FsState& state) const {
  if (state.lost) return true;
  size_t k = 0;
  for (const TreeEntry& e : model_.Tree(state)) {
    if (!Covered(e.path)) continue;
    if (k == observed_.size() || !(observed_[k] == e)) return false;
    ++k;
  }
  return k == observed_.size();
}

namespace {

// What a call that succeeded did: the model's effect, or, where the model
// cannot compute it, a lost state.
void ApplySuccess(const Prediction& p, FsState* state) {
  if (p.effect_unknown) {
    FsModel::Lose(state);
  } else {
    FsModel::Apply(p.effect, state);
  }
}

// The states that may follow placing `c` in `s` (at most two), or none when
// `c` cannot come here. `*why` says why the call went unjudged, if it did.
int Step(const FsModel& model, const HistoryCall& c, const FsState& s,
         FsState* out, Unjudged* why) {
  *why = Unjudged::kNone;
  if (c.mode == CallMode::kIgnored) {
    out[0] = s;
    return 1;
  }
  const Prediction p = model.Predict(s, *c.op, c.new_id);
  const bool ok = c.status == StatusClass::kOk;
  const bool predicted = p.unknown == Unjudged::kNone;
  if (c.mode == CallMode::kOptional) {
    // It did nothing yet, or what the model says (its status is not
    // judged). A handle it names whose open lies outside the prefix too
    // was not open yet; any other effect the model cannot compute loses
    // the state, which explains the prefix.
    out[0] = s;
    if (p.unknown == Unjudged::kUnboundHandle) return 1;
    if ((predicted || p.exact_if_status) && p.status != StatusClass::kOk) {
      return 1;
    }
    out[1] = s;
    ApplySuccess(p, &out[1]);
    return 2;
  }
  if (c.mode == CallMode::kRelaxed) {
    // It did nothing (a handle it names may be open all the same: calls
    // through it are then unknown), or what the model says it does.
    out[0] = s;
    if (c.op->result_slot >= 0) out[0].handles[c.op->result_slot] = kUnknownInode;
    if (predicted && p.status != StatusClass::kOk) return 1;
    out[1] = s;
    ApplySuccess(p, &out[1]);
    return 2;
  }
  if (predicted || (p.exact_if_status && p.status == c.status)) {
    if (p.status != c.status) return 0;
    out[0] = s;
    if (ok) FsModel::Apply(p.effect, &out[0]);
    return 1;
  }
  *why = p.unknown;
  out[0] = s;
  if (ok ? p.effect_unknown : p.failure_effect_unknown) {
    FsModel::Lose(&out[0]);
  } else if (ok) {
    FsModel::Apply(p.effect, &out[0]);
  }
  return 1;
}

// A call that changes no state in any order: a failure (which never
// changes the namespace), or a success that only reads (a stat, an open
// that neither creates nor keeps its handle).
bool Inert(const HistoryCall& c) {
  if (c.mode == CallMode::kIgnored) return true;
  if (c.mode != CallMode::kExact) return false;
  if (c.status != StatusClass::kOk) return true;
  return !c.op->mutates && c.op->result_slot < 0;
}

struct Key {
  std::vector<uint64_t> placed;
  FsState state;
  friend bool operator==(const Key&, const Key&) = default;
  template <typename H>
  friend H AbslHashValue(H h, const Key& k) {
    return H::combine(std::move(h), k.placed, k.state);
  }
};

class Search {
 public:
  Search(const FsModel& model, absl::Span<const HistoryCall> calls,
         uint64_t budget, const EndState* end)
      : model_(model), calls_(calls), end_(end),
        budget_(budget * kCallsPerNode),
        placed_((calls.size() + 63) / 64, 0) {
    by_start_.resize(calls.size());
    for (uint32_t i = 0; i < calls.size(); ++i) by_start_[i] = i;
    std::stable_sort(by_start_.begin(), by_start_.end(),
                     [&](uint32_t a, uint32_t b) {
                       return calls_[a].start < calls_[b].start;
                     });
  }

  SearchResult Run() {
    SearchResult result;
    if (calls_.size() > kMaxSearchCalls) {
      // Deeper than the search may recurse: unjudged, like a spent budget.
      result.kind = SearchResult::Kind::kBudget;
      return result;
    }
    if (Dfs(model_.initial(), calls_.size())) {
      result.kind = SearchResult::Kind::kLinearizable;
      result.order = order_;
      result.branches = branches_;
    } else {
      result.kind = bounded_ ? SearchResult::Kind::kBudget
                             : SearchResult::Kind::kNotLinearizable;
    }
    result.nodes = nodes_;
    return result;
  }

 private:
  bool Placed(uint32_t i) const { return (placed_[i / 64] >> (i % 64)) & 1; }
  void Set(uint32_t i) { placed_[i / 64] |= uint64_t{1} << (i % 64); }
  void Clear(uint32_t i) { placed_[i / 64] &= ~(uint64_t{1} << (i % 64)); }

  bool Dfs(const FsState& s, size_t remaining) {
    if (remaining == 0) return end_ == nullptr || end_->Matches(s);
    if (work_ >= budget_) {
      bounded_ = true;
      return false;
    }
    ++nodes_;
    // A node scans every call: in a history longer than kCallsPerNode it
    // costs as many nodes' budget as it does time.
    work_ += std::max<uint64_t>(calls_.size(), kCallsPerNode);
    int64_t min_end = std::numeric_limits<int64_t>::max();
    for (uint32_t i = 0; i < calls_.size(); ++i) {
      if (!Placed(i)) min_end = std::min(min_end, calls_[i].end);
    }
    // The calls that may come next, in order of their start.
    candidates_.clear();
    for (uint32_t i : by_start_) {
      if (Placed(i)) continue;
      if (calls_[i].start > min_end) break;
      const int32_t prev = calls_[i].previous;
      if (prev >= 0 && !Placed(static_cast<uint32_t>(prev))) continue;
      candidates_.push_back(i);
    }
    const std::vector<uint32_t> candidates = candidates_;
    FsState next[2];
    Unjudged why;
    // The reduction: a call that fits and changes nothing, wherever it is
    // placed, goes first.
    for (uint32_t i : candidates) {
      if (!Inert(calls_[i])) continue;
      if (Step(model_, calls_[i], s, next, &why) == 1 && next[0] == s) {
        Set(i);
        order_.push_back(i);
        branches_.push_back(0);
        if (Dfs(s, remaining - 1)) return true;
        order_.pop_back();
        branches_.pop_back();
        Clear(i);
        return false;
      }
    }
    for (uint32_t i : candidates) {
      const int n = Step(model_, calls_[i], s, next, &why);
      for (int b = 0; b < n; ++b) {
        Set(i);
        if (visited_.insert(Key{placed_, next[b]}).second) {
          order_.push_back(i);
          branches_.push_back(static_cast<uint8_t>(b));
          if (Dfs(next[b], remaining - 1)) return true;
          order_.pop_back();
          branches_.pop_back();
        }
        Clear(i);
        if (bounded_) return false;
      }
    }
    return false;
  }

  const FsModel& model_;
  absl::Span<const HistoryCall> calls_;
  const EndState* end_;
  const uint64_t budget_;
  std::vector<uint64_t> placed_;
  std::vector<uint32_t> by_start_;
  std::vector<uint32_t> candidates_;
  std::vector<uint32_t> order_;
  std::vector<uint8_t> branches_;
  absl::flat_hash_set<Key> visited_;
  uint64_t nodes_ = 0;
  uint64_t work_ = 0;  // calls scanned, in nodes of kCallsPerNode
  bool bounded_ = false;
};

}  // namespace

SearchResult Linearize(const FsModel& model,
                       absl::Span<const HistoryCall> calls,
                       uint64_t node_budget, const EndState* end) {
  return Search(model, calls, node_budget, end).Run();
}

bool RespectsRealTime(absl::Span<const HistoryCall> calls,
                      absl::Span<const uint32_t> order) {
  if (order.size() != calls.size()) return false;
  int64_t latest_start = std::numeric_limits<int64_t>::min();
  for (uint32_t i : order) {
    if (i >= calls.size() || calls[i].end < latest_start) return false;
    latest_start = std::max(latest_start, calls[i].start);
  }
  return true;
}

bool Replay(const FsModel& model, absl::Span<const HistoryCall> calls,
            absl::Span<const uint32_t> order,
            absl::Span<const uint8_t> branches,
            std::vector<Unjudged>* unjudged, FsState* final) {
  unjudged->assign(calls.size(), Unjudged::kNone);
  FsState& s = *final;
  s = model.initial();
  FsState next[2];
  for (size_t k = 0; k < order.size(); ++k) {
    const uint32_t i = order[k];
    const int n = Step(model, calls[i], s, next, &(*unjudged)[i]);
    const int b = k < branches.size() ? branches[k] : 0;
    if (b >= n) return false;
    s = std::move(next[b]);
  }
  return true;
}

namespace {

// FindCulprits' search of one history, described in linearize.h.
Culprits FindCulpritsIn(const FsModel& model,
                        absl::Span<const HistoryCall> calls,
                        uint64_t node_budget, const EndState* end);

// The history up to `horizon`: the calls that started by then as they are;
// the calls that may change the state and started later, but before one
// of them ended, are optional (they may have come first, with their
// effect, whatever status they got: a failure there may be the anomaly);
// the rest are ignored. A thread's earlier calls start earlier, so every
// kept call's `previous` is kept too, and no kept call names a handle
// that a later one opens.
std::vector<HistoryCall> Prefix(absl::Span<const HistoryCall> calls,
                                int64_t horizon) {
  int64_t reach = std::numeric_limits<int64_t>::min();
  for (const HistoryCall& c : calls) {
    if (c.start <= horizon) reach = std::max(reach, c.end);
  }
  std::vector<HistoryCall> prefix(calls.begin(), calls.end());
  for (HistoryCall& c : prefix) {
    if (c.start <= horizon || c.mode == CallMode::kIgnored) continue;
    c.mode = c.start < reach && c.op->mutates ? CallMode::kOptional
                                              : CallMode::kIgnored;
  }
  return prefix;
}

// The shortest prefix by start time (Prefix) that is not linearizable,
// found by bisection between the empty history (linearizable) and the
// whole one (not): where a round shows two anomalies, the culprits of the
// first are looked for there, not a call whose relaxation loses the state
// both depend on (a handle's open: every call through it then is unknown).
// A prefix whose search runs out of budget counts as not linearizable;
// FindCulprits then falls back on the whole history. Returns nullopt when
// the shortest such prefix is the whole history (prefixes are never held
// to the end state: only the whole history ends there).
absl::optional<std::vector<HistoryCall>> EarliestAnomaly(
    const FsModel& model, absl::Span<const HistoryCall> calls,
    uint64_t node_budget, uint64_t* nodes) {
  std::vector<int64_t> starts;
  for (const HistoryCall& c : calls) starts.push_back(c.start);
  std::sort(starts.begin(), starts.end());
  starts.erase(std::unique(starts.begin(), starts.end()), starts.end());
  // starts[hi] ends a prefix that is not linearizable; a prefix that ends
  // before starts[lo] is (lo == 0: the empty one).
  size_t lo = 0, hi = starts.empty() ? 0 : starts.size() - 1;
  while (lo < hi) {
    const size_t mid = lo + (hi - lo) / 2;
    const SearchResult r =
        Linearize(model, Prefix(calls, starts[mid]), node_budget);
    *nodes += r.nodes;
    if (r.kind == SearchResult::Kind::kLinearizable) {
      lo = mid + 1;
    } else {
      hi = mid;
    }
  }
  if (starts.empty() || hi + 1 == starts.size()) return absl::nullopt;
  return Prefix(calls, starts[hi]);
}

}  // namespace

Culprits FindCulprits(const FsModel& model,
                      absl::Span<const HistoryCall> calls,
                      uint64_t node_budget, const EndState* end) {
  uint64_t nodes = 0;
  const absl::optional<std::vector<HistoryCall>> prefix =
      EarliestAnomaly(model, calls, node_budget, &nodes);
  Culprits result;
  if (prefix) result = FindCulpritsIn(model, *prefix, node_budget, nullptr);
  if (result.calls.empty()) {
    result = FindCulpritsIn(model, calls, node_budget, end);
  }
  result.nodes += nodes;
  return result;
}

namespace {

Culprits FindCulpritsIn(const FsModel& model,
                        absl::Span<const HistoryCall> calls,
                        uint64_t node_budget, const EndState* end) {
  Culprits result;
  // Operations: a try and its retry (which comes right after it).
  struct Unit {
    uint32_t first;
    int32_t retry = -1;
    bool failed;
  };
  std::vector<Unit> units;
  for (uint32_t i = 0; i < calls.size(); ++i) {
    if (calls[i].mode != CallMode::kExact) continue;
    if (calls[i].retry && !units.empty() &&
        static_cast<int32_t>(units.back().first) == calls[i].previous) {
      units.back().retry = static_cast<int32_t>(i);
      continue;
    }
    units.push_back({i, -1, calls[i].status != StatusClass::kOk});
  }
  std::stable_sort(units.begin(), units.end(), [&](const Unit& a, const Unit& b) {
    if (a.failed != b.failed) return a.failed;
    return calls[a.first].start > calls[b.first].start;
  });
  std::vector<HistoryCall> relaxed(calls.begin(), calls.end());
  const uint64_t total_budget = 16 * node_budget;
  auto explains = [&](std::initializer_list<const Unit*> set, bool firsts,
                      bool retries) {
    for (const Unit* u : set) {
      if (firsts) relaxed[u->first].mode = CallMode::kRelaxed;
      if (retries && u->retry >= 0) relaxed[u->retry].mode = CallMode::kRelaxed;
    }
    const SearchResult r = Linearize(model, relaxed, node_budget, end);
    for (const Unit* u : set) {
      relaxed[u->first].mode = calls[u->first].mode;
      if (u->retry >= 0) relaxed[u->retry].mode = calls[u->retry].mode;
    }
    result.nodes += r.nodes;
    if (r.kind == SearchResult::Kind::kBudget) result.bounded = true;
    return r.kind == SearchResult::Kind::kLinearizable;
  };
  // The call of an explaining unit to name.
  auto name = [&](const Unit& u) {
    if (u.retry < 0 || explains({&u}, true, false)) return u.first;
    if (explains({&u}, false, true)) return static_cast<uint32_t>(u.retry);
    return u.first;
  };
  for (const Unit& u : units) {
    if (result.nodes >= total_budget) {
      result.bounded = true;
      return result;
    }
    if (explains({&u}, true, true)) {
      result.calls = {name(u)};
      result.bounded = false;
      return result;
    }
  }
  if (units.size() > 32) return result;
  for (size_t a = 0; a < units.size(); ++a) {
    for (size_t b = a + 1; b < units.size(); ++b) {
      if (result.nodes >= total_budget) {
        result.bounded = true;
        return result;
      }
      if (explains({&units[a], &units[b]}, true, true)) {
        result.calls = {units[a].first, units[b].first};
        result.bounded = false;
        return result;
      }
    }
  }
  return result;
}

}  // namespace

}  // namespace openrace
