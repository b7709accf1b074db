#include "harness/scenario/scenario.h"

#include "gtest/gtest.h"

namespace openrace {
namespace {

Op OpOfKind(OpKind kind) {
  Op op;
  op.kind = kind;
  return op;
}

Op OpenWith(Disposition disposition) {
  Op op;
  op.flags.disposition = disposition;
  return op;
}

TEST(ScenarioTest, OnlyAPlainOpenAmongDispositionsLeavesTheTreeAlone) {
  EXPECT_FALSE(MutatesTree(OpenWith(Disposition::kOpen)));
  for (Disposition disposition :
       {Disposition::kSupersede, Disposition::kCreate, Disposition::kOpenIf,
        Disposition::kOverwrite, Disposition::kOverwriteIf}) {
    EXPECT_TRUE(MutatesTree(OpenWith(disposition)))
        << static_cast<int>(disposition);
  }
}

TEST(ScenarioTest, MkdirDeleteAndRenameMutateTheTree) {
  EXPECT_TRUE(MutatesTree(OpOfKind(OpKind::kMkdir)));
  EXPECT_TRUE(MutatesTree(OpOfKind(OpKind::kDelete)));
  EXPECT_TRUE(MutatesTree(OpOfKind(OpKind::kRename)));
  EXPECT_FALSE(MutatesTree(OpOfKind(OpKind::kStat)));
  EXPECT_FALSE(MutatesTree(OpOfKind(OpKind::kClose)));
  EXPECT_FALSE(MutatesTree(OpOfKind(OpKind::kBarrier)));
}

TEST(ScenarioTest, AScenarioMutatesWhenAnyThreadHasAMutatingOp) {
  Scenario scenario;
  scenario.threads.resize(2);
  scenario.threads[0].ops = {OpOfKind(OpKind::kStat), OpOfKind(OpKind::kOpen)};
  scenario.threads[1].ops = {OpOfKind(OpKind::kBarrier)};
  EXPECT_FALSE(MutatesTree(scenario));
  scenario.threads[1].ops.push_back(OpOfKind(OpKind::kMkdir));
  EXPECT_TRUE(MutatesTree(scenario));
}

TEST(ScenarioTest, CountCallsLeavesOutBarriers) {
  Scenario scenario;
  EXPECT_EQ(CountCalls(scenario), 0u);
  scenario.threads.resize(2);
  scenario.threads[0].ops = {OpOfKind(OpKind::kOpen),
                             OpOfKind(OpKind::kBarrier),
                             OpOfKind(OpKind::kClose)};
  scenario.threads[1].ops = {OpOfKind(OpKind::kBarrier),
                             OpOfKind(OpKind::kStat)};
  EXPECT_EQ(CountCalls(scenario), 3u);
}

}  // namespace
}  // namespace openrace
