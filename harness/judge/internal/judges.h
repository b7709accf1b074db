// judges.h — the two ways Oracle judges a round (internal to judge/).
//
// ExactJudge (oracle.cc): POSIX semantics, every call checked against the
// namespace model (fs_model.h) in every order real time allows
// (linearize.h). HeuristicJudge (heuristic.cc): NT/Win32 semantics, which
// the model does not cover (share modes, delete-pending, the Win32 status
// mapping); each failed call is judged alone by per-call rules.

#ifndef OPENRACE_HARNESS_JUDGE_INTERNAL_JUDGES_H_
#define OPENRACE_HARNESS_JUDGE_INTERNAL_JUDGES_H_

#include <memory>
#include <vector>

#include "harness/judge/judge_stats.h"
#include "harness/judge/oracle.h"
#include "harness/run/executor.h"
#include "harness/scenario/scenario.h"

namespace openrace {
namespace internal {

class RoundJudge {
 public:
  virtual ~RoundJudge() = default;
  virtual void Judge(const RoundTrace& trace, std::vector<Finding>* findings,
                     JudgeStats* stats) = 0;
};

std::unique_ptr<RoundJudge> MakeExactJudge(const Scenario& scenario,
                                           const OracleOptions& options);
std::unique_ptr<RoundJudge> MakeHeuristicJudge(const Scenario& scenario,
                                               Semantics semantics);

// A finding of call (thread, op) with `outcome`, its signature filled in.
Finding MakeFinding(const Scenario& scenario, const RoundTrace& trace,
                    size_t thread, size_t op, const Outcome& outcome,
                    Verdict verdict);

}  // namespace internal
}  // namespace openrace

#endif  // OPENRACE_HARNESS_JUDGE_INTERNAL_JUDGES_H_
