// round_ends.h — every way a round of a scenario may end under the model,
// for a standalone reproducer's check of wrong successes and lost updates.
//
// A round ends with an answer for each call and a state of the sandbox. A
// history is linearizable only if some order of its calls that keeps each
// thread's order (an interleaving) gives every call its answer and ends in
// that state (linearize.h). So the set of (answers, end state) over every
// interleaving, run through the model (fs_model.h) from the scenario's
// tree, holds every round the oracle finds clean: a round outside it is a
// wrong answer or a lost update — whatever the times of its calls, which a
// reproducer does not compare (so it misses what only real time rules out,
// and never reports what the oracle would not).
//
// Each end is one line, as a reproducer builds it after a round:
//   "ok,not_found/ok,-|d a,f a/g"
// the calls in scenario order (thread by thread) — the status class of the
// try (StatusClassName), with "/" and the retry's when the try failed (a
// call anchored on a handle whose open failed: other/other, EBADF) — then
// "|" and the sandbox's entries by path, "d " or "f " before each.
// Barriers are not modelled (more interleavings: more ends allowed, never
// fewer).
//
// Example:
//   absl::optional<std::vector<std::string>> ends = RoundEnds(scenario);
//   if (ends) for (const std::string& e : *ends) Emit(e);

#ifndef OPENRACE_HARNESS_JUDGE_ROUND_ENDS_H_
#define OPENRACE_HARNESS_JUDGE_ROUND_ENDS_H_

#include <cstddef>
#include <string>
#include <vector>

#include "absl/types/optional.h"
#include "harness/scenario/scenario.h"

namespace openrace {

// The ends, sorted (byte order) and unique. Nullopt when a call is one the
// model cannot predict (fs_model.h: Unjudged), or when the interleavings
// exceed `max_nodes` steps of the search. `scenario` must be valid.
absl::optional<std::vector<std::string>> RoundEnds(const Scenario& scenario,
                                                   size_t max_nodes = 200000);

}  // namespace openrace

#endif  // OPENRACE_HARNESS_JUDGE_ROUND_ENDS_H_
