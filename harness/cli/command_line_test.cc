#include "harness/cli/command_line.h"

#include <random>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "harness/base/json_reader.h"
#include "harness/base/provenance.h"
#include "harness/scenario/generator.h"
#include "harness/scenario/validate.h"

namespace openrace {
namespace {

CommandLine Parsed(const std::vector<std::string>& words) {
  absl::StatusOr<CommandLine> line = ParseCommandLine(words);
  EXPECT_TRUE(line.ok()) << line.status();
  return line.ok() ? *std::move(line) : CommandLine{};
}

std::string ErrorOf(const std::vector<std::string>& words) {
  absl::StatusOr<CommandLine> line = ParseCommandLine(words);
  EXPECT_FALSE(line.ok());
  return line.ok() ? "" : std::string(line.status().message());
}

std::string HelpOf(const std::vector<std::string>& words) {
  CommandLine line = Parsed(words);
  EXPECT_EQ(line.kind, CommandLine::kHelp);
  return line.text;
}

TEST(CommandLineTest, FillsTheCommandsStruct) {
  CommandLine line = Parsed({"replay", "a.scn", "--dir", "/d", "b.scn",
                             "--rounds=7", "--watchdog", "2s", "--json"});
  ASSERT_EQ(line.kind, CommandLine::kRun);
  EXPECT_EQ(line.command, "replay");
  const ReplayCommand& replay = std::get<ReplayCommand>(line.invocation);
  EXPECT_EQ(replay.files, (std::vector<std::string>{"a.scn", "b.scn"}));
  EXPECT_EQ(replay.dir, "/d");
  EXPECT_EQ(replay.rounds, 7u);
  EXPECT_EQ(replay.watchdog, absl::Seconds(2));
  EXPECT_TRUE(replay.json);
}

TEST(CommandLineTest, RunsAMinuteUnlessTold) {
  EXPECT_EQ(std::get<RunCommand>(Parsed({"run", "--dir", "d"}).invocation)
                .campaign.time,
            absl::Minutes(1));
  EXPECT_EQ(std::get<RunCommand>(
                Parsed({"run", "--dir", "d", "--scenarios", "5"}).invocation)
                .campaign.time,
            absl::ZeroDuration());
  EXPECT_EQ(std::get<RunCommand>(
                Parsed({"run", "--dir", "d", "--time", "10m"}).invocation)
                .campaign.time,
            absl::Minutes(10));
}

TEST(CommandLineTest, CampaignJobsDefaultToTheCpusWithinTheBound) {
  const uint64_t jobs =
      std::get<CampaignCommand>(Parsed({"campaign", "--dir", "d"}).invocation)
          .jobs;
  EXPECT_GE(jobs, 1u);
  EXPECT_LE(jobs, kMaxJobs);
}

// What the supervisor (command_campaign.cc WorkerArgs) and `run --demo`
// (demo_posix.cc) pass to their children parses.
TEST(CommandLineTest, TakesTheCommandLinesOpenraceGivesItsChildren) {
  CommandLine worker = Parsed(
      {"campaign-worker", "--shard=1", "--jobs=2", "--dir=/d", "--out=/o",
       "--seed=3", "--minimize_time=5m", "--watchdog=10s", "--max_threads=4",
       "--max_ops=6", "--max_depth=3", "--rounds=200", "--nomutations",
       "--minimize", "--backend=posix", "--control_dir=/c", "--scenarios=16",
       "--time=59.5s"});
  const CampaignWorkerCommand& w =
      std::get<CampaignWorkerCommand>(worker.invocation);
  EXPECT_EQ(w.shard, 1u);
  EXPECT_EQ(w.jobs, 2u);
  EXPECT_FALSE(w.campaign.generator.mutations);
  EXPECT_EQ(w.campaign.time, absl::Milliseconds(59500));
  EXPECT_EQ(w.campaign.control_dir, "/c");
  EXPECT_EQ(ErrorOf({"campaign-worker", "--shard=2", "--jobs=2", "--dir=/d"}),
            "openrace campaign-worker: --shard 2 is not below --jobs 2");

  CommandLine demo = Parsed(
      {"run", "--dir=/d", "--out=/o", "--control_dir=/c", "--time=1m",
       "--minimize_time=45s", "--seed=1", "--stop_after=1", "--max_threads=4",
       "--max_ops=6", "--nomutations", "--scenarios=3", "--nominimize"});
  const RunCommand& run = std::get<RunCommand>(demo.invocation);
  EXPECT_EQ(run.stop_after, 1u);
  EXPECT_FALSE(run.campaign.minimize);
}

TEST(CommandLineTest, AForeignFlagIsAnErrorNamingTheCommand) {
  EXPECT_EQ(ErrorOf({"doctor", "--lang", "c-nt", "--rounds", "5"}),
            "openrace doctor: unknown flag --lang (doctor takes --dir, --json)");
  EXPECT_EQ(ErrorOf({"emit", "x.scn", "--dir", "/d"}),
            "openrace emit: unknown flag --dir (emit takes --lang, --out)");
  EXPECT_EQ(ErrorOf({"report", "f", "--json"}),
            "openrace report: unknown flag --json (report takes no flags)");
  EXPECT_EQ(ErrorOf({"run", "--dir", "d", "--bogus"}),
            "openrace run: unknown flag --bogus (openrace help run lists its "
            "flags)");
}

TEST(CommandLineTest, SuggestsTheNearestFlagAndCommand) {
  EXPECT_EQ(ErrorOf({"run", "--tme", "1s"}),
            "openrace run: unknown flag --tme; did you mean --time?");
  EXPECT_EQ(ErrorOf({"campaign", "--worker-timout=1m"}),
            "openrace campaign: unknown flag --worker-timout; did you mean "
            "--worker-timeout?");
  EXPECT_TRUE(absl::StartsWith(ErrorOf({"rnu"}),
                               "openrace: unknown command 'rnu'; did you mean run?"));
  EXPECT_TRUE(absl::StartsWith(ErrorOf({"frobnicate"}),
                               "openrace: unknown command 'frobnicate' (expected run, "));
}

// Issue 12 §4: every value checked before anything runs.
struct BadValueCase {
  const char* name;
  std::vector<std::string> words;
  std::string message;
};

class CommandLineBadValueTest : public ::testing::TestWithParam<BadValueCase> {};

TEST_P(CommandLineBadValueTest, IsRejectedWithOneLine) {
  EXPECT_EQ(ErrorOf(GetParam().words), GetParam().message);
}

INSTANTIATE_TEST_SUITE_P(
    Values, CommandLineBadValueTest,
    ::testing::Values(
        BadValueCase{"NegativeTime", {"run", "--dir", "d", "--time", "-5s"},
                     "openrace run: bad value '-5s' for --time: must not be "
                     "negative"},
        BadValueCase{"ZeroTime", {"run", "--dir", "d", "--time=0s"},
                     "openrace run: bad value '0s' for --time: must be more "
                     "than 0 (leave --time out for the default)"},
        BadValueCase{"TimeWithoutUnit", {"run", "--dir", "d", "--time", "10"},
                     "openrace run: bad value '10' for --time: a duration "
                     "needs a unit: write 10s (or ms, m, h)"},
        BadValueCase{"ZeroWatchdog", {"replay", "x", "--watchdog", "0s"},
                     "openrace replay: bad value '0s' for --watchdog: must be "
                     "at least 100ms (a shorter one reports slow calls as "
                     "hangs)"},
        BadValueCase{"TinyWatchdog", {"run", "--watchdog=50ms"},
                     "openrace run: bad value '50ms' for --watchdog: must be "
                     "at least 100ms (a shorter one reports slow calls as "
                     "hangs)"},
        BadValueCase{"TooManyJobs", {"campaign", "--jobs", "100000"},
                     "openrace campaign: bad value '100000' for --jobs: must "
                     "be 0 to 256"},
        BadValueCase{"TooManyThreads", {"run", "--max-threads", "65"},
                     "openrace run: bad value '65' for --max-threads: must be "
                     "2 to 64"},
        BadValueCase{"TooManyOps", {"campaign", "--max-ops", "2048"},
                     "openrace campaign: bad value '2048' for --max-ops: must "
                     "be 1 to 2047"},
        BadValueCase{"TooDeep", {"run", "--max-depth", "33"},
                     "openrace run: bad value '33' for --max-depth: must be 0 "
                     "to 32"},
        BadValueCase{"ZeroRounds", {"run", "--rounds", "0"},
                     "openrace run: bad value '0' for --rounds: must be at "
                     "least 1"},
        BadValueCase{"UnknownBackend", {"replay", "x", "--backend", "fat"},
                     "openrace replay: bad value 'fat' for --backend: "
                     "expected one of posix, nt, win32"},
        BadValueCase{"BadRssLimit", {"campaign", "--worker-rss-limit", "2Q"},
                     "openrace campaign: bad value '2Q' for "
                     "--worker-rss-limit: not a size like 512M, 2G or "
                     "1048576 (bytes)"},
        BadValueCase{"MergeWithoutOut", {"merge", "a"},
                     "openrace merge: needs --out MERGED, a directory for the "
                     "merged findings"},
        BadValueCase{"RunWithFiles", {"run", "x.scn"},
                     "openrace run: takes no arguments (got 'x.scn')"},
        BadValueCase{"FlagBeforeCommand", {"--dir", "d", "run"},
                     "openrace: the command comes first: openrace COMMAND "
                     "[FLAGS] (got --dir; openrace help lists the commands)"}),
    [](const ::testing::TestParamInfo<BadValueCase>& info) {
      return info.param.name;
    });

TEST(CommandLineTest, CommandHelpShowsOnlyItsFlagsAndAnExample) {
  const std::string help = HelpOf({"help", "doctor"});
  EXPECT_EQ(help, HelpOf({"doctor", "--help"}));
  EXPECT_EQ(help, HelpOf({"doctor", "--dir", "x", "-h"}));
  EXPECT_TRUE(absl::StartsWith(help, "usage: openrace doctor [--dir DIR]"));
  EXPECT_NE(help.find("  --dir DIR\n"), std::string::npos) << help;
  EXPECT_NE(help.find("  --json (default: false)\n"), std::string::npos);
  EXPECT_NE(help.find("example:\n  openrace doctor --dir "), std::string::npos);
  for (const char* other : {"--rounds", "--lang", "--time", "--jobs"}) {
    EXPECT_EQ(help.find(other), std::string::npos) << other;
  }
  const std::string run = HelpOf({"run", "--help"});
  EXPECT_NE(run.find("  --watchdog D (default: 10s)\n"), std::string::npos);
  EXPECT_NE(run.find("  --stop-after N"), std::string::npos);
  EXPECT_EQ(run.find("--lang"), std::string::npos);
  EXPECT_EQ(run.find("--worker-timeout"), std::string::npos);
}

TEST(CommandLineTest, OverviewListsEachCommandOnOneLine) {
  const std::string help = HelpOf({"help"});
  EXPECT_EQ(help, HelpOf({"--help"}));
  for (const char* command : {"run", "campaign", "replay", "minimize", "bisect",
                              "emit", "report", "doctor", "merge", "corpus",
                              "bind", "version", "help"}) {
    EXPECT_NE(help.find(absl::StrCat("\n  ", command, " ")), std::string::npos)
        << command;
  }
  EXPECT_EQ(help.find("campaign-worker"), std::string::npos);
  EXPECT_EQ(help.find("--watchdog"), std::string::npos);
}

TEST(CommandLineTest, HelpJsonDescribesEveryCommandsFlags) {
  absl::StatusOr<JsonValue> doc = ParseJson(HelpOf({"help", "--json"}));
  ASSERT_TRUE(doc.ok()) << doc.status();
  EXPECT_EQ(doc->Get("schema").AsUint64(), 1u);
  EXPECT_EQ(doc->Get("version").AsString(), std::string(OpenraceVersion()));
  std::set<std::string> doctor_flags;
  std::set<std::string> commands;
  for (const JsonValue& command : doc->Get("commands").elements()) {
    commands.insert(command.Get("name").AsString().value_or(""));
    if (command.Get("name").AsString() != "doctor") continue;
    for (const JsonValue& flag : command.Get("flags").elements()) {
      doctor_flags.insert(flag.Get("name").AsString().value_or(""));
    }
  }
  EXPECT_EQ(doctor_flags, (std::set<std::string>{"dir", "json"}));
  EXPECT_EQ(commands.count("merge"), 1u);
  EXPECT_EQ(commands.count("campaign-worker"), 0u);
}

TEST(CommandLineTest, VersionBothWays) {
  const std::string want = absl::StrCat("openrace ", OpenraceVersion(), "\n");
  for (std::vector<std::string> words :
       {std::vector<std::string>{"--version"}, {"version"}, {"run", "--version"}}) {
    CommandLine line = Parsed(words);
    EXPECT_EQ(line.kind, CommandLine::kVersion);
    EXPECT_EQ(line.text, want);
  }
  EXPECT_NE(std::string(OpenraceVersion()).find('.'), std::string::npos);
}

TEST(CommandLineTest, OnlyRunsThatStopEarlyExitInterrupted) {
  for (const char* command : {"run", "campaign", "replay", "minimize", "bisect"}) {
    EXPECT_TRUE(InterruptMeansIncomplete(command)) << command;
  }
  for (const char* command : {"bind", "campaign-worker", "doctor", "merge"}) {
    EXPECT_FALSE(InterruptMeansIncomplete(command)) << command;
  }
}

// The generator's bounds on the command line give scenarios the validator
// accepts: --max-threads, --max-ops and --max-depth at their largest.
TEST(CommandLineTest, GeneratorBoundsGiveValidScenarios) {
  CommandLine line = Parsed(
      {"run", "--dir", "d", "--max-threads", absl::StrCat(kMaxThreads),
       "--max-ops", absl::StrCat(kMaxGeneratedOps), "--max-depth",
       absl::StrCat(kMaxGeneratedDepth)});
  const GeneratorOptions& options =
      std::get<RunCommand>(line.invocation).campaign.generator;
  for (uint64_t seed = 1; seed <= 3; ++seed) {
    std::mt19937_64 gen(seed);
    const Scenario scenario = Generate(gen, options);
    EXPECT_TRUE(ValidateScenario(scenario).ok()) << ValidateScenario(scenario);
  }
}

}  // namespace
}  // namespace openrace
