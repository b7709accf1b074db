#include "harness/repro/pin.h"

#include <ostream>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "harness/scenario/scenario_text.h"
#include "harness/testing/parse.h"

namespace openrace {
namespace {

using testing_util::Parse;

// A call's span in a synthetic round, in ns from the release; a barrier
// (or a call that did not run) is {-1, -1}.
struct Span {
  int64_t start, end;
};
constexpr Span kBarrier{-1, -1};
using Round = std::vector<std::vector<Span>>;  // [thread][op]

RoundTrace Trace(const Round& round) {
  RoundTrace trace;
  for (const std::vector<Span>& thread : round) {
    trace.records.emplace_back();
    for (const Span& span : thread) {
      OpRecord record;
      record.ran = span.start >= 0;
      record.start_ns = span.start;
      record.end_ns = span.end;
      trace.records.back().push_back(record);
    }
  }
  return trace;
}

struct Case {
  std::string name;
  std::string scenario;  // the body after `openrace-scenario 1`
  OpRef failing;         // counted from 0
  std::vector<Round> rounds;
  std::string want;      // the pinned scenario's body
  std::vector<std::string> orderings;
};

// The demo's minimized scenario: thread 2's held open must end before
// thread 1's open starts, and its close must wait for it to end; the
// barriers after both opens order neither.
const char kDemo[] = R"(dir src
file src/foo.h
thread
  open cwd:src/foo.h
  barrier 1
  barrier 2
thread
  h0 = open cwd:src/foo.h
  barrier 1
  barrier 2
  close h0
)";

const char kDemoPinned[] = R"(dir src
file src/foo.h
thread
  barrier 1
  open cwd:src/foo.h
  barrier 2
thread
  h0 = open cwd:src/foo.h
  barrier 1
  barrier 2
  close h0
)";

std::vector<Case> Cases() {
  return {
      {"DemoHeldOpenEndsBeforeTheFailingOpenStarts",
       kDemo,
       {0, 0},
       {
           {{{500, 900}, kBarrier, kBarrier},
            {{100, 450}, kBarrier, kBarrier, {1000, 1100}}},
           {{{300, 700}, kBarrier, kBarrier},
            {{50, 280}, kBarrier, kBarrier, {800, 850}}},
       },
       kDemoPinned,
       {"thread 2 op 1 (h0 = open cwd:src/foo.h) ends before thread 1 op 2 "
        "(open cwd:src/foo.h) starts",
        "thread 1 op 2 (open cwd:src/foo.h) ends before thread 2 op 4 "
        "(close h0) starts"}},
      // A held open's recorded end lags the descriptor it made: one
      // failing round in four shows it overlapping the reopen. Three in
      // four and no round the other way still pin both orders.
      {"AnOrderMostRoundsShowAndNoneContradictsIsPinned",
       kDemo,
       {0, 0},
       {
           {{{500, 900}, kBarrier, kBarrier},
            {{100, 450}, kBarrier, kBarrier, {1000, 1100}}},
           {{{300, 700}, kBarrier, kBarrier},
            {{50, 280}, kBarrier, kBarrier, {800, 850}}},
           {{{200, 600}, kBarrier, kBarrier},
            {{100, 250}, kBarrier, kBarrier, {700, 750}}},
           {{{400, 800}, kBarrier, kBarrier},
            {{100, 300}, kBarrier, kBarrier, {900, 950}}},
       },
       kDemoPinned,
       {"thread 2 op 1 (h0 = open cwd:src/foo.h) ends before thread 1 op 2 "
        "(open cwd:src/foo.h) starts",
        "thread 1 op 2 (open cwd:src/foo.h) ends before thread 2 op 4 "
        "(close h0) starts"}},
      // On a loaded machine the holding thread is preempted between its
      // open and its clock read, and the lag covers the whole reopen: two
      // rounds in four show the order, two an overlap in which the held
      // open started first. Neither contradicts the order: pinned.
      {"AnOrderHiddenByPreemptedEndsIsStillPinned",
       kDemo,
       {0, 0},
       {
           {{{500, 900}, kBarrier, kBarrier},
            {{100, 450}, kBarrier, kBarrier, {1000, 1100}}},
           {{{300, 700}, kBarrier, kBarrier},
            {{50, 280}, kBarrier, kBarrier, {800, 850}}},
           {{{200, 600}, kBarrier, kBarrier},
            {{100, 5000}, kBarrier, kBarrier, {5100, 5150}}},
           {{{400, 800}, kBarrier, kBarrier},
            {{100, 900}, kBarrier, kBarrier, {1000, 1050}}},
       },
       kDemoPinned,
       {"thread 2 op 1 (h0 = open cwd:src/foo.h) ends before thread 1 op 2 "
        "(open cwd:src/foo.h) starts",
        "thread 1 op 2 (open cwd:src/foo.h) ends before thread 2 op 4 "
        "(close h0) starts"}},
      // Two calls of thread 2 end before the failing one: pinning the
      // later one orders the earlier one too, so it gets no barrier.
      {"APinImpliedByAnotherIsDropped",
       R"(dir src
file src/foo.h
file src/bar.h
thread
  open cwd:src/foo.h
thread
  stat cwd:src/bar.h
  h0 = open cwd:src/foo.h
  close h0
)",
       {0, 0},
       {{{{500, 900}}, {{10, 90}, {100, 450}, {1000, 1100}}}},
       R"(dir src
file src/foo.h
file src/bar.h
thread
  barrier 1
  open cwd:src/foo.h
  barrier 2
thread
  stat cwd:src/bar.h
  h0 = open cwd:src/foo.h
  barrier 1
  barrier 2
  close h0
)",
       {"thread 2 op 2 (h0 = open cwd:src/foo.h) ends before thread 1 op 2 "
        "(open cwd:src/foo.h) starts",
        "thread 1 op 2 (open cwd:src/foo.h) ends before thread 2 op 5 "
        "(close h0) starts"}},
      // The rounds disagree about the other thread's stat (before in one,
      // overlapping in the other): nothing to pin, and the barrier that
      // ordered nothing goes.
      {"NoCommonRelationNoPinAndUselessBarriersGo",
       R"(dir src
file src/foo.h
thread
  open cwd:src/foo.h
  barrier 1
thread
  stat cwd:src/foo.h
  barrier 1
)",
       {0, 0},
       {
           {{{100, 200}, kBarrier}, {{10, 90}, kBarrier}},
           {{{100, 200}, kBarrier}, {{150, 250}, kBarrier}},
       },
       R"(dir src
file src/foo.h
thread
  open cwd:src/foo.h
thread
  stat cwd:src/foo.h
)",
       {}},
      // Two first calls overlap in every round: the round's start already
      // releases them together. Calls that come later overlap only when
      // released together: a barrier before both.
      {"OverlapsArePinnedOnlyWhereTheRoundStartDoesNot",
       R"(dir src
file src/foo.h
thread
  stat cwd:src/foo.h
  open cwd:src/foo.h
thread
  stat cwd:src/foo.h
  mkdir cwd:src/d
)",
       {0, 1},
       {
           {{{0, 50}, {100, 300}}, {{0, 60}, {120, 250}}},
           {{{0, 50}, {100, 300}}, {{0, 40}, {90, 350}}},
       },
       R"(dir src
file src/foo.h
thread
  stat cwd:src/foo.h
  barrier 1
  open cwd:src/foo.h
thread
  stat cwd:src/foo.h
  barrier 1
  mkdir cwd:src/d
)",
       {"thread 2 op 3 (mkdir cwd:src/d) starts together with thread 1 op 3 "
        "(open cwd:src/foo.h)"}},
  };
}

// Test names and failures name the case, not its bytes.
void PrintTo(const Case& c, std::ostream* os) { *os << c.name; }

class PinTest : public ::testing::TestWithParam<Case> {};

TEST_P(PinTest, PinsWhatEveryFailingRoundShows) {
  const Case& c = GetParam();
  const Scenario input = Parse(std::string("openrace-scenario 1\n") + c.scenario);
  std::vector<RoundTrace> traces;
  for (const Round& round : c.rounds) traces.push_back(Trace(round));
  const PinResult pin = PinInterleaving(input, c.failing, traces);
  EXPECT_EQ(PrintScenario(pin.scenario),
            PrintScenario(Parse(std::string("openrace-scenario 1\n") + c.want)));
  EXPECT_EQ(pin.orderings, c.orderings);
  EXPECT_EQ(pin.changed, c.scenario != c.want);
  // The failing call is the same call in the pinned scenario.
  ASSERT_LT(pin.failing.thread, pin.scenario.threads.size());
  ASSERT_LT(pin.failing.op, pin.scenario.threads[pin.failing.thread].ops.size());
  EXPECT_EQ(PrintOp(pin.scenario.threads[pin.failing.thread].ops[pin.failing.op]),
            PrintOp(input.threads[c.failing.thread].ops[c.failing.op]));
}

INSTANTIATE_TEST_SUITE_P(Table, PinTest, ::testing::ValuesIn(Cases()),
                         [](const ::testing::TestParamInfo<Case>& info) {
                           return info.param.name;
                         });

TEST(PinTest, NoUsableTraceLeavesTheScenarioAlone) {
  const Scenario input = Parse(std::string("openrace-scenario 1\n") + kDemo);
  const PinResult pin = PinInterleaving(input, OpRef{0, 0}, {});
  EXPECT_FALSE(pin.changed);
  EXPECT_EQ(pin.scenario, input);
  EXPECT_TRUE(pin.orderings.empty());
}

}  // namespace
}  // namespace openrace
