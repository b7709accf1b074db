#include "harness/run/outcome.h"

#include <cerrno>
#include <string>

#include "gtest/gtest.h"

namespace openrace {
namespace {

TEST(OutcomeTest, EveryStatusClassNameParsesBackToItsClass) {
  for (int i = 0; i < kStatusClassCount; ++i) {
    const auto status = static_cast<StatusClass>(i);
    const absl::optional<StatusClass> parsed =
        ParseStatusClass(StatusClassName(status));
    ASSERT_TRUE(parsed.has_value()) << StatusClassName(status);
    EXPECT_EQ(*parsed, status);
  }
}

TEST(OutcomeTest, StatusClassNamesAreTheStableSnakeCaseOnes) {
  EXPECT_EQ(StatusClassName(StatusClass::kOk), "ok");
  EXPECT_EQ(StatusClassName(StatusClass::kPathNotFound), "path_not_found");
  EXPECT_EQ(StatusClassName(StatusClass::kInvalidParameter),
            "invalid_parameter");
  EXPECT_EQ(StatusClassName(StatusClass::kSharingViolation),
            "sharing_violation");
  EXPECT_EQ(StatusClassName(StatusClass::kOther), "other");
}

TEST(OutcomeTest, UnknownStatusClassNamesDoNotParse) {
  EXPECT_FALSE(ParseStatusClass("").has_value());
  EXPECT_FALSE(ParseStatusClass("OK").has_value());
  EXPECT_FALSE(ParseStatusClass("not found").has_value());
}

struct NameCase {
  Outcome outcome;
  std::string name;
};

TEST(OutcomeTest, OutcomeNameShowsTheClassAndTheNativeCode) {
  const NameCase cases[] = {
      {{StatusClass::kOk, 0, NativeKind::kErrno}, "ok"},
      {{StatusClass::kHang, 0, NativeKind::kNtStatus}, "hang"},
      {{StatusClass::kNotFound, ENOENT, NativeKind::kErrno},
       "not_found(ENOENT)"},
      {{StatusClass::kInvalidParameter, EINVAL, NativeKind::kErrno},
       "invalid_parameter(EINVAL)"},
      {{StatusClass::kNotEmpty, ENOTEMPTY, NativeKind::kErrno},
       "not_empty(ENOTEMPTY)"},
      {{StatusClass::kOther, 123456, NativeKind::kErrno},
       "other(errno 123456)"},
      {{StatusClass::kInvalidParameter, 0xC000000D, NativeKind::kNtStatus},
       "invalid_parameter(0xC000000D)"},
      {{StatusClass::kSharingViolation, 0xC0000043, NativeKind::kNtStatus},
       "sharing_violation(0xC0000043)"},
      {{StatusClass::kOther, 0x103, NativeKind::kNtStatus},
       "other(0x00000103)"},
      {{StatusClass::kInvalidParameter, 87, NativeKind::kWin32Error},
       "invalid_parameter(87)"},
      {{StatusClass::kNotFound, 2, NativeKind::kWin32Error}, "not_found(2)"},
  };
  for (const NameCase& c : cases) {
    EXPECT_EQ(OutcomeName(c.outcome), c.name);
  }
}

// Environment statuses (outcome.h): what the machine answered, never a
// bug of the file system under test.
struct EnvironmentCase {
  Outcome outcome;
  EnvironmentCause cause;
  std::string name;  // NativeCodeName
};

class EnvironmentStatusTest : public ::testing::TestWithParam<EnvironmentCase> {};

TEST_P(EnvironmentStatusTest, IsClassifiedByItsNativeCode) {
  const EnvironmentCase& c = GetParam();
  EXPECT_EQ(EnvironmentCauseOf(c.outcome), c.cause) << OutcomeName(c.outcome);
  EXPECT_EQ(IsEnvironmentStatus(c.outcome), c.cause != EnvironmentCause::kNone);
  EXPECT_EQ(NativeCodeName(c.outcome), c.name);
}

Outcome Errno(int error) {
  return Outcome{StatusClass::kOther, error, NativeKind::kErrno};
}
Outcome Nt(uint32_t status) {
  return Outcome{StatusClass::kOther, status, NativeKind::kNtStatus};
}
Outcome Win32(uint32_t error) {
  return Outcome{StatusClass::kOther, error, NativeKind::kWin32Error};
}

INSTANTIATE_TEST_SUITE_P(
    Codes, EnvironmentStatusTest,
    ::testing::Values(
        EnvironmentCase{Errno(ENOSPC), EnvironmentCause::kNoSpace, "ENOSPC"},
        EnvironmentCase{Errno(EMFILE), EnvironmentCause::kProcessFiles, "EMFILE"},
        EnvironmentCase{Errno(ENFILE), EnvironmentCause::kSystemFiles, "ENFILE"},
        EnvironmentCase{Errno(ENOMEM), EnvironmentCause::kMemory, "ENOMEM"},
        EnvironmentCase{Nt(0xC000007F), EnvironmentCause::kNoSpace, "STATUS_DISK_FULL"},
        EnvironmentCase{Nt(0xC000009A), EnvironmentCause::kMemory,
                        "STATUS_INSUFFICIENT_RESOURCES"},
        EnvironmentCase{Nt(0xC000011F), EnvironmentCause::kProcessFiles,
                        "STATUS_TOO_MANY_OPENED_FILES"},
        // An NTSTATUS stored sign-extended is the same code.
        EnvironmentCase{Outcome{StatusClass::kOther,
                                static_cast<int32_t>(0xC000007F),
                                NativeKind::kNtStatus},
                        EnvironmentCause::kNoSpace, "STATUS_DISK_FULL"},
        EnvironmentCase{Win32(112), EnvironmentCause::kNoSpace, "ERROR_DISK_FULL"},
        EnvironmentCase{Win32(4), EnvironmentCause::kProcessFiles,
                        "ERROR_TOO_MANY_OPEN_FILES"},
        EnvironmentCase{Win32(8), EnvironmentCause::kMemory, "ERROR_NOT_ENOUGH_MEMORY"},
        // The file system's own answers are judged as before.
        EnvironmentCase{Errno(ENOENT), EnvironmentCause::kNone, "ENOENT"},
        EnvironmentCase{Errno(EINVAL), EnvironmentCause::kNone, "EINVAL"},
        EnvironmentCase{Nt(0xC000000D), EnvironmentCause::kNone, "0xC000000D"},
        EnvironmentCase{Win32(87), EnvironmentCause::kNone, "87"},
        // The same number in another table means something else: 28 is
        // ENOSPC, not a Win32 error openrace knows; 112 no errno.
        EnvironmentCase{Win32(ENOSPC), EnvironmentCause::kNone, "28"},
        EnvironmentCase{Outcome{}, EnvironmentCause::kNone, "errno 0"}));

TEST(EnvironmentErrorTest, NamesTheCauseTheCodeAndTheCall) {
  const absl::Status status =
      EnvironmentErrorFor(Errno(ENOSPC), "open cwd:a/b create");
  EXPECT_TRUE(IsEnvironmentError(status));
  EXPECT_EQ(status.code(), absl::StatusCode::kResourceExhausted);
  EXPECT_EQ(status.message(),
            "the file system under test is full (ENOSPC on open cwd:a/b create)");
  EXPECT_EQ(EnvironmentErrorFor(Win32(4), "x").message(),
            "openrace is out of file descriptors (ERROR_TOO_MANY_OPEN_FILES on x)");
}

TEST(EnvironmentErrorTest, OtherErrorsAreNotEnvironmentErrors) {
  EXPECT_FALSE(IsEnvironmentError(absl::OkStatus()));
  EXPECT_FALSE(IsEnvironmentError(absl::ResourceExhaustedError("no space")));
  EXPECT_FALSE(IsEnvironmentError(absl::InternalError("x")));
  EXPECT_TRUE(IsEnvironmentError(EnvironmentError("anything")));
}

}  // namespace
}  // namespace openrace
