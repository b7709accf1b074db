// validate.cc — the checks every scenario passes before anything runs.
//
// The checks run in the order a reader meets them in the text form (counts,
// tree, handle names, shared handles, threads, barriers) and stop at the
// first problem, so a message always points at the earliest one. Messages
// start with where: "rounds", "tree entry 2 (dir src/a)", "shared handle
// 'd0' (open cwd:src)", "thread 1 op 3 (open h0:..)", with 1-based numbers
// and the item in its text form.
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

// Prefixes `status` with where it happened.
absl::Status At(absl::string_view where, const absl::Status& status) {
  return absl::InvalidArgumentError(
      absl::StrCat(where, ": ", status.message()));
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

// Finds the resolved components of the directory handle a path is anchored
// on, or says why the path may not use it.
using AnchorLookup =
    absl::FunctionRef<absl::StatusOr<const Components*>(const std::string&)>;

absl::StatusOr<Components> CheckPath(const Path& path, AnchorLookup lookup) {
  if (path.anchor > Anchor::kNtObject) {
    return Invalid("anchor ", static_cast<int>(path.anchor),
                   " is out of range");
  }
  std::vector<std::pair<std::string, Components>> targets;
  if (path.anchor == Anchor::kHandle) {
    absl::StatusOr<const Components*> target = lookup(path.handle);
    if (!target.ok()) return target.status();
    targets.emplace_back(path.handle, **target);
  }
  return ResolvePath(path, targets);
}

absl::Status CheckTree(const std::vector<TreeEntry>& tree) {
  // Entry path -> its index, to find parents and duplicates.
  absl::flat_hash_map<absl::string_view, size_t> seen;
  for (size_t i = 0; i < tree.size(); ++i) {
    const TreeEntry& entry = tree[i];
    const std::string where =
        absl::StrCat("tree entry ", i + 1, " (",
                     entry.kind == EntryKind::kDirectory ? "dir " : "file ",
                     entry.path, ")");
    const std::vector<absl::string_view> names =
        absl::StrSplit(entry.path, '/');
    for (size_t n = 0; n < names.size(); ++n) {
      if (!IsValidName(names[n])) {
        return Invalid(where, ": component ", n + 1, " '", names[n],
                       "' is not a name; expected names joined by single '/', "
                       "without '.' or '..'");
      }
    }
    if (auto [it, inserted] = seen.emplace(entry.path, i); !inserted) {
      return Invalid(where, ": '", entry.path, "' is already tree entry ",
                     it->second + 1, "; expected each entry once");
    }
    const size_t slash = entry.path.rfind('/');
    if (slash == std::string::npos) continue;  // a child of the root
    const absl::string_view parent =
        absl::string_view(entry.path).substr(0, slash);
    const auto parent_entry = seen.find(parent);
    if (parent_entry == seen.end()) {
      return Invalid(where, ": parent '", parent,
                     "' is not an earlier entry; expected 'dir ", parent,
                     "' before it");
    }
    if (tree[parent_entry->second].kind != EntryKind::kDirectory) {
      return Invalid(where, ": parent '", parent,
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
    const Scenario& scenario) {
  absl::flat_hash_map<std::string, Definition> definitions;
  auto define = [&](const std::string& name, const Definition& definition,
                    absl::string_view where) -> absl::Status {
    if (!IsValidHandleName(name)) {
      return Invalid(where, ": '", name, "' is not a handle name; expected ",
                     kHandleNameExpected);
    }
    if (auto [it, inserted] = definitions.emplace(name, definition);
        !inserted) {
      return Invalid(where, ": handle '", name, "' is already named by ",
                     DefinitionWhere(it->second, scenario),
                     "; expected each handle name once");
    }
    return absl::OkStatus();
  };
  for (size_t i = 0; i < scenario.shared.size(); ++i) {
    const SharedHandle& shared = scenario.shared[i];
    if (absl::Status status = define(shared.name, Definition{absl::nullopt, i},
                                     absl::StrCat("shared handle ", i + 1));
        !status.ok()) {
      return status;
    }
  }
  for (size_t t = 0; t < scenario.threads.size(); ++t) {
    const std::vector<Op>& ops = scenario.threads[t].ops;
    for (size_t i = 0; i < ops.size(); ++i) {
      if (ops[i].kind != OpKind::kOpen || ops[i].result.empty()) continue;
      if (absl::Status status =
              define(ops[i].result, Definition{t, i}, OpWhere(t, i, ops[i]));
          !status.ok()) {
        return status;
      }
    }
  }
  return definitions;
}

absl::StatusOr<absl::flat_hash_map<std::string, Components>> CheckShared(
    const std::vector<SharedHandle>& shared,
    const std::vector<TreeEntry>& tree) {
  absl::flat_hash_map<std::string, Components> targets;
  for (const SharedHandle& handle : shared) {
    const std::string where =
        absl::StrCat("shared handle '", handle.name, "' (open ",
                     PrintPath(handle.path), ")");
    if (absl::Status status = CheckFlags(handle.flags); !status.ok()) {
      return At(where, status);
    }
    if (!(handle.flags.options & options::kDirectoryFile)) {
      return Invalid(where,
                     ": a shared handle is not a directory open; "
                     "expected options=directory");
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
    absl::StatusOr<Components> target = CheckPath(handle.path, lookup);
    if (!target.ok()) return At(where, target.status());
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
      return Invalid(where, ": '", joined,
                     "' is not a directory of the tree; expected a shared "
                     "handle on a directory the tree builds");
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
      const absl::flat_hash_map<std::string, Components>& shared_targets)
      : thread_(thread),
        scenario_(scenario),
        definitions_(definitions),
        shared_targets_(shared_targets) {}

  absl::Status Check() {
    const std::vector<Op>& ops = scenario_.threads[thread_].ops;
    for (size_t i = 0; i < ops.size(); ++i) {
      if (absl::Status status = CheckOp(i, ops[i]); !status.ok()) {
        return At(OpWhere(thread_, i, ops[i]), status);
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
        absl::StatusOr<Components> target = CheckOpPath(op.path);
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
        return CheckOpPath(op.path).status();
      case OpKind::kRename: {
        if (absl::Status status = CheckOpPath(op.path).status(); !status.ok()) {
          return status;
        }
        return CheckOpPath(op.to).status();
      }
      case OpKind::kClose:
        return CheckClose(index, op.handle);
      case OpKind::kBarrier:
        return absl::OkStatus();  // CheckBarriers looks at all threads
    }
    return Invalid("operation kind ", static_cast<int>(op.kind),
                   " is out of range");
  }

  absl::StatusOr<Components> CheckOpPath(const Path& path) {
    return CheckPath(
        path, [this](const std::string& name) { return AnchorTarget(name); });
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
  absl::flat_hash_map<std::string, LocalHandle> locals_;
};

// Barriers: each named by at least two threads, at most once per thread,
// and reached in an order that cannot deadlock. A thread that reaches
// barrier a right before barrier b orders a before b; the threads deadlock
// exactly when these orders form a cycle (the first barrier of the cycle to
// be released would need its predecessor released before it).
absl::Status CheckBarriers(const Scenario& scenario) {
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
        return Invalid(OpWhere(t, i, ops[i]), ": barrier ", id,
                       " is named twice by this thread (first at op ",
                       id_uses.back().op + 1,
                       "); expected each barrier at most once per thread");
      }
      id_uses.push_back(Use{t, i});
      if (previous) successors[*previous].push_back(Edge{id, t});
      previous = id;
    }
  }
  for (const auto& [id, id_uses] : uses) {
    if (id_uses.size() < 2) {
      const Use& use = id_uses.front();
      return Invalid(
          OpWhere(use.thread, use.op, scenario.threads[use.thread].ops[use.op]),
          ": barrier ", id,
          " is named by no other thread; expected at least 2 threads");
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
        return Invalid("path climbs above the sandbox root at component ",
                       i + 1, " '..'");
      }
      resolved.pop_back();
      continue;
    }
    if (!IsValidName(component)) {
      return Invalid("component ", i + 1, " '", component,
                     "' is not a name, '.' or '..'");
    }
    resolved.push_back(component);
  }
  return resolved;
}

absl::Status ValidateScenario(const Scenario& scenario) {
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
  if (absl::Status status = CheckTree(scenario.tree); !status.ok()) {
    return status;
  }
  absl::StatusOr<absl::flat_hash_map<std::string, Definition>> definitions =
      CollectHandles(scenario);
  if (!definitions.ok()) return definitions.status();
  absl::StatusOr<absl::flat_hash_map<std::string, Components>> shared_targets =
      CheckShared(scenario.shared, scenario.tree);
  if (!shared_targets.ok()) return shared_targets.status();
  for (size_t t = 0; t < scenario.threads.size(); ++t) {
    if (absl::Status status =
            ThreadChecker(t, scenario, *definitions, *shared_targets).Check();
        !status.ok()) {
      return status;
    }
  }
  return CheckBarriers(scenario);
}

}  // namespace openrace
