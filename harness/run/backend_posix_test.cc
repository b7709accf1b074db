// Tests of posix_render.cc and the posix backend, on a real sandbox.

#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <memory>
#include <string>

#include "gtest/gtest.h"
#include "harness/run/backend.h"
#include "harness/testing/test_util.h"
#include "harness/run/posix_render.h"
#include "harness/run/sandbox.h"

namespace openrace {
namespace {

using testing_util::Cwd;
using testing_util::Dir;
using testing_util::File;
using testing_util::On;
using testing_util::Open;
using testing_util::OpenDir;
using testing_util::PathOp;
using testing_util::Rename;
using testing_util::ScratchDir;

struct FlagCase {
  const char* name;
  OpenFlags flags;
  int bits;
  const char* text;
};

OpenFlags Flags(uint32_t access, Disposition disposition, uint32_t options = 0) {
  OpenFlags flags;
  flags.access = access;
  flags.disposition = disposition;
  flags.options = options;
  return flags;
}

TEST(PosixRenderTest, MapsEveryDispositionOptionAndAccessToItsOpenFlags) {
  constexpr uint32_t kRead = access::kGenericRead;
  constexpr uint32_t kWrite = access::kGenericWrite;
  const FlagCase cases[] = {
      {"open", Flags(kRead, Disposition::kOpen), O_RDONLY | O_CLOEXEC,
       "O_RDONLY|O_CLOEXEC"},
      {"create", Flags(kRead, Disposition::kCreate),
       O_RDONLY | O_CREAT | O_EXCL | O_CLOEXEC, "O_RDONLY|O_CREAT|O_EXCL|O_CLOEXEC"},
      {"open_if", Flags(kRead, Disposition::kOpenIf), O_RDONLY | O_CREAT | O_CLOEXEC,
       "O_RDONLY|O_CREAT|O_CLOEXEC"},
      {"overwrite gets write access", Flags(kRead, Disposition::kOverwrite),
       O_RDWR | O_TRUNC | O_CLOEXEC, "O_RDWR|O_TRUNC|O_CLOEXEC"},
      {"overwrite_if", Flags(kWrite, Disposition::kOverwriteIf),
       O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, "O_WRONLY|O_CREAT|O_TRUNC|O_CLOEXEC"},
      {"supersede", Flags(kRead | kWrite, Disposition::kSupersede),
       O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, "O_RDWR|O_CREAT|O_TRUNC|O_CLOEXEC"},
      {"truncating delete-only access gets write only",
       Flags(access::kDelete, Disposition::kOverwrite), O_WRONLY | O_TRUNC | O_CLOEXEC,
       "O_WRONLY|O_TRUNC|O_CLOEXEC"},
      {"write", Flags(kWrite, Disposition::kOpen), O_WRONLY | O_CLOEXEC,
       "O_WRONLY|O_CLOEXEC"},
      {"read|write", Flags(kRead | kWrite, Disposition::kOpen), O_RDWR | O_CLOEXEC,
       "O_RDWR|O_CLOEXEC"},
      {"delete|read_attributes|synchronize",
       Flags(access::kDelete | access::kReadAttributes | access::kSynchronize,
             Disposition::kOpen),
       O_RDONLY | O_CLOEXEC, "O_RDONLY|O_CLOEXEC"},
      {"directory", Flags(kRead, Disposition::kOpen, options::kDirectoryFile),
       O_RDONLY | O_DIRECTORY | O_CLOEXEC, "O_RDONLY|O_DIRECTORY|O_CLOEXEC"},
      {"open_reparse_point", Flags(kRead, Disposition::kOpen, options::kOpenReparsePoint),
       O_RDONLY | O_NOFOLLOW | O_CLOEXEC, "O_RDONLY|O_NOFOLLOW|O_CLOEXEC"},
      {"non_directory and backup have no equivalent",
       Flags(kRead, Disposition::kOpen,
             options::kNonDirectoryFile | options::kOpenForBackupIntent),
       O_RDONLY | O_CLOEXEC, "O_RDONLY|O_CLOEXEC"},
      {"everything at once",
       Flags(kRead | kWrite, Disposition::kCreate,
             options::kDirectoryFile | options::kOpenReparsePoint),
       O_RDWR | O_CREAT | O_EXCL | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC,
       "O_RDWR|O_CREAT|O_EXCL|O_DIRECTORY|O_NOFOLLOW|O_CLOEXEC"},
  };
  for (const FlagCase& c : cases) {
    EXPECT_EQ(PosixOpenFlags(c.flags), c.bits) << c.name;
    EXPECT_EQ(PosixOpenFlagsText(c.flags), c.text) << c.name;
  }
}

TEST(PosixRenderTest, RendersEverySpellingWithSlashes) {
  Path path = Cwd("src/a/foo.h");
  EXPECT_EQ(RenderPosixPath(path, "/sb"), "src/a/foo.h");
  path.separator = SeparatorStyle::kBackslash;
  EXPECT_EQ(RenderPosixPath(path, "/sb"), "src/a/foo.h");
  path.doubled_separators = true;
  EXPECT_EQ(RenderPosixPath(path, "/sb"), "src//a//foo.h");
  path.doubled_separators = false;
  path.trailing_separator = true;
  EXPECT_EQ(RenderPosixPath(path, "/sb"), "src/a/foo.h/");

  Path detour = Cwd("src/./a/../a");
  EXPECT_EQ(RenderPosixPath(detour, "/sb"), "src/./a/../a");
  EXPECT_EQ(RenderPosixPath(Cwd("."), "/sb"), ".");

  Path absolute = testing_util::MakePath(Anchor::kAbsolute, "src/a");
  EXPECT_EQ(RenderPosixPath(absolute, "/sb"), "/sb/src/a");
  absolute.doubled_separators = true;
  EXPECT_EQ(RenderPosixPath(absolute, "/sb"), "/sb/src//a");

  EXPECT_EQ(RenderPosixPath(On("d0", "a/foo.h"), "/sb"), "a/foo.h");
}

class BackendPosixTest : public ::testing::Test {
 protected:
  void SetUp() override {
    absl::StatusOr<std::unique_ptr<Backend>> backend = MakeBackend("posix");
    ASSERT_TRUE(backend.ok()) << backend.status();
    backend_ = *std::move(backend);
    absl::StatusOr<std::unique_ptr<Sandbox>> sandbox = Sandbox::Create(parent_.path());
    ASSERT_TRUE(sandbox.ok()) << sandbox.status();
    sandbox_ = *std::move(sandbox);
    ASSERT_TRUE(sandbox_->Build({Dir("src"), Dir("src/a"), File("src/a/foo.h"),
                                 Dir("full"), File("full/x")})
                    .ok());
  }

  // Prepares and performs `op`; an opened handle is closed at once.
  Outcome Run(const Op& op, NativeHandle anchor = kNoHandle,
              NativeHandle to_anchor = kNoHandle) {
    absl::StatusOr<std::unique_ptr<PreparedCall>> call =
        backend_->Prepare(op, sandbox_->root());
    EXPECT_TRUE(call.ok()) << call.status();
    if (!call.ok()) return Outcome{StatusClass::kOther, -1};
    NativeHandle opened = kNoHandle;
    const Outcome outcome = (*call)->Call(anchor, to_anchor, &opened);
    EXPECT_EQ(outcome.ok() && op.kind == OpKind::kOpen, opened != kNoHandle);
    if (opened != kNoHandle) backend_->Close(opened);
    return outcome;
  }

  bool Exists(const std::string& relative) {
    struct stat st;
    return lstat((sandbox_->root() + "/" + relative).c_str(), &st) == 0;
  }

  static Outcome Errno(StatusClass status, int error) {
    return Outcome{status, error, NativeKind::kErrno};
  }

  ScratchDir parent_;
  std::unique_ptr<Backend> backend_;
  std::unique_ptr<Sandbox> sandbox_;
};

TEST_F(BackendPosixTest, IsRegisteredAsTheDefault) {
  EXPECT_EQ(DefaultBackendName(), "posix");
  EXPECT_EQ(BackendNames(), std::vector<std::string>{"posix"});
  EXPECT_EQ(backend_->name(), "posix");
  EXPECT_EQ(MakeBackend("nt").status().code(), absl::StatusCode::kInvalidArgument);
}

TEST_F(BackendPosixTest, OpensAnExistingFile) {
  EXPECT_EQ(Run(Open(Cwd("src/a/foo.h"))), Outcome{});
  EXPECT_EQ(Run(Open(testing_util::MakePath(Anchor::kAbsolute, "src/a/foo.h"))),
            Outcome{});
}

TEST_F(BackendPosixTest, OpenOfAMissingFileIsNotFound) {
  EXPECT_EQ(Run(Open(Cwd("src/a/missing.h"))), Errno(StatusClass::kNotFound, ENOENT));
}

TEST_F(BackendPosixTest, CreateOfAnExistingFileIsExists) {
  EXPECT_EQ(Run(Open(Cwd("src/a/foo.h"), "", Disposition::kCreate)),
            Errno(StatusClass::kExists, EEXIST));
  EXPECT_EQ(Run(Open(Cwd("src/a/new.h"), "", Disposition::kCreate)), Outcome{});
  EXPECT_TRUE(Exists("src/a/new.h"));
}

TEST_F(BackendPosixTest, MapsDirectoryErrnosToTheirClasses) {
  Op write_dir = Open(Cwd("src"));
  write_dir.flags.access = access::kGenericWrite;
  EXPECT_EQ(Run(write_dir), Errno(StatusClass::kIsADirectory, EISDIR));
  EXPECT_EQ(Run(Open(Cwd("src/a/foo.h/x"))), Errno(StatusClass::kNotADirectory, ENOTDIR));
  EXPECT_EQ(Run(PathOp(OpKind::kDelete, Cwd("full"), options::kDirectoryFile)),
            Errno(StatusClass::kNotEmpty, ENOTEMPTY));
}

TEST_F(BackendPosixTest, MkdirCreatesADirectory) {
  EXPECT_EQ(Run(PathOp(OpKind::kMkdir, Cwd("src/b"))), Outcome{});
  EXPECT_TRUE(Exists("src/b"));
  EXPECT_EQ(Run(PathOp(OpKind::kMkdir, Cwd("src/b"))),
            Errno(StatusClass::kExists, EEXIST));
}

TEST_F(BackendPosixTest, StatSeesExistingEntriesOnly) {
  EXPECT_EQ(Run(PathOp(OpKind::kStat, Cwd("src/a/foo.h"))), Outcome{});
  EXPECT_EQ(Run(PathOp(OpKind::kStat, Cwd("src/./a/../a"), options::kOpenReparsePoint)),
            Outcome{});
  EXPECT_EQ(Run(PathOp(OpKind::kStat, Cwd("nope"))), Errno(StatusClass::kNotFound, ENOENT));
}

TEST_F(BackendPosixTest, DeleteRemovesFilesAndDirectories) {
  EXPECT_EQ(Run(PathOp(OpKind::kDelete, Cwd("src/a/foo.h"))), Outcome{});
  EXPECT_FALSE(Exists("src/a/foo.h"));
  EXPECT_EQ(Run(PathOp(OpKind::kDelete, Cwd("src/a"), options::kDirectoryFile)),
            Outcome{});
  EXPECT_FALSE(Exists("src/a"));
}

TEST_F(BackendPosixTest, RenameMovesAnEntry) {
  EXPECT_EQ(Run(Rename(Cwd("src/a/foo.h"), Cwd("src/bar.h"))), Outcome{});
  EXPECT_FALSE(Exists("src/a/foo.h"));
  EXPECT_TRUE(Exists("src/bar.h"));
}

TEST_F(BackendPosixTest, OpensRelativeToAHandle) {
  const int dir = open((sandbox_->root() + "/src").c_str(), O_RDONLY | O_DIRECTORY);
  ASSERT_GE(dir, 0);
  EXPECT_EQ(Run(Open(On("d0", "a/foo.h")), dir), Outcome{});
  EXPECT_EQ(Run(Open(On("d0", "foo.h")), dir), Errno(StatusClass::kNotFound, ENOENT));
  EXPECT_EQ(Run(Rename(On("d0", "a/foo.h"), Cwd("moved.h")), dir), Outcome{});
  EXPECT_TRUE(Exists("moved.h"));
  close(dir);
}

TEST_F(BackendPosixTest, DescribesEachCallAsC) {
  const auto describe = [&](const Op& op) {
    return (*backend_->Prepare(op, "/sb"))->Describe();
  };
  EXPECT_EQ(describe(Open(Cwd("src/a/foo.h"))),
            "openat(AT_FDCWD, \"src/a/foo.h\", O_RDONLY|O_CLOEXEC)");
  EXPECT_EQ(describe(Open(On("d0", "a"), "", Disposition::kCreate)),
            "openat(d0, \"a\", O_RDONLY|O_CREAT|O_EXCL|O_CLOEXEC, 0644)");
  EXPECT_EQ(describe(PathOp(OpKind::kMkdir, testing_util::MakePath(Anchor::kAbsolute, "b"))),
            "mkdirat(AT_FDCWD, \"/sb/b\", 0755)");
  EXPECT_EQ(describe(PathOp(OpKind::kStat, Cwd("b"), options::kOpenReparsePoint)),
            "fstatat(AT_FDCWD, \"b\", &st, AT_SYMLINK_NOFOLLOW)");
  EXPECT_EQ(describe(PathOp(OpKind::kDelete, Cwd("b"), options::kDirectoryFile)),
            "unlinkat(AT_FDCWD, \"b\", AT_REMOVEDIR)");
  EXPECT_EQ(describe(Rename(Cwd("x"), On("d0", "y"))),
            "renameat(AT_FDCWD, \"x\", d0, \"y\")");
}

TEST_F(BackendPosixTest, PrepareRefusesDeviceAndNtAnchors) {
  for (Anchor anchor : {Anchor::kWin32Device, Anchor::kNtObject}) {
    const Path path = testing_util::MakePath(anchor, "src");
    EXPECT_EQ(backend_->Prepare(Open(path), "/sb").status().code(),
              absl::StatusCode::kInvalidArgument);
    EXPECT_EQ(backend_->Prepare(Rename(Cwd("src"), path), "/sb").status().code(),
              absl::StatusCode::kInvalidArgument);
  }
}

}  // namespace
}  // namespace openrace
