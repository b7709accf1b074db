#include "harness/judge/oracle.h"

#include <algorithm>
#include <cerrno>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "gtest/gtest.h"
#include "harness/judge/linearize.h"
#include "harness/testing/parse.h"

namespace openrace {
namespace {

using testing_util::Parse;

constexpr Outcome kOk{};
constexpr Outcome kEinval{StatusClass::kInvalidParameter, 22, NativeKind::kErrno};
constexpr Outcome kEnoent{StatusClass::kNotFound, 2, NativeKind::kErrno};
constexpr Outcome kEexist{StatusClass::kExists, 17, NativeKind::kErrno};

// A trace shaped like the scenario with every call ok, one after another
// (10 ns each, thread by thread), to be edited by each test.
RoundTrace Sequential(const Scenario& s) {
  RoundTrace trace;
  int64_t t = 0;
  for (const ThreadProgram& thread : s.threads) {
    trace.records.emplace_back(thread.ops.size());
    for (size_t i = 0; i < thread.ops.size(); ++i) {
      OpRecord& r = trace.records.back()[i];
      if (thread.ops[i].kind == OpKind::kBarrier) continue;
      r.ran = true;
      r.start_ns = t;
      r.end_ns = t + 10;
      t += 20;
    }
  }
  return trace;
}

void Fail(RoundTrace& trace, size_t thread, size_t op, Outcome first,
          absl::optional<Outcome> retry) {
  OpRecord& r = trace.records[thread][op];
  r.outcome = first;
  r.retry = retry;
  if (retry) r.retry_end_ns = r.end_ns + 5;
}

std::vector<Finding> Judge(const Scenario& s, const RoundTrace& trace) {
  Oracle oracle(s, Semantics::kPosix);
  std::vector<Finding> findings;
  oracle.Judge(trace, &findings);
  return findings;
}

const char kSeed[] = R"(openrace-scenario 1
rounds 10
dir src
file src/foo.h
thread
  h0 = open cwd:src/foo.h
  barrier 1
  barrier 2
  close h0
thread
  barrier 1
  open cwd:src/foo.h
  barrier 2
)";

TEST(OracleTest, AllCallsSucceedingIsNoFinding) {
  Scenario s = Parse(kSeed);
  EXPECT_TRUE(Judge(s, Sequential(s)).empty());
}

TEST(OracleTest, FailureThatARetryFixesIsTransient) {
  Scenario s = Parse(kSeed);
  RoundTrace trace = Sequential(s);
  Fail(trace, 1, 1, kEinval, kOk);
  std::vector<Finding> findings = Judge(s, trace);
  ASSERT_EQ(findings.size(), 1u);
  EXPECT_EQ(findings[0].signature.ToString(),
            "open-invalid_parameter-EINVAL-transient-cwd");
  EXPECT_EQ(findings[0].thread, 1u);
  EXPECT_EQ(findings[0].op, 1u);
}

TEST(OracleTest, StableNotFoundForAnExistingFileIsUnexpected) {
  Scenario s = Parse(kSeed);
  RoundTrace trace = Sequential(s);
  Fail(trace, 1, 1, kEnoent, kEnoent);
  std::vector<Finding> findings = Judge(s, trace);
  ASSERT_EQ(findings.size(), 1u);
  EXPECT_EQ(findings[0].signature.verdict, Verdict::kUnexpected);
  EXPECT_EQ(findings[0].signature.outcome.status, StatusClass::kNotFound);
}

TEST(OracleTest, NotFoundForAMissingFileIsAllowed) {
  Scenario s = Parse(R"(openrace-scenario 1
dir src
thread
  open cwd:src/missing
thread
  open abs:src/missing
)");
  RoundTrace trace = Sequential(s);
  Fail(trace, 0, 0, kEnoent, kEnoent);
  Fail(trace, 1, 0, kEnoent, kEnoent);
  EXPECT_TRUE(Judge(s, trace).empty());
}

TEST(OracleTest, NotFoundThroughAFileInThePathIsNotPredictedOk) {
  // src/foo.h/x walks through a file: ENOTDIR is right, and the oracle
  // must not call any stable failure of it unexpected.
  Scenario s = Parse(R"(openrace-scenario 1
dir src
file src/foo.h
thread
  open cwd:src/foo.h/../foo.h
thread
  open cwd:src/foo.h
)");
  RoundTrace trace = Sequential(s);
  Outcome enotdir{StatusClass::kNotADirectory, 20, NativeKind::kErrno};
  Fail(trace, 0, 0, enotdir, enotdir);
  EXPECT_TRUE(Judge(s, trace).empty());
}

const char kCreateRace[] = R"(openrace-scenario 1
dir tmp
thread
  open cwd:tmp/lock disp=create access=read|write
thread
  open cwd:tmp/lock disp=create access=read|write
)";

TEST(OracleTest, LostCreateRaceIsAllowed) {
  Scenario s = Parse(kCreateRace);
  RoundTrace trace = Sequential(s);
  // Thread 1 overlaps thread 0's successful create and loses.
  trace.records[1][0].start_ns = trace.records[0][0].start_ns + 2;
  Fail(trace, 1, 0, kEexist, kEexist);
  EXPECT_TRUE(Judge(s, trace).empty());
}

TEST(OracleTest, CreateAfterACompletedCreateIsExpectedToSeeExists) {
  Scenario s = Parse(kCreateRace);
  RoundTrace trace = Sequential(s);  // thread 1 starts after thread 0 ended
  Fail(trace, 1, 0, kEexist, kEexist);
  EXPECT_TRUE(Judge(s, trace).empty());
}

TEST(OracleTest, OpenThatSeesACompletedCreateMustSucceed) {
  Scenario s = Parse(R"(openrace-scenario 1
dir tmp
thread
  open cwd:tmp/new disp=create access=read|write
thread
  open cwd:tmp/new
)");
  RoundTrace trace = Sequential(s);
  Fail(trace, 1, 0, kEnoent, kEnoent);
  std::vector<Finding> findings = Judge(s, trace);
  ASSERT_EQ(findings.size(), 1u);
  EXPECT_EQ(findings[0].signature.verdict, Verdict::kUnexpected);
}

TEST(OracleTest, NotFoundWhileAConcurrentDeleteRunsIsAllowedEvenIfRetryDiffers) {
  // The delete wins the race, a third thread creates the file again, and
  // the retry finds it: every outcome is explained by one order.
  Scenario s = Parse(R"(openrace-scenario 1
dir tmp
file tmp/f
thread
  delete cwd:tmp/f
thread
  open cwd:tmp/f
thread
  open cwd:tmp/f disp=create access=read|write
)");
  RoundTrace trace = Sequential(s);
  trace.records[0][0].start_ns = 0;
  trace.records[0][0].end_ns = 10;
  trace.records[1][0].start_ns = 1;
  trace.records[1][0].end_ns = 30;
  trace.records[2][0].start_ns = 12;
  trace.records[2][0].end_ns = 20;
  Fail(trace, 1, 0, kEnoent, kOk);
  EXPECT_TRUE(Judge(s, trace).empty());
}

TEST(OracleTest, InvalidParameterIsAFindingEvenDuringARace) {
  Scenario s = Parse(kCreateRace);
  RoundTrace trace = Sequential(s);
  trace.records[1][0].start_ns = trace.records[0][0].start_ns + 2;
  Fail(trace, 1, 0, kEinval, kOk);
  std::vector<Finding> findings = Judge(s, trace);
  ASSERT_EQ(findings.size(), 1u);
  EXPECT_EQ(findings[0].signature.verdict, Verdict::kTransient);
}

TEST(OracleTest, InvalidParameterForOCreatWithODirectoryIsNotAFinding) {
  // Linux >= 6.4 refuses O_CREAT|O_DIRECTORY with EINVAL by design.
  Scenario s = Parse(R"(openrace-scenario 1
dir d
thread
  open cwd:d/x disp=open_if options=directory
thread
  stat cwd:d
)");
  RoundTrace trace = Sequential(s);
  Fail(trace, 0, 0, kEinval, kEinval);
  EXPECT_TRUE(Judge(s, trace).empty());
}

TEST(OracleTest, HangIsAFinding) {
  Scenario s = Parse(kSeed);
  RoundTrace trace = Sequential(s);
  Fail(trace, 0, 0, Outcome{StatusClass::kHang, 0, NativeKind::kErrno},
       absl::nullopt);
  std::vector<Finding> findings = Judge(s, trace);
  ASSERT_EQ(findings.size(), 1u);
  EXPECT_EQ(findings[0].signature.verdict, Verdict::kHang);
}

TEST(OracleTest, HandleAnchorIsPartOfTheSignature) {
  Scenario s = Parse(R"(openrace-scenario 1
dir src
file src/foo.h
shared d0 = open cwd:src options=directory
thread
  open d0:foo.h
thread
  stat cwd:src/foo.h
)");
  RoundTrace trace = Sequential(s);
  Fail(trace, 0, 0, kEinval, kOk);
  std::vector<Finding> findings = Judge(s, trace);
  ASSERT_EQ(findings.size(), 1u);
  EXPECT_EQ(findings[0].signature.anchor, Anchor::kHandle);
  EXPECT_EQ(findings[0].signature.ToString(),
            "open-invalid_parameter-EINVAL-transient-handle");
}

TEST(OracleTest, WindowsSharingViolationWithAnotherOpenerIsAllowed) {
  Scenario s = Parse(kSeed);
  RoundTrace trace = Sequential(s);
  Outcome sharing{StatusClass::kSharingViolation, 0xC0000043,
                  NativeKind::kNtStatus};
  Fail(trace, 1, 1, sharing, kOk);
  Oracle oracle(s, Semantics::kWindows);
  std::vector<Finding> findings;
  oracle.Judge(trace, &findings);
  EXPECT_TRUE(findings.empty());
}


// --- histories in, verdicts out ----------------------------------------------
//
// A history is one line per call that ran: "T.O START END STATUS" and, for a
// failed call that was retried, "retry STATUS END" (the retry runs from the
// first try's end). T and O count from 1, barriers included, as reports
// print them. A call not listed did not run. `want` lists the findings as
// "SIGNATURE@T.O", none for a clean round.

Outcome OutcomeOf(absl::string_view token) {
  struct Named {
    const char* name;
    Outcome outcome;
  };
  static const Named kNamed[] = {
      {"ok", {}},
      {"ENOENT", {StatusClass::kNotFound, ENOENT, NativeKind::kErrno}},
      {"EEXIST", {StatusClass::kExists, EEXIST, NativeKind::kErrno}},
      {"EINVAL", {StatusClass::kInvalidParameter, EINVAL, NativeKind::kErrno}},
      {"EACCES", {StatusClass::kAccessDenied, EACCES, NativeKind::kErrno}},
      {"ENOTDIR", {StatusClass::kNotADirectory, ENOTDIR, NativeKind::kErrno}},
      {"EISDIR", {StatusClass::kIsADirectory, EISDIR, NativeKind::kErrno}},
      {"ENOTEMPTY", {StatusClass::kNotEmpty, ENOTEMPTY, NativeKind::kErrno}},
      {"EBUSY", {StatusClass::kBusy, EBUSY, NativeKind::kErrno}},
      {"EIO", {StatusClass::kOther, EIO, NativeKind::kErrno}},
      {"ENOSPC", {StatusClass::kOther, ENOSPC, NativeKind::kErrno}},
      {"EMFILE", {StatusClass::kOther, EMFILE, NativeKind::kErrno}},
      {"EINTR", {StatusClass::kInterrupted, EINTR, NativeKind::kErrno}},
      {"hang", {StatusClass::kHang, 0, NativeKind::kErrno}},
      {"SHARING", {StatusClass::kSharingViolation, 0xC0000043,
                   NativeKind::kNtStatus}},
      {"NT_NOT_FOUND", {StatusClass::kNotFound, 0xC0000034,
                        NativeKind::kNtStatus}},
      {"NT_COLLISION", {StatusClass::kExists, 0xC0000035,
                        NativeKind::kNtStatus}},
  };
  for (const Named& n : kNamed) {
    if (token == n.name) return n.outcome;
  }
  ADD_FAILURE() << "unknown status " << token;
  return {};
}

RoundTrace ParseHistory(const Scenario& s, absl::string_view text) {
  RoundTrace trace;
  for (const ThreadProgram& thread : s.threads) {
    trace.records.emplace_back(thread.ops.size());
  }
  for (absl::string_view line : absl::StrSplit(text, '\n', absl::SkipWhitespace())) {
    std::vector<std::string> f = absl::StrSplit(
        absl::StripAsciiWhitespace(line), ' ', absl::SkipEmpty());
    size_t t = 0, o = 0;
    std::vector<std::string> where = absl::StrSplit(f.at(0), '.');
    EXPECT_TRUE(where.size() == 2 && absl::SimpleAtoi(where[0], &t) &&
                absl::SimpleAtoi(where[1], &o) && t >= 1 && o >= 1 &&
                t <= s.threads.size() && o <= s.threads[t - 1].ops.size())
        << line;
    OpRecord& r = trace.records[t - 1][o - 1];
    r.ran = true;
    EXPECT_TRUE(absl::SimpleAtoi(f.at(1), &r.start_ns)) << line;
    EXPECT_TRUE(absl::SimpleAtoi(f.at(2), &r.end_ns)) << line;
    r.outcome = OutcomeOf(f.at(3));
    if (f.size() > 4) {
      EXPECT_EQ(f.size(), 7u) << line;
      EXPECT_EQ(f.at(4), "retry") << line;
      r.retry = OutcomeOf(f.at(5));
      EXPECT_TRUE(absl::SimpleAtoi(f.at(6), &r.retry_end_ns)) << line;
    }
  }
  return trace;
}

struct Case {
  std::string name;
  std::string scenario;  // without the first line
  std::string history;
  std::vector<std::string> want;
  Semantics semantics = Semantics::kPosix;
};

std::ostream& operator<<(std::ostream& os, const Case& c) { return os << c.name; }

// The 45 s ext4 campaign's false alarm, reduced to one thread: a directory
// made, renamed into out/, then an exclusive create of the renamed name
// through a handle to out. Judged on POSIX and on NT below.
constexpr char kRenameThroughAHandle[] = R"(dir out
thread
  h0 = open cwd:out options=directory
  mkdir cwd:x
  rename cwd:x -> cwd:out/y
  open h0:y disp=create access=read|write
  close h0
)";

std::vector<Case> Cases() {
  return {
      // --- planted wrong outcomes: found ---------------------------------
      {"RacyNotFoundOfAnExistingFileBesideASiblingCreate",
       R"(dir d
file d/f
thread
  open cwd:d/n disp=create access=read|write
thread
  open cwd:d/f
)",
       R"(1.1 0 100 ok
          2.1 10 50 ENOENT retry ok 60)",
       {"open-not_found-ENOENT-transient-cwd@2.1"}},
      {"AccessDeniedOfMkdirBesideASiblingMkdir",
       R"(dir out
thread
  barrier 1
  mkdir cwd:out/x
thread
  barrier 1
  mkdir cwd:out/y
)",
       R"(1.2 0 40 EACCES retry ok 50
          2.2 5 45 ok)",
       {"mkdir-access_denied-EACCES-transient-cwd@1.2"}},
      {"ExclusiveCreateOfAnExistingFileThatSucceeded",
       R"(dir tmp
file tmp/lock
thread
  open cwd:tmp/lock disp=create access=read|write
thread
  stat cwd:tmp/lock
)",
       R"(1.1 0 10 ok
          2.1 5 15 ok)",
       {"open-ok-0-unexpected-cwd@1.1"}},
      {"TwoExclusiveCreatesThatBothWin",
       R"(dir tmp
thread
  open cwd:tmp/lock disp=create access=read|write
thread
  open cwd:tmp/lock disp=create access=read|write
)",
       R"(1.1 0 10 ok
          2.1 2 12 ok)",
       {"open-ok-0-unexpected-cwd@2.1"}},
      {"OpenSucceedingAfterACompletedDelete",
       R"(dir tmp
file tmp/f
thread
  delete cwd:tmp/f
thread
  open cwd:tmp/f
)",
       R"(1.1 0 10 ok
          2.1 20 30 ok)",
       {"open-ok-0-unexpected-cwd@2.1"}},
      {"StatSeeingAnEntryNoOrderAllows",
       R"(dir a
file a/f
thread
  rename cwd:a/f -> cwd:a/g
thread
  stat cwd:a/g
  stat cwd:a/f
)",
       R"(1.1 0 100 ok
          2.1 10 20 ok
          2.2 30 40 ok)",
       {"stat-ok-0-unexpected-cwd@2.2"}},
      {"RenameLosingItsSource",
       R"(dir a
file a/f
thread
  rename cwd:a/f -> cwd:a/g
thread
  open cwd:a/h disp=create access=read|write
)",
       R"(1.1 0 30 ENOENT retry ok 40
          2.1 5 25 ok)",
       {"rename-not_found-ENOENT-transient-cwd@1.1"}},
      {"RenameThatSucceededButMovedNothing",
       R"(dir a
file a/f
thread
  rename cwd:a/f -> cwd:a/g
  stat cwd:a/g
)",
       R"(1.1 0 10 ok
          1.2 20 30 ENOENT retry ENOENT 35)",
       // Either the rename did nothing or the stat is wrong: the failed
       // operation is named.
       {"stat-not_found-ENOENT-unexpected-cwd@1.2"}},
      {"OpenIfNeverAnswersNotFound",
       R"(dir tmp
file tmp/f
thread
  delete cwd:tmp/f
thread
  open cwd:tmp/f disp=open_if
)",
       R"(1.1 0 10 ok
          2.1 1 30 ENOENT retry ok 35)",
       {"open-not_found-ENOENT-transient-cwd@2.1"}},
      {"NotFoundAfterACompletedCreate",
       R"(dir tmp
thread
  open cwd:tmp/new disp=create access=read|write
thread
  open cwd:tmp/new
)",
       R"(1.1 0 10 ok
          2.1 20 30 ENOENT retry ENOENT 35)",
       {"open-not_found-ENOENT-unexpected-cwd@2.1"}},
      {"InvalidParameterDuringARace",
       R"(dir tmp
thread
  open cwd:tmp/lock disp=create access=read|write
thread
  open cwd:tmp/lock disp=create access=read|write
)",
       R"(1.1 0 10 ok
          2.1 2 30 EINVAL retry EEXIST 35)",
       {"open-invalid_parameter-EINVAL-unexpected-cwd@2.1"}},
      {"IoErrorIsJudged",
       R"(dir tmp
file tmp/f
thread
  open cwd:tmp/f
)",
       "1.1 0 10 EIO retry EIO 20",
       {"open-other-EIO-unexpected-cwd@1.1"}},
      {"HangIsAFinding",
       R"(dir tmp
file tmp/f
thread
  open cwd:tmp/f
thread
  stat cwd:tmp/f
)",
       R"(1.1 0 100 hang
          2.1 5 10 ok)",
       {"open-hang-0-hang-cwd@1.1"}},
      {"TrailingSeparatorOnAFileMustFail",
       R"(dir tmp
file tmp/f
thread
  stat cwd:tmp/f/
)",
       "1.1 0 10 ok",
       {"stat-ok-0-unexpected-cwd@1.1"}},

      // --- legal outcomes: clean -----------------------------------------
      {"LostCreateRace",
       R"(dir tmp
thread
  barrier 1
  open cwd:tmp/lock disp=create access=read|write
thread
  barrier 1
  open cwd:tmp/lock disp=create access=read|write
)",
       R"(1.2 0 10 ok
          2.2 2 12 EEXIST retry EEXIST 14)",
       {}},
      {"OpenOfAnEntryAConcurrentCallDeletes",
       R"(dir tmp
file tmp/f
thread
  delete cwd:tmp/f
thread
  open cwd:tmp/f
)",
       R"(1.1 0 10 ok
          2.1 1 30 ENOENT retry ENOENT 35)",
       {}},
      {"OpenOfAnEntryAConcurrentCallRenames",
       R"(dir a
file a/f
thread
  rename cwd:a/f -> cwd:a/g
thread
  open cwd:a/f
  open cwd:a/g
)",
       R"(1.1 0 50 ok
          2.1 5 10 ENOENT retry ENOENT 12
          2.2 20 30 ok)",
       {}},
      {"OpenBeforeAConcurrentRenameThenNotFoundAfter",
       R"(dir a
file a/f
thread
  rename cwd:a/f -> cwd:a/g
thread
  open cwd:a/g
  open cwd:a/f
)",
       R"(1.1 0 50 ok
          2.1 5 10 ENOENT retry ENOENT 12
          2.2 20 30 ENOENT retry ENOENT 40)",
       {}},
      {"CreateThatMustComeAfterADelete",
       // The open_if finds the file when it runs first, but then the stat
       // that follows everything has nothing to see: only the order delete,
       // open_if (which creates it again), stat explains the round.
       R"(dir tmp
file tmp/f
thread
  delete cwd:tmp/f
thread
  open cwd:tmp/f disp=open_if access=read|write
thread
  stat cwd:tmp/f
)",
       R"(1.1 0 100 ok
          2.1 0 100 ok
          3.1 150 160 ok)",
       {}},
      {"CreateAfterACompletedCreateSeesExists",
       R"(dir tmp
thread
  open cwd:tmp/lock disp=create access=read|write
thread
  open cwd:tmp/lock disp=create access=read|write
)",
       R"(1.1 0 10 ok
          2.1 20 30 EEXIST retry EEXIST 35)",
       {}},
      {"RenameThroughAHandleFalseAlarmOfExt4",  // EEXIST is right
       kRenameThroughAHandle,
       R"(1.1 0 10 ok
          1.2 20 30 ok
          1.3 40 50 ok
          1.4 60 70 EEXIST retry EEXIST 75
          1.5 80 90 ok)",
       {}},
      {"HandleFollowsItsRenamedDirectory",
       R"(dir out
thread
  h0 = open cwd:out options=directory
  rename cwd:out -> cwd:moved
  open h0:f disp=create access=read|write
  stat cwd:moved/f
  stat cwd:out/f
)",
       R"(1.1 0 10 ok
          1.2 20 30 ok
          1.3 40 50 ok
          1.4 60 70 ok
          1.5 80 90 ENOENT retry ENOENT 95)",
       {}},
      {"HandleOnARemovedDirectory",
       R"(dir d
thread
  h0 = open cwd:d options=directory
  delete cwd:d options=directory
  open h0:f disp=create access=read|write
  stat h0:.
  mkdir cwd:d
  stat h0:f
)",
       R"(1.1 0 10 ok
          1.2 20 30 ok
          1.3 40 50 ENOENT retry ENOENT 55
          1.4 60 70 ok
          1.5 80 90 ok
          1.6 100 110 ENOENT retry ENOENT 115)",
       {}},
      {"DotDotIsWalkedNotFolded",
       R"(dir src
file src/foo.h
thread
  open cwd:src/foo.h/../foo.h
  open cwd:src/missing/../foo.h
  open cwd:src/./foo.h
)",
       R"(1.1 0 10 ENOTDIR retry ENOTDIR 15
          1.2 20 30 ENOENT retry ENOENT 35
          1.3 40 50 ok)",
       {}},
      {"DirectoryRulesOfDeleteAndRename",
       R"(dir a
dir a/b
file a/b/f
dir e
thread
  delete cwd:a options=directory
  delete cwd:a/b/f/ 
  delete cwd:a/b
  delete cwd:a/. options=directory
  rename cwd:a -> cwd:a/b/c
  rename cwd:a/b -> cwd:e
  rename cwd:e/f -> cwd:e
  rename cwd:a -> cwd:e
  rename cwd:a/. -> cwd:x
)",
       R"(1.1 0 10 ENOTEMPTY retry ENOTEMPTY 15
          1.2 20 30 ENOTDIR retry ENOTDIR 35
          1.3 40 50 EISDIR retry EISDIR 55
          1.4 80 90 EINVAL retry EINVAL 95
          1.5 100 110 EINVAL retry EINVAL 115
          1.6 120 130 ok
          1.7 140 150 ENOTEMPTY retry ENOTEMPTY 155
          1.8 160 170 ENOTEMPTY retry ENOTEMPTY 175
          1.9 180 190 EBUSY retry EBUSY 195)",
       {}},
      {"OpenRulesOfDirectories",
       R"(dir d
file d/f
thread
  open cwd:d access=read|write
  open cwd:d disp=open_if
  open cwd:d/. disp=create
  open cwd:d/f options=directory
  open cwd:d/x/ disp=open_if
  open cwd:d/x disp=open_if options=directory
  mkdir cwd:d/.
  mkdir cwd:d/f/
)",
       R"(1.1 0 10 EISDIR retry EISDIR 15
          1.2 20 30 EISDIR retry EISDIR 35
          1.3 40 50 EEXIST retry EEXIST 55
          1.4 60 70 ENOTDIR retry ENOTDIR 75
          1.5 80 90 EISDIR retry EISDIR 95
          1.6 100 110 EINVAL retry EINVAL 115
          1.7 120 130 EEXIST retry EEXIST 135
          1.8 140 150 EEXIST retry EEXIST 155)",
       {}},
      {"EnvironmentStatusesAreNeverFindings",
       R"(dir tmp
file tmp/f
thread
  open cwd:tmp/new disp=create access=read|write
  open cwd:tmp/f
  stat cwd:tmp/new
  mkdir cwd:tmp/d
)",
       R"(1.1 0 10 ENOSPC retry ENOSPC 15
          1.2 20 30 EMFILE retry ok 35
          1.3 40 50 ENOENT retry ENOENT 55
          1.4 60 70 EINTR retry ok 75)",
       {}},
      {"SharingViolationOnNt",
       R"(dir src
file src/foo.h
thread
  h0 = open cwd:src/foo.h share=none
  barrier 1
  barrier 2
  close h0
thread
  barrier 1
  open cwd:src/foo.h
  barrier 2
)",
       R"(1.1 0 10 ok
          2.2 20 30 SHARING retry SHARING 35
          1.4 40 50 ok)",
       {},
       Semantics::kWindows},
      {"NotFoundOnNtBesideADeleteIsAllowed",
       R"(dir tmp
file tmp/f
thread
  delete cwd:tmp/f
thread
  open cwd:tmp/f
)",
       R"(1.1 0 10 ok
          2.1 1 30 NT_NOT_FOUND retry NT_NOT_FOUND 35)",
       {},
       Semantics::kWindows},
      {"RenameThroughAHandleOnNt",
       // The ext4 false alarm's scenario on NT: the per-call rules must
       // see the mkdir that made the rename's source, though the create
       // names only the destination (through a handle).
       kRenameThroughAHandle,
       R"(1.1 0 10 ok
          1.2 20 30 ok
          1.3 40 50 ok
          1.4 60 70 NT_COLLISION retry NT_COLLISION 75
          1.5 80 90 ok)",
       {},
       Semantics::kWindows},
  };
}

class OracleTableTest : public testing::TestWithParam<Case> {};

TEST_P(OracleTableTest, JudgesTheHistory) {
  const Case& c = GetParam();
  const Scenario s = Parse(absl::StrCat("openrace-scenario 1\n", c.scenario));
  const RoundTrace trace = ParseHistory(s, c.history);
  Oracle oracle(s, c.semantics);
  std::vector<Finding> findings;
  oracle.Judge(trace, &findings);
  std::vector<std::string> got;
  for (const Finding& f : findings) {
    got.push_back(absl::StrCat(f.signature.ToString(), "@", f.thread + 1, ".",
                               f.op + 1));
  }
  EXPECT_EQ(got, c.want);
  // Every call is counted, and a decided round leaves none unjudged for
  // want of search (POSIX).
  if (c.semantics == Semantics::kPosix) {
    EXPECT_EQ(oracle.stats().rounds, 1u);
    EXPECT_EQ(oracle.stats().unjudged[static_cast<int>(Unjudged::kSearchBound)],
              0u);
  }
}

INSTANTIATE_TEST_SUITE_P(Histories, OracleTableTest, testing::ValuesIn(Cases()),
                         [](const testing::TestParamInfo<Case>& info) {
                           return info.param.name;
                         });

TEST(OracleTest, EnvironmentAndHangCallsAreCountedUnjudged) {
  const Scenario s = Parse(R"(openrace-scenario 1
dir tmp
thread
  open cwd:tmp/a disp=create access=read|write
  open cwd:tmp/b disp=create access=read|write
  stat cwd:tmp
)");
  const RoundTrace trace = ParseHistory(s, R"(1.1 0 10 ENOSPC retry ENOSPC 15
                                              1.2 20 30 hang
                                              1.3 40 50 ok)");
  Oracle oracle(s, Semantics::kPosix);
  std::vector<Finding> findings;
  oracle.Judge(trace, &findings);
  ASSERT_EQ(findings.size(), 1u);
  EXPECT_EQ(findings[0].signature.verdict, Verdict::kHang);
  const JudgeStats& st = oracle.stats();
  EXPECT_EQ(st.calls, 4u);
  EXPECT_EQ(st.unjudged[static_cast<int>(Unjudged::kEnvironment)], 2u);
  EXPECT_EQ(st.unjudged[static_cast<int>(Unjudged::kHang)], 1u);
  EXPECT_EQ(st.UnjudgedCalls(), 3u);
}

TEST(OracleTest, AnOrderKeptFromAnEarlierRoundSavesTheSearch) {
  const Scenario s = Parse(kCreateRace);
  Oracle oracle(s, Semantics::kPosix);
  std::vector<Finding> findings;
  // The same outcomes in the same order twice, then with the winner's
  // interval after the loser's: the kept order no longer fits real time.
  const char* rounds[] = {
      "1.1 0 10 ok\n2.1 2 12 EEXIST retry EEXIST 14",
      "1.1 0 20 ok\n2.1 3 22 EEXIST retry EEXIST 24",
  };
  for (const char* h : rounds) oracle.Judge(ParseHistory(s, h), &findings);
  EXPECT_TRUE(findings.empty());
  EXPECT_EQ(oracle.stats().searches, 1u);
  oracle.Judge(ParseHistory(s, "1.1 30 40 ok\n2.1 0 10 EEXIST retry EEXIST 14"),
               &findings);
  // Thread 2 lost before thread 1 began: no order explains it.
  ASSERT_EQ(findings.size(), 1u);
  EXPECT_EQ(oracle.stats().searches, 2u);
}

TEST(OracleTest, SearchBoundLeavesTheRoundUnjudged) {
  // Eight threads that each create their own file, all at once, and one
  // stat that nothing explains: with a budget of 3 nodes the search gives
  // up, and the round is neither clean nor a finding.
  std::string text = "openrace-scenario 1\ndir d\n";
  std::string history;
  for (int t = 1; t <= 8; ++t) {
    absl::StrAppend(&text, "thread\n  open cwd:d/f", t,
                    " disp=create access=read|write\n");
    absl::StrAppend(&history, t, ".1 0 100 ok\n");
  }
  absl::StrAppend(&text, "thread\n  stat cwd:d/f9\n");
  absl::StrAppend(&history, "9.1 0 100 ok\n");
  const Scenario s = Parse(text);
  OracleOptions options;
  options.node_budget = 3;
  Oracle oracle(s, Semantics::kPosix, options);
  std::vector<Finding> findings;
  oracle.Judge(ParseHistory(s, history), &findings);
  EXPECT_TRUE(findings.empty());
  EXPECT_GT(oracle.stats().unjudged[static_cast<int>(Unjudged::kSearchBound)],
            0u);
}

TEST(OracleTest, AHistoryTooLongToSearchIsUnjudged) {
  // Three threads of 3,000 stats of one missing file, every one answered
  // ok: no order explains it, but the history is longer than the search
  // may recurse (kMaxSearchCalls), so the round is unjudged, not a finding.
  std::string text = "openrace-scenario 1\ndir d\n";
  for (int t = 0; t < 3; ++t) {
    absl::StrAppend(&text, "thread\n");
    for (int i = 0; i < 3000; ++i) absl::StrAppend(&text, "  stat cwd:d/x\n");
  }
  const Scenario s = Parse(text);
  ASSERT_GT(3 * 3000u, kMaxSearchCalls);
  Oracle oracle(s, Semantics::kPosix);
  std::vector<Finding> findings;
  oracle.Judge(Sequential(s), &findings);
  EXPECT_TRUE(findings.empty());
  EXPECT_EQ(oracle.stats().unjudged[static_cast<int>(Unjudged::kSearchBound)],
            3 * 3000u);
}

TEST(OracleTest, OfTwoAnomaliesTheFirstIsNamedNotTheOpenBothDependOn) {
  // Two stats of an existing file fail ENOENT: two anomalies, so no one of
  // them explains the round alone. Relaxing the open of h0 would: its
  // handle unknown, the create through it loses the state, and every call
  // after it is explained. The first anomaly is named instead.
  Scenario s = Parse(R"(openrace-scenario 1
dir d
file d/f
thread
  h0 = open cwd:d options=directory
  open h0:x access=read|write disp=open_if
  close h0
thread
  stat cwd:d/f
  stat cwd:d/f
)");
  RoundTrace trace = Sequential(s);
  auto span = [&](size_t t, size_t op, int64_t start, int64_t end) {
    trace.records[t][op].start_ns = start;
    trace.records[t][op].end_ns = end;
  };
  span(0, 0, 0, 10);
  span(0, 1, 20, 30);
  span(0, 2, 40, 50);
  span(1, 0, 25, 45);
  span(1, 1, 60, 70);
  Fail(trace, 1, 0, kEnoent, kEnoent);
  Fail(trace, 1, 1, kEnoent, kEnoent);
  std::vector<Finding> findings = Judge(s, trace);
  ASSERT_EQ(findings.size(), 1u);
  EXPECT_EQ(findings[0].signature.ToString(),
            "stat-not_found-ENOENT-unexpected-cwd");
  EXPECT_EQ(findings[0].thread, 1u);
  EXPECT_EQ(findings[0].op, 0u);
}

// The state a round left, as Sandbox::List gives it: "dir a", "file a/f".
void EndTree(RoundTrace& trace, std::vector<std::string> entries) {
  trace.end_read = true;
  trace.end_tree.clear();
  for (const std::string& e : entries) {
    std::pair<std::string, std::string> kp = absl::StrSplit(e, ' ');
    trace.end_tree.push_back(
        {kp.first == "dir" ? EntryKind::kDirectory : EntryKind::kFile,
         kp.second});
  }
  std::sort(trace.end_tree.begin(), trace.end_tree.end(),
            [](const TreeEntry& a, const TreeEntry& b) { return a.path < b.path; });
}

const char kRenameAndCreate[] = R"(openrace-scenario 1
dir a
file a/f
dir keep
thread
  rename cwd:a/f -> cwd:a/g
thread
  open cwd:n access=read|write disp=create
)";

TEST(OracleTest, AnEndStateSomeOrderLeavesIsClean) {
  Scenario s = Parse(kRenameAndCreate);
  RoundTrace trace = Sequential(s);
  EndTree(trace, {"dir a", "file a/g", "dir keep", "file n"});
  Oracle oracle(s, Semantics::kPosix);
  std::vector<Finding> findings;
  oracle.Judge(trace, &findings);
  EXPECT_TRUE(findings.empty());
  EXPECT_EQ(oracle.stats().end_states, 1u);
}

TEST(OracleTest, ARenameThatAnsweredSuccessAndDidNothingIsLost) {
  Scenario s = Parse(kRenameAndCreate);
  RoundTrace trace = Sequential(s);
  EndTree(trace, {"dir a", "file a/f", "dir keep", "file n"});
  std::vector<Finding> findings = Judge(s, trace);
  ASSERT_EQ(findings.size(), 1u);
  EXPECT_EQ(findings[0].signature.ToString(), "rename-ok-0-lost-cwd");
  EXPECT_EQ(findings[0].thread, 0u);
}

TEST(OracleTest, ACreateThatLeftNoEntryIsLost) {
  Scenario s = Parse(kRenameAndCreate);
  RoundTrace trace = Sequential(s);
  EndTree(trace, {"dir a", "file a/g", "dir keep"});
  std::vector<Finding> findings = Judge(s, trace);
  ASSERT_EQ(findings.size(), 1u);
  EXPECT_EQ(findings[0].signature.ToString(), "open-ok-0-lost-cwd");
  EXPECT_EQ(findings[0].thread, 1u);
}

TEST(OracleTest, EntriesNoCallReachesAreNotJudged) {
  // `keep` and what appears in it lie outside every call's places.
  Scenario s = Parse(kRenameAndCreate);
  RoundTrace trace = Sequential(s);
  EndTree(trace, {"dir a", "file a/g", "dir keep", "file keep/stray", "file n"});
  EXPECT_TRUE(Judge(s, trace).empty());
}

TEST(OracleTest, AnUnlinkRacingACreateMayLeaveEitherState) {
  // The create and the unlink overlap: unlink first (ENOENT) leaves the
  // file, create first (then unlink ok) leaves nothing. Either end state
  // is explained by the order the statuses allow, and no other.
  Scenario s = Parse(R"(openrace-scenario 1
dir d
thread
  open cwd:d/x access=read|write disp=open_if
thread
  delete cwd:d/x
)");
  for (bool unlinked : {false, true}) {
    for (bool present : {false, true}) {
      RoundTrace trace = Sequential(s);
      trace.records[1][0].start_ns = 0;
      trace.records[1][0].end_ns = 10;
      if (!unlinked) Fail(trace, 1, 0, kEnoent, kEnoent);
      if (present) {
        EndTree(trace, {"dir d", "file d/x"});
      } else {
        EndTree(trace, {"dir d"});
      }
      std::vector<Finding> findings = Judge(s, trace);
      EXPECT_EQ(findings.empty(), unlinked != present)
          << "unlinked " << unlinked << ", present " << present;
    }
  }
}

TEST(OracleTest, AnEndStateNeverRescuesAStatusNoOrderAllows) {
  Scenario s = Parse(kRenameAndCreate);
  RoundTrace trace = Sequential(s);
  Fail(trace, 0, 0, kEnoent, kEnoent);
  EndTree(trace, {"dir a", "file a/f", "dir keep", "file n"});
  std::vector<Finding> findings = Judge(s, trace);
  ASSERT_EQ(findings.size(), 1u);
  EXPECT_EQ(findings[0].signature.ToString(),
            "rename-not_found-ENOENT-unexpected-cwd");
}

TEST(SignatureTest, PrintsAndParsesBack) {
  for (const char* text : {"open-invalid_parameter-EINVAL-transient-cwd",
                           "mkdir-not_found-ENOENT-unexpected-abs",
                           "open-invalid_parameter-0xC000000D-transient-handle",
                           "open-invalid_parameter-87-unexpected-cwd",
                           "rename-ok-0-lost-handle"}) {
    absl::optional<Signature> sig = ParseSignature(text);
    ASSERT_TRUE(sig.has_value()) << text;
    EXPECT_EQ(sig->ToString(), text);
  }
  EXPECT_TRUE(ParseSignature("open-hang-0-hang-cwd").has_value());
  EXPECT_TRUE(ParseSignature("open-other-errno_200-unexpected-cwd").has_value());
  // Only canonical spellings of the native code.
  for (const char* text : {"open-invalid_parameter-0x0-transient-cwd",
                           "open-invalid_parameter-0xC000B000D-transient-cwd",
                           "open-invalid_parameter-0xc000000d-transient-cwd",
                           "open-invalid_parameter-0x0000000D0-transient-cwd",
                           "open-invalid_parameter-087-transient-cwd",
                           "open-invalid_parameter-EBOGUS-transient-cwd"}) {
    EXPECT_FALSE(ParseSignature(text).has_value()) << text;
  }
  EXPECT_FALSE(ParseSignature("open-bogus-EINVAL-transient-cwd"));
  EXPECT_FALSE(ParseSignature("open-invalid_parameter-EINVAL-transient"));
  EXPECT_FALSE(ParseSignature("../../etc"));
}

}  // namespace
}  // namespace openrace
