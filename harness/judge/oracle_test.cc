#include "harness/judge/oracle.h"

#include "gtest/gtest.h"
#include "harness/scenario/scenario_text.h"
#include "harness/scenario/validate.h"

namespace openrace {
namespace {

Scenario Parse(const std::string& text) {
  absl::StatusOr<Scenario> s = ParseScenario(text);
  EXPECT_TRUE(s.ok()) << s.status();
  EXPECT_TRUE(ValidateScenario(*s).ok()) << ValidateScenario(*s);
  return *s;
}

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
  Scenario s = Parse(R"(openrace-scenario 1
dir tmp
file tmp/f
thread
  delete cwd:tmp/f
thread
  open cwd:tmp/f disp=open_if
)");
  RoundTrace trace = Sequential(s);
  trace.records[1][0].start_ns = trace.records[0][0].start_ns + 1;
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

TEST(SignatureTest, PrintsAndParsesBack) {
  for (const char* text : {"open-invalid_parameter-EINVAL-transient-cwd",
                           "mkdir-not_found-ENOENT-unexpected-abs",
                           "open-invalid_parameter-0xC000000D-transient-handle",
                           "open-invalid_parameter-87-unexpected-cwd"}) {
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
