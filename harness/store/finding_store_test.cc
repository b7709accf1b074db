#include "harness/store/finding_store.h"

#include <filesystem>
#include <fstream>
#include <random>
#include <string>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "harness/base/file_util.h"
#include "harness/scenario/scenario_text.h"
#include "harness/repro/stats.h"
#include "harness/report/bisect_chart.h"
#include "harness/report/timeline.h"

namespace openrace {
namespace {

namespace fs = std::filesystem;

constexpr char kSignature[] = "open-invalid_parameter-EINVAL-transient-cwd";

Outcome Einval() {
  return Outcome{StatusClass::kInvalidParameter, 22, NativeKind::kErrno};
}

// A finding as a campaign leaves it once minimized, drawn, emitted and
// bisected.
FindingSummary CompleteSummary() {
  FindingSummary s;
  s.signature = *ParseSignature(kSignature);
  s.found = *ParseScenario(R"(openrace-scenario 1
rounds 100
dir src
file src/f
file src/g
thread
  h0 = open cwd:src/f
  barrier 1
  stat cwd:src/g
  close h0
thread
  barrier 1
  open cwd:src/f
)");
  s.found_thread = 1;
  s.found_op = 1;
  s.backend = "posix";
  s.environment = {{"os", "Linux 6.1"}, {"file system", "tmpfs"}, {"cpus", "2"}};
  MinimizeResult minimized;
  minimized.scenario = *ParseScenario(R"(openrace-scenario 1
rounds 460
dir src
file src/f
thread
  h0 = open cwd:src/f
  barrier 1
  close h0
thread
  barrier 1
  open cwd:src/f
)");
  minimized.one_minimal = true;
  minimized.steps = {"remove thread 1 op 3", "drop tree entry src/g"};
  minimized.candidates_tried = 17;
  minimized.rounds_run = 12345;
  minimized.failures = 20;
  minimized.rounds = 4335;
  minimized.rate = WilsonInterval(20, 4335);
  s.RecordMinimized(minimized);
  RoundTrace round;
  round.round = 77;
  OpRecord held{true, Outcome{}, absl::nullopt, 100, 5000, 0};
  OpRecord barrier{true, Outcome{}, absl::nullopt, 5100, 5200, 0};
  OpRecord close{true, Outcome{}, absl::nullopt, 9000, 9100, 0};
  OpRecord failed{true, Einval(), Outcome{}, 5300, 6100, 7000};
  round.records = {{held, barrier, close}, {barrier, failed}};
  s.failing_round = round;
  s.failing_op = OpRef{1, 1};
  s.failing_call = "open cwd:src/f";
  s.timeline_svg = TimelineSvg(*s.minimized, round, s.failing_op,
                               s.signature.ToString());
  s.timeline_ascii = TimelineAscii(*s.minimized, round, s.failing_op);
  s.bisect = {{"as found", 20, 5087},
              {"absolute path", 0, 4683},
              {"one thread", 0, 4683}};
  s.repro_c = "int main(void) { return 0; }\n";
  s.repro_c_name = "repro.c";
  s.pinned = true;
  s.orderings = {"thread 1 op 1 (h0 = open cwd:src/f) ends before thread 2 "
                 "op 2 (open cwd:src/f) starts"};
  s.provenance.version = "0.1.0";
  s.provenance.command = "openrace run --dir /tmp/x --seed 3";
  s.provenance.seed = 3;
  s.provenance.scenario_index = 41;
  s.provenance.emulator = true;
  s.provenance.emulator_settings = {{"LD_PRELOAD", "libopenrace_emulator.so"},
                                    {"OPENRACE_EMULATOR_P", "0.01"}};
  return s;
}

class FindingDirectoryTest : public ::testing::Test {
 protected:
  void SetUp() override {
    out_ = fs::path(::testing::TempDir()) /
           absl::StrCat("finding_store_test-", std::random_device()());
    fs::create_directories(out_);
  }
  void TearDown() override { fs::remove_all(out_); }

  // Writes `s` the way a campaign does; returns its directory.
  std::string Store(FindingSummary s) {
    absl::StatusOr<FindingStore> store = FindingStore::Open(out_.string());
    EXPECT_TRUE(store.ok()) << store.status();
    FindingSummary found_only = s;
    found_only.minimized.reset();
    EXPECT_TRUE(store->AddNew(found_only).ok());
    EXPECT_TRUE(store->Update(s).ok());
    return store->DirectoryOf(s.signature);
  }

  std::string Read(const std::string& path) {
    absl::StatusOr<std::string> text = ReadFile(path);
    EXPECT_TRUE(text.ok()) << text.status();
    return text.ok() ? *text : "";
  }

  fs::path out_;
};

TEST_F(FindingDirectoryTest, RebuildsReportAndTimelineByteForByte) {
  const std::string dir = Store(CompleteSummary());
  absl::StatusOr<FindingSummary> read = ReadFindingDirectory(dir);
  ASSERT_TRUE(read.ok()) << read.status();
  EXPECT_TRUE(read->missing.empty());
  EXPECT_EQ(ReportMarkdown(*read), Read(dir + "/report.md"));
  EXPECT_EQ(read->timeline_svg, Read(dir + "/timeline.svg"));
  EXPECT_EQ(StatsJson(*read), Read(dir + "/stats.json"));
  EXPECT_TRUE(absl::StrContains(read->timeline_ascii, "X"));
  EXPECT_EQ(read->found_thread, 1u);
  EXPECT_EQ(read->found_op, 1u);
}

TEST_F(FindingDirectoryTest, ALostUpdateKeepsTheEndStateItWasJudgedBy) {
  FindingSummary s = CompleteSummary();
  s.signature = *ParseSignature("open-ok-0-lost-cwd");
  s.failing_round->end_read = true;
  s.failing_round->end_tree = {{EntryKind::kDirectory, "src"},
                               {EntryKind::kFile, "src/f"}};
  const std::string dir = Store(s);
  const std::string report = Read(dir + "/report.md");
  EXPECT_TRUE(absl::StrContains(report, "succeeds but its effect is lost"))
      << report;
  EXPECT_TRUE(absl::StrContains(report, "held, after the round's calls (read "
                                        "back before the tree was put "
                                        "back):\n\n```\nsrc/\nsrc/f\n```"))
      << report;
  absl::StatusOr<FindingSummary> read = ReadFindingDirectory(dir);
  ASSERT_TRUE(read.ok()) << read.status();
  ASSERT_TRUE(read->failing_round.has_value());
  EXPECT_TRUE(read->failing_round->end_read);
  EXPECT_EQ(read->failing_round->end_tree, s.failing_round->end_tree);
  EXPECT_EQ(ReportMarkdown(*read), report);
}

TEST_F(FindingDirectoryTest, WritesTheBisectionChartAndRebuildsItByteForByte) {
  const std::string dir = Store(CompleteSummary());
  const std::string bisect = Read(dir + "/bisect.svg");
  EXPECT_EQ(bisect, BisectChartSvg(CompleteSummary().bisect, kSignature));
  EXPECT_TRUE(absl::StrContains(Read(dir + "/report.md"),
                                "[bisect.svg](bisect.svg)"));
  // What `openrace report` does: read the directory, write the pictures.
  const std::string timeline = Read(dir + "/timeline.svg");
  fs::remove(dir + "/bisect.svg");
  fs::remove(dir + "/timeline.svg");
  absl::StatusOr<FindingSummary> read = ReadFindingDirectory(dir);
  ASSERT_TRUE(read.ok()) << read.status();
  ASSERT_TRUE(WritePictures(dir, *read).ok());
  EXPECT_EQ(Read(dir + "/bisect.svg"), bisect);
  EXPECT_EQ(Read(dir + "/timeline.svg"), timeline);
  // Not bisected: no chart, and report.md does not link one.
  FindingSummary unbisected = CompleteSummary();
  unbisected.bisect.clear();
  unbisected.signature = *ParseSignature("open-not_found-ENOENT-transient-cwd");
  const std::string other = Store(unbisected);
  EXPECT_FALSE(fs::exists(other + "/bisect.svg"));
  EXPECT_FALSE(absl::StrContains(Read(other + "/report.md"), "bisect.svg"));
}

// One bug, one finding: another signature with the same op kind, status
// and native code (another anchor, a retry that failed too) becomes a
// variant of the finding already there, listed in its stats.json and
// report.md; another status is another bug.
TEST_F(FindingDirectoryTest, TwoSignaturesOfOneBugAreOneFindingWithAVariant) {
  const std::string dir = Store(CompleteSummary());
  absl::StatusOr<FindingStore> store = FindingStore::Open(out_.string());
  ASSERT_TRUE(store.ok()) << store.status();
  const Signature variant =
      *ParseSignature("open-invalid_parameter-EINVAL-unexpected-handle");
  ASSERT_FALSE(store->Known(variant));
  absl::optional<Signature> of = store->FindingFor(variant);
  ASSERT_TRUE(of.has_value());
  EXPECT_EQ(of->ToString(), kSignature);
  EXPECT_FALSE(store->FindingFor(
      *ParseSignature("open-not_found-ENOENT-transient-cwd")));

  FindingStore::Variant v;
  v.signature = variant;
  v.found = CompleteSummary().found;
  v.failing = OpRef{1, 1};
  v.scenario_index = 12;
  ASSERT_TRUE(store->AddVariant(*of, v).ok());
  EXPECT_TRUE(store->Known(variant));
  ASSERT_TRUE(store->CountOccurrence(variant).ok());
  EXPECT_EQ(store->Occurrences(variant), 2u);
  // Still one finding; the variant is no directory of its own.
  EXPECT_EQ(store->occurrences().size(), 1u);
  EXPECT_FALSE(fs::exists(out_ / variant.ToString()));

  // Reopened, the store knows it and its count.
  absl::StatusOr<FindingStore> again = FindingStore::Open(out_.string());
  ASSERT_TRUE(again.ok());
  EXPECT_TRUE(again->Known(variant));
  EXPECT_EQ(again->Occurrences(variant), 2u);
  EXPECT_EQ(again->variant_of().at(variant.ToString()), kSignature);

  // The finding's documents list it; RefreshDocuments brings the count.
  ASSERT_TRUE(again->RefreshDocuments(*of).ok());
  const std::string stats = Read(dir + "/stats.json");
  EXPECT_TRUE(absl::StrContains(
      stats, "\"signature\": \"open-invalid_parameter-EINVAL-unexpected-handle\""))
      << stats;
  EXPECT_TRUE(absl::StrContains(stats, "\"scenario_index\": 12"));
  const std::string report = Read(dir + "/report.md");
  EXPECT_TRUE(absl::StrContains(
      report,
      "| `open-invalid_parameter-EINVAL-unexpected-handle` | 2 | 12 | `thread 2 "
      "op 2: open cwd:src/f` | "
      "variant-open-invalid_parameter-EINVAL-unexpected-handle.scn |"))
      << report;
  // And `openrace report` rebuilds the same.
  absl::StatusOr<FindingSummary> read = ReadFindingDirectory(dir);
  ASSERT_TRUE(read.ok()) << read.status();
  ASSERT_EQ(read->variants.size(), 1u);
  EXPECT_EQ(ReportMarkdown(*read), report);
}

TEST_F(FindingDirectoryTest, ProvenanceGoesToStatsJsonAndTheReport) {
  const std::string dir = Store(CompleteSummary());
  const std::string stats = Read(dir + "/stats.json");
  for (const char* key :
       {"\"version\": \"0.1.0\"", "\"command\": \"openrace run --dir /tmp/x --seed 3\"",
        "\"seed\": 3", "\"scenario_index\": 41", "\"backend\": \"posix\"",
        "\"emulator\": true", "\"OPENRACE_EMULATOR_P\": \"0.01\"",
        "\"minimized\": \"1-minimal\"", "\"pinned\": true"}) {
    EXPECT_TRUE(absl::StrContains(stats, key)) << key << "\n" << stats;
  }
  const std::string report = Read(dir + "/report.md");
  // A planted bug says so before anything else.
  EXPECT_LT(report.find("> **A planted bug.**"), report.find("## What happens"))
      << report;
  EXPECT_TRUE(absl::StrContains(report, "- seed: 3\n- scenario index: 41\n"));
  EXPECT_TRUE(absl::StrContains(report, "- planted-bug emulator: loaded ("));
}

TEST_F(FindingDirectoryTest, MissingPiecesAreNamedAndTheRestIsReported) {
  const std::string dir = Store(CompleteSummary());
  fs::remove(dir + "/minimized.scn");
  fs::remove(dir + "/repro.c");
  fs::remove(dir + "/stats.json");
  absl::StatusOr<FindingSummary> read = ReadFindingDirectory(dir);
  ASSERT_TRUE(read.ok()) << read.status();
  const std::string report = ReportMarkdown(*read);
  EXPECT_TRUE(absl::StrContains(report, "## Not in this finding directory"));
  for (const char* piece : {"minimized.scn", "repro.c", "stats.json"}) {
    EXPECT_TRUE(absl::StrContains(report, absl::StrCat("- ", piece))) << piece;
  }
  // What is there is still shown: the found scenario and its failing call.
  EXPECT_TRUE(absl::StrContains(report, "file src/g"));
  EXPECT_TRUE(absl::StrContains(report, "the call `open cwd:src/f`"));
  EXPECT_TRUE(absl::StrContains(report, kSignature));
}

TEST_F(FindingDirectoryTest, ANonFindingDirectoryIsRefused) {
  absl::StatusOr<FindingSummary> empty = ReadFindingDirectory(out_.string());
  EXPECT_EQ(empty.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_TRUE(absl::StrContains(empty.status().message(), "not a finding directory"))
      << empty.status();
  absl::StatusOr<FindingSummary> none =
      ReadFindingDirectory((out_ / "no-such-dir").string());
  EXPECT_EQ(none.status().code(), absl::StatusCode::kFailedPrecondition);
}

#ifndef _WIN32
// `openrace report` reads and rewrites a finding directory: a link in it
// (say stats.json -> a file elsewhere) is refused, never followed.
TEST_F(FindingDirectoryTest, ASymbolicLinkInTheDirectoryIsRefused) {
  const fs::path dir = out_ / "open-invalid_parameter-EINVAL-transient-cwd";
  fs::create_directories(dir);
  const fs::path outside = out_ / "outside.json";
  { std::ofstream(outside) << "{}\n"; }
  { std::ofstream(dir / "found.scn") << "openrace-scenario 1\n"; }
  fs::create_symlink(outside, dir / "stats.json");
  absl::StatusOr<FindingSummary> read = ReadFindingDirectory(dir.string());
  EXPECT_EQ(read.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_TRUE(absl::StrContains(read.status().message(), "is a symbolic link"))
      << read.status();
  // The directory itself a link to one elsewhere: refused too.
  fs::remove(dir / "stats.json");
  fs::create_symlink(dir, out_ / "link");
  read = ReadFindingDirectory((out_ / "link").string());
  EXPECT_TRUE(absl::StrContains(read.status().message(), "is a symbolic link"))
      << read.status();
}
#endif

TEST_F(FindingDirectoryTest, MalformedFilesAreNamedWithThePlace) {
  const std::string dir = Store(CompleteSummary());
  ASSERT_TRUE(WriteFileAtomically(dir + "/stats.json", "{\n  \"rate\": [1,\n").ok());
  absl::StatusOr<FindingSummary> read = ReadFindingDirectory(dir);
  EXPECT_EQ(read.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_TRUE(absl::StrContains(read.status().message(), "stats.json: offset"))
      << read.status();

  ASSERT_TRUE(WriteFileAtomically(dir + "/stats.json",
                                  R"({"rate": {"failures": 9, "rounds": 3}})").ok());
  read = ReadFindingDirectory(dir);
  EXPECT_TRUE(absl::StrContains(read.status().message(), "'rate'"))
      << read.status();

  ASSERT_TRUE(WriteFileAtomically(
                  dir + "/stats.json",
                  R"({"failing_round": {"thread": 9, "op": 1, "records": []}})")
                  .ok());
  read = ReadFindingDirectory(dir);
  EXPECT_TRUE(absl::StrContains(read.status().message(), "'failing_round'"))
      << read.status();

  ASSERT_TRUE(WriteFileAtomically(dir + "/found.scn", "openrace-scenario 1\nbogus\n").ok());
  read = ReadFindingDirectory(dir);
  EXPECT_EQ(read.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_TRUE(absl::StrContains(read.status().message(), "found.scn: line 2"))
      << read.status();
}

TEST(FindingHeaderTest, FailingCallCountsFromOne) {
  const Scenario scenario = *ParseScenario(
      "openrace-scenario 1\nfile f\nthread\n  open cwd:f\nthread\n  barrier 1\n  open cwd:f\n"
      "thread\n  barrier 1\n");
  FindingHeader header = ParseFindingHeader(
      absl::StrCat("# found: ", kSignature,
                   "\n# failing call: thread 2 op 2: open cwd:f\n"),
      scenario);
  EXPECT_EQ(header.signature, kSignature);
  ASSERT_TRUE(header.failing.has_value());
  EXPECT_EQ(*header.failing, (OpRef{1, 1}));
  for (const char* bad : {"# failing call: thread 0 op 1: x\n",
                          "# failing call: thread 4 op 1: x\n",
                          "# failing call: thread 2 op 3: x\n",
                          "openrace-scenario 1\n# failing call: thread 1 op 1: x\n"}) {
    EXPECT_FALSE(ParseFindingHeader(bad, scenario).failing.has_value()) << bad;
  }
}

}  // namespace
}  // namespace openrace
