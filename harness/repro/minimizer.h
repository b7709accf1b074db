// minimizer.h — shrinks a failing scenario to a minimal one that still
// fails with the same signature.
//
// Failures of this class are rare and random, so each judgement is
// statistical. The minimizer measures the parent's failure rate p (rounds
// until a few failures, or a budget), gives each candidate enough rounds
// that a candidate failing at p/4 would fail at least once with probability
// 0.99, and accepts the first candidate of Simplifications() that shows the
// signature, unless a fresh measurement puts its whole 95 % interval below
// p/4 (a rarer scenario would make every later judgement cost more than it
// is sized for; for a step that only changes timing — a spin offset
// dropped — the bar is p itself). Barriers are never dropped on their own
// (simplify.h): they are what makes a reproducer portable. It repeats until no single simplification reproduces (the
// result is 1-minimal) or the time budget is spent, and says which. No
// candidate is tried twice (by hash of its printed text). At the end it
// measures the final rate on fresh rounds and sets the scenario's `rounds`
// to what reproduces it with probability 0.99.
//
// Example:
//   RealProber prober(*backend, *sandbox, Semantics::kPosix, {});
//   auto result = Minimize(found, finding.signature, prober, {});

#ifndef OPENRACE_HARNESS_REPRO_MINIMIZER_H_
#define OPENRACE_HARNESS_REPRO_MINIMIZER_H_

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "harness/judge/oracle.h"
#include "harness/scenario/scenario.h"
#include "harness/repro/stats.h"
#include "harness/judge/trial.h"

namespace openrace {

struct MinimizeOptions {
  absl::Duration budget = absl::Minutes(5);
  uint64_t measure_failures = 5;          // stop measuring a rate here...
  uint64_t measure_max_rounds = 200000;   // ...or here
  uint64_t candidate_max_rounds = 200000; // cap on rounds per candidate
  double confidence = 0.99;
  double rate_fraction = 0.25;  // a candidate as bad as this share of p
  uint64_t final_failures = 20;  // the final rate: until this many failures
  uint64_t final_max_rounds = 400000;  // or this many rounds
  // Called with each line of the log as it happens (accepted steps, rates).
  std::function<void(const std::string&)> log;
};

struct MinimizeResult {
  Scenario scenario;       // rounds set to reproduce with p >= 0.99
  bool one_minimal = false;  // false: the budget ran out first
  std::vector<std::string> steps;  // accepted simplifications, in order
  uint64_t candidates_tried = 0;
  uint64_t rounds_run = 0;   // over every trial, measuring included
  uint64_t failures = 0;     // the final measurement
  uint64_t rounds = 0;
  RateInterval rate;         // 95 % Wilson interval of the final rate
};

// Fails when `scenario` does not reproduce `signature` at all within the
// measuring budget, or a trial fails to run.
absl::StatusOr<MinimizeResult> Minimize(const Scenario& scenario,
                                        const Signature& signature,
                                        Prober& prober,
                                        const MinimizeOptions& options);

}  // namespace openrace

#endif  // OPENRACE_HARNESS_REPRO_MINIMIZER_H_
