// heuristic.cc — the per-call rules that judge NT/Win32 rounds.
//
// The exact oracle's model (fs_model.h) speaks POSIX; NT/Win32 semantics
// (share modes and live handles, delete-pending, FILE_DIRECTORY_FILE versus
// FILE_NON_DIRECTORY_FILE, the Win32 status mapping) are not modelled. So a
// Windows round is judged call by call, as before the exact oracle:
//
//  1. Could another call have changed what this call saw? A call that
//     changes the namespace (create, mkdir, delete, rename) on the same
//     entry, an ancestor or a descendant, and whose time span overlaps this
//     call's span (from its start to the end of its retry), makes the state
//     uncertain. Then every legal race outcome is allowed — a lost create
//     race, an open of an entry being deleted or renamed, a sharing
//     violation — and only a status no race can produce is judged.
//  2. If not, the state is known: a small name-based model predicts what
//     the call must answer when it runs alone. A failure where it predicts
//     success is a finding, and so is a status no request of this shape
//     can produce (invalid parameter for a well-formed open).
// Successes are never judged; every call is counted unjudged
// (Unjudged::kWindowsRules) in the oracle's statistics.

#include <algorithm>
#include <utility>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/match.h"
#include "absl/strings/str_join.h"
#include "harness/judge/fs_model.h"
#include "harness/judge/internal/judges.h"
#include "harness/scenario/validate.h"

namespace openrace {
namespace internal {
namespace {

std::string Join(const Components& c) { return absl::StrJoin(c, "/"); }

bool IsPrefix(absl::string_view a, absl::string_view b) {
  // Component-wise: "src" is a prefix of "src/a" but not of "srcx".
  if (a.empty()) return true;
  if (!absl::StartsWith(b, a)) return false;
  return b.size() == a.size() || b[a.size()] == '/';
}

bool PrefixRelated(absl::string_view a, absl::string_view b) {
  return IsPrefix(a, b) || IsPrefix(b, a);
}

bool Creates(Disposition d) {
  return d == Disposition::kCreate || d == Disposition::kOpenIf ||
         d == Disposition::kOverwriteIf || d == Disposition::kSupersede;
}

bool Truncates(Disposition d) {
  return d == Disposition::kOverwrite || d == Disposition::kOverwriteIf ||
         d == Disposition::kSupersede;
}

bool FinalIsDot(const Path& path) {
  const std::string& last = path.components.back();
  return last == "." || last == "..";
}

// Statuses that a call can legally get when another call changes the entry,
// its parent or its handles at the same time.
bool IsRaceStatus(StatusClass s) {
  switch (s) {
    case StatusClass::kNotFound:
    case StatusClass::kPathNotFound:
    case StatusClass::kExists:
    case StatusClass::kNotADirectory:
    case StatusClass::kIsADirectory:
    case StatusClass::kNotEmpty:
    case StatusClass::kBusy:
    case StatusClass::kAccessDenied:
    case StatusClass::kSharingViolation:
    case StatusClass::kDeletePending:
      return true;
    default:
      return false;
  }
}

// Statuses that on Windows depend on other live handles (share modes,
// delete-pending), not only on the namespace.
bool DependsOnHandles(StatusClass s) {
  return s == StatusClass::kSharingViolation ||
         s == StatusClass::kDeletePending || s == StatusClass::kAccessDenied;
}

// True when the request's own shape may be refused as an invalid parameter
// by a healthy file system, so such a status proves nothing.
bool MayBeInvalid(const Op& op, Semantics semantics) {
  switch (op.kind) {
    case OpKind::kRename:  // a directory into its own subtree
      return true;
    case OpKind::kDelete:  // rmdir(".")
      return FinalIsDot(op.path);
    case OpKind::kOpen: {
      const bool dir = op.flags.options & options::kDirectoryFile;
      if (semantics == Semantics::kPosix) {
        return dir && Creates(op.flags.disposition);  // O_CREAT|O_DIRECTORY
      }
      const bool nondir = op.flags.options & options::kNonDirectoryFile;
      return (dir && nondir) ||
             (dir && Truncates(op.flags.disposition));  // documented
    }
    default:
      return false;
  }
}

// The model's answer for a call run alone in a known state.
struct Prediction {
  enum Kind { kOk, kFail, kUnknown } kind = kUnknown;
  StatusClass status = StatusClass::kOk;
  static Prediction Ok() { return {kOk, StatusClass::kOk}; }
  static Prediction Fail(StatusClass s) { return {kFail, s}; }
  static Prediction Unknown() { return {}; }
};

// The sandbox namespace: entry path -> kind; the root ("") is a directory.
class Model {
 public:
  explicit Model(const std::vector<TreeEntry>& tree) {
    for (const TreeEntry& e : tree) entries_[e.path] = e.kind;
  }

  absl::optional<EntryKind> Kind(const Components& c) const {
    if (c.empty()) return EntryKind::kDirectory;
    auto it = entries_.find(Join(c));
    if (it == entries_.end()) return absl::nullopt;
    return it->second;
  }

  bool HasChildren(const Components& c) const {
    const std::string prefix = c.empty() ? "" : Join(c) + "/";
    for (const auto& [path, kind] : entries_) {
      if (absl::StartsWith(path, prefix) && path != Join(c)) return true;
    }
    return false;
  }

  void Add(const Components& c, EntryKind kind) {
    if (!c.empty()) entries_.emplace(Join(c), kind);
  }

  void Remove(const Components& c) {
    const std::string path = Join(c);
    for (auto it = entries_.begin(); it != entries_.end();) {
      auto next = std::next(it);
      if (IsPrefix(path, it->first)) entries_.erase(it);
      it = next;
    }
  }

  void Move(const Components& from, const Components& to) {
    const std::string src = Join(from), dst = Join(to);
    if (src == dst) return;
    std::vector<std::pair<std::string, EntryKind>> moved;
    for (const auto& [path, kind] : entries_) {
      if (IsPrefix(src, path)) {
        moved.push_back({dst + path.substr(src.size()), kind});
      }
    }
    Remove(from);
    Remove(to);
    for (auto& [path, kind] : moved) entries_.emplace(path, kind);
  }

 private:
  absl::flat_hash_map<std::string, EntryKind> entries_;
};

// Walks `path` from `base` the way the kernel does: every component but the
// last must be an existing directory.
struct WalkResult {
  absl::optional<StatusClass> failure;
  Components target;
};

WalkResult Walk(const Model& model, const Components& base, const Path& path) {
  WalkResult result;
  Components cur = base;
  for (size_t i = 0; i < path.components.size(); ++i) {
    const std::string& c = path.components[i];
    const bool last = i + 1 == path.components.size();
    if (c == ".") {
    } else if (c == "..") {
      if (!cur.empty()) cur.pop_back();
    } else {
      cur.push_back(c);
      if (!last) {
        absl::optional<EntryKind> kind = model.Kind(cur);
        if (!kind) {
          result.failure = StatusClass::kNotFound;
          return result;
        }
        if (*kind == EntryKind::kFile) {
          result.failure = StatusClass::kNotADirectory;
          return result;
        }
      }
    }
  }
  result.target = cur;
  return result;
}

Prediction PredictOpen(const Op& op, absl::optional<EntryKind> kind,
                       Semantics semantics) {
  const OpenFlags& f = op.flags;
  const bool dir_opt = f.options & options::kDirectoryFile;
  const bool nondir_opt = f.options & options::kNonDirectoryFile;
  const bool creates = Creates(f.disposition);
  const bool writes = (f.access & access::kGenericWrite) ||
                      Truncates(f.disposition);
  if (op.path.trailing_separator && kind != EntryKind::kDirectory) {
    return Prediction::Unknown();
  }
  if (!kind) {
    if (!creates) return Prediction::Fail(StatusClass::kNotFound);
    return dir_opt ? Prediction::Unknown() : Prediction::Ok();
  }
  if (*kind == EntryKind::kFile) {
    if (dir_opt && creates) return Prediction::Unknown();
    if (dir_opt) return Prediction::Fail(StatusClass::kNotADirectory);
    if (f.disposition == Disposition::kCreate) {
      return Prediction::Fail(StatusClass::kExists);
    }
    return Prediction::Ok();
  }
  // A directory.
  if (creates || writes) return Prediction::Unknown();
  if (semantics == Semantics::kWindows) {
    // Opening a directory depends on backup semantics and on the API.
    return nondir_opt ? Prediction::Fail(StatusClass::kIsADirectory)
                      : Prediction::Unknown();
  }
  return Prediction::Ok();
}

Prediction PredictDelete(const Op& op, absl::optional<EntryKind> kind,
                         bool has_children, Semantics semantics) {
  if (FinalIsDot(op.path)) return Prediction::Unknown();
  if (!kind) return Prediction::Fail(StatusClass::kNotFound);
  const bool dir_opt = op.flags.options & options::kDirectoryFile;
  if (*kind == EntryKind::kFile) {
    if (op.path.trailing_separator) return Prediction::Unknown();
    if (!dir_opt) return Prediction::Ok();
    return semantics == Semantics::kPosix
               ? Prediction::Fail(StatusClass::kNotADirectory)
               : Prediction::Unknown();
  }
  if (!dir_opt) return Prediction::Unknown();  // EISDIR, EPERM, or denied
  return has_children ? Prediction::Fail(StatusClass::kNotEmpty)
                      : Prediction::Ok();
}


class HeuristicJudge final : public RoundJudge {
 public:
  HeuristicJudge(const Scenario& scenario, Semantics semantics);
  void Judge(const RoundTrace& trace, std::vector<Finding>* findings,
             JudgeStats* stats) override;

 private:
  // What an operation touches, sandbox-relative, precomputed once.
  struct OpPaths {
    std::vector<std::string> base;    // the anchor's directory
    std::vector<std::string> target;  // where `path` resolves
    std::vector<std::string> to;      // where `to` resolves (rename)
    // Every directory the walk from the anchor visits, the target, the
    // rename destination and the anchor: a namespace change at any of
    // them, or above or below them, can change the call's outcome.
    std::vector<std::string> touched;  // joined with '/'
  };
  struct Effect;

  void CollectEffects(const RoundTrace& trace,
                      std::vector<Effect>* effects) const;
  void JudgeCall(const RoundTrace& trace, const std::vector<Effect>& effects,
                 size_t thread, size_t op,
                 std::vector<Finding>* findings) const;

  const Scenario& scenario_;
  Semantics semantics_;
  std::vector<std::vector<OpPaths>> paths_;  // [thread][op]
};

// A namespace change made by a call that succeeded (at once or on retry).
struct HeuristicJudge::Effect {
  size_t thread, op;
  int64_t start, end;  // end includes the retry
};

HeuristicJudge::HeuristicJudge(const Scenario& scenario, Semantics semantics)
    : scenario_(scenario), semantics_(semantics) {
  // Where each handle points, for anchors: shared handles first, then each
  // thread's own in program order (validation guarantees they resolve).
  std::vector<std::pair<std::string, Components>> shared;
  for (const SharedHandle& h : scenario.shared) {
    absl::StatusOr<Components> target = ResolvePath(h.path, shared);
    shared.push_back({h.name, target.ok() ? *target : Components{}});
  }
  auto base_of = [](const Path& path, const auto& handles) {
    if (path.anchor != Anchor::kHandle) return Components{};
    for (const auto& [name, target] : handles) {
      if (name == path.handle) return target;
    }
    return Components{};
  };
  auto touched_by = [](const Components& base, const Path& path,
                       std::vector<std::string>* touched) {
    Components cur = base;
    touched->push_back(Join(cur));
    for (const std::string& c : path.components) {
      if (c == "..") {
        if (!cur.empty()) cur.pop_back();
      } else if (c != ".") {
        cur.push_back(c);
      }
      touched->push_back(Join(cur));
    }
  };
  for (const ThreadProgram& thread : scenario.threads) {
    std::vector<std::pair<std::string, Components>> handles = shared;
    std::vector<OpPaths> paths(thread.ops.size());
    for (size_t i = 0; i < thread.ops.size(); ++i) {
      const Op& op = thread.ops[i];
      if (op.kind == OpKind::kClose || op.kind == OpKind::kBarrier) continue;
      OpPaths& p = paths[i];
      p.base = base_of(op.path, handles);
      p.target = ResolvePath(op.path, handles).value_or(Components{});
      touched_by(p.base, op.path, &p.touched);
      if (op.kind == OpKind::kRename) {
        p.to = ResolvePath(op.to, handles).value_or(Components{});
        touched_by(base_of(op.to, handles), op.to, &p.touched);
      }
      if (!op.result.empty()) handles.push_back({op.result, p.target});
    }
    paths_.push_back(std::move(paths));
  }
}

void HeuristicJudge::Judge(const RoundTrace& trace,
                           std::vector<Finding>* findings,
                           JudgeStats* stats) {
  // Every call is counted unjudged by the model: these rules judge only
  // failures, one at a time.
  ++stats->rounds;
  bool any_failure = false;
  for (const auto& thread : trace.records) {
    for (const OpRecord& r : thread) {
      if (!r.ran) continue;
      any_failure |= !r.outcome.ok();
      for (const Outcome* o : {&r.outcome, r.retry ? &*r.retry : nullptr}) {
        if (o == nullptr) continue;
        ++stats->calls;
        ++stats->unjudged[static_cast<int>(IsUnjudgedStatus(*o)
                                               ? Unjudged::kEnvironment
                                               : Unjudged::kWindowsRules)];
      }
    }
  }
  if (!any_failure) return;

  std::vector<Effect> effects;
  CollectEffects(trace, &effects);
  for (size_t t = 0; t < trace.records.size(); ++t) {
    for (size_t i = 0; i < trace.records[t].size(); ++i) {
      const OpRecord& r = trace.records[t][i];
      if (r.ran && !r.outcome.ok()) JudgeCall(trace, effects, t, i, findings);
    }
  }
}

void HeuristicJudge::CollectEffects(const RoundTrace& trace,
                                    std::vector<Effect>* effects) const {
  for (size_t t = 0; t < trace.records.size(); ++t) {
    for (size_t i = 0; i < trace.records[t].size(); ++i) {
      const OpRecord& r = trace.records[t][i];
      if (!r.ran || !MutatesTree(scenario_.threads[t].ops[i])) continue;
      const bool succeeded = r.outcome.ok() || (r.retry && r.retry->ok());
      if (!succeeded) continue;
      effects->push_back({t, i, r.start_ns,
                          r.retry ? r.retry_end_ns : r.end_ns});
    }
  }
}

void HeuristicJudge::JudgeCall(const RoundTrace& trace,
                               const std::vector<Effect>& effects,
                               size_t thread, size_t index,
                               std::vector<Finding>* findings) const {
  const Op& op = scenario_.threads[thread].ops[index];
  const OpRecord& record = trace.records[thread][index];
  const OpPaths& paths = paths_[thread][index];
  const StatusClass status = record.outcome.status;
  if (IsUnjudgedStatus(record.outcome)) return;

  auto report = [&](Verdict verdict) {
    findings->push_back(MakeFinding(scenario_, trace, thread, index,
                                    record.outcome, verdict));
  };
  if (status == StatusClass::kHang) return report(Verdict::kHang);

  const bool retried_ok = record.retry && record.retry->ok();
  const int64_t window_end = record.retry ? record.retry_end_ns : record.end_ns;
  // The effects that bear on this call: those on a path it walks, and,
  // transitively, those on a path such an effect touches (the mkdir that
  // made a rename's source, for a call on the rename's destination).
  std::vector<std::string> related = paths.touched;
  std::vector<bool> is_relevant(effects.size(), false);
  for (bool grew = true; grew;) {
    grew = false;
    for (size_t k = 0; k < effects.size(); ++k) {
      const Effect& e = effects[k];
      if (is_relevant[k] || (e.thread == thread && e.op == index)) continue;
      const OpPaths& other = paths_[e.thread][e.op];
      const std::string target = Join(other.target);
      const std::string to = other.to.empty() ? "" : Join(other.to);
      const bool bears = std::any_of(
          related.begin(), related.end(), [&](const std::string& mine) {
            return PrefixRelated(mine, target) ||
                   (!to.empty() && PrefixRelated(mine, to));
          });
      if (!bears) continue;
      is_relevant[k] = grew = true;
      related.push_back(target);
      if (!to.empty()) related.push_back(to);
    }
  }
  auto relevant = [&](const Effect& e) {
    return is_relevant[static_cast<size_t>(&e - effects.data())];
  };

  // Which namespace changes are certain before this call, and is any of
  // them concurrent with it (or with another of them)?
  std::vector<const Effect*> before;
  bool uncertain = false;
  const std::string base = Join(paths.base);
  for (const Effect& e : effects) {
    if (!relevant(e)) continue;
    // A directory handle follows its directory when it is renamed or
    // deleted; the model walks names, so it cannot follow it.
    const OpKind kind = scenario_.threads[e.thread].ops[e.op].kind;
    if (op.path.anchor == Anchor::kHandle &&
        (kind == OpKind::kRename || kind == OpKind::kDelete) &&
        IsPrefix(Join(paths_[e.thread][e.op].target), base)) {
      uncertain = true;
    }
    if (e.end < record.start_ns) {
      before.push_back(&e);
    } else if (e.start <= window_end) {
      uncertain = true;  // overlaps this call or its retry
    }
  }
  std::sort(before.begin(), before.end(),
            [](const Effect* a, const Effect* b) { return a->end < b->end; });
  for (size_t i = 1; i < before.size() && !uncertain; ++i) {
    if (before[i]->start <= before[i - 1]->end) uncertain = true;
  }

  // On Windows, share modes and delete-pending depend on other threads'
  // handles to the same entry at that moment, which the model does not
  // track: any other thread's call on the entry in this round explains them.
  if (semantics_ == Semantics::kWindows && DependsOnHandles(status)) {
    const std::string target = Join(paths.target);
    for (size_t t = 0; t < paths_.size(); ++t) {
      if (t == thread) continue;
      for (const OpPaths& p : paths_[t]) {
        if (!p.touched.empty() && PrefixRelated(Join(p.target), target)) {
          return;
        }
      }
    }
  }

  const bool invalid_is_odd = status == StatusClass::kInvalidParameter &&
                              !MayBeInvalid(op, semantics_);
  if (uncertain) {
    if (IsRaceStatus(status) || status == StatusClass::kOk) return;
    if (status == StatusClass::kInvalidParameter && !invalid_is_odd) return;
    return report(retried_ok ? Verdict::kTransient : Verdict::kUnexpected);
  }

  // The state is known: nothing else changed it during the call or retry.
  if (retried_ok) return report(Verdict::kTransient);

  Model model(scenario_.tree);
  for (const Effect* e : before) {
    const Op& changer = scenario_.threads[e->thread].ops[e->op];
    const OpPaths& p = paths_[e->thread][e->op];
    switch (changer.kind) {
      case OpKind::kOpen:
        if (!model.Kind(p.target)) model.Add(p.target, EntryKind::kFile);
        break;
      case OpKind::kMkdir:
        model.Add(p.target, EntryKind::kDirectory);
        break;
      case OpKind::kDelete:
        model.Remove(p.target);
        break;
      case OpKind::kRename:
        model.Move(p.target, p.to);
        break;
      default:
        break;
    }
  }

  Prediction prediction;
  WalkResult walk = Walk(model, paths.base, op.path);
  if (walk.failure) {
    prediction = Prediction::Fail(*walk.failure);
  } else {
    absl::optional<EntryKind> kind = model.Kind(walk.target);
    switch (op.kind) {
      case OpKind::kOpen:
        prediction = PredictOpen(op, kind, semantics_);
        break;
      case OpKind::kMkdir:
        prediction = kind ? Prediction::Fail(StatusClass::kExists)
                          : Prediction::Ok();
        break;
      case OpKind::kStat:
        if (!kind) {
          prediction = Prediction::Fail(StatusClass::kNotFound);
        } else if (op.path.trailing_separator &&
                   *kind == EntryKind::kFile) {
          prediction = Prediction::Unknown();
        } else {
          prediction = Prediction::Ok();
        }
        break;
      case OpKind::kDelete:
        prediction = PredictDelete(op, kind, model.HasChildren(walk.target),
                                   semantics_);
        break;
      default:  // rename: too many platform rules to predict soundly
        prediction = Prediction::Unknown();
        break;
    }
  }
  // A handle anchor that failed to open leaves the call unanchored; the
  // executor does not run such calls, so `base` is always a live directory.
  switch (prediction.kind) {
    case Prediction::kOk:
      return report(Verdict::kUnexpected);
    case Prediction::kFail:
      if (prediction.status == status) return;
      if (invalid_is_odd || status == StatusClass::kInvalidName) {
        return report(Verdict::kUnexpected);
      }
      return;
    case Prediction::kUnknown:
      if (invalid_is_odd) return report(Verdict::kUnexpected);
      return;
  }
}

}  // namespace

std::unique_ptr<RoundJudge> MakeHeuristicJudge(const Scenario& scenario,
                                               Semantics semantics) {
  return std::make_unique<HeuristicJudge>(scenario, semantics);
}

}  // namespace internal
}  // namespace openrace
