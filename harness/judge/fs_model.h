// fs_model.h — an executable specification of the sandbox namespace under
// POSIX semantics, as Linux implements them.
//
// The state is the namespace itself: entries (directories and files), each
// an inode with an identity, under a parent directory by a name; and the
// directory handles the round's threads have opened, each bound to a
// directory's *identity*, so a handle follows its directory when it is
// renamed and sees an empty, dead directory when it is removed. The current
// directory and absolute paths are the sandbox root; shared handles are
// bound at the start of each round.
//
// Predict answers what one call does in a state — the status class it must
// return and the change it makes when it succeeds — for openat (every
// disposition and option the scenario can express: O_CREAT, O_EXCL,
// O_TRUNC, O_DIRECTORY, O_NOFOLLOW, write access), mkdirat, fstatat,
// unlinkat (with and without AT_REMOVEDIR) and renameat (replace, directory
// over an empty directory, EISDIR / ENOTDIR, into its own subtree EINVAL,
// onto an ancestor ENOTEMPTY, `.` or `..` EBUSY). Paths are walked through
// the model, never folded lexically: `a/..` needs `a` to be a directory,
// `h:..` is the parent of wherever h's directory is now; a trailing
// separator demands a directory; a name longer than NAME_MAX is
// ENAMETOOLONG. The order of the checks is the kernel's (fs/namei.c), so
// when several apply the model gives the one Linux gives.
//
// What it cannot predict it names (Unjudged): `..` from a removed directory,
// a handle it could not bind, O_CREAT|O_DIRECTORY answered other than with
// EINVAL (kernels before 6.4). Such a call may answer anything; when it
// succeeds with an effect the model cannot compute, the state is "lost" and
// every later call of the history is unjudged.
//
// Example:
//   FsModel model(scenario);
//   FsState state = model.initial();
//   Prediction p = model.Predict(state, model.op(0, 1), /*new_id=*/1000);
//   if (p.unknown == Unjudged::kNone && p.status == StatusClass::kOk) {
//     FsModel::Apply(p.effect, &state);
//   }

#ifndef OPENRACE_HARNESS_JUDGE_FS_MODEL_H_
#define OPENRACE_HARNESS_JUDGE_FS_MODEL_H_

#include <cstdint>
#include <string>
#include <vector>

#include "harness/judge/judge_stats.h"
#include "harness/run/outcome.h"
#include "harness/scenario/scenario.h"

namespace openrace {

using InodeId = uint32_t;
inline constexpr InodeId kRootInode = 0;
inline constexpr InodeId kNoInode = 0xFFFFFFFF;       // a handle not bound
inline constexpr InodeId kUnknownInode = 0xFFFFFFFE;  // bound to something
                                                      // the model cannot name
// Entries the scenario's tree builds get 1, 2, ... in tree order; entries a
// call creates get an id from its caller (the history gives each call its
// own, at or above this), so two orders that create the same entries reach
// equal states.
inline constexpr InodeId kFirstCreatedInode = 1u << 16;

// Path components after name interning: a name's index, or one of these.
inline constexpr int32_t kDot = -1;
inline constexpr int32_t kDotDot = -2;

struct FsEntry {
  InodeId parent = kRootInode;
  uint32_t name = 0;
  InodeId id = kRootInode;
  EntryKind kind = EntryKind::kFile;
  friend bool operator==(const FsEntry&, const FsEntry&) = default;
};

struct FsState {
  std::vector<FsEntry> entries;  // sorted by (parent, name)
  std::vector<InodeId> handles;  // the threads' own handles, by slot
  // A call succeeded with an effect the model cannot compute: from here on
  // the model predicts nothing (entries and handles are cleared).
  bool lost = false;

  friend bool operator==(const FsState&, const FsState&) = default;
  template <typename H>
  friend H AbslHashValue(H h, const FsState& s) {
    for (const FsEntry& e : s.entries) {
      h = H::combine(std::move(h), e.parent, e.name, e.id, e.kind);
    }
    return H::combine(std::move(h), s.entries.size(), s.handles, s.lost);
  }
};

// A path compiled against the model: where it starts and its components.
struct ModelPath {
  enum class Base : uint8_t { kRoot, kShared, kLocal };
  Base base = Base::kRoot;
  uint32_t slot = 0;  // kShared: the shared handle's index; kLocal: its slot
  std::vector<int32_t> components;  // name indices, kDot, kDotDot
  bool trailing = false;
};

// One operation of the scenario in the model's terms: the POSIX call the
// posix backend makes for it (posix_render.h's mapping).
struct ModelOp {
  OpKind kind = OpKind::kOpen;
  ModelPath path;
  ModelPath to;  // kRename
  // kOpen: the open(2) flags; kDelete: `directory` is AT_REMOVEDIR.
  bool creat = false, excl = false, trunc = false, write = false;
  bool directory = false;
  int32_t result_slot = -1;  // kOpen naming its handle: the slot it binds
  bool mutates = false;      // may add, remove or move an entry
};

// A change to the namespace, applied when a call succeeds.
struct Effect {
  enum class Kind : uint8_t { kNone, kAdd, kRemove, kMove };
  Kind kind = Kind::kNone;
  InodeId parent = kRootInode;  // kAdd, kRemove, kMove: where the entry is
  uint32_t name = 0;
  InodeId id = kRootInode;      // kAdd: the new entry
  EntryKind entry_kind = EntryKind::kFile;
  InodeId to_parent = kRootInode;  // kMove: where it goes (replacing
  uint32_t to_name = 0;            // whatever is there)
  int32_t bind_slot = -1;          // an open that names its handle
  InodeId bind = kNoInode;
};

struct Prediction {
  StatusClass status = StatusClass::kOk;
  Effect effect;  // what a success does
  // Set when the model cannot predict the call: any status is possible.
  Unjudged unknown = Unjudged::kNone;
  // With `unknown`: `status` is still the answer on current kernels, so a
  // call that got it is judged exactly (O_CREAT|O_DIRECTORY -> EINVAL).
  bool exact_if_status = false;
  // With `unknown`: a success's effect cannot be computed (the state is
  // lost), and whether a failure may have changed the state too.
  bool effect_unknown = false;
  bool failure_effect_unknown = false;
};

class FsModel {
 public:
  // `scenario` must be valid (ValidateScenario).
  explicit FsModel(const Scenario& scenario);

  // The tree at the start of a round; no thread handle bound.
  const FsState& initial() const { return initial_; }
  // Scenario::threads[thread].ops[op] compiled; only calls (IsCall).
  const ModelOp& op(size_t thread, size_t op) const {
    return ops_[thread][op];
  }
  size_t handle_slots() const { return initial_.handles.size(); }

  // What `op` answers in `state`; `new_id` is the identity of an entry it
  // creates.
  Prediction Predict(const FsState& state, const ModelOp& op,
                     InodeId new_id) const;

  static void Apply(const Effect& effect, FsState* state);
  static void Lose(FsState* state);

  // The entries of `state` as Sandbox::List shows a sandbox: by path,
  // parents first. Empty for a lost state.
  std::vector<TreeEntry> Tree(const FsState& state) const;

  // "dir a; file a/f; handle 0 -> a": for test messages and debugging.
  std::string Describe(const FsState& state) const;

 private:
  struct Walk;
  Walk WalkToLast(const FsState& state, const ModelPath& path) const;
  Unjudged DotTarget(const FsState& state, const Walk& w,
                     InodeId* target) const;
  Prediction PredictOpen(const FsState& state, const ModelOp& op,
                         InodeId new_id) const;
  Prediction PredictMkdir(const FsState& state, const ModelOp& op,
                          InodeId new_id) const;
  Prediction PredictStat(const FsState& state, const ModelOp& op) const;
  Prediction PredictDelete(const FsState& state, const ModelOp& op) const;
  Prediction PredictRename(const FsState& state, const ModelOp& op) const;
  bool TooLong(int32_t name) const;
  // "a/f", "." for the root.
  std::string PathOf(const FsState& state, InodeId id) const;

  std::vector<std::string> names_;
  std::vector<InodeId> shared_;  // shared handle -> its directory
  FsState initial_;
  std::vector<std::vector<ModelOp>> ops_;  // [thread][op]
};

// True for the statuses that say the machine ran out of something (space,
// quota, descriptors, memory: IsEnvironmentStatus, outcome.h) or the call
// was interrupted (EINTR, EAGAIN, ENOBUFS, the watchdog): never a
// file-system bug, never judged.
bool IsUnjudgedStatus(const Outcome& outcome);

}  // namespace openrace

#endif  // OPENRACE_HARNESS_JUDGE_FS_MODEL_H_
