#include "harness/scenario/simplify.h"

#include <map>

#include "gtest/gtest.h"
#include "harness/scenario/scenario_text.h"
#include "harness/scenario/validate.h"

namespace openrace {
namespace {

const char kScenario[] = R"(openrace-scenario 1
rounds 10
dir src
dir src/a
file src/a/foo.h
shared d0 = open cwd:src options=directory
thread
  h0 = open cwd:src/./a/foo.h share=read|write|delete
  barrier 1
  close h0
thread
  barrier 1
  open d0:a//foo.h spin=300
)";

std::map<std::string, std::string> StepsToText(const std::string& text) {
  absl::StatusOr<Scenario> s = ParseScenario(text);
  EXPECT_TRUE(s.ok()) << s.status();
  std::map<std::string, std::string> out;
  for (const Candidate& c : Simplifications(*s)) {
    EXPECT_TRUE(ValidateScenario(c.scenario).ok()) << c.step;
    EXPECT_FALSE(c.scenario == *s) << c.step << " changes nothing";
    out[c.step] = PrintScenario(c.scenario);
  }
  return out;
}

// The body of a printed scenario after its tree: its threads.
std::string Threads(const std::string& printed) {
  return printed.substr(printed.find("thread"));
}

struct StepCase {
  std::string step;
  std::string threads;  // expected text from the first `thread` line on
};

TEST(SimplifyTest, EachStepDoesWhatItsNameSays) {
  const std::map<std::string, std::string> got = StepsToText(kScenario);
  const StepCase cases[] = {
      {"drop thread 1", "thread\n  open d0:a//foo.h spin=300\n"},
      {"drop hold h0",
       "thread\n  open cwd:src/./a/foo.h share=read|write|delete\n"
       "  barrier 1\nthread\n  barrier 1\n  open d0:a//foo.h spin=300\n"},
      {"drop spin of thread 2 op 2",
       "thread\n  h0 = open cwd:src/./a/foo.h share=read|write|delete\n"
       "  barrier 1\n  close h0\nthread\n  barrier 1\n  open d0:a//foo.h\n"},
      {"drop a detour in thread 1 op 1",
       "thread\n  h0 = open cwd:src/a/foo.h share=read|write|delete\n"
       "  barrier 1\n  close h0\nthread\n  barrier 1\n"
       "  open d0:a//foo.h spin=300\n"},
      {"plain spelling in thread 2 op 2",
       "thread\n  h0 = open cwd:src/./a/foo.h share=read|write|delete\n"
       "  barrier 1\n  close h0\nthread\n  barrier 1\n"
       "  open d0:a/foo.h spin=300\n"},
      {"reset share of thread 1 op 1",
       "thread\n  h0 = open cwd:src/./a/foo.h\n  barrier 1\n  close h0\n"
       "thread\n  barrier 1\n  open d0:a//foo.h spin=300\n"},
  };
  for (const StepCase& c : cases) {
    auto it = got.find(c.step);
    ASSERT_NE(it, got.end()) << "no step '" << c.step << "'";
    EXPECT_EQ(Threads(it->second), c.threads) << c.step;
  }
}

TEST(SimplifyTest, NoStepChangesAnAnchorKind) {
  absl::StatusOr<Scenario> s = ParseScenario(kScenario);
  ASSERT_TRUE(s.ok());
  for (const Candidate& c : Simplifications(*s)) {
    for (size_t t = 0; t < c.scenario.threads.size(); ++t) {
      for (const Op& op : c.scenario.threads[t].ops) {
        if (op.kind == OpKind::kOpen && op.path.components.back() == "foo.h") {
          EXPECT_TRUE(op.path.anchor == Anchor::kCwd ||
                      op.path.anchor == Anchor::kHandle)
              << c.step;
        }
      }
    }
  }
}

TEST(SimplifyTest, TimingStepsAreMarked) {
  absl::StatusOr<Scenario> s = ParseScenario(kScenario);
  ASSERT_TRUE(s.ok());
  for (const Candidate& c : Simplifications(*s)) {
    const bool timing = c.step.rfind("drop spin", 0) == 0;
    EXPECT_EQ(c.timing, timing) << c.step;
  }
}

TEST(SimplifyTest, BarriersStayWhileTheirThreadsStay) {
  absl::StatusOr<Scenario> s = ParseScenario(kScenario);
  ASSERT_TRUE(s.ok());
  for (const Candidate& c : Simplifications(*s)) {
    if (c.scenario.threads.size() < 2) continue;
    int barriers = 0;
    for (const ThreadProgram& t : c.scenario.threads) {
      for (const Op& op : t.ops) barriers += op.kind == OpKind::kBarrier;
    }
    EXPECT_EQ(barriers, 2) << c.step;
  }
}

TEST(SimplifyTest, AMinimalScenarioHasNoCandidateThatDropsItsOnlyCall) {
  absl::StatusOr<Scenario> s = ParseScenario(R"(openrace-scenario 1
file f
thread
  open cwd:f
)");
  ASSERT_TRUE(s.ok());
  for (const Candidate& c : Simplifications(*s)) {
    EXPECT_GE(CountCalls(c.scenario), 1u) << c.step;
  }
}

}  // namespace
}  // namespace openrace
