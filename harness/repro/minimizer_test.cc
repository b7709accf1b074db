#include "harness/repro/minimizer.h"

#include <random>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "harness/run/sandbox.h"
#include "harness/scenario/scenario_text.h"
#include "harness/scenario/simplify.h"
#include "harness/scenario/validate.h"

namespace openrace {
namespace {

// A deterministic stand-in for the file system: the planted bug fires with
// probability `rate` per round whenever one thread holds `cwd:src/a/foo.h`
// (opened with a result) and another thread opens the same relative path.
class FakeProber : public Prober {
 public:
  explicit FakeProber(double rate) : rate_(rate) {}

  static bool HasBug(const Scenario& s) {
    int holders = -1;
    for (size_t t = 0; t < s.threads.size(); ++t) {
      for (const Op& op : s.threads[t].ops) {
        if (op.kind == OpKind::kOpen && !op.result.empty() && IsTarget(op)) {
          holders = static_cast<int>(t);
        }
      }
    }
    if (holders < 0) return false;
    for (size_t t = 0; t < s.threads.size(); ++t) {
      if (static_cast<int>(t) == holders) continue;
      for (const Op& op : s.threads[t].ops) {
        if (op.kind == OpKind::kOpen && IsTarget(op)) return true;
      }
    }
    return false;
  }

  absl::StatusOr<TrialResult> Run(const Scenario& scenario,
                                  const absl::optional<Signature>& want,
                                  uint64_t max_rounds,
                                  uint64_t stop_after) override {
    ++trials;
    TrialResult result;
    const bool bug = HasBug(scenario);
    std::bernoulli_distribution fires(RateOf(scenario));
    while (result.rounds < max_rounds) {
      ++result.rounds;
      if (bug && fires(gen_)) {
        ++result.failures;
        if (stop_after && result.failures >= stop_after) break;
      }
    }
    return result;
  }

  int trials = 0;

 protected:
  // The bug's rate for this scenario; the planted bug fires at rate_.
  virtual double RateOf(const Scenario&) const { return rate_; }

 private:
  static bool IsTarget(const Op& op) {
    return op.path.anchor == Anchor::kCwd &&
           PrintPath(op.path) == "cwd:src/a/foo.h";
  }
  double rate_;
  std::mt19937_64 gen_{1234};
};

const char kBig[] = R"(openrace-scenario 1
rounds 100
dir src
dir src/a
dir src/b
file src/a/foo.h
file src/a/bar.h
file src/b/x.c
shared d0 = open cwd:src/b options=directory
thread
  h0 = open cwd:src/a/bar.h access=read|write share=read|write|delete
  stat cwd:src/b/x.c spin=300
  barrier 1
  open d0:x.c
  barrier 2
  close h0
thread
  h1 = open cwd:src/a/foo.h share=read|write|delete
  open cwd:./src/b/../a/bar.h
  barrier 1
  barrier 2
  close h1
thread
  barrier 1
  open cwd:src/a/foo.h spin=1000 options=non_directory
  open abs:src/b/x.c
  barrier 2
thread
  open cwd:src/b/x.c
  barrier 1
  barrier 2
)";

Signature Seed() {
  return *ParseSignature("open-invalid_parameter-EINVAL-transient-cwd");
}

TEST(MinimizerTest, ShrinksToTheTwoThreadsOneFileOfTheBug) {
  absl::StatusOr<Scenario> big = ParseScenario(kBig);
  ASSERT_TRUE(big.ok()) << big.status();
  ASSERT_TRUE(ValidateScenario(*big).ok());
  FakeProber prober(0.02);
  std::vector<std::string> log;
  MinimizeOptions options;
  options.log = [&](const std::string& line) { log.push_back(line); };
  absl::StatusOr<MinimizeResult> result =
      Minimize(*big, Seed(), prober, options);
  ASSERT_TRUE(result.ok()) << result.status();
  const Scenario& min = result->scenario;
  EXPECT_TRUE(result->one_minimal);
  EXPECT_EQ(min.threads.size(), 2u) << min;
  EXPECT_EQ(CountCalls(min), 3u) << min;  // hold, reopen, close
  EXPECT_TRUE(FakeProber::HasBug(min));
  EXPECT_TRUE(min.shared.empty()) << min;
  // The tree keeps only what the bug needs: src, src/a, src/a/foo.h, or
  // fewer if flattening kept the path (it cannot: the path is the bug).
  for (const TreeEntry& e : min.tree) {
    EXPECT_TRUE(e.path == "src" || e.path == "src/a" || e.path == "src/a/foo.h")
        << e.path;
  }
  // None of its single simplifications still has the bug: 1-minimal.
  for (const Candidate& c : Simplifications(min)) {
    EXPECT_FALSE(FakeProber::HasBug(c.scenario)) << c.step << "\n"
                                                  << c.scenario;
  }
  EXPECT_FALSE(result->steps.empty());
  EXPECT_GT(result->rounds, 0u);
  EXPECT_GT(result->failures, 0u);
  EXPECT_LE(result->rate.low, 0.02);
  EXPECT_GE(result->rate.high, 0.02);
  EXPECT_GE(min.rounds, 100u);  // enough rounds to reproduce at 2 %
  bool logged_accept = false;
  for (const std::string& line : log) {
    logged_accept |= line.rfind("accepted: ", 0) == 0;
  }
  EXPECT_TRUE(logged_accept);
}

// Like FakeProber, and every failing round comes with its trace: each call
// runs in the phase its barriers put it in (phase k: after its thread's
// k-th barrier), so what the barriers order the traces show ordered.
class TracingProber : public FakeProber {
 public:
  TracingProber() : FakeProber(0.5) {}
  absl::StatusOr<TrialResult> Run(const Scenario& scenario,
                                  const absl::optional<Signature>& want,
                                  uint64_t max_rounds,
                                  uint64_t stop_after) override {
    absl::StatusOr<TrialResult> result =
        FakeProber::Run(scenario, want, max_rounds, stop_after);
    if (!result.ok() || result->failures == 0) return result;
    RoundTrace trace;
    Finding finding;
    finding.signature = Seed();
    for (size_t t = 0; t < scenario.threads.size(); ++t) {
      trace.records.emplace_back();
      int64_t phase = 0;
      for (size_t i = 0; i < scenario.threads[t].ops.size(); ++i) {
        const Op& op = scenario.threads[t].ops[i];
        OpRecord record;
        if (op.kind == OpKind::kBarrier) {
          ++phase;
        } else {
          record.ran = true;
          record.start_ns = phase * 1000 + static_cast<int64_t>(10 * i);
          record.end_ns = record.start_ns + 5;
          // The failing call: an open of the target without a result.
          if (op.kind == OpKind::kOpen && op.result.empty()) {
            finding.thread = t;
            finding.op = i;
          }
        }
        trace.records.back().push_back(record);
      }
    }
    for (uint64_t k = 0; k < std::min<uint64_t>(result->failures, 4); ++k) {
      result->traces.push_back(trace);
      result->trace_findings.push_back(finding);
    }
    return result;
  }
};

// A scenario whose barriers already order the hold before the reopen and
// the reopen before the close is pinned as it is: the result is that
// scenario, not an empty one.
TEST(MinimizerTest, AScenarioPinnedAlreadyIsKeptAsItIs) {
  absl::StatusOr<Scenario> pinned = ParseScenario(R"(openrace-scenario 1
rounds 100
dir src
dir src/a
file src/a/foo.h
thread
  barrier 1
  open cwd:src/a/foo.h
  barrier 2
thread
  h0 = open cwd:src/a/foo.h
  barrier 1
  barrier 2
  close h0
)");
  ASSERT_TRUE(pinned.ok()) << pinned.status();
  TracingProber prober;
  std::vector<std::string> log;
  MinimizeOptions options;
  options.log = [&](const std::string& line) { log.push_back(line); };
  absl::StatusOr<MinimizeResult> result =
      Minimize(*pinned, Seed(), prober, options);
  ASSERT_TRUE(result.ok()) << result.status();
  EXPECT_TRUE(result->pinned);
  EXPECT_FALSE(result->orderings.empty());
  // The threads as they were (this fake needs no tree, so the minimizer
  // dropped it).
  Scenario want = *pinned;
  want.rounds = result->scenario.rounds;
  want.tree = result->scenario.tree;
  EXPECT_EQ(PrintScenario(result->scenario), PrintScenario(want));
  bool logged = false;
  for (const std::string& line : log) {
    logged |= line.rfind("pinned already", 0) == 0;
  }
  EXPECT_TRUE(logged);
}

// Like TracingProber, and the reopen overlaps the hold often only when
// something comes before it in its thread: a barrier, or any call that
// delays it (the bug is 100 times rarer without).
class DelayProber : public TracingProber {
 protected:
  double RateOf(const Scenario& s) const override {
    for (const ThreadProgram& t : s.threads) {
      for (size_t i = 0; i < t.ops.size(); ++i) {
        const Op& op = t.ops[i];
        if (op.kind == OpKind::kOpen && op.result.empty()) {
          return i > 0 ? 0.5 : 0.005;
        }
      }
    }
    return 0.5;
  }
};

// A call that only delays the reopen cannot go before the pinning (the
// bug becomes rare without it); once a barrier orders the hold before the
// reopen, it is needless, and the search after the pinning drops it.
TEST(MinimizerTest, ACallThatOnlyDelaysIsDroppedOnceTheCallsArePinned) {
  absl::StatusOr<Scenario> found = ParseScenario(R"(openrace-scenario 1
rounds 100
dir src
dir src/a
file src/a/foo.h
file src/a/bar.h
thread
  h0 = open cwd:src/a/foo.h
  close h0
thread
  stat cwd:src/a/bar.h
  open cwd:src/a/foo.h
)");
  ASSERT_TRUE(found.ok()) << found.status();
  DelayProber prober;
  std::vector<std::string> log;
  MinimizeOptions options;
  options.log = [&](const std::string& line) { log.push_back(line); };
  absl::StatusOr<MinimizeResult> result =
      Minimize(*found, Seed(), prober, options);
  ASSERT_TRUE(result.ok()) << result.status();
  EXPECT_TRUE(result->pinned) << result->scenario;
  EXPECT_TRUE(result->one_minimal);
  for (const ThreadProgram& t : result->scenario.threads) {
    for (const Op& op : t.ops) {
      EXPECT_NE(op.kind, OpKind::kStat) << result->scenario;
    }
  }
  EXPECT_TRUE(FakeProber::HasBug(result->scenario));
  EXPECT_GT(result->failures, 0u);
  // The delay went in the second search, not the first.
  bool searched_again = false, dropped_before = false, dropped_after = false;
  for (const std::string& line : log) {
    searched_again |= line.rfind("searching again", 0) == 0;
    const bool drop = line.rfind("accepted: drop thread 2 op 1 ", 0) == 0;
    (searched_again ? dropped_after : dropped_before) |= drop;
  }
  EXPECT_TRUE(searched_again);
  EXPECT_FALSE(dropped_before);
  EXPECT_TRUE(dropped_after);
}

// Like FakeProber, but the bug is 40 times rarer without a spin offset.
class SpinSensitiveProber : public FakeProber {
 public:
  SpinSensitiveProber() : FakeProber(0.2) {}

 protected:
  double RateOf(const Scenario& s) const override {
    for (const ThreadProgram& t : s.threads) {
      for (const Op& op : t.ops) {
        if (op.spin_ns > 0) return 0.2;
      }
    }
    return 0.005;
  }
};

TEST(MinimizerTest, KeepsWhatMakesTheBugFrequent) {
  absl::StatusOr<Scenario> big = ParseScenario(kBig);
  ASSERT_TRUE(big.ok());
  SpinSensitiveProber prober;
  std::vector<std::string> log;
  MinimizeOptions options;
  options.log = [&](const std::string& line) { log.push_back(line); };
  absl::StatusOr<MinimizeResult> result =
      Minimize(*big, Seed(), prober, options);
  ASSERT_TRUE(result.ok()) << result.status();
  bool has_spin = false;
  for (const ThreadProgram& t : result->scenario.threads) {
    for (const Op& op : t.ops) has_spin |= op.spin_ns > 0;
  }
  EXPECT_TRUE(has_spin) << result->scenario;
  EXPECT_TRUE(result->one_minimal);
  bool refused = false;
  for (const std::string& line : log) {
    refused |= line.rfind("refused: drop spin", 0) == 0;
  }
  EXPECT_TRUE(refused);
}

// The planted bug as in FakeProber; besides, every candidate trial (one
// failure wanted) of a scenario without the bug shows one failure early,
// as a round that overlapped only because the machine was loaded would:
// a fluke that no later round repeats.
class FlukeProber : public FakeProber {
 public:
  FlukeProber() : FakeProber(0.02) {}
  absl::StatusOr<TrialResult> Run(const Scenario& scenario,
                                  const absl::optional<Signature>& want,
                                  uint64_t max_rounds,
                                  uint64_t stop_after) override {
    if (stop_after == 1 && !HasBug(scenario) && max_rounds >= 10) {
      ++flukes;
      TrialResult fluke;
      fluke.rounds = 10;
      fluke.failures = 1;
      return fluke;
    }
    return FakeProber::Run(scenario, want, max_rounds, stop_after);
  }
  int flukes = 0;
};

TEST(MinimizerTest, AFailureThatFreshRoundsNeverRepeatIsAFluke) {
  absl::StatusOr<Scenario> big = ParseScenario(kBig);
  ASSERT_TRUE(big.ok());
  FlukeProber prober;
  std::vector<std::string> log;
  MinimizeOptions options;
  options.log = [&](const std::string& line) { log.push_back(line); };
  absl::StatusOr<MinimizeResult> result =
      Minimize(*big, Seed(), prober, options);
  ASSERT_TRUE(result.ok()) << result.status();
  EXPECT_GT(prober.flukes, 0);
  // No fluke carried the search away from the bug: the result has it,
  // and reproduces in the final measurement.
  EXPECT_TRUE(FakeProber::HasBug(result->scenario)) << result->scenario;
  EXPECT_GT(result->failures, 0u);
  EXPECT_TRUE(result->one_minimal);
  bool refused = false;
  for (const std::string& line : log) {
    refused |= line.rfind("refused: ", 0) == 0;
  }
  EXPECT_TRUE(refused);
}

TEST(MinimizerTest, ScenarioWithoutTheBugIsRefused) {
  absl::StatusOr<Scenario> s = ParseScenario(R"(openrace-scenario 1
file x
thread
  open cwd:x
)");
  ASSERT_TRUE(s.ok());
  FakeProber prober(0.5);
  MinimizeOptions options;
  options.measure_max_rounds = 1000;
  absl::StatusOr<MinimizeResult> result = Minimize(*s, Seed(), prober, options);
  EXPECT_EQ(result.status().code(), absl::StatusCode::kFailedPrecondition);
}

TEST(MinimizerTest, ZeroBudgetStopsBeforeOneMinimalAndSaysSo) {
  absl::StatusOr<Scenario> big = ParseScenario(kBig);
  ASSERT_TRUE(big.ok());
  FakeProber prober(0.05);
  MinimizeOptions options;
  options.budget = absl::ZeroDuration();
  absl::StatusOr<MinimizeResult> result =
      Minimize(*big, Seed(), prober, options);
  ASSERT_TRUE(result.ok()) << result.status();
  EXPECT_FALSE(result->one_minimal);
  EXPECT_EQ(result->scenario.threads.size(), big->threads.size());
}

// A clock that moves one second per trial: the budget is kept on it, and
// the minimizer stops trying candidates once it has passed the deadline,
// with the best scenario so far and the rate last measured for it.
class ClockedProber : public FakeProber {
 public:
  ClockedProber(double rate, absl::Time* now) : FakeProber(rate), now_(now) {}
  absl::StatusOr<TrialResult> Run(const Scenario& scenario,
                                  const absl::optional<Signature>& want,
                                  uint64_t max_rounds,
                                  uint64_t stop_after) override {
    *now_ += absl::Seconds(1);
    return FakeProber::Run(scenario, want, max_rounds, stop_after);
  }

 private:
  absl::Time* now_;
};

TEST(MinimizerTest, StopsWhenItsClockPassesTheDeadline) {
  absl::StatusOr<Scenario> big = ParseScenario(kBig);
  ASSERT_TRUE(big.ok());
  absl::Time now = absl::UnixEpoch();
  ClockedProber prober(0.05, &now);
  MinimizeOptions options;
  options.clock = [&] { return now; };
  options.budget = absl::Minutes(5);
  options.deadline = absl::UnixEpoch() + absl::Seconds(6);  // the earlier
  options.search_share = 1;  // no time kept for the final measurement
  absl::StatusOr<MinimizeResult> result =
      Minimize(*big, Seed(), prober, options);
  ASSERT_TRUE(result.ok()) << result.status();
  EXPECT_FALSE(result->one_minimal);
  // Six trials fit before the deadline; none starts after it.
  EXPECT_EQ(prober.trials, 6);
  EXPECT_EQ(now, absl::UnixEpoch() + absl::Seconds(6));
  EXPECT_GT(result->rounds, 0u);  // the last rate measured, not a new one
  EXPECT_GT(result->failures, 0u);
  EXPECT_TRUE(FakeProber::HasBug(result->scenario));
}

// The search stops at its share of the budget; the final measurement gets
// the rest.
TEST(MinimizerTest, KeepsTimeForTheFinalMeasurement) {
  absl::StatusOr<Scenario> big = ParseScenario(kBig);
  ASSERT_TRUE(big.ok());
  absl::Time now = absl::UnixEpoch();
  ClockedProber prober(0.05, &now);
  MinimizeOptions options;
  options.clock = [&] { return now; };
  options.budget = absl::Seconds(8);
  options.search_share = 0.5;
  std::vector<std::string> log;
  options.log = [&](const std::string& line) { log.push_back(line); };
  absl::StatusOr<MinimizeResult> result =
      Minimize(*big, Seed(), prober, options);
  ASSERT_TRUE(result.ok()) << result.status();
  EXPECT_FALSE(result->one_minimal);
  // Four trials of search (0 s to 4 s), then the final measurement at 4 s.
  EXPECT_EQ(prober.trials, 5);
  ASSERT_FALSE(log.empty());
  EXPECT_EQ(log.back().rfind("final: ", 0), 0u) << log.back();
}

TEST(MinimizerTest, ABudgetSpentBeforeTheFirstFailureGivesTheScenarioAsFound) {
  absl::StatusOr<Scenario> big = ParseScenario(kBig);
  ASSERT_TRUE(big.ok());
  absl::Time now = absl::UnixEpoch();
  ClockedProber prober(0.0, &now);  // never fails in the time there is
  MinimizeOptions options;
  options.clock = [&] { return now; };
  options.budget = absl::Seconds(1);
  absl::StatusOr<MinimizeResult> result =
      Minimize(*big, Seed(), prober, options);
  ASSERT_TRUE(result.ok()) << result.status();
  EXPECT_FALSE(result->one_minimal);
  EXPECT_EQ(result->scenario, *big);
  EXPECT_EQ(result->failures, 0u);
}

TEST(MinimizerTest, NoCandidateIsTriedTwice) {
  absl::StatusOr<Scenario> big = ParseScenario(kBig);
  ASSERT_TRUE(big.ok());
  FakeProber prober(1.0);  // every round fails: each trial is one round
  absl::StatusOr<MinimizeResult> result =
      Minimize(*big, Seed(), prober, MinimizeOptions{});
  ASSERT_TRUE(result.ok());
  // Trials = candidates + one rate measurement per accepted step + the
  // first measurement + the final one.
  EXPECT_EQ(static_cast<uint64_t>(prober.trials),
            result->candidates_tried + result->steps.size() + 2);
}


// The sandbox breaks as a file system that starts refusing removals does:
// after every `every` trials, the reset before the next trial's first
// round fails (EIO), until the sandbox is renewed; with `permanent`, a
// renewed sandbox breaks at once too (the file system is unusable).
class BreakingProber : public FakeProber {
 public:
  BreakingProber(double rate, int every, bool permanent)
      : FakeProber(rate), every_(every), permanent_(permanent) {}

  absl::StatusOr<TrialResult> Run(const Scenario& scenario,
                                  const absl::optional<Signature>& want,
                                  uint64_t max_rounds,
                                  uint64_t stop_after) override {
    if (broken_) {
      ++refused;
      return WithRoundsBeforeError(
          SandboxResetError("remove /tmp/x/openrace-1-abcdef/src: "
                            "Input/output error (EIO)"),
          0);
    }
    if (++ran_ % every_ == 0) broken_ = true;  // its last reset will fail
    return FakeProber::Run(scenario, want, max_rounds, stop_after);
  }

  absl::StatusOr<std::string> RenewSandbox() override {
    ++renewed;
    broken_ = permanent_;
    return absl::StrCat("/tmp/x/openrace-broken-1-", renewed);
  }

  int refused = 0;
  int renewed = 0;

 private:
  const int every_;
  const bool permanent_;
  int ran_ = 0;
  bool broken_ = false;
};

bool LogHas(const std::vector<std::string>& log, absl::string_view prefix) {
  for (const std::string& line : log) {
    if (absl::StartsWith(line, prefix)) return true;
  }
  return false;
}

TEST(MinimizerTest, KeepsGoingOnFreshSandboxesWhenResetsFail) {
  absl::StatusOr<Scenario> big = ParseScenario(kBig);
  ASSERT_TRUE(big.ok());
  BreakingProber prober(0.02, /*every=*/7, /*permanent=*/false);
  std::vector<std::string> log;
  MinimizeOptions options;
  options.max_sandbox_breaks = 1000;
  options.log = [&](const std::string& line) { log.push_back(line); };
  absl::StatusOr<MinimizeResult> result =
      Minimize(*big, Seed(), prober, options);
  ASSERT_TRUE(result.ok()) << result.status();
  // It broke, was renewed each time, and every candidate was still
  // measured (again, on the fresh sandbox): the claim is earned.
  EXPECT_GT(prober.renewed, 2);
  EXPECT_EQ(result->sandbox_breaks.size(), static_cast<size_t>(prober.renewed));
  EXPECT_TRUE(result->unusable.empty()) << result->unusable;
  EXPECT_TRUE(result->one_minimal);
  EXPECT_EQ(result->last_cycle.skipped, 0u);
  EXPECT_EQ(result->candidates.skipped, 0u);
  EXPECT_EQ(result->scenario.threads.size(), 2u) << result->scenario;
  EXPECT_TRUE(FakeProber::HasBug(result->scenario));
  for (const SandboxBreak& b : result->sandbox_breaks) {
    // The reset that failed was the one after the previous trial's rounds.
    EXPECT_GT(b.rounds, 0u) << b.after;
    EXPECT_FALSE(b.after.empty());
    EXPECT_TRUE(absl::StrContains(b.error, "(EIO)")) << b.error;
    EXPECT_TRUE(absl::StartsWith(b.kept, "/tmp/x/openrace-broken-1-")) << b.kept;
  }
  EXPECT_TRUE(LogHas(log, "sandbox broken after "));
  EXPECT_TRUE(LogHas(log, "going on in a fresh sandbox"));
  EXPECT_TRUE(LogHas(log, "1-minimal:"));
}

TEST(MinimizerTest, AFreshSandboxFailingTooMakesTheFileSystemUnusable) {
  absl::StatusOr<Scenario> big = ParseScenario(kBig);
  ASSERT_TRUE(big.ok());
  BreakingProber prober(0.02, /*every=*/12, /*permanent=*/true);
  std::vector<std::string> log;
  MinimizeOptions options;
  options.log = [&](const std::string& line) { log.push_back(line); };
  absl::StatusOr<MinimizeResult> result =
      Minimize(*big, Seed(), prober, options);
  // Not an error: the best scenario so far, said to be partial.
  ASSERT_TRUE(result.ok()) << result.status();
  EXPECT_EQ(prober.renewed, 1);
  EXPECT_EQ(prober.refused, 2);  // the broken one, then the fresh one
  ASSERT_EQ(result->sandbox_breaks.size(), 1u);
  EXPECT_TRUE(absl::StrContains(result->unusable, "fresh sandbox"))
      << result->unusable;
  EXPECT_FALSE(result->one_minimal);
  EXPECT_TRUE(FakeProber::HasBug(result->scenario));
  EXPECT_TRUE(ValidateScenario(result->scenario).ok());
  EXPECT_LT(CountCalls(result->scenario), CountCalls(*big));  // steps kept
  EXPECT_TRUE(LogHas(log, "partial: the file system became unusable"));
  EXPECT_FALSE(LogHas(log, "1-minimal"));
}

TEST(MinimizerTest, UnusableBeforeTheFirstMeasurementGivesTheScenarioAsFound) {
  absl::StatusOr<Scenario> big = ParseScenario(kBig);
  ASSERT_TRUE(big.ok());
  BreakingProber prober(0.02, /*every=*/1, /*permanent=*/true);
  MinimizeOptions options;
  absl::StatusOr<MinimizeResult> result =
      Minimize(*big, Seed(), prober, options);
  // The first trial ran; its reset failed, and so did a fresh sandbox's.
  ASSERT_TRUE(result.ok()) << result.status();
  EXPECT_FALSE(result->unusable.empty());
  EXPECT_FALSE(result->one_minimal);
  Scenario shown = result->scenario;
  shown.rounds = big->rounds;  // set for the rate measured
  EXPECT_EQ(shown, *big);
}

// One candidate of the minimal scenario breaks the sandbox whenever it
// runs, after a few of its rounds; every other runs clean.
class PoisonedProber : public FakeProber {
 public:
  PoisonedProber(double rate, std::string poison)
      : FakeProber(rate), poison_(std::move(poison)) {}
  absl::StatusOr<TrialResult> Run(const Scenario& scenario,
                                  const absl::optional<Signature>& want,
                                  uint64_t max_rounds,
                                  uint64_t stop_after) override {
    if (PrintScenario(scenario) == poison_) {
      ++poisoned;
      return WithRoundsBeforeError(
          SandboxResetError("remove src/x: Input/output error (EIO)"), 3);
    }
    return FakeProber::Run(scenario, want, max_rounds, stop_after);
  }
  absl::StatusOr<std::string> RenewSandbox() override {
    return std::string("/tmp/x/openrace-broken-1-1");
  }
  int poisoned = 0;

 private:
  std::string poison_;
};

TEST(MinimizerTest, ASkippedCandidateInTheLastCycleMakesItPartial) {
  absl::StatusOr<Scenario> big = ParseScenario(kBig);
  ASSERT_TRUE(big.ok());
  // Where the minimizer ends when nothing breaks...
  FakeProber clean(0.02);
  absl::StatusOr<MinimizeResult> whole =
      Minimize(*big, Seed(), clean, MinimizeOptions{});
  ASSERT_TRUE(whole.ok());
  ASSERT_TRUE(whole->one_minimal);
  Scenario minimal = whole->scenario;
  minimal.rounds = big->rounds;  // as the search runs it
  const std::vector<Candidate> last = Simplifications(minimal);
  ASSERT_FALSE(last.empty());
  // ...and one of that scenario's candidates cannot be measured.
  PoisonedProber prober(0.02, PrintScenario(last.back().scenario));
  std::vector<std::string> log;
  MinimizeOptions options;
  options.log = [&](const std::string& line) { log.push_back(line); };
  absl::StatusOr<MinimizeResult> result =
      Minimize(*big, Seed(), prober, options);
  ASSERT_TRUE(result.ok()) << result.status();
  EXPECT_GE(prober.poisoned, 2);  // tried, and again on a fresh sandbox
  EXPECT_FALSE(result->one_minimal);
  EXPECT_TRUE(result->unusable.empty());
  EXPECT_EQ(result->last_cycle.skipped, 1u);
  EXPECT_EQ(result->last_cycle.measured + result->last_cycle.unrunnable + 1,
            last.size());
  EXPECT_EQ(result->last_cycle.skip_reasons.at(
                "the sandbox broke while it ran, twice"),
            1u);
  ASSERT_FALSE(result->sandbox_breaks.empty());
  EXPECT_EQ(result->sandbox_breaks.front().after,
            absl::StrCat("candidate: ", last.back().step));
  EXPECT_EQ(result->sandbox_breaks.front().rounds, 3u);
  EXPECT_EQ(result->sandbox_breaks.front().scenario, last.back().scenario);
  EXPECT_FALSE(LogHas(log, "1-minimal"));
  EXPECT_TRUE(LogHas(log, "partial: candidates of the last cycle were skipped"));
}

}  // namespace
}  // namespace openrace
