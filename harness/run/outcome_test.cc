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

}  // namespace
}  // namespace openrace
