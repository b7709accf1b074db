// Tests of tree_restore.cc: which scenarios the executor may restore by
// removing fresh paths, as a table, and that the generator's scenarios all
// can.

#include "harness/run/tree_restore.h"

#include <random>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "harness/scenario/generator.h"
#include "harness/scenario/validate.h"
#include "harness/testing/test_util.h"

namespace openrace {
namespace {

using testing_util::Cwd;
using testing_util::Dir;
using testing_util::File;
using testing_util::MakePath;
using testing_util::On;
using testing_util::Open;
using testing_util::OpenDir;
using testing_util::PathOp;
using testing_util::Rename;

Op Create(Path path) {
  return Open(std::move(path), "", Disposition::kCreate);
}

struct Case {
  std::string name;
  std::vector<ThreadProgram> threads;
  RestorePlan::Kind want;
  std::vector<std::string> fresh;  // for kRemoveFresh
};

class PlanRestoreTest : public ::testing::TestWithParam<Case> {};

TEST_P(PlanRestoreTest, Plans) {
  const Case& c = GetParam();
  Scenario scenario;
  scenario.tree = {Dir("src"), Dir("src/a"), File("src/a/foo.h"), File("x")};
  scenario.shared = {SharedHandle{"d0", Cwd("src"), OpenFlags{}}};
  scenario.shared[0].flags.options = options::kDirectoryFile;
  scenario.threads = c.threads;
  ASSERT_TRUE(ValidateScenario(scenario).ok()) << ValidateScenario(scenario);
  const RestorePlan plan = PlanRestore(scenario);
  EXPECT_EQ(plan.kind, c.want);
  if (c.want == RestorePlan::kRemoveFresh) EXPECT_EQ(plan.fresh, c.fresh);
}

INSTANTIATE_TEST_SUITE_P(
    Table, PlanRestoreTest,
    ::testing::ValuesIn(std::vector<Case>{
        {"OpensAndStatsChangeNothing",
         {ThreadProgram{{Open(Cwd("src/a/foo.h")),
                         PathOp(OpKind::kStat, Cwd("new"))}}},
         RestorePlan::kNothing, {}},
        {"FreshNamesFromEveryFixedAnchor",
         {ThreadProgram{{Create(Cwd("src/a/new0")),
                         PathOp(OpKind::kMkdir, On("d0", "new1")),
                         PathOp(OpKind::kMkdir, MakePath(Anchor::kAbsolute, "new2")),
                         Rename(Cwd("src/./a/../new1"), Cwd("src/new3"))}},
          ThreadProgram{{OpenDir(Cwd("src/a"), "h1"),
                         PathOp(OpKind::kDelete, On("h1", "new0")),
                         PathOp(OpKind::kDelete, On("h1", "../a/new4"))}}},
         RestorePlan::kRemoveFresh,
         {"new2", "src/a/new0", "src/a/new4", "src/new1", "src/new3"}},
        {"ACreateThatMayOpenATreeFile",
         {ThreadProgram{{Open(Cwd("src/a/foo.h"), "", Disposition::kOpenIf)}}},
         RestorePlan::kRebuild, {}},
        {"ADeleteOfATreeEntry",
         {ThreadProgram{{PathOp(OpKind::kDelete, Cwd("x"))}}},
         RestorePlan::kRebuild, {}},
        {"ARenameOntoATreeEntry",
         {ThreadProgram{{Rename(Cwd("new"), Cwd("src/a"))}}},
         RestorePlan::kRebuild, {}},
        {"AMutationOfTheRoot",
         {ThreadProgram{{PathOp(OpKind::kMkdir, Cwd("src/.."))}}},
         RestorePlan::kRebuild, {}},
        {"AWalkThroughAFreshDirectory",
         {ThreadProgram{{PathOp(OpKind::kMkdir, Cwd("new")),
                         Create(Cwd("new/f"))}}},
         RestorePlan::kRebuild, {}},
        {"ADotDotOutOfAFreshDirectory",
         {ThreadProgram{{Create(Cwd("new/../g"))}}},
         RestorePlan::kRebuild, {}},
        {"AHandleOnAFreshDirectory",
         {ThreadProgram{{PathOp(OpKind::kMkdir, Cwd("new")),
                         OpenDir(Cwd("new"), "h0"), Create(On("h0", "f"))}}},
         RestorePlan::kRebuild, {}},
        {"NamesThatFoldOntoATreeEntry",
         {ThreadProgram{{Create(Cwd("SRC"))}}},
         RestorePlan::kRebuild, {}},
        {"NamesThatFoldOntoEachOther",
         {ThreadProgram{{Create(Cwd("new")), Create(Cwd("New"))}}},
         RestorePlan::kRebuild, {}},
        {"AShortNameTilde",
         {ThreadProgram{{Create(Cwd("NEW~1"))}}},
         RestorePlan::kRebuild, {}},
    }),
    [](const ::testing::TestParamInfo<Case>& info) { return info.param.name; });

// The generator only ever mutates fresh names beside its tree, so none of
// its scenarios needs the full rebuild between rounds.
TEST(PlanRestoreGeneratorTest, NoGeneratedScenarioNeedsARebuild) {
  for (uint64_t seed = 1; seed <= 300; ++seed) {
    std::mt19937_64 gen(seed);
    const Scenario scenario = Generate(gen, GeneratorOptions{});
    EXPECT_NE(PlanRestore(scenario).kind, RestorePlan::kRebuild) << "seed " << seed;
  }
}

TEST(ForeseenByRestoreTest, FailuresThatChangeNothingAreForeseen) {
  EXPECT_TRUE(ForeseenByRestore(Outcome{}));
  EXPECT_TRUE(ForeseenByRestore(Outcome{StatusClass::kExists, 17, NativeKind::kErrno}));
  EXPECT_FALSE(ForeseenByRestore(
      Outcome{StatusClass::kInvalidParameter, 22, NativeKind::kErrno}));
  EXPECT_FALSE(ForeseenByRestore(Outcome{StatusClass::kHang, 4, NativeKind::kErrno}));
}

}  // namespace
}  // namespace openrace
