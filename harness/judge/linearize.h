// linearize.h — is a round's history linearizable under the namespace model?
//
// A history is the calls of one round (a retry is a call of its own), each
// with its start and end time and the status it got. It is linearizable
// when some total order of its calls respects real time (a call that ended
// before another began comes first; a thread's calls keep their order) and
// the model (fs_model.h), run in that order from the round's initial state,
// gives every call the status it got.
//
// Linearize is Wing & Gong's search with Lowe's memoization, as in
// Porcupine and Knossos: depth first over the calls that may come next,
// skipping any (model state, set of calls placed) already explored. It
// visits at most `node_budget` nodes and then says kBudget — never a
// verdict. FindCulprits explains a history that is not linearizable: the
// smallest set of calls (one, else two) that, allowed any outcome (and to
// have done what the model says or nothing), makes it linearizable.
//
// Example:
//   std::vector<HistoryCall> calls = ...;  // from a RoundTrace
//   SearchResult r = Linearize(model, calls, 100000);
//   if (r.kind == SearchResult::Kind::kNotLinearizable) {
//     Culprits c = FindCulprits(model, calls, 100000);
//   }

#ifndef OPENRACE_HARNESS_JUDGE_LINEARIZE_H_
#define OPENRACE_HARNESS_JUDGE_LINEARIZE_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/string_view.h"
#include "absl/types/span.h"
#include "harness/judge/fs_model.h"
#include "harness/judge/judge_stats.h"
#include "harness/run/outcome.h"

namespace openrace {

// How the search treats a call's observed status.
enum class CallMode : uint8_t {
  kExact,    // the model must give it
  kIgnored,  // an environment status: any status, and the call did nothing
  kRelaxed,  // any status; the call did what the model says, or nothing
             // (a hung call, or a culprit candidate)
  kOptional,  // a call outside a prefix of the history: any status; it
              // did what the model says, or nothing yet (FindCulprits)
};

struct HistoryCall {
  const ModelOp* op = nullptr;
  int64_t start = 0;
  int64_t end = 0;
  StatusClass status = StatusClass::kOk;
  CallMode mode = CallMode::kExact;
  int32_t previous = -1;  // the same thread's previous call in the history
  bool retry = false;     // the retry of `previous`
  InodeId new_id = kFirstCreatedInode;  // the id of an entry it creates
};

// The state a round left, read back from the file system
// (RoundTrace::end_tree), as one partition of the round's calls sees it:
// the entries at or below its places (the sandbox-relative paths its
// calls' walks visit, every prefix of one among them). Partitions' places
// are unrelated, so each judges its own part of the listing; entries no
// partition's place covers are not judged. A complete order must end in a
// state whose entries there are these, kinds included (a lost state ends
// anywhere): a rename or unlink that answered success but did nothing, a
// create that left nothing, an entry that appeared are then not
// linearizable.
class EndState {
 public:
  // `places`: the partition's places; `listing`: the whole sandbox's.
  EndState(const FsModel& model, const absl::flat_hash_set<std::string>& places,
           absl::Span<const TreeEntry> listing);
  bool Matches(const FsState& state) const;
  const std::vector<TreeEntry>& observed() const { return observed_; }

 private:
  bool Covered(absl::string_view path) const;
  const FsModel& model_;
  const absl::flat_hash_set<std::string>& places_;
  std::vector<TreeEntry> observed_;  // the listing's entries Covered
};

struct SearchResult {
  enum class Kind : uint8_t { kLinearizable, kNotLinearizable, kBudget };
  Kind kind = Kind::kNotLinearizable;
  std::vector<uint32_t> order;  // a witness order, when linearizable
  std::vector<uint8_t> branches;  // which outcome each relaxed call took
  uint64_t nodes = 0;
};

// The budget is in nodes of a history of up to kCallsPerNode calls; a
// node of a longer history costs calls / kCallsPerNode of it (each node
// scans every call). A history of more than kMaxSearchCalls calls is not
// searched (the search recurses once per call): kBudget, unjudged.
inline constexpr uint64_t kCallsPerNode = 64;
inline constexpr size_t kMaxSearchCalls = 8192;
// With `end`, an order is complete only when its final state matches it.
SearchResult Linearize(const FsModel& model,
                       absl::Span<const HistoryCall> calls,
                       uint64_t node_budget, const EndState* end = nullptr);

// True when `order` (a permutation of the calls) respects real time.
bool RespectsRealTime(absl::Span<const HistoryCall> calls,
                      absl::Span<const uint32_t> order);

// Runs the model along a witness (`order`, `branches` as Linearize gave
// them); returns false when some call does not get its status. Sets
// (*unjudged)[i] to why call i could not be judged on the way
// (Unjudged::kNone when it was), and `*final` to the state it ends in.
bool Replay(const FsModel& model, absl::Span<const HistoryCall> calls,
            absl::Span<const uint32_t> order,
            absl::Span<const uint8_t> branches,
            std::vector<Unjudged>* unjudged, FsState* final);

struct Culprits {
  std::vector<uint32_t> calls;  // empty: no set of one or two explains it
  bool bounded = false;         // the budget ran out before an answer
  uint64_t nodes = 0;
};

// The culprits are looked for in the shortest prefix of the history (the
// calls that started by some time, and the successes that may have come
// before them) that no order explains, so that the first of two anomalies
// is named; failing that, in the whole history.
// Candidates are operations: a call with its retry, if it has one. Those
// that failed are tried first, then the later started; the first whose
// relaxation explains the history is the culprit, and then the call of it
// that explains alone (the try, else the retry) is named — the try when
// only both together do. Only when no single operation explains it are
// pairs tried (histories of up to 32 operations). With `end`, the whole
// history must also end there (a prefix is never held to it).
Culprits FindCulprits(const FsModel& model,
                      absl::Span<const HistoryCall> calls,
                      uint64_t node_budget, const EndState* end = nullptr);

}  // namespace openrace

#endif  // OPENRACE_HARNESS_JUDGE_LINEARIZE_H_
