#include "harness/scenario/validate.h"

#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "gtest/gtest.h"
#include "harness/scenario/scenario_text.h"

namespace openrace {
namespace {


// The tree the text-form cases below run against.
constexpr absl::string_view kPrelude =
    "openrace-scenario 1\n"
    "dir src\n"
    "dir src/a\n"
    "file src/a/foo.h\n";

Scenario Parse(absl::string_view body) {
  absl::StatusOr<Scenario> scenario =
      ParseScenario(absl::StrCat(kPrelude, body));
  EXPECT_TRUE(scenario.ok()) << scenario.status();
  return scenario.ok() ? *std::move(scenario) : Scenario{};
}

struct RejectCase {
  const char* name;
  std::string body;  // after kPrelude
  std::string message;
};

class ValidateRejectTest : public ::testing::TestWithParam<RejectCase> {};

TEST_P(ValidateRejectTest, SaysWhatIsWrongAndWhere) {
  const absl::Status status = ValidateScenario(Parse(GetParam().body));
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(status.message(), GetParam().message);
}

std::string CaseName(const ::testing::TestParamInfo<RejectCase>& info) {
  return info.param.name;
}

INSTANTIATE_TEST_SUITE_P(
    ValidateHandles, ValidateRejectTest,
    ::testing::Values(
        RejectCase{"UndefinedAnchor", "thread\n open h9:a\n",
                   "thread 1 op 1 (open h9:a): handle 'h9' is not defined"},
        RejectCase{"UndefinedClose", "thread\n close h9\n",
                   "thread 1 op 1 (close h9): handle 'h9' is not defined"},
        RejectCase{"CloseTwice",
                   "thread\n h0 = open cwd:src\n close h0\n close h0\n",
                   "thread 1 op 3 (close h0): handle 'h0' is closed twice; it "
                   "was closed at op 2"},
        RejectCase{"AnchorAfterClose",
                   "thread\n h0 = open cwd:src options=directory\n close h0\n"
                   " open h0:a\n",
                   "thread 1 op 3 (open h0:a): handle 'h0' is used after its "
                   "close at op 2"},
        RejectCase{"AnchorBeforeOpen",
                   "thread\n open h0:a\n h0 = open cwd:src options=directory\n",
                   "thread 1 op 1 (open h0:a): handle 'h0' is used before its "
                   "open at op 2"},
        RejectCase{"CloseBeforeOpen", "thread\n close h0\n h0 = open cwd:src\n",
                   "thread 1 op 1 (close h0): handle 'h0' is used before its "
                   "open at op 2"},
        RejectCase{"AnchorOfAnotherThread",
                   "thread\n h0 = open cwd:src options=directory\n"
                   "thread\n stat h0:a\n",
                   "thread 2 op 1 (stat h0:a): handle 'h0' belongs to thread "
                   "1; expected a handle of this thread or a shared one"},
        RejectCase{"CloseOfAnotherThread",
                   "thread\n h0 = open cwd:src\nthread\n close h0\n",
                   "thread 2 op 1 (close h0): handle 'h0' belongs to thread "
                   "1; expected a handle of this thread or a shared one"},
        RejectCase{
            "NamedTwiceInOneThread",
            "thread\n h0 = open cwd:src\n close h0\n h0 = open cwd:src\n",
            "thread 1 op 3 (h0 = open cwd:src): handle 'h0' is already "
            "named by thread 1 op 1; expected each handle name once"},
        RejectCase{"NamedByTwoThreads",
                   "thread\n h0 = open cwd:src\nthread\n h0 = open cwd:src\n",
                   "thread 2 op 1 (h0 = open cwd:src): handle 'h0' is already "
                   "named by thread 1 op 1; expected each handle name once"},
        RejectCase{"NamedBySharedAndThread",
                   "shared d0 = open cwd:src options=directory\n"
                   "thread\n d0 = open cwd:src\n",
                   "thread 1 op 1 (d0 = open cwd:src): handle 'd0' is already "
                   "named by shared handle 1; expected each handle name once"},
        RejectCase{"SharedNamedTwice",
                   "shared d0 = open cwd:src options=directory\n"
                   "shared d0 = open cwd:src/a options=directory\nthread\n",
                   "shared handle 2: handle 'd0' is already named by shared "
                   "handle 1; expected each handle name once"},
        RejectCase{"AnchorNotADirectoryHandle",
                   "thread\n h0 = open cwd:src\n open h0:a\n",
                   "thread 1 op 2 (open h0:a): handle 'h0' is not a directory "
                   "handle; expected one opened with options=directory"},
        RejectCase{"CloseOfSharedHandle",
                   "shared d0 = open cwd:src options=directory\n"
                   "thread\n close d0\n",
                   "thread 1 op 1 (close d0): handle 'd0' is shared; expected "
                   "only a thread's own handles to be closed (shared ones "
                   "close after the last round)"},
        RejectCase{"SharedNotADirectoryOpen",
                   "shared d0 = open cwd:src\nthread\n",
                   "shared handle 'd0' (open cwd:src): a shared handle is not "
                   "a directory open; expected options=directory"},
        RejectCase{"SharedOnADirectoryTheTreeDoesNotBuild",
                   "shared d0 = open cwd:src/b options=directory\nthread\n",
                   "shared handle 'd0' (open cwd:src/b): 'src/b' is not a "
                   "directory of the tree; expected a shared handle on a "
                   "directory the tree builds"},
        RejectCase{"SharedOnAFileOfTheTree",
                   "shared d0 = open cwd:src/a/foo.h options=directory\nthread\n",
                   "shared handle 'd0' (open cwd:src/a/foo.h): 'src/a/foo.h' "
                   "is not a directory of the tree; expected a shared handle "
                   "on a directory the tree builds"},
        RejectCase{"SharedOnALaterShared",
                   "shared d0 = open d1:a options=directory\n"
                   "shared d1 = open cwd:src options=directory\nthread\n",
                   "shared handle 'd0' (open d1:a): anchored on 'd1', which is "
                   "not an earlier shared handle; expected cwd, abs, dev, nt "
                   "or a shared handle declared before this one"},
        RejectCase{"SharedOnAThreadHandle",
                   "shared d0 = open h0:a options=directory\n"
                   "thread\n h0 = open cwd:src options=directory\n",
                   "shared handle 'd0' (open h0:a): anchored on 'h0', which is "
                   "not an earlier shared handle; expected cwd, abs, dev, nt "
                   "or a shared handle declared before this one"}),
    CaseName);

INSTANTIATE_TEST_SUITE_P(
    ValidateEscapes, ValidateRejectTest,
    ::testing::Values(
        RejectCase{"CwdDotDot", "thread\n open cwd:..\n",
                   "thread 1 op 1 (open cwd:..): path climbs above the "
                   "sandbox root at component 1 '..'"},
        RejectCase{"DetourThenTwoUp", "thread\n stat cwd:a/../..\n",
                   "thread 1 op 1 (stat cwd:a/../..): path climbs above the "
                   "sandbox root at component 3 '..'"},
        RejectCase{"AbsDotDot", "thread\n mkdir abs:..\n",
                   "thread 1 op 1 (mkdir abs:..): path climbs above the "
                   "sandbox root at component 1 '..'"},
        RejectCase{"DevDotDot", "thread\n open dev:src/../..\n",
                   "thread 1 op 1 (open dev:src/../..): path climbs above the "
                   "sandbox root at component 3 '..'"},
        RejectCase{"NtDotDot", "thread\n open nt:..\\src\n",
                   "thread 1 op 1 (open nt:..\\src): path climbs above the "
                   "sandbox root at component 1 '..'"},
        RejectCase{"DotThenDotDot", "thread\n open cwd:./..\n",
                   "thread 1 op 1 (open cwd:./..): path climbs above the "
                   "sandbox root at component 2 '..'"},
        RejectCase{"HandleAtDepthOneThenTwoUp",
                   "shared d0 = open cwd:src options=directory\n"
                   "thread\n open d0:../..\n",
                   "thread 1 op 1 (open d0:../..): path climbs above the "
                   "sandbox root at component 2 '..'"},
        RejectCase{"ThreadHandleAtDepthTwoThenThreeUp",
                   "shared d0 = open cwd:src options=directory\n"
                   "thread\n h0 = open d0:a options=directory\n"
                   " delete h0:../../../x\n",
                   "thread 1 op 2 (delete h0:../../../x): path climbs above "
                   "the sandbox root at component 3 '..'"},
        RejectCase{"DotDotAfterTrailingSeparator",
                   "thread\n open cwd:src/../../\n",
                   "thread 1 op 1 (open cwd:src/../../): path climbs above "
                   "the sandbox root at component 3 '..'"},
        RejectCase{"DoubledSeparatorsWithDotDot",
                   "thread\n open cwd:src//..//..\n",
                   "thread 1 op 1 (open cwd:src//..//..): path climbs above "
                   "the sandbox root at component 3 '..'"},
        RejectCase{"BackslashesWithDotDot", "thread\n open cwd:src\\..\\..\n",
                   "thread 1 op 1 (open cwd:src\\..\\..): path climbs above "
                   "the sandbox root at component 3 '..'"},
        RejectCase{"RenameTarget",
                   "thread\n rename cwd:src/a -> cwd:src/../../b\n",
                   "thread 1 op 1 (rename cwd:src/a -> cwd:src/../../b): path "
                   "climbs above the sandbox root at component 3 '..'"},
        RejectCase{"RenameSource", "thread\n rename cwd:.. -> cwd:b\n",
                   "thread 1 op 1 (rename cwd:.. -> cwd:b): path climbs above "
                   "the sandbox root at component 1 '..'"},
        RejectCase{"SharedHandleItself",
                   "shared d0 = open cwd:src/../.. options=directory\n"
                   "thread\n",
                   "shared handle 'd0' (open cwd:src/../..): path climbs "
                   "above the sandbox root at component 3 '..'"}),
    CaseName);

INSTANTIATE_TEST_SUITE_P(
    ValidateTreeAndBarriers, ValidateRejectTest,
    ::testing::Values(
        RejectCase{"TreeParentMissing", "file src/b/c\nthread\n",
                   "tree entry 4 (file src/b/c): parent 'src/b' is not an "
                   "earlier entry; expected 'dir src/b' before it"},
        RejectCase{"TreeParentIsAFile", "dir src/a/foo.h/x\nthread\n",
                   "tree entry 4 (dir src/a/foo.h/x): parent 'src/a/foo.h' is "
                   "a file; expected a directory"},
        RejectCase{"TreeEntryTwice", "file src/a\nthread\n",
                   "tree entry 4 (file src/a): 'src/a' is already tree entry "
                   "2; expected each entry once"},
        RejectCase{"BarrierOfOneThread",
                   "thread\n barrier 1\n barrier 2\nthread\n barrier 1\n",
                   "thread 1 op 2 (barrier 2): barrier 2 is named by no other "
                   "thread; expected at least 2 threads"},
        RejectCase{"BarrierTwiceInAThread",
                   "thread\n barrier 1\n barrier 1\nthread\n barrier 1\n",
                   "thread 1 op 2 (barrier 1): barrier 1 is named twice by "
                   "this thread (first at op 1); expected each barrier at most "
                   "once per thread"},
        RejectCase{"BarriersInOppositeOrders",
                   "thread\n barrier 1\n barrier 2\n"
                   "thread\n barrier 2\n barrier 1\n",
                   "barriers deadlock: thread 1 reaches barrier 1 before 2, "
                   "thread 2 reaches barrier 2 before 1; expected all threads "
                   "to reach common barriers in one order"},
        // No two threads disagree, yet each waits for the next.
        RejectCase{"BarriersInACycleOfThreeThreads",
                   "thread\n barrier 1\n barrier 2\n"
                   "thread\n barrier 2\n barrier 3\n"
                   "thread\n barrier 3\n barrier 1\n",
                   "barriers deadlock: thread 1 reaches barrier 1 before 2, "
                   "thread 2 reaches barrier 2 before 3, thread 3 reaches "
                   "barrier 3 before 1; expected all threads to reach common "
                   "barriers in one order"}),
    CaseName);

TEST(ValidateTest, AcceptsTheRichScenario) {
  const Scenario scenario = Parse(
      "rounds 100\n"
      "shared d0 = open cwd:src options=directory\n"
      "shared d1 = open d0:a options=directory|backup\n"
      "thread\n"
      "  h0 = open cwd:src/a/foo.h\n"
      "  barrier 1\n"
      "  h1 = open d1:. options=directory\n"
      "  open h1:foo.h\n"
      "  rename h1:foo.h -> d0:a/bar.h\n"
      "  barrier 2\n"
      "  close h1\n"
      "  close h0\n"
      "thread\n"
      "  barrier 1\n"
      "  mkdir abs:src/b\n"
      "  stat dev:src\\\\b\\\\\n"
      "  delete nt:src/b options=directory\n"
      "  barrier 2\n"
      "thread\n"
      "  barrier 2\n");
  EXPECT_EQ(ValidateScenario(scenario), absl::OkStatus());
}

// A 4294967295 ns spin would make Ctrl-C wait hours.
TEST(ValidateTest, SpinsAreAtMostTenMilliseconds) {
  EXPECT_TRUE(ValidateScenario(Parse("thread\n stat cwd:src spin=10000000\n")).ok());
  EXPECT_EQ(ValidateScenario(Parse("thread\n stat cwd:src\n stat cwd:src spin=4294967295\n")),
            absl::InvalidArgumentError(
                "thread 1 op 2 (stat cwd:src spin=4294967295): spin 4294967295 "
                "ns; expected at most 10000000 (10 ms)"));
}

TEST(ValidateTest, AcceptsDetoursThatStayInside) {
  const Scenario scenario = Parse(
      "shared d0 = open cwd:src options=directory\n"
      "thread\n"
      "  open cwd:src/../src/a/foo.h\n"
      "  open d0:../x disp=create\n"
      "  open cwd:src//.//..//src//\n"
      "  open abs:src\\a\\..\\..\n");
  EXPECT_EQ(ValidateScenario(scenario), absl::OkStatus());
}

TEST(ValidateTest, AcceptsBarriersInOneOrderWithGaps) {
  const Scenario scenario = Parse(
      "thread\n barrier 1\n barrier 2\n barrier 3\n"
      "thread\n barrier 1\n barrier 3\n"
      "thread\n barrier 2\n barrier 3\n");
  EXPECT_EQ(ValidateScenario(scenario), absl::OkStatus());
}

using HandleTargets = std::vector<std::pair<std::string, Components>>;

absl::StatusOr<Components> ResolveText(absl::string_view path_text,
                                       const HandleTargets& targets = {}) {
  const Scenario scenario =
      Parse(absl::StrCat("thread\n  stat ", path_text, "\n"));
  if (scenario.threads.empty()) return absl::InternalError("did not parse");
  return ResolvePath(scenario.threads[0].ops[0].path, targets);
}

TEST(ValidateResolvePathTest, FoldsDotAndDotDotLexically) {
  absl::StatusOr<Components> resolved = ResolveText("cwd:src/../src/a/foo.h");
  ASSERT_TRUE(resolved.ok()) << resolved.status();
  EXPECT_EQ(*resolved, (Components{"src", "a", "foo.h"}));
}

TEST(ValidateResolvePathTest, StartsFromTheHandleTarget) {
  const HandleTargets targets = {{"d0", {"src"}}, {"d1", {"src", "a"}}};
  absl::StatusOr<Components> up = ResolveText("d0:../x", targets);
  ASSERT_TRUE(up.ok()) << up.status();
  EXPECT_EQ(*up, Components{"x"});
  absl::StatusOr<Components> down = ResolveText("d1:.\\b\\", targets);
  ASSERT_TRUE(down.ok()) << down.status();
  EXPECT_EQ(*down, (Components{"src", "a", "b"}));
}

TEST(ValidateResolvePathTest, TheRootItselfResolvesToNoComponents) {
  for (absl::string_view text :
       {"cwd:.", "abs:src/..", "nt:.\\\\src\\\\..", "dev:./"}) {
    absl::StatusOr<Components> resolved = ResolveText(text);
    ASSERT_TRUE(resolved.ok()) << text << ": " << resolved.status();
    EXPECT_EQ(*resolved, Components{}) << text;
  }
}

TEST(ValidateResolvePathTest, FailsOnAnUnknownHandle) {
  absl::StatusOr<Components> resolved = ResolveText("h3:a", {{"d0", {}}});
  EXPECT_EQ(resolved.status(),
            absl::InvalidArgumentError("handle 'h3' is not defined"));
}

TEST(ValidateResolvePathTest, FailsAboveTheRootEvenAfterGoingDown) {
  absl::StatusOr<Components> resolved =
      ResolveText("d0:a/../../../b", {{"d0", {"src"}}});
  EXPECT_EQ(resolved.status(),
            absl::InvalidArgumentError(
                "path climbs above the sandbox root at component 4 '..'"));
}

// Values the text form cannot spell: built directly.

Scenario OneOpScenario(const Op& op) {
  Scenario scenario;
  scenario.threads.resize(1);
  scenario.threads[0].ops.push_back(op);
  return scenario;
}

Op StatOf(std::vector<std::string> components) {
  Op op;
  op.kind = OpKind::kStat;
  op.path.components = std::move(components);
  return op;
}

struct ValueCase {
  const char* name;
  Scenario scenario;
  std::string message;
};

class ValidateValueTest : public ::testing::TestWithParam<ValueCase> {};

TEST_P(ValidateValueTest, RejectsValuesTheTextCannotSpell) {
  EXPECT_EQ(ValidateScenario(GetParam().scenario),
            absl::InvalidArgumentError(GetParam().message));
}

std::vector<ValueCase> ValueCases() {
  std::vector<ValueCase> cases;
  Scenario zero_rounds = OneOpScenario(StatOf({"a"}));
  zero_rounds.rounds = 0;
  cases.push_back(
      {"ZeroRounds", zero_rounds, "rounds: 0; expected at least 1"});

  cases.push_back({"NoThreads", Scenario{}, "threads: 0; expected 1 to 64"});

  Scenario many_threads = OneOpScenario(StatOf({"a"}));
  many_threads.threads.resize(kMaxThreads + 1);
  cases.push_back(
      {"TooManyThreads", many_threads, "threads: 65; expected 1 to 64"});

  Scenario long_thread;
  long_thread.threads.resize(2);
  long_thread.threads[1].ops.assign(kMaxOpsPerThread + 1, StatOf({"a"}));
  cases.push_back(
      {"TooManyOps", long_thread, "thread 2: 4097 ops; expected at most 4096"});

  cases.push_back({"NoComponents", OneOpScenario(StatOf({})),
                   "thread 1 op 1 (stat cwd:): path has no components; "
                   "expected at least one, such as '.'"});
  cases.push_back({"EmptyComponent", OneOpScenario(StatOf({"a", ""})),
                   "thread 1 op 1 (stat cwd:a/): component 2 '' is not a name, "
                   "'.' or '..'"});
  cases.push_back({"ComponentWithAStar", OneOpScenario(StatOf({"a*"})),
                   "thread 1 op 1 (stat cwd:a*): component 1 'a*' is not a "
                   "name, '.' or '..'"});

  Op bad_to;
  bad_to.kind = OpKind::kRename;
  bad_to.path.components = {"a"};
  bad_to.to.components = {"b c"};
  cases.push_back({"RenameTargetWithASpace", OneOpScenario(bad_to),
                   "thread 1 op 1 (rename cwd:a -> cwd:b c): component 1 'b c' "
                   "is not a name, '.' or '..'"});

  Op close_nothing;
  close_nothing.kind = OpKind::kClose;
  cases.push_back({"CloseWithoutAHandle", OneOpScenario(close_nothing),
                   "thread 1 op 1 (close ): close names no handle"});

  Op bad_result = StatOf({"a"});
  bad_result.kind = OpKind::kOpen;
  bad_result.result = "cwd";
  cases.push_back({"ResultNamedLikeAnAnchor", OneOpScenario(bad_result),
                   "thread 1 op 1 (cwd = open cwd:a): 'cwd' is not a handle "
                   "name; expected letters, digits and '_', not starting with "
                   "a digit, and not cwd, abs, dev or nt"});

  Op unknown_access = StatOf({"a"});
  unknown_access.kind = OpKind::kOpen;
  unknown_access.flags.access |= 0x1;
  cases.push_back({"UnknownAccessBits", OneOpScenario(unknown_access),
                   "thread 1 op 1 (open cwd:a access=read|0x1): access has "
                   "unknown bits 0x1; expected only the bits named in "
                   "scenario.h"});

  Op bad_disposition = StatOf({"a"});
  bad_disposition.kind = OpKind::kOpen;
  bad_disposition.flags.disposition = static_cast<Disposition>(9);
  cases.push_back({"DispositionOutOfRange", OneOpScenario(bad_disposition),
                   "thread 1 op 1 (open cwd:a disp=9): disposition 9 is out "
                   "of range; expected supersede to overwrite_if"});

  Scenario bad_tree = OneOpScenario(StatOf({"a"}));
  bad_tree.tree = {{EntryKind::kDirectory, "a//b"}};
  cases.push_back({"TreeEntryWithAnEmptyName", bad_tree,
                   "tree entry 1 (dir a//b): component 2 '' is not a name; "
                   "expected names joined by single '/', without '.' or '..'"});

  Scenario dotted_tree = OneOpScenario(StatOf({"a"}));
  dotted_tree.tree = {{EntryKind::kDirectory, "a"}, {EntryKind::kFile, "a/.."}};
  cases.push_back({"TreeEntryWithDotDot", dotted_tree,
                   "tree entry 2 (file a/..): component 2 '..' is not a name; "
                   "expected names joined by single '/', without '.' or '..'"});

  Scenario bad_shared = OneOpScenario(StatOf({"a"}));
  bad_shared.shared.resize(1);
  bad_shared.shared[0].name = "9d";
  cases.push_back({"SharedHandleBadName", bad_shared,
                   "shared handle 1: '9d' is not a handle name; expected "
                   "letters, digits and '_', not starting with a digit, and "
                   "not cwd, abs, dev or nt"});
  return cases;
}

INSTANTIATE_TEST_SUITE_P(ValidateValues, ValidateValueTest,
                         ::testing::ValuesIn(ValueCases()),
                         [](const ::testing::TestParamInfo<ValueCase>& info) {
                           return std::string(info.param.name);
                         });

// Confinement (validate.h): the escapes of issue 12 and their relatives,
// whole texts (as in harness/scenario/testdata/escapes/, without the
// comments), validated with their text positions.

// A directory three levels down, where a handle is opened and climbed from.
constexpr absl::string_view kDeepTree =
    "openrace-scenario 1\n"  // line 1
    "dir d1\n"
    "dir d1/d2\n"
    "dir d1/d2/d3\n";        // line 4

struct TextCase {
  const char* name;
  std::string body;  // after kDeepTree
  std::string message;  // "" when the scenario is valid
};

absl::Status ValidateText(absl::string_view text) {
  ScenarioPositions positions;
  absl::StatusOr<Scenario> scenario = ParseScenario(text, &positions);
  if (!scenario.ok()) return absl::InternalError(scenario.status().message());
  return ValidateScenario(*scenario, &positions);
}

class ValidateTextTest : public ::testing::TestWithParam<TextCase> {};

TEST_P(ValidateTextTest, AcceptsOrSaysWhatIsWrongAndWhere) {
  const absl::Status status =
      ValidateText(absl::StrCat(kDeepTree, GetParam().body));
  if (GetParam().message.empty()) {
    EXPECT_EQ(status, absl::OkStatus());
  } else {
    EXPECT_EQ(status, absl::InvalidArgumentError(GetParam().message));
  }
}

std::string TextCaseName(const ::testing::TestParamInfo<TextCase>& info) {
  return info.param.name;
}

// What the escapes' messages share: the climb at `line`:`column` out of
// `from`, which `rename` may move.
std::string ClimbsOut(int line, int column, absl::string_view op,
                      int component, absl::string_view from,
                      absl::string_view rename) {
  return absl::StrCat("line ", line, ":", column, ": ", op, ": component ",
                      component, " '..' climbs out of '", from, "', which ",
                      rename,
                      " may move; expected '..' only out of a directory that "
                      "no rename moves (validate.h)");
}

constexpr absl::string_view kRenameD3 =
    "thread 1 op 2 (rename cwd:d1/d2/d3 -> cwd:x)";
constexpr absl::string_view kRenameD2 =
    "thread 1 op 2 (rename cwd:d1/d2 -> cwd:x)";
constexpr absl::string_view kSharedRenameD3 =
    "thread 1 op 1 (rename cwd:d1/d2/d3 -> cwd:x)";
constexpr absl::string_view kSharedRenameD2 =
    "thread 1 op 1 (rename cwd:d1/d2 -> cwd:x)";

// One thread: h0 on d1/d2/d3, the directory (or d1/d2) renamed to the root
// level, then a climb that is inside on paper and above the sandbox at run
// time. Two threads: the same through a shared handle after a barrier.
INSTANTIATE_TEST_SUITE_P(
    ValidateEscapesOfIssue12, ValidateTextTest,
    ::testing::Values(
        TextCase{"Delete1t",
                 "thread\n"
                 "  h0 = open cwd:d1/d2/d3 options=directory\n"
                 "  rename cwd:d1/d2/d3 -> cwd:x\n"
                 "  delete h0:../../canary/victim\n"
                 "  close h0\n",
                 ClimbsOut(8, 13, "thread 1 op 3 (delete h0:../../canary/victim)",
                           1, "d1/d2/d3", kRenameD3)},
        TextCase{"Truncate1t",
                 "thread\n"
                 "  h0 = open cwd:d1/d2/d3 options=directory\n"
                 "  rename cwd:d1/d2 -> cwd:x\n"
                 "  open h0:../../../canary/victim access=write "
                 "disp=overwrite\n"
                 "  close h0\n",
                 ClimbsOut(8, 11,
                           "thread 1 op 3 (open h0:../../../canary/victim "
                           "access=write disp=overwrite)",
                           1, "d1/d2/d3", kRenameD2)},
        TextCase{"Create1t",
                 "thread\n"
                 "  h0 = open cwd:d1/d2/d3 options=directory\n"
                 "  rename cwd:d1/d2/d3 -> cwd:x\n"
                 "  open h0:../../created access=write disp=create\n"
                 "  close h0\n",
                 ClimbsOut(8, 11,
                           "thread 1 op 3 (open h0:../../created access=write "
                           "disp=create)",
                           1, "d1/d2/d3", kRenameD3)},
        TextCase{"Plant1t",
                 "thread\n"
                 "  h0 = open cwd:d1/d2/d3 options=directory\n"
                 "  rename cwd:d1/d2/d3 -> cwd:x\n"
                 "  mkdir h0:../../planted\n"
                 "  close h0\n",
                 ClimbsOut(8, 12, "thread 1 op 3 (mkdir h0:../../planted)", 1,
                           "d1/d2/d3", kRenameD3)},
        TextCase{"Steal1t",
                 "thread\n"
                 "  h0 = open cwd:d1/d2/d3 options=directory\n"
                 "  rename cwd:d1/d2/d3 -> cwd:x\n"
                 "  rename h0:../../canary/tree -> cwd:stolen\n"
                 "  close h0\n",
                 ClimbsOut(8, 13,
                           "thread 1 op 3 (rename h0:../../canary/tree -> "
                           "cwd:stolen)",
                           1, "d1/d2/d3", kRenameD3)},
        TextCase{"Delete2t",
                 "shared d0 = open cwd:d1/d2/d3 options=directory\n"
                 "thread\n"
                 "  rename cwd:d1/d2/d3 -> cwd:x\n"
                 "  barrier 1\n"
                 "thread\n"
                 "  barrier 1\n"
                 "  delete d0:../../canary/victim\n",
                 ClimbsOut(11, 13,
                           "thread 2 op 2 (delete d0:../../canary/victim)", 1,
                           "d1/d2/d3", kSharedRenameD3)},
        TextCase{"Truncate2t",
                 "shared d0 = open cwd:d1/d2/d3 options=directory\n"
                 "thread\n"
                 "  rename cwd:d1/d2 -> cwd:x\n"
                 "  barrier 1\n"
                 "thread\n"
                 "  barrier 1\n"
                 "  open d0:../../../canary/victim access=write "
                 "disp=overwrite\n",
                 ClimbsOut(11, 11,
                           "thread 2 op 2 (open d0:../../../canary/victim "
                           "access=write disp=overwrite)",
                           1, "d1/d2/d3", kSharedRenameD2)},
        TextCase{"Create2t",
                 "shared d0 = open cwd:d1/d2/d3 options=directory\n"
                 "thread\n"
                 "  rename cwd:d1/d2/d3 -> cwd:x\n"
                 "  barrier 1\n"
                 "thread\n"
                 "  barrier 1\n"
                 "  open d0:../../created access=write disp=create\n",
                 ClimbsOut(11, 11,
                           "thread 2 op 2 (open d0:../../created "
                           "access=write disp=create)",
                           1, "d1/d2/d3", kSharedRenameD3)},
        TextCase{"Plant2t",
                 "shared d0 = open cwd:d1/d2/d3 options=directory\n"
                 "thread\n"
                 "  rename cwd:d1/d2/d3 -> cwd:x\n"
                 "  barrier 1\n"
                 "thread\n"
                 "  barrier 1\n"
                 "  mkdir d0:../../planted\n",
                 ClimbsOut(11, 12, "thread 2 op 2 (mkdir d0:../../planted)",
                           1, "d1/d2/d3", kSharedRenameD3)},
        TextCase{"Steal2t",
                 "shared d0 = open cwd:d1/d2/d3 options=directory\n"
                 "thread\n"
                 "  rename cwd:d1/d2/d3 -> cwd:x\n"
                 "  barrier 1\n"
                 "thread\n"
                 "  barrier 1\n"
                 "  rename d0:../../canary/tree -> cwd:stolen\n",
                 ClimbsOut(11, 13,
                           "thread 2 op 2 (rename d0:../../canary/tree -> "
                           "cwd:stolen)",
                           1, "d1/d2/d3", kSharedRenameD3)}),
    TextCaseName);

// Relatives of the escapes: every anchor, a climb within one path, renames
// named by aliases, and renames of or onto the root.
INSTANTIATE_TEST_SUITE_P(
    ValidateClimbsOutOfMovableDirectories, ValidateTextTest,
    ::testing::Values(
        // Walking down and up one path races a rename of what it passed
        // through: `..` goes to the current parent.
        TextCase{"CwdDetourThroughARenamedDirectory",
                 "thread\n  rename cwd:d1/d2 -> cwd:x\n"
                 "thread\n  stat cwd:d1/d2/../..\n",
                 ClimbsOut(8, 18, "thread 2 op 1 (stat cwd:d1/d2/../..)", 3,
                           "d1/d2", "thread 1 op 1 (rename cwd:d1/d2 -> cwd:x)")},
        TextCase{"AbsDetourThroughARenamedDirectory",
                 "thread\n  rename cwd:d1 -> cwd:x\n"
                 "thread\n  open abs:d1/d2/../../y disp=create\n",
                 ClimbsOut(8, 18,
                           "thread 2 op 1 (open abs:d1/d2/../../y disp=create)",
                           3, "d1/d2", "thread 1 op 1 (rename cwd:d1 -> cwd:x)")},
        TextCase{"RenamedByAHandle",
                 "shared d0 = open cwd:d1 options=directory\n"
                 "thread\n  rename d0:d2 -> cwd:x\n"
                 "thread\n  h1 = open cwd:d1/d2/d3 options=directory\n"
                 "  stat h1:../..\n",
                 ClimbsOut(10, 11, "thread 2 op 2 (stat h1:../..)", 1,
                           "d1/d2/d3", "thread 1 op 1 (rename d0:d2 -> cwd:x)")},
        // A rename's target is movable too: what lands there came from
        // elsewhere.
        TextCase{"ClimbOutOfARenameTarget",
                 "thread\n  rename cwd:y -> cwd:d1/d2\n"
                 "  stat cwd:d1/d2/d3/..\n",
                 ClimbsOut(7, 21, "thread 1 op 2 (stat cwd:d1/d2/d3/..)", 4,
                           "d1/d2/d3",
                           "thread 1 op 1 (rename cwd:y -> cwd:d1/d2)")},
        TextCase{"SharedHandleOpenedThroughARenamedDirectory",
                 "shared d0 = open cwd:d1/d2/d3/.. options=directory\n"
                 "thread\n  rename cwd:d1/d2/d3 -> cwd:d3\n",
                 ClimbsOut(5, 31, "shared handle 'd0' (open cwd:d1/d2/d3/..)",
                           4, "d1/d2/d3",
                           "thread 1 op 1 (rename cwd:d1/d2/d3 -> cwd:d3)")},
        TextCase{"RenameSourceClimbsOutOfItself",
                 "thread\n  rename cwd:d1/d2/d3/.. -> cwd:y\n",
                 ClimbsOut(6, 23,
                           "thread 1 op 1 (rename cwd:d1/d2/d3/.. -> cwd:y)",
                           4, "d1/d2/d3",
                           "thread 1 op 1 (rename cwd:d1/d2/d3/.. -> cwd:y)")},
        TextCase{"RenameTargetClimbsOutOfAMovedDirectory",
                 "thread\n  rename cwd:d1/d2 -> cwd:d1/d2/../z\n",
                 ClimbsOut(6, 33,
                           "thread 1 op 1 (rename cwd:d1/d2 -> cwd:d1/d2/../z)",
                           3, "d1/d2",
                           "thread 1 op 1 (rename cwd:d1/d2 -> cwd:d1/d2/../z)")},
        // Case-insensitive file systems (NTFS, casefold ext4, vfat), Win32's
        // trailing dots and NTFS's 8.3 short names.
        TextCase{"RenameSpelledInAnotherCase",
                 "thread\n  rename cwd:D1/D2 -> cwd:x\n"
                 "  stat cwd:d1/d2/d3/../..\n",
                 ClimbsOut(7, 21, "thread 1 op 2 (stat cwd:d1/d2/d3/../..)", 4,
                           "d1/d2/d3",
                           "thread 1 op 1 (rename cwd:D1/D2 -> cwd:x)")},
        TextCase{"RenameWithATrailingDot",
                 "thread\n  rename cwd:d1. -> cwd:x\n"
                 "  stat cwd:d1/d2/..\n",
                 ClimbsOut(7, 18, "thread 1 op 2 (stat cwd:d1/d2/..)", 3,
                           "d1/d2", "thread 1 op 1 (rename cwd:d1. -> cwd:x)")},
        TextCase{"RenameOfAShortName",
                 "thread\n  rename cwd:LONGNA~1 -> cwd:x\n"
                 "  stat cwd:d1/..\n",
                 ClimbsOut(7, 15, "thread 1 op 2 (stat cwd:d1/..)", 2, "d1",
                           "thread 1 op 1 (rename cwd:LONGNA~1 -> cwd:x)")},
        TextCase{"RenameOfTheRoot",
                 "thread\n  rename cwd:d1/.. -> cwd:x\n",
                 "line 6:10: thread 1 op 1 (rename cwd:d1/.. -> cwd:x): "
                 "renames the sandbox root; expected a path below it"},
        TextCase{"RenameOntoTheRoot",
                 "thread\n  rename cwd:x -> abs:.\n",
                 "line 6:19: thread 1 op 1 (rename cwd:x -> abs:.): renames "
                 "onto the sandbox root; expected a path below it"}),
    TextCaseName);

// Climbs and renames that stay confined: the `..` leaves a directory no
// rename can move.
INSTANTIATE_TEST_SUITE_P(
    ValidateClimbsOutOfFixedDirectories, ValidateTextTest,
    ::testing::Values(
        TextCase{"NoRenameAtAll",
                 "shared d0 = open cwd:d1/d2/d3 options=directory\n"
                 "thread\n  delete d0:../../../x\n  stat cwd:d1/d2/../../d1\n",
                 ""},
        TextCase{"RenameInASiblingBranch",
                 "dir d1/e\n"
                 "shared d0 = open cwd:d1/d2/d3 options=directory\n"
                 "thread\n  rename cwd:d1/e -> cwd:d1/f\n  barrier 1\n"
                 "thread\n  barrier 1\n  stat d0:../../f/g\n"
                 "  open d0:../../../x disp=create\n",
                 ""},
        TextCase{"ClimbIntoARenamedDirectory",
                 "shared d0 = open cwd:d1/d2 options=directory\n"
                 "thread\n  rename cwd:d1/d2/d3 -> cwd:d3\n"
                 "thread\n  stat d0:../../d3/x\n  mkdir d0:../../d3/y\n",
                 ""},
        TextCase{"RenameOfAFileBesideTheHandle",
                 "file d1/d2/d3/f\n"
                 "thread\n  h0 = open cwd:d1/d2/d3 options=directory\n"
                 "  rename h0:f -> h0:g\n  stat h0:../d3/g\n"
                 "  open h0:../../../g disp=create\n  close h0\n",
                 ""},
        TextCase{"TheGeneratorsFreshNames",
                 "shared d0 = open cwd:d1/d2 options=directory\n"
                 "thread\n  mkdir cwd:d1/new0\n  rename d0:../new0 -> cwd:new1\n"
                 "thread\n  open d0:../../new1 disp=open_if\n"
                 "  delete cwd:d1/./new0 options=directory\n",
                 ""},
        TextCase{"NamesThatMerelyShareAPrefix",
                 "thread\n  rename cwd:d1/d2x -> cwd:d1/d2y\n"
                 "  stat cwd:d1/d2/..\n",
                 ""}),
    TextCaseName);

// Names and paths the file system cannot take: rejected before they run,
// at the offending component.
TEST(ValidateLimitsTest, RejectsANameLongerThanNameMax) {
  const std::string name(kMaxNameBytes + 1, 'n');
  const absl::Status status = ValidateText(
      absl::StrCat(kDeepTree, "thread\n  stat cwd:d1/", name, "\n"));
  EXPECT_EQ(status,
            absl::InvalidArgumentError(absl::StrCat(
                "line 6:15: thread 1 op 1 (stat cwd:d1/", name,
                "): component 2 is 256 bytes long; expected at most 255 "
                "(NAME_MAX)")));
}

TEST(ValidateLimitsTest, AcceptsANameOfNameMax) {
  EXPECT_EQ(ValidateText(absl::StrCat(kDeepTree, "thread\n  mkdir cwd:",
                                      std::string(kMaxNameBytes, 'n'), "\n")),
            absl::OkStatus());
}

TEST(ValidateLimitsTest, RejectsATreeNameLongerThanNameMax) {
  const std::string name(300, 't');
  EXPECT_EQ(ValidateText(absl::StrCat(kDeepTree, "file d1/d2/", name,
                                      "\nthread\n  stat cwd:d1\n")),
            absl::InvalidArgumentError(absl::StrCat(
                "line 5:12: tree entry 4 (file d1/d2/", name,
                "): component 3 is 300 bytes long; expected at most 255 "
                "(NAME_MAX)")));
}

TEST(ValidateLimitsTest, RejectsAPathLongerThanPathMax) {
  // 16 names of 250 bytes and 15 separators: 4015 bytes.
  std::vector<std::string> names(16, std::string(250, 'p'));
  const std::string path = absl::StrJoin(names, "/");
  const absl::Status status = ValidateText(
      absl::StrCat(kDeepTree, "thread\n  open cwd:", path, " disp=create\n"));
  EXPECT_EQ(status, absl::InvalidArgumentError(absl::StrCat(
                        "line 6:8: thread 1 op 1 (open cwd:", path,
                        " disp=create): path is 4015 bytes long; expected at "
                        "most 4000 (PATH_MAX, less room for the sandbox "
                        "root)")));
}

// Every message of a parsed scenario names its line and column.
TEST(ValidatePositionsTest, PointsAtTheOperationOrItsComponent) {
  const struct {
    std::string body;
    std::string message;
  } cases[] = {
      {"thread\n  close h9\n",
       "line 6:3: thread 1 op 1 (close h9): handle 'h9' is not defined"},
      {"thread\n  stat h9:a\n",
       "line 6:8: thread 1 op 1 (stat h9:a): handle 'h9' is not defined"},
      {"thread\n  stat cwd:.\n  stat cwd:d1/../..\n",
       "line 7:18: thread 1 op 2 (stat cwd:d1/../..): path climbs above the "
       "sandbox root at component 3 '..'"},
      {"thread\n  rename cwd:d1 -> cwd:../x\n",
       "line 6:24: thread 1 op 1 (rename cwd:d1 -> cwd:../x): path climbs "
       "above the sandbox root at component 1 '..'"},
      {"thread\n  rename cwd:d1 -> h0:x\n",
       "line 6:20: thread 1 op 1 (rename cwd:d1 -> h0:x): handle 'h0' is not "
       "defined"},
      {"shared d0 = open cwd:d1//..//.. options=directory\nthread\n",
       "line 5:30: shared handle 'd0' (open cwd:d1//..//..): path climbs "
       "above the sandbox root at component 3 '..'"},
      {"thread\n  barrier 4\n",
       "line 6:3: thread 1 op 1 (barrier 4): barrier 4 is named by no other "
       "thread; expected at least 2 threads"},
      {"thread\n  h0 = open cwd:d1\nthread\n  h0 = open cwd:d1\n",
       "line 8:3: thread 2 op 1 (h0 = open cwd:d1): handle 'h0' is already "
       "named by thread 1 op 1; expected each handle name once"},
      {"dir d1/d2/x\ndir d1/d2/x/y/z\nthread\n",
       "line 6:5: tree entry 5 (dir d1/d2/x/y/z): parent 'd1/d2/x/y' is not "
       "an earlier entry; expected 'dir d1/d2/x/y' before it"},
  };
  for (const auto& c : cases) {
    EXPECT_EQ(ValidateText(absl::StrCat(kDeepTree, c.body)),
              absl::InvalidArgumentError(c.message))
        << c.body;
  }
}

TEST(ValidatePositionsTest, WithoutPositionsMessagesStartWithWhere) {
  absl::StatusOr<Scenario> scenario =
      ParseScenario(absl::StrCat(kDeepTree, "thread\n  close h9\n"));
  ASSERT_TRUE(scenario.ok());
  EXPECT_EQ(ValidateScenario(*scenario),
            absl::InvalidArgumentError(
                "thread 1 op 1 (close h9): handle 'h9' is not defined"));
}

}  // namespace
}  // namespace openrace
