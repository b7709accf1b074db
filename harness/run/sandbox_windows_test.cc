// Tests of sandbox_windows.cc: creation, the current directory, and the
// recursive delete (read-only files, names Win32 would rewrite).

#include <windows.h>

#include <memory>
#include <string>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "harness/base/internal/windows_util.h"
#include "harness/run/sandbox.h"

namespace openrace {
namespace {

using internal::FromWide;
using internal::ToWide;

std::string TempParent() {
  wchar_t temp[MAX_PATH + 1];
  GetTempPathW(MAX_PATH + 1, temp);
  const std::string path = absl::StrCat(FromWide(temp), "openrace-sandbox-test-",
                                        GetCurrentProcessId());
  CreateDirectoryW(ToWide(path).c_str(), nullptr);
  return path;
}

bool Exists(const std::string& path) {
  return GetFileAttributesW(ToWide(path).c_str()) != INVALID_FILE_ATTRIBUTES;
}

std::string CurrentDirectory() {
  wchar_t buffer[MAX_PATH + 1];
  return FromWide(std::wstring(buffer, GetCurrentDirectoryW(MAX_PATH + 1, buffer)));
}

TEST(SandboxWindowsTest, IsCurrentWhileItLivesAndGoneAfter) {
  const std::string parent = TempParent();
  const std::string before = CurrentDirectory();
  std::string root;
  {
    auto sandbox = Sandbox::Create(parent);
    ASSERT_TRUE(sandbox.ok()) << sandbox.status();
    root = (*sandbox)->root();
    EXPECT_EQ(root.rfind(parent + "\\openrace-", 0), 0u) << root;
    EXPECT_EQ(CurrentDirectory(), root);
    ASSERT_TRUE((*sandbox)->Build({{EntryKind::kDirectory, "src"},
                                   {EntryKind::kDirectory, "src/a"},
                                   {EntryKind::kFile, "src/a/foo.h"}})
                    .ok());
    EXPECT_TRUE(Exists(root + "\\src\\a\\foo.h"));
    // A read-only file and a name with a trailing dot (only a verbatim
    // path can make or remove one) must not stop the delete.
    SetFileAttributesW(ToWide(root + "\\src\\a\\foo.h").c_str(),
                       FILE_ATTRIBUTE_READONLY);
    const HANDLE odd = CreateFileW(ToWide("\\\\?\\" + root + "\\src\\odd.").c_str(),
                                   GENERIC_WRITE, 0, nullptr, CREATE_NEW,
                                   FILE_ATTRIBUTE_NORMAL, nullptr);
    if (odd != INVALID_HANDLE_VALUE) CloseHandle(odd);
  }
  EXPECT_FALSE(Exists(root));
  EXPECT_EQ(CurrentDirectory(), before);
  RemoveDirectoryW(ToWide(parent).c_str());
}

TEST(SandboxWindowsTest, RefusesAMissingParent) {
  auto sandbox = Sandbox::Create("C:\\openrace-no-such-dir\\x");
  EXPECT_EQ(sandbox.status().code(), absl::StatusCode::kNotFound);
}

}  // namespace
}  // namespace openrace
