#include "harness/scenario/generator.h"

#include <random>

#include "absl/random/random.h"
#include "absl/strings/match.h"
#include "gtest/gtest.h"
#include "harness/scenario/scenario_text.h"
#include "harness/scenario/validate.h"

namespace openrace {
namespace {

TEST(GeneratorTest, EveryGeneratedScenarioValidates) {
  for (uint64_t seed = 0; seed < 3000; ++seed) {
    std::mt19937_64 gen(seed);
    Scenario scenario = Generate(gen, GeneratorOptions{});
    absl::Status status = ValidateScenario(scenario);
    ASSERT_TRUE(status.ok()) << "seed " << seed << ": " << status << "\n"
                             << scenario;
  }
}

TEST(GeneratorTest, RestrictedOptionsStillValidate) {
  GeneratorOptions options;
  options.max_threads = 8;
  options.max_ops_per_thread = 12;
  options.max_depth = 1;
  options.max_tree_entries = 2;
  options.anchors = {Anchor::kHandle};  // falls back to cwd without handles
  for (uint64_t seed = 0; seed < 500; ++seed) {
    std::mt19937_64 gen(seed);
    Scenario scenario = Generate(gen, options);
    ASSERT_TRUE(ValidateScenario(scenario).ok()) << "seed " << seed << "\n"
                                                 << scenario;
    EXPECT_LE(scenario.threads.size(), 8u);
  }
}

TEST(GeneratorTest, SameSeedGivesSameScenario) {
  std::mt19937_64 a(42), b(42);
  EXPECT_EQ(Generate(a, GeneratorOptions{}), Generate(b, GeneratorOptions{}));
}

TEST(GeneratorTest, DifferentSeedsGiveDifferentScenarios) {
  std::mt19937_64 a(1), b(2);
  EXPECT_NE(Generate(a, GeneratorOptions{}), Generate(b, GeneratorOptions{}));
}

TEST(GeneratorTest, WithoutMutationsNoOperationChangesTheTree) {
  GeneratorOptions options;
  options.mutations = false;
  for (uint64_t seed = 0; seed < 500; ++seed) {
    std::mt19937_64 gen(seed);
    EXPECT_FALSE(MutatesTree(Generate(gen, options))) << "seed " << seed;
  }
}

// Fresh names ("new0"...) are looked at without being created, too: a
// stat or an open without O_CREAT, where a stale entry would show.
TEST(GeneratorTest, FreshNamesAreAlsoLookedAtWithoutBeingCreated) {
  int stats = 0, plain_opens = 0;
  for (uint64_t seed = 0; seed < 200; ++seed) {
    std::mt19937_64 gen(seed);
    for (const ThreadProgram& thread : Generate(gen, GeneratorOptions{}).threads) {
      for (const Op& op : thread.ops) {
        if (op.path.components.empty() ||
            !absl::StartsWith(op.path.components.back(), "new")) {
          continue;
        }
        if (op.kind == OpKind::kStat) ++stats;
        if (op.kind == OpKind::kOpen &&
            op.flags.disposition == Disposition::kOpen) {
          ++plain_opens;
        }
      }
    }
  }
  EXPECT_GT(stats, 20);
  EXPECT_GT(plain_opens, 20);
}

TEST(GeneratorTest, ScenariosHaveAtLeastTwoThreadsThatShareATarget) {
  int with_hold = 0;
  for (uint64_t seed = 0; seed < 500; ++seed) {
    std::mt19937_64 gen(seed);
    Scenario scenario = Generate(gen, GeneratorOptions{});
    ASSERT_GE(scenario.threads.size(), 2u);
    for (const ThreadProgram& thread : scenario.threads) {
      for (const Op& op : thread.ops) {
        if (!op.result.empty()) {
          ++with_hold;
          break;
        }
      }
    }
  }
  // Holds are how the seed bug shows: most scenarios must have one.
  EXPECT_GT(with_hold, 250);
}

TEST(GeneratorTest, GeneratedScenariosRoundTripThroughText) {
  for (uint64_t seed = 0; seed < 500; ++seed) {
    std::mt19937_64 gen(seed);
    Scenario scenario = Generate(gen, GeneratorOptions{});
    absl::StatusOr<Scenario> parsed = ParseScenario(PrintScenario(scenario));
    ASSERT_TRUE(parsed.ok()) << parsed.status();
    EXPECT_EQ(*parsed, scenario) << "seed " << seed;
  }
}

}  // namespace
}  // namespace openrace
