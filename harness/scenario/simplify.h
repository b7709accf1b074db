// simplify.h — every single simplification of a scenario, coarse to fine.
//
// Simplifications() is a pure function: it returns candidate scenarios, each
// one step simpler than the input and named for the log ("drop thread 2",
// "reset share of thread 1 op 2"; threads and ops count from 1, as in
// the validator's messages), in the order the minimizer tries them:
//   drop a thread; drop an operation (with the ops that use its handle);
//   drop a hold (an open keeps no handle, its close goes); drop a spin
//   offset; drop `.` and `..` detours;
//   plain spelling (single `/` separators, no trailing separator); drop a
//   tree entry; flatten a directory level; reset each flag to its default.
// Candidates that fail ValidateScenario, or print exactly like the input,
// are left out. No candidate changes the anchor kind of any path: the
// anchor may be the trigger, and the bisection tests it explicitly.

#ifndef OPENRACE_HARNESS_SCENARIO_SIMPLIFY_H_
#define OPENRACE_HARNESS_SCENARIO_SIMPLIFY_H_

#include <string>
#include <vector>

#include "harness/scenario/scenario.h"

namespace openrace {

struct Candidate {
  std::string step;  // what was simplified, for the log
  Scenario scenario;
  // The step changes timing only (a spin offset dropped; barriers are
  // never dropped on their own, see simplify.cc).
  // Timing is what makes a reproducer reliable on another machine, so the
  // minimizer keeps such a step only if the bug stays as frequent.
  bool timing = false;
};

std::vector<Candidate> Simplifications(const Scenario& scenario);

}  // namespace openrace

#endif  // OPENRACE_HARNESS_SCENARIO_SIMPLIFY_H_
