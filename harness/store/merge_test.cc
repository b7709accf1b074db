// merge_test.cc — merging campaign outputs: counts and totals summed, the
// most complete copy kept, nothing counted twice, bad inputs refused before
// anything is written.

#include "harness/store/merge.h"

#include <filesystem>
#include <random>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "harness/base/file_util.h"
#include "harness/store/finding_store.h"
#include "harness/base/json_reader.h"
#include "harness/judge/oracle.h"

namespace openrace {
namespace {

namespace fs = std::filesystem;

constexpr char kSeed[] = "open-invalid_parameter-EINVAL-transient-cwd";
constexpr char kOther[] = "mkdir-not_found-ENOENT-unexpected-cwd";

class MergeTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::random_device random;
    root_ = (fs::temp_directory_path() /
             absl::StrCat("openrace-merge-test-", random(), random()))
                .string();
    ASSERT_TRUE(MakeDirectories(root_).ok());
  }
  void TearDown() override { fs::remove_all(root_); }

  std::string Path(const std::string& relative) { return root_ + "/" + relative; }

  void Write(const std::string& relative, const std::string& contents) {
    ASSERT_TRUE(MakeDirectories(fs::path(Path(relative)).parent_path().string()).ok());
    ASSERT_TRUE(WriteFileAtomically(Path(relative), contents).ok());
  }

  // A campaign output: summary.json and findings with the given counts;
  // `minimized` ones have minimized.scn and report.md, the others found.scn
  // only.
  void MakeOutput(const std::string& out, uint64_t scenarios, uint64_t calls,
                  double seconds,
                  const std::map<std::string, std::pair<uint64_t, bool>>& findings) {
    std::string listed;
    for (const auto& [signature, finding] : findings) {
      const auto& [count, minimized] = finding;
      Write(out + "/" + signature + "/found.scn", "found by " + out + "\n");
      if (minimized) {
        Write(out + "/" + signature + "/minimized.scn", "minimized by " + out + "\n");
        Write(out + "/" + signature + "/report.md", "report of " + out + "\n");
      }
      absl::StatusOr<FindingStore> store = FindingStore::Open(Path(out));
      ASSERT_TRUE(store.ok());
      ASSERT_TRUE(store->SetOccurrences(*ParseSignature(signature), count).ok());
      absl::StrAppend(&listed, listed.empty() ? "" : ", ", "\"", signature,
                      "\": ", count);
    }
    Write(out + "/summary.json",
          absl::StrCat("{\"seed\": 7, \"scenarios\": ", scenarios,
                       ", \"rounds\": ", 200 * scenarios, ", \"calls\": ", calls,
                       ", \"seconds\": ", seconds,
                       ", \"calls_per_second\": 1.5, \"call_cpu_seconds\": ",
                       // a and b below: shares 0.25 and 0.75 of 1 and 3 s.
                       static_cast<double>(calls) * calls / 4e6,
                       ", \"cpu_seconds\": ", scenarios / 10.0,
                       ", \"call_share_of_cpu\": 0.9, \"interrupted\": false, "
                       "\"statuses\": {\"ok\": ",
                       calls, "}, \"findings\": {", listed, "}}"));
  }

  JsonValue Summary(const std::string& merged) {
    absl::StatusOr<std::string> text = ReadFile(Path(merged) + "/summary.json");
    EXPECT_TRUE(text.ok());
    absl::StatusOr<JsonValue> doc = ParseJson(text.value_or("{}"));
    EXPECT_TRUE(doc.ok()) << doc.status();
    return doc.value_or(JsonValue());
  }

  uint64_t Count(const std::string& merged, const std::string& signature) {
    absl::StatusOr<FindingStore> store = FindingStore::Open(Path(merged));
    EXPECT_TRUE(store.ok());
    return store->Occurrences(*ParseSignature(signature));
  }

  std::string root_;
};

TEST_F(MergeTest, SumsCountsAndTotalsAndKeepsTheMostCompleteCopy) {
  MakeOutput("a", 10, 1000, 2.0, {{kSeed, {3, false}}});
  MakeOutput("b", 30, 3000, 6.0, {{kSeed, {4, true}}, {kOther, {1, false}}});

  absl::StatusOr<MergeResult> r =
      MergeFindingOutputs({Path("a"), Path("b")}, Path("m"));
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(Count("m", kSeed), 7u);
  EXPECT_EQ(Count("m", kOther), 1u);
  EXPECT_EQ(r->new_signatures.size(), 2u);
  // b's copy is minimized: it wins over a's found.scn only.
  EXPECT_EQ(*ReadFile(Path("m/") + kSeed + "/minimized.scn"), "minimized by b\n");
  EXPECT_EQ(*ReadFile(Path("m/") + kSeed + "/found.scn"), "found by b\n");

  const JsonValue s = Summary("m");
  EXPECT_EQ(s.Get("merged_inputs").AsUint64(), 2u);
  EXPECT_EQ(s.Get("scenarios").AsUint64(), 40u);
  EXPECT_EQ(s.Get("rounds").AsUint64(), 8000u);
  EXPECT_EQ(s.Get("calls").AsUint64(), 4000u);
  EXPECT_DOUBLE_EQ(*s.Get("seconds").AsDouble(), 8.0);
  EXPECT_DOUBLE_EQ(*s.Get("calls_per_second").AsDouble(), 500.0);
  // The share of the whole, not a sum or a mean of the inputs' shares.
  EXPECT_DOUBLE_EQ(*s.Get("call_share_of_cpu").AsDouble(), 2.5 / 4.0);
  EXPECT_EQ(s.Get("findings").Get(kSeed).AsUint64(), 7u);
  EXPECT_EQ(s.Get("statuses").Get("ok").AsUint64(), 4000u);
  EXPECT_FALSE(s.Has("seed"));
}

#ifndef _WIN32
// A link in an input's finding directory would copy a file from anywhere
// into MERGED: merge refuses it and writes nothing of that finding.
TEST_F(MergeTest, ASymbolicLinkInAFindingDirectoryIsRefused) {
  MakeOutput("a", 10, 1000, 2.0, {{kSeed, {3, false}}});
  Write("secret", "not openrace's\n");
  const std::string found = Path("a/") + kSeed + "/found.scn";
  std::filesystem::remove(found);
  std::filesystem::create_symlink(Path("secret"), found);
  absl::StatusOr<MergeResult> r = MergeFindingOutputs({Path("a")}, Path("m"));
  ASSERT_FALSE(r.ok());
  EXPECT_TRUE(absl::StrContains(r.status().message(), "is a symbolic link"))
      << r.status();
  EXPECT_FALSE(ReadFile(Path("m/") + kSeed + "/found.scn").ok());
}
#endif

TEST_F(MergeTest, MergingTheSameInputsAgainCountsNothingTwice) {
  MakeOutput("a", 10, 1000, 2.0, {{kSeed, {3, true}}});
  MakeOutput("b", 30, 3000, 6.0, {{kSeed, {4, false}}});
  ASSERT_TRUE(MergeFindingOutputs({Path("a"), Path("b")}, Path("m")).ok());
  const std::string first = *ReadFile(Path("m/summary.json"));

  absl::StatusOr<MergeResult> again =
      MergeFindingOutputs({Path("b"), Path("a/"), Path("a")}, Path("m"));
  ASSERT_TRUE(again.ok()) << again.status();
  EXPECT_EQ(Count("m", kSeed), 7u);
  EXPECT_TRUE(again->new_signatures.empty());
  EXPECT_EQ(Summary("m").Get("scenarios").AsUint64(), 40u);
  EXPECT_EQ(Summary("m").Get("merged_inputs").AsUint64(), 2u);
  // The same inputs give the same summary, apart from the order of inputs.
  EXPECT_EQ(Summary("m").Get("calls").AsUint64(),
            ParseJson(first)->Get("calls").AsUint64());
}

TEST_F(MergeTest, MergesIncrementallyAndAnInputThatGrewReplacesItsEntry) {
  MakeOutput("a", 10, 1000, 2.0, {{kSeed, {3, false}}});
  MakeOutput("b", 30, 3000, 6.0, {{kSeed, {4, false}}});
  ASSERT_TRUE(MergeFindingOutputs({Path("a")}, Path("m")).ok());
  ASSERT_TRUE(MergeFindingOutputs({Path("b")}, Path("m")).ok());
  EXPECT_EQ(Count("m", kSeed), 7u);

  // a ran on (resumed in the same OUT): its counts include the old ones.
  MakeOutput("a", 25, 2500, 5.0, {{kSeed, {9, true}}});
  absl::StatusOr<MergeResult> r = MergeFindingOutputs({Path("a")}, Path("m"));
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(Count("m", kSeed), 13u);
  EXPECT_EQ(Summary("m").Get("scenarios").AsUint64(), 55u);
  EXPECT_EQ(r->replaced_copies, std::vector<std::string>{kSeed});
  EXPECT_EQ(*ReadFile(Path("m/") + kSeed + "/minimized.scn"), "minimized by a\n");
}

TEST_F(MergeTest, ALessCompleteCopyNeverReplacesAndAReplacedCopyLeavesNoStaleFile) {
  MakeOutput("a", 1, 1, 1.0, {{kSeed, {1, true}}});
  Write(std::string("a/") + kSeed + "/repro.c", "int main(void) { return 0; }\n");
  ASSERT_TRUE(MergeFindingOutputs({Path("a")}, Path("m")).ok());
  MakeOutput("b", 1, 1, 1.0, {{kSeed, {1, false}}});
  ASSERT_TRUE(MergeFindingOutputs({Path("b")}, Path("m")).ok());
  EXPECT_EQ(*ReadFile(Path("m/") + kSeed + "/found.scn"), "found by a\n");

  // c is as complete but carries no repro.c: not more complete, kept out.
  MakeOutput("c", 1, 1, 1.0, {{kSeed, {1, true}}});
  ASSERT_TRUE(MergeFindingOutputs({Path("c")}, Path("m")).ok());
  EXPECT_EQ(*ReadFile(Path("m/") + kSeed + "/found.scn"), "found by a\n");

  // d has more files: it replaces a's copy, and a's repro.c goes with it.
  MakeOutput("d", 1, 1, 1.0, {{kSeed, {1, true}}});
  Write(std::string("d/") + kSeed + "/timeline.svg", "<svg/>\n");
  Write(std::string("d/") + kSeed + "/repro_nt.c", "int main(void) { return 1; }\n");
  ASSERT_TRUE(MergeFindingOutputs({Path("d")}, Path("m")).ok());
  EXPECT_EQ(*ReadFile(Path("m/") + kSeed + "/found.scn"), "found by d\n");
  EXPECT_FALSE(fs::exists(Path("m/") + kSeed + "/repro.c"));
  // Counts and a worker's claim are the store's, never copied: a worker's
  // count file adds to d's total (1 + 5) and stays in d.
  Write(std::string("d/") + kSeed + "/occurrences.w1", "5\n");
  Write(std::string("d/") + kSeed + "/claim", "123\n");
  Write(std::string("d/") + kSeed + "/done", "minimized\n");
  ASSERT_TRUE(MergeFindingOutputs({Path("d")}, Path("m")).ok());
  EXPECT_TRUE(fs::exists(Path("m/") + kSeed + "/done"));
  EXPECT_FALSE(fs::exists(Path("m/") + kSeed + "/occurrences.w1"));
  EXPECT_FALSE(fs::exists(Path("m/") + kSeed + "/claim"));
  EXPECT_EQ(Count("m", kSeed), 1u + 1u + 1u + 6u);
}

TEST_F(MergeTest, RefusesBadInputsBeforeWritingAnything) {
  MakeOutput("good", 1, 1, 1.0, {{kSeed, {1, false}}});
  ASSERT_TRUE(MakeDirectories(Path("empty")).ok());
  Write("file", "x\n");
  Write("badjson/summary.json", "{\"calls\": 1,}");
  MakeOutput("campaign", 1, 1, 1.0, {{kSeed, {1, false}}});
  struct Case {
    std::vector<std::string> inputs;
    std::string merged;
    std::string message;
  };
  const Case cases[] = {
      {{Path("good"), Path("missing")}, Path("m"), "does not exist"},
      {{Path("good"), Path("file")}, Path("m"), "is not a directory"},
      {{Path("empty")}, Path("m"), "is not a finding output"},
      {{Path("badjson")}, Path("m"), "summary.json is not valid JSON: offset 12"},
      {{Path("good")}, Path("good"), "is the merge output itself"},
      {{Path("good")}, Path("campaign"), "campaign output, not a merge output"},
      {{}, Path("m"), "at least one input"},
  };
  for (const Case& c : cases) {
    absl::StatusOr<MergeResult> r = MergeFindingOutputs(c.inputs, c.merged);
    ASSERT_FALSE(r.ok()) << c.message;
    EXPECT_NE(r.status().message().find(c.message), absl::string_view::npos)
        << r.status().message();
  }
  EXPECT_FALSE(fs::exists(Path("m")));
  EXPECT_FALSE(fs::exists(Path("campaign/merged.json")));
}

TEST_F(MergeTest, AnEarlierMergeIsAnInputLikeAnyOther) {
  MakeOutput("a", 10, 1000, 2.0, {{kSeed, {3, true}}});
  MakeOutput("b", 30, 3000, 6.0, {{kSeed, {4, false}}});
  ASSERT_TRUE(MergeFindingOutputs({Path("a")}, Path("m1")).ok());
  ASSERT_TRUE(MergeFindingOutputs({Path("b")}, Path("m2")).ok());
  absl::StatusOr<MergeResult> r =
      MergeFindingOutputs({Path("m1"), Path("m2")}, Path("all"));
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(Count("all", kSeed), 7u);
  const JsonValue s = Summary("all");
  EXPECT_EQ(s.Get("merged_inputs").AsUint64(), 2u);
  EXPECT_EQ(s.Get("scenarios").AsUint64(), 40u);
  // Every key once: a document with a repeated key reads back differently.
  size_t keys = 0;
  for (const auto& member : s.members()) keys += member.first == "merged_inputs";
  EXPECT_EQ(keys, 1u);
  EXPECT_EQ(*ReadFile(Path("all/") + kSeed + "/minimized.scn"), "minimized by a\n");
}

TEST_F(MergeTest, AnInputWithFindingsButNoSummaryStillCounts) {
  // A campaign killed before it wrote summary.json keeps its findings.
  MakeOutput("killed", 1, 1, 1.0, {{kSeed, {2, false}}});
  fs::remove(Path("killed/summary.json"));
  absl::StatusOr<MergeResult> r = MergeFindingOutputs({Path("killed")}, Path("m"));
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(Count("m", kSeed), 2u);
  EXPECT_EQ(Summary("m").Get("scenarios").AsUint64(), 0u);
}

}  // namespace
}  // namespace openrace
