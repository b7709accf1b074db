// Tests of contention.cc on hand-made traces.

#include "harness/judge/contention.h"

#include <vector>

#include "gtest/gtest.h"
#include "harness/testing/test_util.h"

namespace openrace {
namespace {

using testing_util::Cwd;
using testing_util::PathOp;

OpRecord Ran(int64_t start, int64_t end) {
  OpRecord record;
  record.ran = true;
  record.start_ns = start;
  record.end_ns = end;
  return record;
}

// The seed pattern: thread 0 holds src/a/foo.h across two barriers, thread
// 1 reopens it between them. Records: hold, barrier, barrier, close / barrier,
// open, barrier.
RoundTrace SeedRound(int64_t close_start) {
  RoundTrace trace;
  trace.records = {{Ran(0, 10), OpRecord{}, OpRecord{}, Ran(close_start, close_start + 5)},
                   {OpRecord{}, Ran(50, 60), OpRecord{}}};
  return trace;
}

TEST(ContentionMeterTest, AReopenWhileAnotherThreadHoldsTheFileContends) {
  const ContentionMeter meter(testing_util::SeedPattern());
  EXPECT_EQ(meter.Count(SeedRound(100)), 1u);
  // Closed before the reopen started: nothing was held.
  EXPECT_EQ(meter.Count(SeedRound(40)), 0u);
  // The hold failed: no handle.
  RoundTrace failed = SeedRound(100);
  failed.records[0][0].outcome.status = StatusClass::kNotFound;
  failed.records[0][3].ran = false;
  EXPECT_EQ(meter.Count(failed), 0u);
}

TEST(ContentionMeterTest, SiblingsContendOnlyWhileBothRun) {
  Scenario scenario;
  scenario.tree = {testing_util::Dir("a"), testing_util::Dir("b")};
  scenario.threads = {ThreadProgram{{PathOp(OpKind::kStat, Cwd("a/x"))}},
                      ThreadProgram{{PathOp(OpKind::kStat, Cwd("a/y")),
                                     PathOp(OpKind::kStat, Cwd("b/z"))}}};
  const ContentionMeter meter(scenario);
  RoundTrace trace;
  trace.records = {{Ran(0, 10)}, {Ran(5, 15), Ran(0, 10)}};
  EXPECT_EQ(meter.Count(trace), 2u);  // a/x and a/y; b/z has no sibling
  trace.records = {{Ran(0, 10)}, {Ran(20, 30), Ran(0, 10)}};
  EXPECT_EQ(meter.Count(trace), 0u);
}

// The generator's largest scenarios (64 threads of 2,047 calls) on one
// file: every call has a partner, and the meter stays small (a pair per
// two calls would be 17 billion of them).
TEST(ContentionMeterTest, TheLargestScenariosOnOneFileAreMeasured) {
  Scenario scenario;
  scenario.tree = {testing_util::Dir("a")};
  RoundTrace trace;
  for (int t = 0; t < 64; ++t) {
    ThreadProgram thread;
    trace.records.emplace_back();
    for (int i = 0; i < 2047; ++i) {
      thread.ops.push_back(PathOp(OpKind::kStat, Cwd("a/x")));
      trace.records.back().push_back(Ran(10 * i, 10 * i + 5));
    }
    scenario.threads.push_back(std::move(thread));
  }
  const ContentionMeter meter(scenario);
  EXPECT_EQ(meter.Count(trace), 64u * 2047u);
  // Apart in time, none contends.
  for (int t = 0; t < 64; ++t) {
    for (int i = 0; i < 2047; ++i) {
      trace.records[t][i] = Ran((int64_t{t} * 2047 + i) * 10,
                                (int64_t{t} * 2047 + i) * 10 + 5);
    }
  }
  EXPECT_EQ(meter.Count(trace), 0u);
}

}  // namespace
}  // namespace openrace
