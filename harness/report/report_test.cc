#include "harness/report/report.h"

#include "gtest/gtest.h"
#include "harness/scenario/scenario_text.h"

namespace openrace {
namespace {

FindingSummary SeedSummary() {
  FindingSummary s;
  s.signature = *ParseSignature("open-invalid_parameter-EINVAL-transient-cwd");
  s.found = *ParseScenario(R"(openrace-scenario 1
file f
file g
thread
  h0 = open cwd:f
  stat cwd:g
  close h0
thread
  open cwd:f
)");
  s.found_thread = 1;
  s.found_op = 0;
  s.backend = "posix";
  return s;
}

TEST(ReportTest, NamesTheFailingCallOfTheShownScenario) {
  FindingSummary s = SeedSummary();
  EXPECT_NE(ReportMarkdown(s).find("the call `open cwd:f` answered "
                                   "invalid_parameter(EINVAL)"),
            std::string::npos);
  s.failing_call = "open cwd:g";
  EXPECT_NE(ReportMarkdown(s).find("the call `open cwd:g`"), std::string::npos);
}

TEST(ReportTest, TheBisectionGivesTheTriggerAndTheWorkarounds) {
  FindingSummary s = SeedSummary();
  s.bisect = {{"as found", 20, 1000},
              {"absolute path", 0, 1000},
              {"no held handle", 0, 1000},
              {"share reset", 7, 1000}};
  const std::string md = ReportMarkdown(s);
  EXPECT_NE(md.find("The failure stops with: absolute path, no held handle."),
            std::string::npos) << md;
  EXPECT_NE(md.find("It still happens with: share reset."), std::string::npos);
  EXPECT_NE(md.find("| absolute path | 0 | 1000 | 0 (< 0.383%) |"),
            std::string::npos) << md;
  EXPECT_NE(md.find("- Open by absolute path"), std::string::npos);
  EXPECT_NE(md.find("- Retry the call once"), std::string::npos);
  EXPECT_NE(md.find("- Avoid keeping the file open"), std::string::npos);
}

TEST(ReportTest, NoWorkaroundTheDataDoesNotSupport) {
  FindingSummary s = SeedSummary();
  s.signature.verdict = Verdict::kUnexpected;
  s.bisect = {{"as found", 20, 1000}, {"absolute path", 3, 1000}};
  const std::string md = ReportMarkdown(s);
  EXPECT_EQ(md.find("Workarounds"), std::string::npos) << md;
}

TEST(ReportTest, StatsJsonHasTheKeysScriptsRead) {
  FindingSummary s = SeedSummary();
  s.failures = 3;
  s.rounds = 100;
  s.rate = WilsonInterval(3, 100);
  s.bisect = {{"as found", 3, 100}};
  const std::string json = StatsJson(s);
  EXPECT_EQ(json.rfind("{\n  \"schema\": 1,\n", 0), 0u) << json;
  for (const char* key :
       {"\"signature\": \"open-invalid_parameter-EINVAL-transient-cwd\"",
        "\"threads\": 2", "\"ops\": 4", "\"failures\": 3", "\"rounds\": 100",
        "\"low\": ", "\"high\": ", "\"variation\": \"as found\""}) {
    EXPECT_NE(json.find(key), std::string::npos) << key << "\n" << json;
  }
}

}  // namespace
}  // namespace openrace
