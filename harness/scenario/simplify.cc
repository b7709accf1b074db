// simplify.cc — the candidates of simplify.h.

#include "harness/scenario/simplify.h"

#include <algorithm>
#include <functional>
#include <map>
#include <set>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "harness/scenario/scenario_text.h"
#include "harness/scenario/validate.h"

namespace openrace {
namespace {

bool AnchoredOn(const Op& op, const std::set<std::string>& names) {
  auto on = [&](const Path& p) {
    return p.anchor == Anchor::kHandle && names.count(p.handle) > 0;
  };
  if (op.kind == OpKind::kClose) return names.count(op.handle) > 0;
  if (op.kind == OpKind::kBarrier) return false;
  return on(op.path) || (op.kind == OpKind::kRename && on(op.to));
}

// Removes op `index` of `thread` and every later op of the thread that
// closes its handle or is anchored on it, transitively.
void DropOp(ThreadProgram& thread, size_t index) {
  std::set<std::string> dropped;
  if (!thread.ops[index].result.empty()) {
    dropped.insert(thread.ops[index].result);
  }
  std::vector<Op> kept(thread.ops.begin(), thread.ops.begin() + index);
  for (size_t i = index + 1; i < thread.ops.size(); ++i) {
    const Op& op = thread.ops[i];
    if (AnchoredOn(op, dropped)) {
      if (!op.result.empty()) dropped.insert(op.result);
      continue;
    }
    kept.push_back(op);
  }
  thread.ops = std::move(kept);
}

// Removes barrier ops whose id no other thread names any more.
void DropLonelyBarriers(Scenario& s) {
  std::map<uint32_t, int> threads_naming;
  for (const ThreadProgram& t : s.threads) {
    std::set<uint32_t> ids;
    for (const Op& op : t.ops) {
      if (op.kind == OpKind::kBarrier) ids.insert(op.barrier);
    }
    for (uint32_t id : ids) ++threads_naming[id];
  }
  for (ThreadProgram& t : s.threads) {
    t.ops.erase(std::remove_if(t.ops.begin(), t.ops.end(),
                               [&](const Op& op) {
                                 return op.kind == OpKind::kBarrier &&
                                        threads_naming[op.barrier] < 2;
                               }),
                t.ops.end());
  }
}

// Calls `fn` on every path of the scenario with a name for the log.
void ForEachPath(Scenario& s,
                 const std::function<void(Path&, const std::string&)>& fn) {
  for (size_t h = 0; h < s.shared.size(); ++h) {
    fn(s.shared[h].path, absl::StrCat("shared ", s.shared[h].name));
  }
  for (size_t t = 0; t < s.threads.size(); ++t) {
    for (size_t i = 0; i < s.threads[t].ops.size(); ++i) {
      Op& op = s.threads[t].ops[i];
      if (op.kind == OpKind::kClose || op.kind == OpKind::kBarrier) continue;
      const std::string where = absl::StrCat("thread ", t + 1, " op ", i + 1);
      fn(op.path, where);
      if (op.kind == OpKind::kRename) fn(op.to, where + " (to)");
    }
  }
}

size_t PathCount(const Scenario& s) {
  size_t n = 0;
  Scenario copy = s;
  ForEachPath(copy, [&](Path&, const std::string&) { ++n; });
  return n;
}

// Applies `edit` to the n-th path (in ForEachPath order) of a copy.
Scenario EditPath(const Scenario& s, size_t n,
                  const std::function<void(Path&)>& edit,
                  std::string* where) {
  Scenario copy = s;
  size_t i = 0;
  ForEachPath(copy, [&](Path& p, const std::string& name) {
    if (i++ == n) {
      edit(p);
      *where = name;
    }
  });
  return copy;
}

// Keeps the candidates that are valid and visibly simpler: a step whose
// result prints like its parent (a separator style on a path of one
// component, say) changes nothing a reader or the minimizer could see.
class Collector {
 public:
  Collector(const Scenario& parent, std::vector<Candidate>* out)
      : parent_text_(PrintScenario(parent)), out_(out) {}
  void Add(std::string step, Scenario scenario, bool timing = false) {
    if (!ValidateScenario(scenario).ok()) return;
    if (PrintScenario(scenario) == parent_text_) return;
    out_->push_back({std::move(step), std::move(scenario), timing});
  }

 private:
  const std::string parent_text_;
  std::vector<Candidate>* out_;
};

void DropThreads(const Scenario& s, Collector& c) {
  if (s.threads.size() < 2) return;
  for (size_t t = 0; t < s.threads.size(); ++t) {
    Scenario copy = s;
    copy.threads.erase(copy.threads.begin() + t);
    DropLonelyBarriers(copy);
    c.Add(absl::StrCat("drop thread ", t + 1), std::move(copy));
  }
}

void DropOps(const Scenario& s, Collector& c) {
  for (size_t t = 0; t < s.threads.size(); ++t) {
    for (size_t i = 0; i < s.threads[t].ops.size(); ++i) {
      const OpKind kind = s.threads[t].ops[i].kind;
      if (kind == OpKind::kBarrier || kind == OpKind::kClose) continue;
      Scenario copy = s;
      DropOp(copy.threads[t], i);
      if (copy.threads[t].ops.empty()) continue;  // dropping a thread did it
      c.Add(absl::StrCat("drop thread ", t + 1, " op ", i + 1), std::move(copy));
    }
  }
  for (size_t h = 0; h < s.shared.size(); ++h) {
    Scenario copy = s;
    copy.shared.erase(copy.shared.begin() + h);
    c.Add(absl::StrCat("drop shared ", s.shared[h].name), std::move(copy));
  }
}

void DropHolds(const Scenario& s, Collector& c) {
  for (size_t t = 0; t < s.threads.size(); ++t) {
    for (size_t i = 0; i < s.threads[t].ops.size(); ++i) {
      const std::string name = s.threads[t].ops[i].result;
      if (name.empty()) continue;
      Scenario copy = s;
      std::vector<Op>& ops = copy.threads[t].ops;
      ops[i].result.clear();
      ops.erase(std::remove_if(ops.begin(), ops.end(),
                               [&](const Op& op) {
                                 return op.kind == OpKind::kClose &&
                                        op.handle == name;
                               }),
                ops.end());
      c.Add(absl::StrCat("drop hold ", name), std::move(copy));
    }
  }
}

// Barriers are never dropped on their own: they order the calls (a hold
// before another thread's reopen, say), and that order is what makes a
// reproducer fail on another machine and in the C program, where the
// scheduler's luck differs. Only a thread or an op going can take one away.
void DropOffsets(const Scenario& s, Collector& c) {
  for (size_t t = 0; t < s.threads.size(); ++t) {
    for (size_t i = 0; i < s.threads[t].ops.size(); ++i) {
      if (s.threads[t].ops[i].spin_ns == 0) continue;
      Scenario copy = s;
      copy.threads[t].ops[i].spin_ns = 0;
      c.Add(absl::StrCat("drop spin of thread ", t + 1, " op ", i + 1),
            std::move(copy), /*timing=*/true);
    }
  }
}

void DropDetours(const Scenario& s, Collector& c) {
  const size_t paths = PathCount(s);
  for (size_t n = 0; n < paths; ++n) {
    // Try each removable "." and each "name/.." pair of path n.
    for (size_t k = 0;; ++k) {
      bool exists = false;
      std::string where;
      Scenario copy = EditPath(s, n, [&](Path& p) {
        std::vector<std::string>& comps = p.components;
        size_t seen = 0;
        for (size_t i = 0; i < comps.size(); ++i) {
          const bool dot = comps[i] == "." && comps.size() > 1;
          const bool pair = i + 1 < comps.size() && comps[i + 1] == ".." &&
                            comps[i] != ".." && comps[i] != ".";
          if (!dot && !pair) continue;
          if (seen++ != k) continue;
          comps.erase(comps.begin() + i, comps.begin() + i + (dot ? 1 : 2));
          if (comps.empty()) comps.push_back(".");
          exists = true;
          return;
        }
      }, &where);
      if (!exists) break;
      c.Add("drop a detour in " + where, std::move(copy));
    }
  }
}

void PlainSpelling(const Scenario& s, Collector& c) {
  const size_t paths = PathCount(s);
  for (size_t n = 0; n < paths; ++n) {
    std::string where;
    bool changed = false;
    Scenario copy = EditPath(s, n, [&](Path& p) {
      changed = p.doubled_separators || p.trailing_separator ||
                p.separator != SeparatorStyle::kSlash;
      p.doubled_separators = false;
      p.trailing_separator = false;
      p.separator = SeparatorStyle::kSlash;
    }, &where);
    if (changed) c.Add("plain spelling in " + where, std::move(copy));
  }
}

bool UnderDir(const std::string& path, const std::string& dir) {
  return path.size() > dir.size() && absl::StartsWith(path, dir) &&
         path[dir.size()] == '/';
}

void ShrinkTree(const Scenario& s, Collector& c) {
  for (const TreeEntry& entry : s.tree) {
    Scenario copy = s;
    copy.tree.erase(std::remove_if(copy.tree.begin(), copy.tree.end(),
                                   [&](const TreeEntry& e) {
                                     return e.path == entry.path ||
                                            UnderDir(e.path, entry.path);
                                   }),
                    copy.tree.end());
    c.Add("drop tree entry " + entry.path, std::move(copy));
  }
  // Flatten: remove directory level D from the tree and from every path
  // that walks through it. Only for scenarios whose paths are plain names
  // from the root, where the rewrite is unambiguous.
  bool plain = true;
  Scenario probe = s;
  ForEachPath(probe, [&](Path& p, const std::string&) {
    if (p.anchor == Anchor::kHandle) plain = false;
    for (const std::string& comp : p.components) {
      if (comp == "." || comp == "..") plain = false;
    }
  });
  if (!plain) return;
  for (const TreeEntry& dir : s.tree) {
    if (dir.kind != EntryKind::kDirectory) continue;
    const std::vector<std::string> d = absl::StrSplit(dir.path, '/');
    Scenario copy = s;
    std::vector<TreeEntry> tree;
    for (TreeEntry e : copy.tree) {
      if (e.path == dir.path) continue;
      if (UnderDir(e.path, dir.path)) {
        std::vector<std::string> parts = absl::StrSplit(e.path, '/');
        parts.erase(parts.begin() + (d.size() - 1));
        e.path = absl::StrJoin(parts, "/");
      }
      tree.push_back(e);
    }
    copy.tree = tree;
    ForEachPath(copy, [&](Path& p, const std::string&) {
      auto& comps = p.components;
      if (comps.size() > d.size() &&
          std::equal(d.begin(), d.end(), comps.begin())) {
        comps.erase(comps.begin() + (d.size() - 1));
      }
    });
    // A flattened tree may now name one entry twice: validation says so.
    c.Add("flatten directory " + dir.path, std::move(copy));
  }
}

void ResetFlags(const Scenario& s, Collector& c) {
  const OpenFlags defaults;
  auto reset_all = [&](const OpenFlags& flags, const std::string& where,
                       const std::function<OpenFlags&(Scenario&)>& at) {
    auto one = [&](const char* name, bool differs,
                   const std::function<void(OpenFlags&)>& reset) {
      if (!differs) return;
      Scenario copy = s;
      reset(at(copy));
      c.Add(absl::StrCat("reset ", name, " of ", where), std::move(copy));
    };
    one("access", flags.access != defaults.access,
        [&](OpenFlags& f) { f.access = defaults.access; });
    one("share", flags.share != defaults.share,
        [&](OpenFlags& f) { f.share = defaults.share; });
    one("disp", flags.disposition != defaults.disposition,
        [&](OpenFlags& f) { f.disposition = defaults.disposition; });
    one("options", flags.options != defaults.options,
        [&](OpenFlags& f) { f.options = defaults.options; });
    one("attrs", flags.attributes != defaults.attributes,
        [&](OpenFlags& f) { f.attributes = defaults.attributes; });
  };
  for (size_t h = 0; h < s.shared.size(); ++h) {
    reset_all(s.shared[h].flags, "shared " + s.shared[h].name,
              [h](Scenario& x) -> OpenFlags& { return x.shared[h].flags; });
  }
  for (size_t t = 0; t < s.threads.size(); ++t) {
    for (size_t i = 0; i < s.threads[t].ops.size(); ++i) {
      const Op& op = s.threads[t].ops[i];
      if (op.kind != OpKind::kOpen && op.kind != OpKind::kDelete) continue;
      reset_all(op.flags, absl::StrCat("thread ", t + 1, " op ", i + 1),
                [t, i](Scenario& x) -> OpenFlags& {
                  return x.threads[t].ops[i].flags;
                });
    }
  }
}

}  // namespace

std::vector<Candidate> Simplifications(const Scenario& scenario) {
  std::vector<Candidate> candidates;
  Collector c(scenario, &candidates);
  DropThreads(scenario, c);
  DropOps(scenario, c);
  DropHolds(scenario, c);
  DropOffsets(scenario, c);
  DropDetours(scenario, c);
  PlainSpelling(scenario, c);
  ShrinkTree(scenario, c);
  ResetFlags(scenario, c);
  return candidates;
}

}  // namespace openrace
