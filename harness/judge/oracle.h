// oracle.h — decides which outcomes of a round are findings.
//
// The oracle keeps a reference model of the sandbox: which entries exist
// and of which kind, starting from the scenario's tree at the start of each
// round and changed by every call that succeeded. For each failed call it
// asks two questions.
//
//  1. Could another call have changed what this call saw? A call that
//     changes the namespace (create, mkdir, delete, rename) on the same
//     entry, an ancestor or a descendant, and whose time span overlaps this
//     call's span (from its start to the end of its retry), makes the state
//     uncertain. Then every legal race outcome is allowed — a lost create
//     race, an open of an entry being deleted or renamed, a sharing
//     violation — and only a status no race can produce is judged.
//  2. If not, the state is known: the model predicts what the call must
//     answer when it runs alone. A failure where the model predicts success
//     is a finding, and so is a status no request of this shape can produce
//     (invalid parameter for a well-formed open).
//
// Verdicts:
//   unexpected    the outcome is outside the allowed set and a retry, at
//                 once, fails too;
//   transient     the call failed and its retry, at once and with the state
//                 unchanged, succeeded (the bug report's signature);
//   differential  the same target spelled another way (absolute versus
//                 relative, handle versus current directory) gives another
//                 outcome alone — found by the run loop's spelling probe,
//                 not by Judge;
//   hang          the watchdog fired.
// A finding's signature is (operation kind, status class, native code,
// verdict, anchor kind); two findings with one signature are the same bug.
//
// Where the model cannot predict (a trailing separator on a file, a
// combination of flags the platforms treat differently), it says so and
// only the transient and invalid-parameter rules apply: the oracle prefers
// missing a finding to raising a false alarm.
//
// Example:
//   Oracle oracle(scenario, Semantics::kPosix);
//   std::vector<Finding> findings;
//   executor.Run(scenario, sandbox, rounds, [&](const RoundTrace& t) {
//     oracle.Judge(t, &findings);
//     return findings.empty();
//   });

#ifndef OPENRACE_HARNESS_JUDGE_ORACLE_H_
#define OPENRACE_HARNESS_JUDGE_ORACLE_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/types/optional.h"
#include "harness/run/executor.h"
#include "harness/run/outcome.h"
#include "harness/scenario/scenario.h"

namespace openrace {

enum class Verdict : uint8_t { kUnexpected, kTransient, kDifferential, kHang };

absl::string_view VerdictName(Verdict verdict);

// The rules of the platform whose calls the backend makes.
enum class Semantics : uint8_t { kPosix, kWindows };

struct Signature {
  OpKind op = OpKind::kOpen;
  Outcome outcome;
  Verdict verdict = Verdict::kUnexpected;
  Anchor anchor = Anchor::kCwd;

  // "open-invalid_parameter-EINVAL-transient-cwd": stable, usable as a
  // directory name, and parsed back by ParseSignature.
  std::string ToString() const;
  friend bool operator==(const Signature&, const Signature&) = default;
};

absl::optional<Signature> ParseSignature(absl::string_view text);

struct Finding {
  Signature signature;
  size_t thread = 0;
  size_t op = 0;
  uint64_t round = 0;
};


class Oracle {
 public:
  // `scenario` must be valid (ValidateScenario) and outlive the oracle.
  Oracle(const Scenario& scenario, Semantics semantics);

  // Appends the findings of one round to `*findings`.
  void Judge(const RoundTrace& trace, std::vector<Finding>* findings) const;

 private:
  // What an operation touches, sandbox-relative, precomputed once.
  struct OpPaths {
    std::vector<std::string> base;    // the anchor's directory
    std::vector<std::string> target;  // where `path` resolves
    std::vector<std::string> to;      // where `to` resolves (rename)
    // Every directory the walk from the anchor visits, the target, the
    // rename destination and the anchor: a namespace change at any of
    // them, or above or below them, can change the call's outcome.
    std::vector<std::string> touched;  // joined with '/'
  };
  struct Effect;

  void CollectEffects(const RoundTrace& trace,
                      std::vector<Effect>* effects) const;
  void JudgeCall(const RoundTrace& trace, const std::vector<Effect>& effects,
                 size_t thread, size_t op,
                 std::vector<Finding>* findings) const;

  const Scenario& scenario_;
  Semantics semantics_;
  std::vector<std::vector<OpPaths>> paths_;  // [thread][op]
};

}  // namespace openrace

#endif  // OPENRACE_HARNESS_JUDGE_ORACLE_H_
