// Tests of sandbox.cc: creation, cleanup on every exit path, and a clear
// that never follows a link out of the sandbox.

#include "harness/run/sandbox.h"

#include <fcntl.h>
#include <limits.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <memory>
#include <string>

#include "absl/strings/match.h"
#include "gtest/gtest.h"
#include "harness/run/backend.h"
#include "harness/run/executor.h"
#include "harness/testing/test_util.h"
#include "harness/base/platform.h"

namespace openrace {
namespace {

using testing_util::Cwd;
using testing_util::Dir;
using testing_util::File;
using testing_util::ScratchDir;

namespace fs = std::filesystem;

std::string CurrentDirectory() {
  char buffer[PATH_MAX];
  return getcwd(buffer, sizeof buffer) ? buffer : "";
}

bool Exists(const std::string& path) {
  struct stat st;
  return lstat(path.c_str(), &st) == 0;
}

size_t EntriesIn(const std::string& dir) {
  return std::distance(fs::directory_iterator(dir), fs::directory_iterator());
}

TEST(SandboxTest, IsCreatedUnderTheParentAndRemovedOnDestruction) {
  ScratchDir parent;
  std::string root;
  {
    absl::StatusOr<std::unique_ptr<Sandbox>> sandbox = Sandbox::Create(parent.path());
    ASSERT_TRUE(sandbox.ok()) << sandbox.status();
    root = (*sandbox)->root();
    EXPECT_EQ(fs::path(root).parent_path(), fs::canonical(parent.path()));
    EXPECT_TRUE(absl::StartsWith(fs::path(root).filename().string(),
                                 absl::StrCat("openrace-", getpid(), "-")));
    EXPECT_EQ(CurrentDirectory(), root);
    struct stat st;
    ASSERT_EQ(stat(root.c_str(), &st), 0);
    EXPECT_EQ(st.st_mode & 0777, 0700u);
    ASSERT_TRUE((*sandbox)->Build({Dir("src"), Dir("src/a"), File("src/a/foo.h")}).ok());
    EXPECT_TRUE(Exists(root + "/src/a/foo.h"));
  }
  EXPECT_FALSE(Exists(root));
  EXPECT_EQ(EntriesIn(parent.path()), 0u);
}

TEST(SandboxTest, RestoresTheCurrentDirectory) {
  ScratchDir parent;
  const std::string before = CurrentDirectory();
  {
    auto sandbox = Sandbox::Create(parent.path());
    ASSERT_TRUE(sandbox.ok()) << sandbox.status();
    EXPECT_NE(CurrentDirectory(), before);
  }
  EXPECT_EQ(CurrentDirectory(), before);
}

TEST(SandboxTest, BuildStartsFromAnEmptySandbox) {
  ScratchDir parent;
  auto sandbox = Sandbox::Create(parent.path());
  ASSERT_TRUE(sandbox.ok()) << sandbox.status();
  const std::string root = (*sandbox)->root();
  ASSERT_TRUE((*sandbox)->Build({Dir("old"), File("old/x")}).ok());
  ASSERT_TRUE((*sandbox)->Build({File("new")}).ok());
  EXPECT_FALSE(Exists(root + "/old"));
  EXPECT_TRUE(Exists(root + "/new"));
  ASSERT_TRUE((*sandbox)->Clear().ok());
  EXPECT_EQ(EntriesIn(root), 0u);
  EXPECT_TRUE(Exists(root));
}

TEST(SandboxTest, RemoveTakesAwayFilesAndWholeDirectoriesAndSkipsTheMissing) {
  ScratchDir parent;
  ScratchDir outside;
  auto sandbox = Sandbox::Create(parent.path());
  ASSERT_TRUE(sandbox.ok()) << sandbox.status();
  const std::string root = (*sandbox)->root();
  ASSERT_TRUE((*sandbox)->Build({Dir("src"), File("src/keep"), File("f"),
                                 Dir("src/d"), Dir("src/d/e"), File("src/d/e/g")})
                  .ok());
  // A link inside a removed directory goes, what it points at stays.
  ASSERT_EQ(symlink(outside.path().c_str(), (root + "/src/d/to-outside").c_str()), 0);
  ASSERT_TRUE((*sandbox)->Remove({"f", "src/d", "missing", "src/keep/under-a-file"}).ok());
  EXPECT_FALSE(Exists(root + "/f"));
  EXPECT_FALSE(Exists(root + "/src/d"));
  EXPECT_TRUE(Exists(root + "/src/keep"));
  EXPECT_TRUE(Exists(outside.path()));
  // Again, with nothing left to remove.
  ASSERT_TRUE((*sandbox)->Remove({"f", "src/d"}).ok());
  EXPECT_EQ(EntriesIn(root + "/src"), 1u);
}

TEST(SandboxTest, ClearDoesNotFollowASymlinkPointingOutside) {
  ScratchDir parent;
  ScratchDir outside;
  const std::string outside_file = outside.path() + "/precious";
  std::ofstream(outside_file) << "keep me";
  auto sandbox = Sandbox::Create(parent.path());
  ASSERT_TRUE(sandbox.ok()) << sandbox.status();
  const std::string root = (*sandbox)->root();
  ASSERT_TRUE((*sandbox)->Build({Dir("d")}).ok());
  ASSERT_EQ(symlink(outside.path().c_str(), (root + "/d/to-dir").c_str()), 0);
  ASSERT_EQ(symlink(outside_file.c_str(), (root + "/to-file").c_str()), 0);

  ASSERT_TRUE((*sandbox)->Clear().ok());
  EXPECT_EQ(EntriesIn(root), 0u);
  EXPECT_TRUE(Exists(outside_file));
  EXPECT_EQ(EntriesIn(outside.path()), 1u);
}

TEST(SandboxTest, AMissingParentIsReported) {
  const absl::Status status = Sandbox::Create("/nope/not/here").status();
  EXPECT_EQ(status.code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(status.message(), "/nope/not/here: does not exist");
}

TEST(SandboxTest, AParentThatIsAFileIsReported) {
  ScratchDir scratch;
  const std::string file = scratch.path() + "/file";
  std::ofstream(file) << "";
  const absl::Status status = Sandbox::Create(file).status();
  EXPECT_EQ(status.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(status.message(), file + ": is not a directory");
}

TEST(SandboxTest, AnUnwritableParentIsReported) {
  if (geteuid() == 0) {
    GTEST_SKIP() << "running as root, which can write to any directory, so "
                    "no directory is unwritable";
  }
  ScratchDir scratch;
  ASSERT_EQ(chmod(scratch.path().c_str(), 0500), 0);
  const absl::Status status = Sandbox::Create(scratch.path()).status();
  chmod(scratch.path().c_str(), 0700);
  EXPECT_EQ(status.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_TRUE(absl::StrContains(status.message(), "is not writable")) << status;
}

class SandboxRunTest : public ::testing::Test {
 protected:
  void SetUp() override {
    absl::StatusOr<std::unique_ptr<Backend>> backend = MakeBackend(DefaultBackendName());
    ASSERT_TRUE(backend.ok()) << backend.status();
    backend_ = *std::move(backend);
  }
  void TearDown() override { SetInterruptRequested(false); }

  ScratchDir parent_;
  std::unique_ptr<Backend> backend_;
};

TEST_F(SandboxRunTest, IsRemovedAfterASuccessfulRun) {
  {
    auto sandbox = Sandbox::Create(parent_.path());
    ASSERT_TRUE(sandbox.ok()) << sandbox.status();
    Executor executor(*backend_, ExecutorOptions{});
    EXPECT_TRUE(executor
                    .Run(testing_util::SeedPattern(), **sandbox, 10,
                         [](const RoundTrace&) { return true; })
                    .ok());
  }
  EXPECT_EQ(EntriesIn(parent_.path()), 0u);
}

TEST_F(SandboxRunTest, IsRemovedAfterAFailedRun) {
  Scenario scenario = testing_util::SeedPattern();
  scenario.shared.push_back(SharedHandle{"d0", Cwd("missing"), OpenFlags{}});
  {
    auto sandbox = Sandbox::Create(parent_.path());
    ASSERT_TRUE(sandbox.ok()) << sandbox.status();
    Executor executor(*backend_, ExecutorOptions{});
    const absl::Status status =
        executor.Run(scenario, **sandbox, 10, [](const RoundTrace&) { return true; });
    EXPECT_EQ(status.code(), absl::StatusCode::kFailedPrecondition) << status;
  }
  EXPECT_EQ(EntriesIn(parent_.path()), 0u);
}

TEST_F(SandboxRunTest, IsRemovedAfterARunStoppedByAnInterrupt) {
  uint64_t rounds_seen = 0;
  {
    auto sandbox = Sandbox::Create(parent_.path());
    ASSERT_TRUE(sandbox.ok()) << sandbox.status();
    Executor executor(*backend_, ExecutorOptions{});
    const absl::Status status = executor.Run(
        testing_util::SeedPattern(), **sandbox, 1000, [&](const RoundTrace&) {
          if (++rounds_seen == 3) SetInterruptRequested(true);
          return true;
        });
    EXPECT_TRUE(status.ok()) << status;
  }
  EXPECT_EQ(rounds_seen, 3u);
  EXPECT_EQ(EntriesIn(parent_.path()), 0u);
}

}  // namespace
}  // namespace openrace
