// oracle.cc — the exact judge (POSIX) and the signatures of oracle.h.
//
// ExactJudge, per round: hangs are findings at once; the calls that ran
// (and their retries) are split into the scenario's partitions — groups of
// operations whose paths are related, fixed when the oracle is made — and
// each partition's history is checked: first against the orders that
// explained earlier rounds with the same outcomes (an order that still
// respects this round's real time explains it too, since the model and the
// initial state do not change between rounds), else by a search. A history
// no order explains goes to FindCulprits; its culprits are the findings.

#include "harness/judge/oracle.h"

#include <algorithm>
#include <array>
#include <utility>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "harness/base/platform.h"
#include "harness/judge/fs_model.h"
#include "harness/judge/internal/judges.h"
#include "harness/judge/linearize.h"
#include "harness/scenario/validate.h"

namespace openrace {

absl::string_view VerdictName(Verdict verdict) {
  switch (verdict) {
    case Verdict::kUnexpected: return "unexpected";
    case Verdict::kTransient: return "transient";
    case Verdict::kDifferential: return "differential";
    case Verdict::kHang: return "hang";
    case Verdict::kLost: return "lost";
  }
  return "unknown";
}

namespace {

// The native code as a signature token: "EINVAL", "0xC000000D", "87".
std::string NativeToken(const Outcome& o) {
  std::string name = OutcomeName(o);  // "invalid_parameter(EINVAL)"
  size_t open = name.find('(');
  if (open == std::string::npos) return "0";
  std::string token = name.substr(open + 1, name.size() - open - 2);
  std::replace(token.begin(), token.end(), ' ', '_');
  return token;
}

}  // namespace

std::string Signature::ToString() const {
  return absl::StrCat(OpKindName(op), "-", StatusClassName(outcome.status),
                      "-", NativeToken(outcome), "-", VerdictName(verdict),
                      "-", AnchorName(anchor));
}

absl::optional<Signature> ParseSignature(absl::string_view text) {
  std::vector<std::string> parts = absl::StrSplit(text, '-');
  if (parts.size() != 5) return absl::nullopt;
  Signature sig;
  bool found = false;
  for (OpKind k : {OpKind::kOpen, OpKind::kMkdir, OpKind::kStat,
                   OpKind::kDelete, OpKind::kRename}) {
    if (OpKindName(k) == parts[0]) sig.op = k, found = true;
  }
  if (!found) return absl::nullopt;
  absl::optional<StatusClass> status = ParseStatusClass(parts[1]);
  if (!status) return absl::nullopt;
  sig.outcome.status = *status;
  // The native code, in the one spelling NativeToken gives it: "0" (no
  // code, as for a hang), "0x" and 8 hex digits (NTSTATUS), a decimal
  // number (Win32 error), an errno name, or "errno_N".
  const std::string& native = parts[2];
  uint32_t nt = 0;
  int64_t value = 0;
  if (native == "0") {
    sig.outcome.native = 0;
    sig.outcome.native_kind = NativeKind::kErrno;
  } else if (native.size() == 10 && absl::StartsWith(native, "0x") &&
             absl::SimpleHexAtoi(native.substr(2), &nt) && nt != 0) {
    sig.outcome.native = nt;
    sig.outcome.native_kind = NativeKind::kNtStatus;
  } else if (absl::SimpleAtoi(native, &value)) {
    sig.outcome.native = value;
    sig.outcome.native_kind = NativeKind::kWin32Error;
  } else {
    // An errno name: find the code whose name matches.
    bool matched = false;
    for (int e = 1; e < 4096 && !matched; ++e) {
      Outcome o{*status, e, NativeKind::kErrno};
      if (NativeToken(o) == native) sig.outcome = o, matched = true;
    }
    if (!matched) return absl::nullopt;
  }
  // Only the canonical spelling is accepted ("0x0000000d" or "087" are not).
  if (NativeToken(sig.outcome) != native) return absl::nullopt;
  found = false;
  for (Verdict v : {Verdict::kUnexpected, Verdict::kTransient,
                    Verdict::kDifferential, Verdict::kHang, Verdict::kLost}) {
    if (VerdictName(v) == parts[3]) sig.verdict = v, found = true;
  }
  if (!found) return absl::nullopt;
  found = false;
  for (Anchor a : {Anchor::kCwd, Anchor::kHandle, Anchor::kAbsolute,
                   Anchor::kWin32Device, Anchor::kNtObject}) {
    if (AnchorName(a) == parts[4]) sig.anchor = a, found = true;
  }
  if (!found) return absl::nullopt;
  return sig;
}

absl::string_view UnjudgedName(Unjudged reason) {
  switch (reason) {
    case Unjudged::kNone: return "";
    case Unjudged::kEnvironment: return "environment";
    case Unjudged::kHang: return "hang";
    case Unjudged::kDotDotFromRemoved: return "dotdot_from_removed";
    case Unjudged::kAboveRoot: return "above_root";
    case Unjudged::kUnboundHandle: return "unbound_handle";
    case Unjudged::kCreateDirectory: return "o_creat_o_directory";
    case Unjudged::kAfterLostState: return "after_lost_state";
    case Unjudged::kSearchBound: return "search_bound";
    case Unjudged::kNoSmallExplanation: return "no_small_explanation";
    case Unjudged::kWindowsRules: return "windows_rules";
  }
  return "unknown";
}

namespace internal {

Finding MakeFinding(const Scenario& scenario, const RoundTrace& trace,
                    size_t thread, size_t op, const Outcome& outcome,
                    Verdict verdict) {
  Finding finding;
  finding.thread = thread;
  finding.op = op;
  finding.round = trace.round;
  finding.signature.op = scenario.threads[thread].ops[op].kind;
  finding.signature.outcome = outcome;
  // No native code (a hang, a success) is the same whatever table it came
  // from.
  if (outcome.native == 0) {
    finding.signature.outcome.native_kind = NativeKind::kErrno;
  }
  finding.signature.anchor = scenario.threads[thread].ops[op].path.anchor;
  finding.signature.verdict = verdict;
  return finding;
}

namespace {

// The sandbox-relative places an operation's walk visits, lexically
// (joined with '/', the root left out): the anchor's directory, every
// directory and entry the components reach, for a rename both paths.
void AddPlaces(const Components& base, const Path& path,
               std::vector<std::string>* places) {
  Components cur = base;
  if (!cur.empty()) places->push_back(absl::StrJoin(cur, "/"));
  for (const std::string& c : path.components) {
    if (c == ".") continue;
    if (c == "..") {
      if (!cur.empty()) cur.pop_back();
    } else {
      cur.push_back(c);
    }
    if (!cur.empty()) places->push_back(absl::StrJoin(cur, "/"));
  }
}

class UnionFind {
 public:
  explicit UnionFind(size_t n) : parent_(n) {
    for (size_t i = 0; i < n; ++i) parent_[i] = i;
  }
  size_t Find(size_t x) {
    while (parent_[x] != x) x = parent_[x] = parent_[parent_[x]];
    return x;
  }
  void Union(size_t a, size_t b) { parent_[Find(a)] = Find(b); }

 private:
  std::vector<size_t> parent_;
};

// One call of a round's history: which operation, and whether it is the
// retry.
struct CallRef {
  uint32_t thread;
  uint32_t op;
  bool retry;
};

class ExactJudge final : public RoundJudge {
 public:
  ExactJudge(const Scenario& scenario, const OracleOptions& options);
  void Judge(const RoundTrace& trace, std::vector<Finding>* findings,
             JudgeStats* stats) override;

 private:
  // An order that explained a history, and what it left unjudged.
  struct Witness {
    std::vector<uint32_t> order;
    std::vector<uint8_t> branches;
    std::array<uint32_t, kUnjudgedCount> unjudged{};
    FsState final;  // where the order ends
  };
  struct Group {
    absl::flat_hash_set<std::string> places;  // EndState's
    std::vector<HistoryCall> calls;
    std::vector<CallRef> refs;
    std::string shape;  // which calls ran, with which statuses
    absl::flat_hash_map<std::string, std::vector<Witness>> witnesses;
  };

  void JudgeGroup(const RoundTrace& trace, Group& group, const EndState* end,
                  std::vector<Finding>* findings, JudgeStats* stats);

  const Scenario& scenario_;
  const OracleOptions options_;
  const FsModel model_;
  std::vector<std::vector<int32_t>> group_of_;  // [thread][op], -1: no call
  std::vector<std::vector<uint32_t>> index_of_;  // [thread][op]: flat index
  std::vector<Group> groups_;
};

ExactJudge::ExactJudge(const Scenario& scenario, const OracleOptions& options)
    : scenario_(scenario), options_(options), model_(scenario) {
  // Where each handle points, lexically, for the places of the calls
  // anchored on it (validation guarantees they resolve).
  std::vector<std::pair<std::string, Components>> shared;
  for (const SharedHandle& h : scenario.shared) {
    shared.push_back({h.name, ResolvePath(h.path, shared).value_or(Components{})});
  }
  auto base_of = [](const Path& path, const auto& handles) {
    if (path.anchor != Anchor::kHandle) return Components{};
    for (auto it = handles.rbegin(); it != handles.rend(); ++it) {
      if (it->first == path.handle) return it->second;
    }
    return Components{};
  };
  std::vector<std::vector<std::string>> places;  // by flat index
  uint32_t flat = 0;
  for (const ThreadProgram& thread : scenario.threads) {
    std::vector<std::pair<std::string, Components>> handles = shared;
    group_of_.emplace_back(thread.ops.size(), -1);
    index_of_.emplace_back(thread.ops.size(), 0);
    for (size_t i = 0; i < thread.ops.size(); ++i) {
      const Op& op = thread.ops[i];
      if (!IsCall(op.kind)) continue;
      index_of_.back()[i] = flat++;
      std::vector<std::string>& p = places.emplace_back();
      AddPlaces(base_of(op.path, handles), op.path, &p);
      if (op.kind == OpKind::kRename) {
        AddPlaces(base_of(op.to, handles), op.to, &p);
      }
      if (!op.result.empty()) {
        handles.push_back(
            {op.result, ResolvePath(op.path, handles).value_or(Components{})});
      }
    }
  }
  // Calls whose places are related (one a prefix of the other, by
  // components) share a partition; the root itself relates nothing, since
  // no call removes, renames or creates it.
  UnionFind sets(flat);
  absl::flat_hash_map<std::string, uint32_t> owner;
  for (uint32_t c = 0; c < flat; ++c) {
    for (const std::string& place : places[c]) {
      auto [it, inserted] = owner.emplace(place, c);
      if (!inserted) sets.Union(c, it->second);
    }
  }
  for (const auto& [place, c] : owner) {
    for (size_t slash = place.find('/'); slash != std::string::npos;
         slash = place.find('/', slash + 1)) {
      auto it = owner.find(place.substr(0, slash));
      if (it != owner.end()) sets.Union(c, it->second);
    }
  }
  absl::flat_hash_map<size_t, int32_t> group_ids;
  for (size_t t = 0; t < scenario.threads.size(); ++t) {
    for (size_t i = 0; i < scenario.threads[t].ops.size(); ++i) {
      if (!IsCall(scenario.threads[t].ops[i].kind)) continue;
      const size_t root = sets.Find(index_of_[t][i]);
      auto [it, inserted] =
          group_ids.emplace(root, static_cast<int32_t>(group_ids.size()));
      group_of_[t][i] = it->second;
    }
  }
  groups_.resize(group_ids.size());
  for (size_t t = 0; t < scenario.threads.size(); ++t) {
    for (size_t i = 0; i < scenario.threads[t].ops.size(); ++i) {
      if (group_of_[t][i] < 0) continue;
      for (const std::string& place : places[index_of_[t][i]]) {
        groups_[group_of_[t][i]].places.insert(place);
      }
    }
  }
}

void ExactJudge::Judge(const RoundTrace& trace, std::vector<Finding>* findings,
                       JudgeStats* stats) {
  ++stats->rounds;
  for (Group& g : groups_) {
    g.calls.clear();
    g.refs.clear();
    g.shape.clear();
  }
  std::vector<int32_t> last(groups_.size(), -1);
  for (size_t t = 0; t < trace.records.size(); ++t) {
    std::fill(last.begin(), last.end(), -1);
    for (size_t i = 0; i < trace.records[t].size(); ++i) {
      const OpRecord& r = trace.records[t][i];
      const int32_t g = group_of_[t][i];
      if (!r.ran || g < 0) continue;
      // A hang is a finding on its own; what the call did is unknown.
      if (r.outcome.status == StatusClass::kHang) {
        findings->push_back(
            MakeFinding(scenario_, trace, t, i, r.outcome, Verdict::kHang));
      }
      Group& group = groups_[g];
      const uint32_t flat = index_of_[t][i];
      auto add = [&](const Outcome& outcome, int64_t start, int64_t end,
                     bool retry) {
        HistoryCall c;
        c.op = &model_.op(t, i);
        c.start = start;
        c.end = end;
        c.status = outcome.status;
        c.mode = outcome.status == StatusClass::kHang ? CallMode::kRelaxed
                 : IsUnjudgedStatus(outcome)        ? CallMode::kIgnored
                                                       : CallMode::kExact;
        c.previous = last[g];
        c.retry = retry;
        c.new_id = kFirstCreatedInode + 2 * flat + (retry ? 1 : 0);
        last[g] = static_cast<int32_t>(group.calls.size());
        group.calls.push_back(c);
        group.refs.push_back({static_cast<uint32_t>(t),
                              static_cast<uint32_t>(i), retry});
        const uint32_t id = 2 * flat + (retry ? 1 : 0);
        group.shape.append(reinterpret_cast<const char*>(&id), sizeof id);
        group.shape.push_back(static_cast<char>(outcome.status));
        group.shape.push_back(static_cast<char>(c.mode));
      };
      add(r.outcome, r.start_ns, r.end_ns, false);
      if (r.retry) add(*r.retry, r.end_ns, r.retry_end_ns, true);
    }
  }
  if (trace.end_read) ++stats->end_states;
  for (Group& g : groups_) {
    if (g.calls.empty()) continue;
    absl::optional<EndState> end;
    if (trace.end_read) end.emplace(model_, g.places, trace.end_tree);
    JudgeGroup(trace, g, end ? &*end : nullptr, findings, stats);
  }
}

void ExactJudge::JudgeGroup(const RoundTrace& trace, Group& group,
                            const EndState* end,
                            std::vector<Finding>* findings,
                            JudgeStats* stats) {
  const size_t n = group.calls.size();
  stats->calls += n;
  auto count = [&](const Witness& w) {
    for (int r = 1; r < kUnjudgedCount; ++r) stats->unjudged[r] += w.unjudged[r];
  };
  std::vector<Witness>& kept = group.witnesses[group.shape];
  for (const Witness& w : kept) {
    if (RespectsRealTime(group.calls, w.order) &&
        (end == nullptr || end->Matches(w.final))) {
      return count(w);
    }
  }

  ++stats->searches;
  SearchResult result =
      Linearize(model_, group.calls, options_.node_budget, end);
  stats->search_nodes += result.nodes;
  switch (result.kind) {
    case SearchResult::Kind::kLinearizable: {
      Witness w;
      std::vector<Unjudged> why;
      Replay(model_, group.calls, result.order, result.branches, &why,
             &w.final);
      for (size_t i = 0; i < n; ++i) {
        Unjudged reason = why[i];
        if (group.calls[i].mode == CallMode::kIgnored) {
          reason = Unjudged::kEnvironment;
        } else if (group.calls[i].mode == CallMode::kRelaxed) {
          reason = Unjudged::kHang;
        }
        ++w.unjudged[static_cast<int>(reason)];
      }
      w.order = std::move(result.order);
      w.branches = std::move(result.branches);
      count(w);
      if (kept.size() >= options_.witnesses) kept.erase(kept.begin());
      kept.push_back(std::move(w));
      // Bound the memory a long trial of many shapes takes.
      if (group.witnesses.size() > 1024) group.witnesses.clear();
      return;
    }
    case SearchResult::Kind::kBudget:
      stats->unjudged[static_cast<int>(Unjudged::kSearchBound)] += n;
      return;
    case SearchResult::Kind::kNotLinearizable:
      break;
  }

  // Every outcome explained, but not the state the round left: the
  // culprit's effect was lost (or made where it should not be).
  bool lost = false;
  if (end != nullptr) {
    const SearchResult answers =
        Linearize(model_, group.calls, options_.node_budget);
    stats->search_nodes += answers.nodes;
    lost = answers.kind == SearchResult::Kind::kLinearizable;
  }
  const Culprits culprits = FindCulprits(model_, group.calls,
                                         options_.node_budget, end);
  stats->search_nodes += culprits.nodes;
  if (culprits.calls.empty()) {
    stats->unjudged[static_cast<int>(culprits.bounded
                                         ? Unjudged::kSearchBound
                                         : Unjudged::kNoSmallExplanation)] += n;
    return;
  }
  for (size_t i = 0; i < n; ++i) {
    if (group.calls[i].mode == CallMode::kIgnored) {
      ++stats->unjudged[static_cast<int>(Unjudged::kEnvironment)];
    } else if (group.calls[i].mode == CallMode::kRelaxed) {
      ++stats->unjudged[static_cast<int>(Unjudged::kHang)];
    }
  }
  for (uint32_t c : culprits.calls) {
    const CallRef& ref = group.refs[c];
    const OpRecord& record = trace.records[ref.thread][ref.op];
    const Outcome& outcome = ref.retry ? *record.retry : record.outcome;
    const bool transient = !ref.retry && !record.outcome.ok() &&
                           record.retry && record.retry->ok();
    findings->push_back(MakeFinding(scenario_, trace, ref.thread, ref.op,
                                    outcome,
                                    lost        ? Verdict::kLost
                                    : transient ? Verdict::kTransient
                                                : Verdict::kUnexpected));
  }
}

}  // namespace

std::unique_ptr<RoundJudge> MakeExactJudge(const Scenario& scenario,
                                           const OracleOptions& options) {
  return std::make_unique<ExactJudge>(scenario, options);
}

}  // namespace internal

Oracle::Oracle(const Scenario& scenario, Semantics semantics,
               OracleOptions options)
    : judge_(semantics == Semantics::kPosix
                 ? internal::MakeExactJudge(scenario, options)
                 : internal::MakeHeuristicJudge(scenario, semantics)),
      stats_(std::make_unique<JudgeStats>()) {}

Oracle::~Oracle() = default;
Oracle::Oracle(Oracle&&) noexcept = default;
Oracle& Oracle::operator=(Oracle&&) noexcept = default;

void Oracle::Judge(const RoundTrace& trace,
                   std::vector<Finding>* findings) const {
  const int64_t start = MonotonicNanos();
  judge_->Judge(trace, findings, stats_.get());
  stats_->judge_ns += static_cast<uint64_t>(MonotonicNanos() - start);
}

}  // namespace openrace
