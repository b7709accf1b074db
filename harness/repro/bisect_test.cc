#include "harness/repro/bisect.h"

#include <filesystem>
#include <random>
#include <set>
#include <utility>

#include "absl/strings/match.h"
#include "gtest/gtest.h"
#include "harness/run/sandbox.h"
#include "harness/testing/parse.h"
#include "harness/testing/seed_scenario.h"
#include "harness/scenario/scenario_text.h"
#include "harness/repro/stats.h"
#include "harness/scenario/validate.h"

namespace openrace {
namespace {

using testing_util::Parse;

Signature Seed() {
  return *ParseSignature("open-invalid_parameter-EINVAL-transient-cwd");
}

Finding At(size_t thread, size_t op) {
  Finding f;
  f.signature = Seed();
  f.thread = thread;
  f.op = op;
  return f;
}

using testing_util::kSeedScenarioText;
constexpr const char* kSeed = kSeedScenarioText;

TEST(SameBugTest, AnchorAndVerdictMayChangeButNotOpStatusOrNativeCode) {
  const Signature want = Seed();
  Signature other = want;
  other.anchor = Anchor::kHandle;
  other.verdict = Verdict::kUnexpected;
  EXPECT_TRUE(SameBug(want, other));
  other = want;
  other.outcome.native = 2;  // ENOENT
  EXPECT_FALSE(SameBug(want, other));
  other = want;
  other.outcome.status = StatusClass::kNotFound;
  EXPECT_FALSE(SameBug(want, other));
  other = want;
  other.op = OpKind::kStat;
  EXPECT_FALSE(SameBug(want, other));
}

// ---- Bisect with a fake file system
// ------------------------------------------

// The planted bug: in each round, with probability `rate`, every open that
// is anchored on `anchors` and whose target another thread holds (an open
// with a result, any anchor) fails with EINVAL and succeeds on retry.
class HeldRelativeProber : public Prober {
 public:
  explicit HeldRelativeProber(double rate,
                              std::set<Anchor> anchors = {Anchor::kCwd})
      : rate_(rate), anchors_(std::move(anchors)) {}

  std::vector<Finding> Eligible(const Scenario& s) const {
    const HandleTargets targets = HandleTargetsOf(s);
    std::vector<std::set<Components>> held(s.threads.size());
    for (size_t t = 0; t < s.threads.size(); ++t) {
      for (const Op& op : s.threads[t].ops) {
        if (op.kind == OpKind::kOpen && !op.result.empty()) {
          held[t].insert(*ResolvePath(op.path, targets));
        }
      }
    }
    std::vector<Finding> out;
    for (size_t t = 0; t < s.threads.size(); ++t) {
      for (size_t i = 0; i < s.threads[t].ops.size(); ++i) {
        const Op& op = s.threads[t].ops[i];
        if (op.kind != OpKind::kOpen || !anchors_.count(op.path.anchor))
          continue;
        const Components target = *ResolvePath(op.path, targets);
        for (size_t u = 0; u < s.threads.size(); ++u) {
          if (u == t || !held[u].count(target)) continue;
          Finding f = At(t, i);
          f.signature.anchor = op.path.anchor;
          out.push_back(f);
          break;
        }
      }
    }
    return out;
  }

  absl::StatusOr<TrialResult> Run(const Scenario& scenario,
                                  const absl::optional<Signature>& want,
                                  uint64_t max_rounds,
                                  uint64_t stop_after) override {
    return RunMatching(
        scenario,
        [&](const Finding& f) { return !want || f.signature == *want; },
        max_rounds, stop_after);
  }

  absl::StatusOr<TrialResult> RunMatching(const Scenario& scenario,
                                          FindingMatch match,
                                          uint64_t max_rounds,
                                          uint64_t stop_after) override {
    ++trials;
    TrialResult result;
    const std::vector<Finding> eligible = Eligible(scenario);
    bool matches = false;
    for (const Finding& f : eligible) matches |= match(f);
    std::bernoulli_distribution fires(rate_);
    while (result.rounds < max_rounds) {
      ++result.rounds;
      if (matches && fires(gen_)) {
        if (result.failures == 0) result.first = eligible;
        ++result.failures;
        if (stop_after && result.failures >= stop_after) break;
      }
    }
    return result;
  }

  int trials = 0;

 private:
  double rate_;
  std::set<Anchor> anchors_;
  std::mt19937_64 gen_{42};
};

const BisectRow* Row(const std::vector<BisectRow>& rows,
                     absl::string_view name) {
  for (const BisectRow& row : rows) {
    if (row.variation == name) return &row;
  }
  return nullptr;
}

// The failures of row `name`; a test failure (and a value no test expects)
// when there is no such row.
uint64_t Failures(const std::vector<BisectRow>& rows, absl::string_view name) {
  const BisectRow* row = Row(rows, name);
  if (row == nullptr) {
    ADD_FAILURE() << "no row '" << name << "'";
    return ~uint64_t{0};
  }
  return row->failures;
}

TEST(BisectTest, HeldRelativeBugFailsOnlyAsFoundAndWithFlagsReset) {
  const Scenario s = Parse(kSeed);
  HeldRelativeProber main(0.05);
  HeldRelativeProber control(0.0);
  std::vector<std::string> done;
  BisectOptions options;
  options.min_rounds = 0;
  options.row_done = [&](const BisectRow& row) {
    done.push_back(row.variation);
  };
  absl::StatusOr<std::vector<BisectRow>> rows =
      Bisect(s, At(1, 1), Seed(), main, &control, options);
  ASSERT_TRUE(rows.ok()) << rows.status();
  std::vector<std::string> names;
  for (const BisectRow& row : *rows) names.push_back(row.variation);
  EXPECT_EQ(names, (std::vector<std::string>{
                       "as found", "control directory", "absolute path",
                       "all paths absolute", "directory handle anchor",
                       "one thread", "no held handle", "share reset"}));
  EXPECT_EQ(done, names);
  EXPECT_GT(Failures(*rows, "as found"), 0u);
  EXPECT_GT(Failures(*rows, "share reset"), 0u);
  for (const char* zero :
       {"control directory", "absolute path", "all paths absolute",
        "directory handle anchor", "one thread", "no held handle"}) {
    EXPECT_EQ(Failures(*rows, zero), 0u) << zero;
  }
  // Every row has rounds enough to see a quarter of the as-found rate.
  ASSERT_NE(Row(*rows, "as found"), nullptr);
  const BisectRow& found = *Row(*rows, "as found");
  const uint64_t enough = RoundsToDetect(0.25 * found.failures / found.rounds,
                                         0.99, options.max_rounds);
  for (const BisectRow& row : *rows) {
    if (row.variation != "as found") {
      EXPECT_EQ(row.rounds, enough) << row.variation;
    }
  }
  EXPECT_EQ(found.failures, options.measure_failures);
  const std::string table = BisectMarkdown(*rows);
  EXPECT_TRUE(absl::StrContains(table, "| absolute path | 0 | ")) << table;
  EXPECT_TRUE(absl::StrContains(table, "| < ")) << table;
}

TEST(BisectTest, EveryRowGetsAtLeastTheFloorOfRounds) {
  const Scenario s = Parse(kSeed);
  HeldRelativeProber main(0.5);  // a quarter of it needs only 16 rounds
  BisectOptions options;
  options.min_rounds = 600;
  absl::StatusOr<std::vector<BisectRow>> rows =
      Bisect(s, At(1, 1), Seed(), main, nullptr, options);
  ASSERT_TRUE(rows.ok()) << rows.status();
  for (size_t i = 1; i < rows->size(); ++i) {
    EXPECT_EQ((*rows)[i].rounds, 600u) << (*rows)[i].variation;
  }
  options.max_rounds = 100;  // the cap wins over the floor
  rows = Bisect(s, At(1, 1), Seed(), main, nullptr, options);
  ASSERT_TRUE(rows.ok()) << rows.status();
  EXPECT_EQ(rows->back().rounds, 100u);
}

TEST(BisectTest, AHandleAnchoredFailureCountsAsTheSameBug) {
  const Scenario s = Parse(kSeed);
  HeldRelativeProber main(0.05, {Anchor::kCwd, Anchor::kHandle});
  absl::StatusOr<std::vector<BisectRow>> rows =
      Bisect(s, At(1, 1), Seed(), main, nullptr, BisectOptions{});
  ASSERT_TRUE(rows.ok()) << rows.status();
  EXPECT_EQ(Row(*rows, "control directory"), nullptr);
  EXPECT_GT(Failures(*rows, "directory handle anchor"), 0u);
  EXPECT_EQ(Failures(*rows, "absolute path"), 0u);
}

TEST(BisectTest, FixedRoundsGiveEveryRowThatMany) {
  const Scenario s = Parse(kSeed);
  HeldRelativeProber main(0.05), control(0.0);
  BisectOptions options;
  options.rounds = 777;
  absl::StatusOr<std::vector<BisectRow>> rows =
      Bisect(s, At(1, 1), Seed(), main, &control, options);
  ASSERT_TRUE(rows.ok()) << rows.status();
  for (const BisectRow& row : *rows)
    EXPECT_EQ(row.rounds, 777u) << row.variation;
}

TEST(BisectTest, AScenarioThatDoesNotFailIsRefused) {
  const Scenario s = Parse(kSeed);
  HeldRelativeProber never(0.0);
  BisectOptions options;
  options.measure_max_rounds = 1000;
  absl::StatusOr<std::vector<BisectRow>> rows =
      Bisect(s, At(1, 1), Seed(), never, nullptr, options);
  EXPECT_EQ(rows.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(never.trials, 1);
}

TEST(BisectTest, AFailingOpThatIsNotACallIsRefused) {
  const Scenario s = Parse(kSeed);
  HeldRelativeProber main(0.05);
  EXPECT_EQ(Bisect(s, At(1, 0), Seed(), main, nullptr, {}).status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(Bisect(s, At(5, 0), Seed(), main, nullptr, {}).status().code(),
            absl::StatusCode::kInvalidArgument);
}

// Fails in round `at` with the findings `findings`, and keeps a trace
// whose round number says which round it was.
class ScriptedProber : public Prober {
 public:
  ScriptedProber(uint64_t at, std::vector<Finding> findings)
      : at_(at), findings_(std::move(findings)) {}
  absl::StatusOr<TrialResult> Run(const Scenario&,
                                  const absl::optional<Signature>& want,
                                  uint64_t max_rounds,
                                  uint64_t stop_after) override {
    TrialResult result;
    bool matches = false;
    for (const Finding& f : findings_) matches |= !want || f.signature == *want;
    for (result.rounds = 1; result.rounds <= max_rounds; ++result.rounds) {
      if (result.rounds == at_ && matches) {
        result.failures = 1;
        result.first = findings_;
        result.first_trace.round = at_;
        break;
      }
    }
    result.rounds = std::min(result.rounds, max_rounds);
    return result;
  }
  uint64_t at_;
  std::vector<Finding> findings_;
};

TEST(FindFirstFailureTest,
     ReturnsTheWantedFindingOfTheFirstFailingRoundAndItsTrace) {
  Finding other = At(0, 0);
  other.signature.op = OpKind::kStat;
  ScriptedProber prober(7, {other, At(1, 1)});
  absl::StatusOr<FirstFailure> first =
      FindFirstFailure(Parse(kSeed), Seed(), prober, 100);
  ASSERT_TRUE(first.ok()) << first.status();
  EXPECT_EQ(first->where.thread, 1u);
  EXPECT_EQ(first->where.op, 1u);
  EXPECT_EQ(first->trace.round, 7u);
  EXPECT_EQ(first->rounds, 7u);
  // Without a signature, the first finding of the round.
  first = FindFirstFailure(Parse(kSeed), absl::nullopt, prober, 100);
  ASSERT_TRUE(first.ok()) << first.status();
  EXPECT_EQ(first->where.signature.op, OpKind::kStat);
}

TEST(FindFirstFailureTest, NoFailingRoundIsNotFound) {
  ScriptedProber prober(500, {At(1, 1)});
  absl::StatusOr<FirstFailure> first =
      FindFirstFailure(Parse(kSeed), Seed(), prober, 100);
  EXPECT_EQ(first.status().code(), absl::StatusCode::kNotFound);
  EXPECT_TRUE(absl::StrContains(first.status().message(), "in 100 rounds"))
      << first.status();
}

// A prober whose trials cannot be set up, for one variation.
class FailingSetupProber : public HeldRelativeProber {
 public:
  FailingSetupProber() : HeldRelativeProber(0.05) {}
  absl::StatusOr<TrialResult> RunMatching(const Scenario& scenario,
                                          FindingMatch match,
                                          uint64_t max_rounds,
                                          uint64_t stop_after) override {
    if (!scenario.shared.empty()) {
      return absl::FailedPreconditionError("cannot open d_bisect");
    }
    return HeldRelativeProber::RunMatching(scenario, match, max_rounds,
                                           stop_after);
  }
};

TEST(BisectTest, AVariationThatCannotRunIsLoggedAndLeftOut) {
  const Scenario s = Parse(kSeed);
  FailingSetupProber main;
  std::vector<std::string> log;
  BisectOptions options;
  options.log = [&](const std::string& line) { log.push_back(line); };
  absl::StatusOr<std::vector<BisectRow>> rows =
      Bisect(s, At(1, 1), Seed(), main, nullptr, options);
  ASSERT_TRUE(rows.ok()) << rows.status();
  EXPECT_EQ(Row(*rows, "directory handle anchor"), nullptr);
  EXPECT_NE(Row(*rows, "one thread"), nullptr);
  ASSERT_EQ(log.size(), 1u);
  EXPECT_EQ(log[0], "skipped: directory handle anchor: cannot open d_bisect");
}

// The sandbox breaks (its reset fails with EIO) while one variation runs;
// with `renewable`, a fresh sandbox works, else the file system is
// unusable from there on.
class BreakingSandboxProber : public HeldRelativeProber {
 public:
  explicit BreakingSandboxProber(bool renewable)
      : HeldRelativeProber(0.05), renewable_(renewable) {}
  absl::StatusOr<TrialResult> RunMatching(const Scenario& scenario,
                                          FindingMatch match,
                                          uint64_t max_rounds,
                                          uint64_t stop_after) override {
    if (broken_ || (!scenario.shared.empty() && !broke_once_)) {
      broke_once_ = broken_ = true;
      return SandboxResetError("remove src/x: Input/output error (EIO)");
    }
    return HeldRelativeProber::RunMatching(scenario, match, max_rounds,
                                           stop_after);
  }
  absl::StatusOr<std::string> RenewSandbox() override {
    ++renewed;
    if (!renewable_) return absl::UnavailableError("mkdir: Input/output error");
    broken_ = false;
    return std::string("/tmp/x/openrace-broken-1-1");
  }
  int renewed = 0;

 private:
  const bool renewable_;
  bool broken_ = false;
  bool broke_once_ = false;
};

TEST(BisectTest, ABrokenSandboxIsRenewedAndTheVariationRunsAgain) {
  const Scenario s = Parse(kSeed);
  BreakingSandboxProber main(/*renewable=*/true);
  std::vector<std::string> log;
  BisectOptions options;
  options.log = [&](const std::string& line) { log.push_back(line); };
  absl::StatusOr<std::vector<BisectRow>> rows =
      Bisect(s, At(1, 1), Seed(), main, nullptr, options);
  ASSERT_TRUE(rows.ok()) << rows.status();
  EXPECT_EQ(main.renewed, 1);
  // The variation that broke it was measured in the fresh sandbox, and
  // every later one too.
  EXPECT_NE(Row(*rows, "directory handle anchor"), nullptr);
  EXPECT_NE(Row(*rows, "one thread"), nullptr);
  ASSERT_EQ(log.size(), 1u);
  EXPECT_TRUE(absl::StartsWith(
      log[0], "sandbox broken while directory handle anchor ran (remove "
              "src/x: Input/output error (EIO)); kept at "
              "/tmp/x/openrace-broken-1-1"))
      << log[0];
}

TEST(BisectTest, AFileSystemThatBreaksEveryFreshSandboxEndsWithTheRowsSoFar) {
  const Scenario s = Parse(kSeed);
  BreakingSandboxProber main(/*renewable=*/false);
  std::vector<std::string> log;
  BisectOptions options;
  options.log = [&](const std::string& line) { log.push_back(line); };
  absl::StatusOr<std::vector<BisectRow>> rows =
      Bisect(s, At(1, 1), Seed(), main, nullptr, options);
  ASSERT_TRUE(rows.ok()) << rows.status();
  EXPECT_NE(Row(*rows, "as found"), nullptr);
  EXPECT_EQ(Row(*rows, "directory handle anchor"), nullptr);
  ASSERT_EQ(log.size(), 1u);
  EXPECT_TRUE(absl::StartsWith(log[0], "stopped at directory handle anchor: "
                                       "the file system became unusable"))
      << log[0];
}

// The report's rate and the table's first row are one measurement: given
// the minimizer's, Bisect does not measure "as found" again.
TEST(BisectTest, TheAsFoundRowGivenIsTheRowReported) {
  const Scenario s = Parse(kSeed);
  HeldRelativeProber main(0.05);
  BisectOptions options;
  options.min_rounds = 0;
  options.as_found = BisectRow{"as found", 17, 2345};
  absl::StatusOr<std::vector<BisectRow>> rows =
      Bisect(s, At(1, 1), Seed(), main, nullptr, options);
  ASSERT_TRUE(rows.ok()) << rows.status();
  ASSERT_FALSE(rows->empty());
  EXPECT_EQ((*rows)[0].variation, "as found");
  EXPECT_EQ((*rows)[0].failures, 17u);
  EXPECT_EQ((*rows)[0].rounds, 2345u);
  // One trial per other row, none for "as found".
  EXPECT_EQ(static_cast<size_t>(main.trials), rows->size() - 1);
}

TEST(BisectTest, NoRowStartsAfterTheDeadline) {
  const Scenario s = Parse(kSeed);
  HeldRelativeProber main(0.05);
  absl::Time now = absl::UnixEpoch();
  BisectOptions options;
  options.min_rounds = 0;
  options.clock = [&] {
    now += absl::Seconds(1);  // each look at the clock is a second later
    return now;
  };
  options.deadline = absl::UnixEpoch() + absl::Seconds(3);
  std::vector<std::string> log;
  options.log = [&](const std::string& line) { log.push_back(line); };
  absl::StatusOr<std::vector<BisectRow>> rows =
      Bisect(s, At(1, 1), Seed(), main, nullptr, options);
  ASSERT_TRUE(rows.ok()) << rows.status();
  // "as found", then the two rows that started at 1 s and 2 s.
  EXPECT_EQ(rows->size(), 3u);
  ASSERT_FALSE(log.empty());
  EXPECT_TRUE(absl::StrContains(log.back(), "the time budget is spent"))
      << log.back();
}

TEST(BisectRateTest, GivesTheRateOrTheUpperBoundWhenNothingFailed) {
  EXPECT_EQ(BisectRate({"x", 5, 100}), "5 %");
  EXPECT_EQ(BisectRate({"x", 1, 3}), "33.3 %");
  EXPECT_EQ(BisectRate({"x", 0, 0}), "-");
  const std::string bound = BisectRate({"x", 0, 1000});
  EXPECT_EQ(bound, "< 0.383 %");
}

TEST(BisectMarkdownTest, EscapesBackslashesAndPipesInNames) {
  const std::string md =
      BisectMarkdown({{"\\\\?\\ form", 0, 10}, {"a|b", 1, 2}});
  EXPECT_TRUE(absl::StrContains(md, "| \\\\\\\\?\\\\ form | 0 | 10 |")) << md;
  EXPECT_TRUE(absl::StrContains(md, "| a\\|b | 1 | 2 | 50 % |")) << md;
  EXPECT_TRUE(
      absl::StartsWith(md, "| variation | failures | rounds | rate |\n"));
}

// Records the current directory during each trial.
}  // namespace
}  // namespace openrace
