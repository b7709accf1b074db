// generator.cc — random scenarios that make calls collide.
//
// The file-system bugs openrace hunts only show when calls overlap on the
// same entry or on entries under one parent, so the generator is biased
// towards collisions: it draws a small tree, picks a few "hot" entries, and
// makes most operations of every thread target a hot entry or a fresh name
// beside one. Holds (an open whose handle stays live across a barrier while
// other threads call) and spin offsets slide the calls against each other.
//
// Every choice is drawn from the caller's bit generator, so a seed gives the
// same scenario on every machine; the result always passes ValidateScenario.

#include "harness/scenario/generator.h"

#include <algorithm>
#include <string>
#include <vector>

#include "absl/random/distributions.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"

namespace openrace {
namespace {

constexpr const char* kDirNames[] = {"src", "a", "b", "inc", "out"};
constexpr const char* kFileNames[] = {"foo.h", "bar.h", "main.c", "x"};

// A drawn entry of the tree, by its components.
struct Entry {
  std::vector<std::string> components;
  EntryKind kind;
};

std::string JoinComponents(const std::vector<std::string>& components) {
  return absl::StrJoin(components, "/");
}

bool Chance(absl::BitGenRef gen, double p) { return absl::Bernoulli(gen, p); }

template <typename T>
const T& Pick(absl::BitGenRef gen, const std::vector<T>& items) {
  return items[absl::Uniform<size_t>(gen, 0, items.size())];
}

// Draws directories (never deeper than max_depth) and files under them.
std::vector<Entry> DrawTree(absl::BitGenRef gen,
                            const GeneratorOptions& options) {
  std::vector<Entry> entries;
  std::vector<std::vector<std::string>> dirs = {{}};  // the root
  const int total = absl::Uniform<int>(absl::IntervalClosed, gen, 2,
                                       std::max(2, options.max_tree_entries));
  for (int i = 0; i < total; ++i) {
    const std::vector<std::string>& parent = Pick(gen, dirs);
    const bool can_nest = static_cast<int>(parent.size()) < options.max_depth;
    const bool make_dir = can_nest && (i == 0 || Chance(gen, 0.4));
    std::vector<std::string> path = parent;
    if (make_dir) {
      path.push_back(kDirNames[absl::Uniform<size_t>(gen, 0, 5)]);
    } else {
      path.push_back(kFileNames[absl::Uniform<size_t>(gen, 0, 4)]);
    }
    const bool taken = std::any_of(entries.begin(), entries.end(),
                                   [&](const Entry& e) {
                                     return e.components == path;
                                   });
    if (taken) continue;
    entries.push_back({path, make_dir ? EntryKind::kDirectory
                                      : EntryKind::kFile});
    if (make_dir) dirs.push_back(path);
  }
  return entries;
}

class ScenarioBuilder {
 public:
  ScenarioBuilder(absl::BitGenRef gen, const GeneratorOptions& options)
      : gen_(gen), options_(options) {}

  Scenario Build() {
    Scenario scenario;
    scenario.rounds = std::max<uint64_t>(1, options_.rounds);
    entries_ = DrawTree(gen_, options_);
    for (const Entry& e : entries_) {
      scenario.tree.push_back({e.kind, JoinComponents(e.components)});
      if (e.kind == EntryKind::kDirectory) dirs_.push_back(e);
    }
    // Hot entries: most calls of every thread aim at one of these.
    const int hot_count = absl::Uniform<int>(absl::IntervalClosed, gen_, 1, 2);
    for (int i = 0; i < hot_count; ++i) hot_.push_back(Pick(gen_, entries_));

    if (!dirs_.empty() && UsesAnchor(Anchor::kHandle) && Chance(gen_, 0.5)) {
      const Entry& dir = Pick(gen_, dirs_);
      SharedHandle shared;
      shared.name = "d0";
      shared.path = PlainPath(Anchor::kCwd, "", dir.components);
      shared.flags.options = options::kDirectoryFile;
      scenario.shared.push_back(shared);
      shared_dir_ = dir.components;
    }

    const int threads =
        absl::Uniform<int>(absl::IntervalClosed, gen_, 2,
                           std::max(2, options_.max_threads));
    // Barrier 1 and 2 bracket the holds of every thread that uses them, so
    // a held handle is live while the other threads make their calls.
    const bool bracket = Chance(gen_, 0.7);
    for (int t = 0; t < threads; ++t) {
      scenario.threads.push_back(DrawThread(t, bracket));
    }
    return scenario;
  }

 private:
  bool UsesAnchor(Anchor anchor) const {
    return std::find(options_.anchors.begin(), options_.anchors.end(),
                     anchor) != options_.anchors.end();
  }

  static Path PlainPath(Anchor anchor, std::string handle,
                        std::vector<std::string> components) {
    Path path;
    path.anchor = anchor;
    path.handle = std::move(handle);
    path.components = std::move(components);
    return path;
  }

  // A target entry: usually hot, sometimes any entry, sometimes a fresh
  // name beside a hot one (for creates).
  std::vector<std::string> DrawTarget(bool fresh) {
    const Entry& base = Chance(gen_, 0.8) ? Pick(gen_, hot_)
                                          : Pick(gen_, entries_);
    if (!fresh) return base.components;
    std::vector<std::string> parent = base.components;
    if (base.kind == EntryKind::kFile || Chance(gen_, 0.5)) parent.pop_back();
    parent.push_back(absl::StrCat("new", absl::Uniform<int>(gen_, 0, 3)));
    return parent;
  }

  // Spells `target` (sandbox-relative components) from one of the allowed
  // anchors, with optional detours and separator styles.
  Path Spell(const std::vector<std::string>& target,
             const std::vector<std::pair<std::string, std::vector<std::string>>>&
                 dir_handles) {
    std::vector<Anchor> choices;
    for (Anchor a : options_.anchors) {
      if (a == Anchor::kHandle) {
        if (!dir_handles.empty()) choices.push_back(a);
      } else {
        choices.push_back(a);
      }
    }
    if (choices.empty()) choices.push_back(Anchor::kCwd);
    // The bug class is about relative paths: weight the current directory.
    Anchor anchor = Chance(gen_, 0.5) && UsesAnchor(Anchor::kCwd)
                        ? Anchor::kCwd
                        : Pick(gen_, choices);
    Path path;
    path.anchor = anchor;
    std::vector<std::string> base;  // where the anchor points
    if (anchor == Anchor::kHandle) {
      const auto& handle = Pick(gen_, dir_handles);
      path.handle = handle.first;
      base = handle.second;
    }
    // Climb from the anchor to the common prefix of base and target with
    // "..", then descend: stays inside the sandbox by construction.
    size_t common = 0;
    while (common < base.size() && common < target.size() &&
           base[common] == target[common]) {
      ++common;
    }
    for (size_t i = common; i < base.size(); ++i) {
      path.components.push_back("..");
    }
    for (size_t i = common; i < target.size(); ++i) {
      if (options_.detours && i > common && Chance(gen_, 0.1)) {
        // `a/../a/b`: step back out of the directory just entered and in
        // again; never above the level the path had already reached.
        path.components.push_back("..");
        path.components.push_back(target[i - 1]);
      }
      path.components.push_back(target[i]);
    }
    if (options_.detours && Chance(gen_, 0.1)) {
      path.components.insert(path.components.begin(), ".");
    }
    if (path.components.empty()) path.components.push_back(".");
    // Separator spellings only mean something between two components.
    if (options_.spellings && path.components.size() > 1) {
      if (Chance(gen_, 0.1)) path.doubled_separators = true;
      if (Chance(gen_, 0.05)) path.separator = SeparatorStyle::kBackslash;
    }
    return path;
  }

  ThreadProgram DrawThread(int index, bool bracket) {
    ThreadProgram program;
    // Directory handles this thread may anchor on: the shared one, and its
    // own directory opens while they are held.
    std::vector<std::pair<std::string, std::vector<std::string>>> dir_handles;
    if (!shared_dir_.empty()) dir_handles.push_back({"d0", shared_dir_});
    std::vector<std::string> held;  // handles to close before the end

    const int calls = absl::Uniform<int>(absl::IntervalClosed, gen_, 1,
                                         std::max(1, options_.max_ops_per_thread));
    const int before_barrier = bracket ? absl::Uniform<int>(
                                             absl::IntervalClosed, gen_, 0, calls)
                                       : calls;
    for (int i = 0; i < calls; ++i) {
      if (bracket && i == before_barrier) AddBarrier(program, 1);
      program.ops.push_back(DrawOp(index, i, dir_handles, held));
    }
    if (bracket && before_barrier == calls) AddBarrier(program, 1);
    if (bracket) AddBarrier(program, 2);
    // Held handles outlive the second barrier, then close in LIFO order so
    // directory handles close after what was anchored on them.
    for (auto it = held.rbegin(); it != held.rend(); ++it) {
      Op close;
      close.kind = OpKind::kClose;
      close.handle = *it;
      program.ops.push_back(close);
    }
    return program;
  }

  static void AddBarrier(ThreadProgram& program, uint32_t id) {
    Op op;
    op.kind = OpKind::kBarrier;
    op.barrier = id;
    program.ops.push_back(op);
  }

  Op DrawOp(int thread, int index,
            std::vector<std::pair<std::string, std::vector<std::string>>>&
                dir_handles,
            std::vector<std::string>& held) {
    Op op;
    if (Chance(gen_, 0.2)) {
      op.spin_ns = absl::Uniform<uint32_t>(gen_, 0, 20000);
    }
    const double roll = absl::Uniform<double>(gen_, 0, 1);
    if (!options_.mutations || roll < 0.65) {
      // An open (or stat) of an existing entry; a held one now and then.
      std::vector<std::string> target = DrawTarget(false);
      const bool is_dir = IsDirectory(target);
      op.kind = Chance(gen_, 0.15) ? OpKind::kStat : OpKind::kOpen;
      op.path = Spell(target, dir_handles);
      if (op.kind == OpKind::kOpen) {
        DrawOpenFlags(op.flags, is_dir, /*creating=*/false);
        if (Chance(gen_, 0.5)) {
          op.result = absl::StrCat("h", thread, "_", index);
          held.push_back(op.result);
          if (is_dir && (op.flags.options & options::kDirectoryFile) &&
              UsesAnchor(Anchor::kHandle)) {
            dir_handles.push_back({op.result, target});
          }
        }
      }
      return op;
    }
    std::vector<std::string> fresh = DrawTarget(true);
    if (roll < 0.7) {
      // A look at a fresh name that does not create it — a stat, or an
      // open without O_CREAT: where another thread creates, removes or
      // renames that name, this is what shows an entry no order allows
      // (an open that succeeds after the delete completed, a stale stat).
      op.kind = Chance(gen_, 0.5) ? OpKind::kStat : OpKind::kOpen;
      op.path = Spell(fresh, dir_handles);
      if (op.kind == OpKind::kOpen) {
        DrawOpenFlags(op.flags, false, /*creating=*/false);
      }
      return op;
    }
    if (roll < 0.8) {
      op.kind = OpKind::kOpen;
      op.path = Spell(fresh, dir_handles);
      DrawOpenFlags(op.flags, false, /*creating=*/true);
    } else if (roll < 0.9) {
      op.kind = OpKind::kMkdir;
      op.path = Spell(fresh, dir_handles);
    } else if (roll < 0.95) {
      op.kind = OpKind::kDelete;
      op.path = Spell(fresh, dir_handles);
      if (Chance(gen_, 0.5)) op.flags.options = options::kDirectoryFile;
    } else {
      op.kind = OpKind::kRename;
      op.path = Spell(fresh, dir_handles);
      op.to = Spell(DrawTarget(true), dir_handles);
    }
    return op;
  }

  bool IsDirectory(const std::vector<std::string>& components) const {
    return std::any_of(dirs_.begin(), dirs_.end(), [&](const Entry& e) {
      return e.components == components;
    });
  }

  void DrawOpenFlags(OpenFlags& flags, bool is_dir, bool creating) {
    if (creating) {
      constexpr Disposition kCreating[] = {
          Disposition::kCreate, Disposition::kOpenIf, Disposition::kOverwriteIf,
          Disposition::kSupersede};
      flags.disposition = kCreating[absl::Uniform<int>(gen_, 0, 4)];
      flags.access = access::kGenericRead | access::kGenericWrite;
      return;
    }
    if (is_dir) {
      flags.options = options::kDirectoryFile;
      if (Chance(gen_, 0.3)) flags.options |= options::kOpenForBackupIntent;
    } else if (Chance(gen_, 0.3)) {
      flags.options = options::kNonDirectoryFile;
    }
    if (!is_dir && Chance(gen_, 0.2)) flags.access |= access::kGenericWrite;
    if (Chance(gen_, 0.2)) flags.share = share::kAll;
  }

  absl::BitGenRef gen_;
  const GeneratorOptions& options_;
  std::vector<Entry> entries_, dirs_, hot_;
  std::vector<std::string> shared_dir_;
};

}  // namespace

Scenario Generate(absl::BitGenRef gen, const GeneratorOptions& options) {
  return ScenarioBuilder(gen, options).Build();
}

}  // namespace openrace
