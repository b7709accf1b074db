// bind_mapping_test.cc — the pure parts of bind_mapping.h: splitting
// `SRC:DST` in either path style, and the words for a failed BfSetupFilter.
// Runs on every platform (under Wine too); making real mappings is tested
// end to end (ci/e2e_bind.sh, ci/windows.sh).

#include "harness/base/bind_mapping.h"

#include "absl/strings/match.h"
#include "gtest/gtest.h"

namespace openrace {
namespace {

BindSpec Spec(absl::string_view source, absl::string_view target) {
  return BindSpec{std::string(source), std::string(target)};
}

TEST(ParseBindSpecTest, PosixSplitsAtTheOnlyColon) {
  absl::StatusOr<BindSpec> spec =
      ParseBindSpec("/srv/data:/mnt/test", BindPathStyle::kPosix);
  ASSERT_TRUE(spec.ok()) << spec.status();
  EXPECT_EQ(*spec, Spec("/srv/data", "/mnt/test"));
  spec = ParseBindSpec("rel/a:rel/b", BindPathStyle::kPosix);
  ASSERT_TRUE(spec.ok()) << spec.status();
  EXPECT_EQ(*spec, Spec("rel/a", "rel/b"));
}

TEST(ParseBindSpecTest, PosixRefusesMissingHalvesAndExtraColons) {
  for (absl::string_view bad : {"", "/only", ":/dst", "/src:", ":", "/a:b:/c"}) {
    absl::StatusOr<BindSpec> spec = ParseBindSpec(bad, BindPathStyle::kPosix);
    EXPECT_FALSE(spec.ok()) << bad;
    EXPECT_TRUE(absl::StrContains(spec.status().message(), "SRC:DST")) << bad;
  }
  // A drive letter means nothing on POSIX: two colons, no single split.
  EXPECT_FALSE(ParseBindSpec("C:\\a:D:\\b", BindPathStyle::kPosix).ok());
}

TEST(ParseBindSpecTest, WindowsDriveLetterColonsAreNotSeparators) {
  struct Case {
    absl::string_view text, source, target;
  };
  for (const Case& c : {
           Case{"C:\\data:D:\\under-test", "C:\\data", "D:\\under-test"},
           Case{"C:\\data:rel", "C:\\data", "rel"},
           Case{"rel:D:\\x", "rel", "D:\\x"},
           Case{"c:/data:d:/x", "c:/data", "d:/x"},
           Case{"ab:cd", "ab", "cd"},
           Case{"C:D:\\x", "C:D", "\\x"},  // the drive-relative `C:D`
       }) {
    absl::StatusOr<BindSpec> spec =
        ParseBindSpec(c.text, BindPathStyle::kWindows);
    ASSERT_TRUE(spec.ok()) << c.text << ": " << spec.status();
    EXPECT_EQ(*spec, Spec(c.source, c.target)) << c.text;
  }
}

TEST(ParseBindSpecTest, WindowsMalformedSpecsAreRefused) {
  // `C:\only` is one path, not `C` on `\only`; a one-letter SRC would need
  // `.\a:b`.
  for (absl::string_view bad :
       {"C:\\only", "a:b", "C:\\a:\\b:\\c", ":D:\\x", "C:\\x:", ""}) {
    absl::StatusOr<BindSpec> spec = ParseBindSpec(bad, BindPathStyle::kWindows);
    EXPECT_FALSE(spec.ok()) << bad;
    EXPECT_TRUE(absl::StrContains(spec.status().message(), "SRC:DST")) << bad;
  }
  absl::StatusOr<BindSpec> spec = ParseBindSpec(".\\a:b", BindPathStyle::kWindows);
  ASSERT_TRUE(spec.ok()) << spec.status();
  EXPECT_EQ(*spec, Spec(".\\a", "b"));
}

TEST(ExplainBindFilterFailureTest, AccessDeniedInASiloNamesTheWorkaround) {
  const std::string text = ExplainBindFilterFailure(
      kHresultAccessDenied, "Access is denied (5)", /*in_server_silo=*/true,
      Spec("C:\\src", "C:\\dst"));
  EXPECT_TRUE(absl::StrContains(text, "server silo")) << text;
  EXPECT_TRUE(absl::StrContains(text, "outside the silo")) << text;
  EXPECT_TRUE(absl::StrContains(text, "service")) << text;
  EXPECT_TRUE(absl::StrContains(text, "C:\\src on C:\\dst")) << text;
}

TEST(ExplainBindFilterFailureTest, AccessDeniedOutsideASiloAsksForElevation) {
  const std::string text = ExplainBindFilterFailure(
      kHresultAccessDenied, "Access is denied (5)", /*in_server_silo=*/false,
      Spec("C:\\src", "C:\\dst"));
  EXPECT_TRUE(absl::StrContains(text, "administrator")) << text;
  EXPECT_FALSE(absl::StrContains(text, "silo")) << text;
}

TEST(ExplainBindFilterFailureTest, OtherFailuresShowTheSystemTextAndHresult) {
  const std::string text = ExplainBindFilterFailure(
      0x80070002, "The system cannot find the file specified (2)",
      /*in_server_silo=*/true, Spec("C:\\src", "C:\\dst"));
  EXPECT_TRUE(absl::StrContains(text, "cannot find the file")) << text;
  EXPECT_TRUE(absl::StrContains(text, "HRESULT 0x80070002")) << text;
  EXPECT_FALSE(absl::StrContains(text, "outside the silo")) << text;
}

}  // namespace
}  // namespace openrace
