// tree_restore.cc — see tree_restore.h.

#include "harness/run/tree_restore.h"

#include <algorithm>
#include <string>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_join.h"
#include "absl/types/optional.h"
#include "harness/scenario/variations.h"

namespace openrace {
namespace {

// A name every file system spells one way: letters, digits, '_', '-' and
// dots not at the end; no '~' (8.3 short names), no trailing space or dot
// (Win32 strips them).
bool PlainName(absl::string_view name) {
  if (name.empty() || name.back() == '.') return false;
  for (const char c : name) {
    if (!absl::ascii_isalnum(static_cast<unsigned char>(c)) && c != '_' &&
        c != '-' && c != '.') {
      return false;
    }
  }
  return true;
}

class Planner {
 public:
  explicit Planner(const Scenario& scenario)
      : scenario_(scenario), handles_(HandleTargetsOf(scenario)) {
    for (const TreeEntry& entry : scenario.tree) {
      tree_.insert(entry.path);
      if (entry.kind == EntryKind::kDirectory) dirs_.insert(entry.path);
    }
  }

  RestorePlan Plan() {
    bool mutates = false;
    for (const ThreadProgram& thread : scenario_.threads) {
      for (const Op& op : thread.ops) {
        if (!MutatesTree(op)) continue;
        mutates = true;
        if (!AddTarget(op.path)) return Rebuild();
        if (op.kind == OpKind::kRename && !AddTarget(op.to)) return Rebuild();
      }
    }
    RestorePlan plan;
    if (!mutates) return plan;
    // Two spellings that a case-insensitive file system would fold onto
    // one entry make the plan's reasoning void.
    absl::flat_hash_set<std::string> folded;
    for (const std::string& path : tree_) {
      folded.insert(absl::AsciiStrToLower(path));
    }
    for (const std::string& path : targets_) {
      if (!folded.insert(absl::AsciiStrToLower(path)).second) return Rebuild();
    }
    plan.kind = RestorePlan::kRemoveFresh;
    plan.fresh.assign(targets_.begin(), targets_.end());
    std::sort(plan.fresh.begin(), plan.fresh.end());
    return plan;
  }

 private:
  static RestorePlan Rebuild() {
    RestorePlan plan;
    plan.kind = RestorePlan::kRebuild;
    return plan;
  }

  // Records a path a mutating operation names; false when it may change
  // the tree or cannot be reasoned about. Every directory the lookup walks
  // through must be the root or a directory of the tree, which never move:
  // a `..` out of a fresh directory that a concurrent rename moves would
  // lead elsewhere than the lexical resolution.
  bool AddTarget(const Path& path) {
    Components at;  // the anchor: the root, or a handle's directory
    if (path.anchor == Anchor::kHandle) {
      const auto it = std::find_if(
          handles_.begin(), handles_.end(),
          [&](const auto& h) { return h.first == path.handle; });
      if (it == handles_.end()) return false;
      at = it->second;
    }
    if (path.components.empty()) return false;
    for (size_t i = 0; i < path.components.size(); ++i) {
      if (!IsTreeDirectory(at)) return false;
      const std::string& component = path.components[i];
      if (component == "..") {
        if (at.empty()) return false;  // the validator rejects it
        at.pop_back();
      } else if (component != ".") {
        if (!PlainName(component)) return false;
        at.push_back(component);
      }
    }
    if (at.empty()) return false;  // the root itself
    const std::string joined = absl::StrJoin(at, "/");
    if (tree_.contains(joined)) return false;
    // The walk checked that its parent is a directory of the tree.
    targets_.insert(joined);
    return true;
  }

  bool IsTreeDirectory(const Components& path) const {
    return path.empty() || dirs_.contains(absl::StrJoin(path, "/"));
  }

  const Scenario& scenario_;
  const HandleTargets handles_;
  absl::flat_hash_set<std::string> tree_, dirs_, targets_;
};

}  // namespace

RestorePlan PlanRestore(const Scenario& scenario) {
  return Planner(scenario).Plan();
}

bool ForeseenByRestore(const Outcome& outcome) {
  switch (outcome.status) {
    case StatusClass::kOk:
    case StatusClass::kNotFound:
    case StatusClass::kPathNotFound:
    case StatusClass::kExists:
    case StatusClass::kNotADirectory:
    case StatusClass::kIsADirectory:
    case StatusClass::kNotEmpty:
    case StatusClass::kSharingViolation:
    case StatusClass::kDeletePending:
      return true;
    default:
      return false;
  }
}

}  // namespace openrace
