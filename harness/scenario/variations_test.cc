// variations_test.cc — the bisection's variations, as tables of scenario
// text in and each variation's failing call out.

#include "harness/scenario/variations.h"

#include <set>
#include <utility>

#include "absl/strings/match.h"
#include "gtest/gtest.h"
#include "harness/scenario/scenario_text.h"
#include "harness/scenario/validate.h"
#include "harness/testing/parse.h"
#include "harness/testing/seed_scenario.h"

namespace openrace {
namespace {

using testing_util::Parse;

OpRef At(size_t thread, size_t op) { return OpRef{thread, op}; }

using testing_util::kSeedScenarioText;
constexpr const char* kSeed = kSeedScenarioText;

// The failing call (thread 1 op 1) is anchored on a shared handle and
// slides by a spin.
const char kHandleAnchored[] = R"(openrace-scenario 1
dir src
dir src/a
file src/a/foo.h
shared d0 = open cwd:src options=directory
thread
  h0 = open cwd:src/a/foo.h
  barrier 1
  close h0
thread
  barrier 1
  open d0:a/../a/foo.h spin=100
)";

// One thread, an absolute failing call, nothing held.
const char kAbsoluteAlone[] = R"(openrace-scenario 1
dir src
file src/x
thread
  stat abs:src/x
)";

// The failing call's directory is made by the round itself, so no handle
// can be opened on it before the first round.
const char kMadeByTheRound[] = R"(openrace-scenario 1
dir src
thread
  mkdir cwd:src/new
  open cwd:src/new/f disp=create
)";

struct VariationCase {
  const char* what;
  const char* scenario;
  size_t thread, op;
  const char* backend;
  // Each variation's name and its failing call, printed.
  std::vector<std::pair<std::string, std::string>> want;
};

const std::vector<VariationCase>& Cases() {
  static const auto* cases = new std::vector<VariationCase>{
      {"seed pattern on posix",
       kSeed,
       1,
       1,
       "posix",
       {{"as found", "open cwd:src/a/foo.h share=read|write|delete"},
        {"absolute path", "open abs:src/a/foo.h share=read|write|delete"},
        {"all paths absolute", "open abs:src/a/foo.h share=read|write|delete"},
        {"directory handle anchor",
         "open d_bisect:foo.h share=read|write|delete"},
        {"one thread", "open cwd:src/a/foo.h share=read|write|delete"},
        {"no held handle", "open cwd:src/a/foo.h share=read|write|delete"},
        {"share reset", "open cwd:src/a/foo.h"}}},
      {"seed pattern on win32",
       kSeed,
       1,
       1,
       "win32",
       {{"as found", "open cwd:src/a/foo.h share=read|write|delete"},
        {"absolute path", "open abs:src/a/foo.h share=read|write|delete"},
        {"all paths absolute", "open abs:src/a/foo.h share=read|write|delete"},
        {"directory handle anchor",
         "open d_bisect:foo.h share=read|write|delete"},
        {"\\\\?\\ form", "open dev:src\\a\\foo.h share=read|write|delete"},
        {"one thread", "open cwd:src/a/foo.h share=read|write|delete"},
        {"no held handle", "open cwd:src/a/foo.h share=read|write|delete"},
        {"share reset", "open cwd:src/a/foo.h"},
        {"backup semantics toggled",
         "open cwd:src/a/foo.h share=read|write|delete options=backup"}}},
      {"seed pattern on nt",
       kSeed,
       1,
       1,
       "nt",
       {{"as found", "open cwd:src/a/foo.h share=read|write|delete"},
        {"absolute path", "open abs:src/a/foo.h share=read|write|delete"},
        {"all paths absolute", "open abs:src/a/foo.h share=read|write|delete"},
        {"directory handle anchor",
         "open d_bisect:foo.h share=read|write|delete"},
        {"\\??\\ form", "open nt:src\\a\\foo.h share=read|write|delete"},
        {"one thread", "open cwd:src/a/foo.h share=read|write|delete"},
        {"no held handle", "open cwd:src/a/foo.h share=read|write|delete"},
        {"share reset", "open cwd:src/a/foo.h"},
        {"backup semantics toggled",
         "open cwd:src/a/foo.h share=read|write|delete options=backup"}}},
      {"handle-anchored call",
       kHandleAnchored,
       1,
       1,
       "posix",
       {{"as found", "open d0:a/../a/foo.h spin=100"},
        {"absolute path", "open abs:src/a/../a/foo.h spin=100"},
        {"all paths absolute", "open abs:src/a/../a/foo.h spin=100"},
        {"current-directory anchor", "open cwd:src/a/../a/foo.h spin=100"},
        {"one thread", "open d0:a/../a/foo.h spin=100"},
        {"no held handle", "open d0:a/../a/foo.h spin=100"},
        {"spin reset", "open d0:a/../a/foo.h"}}},
      {"absolute call alone",
       kAbsoluteAlone,
       0,
       0,
       "posix",
       {{"as found", "stat abs:src/x"},
        {"current-directory anchor", "stat cwd:src/x"}}},
      {"call in a directory the round makes",
       kMadeByTheRound,
       0,
       1,
       "posix",
       {{"as found", "open cwd:src/new/f disp=create"},
        {"absolute path", "open abs:src/new/f disp=create"},
        {"all paths absolute", "open abs:src/new/f disp=create"},
        {"disp reset", "open cwd:src/new/f"}}},
  };
  return *cases;
}

TEST(VariationsTest,
     EachCaseGivesItsVariationsInOrderWithTheFailingCallChanged) {
  for (const VariationCase& c : Cases()) {
    SCOPED_TRACE(c.what);
    const Scenario s = Parse(c.scenario);
    const std::vector<Variation> got =
        Variations(s, At(c.thread, c.op), c.backend);
    std::vector<std::pair<std::string, std::string>> printed;
    for (const Variation& v : got) {
      printed.emplace_back(
          v.name,
          PrintOp(v.scenario.threads[v.failing.thread].ops[v.failing.op]));
    }
    EXPECT_EQ(printed, c.want);
  }
}

TEST(VariationsTest, EveryVariationIsValidAndOnlyAsFoundEqualsTheScenario) {
  for (const VariationCase& c : Cases()) {
    SCOPED_TRACE(c.what);
    const Scenario s = Parse(c.scenario);
    const std::vector<Variation> got =
        Variations(s, At(c.thread, c.op), c.backend);
    ASSERT_FALSE(got.empty());
    EXPECT_EQ(got[0].scenario, s);
    for (size_t i = 0; i < got.size(); ++i) {
      EXPECT_TRUE(ValidateScenario(got[i].scenario).ok()) << got[i].name;
      if (i > 0) {
        EXPECT_NE(got[i].scenario, s) << got[i].name;
      }
    }
  }
}

TEST(VariationsTest, SpellingVariationsKeepTheResolvedTarget) {
  const std::set<std::string> spellings = {"absolute path",
                                           "all paths absolute",
                                           "directory handle anchor",
                                           "current-directory anchor",
                                           "\\\\?\\ form",
                                           "\\??\\ form"};
  for (const VariationCase& c : Cases()) {
    SCOPED_TRACE(c.what);
    const Scenario s = Parse(c.scenario);
    const Path& original = s.threads[c.thread].ops[c.op].path;
    const Components want = *ResolvePath(original, HandleTargetsOf(s));
    for (const Variation& v : Variations(s, At(c.thread, c.op), c.backend)) {
      if (!spellings.count(v.name)) continue;
      const Path& path =
          v.scenario.threads[v.failing.thread].ops[v.failing.op].path;
      EXPECT_NE(path.anchor, original.anchor) << v.name;
      EXPECT_EQ(*ResolvePath(path, HandleTargetsOf(v.scenario)), want) << v.name;
    }
  }
}

TEST(VariationsTest, DirectoryHandleAnchorOpensTheParentAsASharedHandle) {
  const Scenario s = Parse(kSeed);
  for (const Variation& v : Variations(s, At(1, 1))) {
    if (v.name != "directory handle anchor") continue;
    ASSERT_EQ(v.scenario.shared.size(), 1u);
    EXPECT_EQ(v.scenario.shared[0].name, "d_bisect");
    EXPECT_EQ(PrintPath(v.scenario.shared[0].path), "cwd:src/a");
    EXPECT_EQ(v.scenario.shared[0].flags.options, options::kDirectoryFile);
    return;
  }
  FAIL() << "no directory handle anchor variation";
}

TEST(VariationsTest, DirectoryHandleNameAvoidsNamesTheScenarioUses) {
  Scenario s = Parse(kSeed);
  s.threads[0].ops[0].result = "d_bisect";
  s.threads[0].ops[3].handle = "d_bisect";
  for (const Variation& v : Variations(s, At(1, 1))) {
    if (v.name == "directory handle anchor") {
      EXPECT_EQ(v.scenario.shared.back().name, "d_bisect2");
      return;
    }
  }
  FAIL() << "no directory handle anchor variation";
}

TEST(VariationsTest, OneThreadKeepsTheFailingThreadWithoutItsBarriers) {
  const Scenario s = Parse(kSeed);
  for (const Variation& v : Variations(s, At(1, 1))) {
    if (v.name != "one thread") continue;
    ASSERT_EQ(v.scenario.threads.size(), 1u);
    EXPECT_EQ(v.scenario.threads[0].ops.size(), 1u);
    EXPECT_EQ(v.failing, (OpRef{0, 0}));
    return;
  }
  FAIL() << "no one thread variation";
}

TEST(VariationsTest, NoHeldHandleDropsHoldsAndClosesButKeepsHandleAnchors) {
  const Scenario s = Parse(kHandleAnchored);
  for (const Variation& v : Variations(s, At(1, 1))) {
    if (v.name != "no held handle") continue;
    EXPECT_EQ(PrintScenario(v.scenario), R"(openrace-scenario 1
rounds 1
dir src
dir src/a
file src/a/foo.h
shared d0 = open cwd:src options=directory
thread
  open cwd:src/a/foo.h
  barrier 1
thread
  barrier 1
  open d0:a/../a/foo.h spin=100
)");
    return;
  }
  FAIL() << "no no-held-handle variation";
}

TEST(VariationsTest, NoHeldHandleMovesTheFailingCallUpWhenACloseBeforeItGoes) {
  const Scenario s = Parse(R"(openrace-scenario 1
file f
thread
  h0 = open cwd:f
  close h0
  open cwd:f
)");
  for (const Variation& v : Variations(s, At(0, 2))) {
    if (v.name != "no held handle") continue;
    EXPECT_EQ(v.failing, (OpRef{0, 1}));
    return;
  }
  FAIL() << "no no-held-handle variation";
}

TEST(VariationsTest, AFailingOpThatIsNotACallGivesOnlyAsFound) {
  const Scenario s = Parse(kSeed);
  const std::vector<Variation> got = Variations(s, At(1, 0));  // a barrier
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0].name, "as found");
}


}  // namespace
}  // namespace openrace
