// Tests of windows_render.cc: the Win32 and NT spellings of scenario paths
// and flags. Pure, so they run on every platform.

#include "harness/run/windows_render.h"

#include <string>
#include <vector>

#include "absl/strings/str_split.h"
#include "gtest/gtest.h"

namespace openrace {
namespace {

constexpr char kRoot[] = "C:\\work\\openrace-1-abcdef";

Path MakePath(Anchor anchor, const std::string& components,
              SeparatorStyle separator = SeparatorStyle::kSlash) {
  Path path;
  path.anchor = anchor;
  if (anchor == Anchor::kHandle) path.handle = "d0";
  path.components = absl::StrSplit(components, '/');
  path.separator = separator;
  return path;
}

TEST(RenderWin32PathTest, CwdPathsKeepTheirSpelling) {
  Path path = MakePath(Anchor::kCwd, "./src/b/../a/foo.h");
  EXPECT_EQ(RenderWin32Path(path, kRoot), "./src/b/../a/foo.h");
  path.separator = SeparatorStyle::kBackslash;
  path.doubled_separators = true;
  EXPECT_EQ(RenderWin32Path(path, kRoot), ".\\\\src\\\\b\\\\..\\\\a\\\\foo.h");
  path = MakePath(Anchor::kCwd, "src/a");
  path.trailing_separator = true;
  EXPECT_EQ(RenderWin32Path(path, kRoot), "src/a/");
}

TEST(RenderWin32PathTest, AbsolutePathsStartAtTheSandboxRoot) {
  EXPECT_EQ(RenderWin32Path(MakePath(Anchor::kAbsolute, "src/a/./foo.h",
                                     SeparatorStyle::kBackslash),
                            kRoot),
            "C:\\work\\openrace-1-abcdef\\src\\a\\.\\foo.h");
  EXPECT_EQ(RenderWin32Path(MakePath(Anchor::kAbsolute, "src/a"), kRoot),
            "C:\\work\\openrace-1-abcdef/src/a");
}

TEST(RenderWin32PathTest, DevicePathsAreFoldedBecauseVerbatimPathsAreNotParsed) {
  Path path = MakePath(Anchor::kWin32Device, "./src/b/../a/foo.h");
  path.doubled_separators = true;
  path.trailing_separator = true;
  EXPECT_EQ(RenderWin32Path(path, kRoot),
            "\\\\?\\C:\\work\\openrace-1-abcdef\\src\\a\\foo.h");
  EXPECT_EQ(RenderWin32Path(MakePath(Anchor::kWin32Device, "."),
                            "\\\\server\\share\\x"),
            "\\\\?\\UNC\\server\\share\\x");
}

TEST(RenderNtNameTest, RelativeNamesAreFoldedWithBackslashes) {
  int climb = -1;
  Path path = MakePath(Anchor::kCwd, "./src/b/../a/foo.h");
  path.doubled_separators = true;
  path.trailing_separator = true;
  EXPECT_EQ(RenderNtName(path, kRoot, &climb), "src\\a\\foo.h");
  EXPECT_EQ(climb, 0);
  EXPECT_EQ(RenderNtName(MakePath(Anchor::kCwd, "."), kRoot, &climb), "");
}

TEST(RenderNtNameTest, HandlePathsCountTheirClimbAboveTheAnchor) {
  int climb = -1;
  EXPECT_EQ(RenderNtName(MakePath(Anchor::kHandle, "../../a/./foo.h"), kRoot,
                         &climb),
            "a\\foo.h");
  EXPECT_EQ(climb, 2);
  EXPECT_EQ(RenderNtName(MakePath(Anchor::kHandle, "x/../.."), kRoot, &climb),
            "");
  EXPECT_EQ(climb, 1);
}

TEST(RenderNtNameTest, AbsoluteAndNtPathsUseTheDosDevicesPrefix) {
  EXPECT_EQ(RenderNtName(MakePath(Anchor::kAbsolute, "src/a"), kRoot, nullptr),
            "\\??\\C:\\work\\openrace-1-abcdef\\src\\a");
  EXPECT_EQ(RenderNtName(MakePath(Anchor::kNtObject, "src/.."), kRoot, nullptr),
            "\\??\\C:\\work\\openrace-1-abcdef");
  EXPECT_EQ(NtRootName("\\\\server\\share\\x"), "\\??\\UNC\\server\\share\\x");
}

TEST(Win32FlagsTest, DispositionsMapToCreationDispositions) {
  EXPECT_EQ(Win32CreationDisposition(Disposition::kSupersede), 2u);
  EXPECT_EQ(Win32CreationDisposition(Disposition::kOverwriteIf), 2u);
  EXPECT_EQ(Win32CreationDisposition(Disposition::kCreate), 1u);
  EXPECT_EQ(Win32CreationDisposition(Disposition::kOpen), 3u);
  EXPECT_EQ(Win32CreationDisposition(Disposition::kOpenIf), 4u);
  EXPECT_EQ(Win32CreationDisposition(Disposition::kOverwrite), 5u);
  EXPECT_EQ(Win32DispositionText(Disposition::kOverwrite), "TRUNCATE_EXISTING");
}

TEST(Win32FlagsTest, DirectoryAndBackupNeedBackupSemantics) {
  OpenFlags flags;
  EXPECT_EQ(Win32FlagsAndAttributes(flags), attributes::kNormal);
  flags.options = options::kDirectoryFile;
  EXPECT_EQ(Win32FlagsAndAttributes(flags), attributes::kNormal | 0x02000000u);
  flags.options = options::kOpenForBackupIntent | options::kOpenReparsePoint;
  EXPECT_EQ(Win32FlagsAndAttributesText(flags),
            "FILE_ATTRIBUTE_NORMAL|FILE_FLAG_BACKUP_SEMANTICS|"
            "FILE_FLAG_OPEN_REPARSE_POINT");
  flags.options = options::kNonDirectoryFile;  // no Win32 equivalent
  EXPECT_EQ(Win32FlagsAndAttributes(flags), attributes::kNormal);
}

TEST(Win32FlagsTest, TextNamesEveryBit) {
  EXPECT_EQ(Win32AccessText(access::kGenericRead | access::kGenericWrite),
            "GENERIC_READ|GENERIC_WRITE");
  EXPECT_EQ(Win32ShareText(share::kAll),
            "FILE_SHARE_READ|FILE_SHARE_WRITE|FILE_SHARE_DELETE");
  EXPECT_EQ(Win32ShareText(0), "0");
  EXPECT_EQ(NtDispositionText(Disposition::kOpenIf), "FILE_OPEN_IF");
  EXPECT_EQ(NtOptionsText(options::kDirectoryFile | 0x20),
            "FILE_DIRECTORY_FILE|FILE_SYNCHRONOUS_IO_NONALERT");
}

}  // namespace
}  // namespace openrace
