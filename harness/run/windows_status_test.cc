#include "harness/run/windows_status.h"

#include <set>
#include <string>

#include "gtest/gtest.h"

namespace openrace {
namespace {

TEST(WindowsStatusTest, ClassifiesTheSeedBugsCodesAsInvalidParameter) {
  EXPECT_EQ(ClassifyNtStatus(kNtStatusInvalidParameter),
            StatusClass::kInvalidParameter);
  EXPECT_EQ(ClassifyWin32Error(kWin32ErrorInvalidParameter),
            StatusClass::kInvalidParameter);
}

TEST(WindowsStatusTest, ClassifiesTheLegalRaceOutcomes) {
  EXPECT_EQ(ClassifyNtStatus(0xC0000043), StatusClass::kSharingViolation);
  EXPECT_EQ(ClassifyNtStatus(0xC0000035), StatusClass::kExists);
  EXPECT_EQ(ClassifyNtStatus(0xC0000056), StatusClass::kDeletePending);
  EXPECT_EQ(ClassifyWin32Error(32), StatusClass::kSharingViolation);
  EXPECT_EQ(ClassifyWin32Error(80), StatusClass::kExists);
  EXPECT_EQ(ClassifyWin32Error(183), StatusClass::kExists);
  EXPECT_EQ(ClassifyWin32Error(303), StatusClass::kDeletePending);
}

TEST(WindowsStatusTest, SuccessIsOkAndUnknownCodesAreOther) {
  EXPECT_EQ(ClassifyNtStatus(0), StatusClass::kOk);
  EXPECT_EQ(ClassifyWin32Error(0), StatusClass::kOk);
  EXPECT_EQ(ClassifyNtStatus(0xC0000001), StatusClass::kOther);
  EXPECT_EQ(ClassifyWin32Error(1), StatusClass::kOther);
}

TEST(WindowsStatusTest, EachTableNamesEveryCodeOnceInItsOwnFamily) {
  for (absl::Span<const WindowsCode> table :
       {NtStatusCodes(), Win32ErrorCodes()}) {
    std::set<uint32_t> values;
    std::set<std::string> names;
    for (const WindowsCode& code : table) {
      EXPECT_TRUE(values.insert(code.value).second) << code.name;
      EXPECT_TRUE(names.insert(code.name).second) << code.name;
    }
  }
  for (const WindowsCode& code : NtStatusCodes()) {
    EXPECT_EQ(std::string(code.name).rfind("STATUS_", 0), 0u) << code.name;
  }
  for (const WindowsCode& code : Win32ErrorCodes()) {
    EXPECT_EQ(std::string(code.name).rfind("ERROR_", 0), 0u) << code.name;
  }
}

}  // namespace
}  // namespace openrace
