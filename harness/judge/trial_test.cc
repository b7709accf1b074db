// trial_test.cc — the probers of trial.h.

#include "harness/judge/trial.h"

#include <filesystem>
#include <vector>

#include "gtest/gtest.h"
#include "harness/testing/parse.h"
#include "harness/testing/seed_scenario.h"

namespace openrace {
namespace {

using testing_util::Parse;
constexpr const char* kSeed = testing_util::kSeedScenarioText;

class WhereProber : public Prober {
 public:
  absl::StatusOr<TrialResult> Run(const Scenario&,
                                  const absl::optional<Signature>&, uint64_t,
                                  uint64_t) override {
    seen.push_back(std::filesystem::current_path());
    return TrialResult{};
  }
  absl::StatusOr<TrialResult> RunMatching(const Scenario&, FindingMatch,
                                          uint64_t, uint64_t) override {
    seen.push_back(std::filesystem::current_path());
    return TrialResult{};
  }
  std::vector<std::filesystem::path> seen;
};

TEST(CurrentDirectoryProberTest, RunsInItsDirectoryAndChangesBackAfter) {
  const std::filesystem::path before = std::filesystem::current_path();
  const std::filesystem::path dir =
      std::filesystem::canonical(std::filesystem::temp_directory_path());
  WhereProber inner;
  CurrentDirectoryProber prober(inner, dir.string());
  const Scenario s = Parse(kSeed);
  ASSERT_TRUE(prober.Run(s, absl::nullopt, 1, 0).ok());
  ASSERT_TRUE(prober
                  .RunMatching(
                      s, [](const Finding&) { return true; }, 1, 0)
                  .ok());
  EXPECT_EQ(inner.seen, (std::vector<std::filesystem::path>{dir, dir}));
  EXPECT_EQ(std::filesystem::current_path(), before);
}

TEST(CurrentDirectoryProberTest, AMissingDirectoryIsAnErrorAndNothingRuns) {
  WhereProber inner;
  CurrentDirectoryProber prober(inner, "/nonexistent/openrace-bisect-test");
  absl::StatusOr<TrialResult> r = prober.Run(Parse(kSeed), absl::nullopt, 1, 0);
  EXPECT_EQ(r.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_TRUE(inner.seen.empty());
}

}  // namespace
}  // namespace openrace
