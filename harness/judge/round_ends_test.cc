#include "harness/judge/round_ends.h"

#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "harness/testing/parse.h"

namespace openrace {
namespace {

using testing_util::Parse;

using Ends = std::vector<std::string>;

TEST(RoundEndsTest, OneThreadEndsOneWay) {
  const absl::optional<Ends> ends = RoundEnds(Parse(R"(openrace-scenario 1
dir a
file a/f
thread
  rename cwd:a/f -> cwd:a/g
  stat cwd:a/f
)"));
  ASSERT_TRUE(ends.has_value());
  EXPECT_EQ(*ends, Ends{"ok,not_found/not_found|d a,f a/g"});
}

TEST(RoundEndsTest, ACreateRacingAnUnlinkEndsThreeWays) {
  // Unlink first (it fails, twice, or its retry finds the file), or after.
  const absl::optional<Ends> ends = RoundEnds(Parse(R"(openrace-scenario 1
dir d
thread
  open cwd:d/x access=read|write disp=open_if
thread
  delete cwd:d/x
)"));
  ASSERT_TRUE(ends.has_value());
  EXPECT_EQ(*ends, (Ends{"ok,not_found/not_found|d d,f d/x",
                         "ok,not_found/ok|d d", "ok,ok|d d"}));
}

TEST(RoundEndsTest, ACallOnAHandleThatFailedToOpenFailsWithItsRetry) {
  const absl::optional<Ends> ends = RoundEnds(Parse(R"(openrace-scenario 1
thread
  h = open cwd:missing options=directory
  stat h:x
)"));
  ASSERT_TRUE(ends.has_value());
  EXPECT_EQ(*ends, Ends{"not_found/not_found,other/other|"});
}

TEST(RoundEndsTest, TooManyInterleavingsGiveNothing) {
  const Scenario s = Parse(R"(openrace-scenario 1
thread
  mkdir cwd:a
  delete cwd:a options=directory
thread
  mkdir cwd:a
  delete cwd:a options=directory
)");
  EXPECT_TRUE(RoundEnds(s).has_value());
  EXPECT_FALSE(RoundEnds(s, /*max_nodes=*/3).has_value());
}

}  // namespace
}  // namespace openrace
