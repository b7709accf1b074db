// corpus_entry_test.cc — a finding directory becomes a corpus file with its
// provenance and the right expectations, or a clear error.

#include "harness/store/corpus_entry.h"

#include <filesystem>
#include <random>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "harness/base/file_util.h"
#include "harness/store/finding_store.h"
#include "harness/judge/oracle.h"
#include "harness/scenario/scenario_text.h"

namespace openrace {
namespace {

namespace fs = std::filesystem;

absl::StatusOr<CorpusEntry> Entry(const std::string& dir,
                                  const std::string& rule = "") {
  CorpusEntryOptions options;
  options.finding_dir = dir;
  options.emulator_rule = rule;
  options.now = absl::FromUnixSeconds(1795953600);  // 2026-11-29
  return MakeCorpusEntry(options);
}

constexpr char kSeed[] = "open-invalid_parameter-EINVAL-transient-cwd";
constexpr char kScenario[] = R"(openrace-scenario 1
rounds 300
dir src
file src/foo.h
thread
  h0 = open cwd:src/foo.h
  barrier 1
  barrier 2
  close h0
thread
  barrier 1
  open cwd:src/foo.h
  barrier 2
)";

class CorpusEntryTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::random_device random;
    root_ = (fs::temp_directory_path() /
             absl::StrCat("openrace-corpus-test-", random(), random()))
                .string();
    finding_ = root_ + "/out/" + kSeed;
    ASSERT_TRUE(MakeDirectories(finding_).ok());
    Write("found.scn", absl::StrCat("# found: ", kSeed,
                                    "\n# failing call: thread 2 op 1: open "
                                    "cwd:src/foo.h\n",
                                    kScenario));
    absl::StatusOr<FindingStore> store = FindingStore::Open(root_ + "/out");
    ASSERT_TRUE(store.ok());
    ASSERT_TRUE(store->SetOccurrences(*ParseSignature(kSeed), 5).ok());
  }
  void TearDown() override { fs::remove_all(root_); }

  void Write(const std::string& name, const std::string& contents) {
    ASSERT_TRUE(WriteFileAtomically(finding_ + "/" + name, contents).ok());
  }
  void Minimize() {
    Write("minimized.scn", absl::StrCat("# minimized: ", kSeed, "\n", kScenario));
    Write("stats.json",
          "{\"signature\": \"x\", \"one_minimal\": true, \"rate\": "
          "{\"failures\": 20, \"rounds\": 5000, \"low\": 0.0026, \"high\": "
          "0.0062}}\n");
  }

  std::string root_, finding_;
};

TEST_F(CorpusEntryTest, AMinimizedRealBugExpectsACleanReplay) {
  Minimize();
  absl::StatusOr<CorpusEntry> e =
      Entry(finding_ + "/");
  ASSERT_TRUE(e.ok()) << e.status();
  EXPECT_TRUE(e->minimized);
  EXPECT_EQ(e->signature, kSeed);
  EXPECT_EQ(e->default_name, "open_invalid_parameter_einval_transient_cwd");
  EXPECT_TRUE(absl::StrContains(e->text, "\n# expect: clean\n"));
  EXPECT_FALSE(absl::StrContains(e->text, "# expect: finding"));
  // The source directory, spelled the platform's way.
  EXPECT_TRUE(absl::StrContains(
      e->text, "on 2026-11-29 from " +
                   fs::path(finding_).lexically_normal().string() + "\n"));
  EXPECT_TRUE(absl::StrContains(
      e->text, "# failing call (as found): thread 2 op 1: open cwd:src/foo.h\n"));
  EXPECT_TRUE(absl::StrContains(e->text, "# rate: 20/5000 rounds (95 % 0.26 % to 0.62 %)\n"));
  EXPECT_TRUE(absl::StrContains(e->text, "# occurrences: 5 scenario(s)"));
  EXPECT_TRUE(absl::StrContains(e->text, "# scenario: minimized.scn (1-minimal)\n"));
  // The scenario comes back as it was.
  absl::StatusOr<Scenario> back = ParseScenario(e->text);
  ASSERT_TRUE(back.ok()) << back.status();
  EXPECT_EQ(PrintScenario(*back), kScenario);
}

TEST_F(CorpusEntryTest, APlantedBugExpectsTheFindingUnderItsRuleAndCleanWithout) {
  Minimize();
  absl::StatusOr<CorpusEntry> e = Entry(finding_, "held-relative");
  ASSERT_TRUE(e.ok()) << e.status();
  EXPECT_TRUE(absl::StrContains(
      e->text, absl::StrCat("# expect: clean\n# expect: finding ", kSeed,
                            " under emulator rule held-relative\n")));
}

// A finding whose stats.json says the emulator was loaded is planted,
// under the rule it ran with, even when no --emulator-rule is given.
TEST_F(CorpusEntryTest, AnEmulatorFindingIsNeverRecordedAsARealBug) {
  Minimize();
  Write("stats.json",
        "{\"signature\": \"x\", \"one_minimal\": true, \"emulator\": true, "
        "\"emulator_settings\": {\"OPENRACE_EMULATOR_RULES\": "
        "\"any-relative,held-relative\"}}\n");
  absl::StatusOr<CorpusEntry> e = Entry(finding_);
  ASSERT_TRUE(e.ok()) << e.status();
  EXPECT_TRUE(e->planted);
  EXPECT_FALSE(absl::StrContains(e->text, "A real bug")) << e->text;
  EXPECT_TRUE(absl::StrContains(
      e->text, absl::StrCat("# expect: clean\n# expect: finding ", kSeed,
                            " under emulator rule any-relative\n")))
      << e->text;
  // No rules named: the emulator's default rule.
  Write("stats.json", "{\"emulator\": true}\n");
  e = Entry(finding_);
  ASSERT_TRUE(e.ok()) << e.status();
  EXPECT_TRUE(absl::StrContains(e->text, "under emulator rule held-relative\n"));
  // Rules it does not know: refused rather than guessed.
  Write("stats.json",
        "{\"emulator\": true, \"emulator_settings\": "
        "{\"OPENRACE_EMULATOR_RULES\": \"\"}}\n");
  e = Entry(finding_);
  EXPECT_EQ(e.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_TRUE(absl::StrContains(e.status().message(), "--emulator-rule"));
}

TEST_F(CorpusEntryTest, AFindingNeverMinimizedUsesFoundScnAndSaysSo) {
  absl::StatusOr<CorpusEntry> e =
      Entry(finding_);
  ASSERT_TRUE(e.ok()) << e.status();
  EXPECT_FALSE(e->minimized);
  EXPECT_TRUE(absl::StrContains(e->text, "found.scn as generated; the finding was never minimized"));
  EXPECT_FALSE(absl::StrContains(e->text, "# rate:"));
}

TEST_F(CorpusEntryTest, RefusesWhatIsNotAValidFinding) {
  EXPECT_TRUE(absl::StrContains(
      Entry(root_ + "/nowhere").status().message(),
      "is not a directory"));
  ASSERT_TRUE(MakeDirectories(root_ + "/out/not-a-signature").ok());
  EXPECT_TRUE(absl::StrContains(
      Entry(root_ + "/out/not-a-signature").status().message(),
      "its name is not a signature"));
  EXPECT_TRUE(absl::StrContains(
      Entry(finding_, "held").status().message(),
      "--emulator-rule 'held' is not one of"));
  Write("minimized.scn", "openrace-scenario 1\nrounds 10\nthread\n  open cwd:../x\n");
  EXPECT_TRUE(absl::StrContains(
      Entry(finding_).status().message(),
      "minimized.scn: "));
  fs::remove(finding_ + "/minimized.scn");
  fs::remove(finding_ + "/found.scn");
  EXPECT_TRUE(absl::StrContains(
      Entry(finding_).status().message(),
      "neither minimized.scn nor found.scn"));
}

TEST(CorpusNameTest, NamesComeFromSignaturesAndNamesAreChecked) {
  EXPECT_EQ(CorpusNameForSignature("open-invalid_parameter-0xC000000D-transient-cwd"),
            "open_invalid_parameter_0xc000000d_transient_cwd");
  EXPECT_EQ(CorpusNameForSignature("--"), "finding");
  EXPECT_EQ(*CheckCorpusName("my-bug_1.scn"), "my-bug_1");
  for (const char* bad : {"", "../x", "a/b", "a b", ".scn", "x.y"}) {
    EXPECT_FALSE(CheckCorpusName(bad).ok()) << bad;
  }
  EXPECT_TRUE(IsEmulatorRule("mkdir-relative"));
  EXPECT_FALSE(IsEmulatorRule("held"));
}

// What corpus add writes, replay --check reads back.
TEST_F(CorpusEntryTest, TheExpectationsCorpusAddWritesParseBack) {
  Minimize();
  absl::StatusOr<CorpusEntry> e = Entry(finding_, "held-relative");
  ASSERT_TRUE(e.ok()) << e.status();
  absl::StatusOr<std::vector<CorpusExpectation>> expect =
      ParseCorpusExpectations(e->text);
  ASSERT_TRUE(expect.ok()) << expect.status();
  ASSERT_EQ(expect->size(), 2u);
  EXPECT_TRUE((*expect)[0].clean());
  EXPECT_FALSE((*expect)[1].clean());
  EXPECT_EQ((*expect)[1].signature, kSeed);
  EXPECT_EQ((*expect)[1].emulator_rule, "held-relative");
  EXPECT_EQ((*expect)[1].line, (*expect)[0].line + 1);
  EXPECT_TRUE(absl::StrContains(
      e->text, absl::StrCat("# expect: ", (*expect)[1].ToString(), "\n")));
}

TEST(CorpusExpectationTest, ParsesBothFormsWithTheirLines) {
  absl::StatusOr<std::vector<CorpusExpectation>> expect =
      ParseCorpusExpectations(
          "# a comment\r\n# expect: clean\r\n"
          "# expect:  finding open-invalid_parameter-EINVAL-transient-cwd "
          "under emulator rule mkdir-relative\n"
          "openrace-scenario 1\n");
  ASSERT_TRUE(expect.ok()) << expect.status();
  ASSERT_EQ(expect->size(), 2u);
  EXPECT_EQ((*expect)[0].line, 2);
  EXPECT_EQ((*expect)[0].ToString(), "clean");
  EXPECT_EQ((*expect)[1].line, 3);
  EXPECT_EQ((*expect)[1].ToString(),
            absl::StrCat("finding ", kSeed, " under emulator rule mkdir-relative"));
}

TEST(CorpusExpectationTest, RefusesMalformedLinesAndFilesWithoutExpectations) {
  struct Case {
    const char* text;
    const char* message;
  };
  const Case cases[] = {
      {"openrace-scenario 1\n", "states no expectation"},
      {"# expect clean\n", "states no expectation"},
      {"# x\n# expect: cleen\n", "line 2: '# expect: cleen' is neither"},
      {"# expect: clean please\n", "line 1: "},
      {"# expect: finding nope under emulator rule held-relative\n",
       "line 1: 'nope' is not a signature"},
      {"# expect: finding open-invalid_parameter-EINVAL-transient-cwd under "
       "emulator rule held\n",
       "line 1: emulator rule 'held' is not one of"},
      {"# expect: finding open-invalid_parameter-EINVAL-transient-cwd\n",
       "is neither"},
  };
  for (const Case& c : cases) {
    absl::StatusOr<std::vector<CorpusExpectation>> expect =
        ParseCorpusExpectations(c.text);
    ASSERT_FALSE(expect.ok()) << c.text;
    EXPECT_TRUE(absl::StrContains(expect.status().message(), c.message))
        << c.text << " -> " << expect.status();
  }
}

TEST(CorpusExpectationTest, ComparesAReplayWithWhatWasExpected) {
  CorpusExpectation clean;
  CorpusExpectation planted;
  planted.signature = kSeed;
  planted.emulator_rule = "held-relative";
  const CorpusReplay nothing{.rounds = 2000, .findings = {}};
  const CorpusReplay seed{.rounds = 2000, .findings = {{kSeed, 3}}};
  const CorpusReplay other{
      .rounds = 50, .findings = {{"open-not_found-ENOENT-unexpected-cwd", 1}}};
  EXPECT_EQ(CheckCorpusExpectation(clean, nothing), "");
  EXPECT_EQ(CheckCorpusExpectation(clean, seed),
            absl::StrCat("expected clean; found ", kSeed, " in 3 of 2000 rounds"));
  EXPECT_EQ(CheckCorpusExpectation(planted, seed), "");
  EXPECT_EQ(CheckCorpusExpectation(planted, nothing),
            absl::StrCat("expected ", kSeed,
                         " under emulator rule held-relative; found nothing in "
                         "2000 rounds"));
  EXPECT_EQ(CheckCorpusExpectation(planted, other),
            absl::StrCat("expected ", kSeed,
                         " under emulator rule held-relative; found "
                         "open-not_found-ENOENT-unexpected-cwd in 50 rounds"));
}

}  // namespace
}  // namespace openrace
