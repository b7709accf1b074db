// Tests of the nt and win32 backends (and sandbox_windows.cc under them) on a
// real sandbox: every op kind, every anchor each backend can spell, the
// native codes and their status classes. Run by ci/windows.sh under Wine.

#include <windows.h>

#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "gtest/gtest.h"
#include "harness/run/backend.h"
#include "harness/base/internal/windows_util.h"
#include "harness/run/sandbox.h"

namespace openrace {
namespace {

using internal::FromWide;
using internal::ToWide;

// A fresh directory under %TEMP%, removed (once empty) at the end.
class TempParent {
 public:
  TempParent() {
    wchar_t temp[MAX_PATH + 1];
    GetTempPathW(MAX_PATH + 1, temp);
    for (int i = 0; path_.empty() && i < 100; ++i) {
      const std::string candidate = absl::StrCat(
          FromWide(temp), "openrace-test-", GetCurrentProcessId(), "-", i);
      if (CreateDirectoryW(ToWide(candidate).c_str(), nullptr)) path_ = candidate;
    }
  }
  ~TempParent() { RemoveDirectoryW(ToWide(path_).c_str()); }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

Path MakePath(Anchor anchor, const std::string& components,
              const std::string& handle = "") {
  Path path;
  path.anchor = anchor;
  path.handle = handle;
  path.components = absl::StrSplit(components, '/');
  return path;
}

Op MakeOp(OpKind kind, Path path) {
  Op op;
  op.kind = kind;
  op.path = std::move(path);
  return op;
}

struct Codes {  // the native code each backend gives for a status
  int64_t nt, win32;
};

class WindowsBackendTest : public ::testing::TestWithParam<const char*> {
 protected:
  void SetUp() override {
    ASSERT_FALSE(parent_.path().empty());
    auto backend = MakeBackend(GetParam());
    ASSERT_TRUE(backend.ok()) << backend.status();
    backend_ = *std::move(backend);
    auto sandbox = Sandbox::Create(parent_.path());
    ASSERT_TRUE(sandbox.ok()) << sandbox.status();
    sandbox_ = *std::move(sandbox);
    ASSERT_TRUE(sandbox_->Build({{EntryKind::kDirectory, "src"},
                                 {EntryKind::kDirectory, "src/a"},
                                 {EntryKind::kDirectory, "src/b"},
                                 {EntryKind::kFile, "src/a/foo.h"}})
                    .ok());
  }
  void TearDown() override {
    sandbox_.reset();
    backend_.reset();
  }

  bool nt() const { return backend_->name() == "nt"; }

  Outcome Run(const Op& op, NativeHandle anchor = kNoHandle,
              NativeHandle* opened = nullptr) {
    auto call = backend_->Prepare(op, sandbox_->root());
    EXPECT_TRUE(call.ok()) << call.status();
    if (!call.ok()) return Outcome{StatusClass::kOther, -1};
    return (*call)->Call(anchor, kNoHandle, opened);
  }

  void ExpectFailure(const Outcome& o, StatusClass status, Codes codes) {
    EXPECT_EQ(o.status, status) << OutcomeName(o);
    EXPECT_EQ(o.native, nt() ? codes.nt : codes.win32) << OutcomeName(o);
    EXPECT_EQ(o.native_kind, nt() ? NativeKind::kNtStatus : NativeKind::kWin32Error);
  }

  TempParent parent_;
  std::unique_ptr<Backend> backend_;
  std::unique_ptr<Sandbox> sandbox_;
};

TEST_P(WindowsBackendTest, OpensAnExistingFileByRelativeAndAbsolutePath) {
  EXPECT_TRUE(Run(MakeOp(OpKind::kOpen, MakePath(Anchor::kCwd, "src/a/foo.h"))).ok());
  EXPECT_TRUE(Run(MakeOp(OpKind::kOpen, MakePath(Anchor::kAbsolute, "src/a/foo.h"))).ok());
  const Anchor verbatim = nt() ? Anchor::kNtObject : Anchor::kWin32Device;
  EXPECT_TRUE(Run(MakeOp(OpKind::kOpen, MakePath(verbatim, "src/a/foo.h"))).ok());
}

TEST_P(WindowsBackendTest, DetoursAndSeparatorSpellingsReachTheSameFile) {
  Path path = MakePath(Anchor::kCwd, "./src/b/../a/foo.h");
  path.separator = SeparatorStyle::kBackslash;
  path.doubled_separators = true;
  EXPECT_TRUE(Run(MakeOp(OpKind::kOpen, path)).ok());
  EXPECT_TRUE(Run(MakeOp(OpKind::kStat, MakePath(Anchor::kAbsolute, "src/a/./foo.h"))).ok());
  const Outcome o = Run(MakeOp(OpKind::kStat, MakePath(Anchor::kCwd, "src/a/foo.h")));
  EXPECT_TRUE(o.ok()) << OutcomeName(o);
}

TEST_P(WindowsBackendTest, ReportsMissingEntriesWithNativeCodes) {
  ExpectFailure(Run(MakeOp(OpKind::kOpen, MakePath(Anchor::kCwd, "src/a/nope.h"))),
                StatusClass::kNotFound, {0xC0000034, 2});
  ExpectFailure(Run(MakeOp(OpKind::kOpen, MakePath(Anchor::kCwd, "src/nope/foo.h"))),
                StatusClass::kPathNotFound, {0xC000003A, 3});
  ExpectFailure(Run(MakeOp(OpKind::kStat, MakePath(Anchor::kCwd, "src/nope.h"))),
                StatusClass::kNotFound, {0xC0000034, 2});
}

TEST_P(WindowsBackendTest, CreateOfAnExistingFileIsACollision) {
  Op op = MakeOp(OpKind::kOpen, MakePath(Anchor::kCwd, "src/a/foo.h"));
  op.flags.disposition = Disposition::kCreate;
  op.flags.access = access::kGenericRead | access::kGenericWrite;
  ExpectFailure(Run(op), StatusClass::kExists, {0xC0000035, 80});
  op.path = MakePath(Anchor::kCwd, "src/a/new.h");
  EXPECT_TRUE(Run(op).ok());
  EXPECT_TRUE(Run(MakeOp(OpKind::kStat, MakePath(Anchor::kCwd, "src/a/new.h"))).ok());
}

TEST_P(WindowsBackendTest, MakesAndDeletesDirectories) {
  const Op mkdir = MakeOp(OpKind::kMkdir, MakePath(Anchor::kCwd, "src/c"));
  EXPECT_TRUE(Run(mkdir).ok());
  ExpectFailure(Run(mkdir), StatusClass::kExists, {0xC0000035, 183});
  Op rmdir = MakeOp(OpKind::kDelete, MakePath(Anchor::kCwd, "src/c"));
  rmdir.flags.options = options::kDirectoryFile;
  EXPECT_TRUE(Run(rmdir).ok());
  ExpectFailure(Run(MakeOp(OpKind::kStat, MakePath(Anchor::kCwd, "src/c"))),
                StatusClass::kNotFound, {0xC0000034, 2});
  rmdir.path = MakePath(Anchor::kCwd, "src/a");
  ExpectFailure(Run(rmdir), StatusClass::kNotEmpty, {0xC0000101, 145});
}

TEST_P(WindowsBackendTest, DeletesAndRenamesFiles) {
  Op rename = MakeOp(OpKind::kRename, MakePath(Anchor::kCwd, "src/a/foo.h"));
  rename.to = MakePath(Anchor::kCwd, "src/b/bar.h");
  EXPECT_TRUE(Run(rename).ok());
  EXPECT_TRUE(Run(MakeOp(OpKind::kStat, MakePath(Anchor::kCwd, "src/b/bar.h"))).ok());
  EXPECT_TRUE(Run(MakeOp(OpKind::kDelete, MakePath(Anchor::kCwd, "src/b/bar.h"))).ok());
  ExpectFailure(Run(MakeOp(OpKind::kDelete, MakePath(Anchor::kCwd, "src/b/bar.h"))),
                StatusClass::kNotFound, {0xC0000034, 2});
}

TEST_P(WindowsBackendTest, AHeldHandleWithoutSharingRefusesASecondOpen) {
  Op hold = MakeOp(OpKind::kOpen, MakePath(Anchor::kCwd, "src/a/foo.h"));
  hold.flags.share = 0;
  NativeHandle held = kNoHandle;
  ASSERT_TRUE(Run(hold, kNoHandle, &held).ok());
  ExpectFailure(Run(MakeOp(OpKind::kOpen, MakePath(Anchor::kCwd, "src/a/foo.h"))),
                StatusClass::kSharingViolation, {0xC0000043, 32});
  backend_->Close(held);
  EXPECT_TRUE(Run(MakeOp(OpKind::kOpen, MakePath(Anchor::kCwd, "src/a/foo.h"))).ok());
}

TEST_P(WindowsBackendTest, HandleAnchorsAreNtOnly) {
  Op open_dir = MakeOp(OpKind::kOpen, MakePath(Anchor::kCwd, "src/b"));
  open_dir.flags.options = options::kDirectoryFile;
  NativeHandle dir = kNoHandle;
  ASSERT_TRUE(Run(open_dir, kNoHandle, &dir).ok());
  const Op below = MakeOp(OpKind::kOpen, MakePath(Anchor::kHandle, "../a/foo.h", "d0"));
  if (!nt()) {
    auto call = backend_->Prepare(below, sandbox_->root());
    EXPECT_EQ(call.status().code(), absl::StatusCode::kInvalidArgument);
  } else {
    EXPECT_TRUE(Run(below, dir).ok());
    EXPECT_TRUE(Run(MakeOp(OpKind::kStat, MakePath(Anchor::kHandle, ".", "d0")), dir).ok());
    EXPECT_TRUE(Run(MakeOp(OpKind::kMkdir, MakePath(Anchor::kHandle, "new", "d0")), dir).ok());
    EXPECT_TRUE(Run(MakeOp(OpKind::kStat, MakePath(Anchor::kCwd, "src/b/new"))).ok());
    ExpectFailure(Run(MakeOp(OpKind::kOpen, MakePath(Anchor::kHandle, "nope", "d0")), dir),
                  StatusClass::kNotFound, {0xC0000034, 2});
  }
  backend_->Close(dir);
}

TEST_P(WindowsBackendTest, DescribesTheCallAsMade) {
  auto call = backend_->Prepare(MakeOp(OpKind::kOpen, MakePath(Anchor::kCwd, "src/a/foo.h")),
                                sandbox_->root());
  ASSERT_TRUE(call.ok());
  if (nt()) {
    EXPECT_EQ((*call)->Describe(),
              "NtCreateFile(RootDirectory=<current directory>, "
              "ObjectName=L\"src\\\\a\\\\foo.h\", GENERIC_READ, "
              "FILE_SHARE_READ|FILE_SHARE_WRITE, FILE_OPEN, 0)");
  } else {
    EXPECT_EQ((*call)->Describe(),
              "CreateFileW(L\"src/a/foo.h\", GENERIC_READ, "
              "FILE_SHARE_READ|FILE_SHARE_WRITE, NULL, OPEN_EXISTING, "
              "FILE_ATTRIBUTE_NORMAL, NULL)");
  }
}

INSTANTIATE_TEST_SUITE_P(Backends, WindowsBackendTest,
                         ::testing::Values("nt", "win32"));

TEST(WindowsBackendRegistryTest, Win32IsTheDefault) {
  EXPECT_EQ(DefaultBackendName(), "win32");
  EXPECT_EQ(BackendNames(), (std::vector<std::string>{"win32", "nt"}));
}

}  // namespace
}  // namespace openrace
