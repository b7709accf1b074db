// fs_model.cc — the POSIX namespace model of fs_model.h.
//
// Each Predict* follows the order of the kernel's checks for that call
// (fs/namei.c, fs/open.c, Linux 6.x): walk the path to the directory that
// holds the last component (ENOENT, ENOTDIR on the way), then the rules of
// the last component, then the call's own.

#include "harness/judge/fs_model.h"

#include <algorithm>
#include <cerrno>
#include <utility>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"

namespace openrace {
namespace {

constexpr size_t kNameMax = 255;

const FsEntry* Lookup(const FsState& s, InodeId dir, uint32_t name) {
  for (const FsEntry& e : s.entries) {
    if (e.parent == dir && e.name == name) return &e;
  }
  return nullptr;
}

const FsEntry* EntryOf(const FsState& s, InodeId id) {
  for (const FsEntry& e : s.entries) {
    if (e.id == id) return &e;
  }
  return nullptr;
}

bool IsLive(const FsState& s, InodeId dir) {
  return dir == kRootInode || EntryOf(s, dir) != nullptr;
}

bool HasChildren(const FsState& s, InodeId dir) {
  for (const FsEntry& e : s.entries) {
    if (e.parent == dir) return true;
  }
  return false;
}

// True when `a` is a proper ancestor of `b` (both live directories).
bool IsAncestor(const FsState& s, InodeId a, InodeId b) {
  for (InodeId cur = b; cur != kRootInode;) {
    const FsEntry* e = EntryOf(s, cur);
    if (e == nullptr) return false;
    if (e->parent == a) return true;
    cur = e->parent;
  }
  return false;
}

// The child of `ancestor` on the way down to `node` (a proper descendant).
InodeId ChildToward(const FsState& s, InodeId ancestor, InodeId node) {
  for (InodeId cur = node; cur != kRootInode;) {
    const FsEntry* e = EntryOf(s, cur);
    if (e == nullptr) return kNoInode;
    if (e->parent == ancestor) return cur;
    cur = e->parent;
  }
  return kNoInode;
}

void Insert(FsState* s, const FsEntry& entry) {
  auto at = std::lower_bound(
      s->entries.begin(), s->entries.end(), entry,
      [](const FsEntry& a, const FsEntry& b) {
        return a.parent != b.parent ? a.parent < b.parent : a.name < b.name;
      });
  s->entries.insert(at, entry);
}

void Erase(FsState* s, InodeId parent, uint32_t name) {
  for (auto it = s->entries.begin(); it != s->entries.end(); ++it) {
    if (it->parent == parent && it->name == name) {
      s->entries.erase(it);
      return;
    }
  }
}

Prediction Fail(StatusClass status) {
  Prediction p;
  p.status = status;
  return p;
}

Prediction Unknown(Unjudged reason, const ModelOp& op) {
  Prediction p;
  p.unknown = reason;
  if (op.mutates) {
    p.effect_unknown = true;
  } else if (op.result_slot >= 0) {
    p.effect.bind_slot = op.result_slot;
    p.effect.bind = kUnknownInode;
  }
  return p;
}

}  // namespace

bool IsUnjudgedStatus(const Outcome& o) {
  if (o.status == StatusClass::kInterrupted || IsEnvironmentStatus(o)) {
    return true;
  }
  // A call a signal or a passing shortage cut short: it says nothing about
  // the namespace. (The run stops on the environment statuses before the
  // oracle sees them; these it judges around.)
  if (o.native_kind != NativeKind::kErrno) return false;
  return o.native == EINTR || o.native == EAGAIN || o.native == ENOBUFS;
}

FsModel::FsModel(const Scenario& scenario) {
  absl::flat_hash_map<std::string, uint32_t> name_ids;
  auto intern = [&](const std::string& name) -> int32_t {
    if (name == ".") return kDot;
    if (name == "..") return kDotDot;
    auto [it, inserted] = name_ids.emplace(name, names_.size());
    if (inserted) names_.push_back(name);
    return static_cast<int32_t>(it->second);
  };

  // The tree: entry i gets id i + 1; parents come before children.
  absl::flat_hash_map<std::string, InodeId> by_path;
  for (size_t i = 0; i < scenario.tree.size(); ++i) {
    const TreeEntry& t = scenario.tree[i];
    const size_t slash = t.path.rfind('/');
    FsEntry e;
    e.id = static_cast<InodeId>(i + 1);
    e.kind = t.kind;
    if (slash == std::string::npos) {
      e.parent = kRootInode;
      e.name = intern(t.path);
    } else {
      auto parent = by_path.find(t.path.substr(0, slash));
      e.parent = parent == by_path.end() ? kUnknownInode : parent->second;
      e.name = intern(t.path.substr(slash + 1));
    }
    by_path[t.path] = e.id;
    Insert(&initial_, e);
  }

  auto compile = [&](const Path& path, const auto& find_local) {
    ModelPath p;
    p.trailing = path.trailing_separator;
    for (const std::string& c : path.components) {
      p.components.push_back(intern(c));
    }
    if (path.anchor == Anchor::kHandle) {
      const int32_t local = find_local(path.handle);
      if (local >= 0) {
        p.base = ModelPath::Base::kLocal;
        p.slot = static_cast<uint32_t>(local);
      } else {
        p.base = ModelPath::Base::kShared;
        for (size_t i = 0; i < scenario.shared.size(); ++i) {
          if (scenario.shared[i].name == path.handle) {
            p.slot = static_cast<uint32_t>(i);
          }
        }
      }
    }
    return p;
  };

  // Shared handles, bound in the initial tree in declaration order.
  for (size_t i = 0; i < scenario.shared.size(); ++i) {
    ModelOp open;
    open.kind = OpKind::kOpen;
    open.directory = true;
    open.path = compile(scenario.shared[i].path, [](const std::string&) {
      return -1;
    });
    open.result_slot = 0;  // only to learn where it binds
    // Predict reads shared_ for handle anchors: bind in order.
    FsState probe = initial_;
    probe.handles.assign(1, kNoInode);
    Prediction p = Predict(probe, open, kNoInode);
    shared_.push_back(p.unknown == Unjudged::kNone && p.status == StatusClass::kOk
                          ? p.effect.bind
                          : kUnknownInode);
  }

  uint32_t slots = 0;
  for (const ThreadProgram& thread : scenario.threads) {
    absl::flat_hash_map<std::string, uint32_t> locals;
    std::vector<ModelOp> ops(thread.ops.size());
    for (size_t i = 0; i < thread.ops.size(); ++i) {
      const Op& op = thread.ops[i];
      if (!IsCall(op.kind)) continue;
      auto find_local = [&](const std::string& name) -> int32_t {
        auto it = locals.find(name);
        return it == locals.end() ? -1 : static_cast<int32_t>(it->second);
      };
      ModelOp& m = ops[i];
      m.kind = op.kind;
      m.path = compile(op.path, find_local);
      if (op.kind == OpKind::kRename) m.to = compile(op.to, find_local);
      switch (op.kind) {
        case OpKind::kOpen: {
          const Disposition d = op.flags.disposition;
          m.creat = d == Disposition::kCreate || d == Disposition::kOpenIf ||
                    d == Disposition::kOverwriteIf ||
                    d == Disposition::kSupersede;
          m.excl = d == Disposition::kCreate;
          m.trunc = d == Disposition::kOverwrite ||
                    d == Disposition::kOverwriteIf ||
                    d == Disposition::kSupersede;
          m.write = (op.flags.access & access::kGenericWrite) != 0 || m.trunc;
          m.directory = (op.flags.options & options::kDirectoryFile) != 0;
          m.mutates = m.creat;
          if (!op.result.empty()) {
            m.result_slot = static_cast<int32_t>(slots);
            locals[op.result] = slots++;
          }
          break;
        }
        case OpKind::kDelete:
          m.directory = (op.flags.options & options::kDirectoryFile) != 0;
          m.mutates = true;
          break;
        case OpKind::kMkdir:
        case OpKind::kRename:
          m.mutates = true;
          break;
        default:
          break;
      }
    }
    ops_.push_back(std::move(ops));
  }
  initial_.handles.assign(slots, kNoInode);
}

bool FsModel::TooLong(int32_t name) const {
  return name >= 0 && names_[name].size() > kNameMax;
}

// Where a path's walk stops: the directory that holds its last component,
// or the status (or the reason the model cannot tell) it failed with.
struct FsModel::Walk {
  StatusClass error = StatusClass::kOk;
  Unjudged unknown = Unjudged::kNone;
  InodeId dir = kRootInode;
  int32_t last = kDot;
};

FsModel::Walk FsModel::WalkToLast(const FsState& state,
                                  const ModelPath& path) const {
  Walk w;
  InodeId cur = kRootInode;
  switch (path.base) {
    case ModelPath::Base::kRoot:
      break;
    case ModelPath::Base::kShared:
      cur = path.slot < shared_.size() ? shared_[path.slot] : kUnknownInode;
      break;
    case ModelPath::Base::kLocal:
      cur = path.slot < state.handles.size() ? state.handles[path.slot]
                                              : kUnknownInode;
      break;
  }
  if (cur == kUnknownInode || cur == kNoInode) {
    w.unknown = Unjudged::kUnboundHandle;
    return w;
  }
  // `..` from `dir`: its parent, as the dcache has it.
  auto dotdot = [&](InodeId dir, InodeId* out) -> bool {
    if (dir == kRootInode) {
      w.unknown = Unjudged::kAboveRoot;
      return false;
    }
    const FsEntry* e = EntryOf(state, dir);
    if (e == nullptr) {
      w.unknown = Unjudged::kDotDotFromRemoved;
      return false;
    }
    *out = e->parent;
    return true;
  };
  const size_t n = path.components.size();
  for (size_t i = 0; i + 1 < n; ++i) {
    const int32_t c = path.components[i];
    if (c == kDot) continue;
    if (c == kDotDot) {
      if (!dotdot(cur, &cur)) return w;
      continue;
    }
    if (TooLong(c)) {
      w.error = StatusClass::kInvalidName;
      return w;
    }
    const FsEntry* e = Lookup(state, cur, static_cast<uint32_t>(c));
    if (e == nullptr) {
      w.error = StatusClass::kNotFound;
      return w;
    }
    if (e->kind != EntryKind::kDirectory) {
      w.error = StatusClass::kNotADirectory;
      return w;
    }
    cur = e->id;
  }
  w.dir = cur;
  w.last = n == 0 ? kDot : path.components[n - 1];
  return w;
}

// The directory a last component of `.` or `..` names (open and stat
// follow it; mkdir, unlink, rmdir and rename refuse it by its type).
Unjudged FsModel::DotTarget(const FsState& state, const Walk& w,
                            InodeId* target) const {
  *target = w.dir;
  if (w.last == kDot) return Unjudged::kNone;
  if (w.dir == kRootInode) return Unjudged::kAboveRoot;
  const FsEntry* e = EntryOf(state, w.dir);
  if (e == nullptr) return Unjudged::kDotDotFromRemoved;
  *target = e->parent;
  return Unjudged::kNone;
}

Prediction FsModel::Predict(const FsState& state, const ModelOp& op,
                            InodeId new_id) const {
  if (state.lost) return Unknown(Unjudged::kAfterLostState, op);
  switch (op.kind) {
    case OpKind::kOpen:
      return PredictOpen(state, op, new_id);
    case OpKind::kMkdir:
      return PredictMkdir(state, op, new_id);
    case OpKind::kStat:
      return PredictStat(state, op);
    case OpKind::kDelete:
      return PredictDelete(state, op);
    case OpKind::kRename:
      return PredictRename(state, op);
    default:
      return Prediction{};
  }
}

Prediction FsModel::PredictOpen(const FsState& state, const ModelOp& op,
                                InodeId new_id) const {
  // build_open_flags refuses the pair before any lookup (Linux >= 6.4).
  if (op.creat && op.directory) {
    Prediction p = Unknown(Unjudged::kCreateDirectory, op);
    p.status = StatusClass::kInvalidParameter;
    p.exact_if_status = true;
    p.effect_unknown = true;
    p.failure_effect_unknown = true;  // older kernels created, then failed
    return p;
  }
  const Walk w = WalkToLast(state, op.path);
  if (w.unknown != Unjudged::kNone) return Unknown(w.unknown, op);
  if (w.error != StatusClass::kOk) return Fail(w.error);

  Prediction ok;
  ok.effect.bind_slot = op.result_slot;
  if (w.last == kDot || w.last == kDotDot) {
    // do_open on the directory the dots name.
    if (op.creat) {
      return Fail(op.excl ? StatusClass::kExists : StatusClass::kIsADirectory);
    }
    if (op.write) return Fail(StatusClass::kIsADirectory);
    const Unjudged unknown = DotTarget(state, w, &ok.effect.bind);
    if (unknown != Unjudged::kNone) return Unknown(unknown, op);
    return ok;
  }
  const uint32_t name = static_cast<uint32_t>(w.last);
  if (op.creat) {
    // open_last_lookups: a trailing separator with O_CREAT, before lookup.
    if (op.path.trailing) return Fail(StatusClass::kIsADirectory);
    if (TooLong(w.last)) return Fail(StatusClass::kInvalidName);
    const FsEntry* e = Lookup(state, w.dir, name);
    if (e == nullptr) {
      if (!IsLive(state, w.dir)) return Fail(StatusClass::kNotFound);
      ok.effect.kind = Effect::Kind::kAdd;
      ok.effect.parent = w.dir;
      ok.effect.name = name;
      ok.effect.id = new_id;
      ok.effect.entry_kind = EntryKind::kFile;
      ok.effect.bind = new_id;
      return ok;
    }
    if (op.excl) return Fail(StatusClass::kExists);
    if (e->kind == EntryKind::kDirectory) {
      return Fail(StatusClass::kIsADirectory);
    }
    ok.effect.bind = e->id;  // O_TRUNC changes no name
    return ok;
  }
  if (TooLong(w.last)) return Fail(StatusClass::kInvalidName);
  const FsEntry* e = Lookup(state, w.dir, name);
  if (e == nullptr) return Fail(StatusClass::kNotFound);
  if (e->kind == EntryKind::kFile) {
    if (op.directory || op.path.trailing) {
      return Fail(StatusClass::kNotADirectory);
    }
  } else if (op.write) {
    return Fail(StatusClass::kIsADirectory);  // may_open
  }
  ok.effect.bind = e->id;
  return ok;
}

Prediction FsModel::PredictMkdir(const FsState& state, const ModelOp& op,
                                 InodeId new_id) const {
  const Walk w = WalkToLast(state, op.path);
  if (w.unknown != Unjudged::kNone) return Unknown(w.unknown, op);
  if (w.error != StatusClass::kOk) return Fail(w.error);
  // filename_create: `.` and `..` are "yucky" last components.
  if (w.last == kDot || w.last == kDotDot) return Fail(StatusClass::kExists);
  if (TooLong(w.last)) return Fail(StatusClass::kInvalidName);
  const uint32_t name = static_cast<uint32_t>(w.last);
  if (Lookup(state, w.dir, name) != nullptr) return Fail(StatusClass::kExists);
  if (!IsLive(state, w.dir)) return Fail(StatusClass::kNotFound);  // may_create
  Prediction ok;
  ok.effect.kind = Effect::Kind::kAdd;
  ok.effect.parent = w.dir;
  ok.effect.name = name;
  ok.effect.id = new_id;
  ok.effect.entry_kind = EntryKind::kDirectory;
  return ok;
}

Prediction FsModel::PredictStat(const FsState& state, const ModelOp& op) const {
  const Walk w = WalkToLast(state, op.path);
  if (w.unknown != Unjudged::kNone) return Unknown(w.unknown, op);
  if (w.error != StatusClass::kOk) return Fail(w.error);
  if (w.last == kDot || w.last == kDotDot) {
    InodeId target;
    const Unjudged unknown = DotTarget(state, w, &target);
    if (unknown != Unjudged::kNone) return Unknown(unknown, op);
    return Prediction{};
  }
  if (TooLong(w.last)) return Fail(StatusClass::kInvalidName);
  const FsEntry* e = Lookup(state, w.dir, static_cast<uint32_t>(w.last));
  if (e == nullptr) return Fail(StatusClass::kNotFound);
  if (e->kind == EntryKind::kFile && op.path.trailing) {
    return Fail(StatusClass::kNotADirectory);
  }
  return Prediction{};
}

Prediction FsModel::PredictDelete(const FsState& state,
                                  const ModelOp& op) const {
  const Walk w = WalkToLast(state, op.path);
  if (w.unknown != Unjudged::kNone) return Unknown(w.unknown, op);
  if (w.error != StatusClass::kOk) return Fail(w.error);
  if (op.directory) {  // do_rmdir
    if (w.last == kDotDot) return Fail(StatusClass::kNotEmpty);
    if (w.last == kDot) return Fail(StatusClass::kInvalidParameter);
  } else if (w.last == kDot || w.last == kDotDot) {  // do_unlinkat
    return Fail(StatusClass::kIsADirectory);
  }
  if (TooLong(w.last)) return Fail(StatusClass::kInvalidName);
  const uint32_t name = static_cast<uint32_t>(w.last);
  const FsEntry* e = Lookup(state, w.dir, name);
  if (e == nullptr) return Fail(StatusClass::kNotFound);
  if (op.directory) {
    if (e->kind != EntryKind::kDirectory) {
      return Fail(StatusClass::kNotADirectory);
    }
    if (HasChildren(state, e->id)) return Fail(StatusClass::kNotEmpty);
  } else {
    // A trailing separator: EISDIR for a directory, ENOTDIR for a file.
    if (e->kind == EntryKind::kDirectory) {
      return Fail(StatusClass::kIsADirectory);
    }
    if (op.path.trailing) return Fail(StatusClass::kNotADirectory);
  }
  Prediction ok;
  ok.effect.kind = Effect::Kind::kRemove;
  ok.effect.parent = w.dir;
  ok.effect.name = name;
  return ok;
}

Prediction FsModel::PredictRename(const FsState& state,
                                  const ModelOp& op) const {
  // do_renameat2: both parents, then the last components' types, then the
  // source, the target, the trap (ancestry), then vfs_rename's rules.
  const Walk from = WalkToLast(state, op.path);
  if (from.unknown != Unjudged::kNone) return Unknown(from.unknown, op);
  if (from.error != StatusClass::kOk) return Fail(from.error);
  const Walk to = WalkToLast(state, op.to);
  if (to.unknown != Unjudged::kNone) return Unknown(to.unknown, op);
  if (to.error != StatusClass::kOk) return Fail(to.error);
  if (from.last < 0 || to.last < 0) return Fail(StatusClass::kBusy);
  if (TooLong(from.last)) return Fail(StatusClass::kInvalidName);
  const FsEntry* source =
      Lookup(state, from.dir, static_cast<uint32_t>(from.last));
  if (source == nullptr) return Fail(StatusClass::kNotFound);
  if (TooLong(to.last)) return Fail(StatusClass::kInvalidName);
  const FsEntry* target = Lookup(state, to.dir, static_cast<uint32_t>(to.last));
  const bool is_dir = source->kind == EntryKind::kDirectory;
  if (!is_dir && (op.path.trailing || op.to.trailing)) {
    return Fail(StatusClass::kNotADirectory);
  }
  // lock_rename's trap: the child of one parent on the way to the other.
  InodeId trap = kNoInode;
  if (from.dir != to.dir) {
    if (IsAncestor(state, from.dir, to.dir)) {
      trap = ChildToward(state, from.dir, to.dir);
    } else if (IsAncestor(state, to.dir, from.dir)) {
      trap = ChildToward(state, to.dir, from.dir);
    }
  }
  if (source->id == trap) return Fail(StatusClass::kInvalidParameter);
  if (target != nullptr && target->id == trap) {
    return Fail(StatusClass::kNotEmpty);
  }
  Prediction ok;
  if (target != nullptr && target->id == source->id) return ok;  // itself
  if (target == nullptr) {
    if (!IsLive(state, to.dir)) return Fail(StatusClass::kNotFound);
  } else if (is_dir) {
    if (target->kind != EntryKind::kDirectory) {
      return Fail(StatusClass::kNotADirectory);
    }
    if (HasChildren(state, target->id)) return Fail(StatusClass::kNotEmpty);
  } else if (target->kind == EntryKind::kDirectory) {
    return Fail(StatusClass::kIsADirectory);
  }
  ok.effect.kind = Effect::Kind::kMove;
  ok.effect.parent = from.dir;
  ok.effect.name = static_cast<uint32_t>(from.last);
  ok.effect.to_parent = to.dir;
  ok.effect.to_name = static_cast<uint32_t>(to.last);
  return ok;
}

void FsModel::Apply(const Effect& effect, FsState* state) {
  switch (effect.kind) {
    case Effect::Kind::kNone:
      break;
    case Effect::Kind::kAdd:
      Insert(state, FsEntry{effect.parent, effect.name, effect.id,
                            effect.entry_kind});
      break;
    case Effect::Kind::kRemove:
      Erase(state, effect.parent, effect.name);
      break;
    case Effect::Kind::kMove: {
      const FsEntry* source = Lookup(*state, effect.parent, effect.name);
      if (source == nullptr) break;
      FsEntry moved = *source;
      Erase(state, effect.parent, effect.name);
      Erase(state, effect.to_parent, effect.to_name);
      moved.parent = effect.to_parent;
      moved.name = effect.to_name;
      Insert(state, moved);
      break;
    }
  }
  if (effect.bind_slot >= 0 &&
      static_cast<size_t>(effect.bind_slot) < state->handles.size()) {
    state->handles[effect.bind_slot] = effect.bind;
  }
}

void FsModel::Lose(FsState* state) {
  state->lost = true;
  state->entries.clear();
  std::fill(state->handles.begin(), state->handles.end(), kUnknownInode);
}

std::string FsModel::PathOf(const FsState& state, InodeId id) const {
  std::vector<absl::string_view> parts;
  for (InodeId cur = id; cur != kRootInode;) {
    const FsEntry* e = EntryOf(state, cur);
    if (e == nullptr) return absl::StrCat("<removed ", cur, ">");
    parts.push_back(names_[e->name]);
    cur = e->parent;
  }
  std::reverse(parts.begin(), parts.end());
  return parts.empty() ? std::string(".") : absl::StrJoin(parts, "/");
}

std::vector<TreeEntry> FsModel::Tree(const FsState& state) const {
  std::vector<TreeEntry> tree;
  tree.reserve(state.entries.size());
  for (const FsEntry& e : state.entries) {
    tree.push_back({e.kind, PathOf(state, e.id)});
  }
  std::sort(tree.begin(), tree.end(),
            [](const TreeEntry& a, const TreeEntry& b) { return a.path < b.path; });
  return tree;
}

std::string FsModel::Describe(const FsState& state) const {
  if (state.lost) return "(lost)";
  std::vector<std::string> lines;
  for (const TreeEntry& e : Tree(state)) {
    lines.push_back(absl::StrCat(
        e.kind == EntryKind::kDirectory ? "dir " : "file ", e.path));
  }
  for (size_t i = 0; i < state.handles.size(); ++i) {
    const InodeId h = state.handles[i];
    if (h == kNoInode) continue;
    lines.push_back(absl::StrCat(
        "handle ", i, " -> ",
        h == kUnknownInode ? std::string("?") : PathOf(state, h)));
  }
  return absl::StrJoin(lines, "; ");
}

}  // namespace openrace
