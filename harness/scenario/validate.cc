// validate.cc — the checks every scenario passes before anything runs.
//
// The checks run in the order a reader meets them in the text form (counts,
// tree, handle names, shared handles, threads, barriers) and stop at the
// first problem, so a message always points at the earliest one; the
// confinement rule (validate.h) needs every rename of every thread, so it
// runs after the threads' own checks, before the barriers. Messages start
// with where: "rounds", "tree entry 2 (dir src/a)", "shared handle 'd0'
// (open cwd:src)", "thread 1 op 3 (open h0:..)", with 1-based numbers and
// the item in its text form; given the text's positions, "line L:C: " in
// front, the column of the component at fault when there is one (carried
// from where it is found to where the item is known as a payload).
//
// What the text form cannot express is ignored rather than rejected: fields
// an op's kind does not use, and the separator style of a path that shows
// none. They change nothing that runs, and printing drops them.

#include "harness/scenario/validate.h"

#include <algorithm>
#include <cstdint>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/functional/function_ref.h"
#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/cord.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/types/optional.h"
#include "harness/scenario/scenario_text.h"

namespace openrace {
namespace {


template <typename... Pieces>
absl::Status Invalid(const Pieces&... pieces) {
  return absl::InvalidArgumentError(absl::StrCat(pieces...));
}

// Which component of a path (0-based) a problem is about, and whether the
// path is a rename's `to`: payloads on the status, read by At().
constexpr absl::string_view kComponentPayload = "openrace/validate/component";
constexpr absl::string_view kToPayload = "openrace/validate/to";

absl::Status InComponent(size_t index, absl::Status status) {
  status.SetPayload(kComponentPayload, absl::Cord(absl::StrCat(index)));
  return status;
}

absl::Status InTo(absl::Status status) {
  status.SetPayload(kToPayload, absl::Cord("1"));
  return status;
}

// The byte column, in the text form, of component `index` of `path`
// written at `start`.
int ComponentColumn(const Path& path, TextPosition start, size_t index) {
  const size_t separator = path.doubled_separators ? 2 : 1;
  size_t offset = (path.anchor == Anchor::kHandle
                       ? path.handle.size()
                       : AnchorName(path.anchor).size()) +
                  1;
  for (size_t i = 0; i < index && i < path.components.size(); ++i) {
    offset += path.components[i].size() + separator;
  }
  return start.column + static_cast<int>(offset);
}

// Where an item of the scenario was written, when it came from text: its
// first token, and its paths (null when unknown).
struct ItemText {
  const TextPosition* item = nullptr;
  const Path* path = nullptr;
  const TextPosition* path_at = nullptr;
  const Path* to = nullptr;
  const TextPosition* to_at = nullptr;
};

// Prefixes `status` with where it happened: "line L:C: " when the item's
// text position is known, then `where`.
absl::Status At(absl::string_view where, const absl::Status& status,
                const ItemText& text = {}) {
  std::string line_column;
  const bool in_to = status.GetPayload(kToPayload).has_value();
  const Path* path = in_to ? text.to : text.path;
  const TextPosition* path_at = in_to ? text.to_at : text.path_at;
  const bool on_path = path != nullptr && path_at != nullptr &&
                       path_at->line > 0;
  const TextPosition* at = on_path ? path_at : text.item;
  if (at != nullptr && at->line > 0) {
    int column = at->column;
    size_t component = 0;
    if (const absl::optional<absl::Cord> payload =
            status.GetPayload(kComponentPayload);
        payload && on_path &&
        absl::SimpleAtoi(std::string(*payload), &component)) {
      column = ComponentColumn(*path, *at, component);
    }
    line_column = absl::StrCat("line ", at->line, ":", column, ": ");
  }
  return absl::InvalidArgumentError(
      absl::StrCat(line_column, where, ": ", status.message()));
}

std::string OpWhere(size_t thread, size_t op, const Op& value) {
  return absl::StrCat("thread ", thread + 1, " op ", op + 1, " (",
                      PrintOp(value), ")");
}

constexpr absl::string_view kHandleNameExpected =
    "letters, digits and '_', not starting with a digit, and not cwd, abs, "
    "dev or nt";

absl::Status CheckFlags(const OpenFlags& flags) {
  const struct {
    absl::string_view field;
    uint32_t value;
    uint32_t known;
  } bit_sets[] = {
      {"access", flags.access, access::kAll},
      {"share", flags.share, share::kAll},
      {"options", flags.options, options::kAll},
      {"attributes", flags.attributes, attributes::kAll},
  };
  for (const auto& bits : bit_sets) {
    if ((bits.value & ~bits.known) != 0) {
      return Invalid(bits.field, " has unknown bits ",
                     absl::StrFormat("0x%X", bits.value & ~bits.known),
                     "; expected only the bits named in scenario.h");
    }
  }
  if (flags.disposition > Disposition::kOverwriteIf) {
    return Invalid("disposition ", static_cast<int>(flags.disposition),
                   " is out of range; expected supersede to overwrite_if");
  }
  return absl::OkStatus();
}

// ResolvePath, with the component at fault in the status's payload.
absl::StatusOr<Components> ResolveComponents(
    const Path& path,
    const std::vector<std::pair<std::string, Components>>& handle_targets) {
  Components resolved;
  if (path.anchor == Anchor::kHandle) {
    const auto target = std::find_if(
        handle_targets.begin(), handle_targets.end(),
        [&](const auto& entry) { return entry.first == path.handle; });
    if (target == handle_targets.end()) {
      return Invalid("handle '", path.handle, "' is not defined");
    }
    resolved = target->second;
  }
  if (path.components.empty()) {
    return Invalid(
        "path has no components; expected at least one, such as "
        "'.'");
  }
  for (size_t i = 0; i < path.components.size(); ++i) {
    const std::string& component = path.components[i];
    if (component == ".") continue;
    if (component == "..") {
      if (resolved.empty()) {
        return InComponent(
            i, Invalid("path climbs above the sandbox root at component ",
                       i + 1, " '..'"));
      }
      resolved.pop_back();
      continue;
    }
    if (!IsValidName(component)) {
      return InComponent(i, Invalid("component ", i + 1, " '", component,
                                    "' is not a name, '.' or '..'"));
    }
    if (component.size() > kMaxNameBytes) {
      return InComponent(
          i, Invalid("component ", i + 1, " is ", component.size(),
                     " bytes long; expected at most ", kMaxNameBytes,
                     " (NAME_MAX)"));
    }
    resolved.push_back(component);
  }
  return resolved;
}

// Finds the resolved components of the directory handle a path is anchored
// on, or says why the path may not use it.
using AnchorLookup =
    absl::FunctionRef<absl::StatusOr<const Components*>(const std::string&)>;

// The bytes a backend passes for `path` after its anchor: the components,
// the separators between them (two when doubled) and a trailing one.
size_t RenderedBytes(const Path& path) {
  const size_t separator = path.doubled_separators ? 2 : 1;
  size_t bytes = path.trailing_separator ? separator : 0;
  for (size_t i = 0; i < path.components.size(); ++i) {
    bytes += path.components[i].size() + (i > 0 ? separator : 0);
  }
  return bytes;
}

// Resolves `path` lexically; `base` gets the position of its anchor (the
// root, or the handle's position).
absl::StatusOr<Components> CheckPath(const Path& path, AnchorLookup lookup,
                                     Components* base) {
  if (path.anchor > Anchor::kNtObject) {
    return Invalid("anchor ", static_cast<int>(path.anchor),
                   " is out of range");
  }
  std::vector<std::pair<std::string, Components>> targets;
  base->clear();
  if (path.anchor == Anchor::kHandle) {
    absl::StatusOr<const Components*> target = lookup(path.handle);
    if (!target.ok()) return target.status();
    targets.emplace_back(path.handle, **target);
    *base = **target;
  }
  absl::StatusOr<Components> resolved = ResolveComponents(path, targets);
  if (!resolved.ok()) return resolved.status();
  if (const size_t bytes = RenderedBytes(path); bytes > kMaxPathBytes) {
    return Invalid("path is ", bytes, " bytes long; expected at most ",
                   kMaxPathBytes, " (PATH_MAX, less room for the sandbox root)");
  }
  return resolved;
}

// Whether two names may name one entry on some file system: equal but for
// ASCII case, or trailing dots (Win32 drops them), or either may be an 8.3
// short name (NTFS: any name with '~').
bool MayAlias(absl::string_view a, absl::string_view b) {
  if (absl::StrContains(a, '~') || absl::StrContains(b, '~')) return true;
  auto fold = [](absl::string_view name) {
    while (!name.empty() && name.back() == '.') name.remove_suffix(1);
    return absl::AsciiStrToLower(name);
  };
  return fold(a) == fold(b);
}

// The confinement rule of validate.h. Every path is recorded with the
// position of its anchor, and every rename's two positions; once all are
// known, Check walks each path's components again and rejects a `..` taken
// at a position that is, or is below, one a rename names.
class Confinement {
 public:
  void AddPath(std::string where, ItemText text, const Path& path,
               Components base, bool is_to) {
    uses_.push_back(
        PathUse{std::move(where), text, &path, std::move(base), is_to});
  }
  void AddMove(Components position, const std::string& where) {
    moves_.push_back(Move{std::move(position), where});
  }

  absl::Status Check() const {
    if (moves_.empty()) return absl::OkStatus();
    for (const PathUse& use : uses_) {
      Components position = use.base;
      const std::vector<std::string>& components = use.path->components;
      for (size_t i = 0; i < components.size(); ++i) {
        if (components[i] == ".") continue;
        if (components[i] != "..") {
          position.push_back(components[i]);
          continue;
        }
        if (const Move* move = MoverOf(position)) {
          absl::Status problem = InComponent(
              i, Invalid("component ", i + 1, " '..' climbs out of '",
                         absl::StrJoin(position, "/"), "', which ",
                         move->where,
                         " may move; expected '..' only out of a directory "
                         "that no rename moves (validate.h)"));
          return At(use.where, use.is_to ? InTo(problem) : problem, use.text);
        }
        // The lexical check already refused a climb above the root.
        if (!position.empty()) position.pop_back();
      }
    }
    return absl::OkStatus();
  }

 private:
  struct PathUse {
    std::string where;
    ItemText text;
    const Path* path;
    Components base;
    bool is_to;
  };
  struct Move {
    Components position;
    std::string where;
  };

  // The first rename whose source or target is `position` or above it.
  const Move* MoverOf(const Components& position) const {
    for (const Move& move : moves_) {
      if (move.position.size() > position.size()) continue;
      bool below = true;
      for (size_t k = 0; k < move.position.size() && below; ++k) {
        below = MayAlias(move.position[k], position[k]);
      }
      if (below) return &move;
    }
    return nullptr;
  }

  std::vector<PathUse> uses_;
  std::vector<Move> moves_;
};

// The text positions of a scenario's items, when it was parsed from text
// (and the positions are of this scenario: same counts).
class Positions {
 public:
  Positions(const Scenario& scenario, const ScenarioPositions* positions)
      : positions_(Matches(scenario, positions) ? positions : nullptr) {}

  const TextPosition* Tree(size_t index) const {
    return positions_ ? &positions_->tree[index] : nullptr;
  }

  ItemText Shared(size_t index, const SharedHandle& shared) const {
    if (!positions_) return {};
    const TextPosition* at = &positions_->shared[index];
    return ItemText{at, &shared.path, at, nullptr, nullptr};
  }

  ItemText OfOp(size_t thread, size_t index, const Op& op) const {
    if (!positions_) return {};
    const OpPositions& at = positions_->ops[thread][index];
    return ItemText{&at.op, &op.path, &at.path, &op.to, &at.to};
  }

 private:
  static bool Matches(const Scenario& scenario,
                      const ScenarioPositions* positions) {
    if (positions == nullptr ||
        positions->tree.size() != scenario.tree.size() ||
        positions->shared.size() != scenario.shared.size() ||
        positions->ops.size() != scenario.threads.size()) {
      return false;
    }
    for (size_t t = 0; t < scenario.threads.size(); ++t) {
      if (positions->ops[t].size() != scenario.threads[t].ops.size()) {
        return false;
      }
    }
    return true;
  }

  const ScenarioPositions* positions_;
};

absl::Status CheckTree(const std::vector<TreeEntry>& tree,
                       const Positions& positions) {
  // Entry path -> its index, to find parents and duplicates.
  absl::flat_hash_map<absl::string_view, size_t> seen;
  for (size_t i = 0; i < tree.size(); ++i) {
    const TreeEntry& entry = tree[i];
    const TextPosition* at = positions.Tree(i);
    // "line L:C: tree entry 2 (dir src/a)", C the column `offset` bytes
    // into the entry's path.
    auto where = [&](size_t offset) {
      return absl::StrCat(
          at ? absl::StrCat("line ", at->line, ":",
                            at->column + static_cast<int>(offset), ": ")
             : "",
          "tree entry ", i + 1, " (",
          entry.kind == EntryKind::kDirectory ? "dir " : "file ", entry.path,
          ")");
    };
    const std::vector<absl::string_view> names =
        absl::StrSplit(entry.path, '/');
    size_t offset = 0;
    for (size_t n = 0; n < names.size(); ++n) {
      if (!IsValidName(names[n])) {
        return Invalid(where(offset), ": component ", n + 1, " '", names[n],
                       "' is not a name; expected names joined by single '/', "
                       "without '.' or '..'");
      }
      if (names[n].size() > kMaxNameBytes) {
        return Invalid(where(offset), ": component ", n + 1, " is ",
                       names[n].size(), " bytes long; expected at most ",
                       kMaxNameBytes, " (NAME_MAX)");
      }
      offset += names[n].size() + 1;
    }
    if (entry.path.size() > kMaxPathBytes) {
      return Invalid(where(0), ": path is ", entry.path.size(),
                     " bytes long; expected at most ", kMaxPathBytes,
                     " (PATH_MAX, less room for the sandbox root)");
    }
    if (auto [it, inserted] = seen.emplace(entry.path, i); !inserted) {
      return Invalid(where(0), ": '", entry.path, "' is already tree entry ",
                     it->second + 1, "; expected each entry once");
    }
    const size_t slash = entry.path.rfind('/');
    if (slash == std::string::npos) continue;  // a child of the root
    const absl::string_view parent =
        absl::string_view(entry.path).substr(0, slash);
    const auto parent_entry = seen.find(parent);
    if (parent_entry == seen.end()) {
      return Invalid(where(0), ": parent '", parent,
                     "' is not an earlier entry; expected 'dir ", parent,
                     "' before it");
    }
    if (tree[parent_entry->second].kind != EntryKind::kDirectory) {
      return Invalid(where(0), ": parent '", parent,
                     "' is a file; expected a directory");
    }
  }
  return absl::OkStatus();
}

// Where a handle name is defined: by a shared handle, or by an op.
struct Definition {
  absl::optional<size_t> thread;  // nullopt for a shared handle
  size_t index = 0;               // of the shared handle, or of the op
};

std::string DefinitionWhere(const Definition& definition,
                            const Scenario& scenario) {
  if (!definition.thread) {
    return absl::StrCat("shared handle ", definition.index + 1);
  }
  return absl::StrCat("thread ", *definition.thread + 1, " op ",
                      definition.index + 1);
}

// Checks that every handle name is well formed and named once, and says
// where each is defined.
absl::StatusOr<absl::flat_hash_map<std::string, Definition>> CollectHandles(
    const Scenario& scenario, const Positions& positions) {
  absl::flat_hash_map<std::string, Definition> definitions;
  auto define = [&](const std::string& name, const Definition& definition,
                    absl::string_view where,
                    const ItemText& text) -> absl::Status {
    if (!IsValidHandleName(name)) {
      return At(where,
                Invalid("'", name, "' is not a handle name; expected ",
                        kHandleNameExpected),
                ItemText{text.item});
    }
    if (auto [it, inserted] = definitions.emplace(name, definition);
        !inserted) {
      return At(where,
                Invalid("handle '", name, "' is already named by ",
                        DefinitionWhere(it->second, scenario),
                        "; expected each handle name once"),
                ItemText{text.item});
    }
    return absl::OkStatus();
  };
  for (size_t i = 0; i < scenario.shared.size(); ++i) {
    const SharedHandle& shared = scenario.shared[i];
    if (absl::Status status = define(shared.name, Definition{absl::nullopt, i},
                                     absl::StrCat("shared handle ", i + 1),
                                     positions.Shared(i, shared));
        !status.ok()) {
      return status;
    }
  }
  for (size_t t = 0; t < scenario.threads.size(); ++t) {
    const std::vector<Op>& ops = scenario.threads[t].ops;
    for (size_t i = 0; i < ops.size(); ++i) {
      if (ops[i].kind != OpKind::kOpen || ops[i].result.empty()) continue;
      if (absl::Status status =
              define(ops[i].result, Definition{t, i}, OpWhere(t, i, ops[i]),
                     positions.OfOp(t, i, ops[i]));
          !status.ok()) {
        return status;
      }
    }
  }
  return definitions;
}

absl::StatusOr<absl::flat_hash_map<std::string, Components>> CheckShared(
    const std::vector<SharedHandle>& shared,
    const std::vector<TreeEntry>& tree, const Positions& positions,
    Confinement& confinement) {
  absl::flat_hash_map<std::string, Components> targets;
  for (size_t i = 0; i < shared.size(); ++i) {
    const SharedHandle& handle = shared[i];
    const std::string where =
        absl::StrCat("shared handle '", handle.name, "' (open ",
                     PrintPath(handle.path), ")");
    const ItemText text = positions.Shared(i, handle);
    if (absl::Status status = CheckFlags(handle.flags); !status.ok()) {
      return At(where, status, text);
    }
    if (!(handle.flags.options & options::kDirectoryFile)) {
      return At(where,
                Invalid("a shared handle is not a directory open; "
                        "expected options=directory"),
                text);
    }
    auto lookup =
        [&](const std::string& name) -> absl::StatusOr<const Components*> {
      const auto it = targets.find(name);
      if (it == targets.end()) {
        return Invalid("anchored on '", name,
                       "', which is not an earlier shared handle; expected "
                       "cwd, abs, dev, nt or a shared handle declared before "
                       "this one");
      }
      return &it->second;
    };
    Components base;
    absl::StatusOr<Components> target = CheckPath(handle.path, lookup, &base);
    if (!target.ok()) return At(where, target.status(), text);
    confinement.AddPath(where, text, handle.path, std::move(base), false);
    // Shared handles are opened before the first round; a run cannot start
    // without them, so they must name the sandbox or a directory of the
    // tree.
    const std::string joined = absl::StrJoin(*target, "/");
    const bool in_tree =
        joined.empty() ||
        std::any_of(tree.begin(), tree.end(), [&](const TreeEntry& e) {
          return e.kind == EntryKind::kDirectory && e.path == joined;
        });
    if (!in_tree) {
      return At(where,
                Invalid("'", joined,
                        "' is not a directory of the tree; expected a shared "
                        "handle on a directory the tree builds"),
                text);
    }
    targets[handle.name] = *std::move(target);
  }
  return targets;
}

// Walks one thread's ops in order, tracking its handles.
class ThreadChecker {
 public:
  ThreadChecker(
      size_t thread, const Scenario& scenario,
      const absl::flat_hash_map<std::string, Definition>& definitions,
      const absl::flat_hash_map<std::string, Components>& shared_targets,
      const Positions& positions, Confinement& confinement)
      : thread_(thread),
        scenario_(scenario),
        definitions_(definitions),
        shared_targets_(shared_targets),
        positions_(positions),
        confinement_(confinement) {}

  absl::Status Check() {
    const std::vector<Op>& ops = scenario_.threads[thread_].ops;
    for (size_t i = 0; i < ops.size(); ++i) {
      if (absl::Status status = CheckOp(i, ops[i]); !status.ok()) {
        return At(OpWhere(thread_, i, ops[i]), status,
                  positions_.OfOp(thread_, i, ops[i]));
      }
    }
    return absl::OkStatus();
  }

 private:
  struct LocalHandle {
    Components target;
    bool directory = false;
    absl::optional<size_t> closed_at;  // the op that closed it
  };

  absl::Status CheckOp(size_t index, const Op& op) {
    switch (op.kind) {
      case OpKind::kOpen: {
        if (absl::Status status = CheckFlags(op.flags); !status.ok()) {
          return status;
        }
        absl::StatusOr<Components> target = CheckOpPath(index, op.path, false);
        if (!target.ok()) return target.status();
        if (!op.result.empty()) {
          locals_[op.result] = LocalHandle{
              *std::move(target),
              (op.flags.options & options::kDirectoryFile) != 0, absl::nullopt};
        }
        return absl::OkStatus();
      }
      case OpKind::kMkdir:
      case OpKind::kStat:
      case OpKind::kDelete:
        return CheckOpPath(index, op.path, false).status();
      case OpKind::kRename: {
        absl::StatusOr<Components> from = CheckOpPath(index, op.path, false);
        if (!from.ok()) return from.status();
        absl::StatusOr<Components> to = CheckOpPath(index, op.to, true);
        if (!to.ok()) return InTo(to.status());
        // The root is fixed (validate.h): no rename may name it.
        if (from->empty()) {
          return Invalid(
              "renames the sandbox root; expected a path below it");
        }
        if (to->empty()) {
          return InTo(Invalid(
              "renames onto the sandbox root; expected a path below it"));
        }
        const std::string where = OpWhere(thread_, index, op);
        confinement_.AddMove(*std::move(from), where);
        confinement_.AddMove(*std::move(to), where);
        return absl::OkStatus();
      }
      case OpKind::kClose:
        return CheckClose(index, op.handle);
      case OpKind::kBarrier:
        return absl::OkStatus();  // CheckBarriers looks at all threads
    }
    return Invalid("operation kind ", static_cast<int>(op.kind),
                   " is out of range");
  }

  absl::StatusOr<Components> CheckOpPath(size_t index, const Path& path,
                                         bool is_to) {
    Components base;
    absl::StatusOr<Components> resolved = CheckPath(
        path,
        [this](const std::string& name) { return AnchorTarget(name); },
        &base);
    if (resolved.ok()) {
      const Op& op = scenario_.threads[thread_].ops[index];
      confinement_.AddPath(OpWhere(thread_, index, op),
                           positions_.OfOp(thread_, index, op), path,
                           std::move(base), is_to);
    }
    return resolved;
  }

  absl::StatusOr<const Components*> AnchorTarget(const std::string& name) {
    const auto local = locals_.find(name);
    if (local != locals_.end()) {
      if (local->second.closed_at) {
        return Invalid("handle '", name, "' is used after its close at op ",
                       *local->second.closed_at + 1);
      }
      if (!local->second.directory) {
        return Invalid("handle '", name,
                       "' is not a directory handle; expected one opened "
                       "with options=directory");
      }
      return &local->second.target;
    }
    const auto shared = shared_targets_.find(name);
    if (shared != shared_targets_.end()) return &shared->second;
    return NotHere(name);
  }

  absl::Status CheckClose(size_t index, const std::string& name) {
    if (name.empty()) return Invalid("close names no handle");
    const auto local = locals_.find(name);
    if (local != locals_.end()) {
      if (local->second.closed_at) {
        return Invalid("handle '", name,
                       "' is closed twice; it was closed "
                       "at op ",
                       *local->second.closed_at + 1);
      }
      local->second.closed_at = index;
      return absl::OkStatus();
    }
    if (shared_targets_.contains(name)) {
      return Invalid("handle '", name,
                     "' is shared; expected only a thread's own handles to "
                     "be closed (shared ones close after the last round)");
    }
    return NotHere(name);
  }

  // Why `name` is not one of this thread's open handles nor a shared one.
  absl::Status NotHere(const std::string& name) const {
    const auto definition = definitions_.find(name);
    // Shared handles are all in shared_targets_, so a definition found here
    // is an op's.
    if (definition == definitions_.end() || !definition->second.thread) {
      return Invalid("handle '", name, "' is not defined");
    }
    if (*definition->second.thread != thread_) {
      return Invalid("handle '", name, "' belongs to thread ",
                     *definition->second.thread + 1,
                     "; expected a handle of this thread or a shared one");
    }
    return Invalid("handle '", name, "' is used before its open at op ",
                   definition->second.index + 1);
  }

  const size_t thread_;
  const Scenario& scenario_;
  const absl::flat_hash_map<std::string, Definition>& definitions_;
  const absl::flat_hash_map<std::string, Components>& shared_targets_;
  const Positions& positions_;
  Confinement& confinement_;
  absl::flat_hash_map<std::string, LocalHandle> locals_;
};

// Barriers: each named by at least two threads, at most once per thread,
// and reached in an order that cannot deadlock. A thread that reaches
// barrier a right before barrier b orders a before b; the threads deadlock
// exactly when these orders form a cycle (the first barrier of the cycle to
// be released would need its predecessor released before it).
absl::Status CheckBarriers(const Scenario& scenario,
                           const Positions& positions) {
  struct Use {
    size_t thread;
    size_t op;
  };
  std::map<uint32_t, std::vector<Use>> uses;  // ordered: stable messages
  struct Edge {
    uint32_t to;
    size_t thread;
  };
  std::map<uint32_t, std::vector<Edge>> successors;
  for (size_t t = 0; t < scenario.threads.size(); ++t) {
    const std::vector<Op>& ops = scenario.threads[t].ops;
    absl::optional<uint32_t> previous;
    for (size_t i = 0; i < ops.size(); ++i) {
      if (ops[i].kind != OpKind::kBarrier) continue;
      const uint32_t id = ops[i].barrier;
      std::vector<Use>& id_uses = uses[id];
      if (!id_uses.empty() && id_uses.back().thread == t) {
        return At(OpWhere(t, i, ops[i]),
                  Invalid("barrier ", id,
                          " is named twice by this thread (first at op ",
                          id_uses.back().op + 1,
                          "); expected each barrier at most once per thread"),
                  positions.OfOp(t, i, ops[i]));
      }
      id_uses.push_back(Use{t, i});
      if (previous) successors[*previous].push_back(Edge{id, t});
      previous = id;
    }
  }
  for (const auto& [id, id_uses] : uses) {
    if (id_uses.size() < 2) {
      const Use& use = id_uses.front();
      const Op& op = scenario.threads[use.thread].ops[use.op];
      return At(OpWhere(use.thread, use.op, op),
                Invalid("barrier ", id,
                        " is named by no other thread; expected at least 2 "
                        "threads"),
                positions.OfOp(use.thread, use.op, op));
    }
  }

  // Depth-first search for a cycle, without recursion: barriers may be many.
  enum class Mark : uint8_t { kUnseen, kOnPath, kDone };
  std::map<uint32_t, Mark> marks;
  struct Frame {
    uint32_t id;
    size_t next_edge;
  };
  for (const auto& [root, unused] : uses) {
    if (marks[root] != Mark::kUnseen) continue;
    std::vector<Frame> path = {{root, 0}};
    marks[root] = Mark::kOnPath;
    while (!path.empty()) {
      Frame& frame = path.back();
      const std::vector<Edge>& edges = successors[frame.id];
      if (frame.next_edge == edges.size()) {
        marks[frame.id] = Mark::kDone;
        path.pop_back();
        continue;
      }
      const Edge& edge = edges[frame.next_edge++];
      if (marks[edge.to] == Mark::kUnseen) {
        marks[edge.to] = Mark::kOnPath;
        path.push_back({edge.to, 0});
        continue;
      }
      if (marks[edge.to] != Mark::kOnPath) continue;
      // A cycle: the path from edge.to to here, then this edge back.
      std::vector<std::string> steps;
      size_t start = 0;
      while (path[start].id != edge.to) ++start;
      for (size_t k = start; k < path.size(); ++k) {
        const Edge& step = successors[path[k].id][path[k].next_edge - 1];
        steps.push_back(absl::StrCat("thread ", step.thread + 1,
                                     " reaches barrier ", path[k].id,
                                     " before ", step.to));
      }
      return Invalid("barriers deadlock: ", absl::StrJoin(steps, ", "),
                     "; expected all threads to reach common barriers in "
                     "one order");
    }
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<std::vector<std::string>> ResolvePath(
    const Path& path,
    const std::vector<std::pair<std::string, std::vector<std::string>>>&
        handle_targets) {
  absl::StatusOr<Components> resolved = ResolveComponents(path, handle_targets);
  if (!resolved.ok()) {
    // Without the payload that points the validator's message at the text.
    return absl::Status(resolved.status().code(), resolved.status().message());
  }
  return resolved;
}

absl::Status ValidateScenario(const Scenario& scenario,
                              const ScenarioPositions* text_positions) {
  const Positions positions(scenario, text_positions);
  if (scenario.rounds == 0) {
    return Invalid("rounds: 0; expected at least 1");
  }
  if (scenario.threads.empty() || scenario.threads.size() > kMaxThreads) {
    return Invalid("threads: ", scenario.threads.size(), "; expected 1 to ",
                   kMaxThreads);
  }
  for (size_t t = 0; t < scenario.threads.size(); ++t) {
    const size_t ops = scenario.threads[t].ops.size();
    if (ops > kMaxOpsPerThread) {
      return Invalid("thread ", t + 1, ": ", ops, " ops; expected at most ",
                     kMaxOpsPerThread);
    }
    for (size_t i = 0; i < ops; ++i) {
      const Op& op = scenario.threads[t].ops[i];
      if (op.spin_ns > kMaxSpinNs) {
        return Invalid(OpWhere(t, i, op), ": spin ", op.spin_ns,
                       " ns; expected at most ", kMaxSpinNs, " (10 ms)");
      }
    }
  }
  if (absl::Status status = CheckTree(scenario.tree, positions);
      !status.ok()) {
    return status;
  }
  absl::StatusOr<absl::flat_hash_map<std::string, Definition>> definitions =
      CollectHandles(scenario, positions);
  if (!definitions.ok()) return definitions.status();
  Confinement confinement;
  absl::StatusOr<absl::flat_hash_map<std::string, Components>> shared_targets =
      CheckShared(scenario.shared, scenario.tree, positions, confinement);
  if (!shared_targets.ok()) return shared_targets.status();
  for (size_t t = 0; t < scenario.threads.size(); ++t) {
    if (absl::Status status = ThreadChecker(t, scenario, *definitions,
                                            *shared_targets, positions,
                                            confinement)
                                  .Check();
        !status.ok()) {
      return status;
    }
  }
  if (absl::Status status = confinement.Check(); !status.ok()) return status;
  return CheckBarriers(scenario, positions);
}

}  // namespace openrace
