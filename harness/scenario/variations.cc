// variations.cc — see variations.h.

#include "harness/scenario/variations.h"

#include <algorithm>
#include <set>
#include <utility>

#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/types/optional.h"
#include "harness/scenario/validate.h"

namespace openrace {
namespace {
// The directory a path's components start from, sandbox-relative.
Components AnchorDirectory(const Path& path, const HandleTargets& targets) {
  if (path.anchor != Anchor::kHandle) return {};
  for (const auto& [name, target] : targets) {
    if (name == path.handle) return target;
  }
  return {};
}

// The same components, spelled from another anchor that names the sandbox
// root (cwd, abs): the anchor's directory, then the path as written, so
// only the anchor changes and `.`/`..` detours stay.
Path Rebase(const Path& path, Anchor anchor, const HandleTargets& targets) {
  Path out = path;
  Components components = AnchorDirectory(path, targets);
  components.insert(components.end(), path.components.begin(),
                    path.components.end());
  out.anchor = anchor;
  out.handle.clear();
  out.components = std::move(components);
  return out;
}

// The resolved target spelled from a Windows root anchor (`\\?\`, `\??\`),
// which takes no `.`, `..`, `/` or doubled separators. Empty components
// (the sandbox root itself) cannot be spelled.
absl::optional<Path> WindowsForm(const Path& path, Anchor anchor,
                                 const HandleTargets& targets) {
  absl::StatusOr<Components> resolved = ResolvePath(path, targets);
  if (!resolved.ok() || resolved->empty()) return absl::nullopt;
  Path out;
  out.anchor = anchor;
  out.components = *std::move(resolved);
  out.separator = SeparatorStyle::kBackslash;
  out.trailing_separator = path.trailing_separator;
  return out;
}

bool IsTreeDirectory(const Scenario& s, const Components& dir) {
  if (dir.empty()) return true;  // the sandbox root
  const std::string joined = absl::StrJoin(dir, "/");
  for (const TreeEntry& e : s.tree) {
    if (e.path == joined) return e.kind == EntryKind::kDirectory;
  }
  return false;
}

std::string UniqueHandleName(const Scenario& s, const std::string& base) {
  std::set<std::string> taken;
  for (const SharedHandle& h : s.shared) taken.insert(h.name);
  for (const ThreadProgram& t : s.threads) {
    for (const Op& op : t.ops) {
      if (!op.result.empty()) taken.insert(op.result);
    }
  }
  std::string name = base;
  for (int i = 2; taken.count(name); ++i) name = absl::StrCat(base, i);
  return name;
}

// Collects variations, keeping the valid ones that change something.
class Collector {
 public:
  explicit Collector(const Scenario& original) : original_(original) {}

  void Add(std::string name, Scenario scenario, OpRef failing) {
    if (!out_.empty() && scenario == original_) return;
    if (!ValidateScenario(scenario).ok()) return;
    out_.push_back({std::move(name), std::move(scenario), failing});
  }
  const std::vector<Variation>& variations() const { return out_; }
  std::vector<Variation> Take() { return std::move(out_); }

 private:
  const Scenario& original_;
  std::vector<Variation> out_;
};

void AbsolutePathVariations(const Scenario& s, OpRef at,
                            const HandleTargets& targets, Collector& c) {
  const Op& failing = s.threads[at.thread].ops[at.op];
  auto relative = [](const Path& p) {
    return p.anchor == Anchor::kCwd || p.anchor == Anchor::kHandle;
  };
  Scenario one = s;
  Op& op = one.threads[at.thread].ops[at.op];
  if (failing.path.anchor != Anchor::kAbsolute) {
    op.path = Rebase(failing.path, Anchor::kAbsolute, targets);
    if (failing.kind == OpKind::kRename && relative(failing.to)) {
      op.to = Rebase(failing.to, Anchor::kAbsolute, targets);
    }
    c.Add("absolute path", one, at);
  }

  Scenario all = s;
  for (SharedHandle& h : all.shared) {
    if (relative(h.path)) h.path = Rebase(h.path, Anchor::kAbsolute, targets);
  }
  for (ThreadProgram& t : all.threads) {
    for (Op& o : t.ops) {
      if (!IsCall(o.kind)) continue;
      if (relative(o.path)) o.path = Rebase(o.path, Anchor::kAbsolute, targets);
      if (o.kind == OpKind::kRename && relative(o.to)) {
        o.to = Rebase(o.to, Anchor::kAbsolute, targets);
      }
    }
  }
  if (all != one) c.Add("all paths absolute", std::move(all), at);
}

void AnchorVariations(const Scenario& s, OpRef at, const HandleTargets& targets,
                      Collector& c) {
  const Op& failing = s.threads[at.thread].ops[at.op];
  if (failing.path.anchor == Anchor::kCwd) {
    absl::StatusOr<Components> target = ResolvePath(failing.path, targets);
    if (!target.ok()) return;
    Components parent = *target;
    std::string name = ".";
    if (!parent.empty()) {
      name = parent.back();
      parent.pop_back();
    }
    if (!IsTreeDirectory(s, parent)) return;  // made by a round, not there yet
    Scenario copy = s;
    SharedHandle handle;
    handle.name = UniqueHandleName(s, "d_bisect");
    handle.path.anchor = Anchor::kCwd;
    handle.path.components = parent.empty() ? Components{"."} : parent;
    handle.flags.options = options::kDirectoryFile;
    copy.shared.push_back(handle);
    Op& op = copy.threads[at.thread].ops[at.op];
    auto anchored = [&](const Path& p, const std::string& last) {
      Path out;
      out.anchor = Anchor::kHandle;
      out.handle = handle.name;
      out.components = {last};
      out.separator = p.separator;
      out.trailing_separator = p.trailing_separator;
      return out;
    };
    op.path = anchored(failing.path, name);
    if (failing.kind == OpKind::kRename) {
      // The new name moves to the handle too when it is in the same
      // directory; elsewhere it stays as written.
      absl::StatusOr<Components> to = ResolvePath(failing.to, targets);
      if (to.ok() && !to->empty() &&
          Components(to->begin(), to->end() - 1) == parent) {
        op.to = anchored(failing.to, to->back());
      }
    }
    c.Add("directory handle anchor", std::move(copy), at);
  } else {
    Scenario copy = s;
    Op& op = copy.threads[at.thread].ops[at.op];
    op.path = Rebase(failing.path, Anchor::kCwd, targets);
    if (failing.kind == OpKind::kRename && failing.to.anchor != Anchor::kCwd) {
      op.to = Rebase(failing.to, Anchor::kCwd, targets);
    }
    c.Add("current-directory anchor", std::move(copy), at);
  }
}

void WindowsFormVariation(const Scenario& s, OpRef at,
                          const HandleTargets& targets, Anchor anchor,
                          const std::string& name, Collector& c) {
  const Op& failing = s.threads[at.thread].ops[at.op];
  if (failing.path.anchor == anchor) return;
  absl::optional<Path> path = WindowsForm(failing.path, anchor, targets);
  if (!path) return;
  Scenario copy = s;
  Op& op = copy.threads[at.thread].ops[at.op];
  op.path = *path;
  if (failing.kind == OpKind::kRename) {
    absl::optional<Path> to = WindowsForm(failing.to, anchor, targets);
    if (!to) return;
    op.to = *to;
  }
  c.Add(name, std::move(copy), at);
}

void OneThreadVariation(const Scenario& s, OpRef at, Collector& c) {
  if (s.threads.size() < 2) return;
  Scenario copy = s;
  ThreadProgram kept;
  size_t failing = 0;
  for (size_t i = 0; i < s.threads[at.thread].ops.size(); ++i) {
    const Op& op = s.threads[at.thread].ops[i];
    if (i == at.op) failing = kept.ops.size();
    if (op.kind != OpKind::kBarrier) kept.ops.push_back(op);
  }
  copy.threads = {std::move(kept)};
  c.Add("one thread", std::move(copy), OpRef{0, failing});
}

void NoHeldHandleVariation(const Scenario& s, OpRef at, Collector& c) {
  std::set<std::string> anchors;
  auto note = [&](const Path& p) {
    if (p.anchor == Anchor::kHandle) anchors.insert(p.handle);
  };
  for (const SharedHandle& h : s.shared) note(h.path);
  for (const ThreadProgram& t : s.threads) {
    for (const Op& op : t.ops) {
      if (!IsCall(op.kind)) continue;
      note(op.path);
      if (op.kind == OpKind::kRename) note(op.to);
    }
  }
  Scenario copy = s;
  OpRef failing = at;
  bool changed = false;
  for (size_t t = 0; t < s.threads.size(); ++t) {
    std::set<std::string> dropped;
    std::vector<Op> kept;
    for (size_t i = 0; i < s.threads[t].ops.size(); ++i) {
      Op op = s.threads[t].ops[i];
      if (op.kind == OpKind::kClose && dropped.count(op.handle)) {
        if (t == at.thread && i < at.op) --failing.op;
        continue;
      }
      if (op.kind == OpKind::kOpen && !op.result.empty() &&
          !anchors.count(op.result)) {
        dropped.insert(op.result);
        op.result.clear();
        changed = true;
      }
      kept.push_back(std::move(op));
    }
    copy.threads[t].ops = std::move(kept);
  }
  if (changed) c.Add("no held handle", std::move(copy), failing);
}

void FlagResetVariations(const Scenario& s, OpRef at, Collector& c) {
  const Op& failing = s.threads[at.thread].ops[at.op];
  const OpenFlags defaults;
  auto reset = [&](const std::string& name, auto edit) {
    Scenario copy = s;
    edit(copy.threads[at.thread].ops[at.op]);
    c.Add(absl::StrCat(name, " reset"), std::move(copy), at);
  };
  if (failing.kind == OpKind::kOpen) {
    const OpenFlags& f = failing.flags;
    if (f.access != defaults.access) {
      reset("access", [&](Op& op) { op.flags.access = defaults.access; });
    }
    if (f.share != defaults.share) {
      reset("share", [&](Op& op) { op.flags.share = defaults.share; });
    }
    if (f.disposition != defaults.disposition) {
      reset("disp",
            [&](Op& op) { op.flags.disposition = defaults.disposition; });
    }
    if (f.options != defaults.options) {
      reset("options", [&](Op& op) { op.flags.options = defaults.options; });
    }
    if (f.attributes != defaults.attributes) {
      reset("attrs",
            [&](Op& op) { op.flags.attributes = defaults.attributes; });
    }
  }
  if (failing.spin_ns != 0) {
    reset("spin", [](Op& op) { op.spin_ns = 0; });
  }
}

}  // namespace

HandleTargets HandleTargetsOf(const Scenario& s) {
  HandleTargets targets;
  for (const SharedHandle& h : s.shared) {
    absl::StatusOr<Components> r = ResolvePath(h.path, targets);
    targets.emplace_back(h.name, r.ok() ? *r : Components{});
  }
  for (const ThreadProgram& t : s.threads) {
    for (const Op& op : t.ops) {
      if (op.kind != OpKind::kOpen || op.result.empty()) continue;
      absl::StatusOr<Components> r = ResolvePath(op.path, targets);
      targets.emplace_back(op.result, r.ok() ? *r : Components{});
    }
  }
  return targets;
}

std::vector<Variation> Variations(const Scenario& scenario, OpRef at,
                                  absl::string_view backend) {
  Collector c(scenario);
  c.Add("as found", scenario, at);
  if (c.variations().empty() || at.thread >= scenario.threads.size() ||
      at.op >= scenario.threads[at.thread].ops.size() ||
      !IsCall(scenario.threads[at.thread].ops[at.op].kind)) {
    return c.Take();
  }
  const HandleTargets targets = HandleTargetsOf(scenario);
  const bool windows = backend == "win32" || backend == "nt";
  AbsolutePathVariations(scenario, at, targets, c);
  AnchorVariations(scenario, at, targets, c);
  if (backend == "win32") {
    WindowsFormVariation(scenario, at, targets, Anchor::kWin32Device,
                         "\\\\?\\ form", c);
  } else if (backend == "nt") {
    WindowsFormVariation(scenario, at, targets, Anchor::kNtObject,
                         "\\??\\ form", c);
  }
  OneThreadVariation(scenario, at, c);
  NoHeldHandleVariation(scenario, at, c);
  FlagResetVariations(scenario, at, c);
  if (windows && scenario.threads[at.thread].ops[at.op].kind == OpKind::kOpen) {
    Scenario copy = scenario;
    copy.threads[at.thread].ops[at.op].flags.options ^=
        options::kOpenForBackupIntent;
    c.Add("backup semantics toggled", std::move(copy), at);
  }
  return c.Take();
}

}  // namespace openrace
