// bisect.cc — see bisect.h.

#include "harness/repro/bisect.h"

#include <algorithm>
#include <filesystem>
#include <set>
#include <system_error>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "harness/base/platform.h"
#include "harness/repro/stats.h"
#include "harness/scenario/validate.h"

namespace openrace {
namespace {

using HandleTargets = std::vector<std::pair<std::string, Components>>;

// Where every handle of a valid scenario points, sandbox-relative: shared
// handles first, then each thread's in order.
HandleTargets TargetsOf(const Scenario& s) {
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

std::string EscapeCell(absl::string_view text) {
  std::string out;
  for (char ch : text) {
    if (ch == '|' || ch == '\\') out += '\\';
    out += ch;
  }
  return out;
}

}  // namespace

std::vector<Variation> Variations(const Scenario& scenario,
                                  const Finding& where,
                                  absl::string_view backend) {
  Collector c(scenario);
  const OpRef at{where.thread, where.op};
  c.Add("as found", scenario, at);
  if (c.variations().empty() || at.thread >= scenario.threads.size() ||
      at.op >= scenario.threads[at.thread].ops.size() ||
      !IsCall(scenario.threads[at.thread].ops[at.op].kind)) {
    return c.Take();
  }
  const HandleTargets targets = TargetsOf(scenario);
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

absl::StatusOr<FirstFailure> FindFirstFailure(
    const Scenario& scenario, const absl::optional<Signature>& want,
    Prober& prober, uint64_t max_rounds) {
  absl::StatusOr<TrialResult> trial = prober.Run(scenario, want, max_rounds, 1);
  if (!trial.ok()) return trial.status();
  if (trial->failures == 0 || trial->first.empty()) {
    return absl::NotFoundError(
        absl::StrCat("no round showed ", want ? want->ToString() : "a finding",
                     " in ", trial->rounds, " rounds"));
  }
  FirstFailure first;
  first.where = trial->first[0];
  for (const Finding& f : trial->first) {
    if (want && f.signature == *want) {
      first.where = f;
      break;
    }
  }
  first.trace = std::move(trial->first_trace);
  first.rounds = trial->rounds;
  return first;
}

bool SameBug(const Signature& want, const Signature& got) {
  return want.op == got.op && want.outcome == got.outcome;
}

absl::StatusOr<std::vector<BisectRow>> Bisect(const Scenario& scenario,
                                              const Finding& where,
                                              const Signature& signature,
                                              Prober& main, Prober* control,
                                              const BisectOptions& options) {
  if (where.thread >= scenario.threads.size() ||
      where.op >= scenario.threads[where.thread].ops.size() ||
      !IsCall(scenario.threads[where.thread].ops[where.op].kind)) {
    return absl::InvalidArgumentError(absl::StrCat(
        "thread ", where.thread, " op ", where.op,
        " is not a call of the scenario; expected the failing operation"));
  }
  std::vector<Variation> variations =
      Variations(scenario, where, options.backend);
  if (variations.empty()) {
    return absl::InvalidArgumentError("the scenario is not valid");
  }
  auto match = [&](const Finding& f) {
    return SameBug(signature, f.signature);
  };
  auto log = [&](const std::string& line) {
    if (options.log) options.log(line);
  };
  std::vector<BisectRow> rows;
  auto add = [&](const std::string& name, const TrialResult& trial) {
    rows.push_back({name, trial.failures, trial.rounds});
    if (options.row_done) options.row_done(rows.back());
  };

  // As found: the rate every other row is sized by.
  absl::StatusOr<TrialResult> found =
      options.rounds
          ? main.RunMatching(scenario, match, options.rounds, 0)
          : main.RunMatching(scenario, match, options.measure_max_rounds,
                             options.measure_failures);
  if (!found.ok()) return found.status();
  if (found->failures == 0) {
    return absl::FailedPreconditionError(
        absl::StrCat("the scenario did not show ", signature.ToString(), " in ",
                     found->rounds, " rounds; nothing to bisect"));
  }
  add(variations[0].name, *found);
  const double rate = double(found->failures) / found->rounds;
  const uint64_t rounds =
      options.rounds
          ? options.rounds
          : std::min(options.max_rounds,
                     std::max(options.min_rounds,
                              RoundsToDetect(rate * options.rate_fraction,
                                             options.confidence,
                                             options.max_rounds)));

  auto measure = [&](Prober& prober, const std::string& name,
                     const Scenario& s) {
    if (InterruptRequested()) return;
    absl::StatusOr<TrialResult> trial = prober.RunMatching(s, match, rounds, 0);
    if (!trial.ok()) {
      log(absl::StrCat("skipped: ", name, ": ", trial.status().message()));
      return;
    }
    add(name, *trial);
  };
  if (control != nullptr) measure(*control, "control directory", scenario);
  for (size_t i = 1; i < variations.size(); ++i) {
    measure(main, variations[i].name, variations[i].scenario);
  }
  return rows;
}

std::string BisectRate(const BisectRow& row) {
  if (row.rounds == 0) return "-";
  if (row.failures == 0) {
    return absl::StrFormat("< %.3g %%",
                           100 * WilsonInterval(0, row.rounds).high);
  }
  return absl::StrFormat("%.3g %%", 100.0 * row.failures / row.rounds);
}

std::string BisectMarkdown(const std::vector<BisectRow>& rows) {
  std::string md =
      "| variation | failures | rounds | rate |\n"
      "| --- | ---: | ---: | ---: |\n";
  for (const BisectRow& row : rows) {
    absl::StrAppend(&md, "| ", EscapeCell(row.variation), " | ", row.failures,
                    " | ", row.rounds, " | ", BisectRate(row), " |\n");
  }
  return md;
}

namespace {

// Makes `dir` current for its lifetime and restores the previous one.
class ScopedCurrentDirectory {
 public:
  absl::Status Enter(const std::string& dir) {
    std::error_code error;
    previous_ = std::filesystem::current_path(error);
    if (error) {
      return absl::FailedPreconditionError(absl::StrCat(
          "cannot learn the current directory: ", error.message()));
    }
    std::filesystem::current_path(dir, error);
    if (error) {
      return absl::FailedPreconditionError(
          absl::StrCat("cannot change into ", dir, ": ", error.message()));
    }
    entered_ = true;
    return absl::OkStatus();
  }
  ~ScopedCurrentDirectory() {
    if (!entered_) return;
    std::error_code ignored;
    std::filesystem::current_path(previous_, ignored);
  }

 private:
  std::filesystem::path previous_;
  bool entered_ = false;
};

}  // namespace

absl::StatusOr<TrialResult> CurrentDirectoryProber::Run(
    const Scenario& scenario, const absl::optional<Signature>& want,
    uint64_t max_rounds, uint64_t stop_after) {
  ScopedCurrentDirectory cd;
  if (absl::Status s = cd.Enter(dir_); !s.ok()) return s;
  return inner_.Run(scenario, want, max_rounds, stop_after);
}

absl::StatusOr<TrialResult> CurrentDirectoryProber::RunMatching(
    const Scenario& scenario, FindingMatch match, uint64_t max_rounds,
    uint64_t stop_after) {
  ScopedCurrentDirectory cd;
  if (absl::Status s = cd.Enter(dir_); !s.ok()) return s;
  return inner_.RunMatching(scenario, match, max_rounds, stop_after);
}

}  // namespace openrace
