#include "harness/cli/flags.h"

#include <string>
#include <vector>

#include "gtest/gtest.h"

namespace openrace {
namespace {

// A command with one flag of each type, and what parsing left in them.
struct Bound {
  bool minimize = true;
  std::string dir;
  std::string lang = "c-posix";
  uint64_t jobs = 0;
  int threads = 4;
  absl::Duration time;
  absl::Duration watchdog = absl::Seconds(10);
  uint64_t limit = 0;
  std::vector<std::string> positional;
  FlagSet flags{"test"};

  Bound() {
    flags.Bool("minimize", &minimize, "minimize");
    flags.String("dir", &dir, "DIR", "the directory");
    flags.Choice("lang", &lang, {"c-posix", "c-nt"}, "the language");
    flags.Uint("jobs", &jobs, "N", "jobs", 0, 256);
    flags.Int("max-threads", &threads, "N", "threads", 2, 64);
    flags.Duration("time", &time, "time");
    flags.Duration("watchdog", &watchdog, "watchdog",
                   {absl::Milliseconds(100), absl::InfiniteDuration(),
                    "slow calls are not hangs"});
    flags.Size("limit", &limit, "limit");
  }
  absl::Status Parse(std::vector<std::string> args) {
    return flags.Parse(args, &positional);
  }
};

TEST(FlagSetTest, TakesBothValueSpellingsAndPositionalsAnywhere) {
  Bound b;
  ASSERT_TRUE(b.Parse({"a.scn", "--dir=/x", "--jobs", "4", "b.scn",
                       "--time", "1m30s", "--max_threads=8", "--limit", "2G"})
                  .ok());
  EXPECT_EQ(b.dir, "/x");
  EXPECT_EQ(b.jobs, 4u);
  EXPECT_EQ(b.time, absl::Seconds(90));
  EXPECT_EQ(b.threads, 8);
  EXPECT_EQ(b.limit, uint64_t{2} << 30);
  EXPECT_EQ(b.positional, (std::vector<std::string>{"a.scn", "b.scn"}));
  EXPECT_TRUE(b.flags.IsSet("max-threads"));
  EXPECT_FALSE(b.flags.IsSet("watchdog"));
}

TEST(FlagSetTest, BooleansTakeNoAndNoDashAndAnExplicitValue) {
  for (const char* off : {"--no-minimize", "--nominimize", "--minimize=false",
                          "--no_minimize"}) {
    Bound b;
    ASSERT_TRUE(b.Parse({off}).ok()) << off;
    EXPECT_FALSE(b.minimize) << off;
  }
  Bound b;
  ASSERT_TRUE(b.Parse({"--no-minimize", "--minimize"}).ok());
  EXPECT_TRUE(b.minimize);
  // A boolean never takes the next word as its value.
  ASSERT_TRUE(b.Parse({"--minimize", "false"}).ok());
  EXPECT_TRUE(b.minimize);
  EXPECT_EQ(b.positional, (std::vector<std::string>{"false"}));
}

TEST(FlagSetTest, DoubleDashEndsTheFlags) {
  Bound b;
  ASSERT_TRUE(b.Parse({"--dir", "d", "--", "--jobs", "-x"}).ok());
  EXPECT_EQ(b.jobs, 0u);
  EXPECT_EQ(b.positional, (std::vector<std::string>{"--jobs", "-x"}));
}

TEST(FlagSetTest, AValueMayStartWithADash) {
  Bound b;
  ASSERT_TRUE(b.Parse({"--dir", "-odd-"}).ok());
  EXPECT_EQ(b.dir, "-odd-");
}

struct ErrorCase {
  const char* name;
  std::vector<std::string> args;
  std::string message;
};

class FlagSetErrorTest : public ::testing::TestWithParam<ErrorCase> {};

TEST_P(FlagSetErrorTest, IsOneLineNamingTheCommandAndTheFlag) {
  Bound b;
  const absl::Status status = b.Parse(GetParam().args);
  EXPECT_EQ(status, absl::InvalidArgumentError(GetParam().message));
}

INSTANTIATE_TEST_SUITE_P(
    Flags, FlagSetErrorTest,
    ::testing::Values(
        ErrorCase{"Nearest", {"--tme", "1s"},
                  "openrace test: unknown flag --tme; did you mean --time?"},
        ErrorCase{"NearestSwap", {"--wacthdog=1s"},
                  "openrace test: unknown flag --wacthdog; did you mean "
                  "--watchdog?"},
        ErrorCase{"NearestNegation", {"--no-minimise"},
                  "openrace test: unknown flag --no-minimise; did you mean "
                  "--no-minimize?"},
        ErrorCase{"FarListsTheFlags", {"--rounds", "5"},
                  "openrace test: unknown flag --rounds (test takes "
                  "--minimize, --dir, --lang, --jobs, --max-threads, "
                  "--time, --watchdog, --limit)"},
        ErrorCase{"MissingValue", {"--dir"},
                  "openrace test: --dir needs a value (--dir DIR)"},
        ErrorCase{"NegationWithValue", {"--no-minimize=true"},
                  "openrace test: --no-minimize takes no value (write "
                  "--minimize=true)"},
        ErrorCase{"BadBool", {"--minimize=maybe"},
                  "openrace test: bad value 'maybe' for --minimize: expected "
                  "true or false"},
        ErrorCase{"NotAChoice", {"--lang", "rust"},
                  "openrace test: bad value 'rust' for --lang: expected one "
                  "of c-posix, c-nt"},
        ErrorCase{"NotANumber", {"--jobs", "many"},
                  "openrace test: bad value 'many' for --jobs: not a whole "
                  "number"},
        ErrorCase{"NegativeNumber", {"--jobs=-1"},
                  "openrace test: bad value '-1' for --jobs: must not be "
                  "negative"},
        ErrorCase{"AboveTheBound", {"--jobs", "257"},
                  "openrace test: bad value '257' for --jobs: must be 0 to "
                  "256"},
        ErrorCase{"BelowTheBound", {"--max-threads", "1"},
                  "openrace test: bad value '1' for --max-threads: must be 2 "
                  "to 64"},
        ErrorCase{"DurationWithoutUnit", {"--time", "10"},
                  "openrace test: bad value '10' for --time: a duration needs "
                  "a unit: write 10s (or ms, m, h)"},
        ErrorCase{"NotADuration", {"--time", "soon"},
                  "openrace test: bad value 'soon' for --time: not a "
                  "duration; write it like 30s, 10m, 1h30m or 250ms"},
        ErrorCase{"NegativeDuration", {"--time", "-5s"},
                  "openrace test: bad value '-5s' for --time: must not be "
                  "negative"},
        ErrorCase{"DurationBelowItsFloor", {"--watchdog=10ms"},
                  "openrace test: bad value '10ms' for --watchdog: must be at "
                  "least 100ms (slow calls are not hangs)"},
        ErrorCase{"ZeroDurationBelowItsFloor", {"--watchdog", "0"},
                  "openrace test: bad value '0' for --watchdog: must be at "
                  "least 100ms (slow calls are not hangs)"},
        ErrorCase{"BadSize", {"--limit", "lots"},
                  "openrace test: bad value 'lots' for --limit: not a size "
                  "like 512M, 2G or 1048576 (bytes)"}),
    [](const ::testing::TestParamInfo<ErrorCase>& info) {
      return info.param.name;
    });

TEST(FlagSetTest, ManyFlagsArePointedToRatherThanListed) {
  FlagSet flags("big");
  bool b[9] = {};
  const char* names[] = {"a1", "b2", "c3", "d4", "e5", "f6", "g7", "h8", "i9"};
  for (int i = 0; i < 9; ++i) flags.Bool(names[i], &b[i], "x");
  std::vector<std::string> positional;
  EXPECT_EQ(flags.Parse({"--frobnicate"}, &positional),
            absl::InvalidArgumentError("openrace big: unknown flag "
                                       "--frobnicate (openrace help big "
                                       "lists its flags)"));
}

TEST(FlagSetTest, HelpShowsEachFlagWithItsDefaultAndLeavesHiddenOnesOut) {
  Bound b;
  uint64_t shard = 0;
  b.flags.Uint("shard", &shard, "K", "internal").Hidden();
  b.flags.Duration("budget", &b.time, "the budget").Default("1m");
  const std::string help = b.flags.Help();
  EXPECT_NE(help.find("  --minimize (default: true; --no-minimize)\n"
                      "      minimize\n"),
            std::string::npos)
      << help;
  EXPECT_NE(help.find("  --watchdog D (default: 10s)\n"), std::string::npos);
  EXPECT_NE(help.find("  --lang c-posix|c-nt (default: c-posix)\n"),
            std::string::npos);
  EXPECT_NE(help.find("  --budget D (default: 1m)\n"), std::string::npos);
  EXPECT_EQ(help.find("shard"), std::string::npos);
}

TEST(WrapTest, BreaksBetweenWordsAndIndentsEachLine) {
  EXPECT_EQ(Wrap("aa bb cc  dd", 8, "  "), "  aa bb\n  cc dd\n");
  EXPECT_EQ(Wrap("a verylongword b", 6, ""), "a\nverylongword\nb\n");
  EXPECT_EQ(Wrap("", 10, "  "), "");
}

TEST(EditDistanceTest, CountsEditsAndSwapsOfNeighbours) {
  EXPECT_EQ(EditDistance("time", "time"), 0);
  EXPECT_EQ(EditDistance("tme", "time"), 1);
  EXPECT_EQ(EditDistance("tiem", "time"), 1);
  EXPECT_EQ(EditDistance("", "dir"), 3);
  EXPECT_EQ(EditDistance("rounds", "dir"), 6);
}

TEST(ParseDurationTextTest, WantsAUnitButTakesZero) {
  absl::Duration d;
  EXPECT_TRUE(ParseDurationText("0", &d).ok());
  EXPECT_EQ(d, absl::ZeroDuration());
  EXPECT_TRUE(ParseDurationText("250ms", &d).ok());
  EXPECT_EQ(d, absl::Milliseconds(250));
  EXPECT_EQ(ParseDurationText("1.5", &d).message(),
            "a duration needs a unit: write 1.5s (or ms, m, h)");
}

}  // namespace
}  // namespace openrace
