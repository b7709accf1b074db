// Tests of sandbox.cc: creation, cleanup on every exit path, and a clear
// that never follows a link out of the sandbox.

#include "harness/run/sandbox.h"

#include <fcntl.h>
#include <limits.h>
#include <sys/file.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <memory>
#include <string>

#include "absl/strings/match.h"
#include "absl/strings/str_format.h"
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

TEST(SandboxTest, ListShowsEveryEntryByPathParentsFirstWithoutFollowingLinks) {
  ScratchDir parent;
  auto sandbox = Sandbox::Create(parent.path());
  ASSERT_TRUE(sandbox.ok()) << sandbox.status();
  ASSERT_TRUE((*sandbox)
                  ->Build({Dir("b"), Dir("b/c"), File("b/c/f"), File("a"),
                           Dir("b-d"), File("b/e")})
                  .ok());
  // A link to a directory outside is listed as what it is, not walked.
  ASSERT_EQ(symlink(parent.path().c_str(),
                    ((*sandbox)->root() + "/b/link").c_str()),
            0);
  std::vector<TreeEntry> tree = {File("stale")};
  ASSERT_TRUE((*sandbox)->List(&tree).ok());
  EXPECT_EQ(tree, (std::vector<TreeEntry>{File("a"), Dir("b"), Dir("b-d"),
                                          Dir("b/c"), File("b/c/f"),
                                          File("b/e"), File("b/link")}));
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

// Lowers the soft limit on open descriptors for its lifetime.
class DescriptorLimit {
 public:
  explicit DescriptorLimit(rlim_t limit) {
    getrlimit(RLIMIT_NOFILE, &saved_);
    struct rlimit lowered = saved_;
    lowered.rlim_cur = limit;
    ok_ = setrlimit(RLIMIT_NOFILE, &lowered) == 0;
  }
  ~DescriptorLimit() { setrlimit(RLIMIT_NOFILE, &saved_); }
  bool ok() const { return ok_; }

 private:
  struct rlimit saved_;
  bool ok_ = false;
};

// A chain of `depth` directories under `root`, each holding a file, made
// one level at a time (one descriptor at a time).
void MakeDeepTree(const std::string& root, int depth) {
  int dir = open(root.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  ASSERT_GE(dir, 0);
  for (int i = 0; i < depth; ++i) {
    const int file = openat(dir, "f", O_CREAT | O_WRONLY | O_CLOEXEC, 0644);
    ASSERT_GE(file, 0) << "level " << i;
    close(file);
    ASSERT_EQ(mkdirat(dir, "d", 0755), 0) << "level " << i;
    const int next = openat(dir, "d", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    ASSERT_GE(next, 0) << "level " << i;
    close(dir);
    dir = next;
  }
  close(dir);
}

TEST(SandboxRemovalTest, ADeepTreeIsRemovedWithFewDescriptors) {
  ScratchDir parent;
  auto sandbox = Sandbox::Create(parent.path());
  ASSERT_TRUE(sandbox.ok()) << sandbox.status();
  MakeDeepTree((*sandbox)->root(), 1100);
  {
    // Recursion with a descriptor per level would need 1,100.
    DescriptorLimit limit(64);
    ASSERT_TRUE(limit.ok());
    const absl::Status removed = (*sandbox)->Remove();
    EXPECT_TRUE(removed.ok()) << removed;
  }
  EXPECT_EQ(EntriesIn(parent.path()), 0u);
}

TEST(SandboxRemovalTest, ClearEmptiesADeepTreeWithFewDescriptors) {
  ScratchDir parent;
  auto sandbox = Sandbox::Create(parent.path());
  ASSERT_TRUE(sandbox.ok()) << sandbox.status();
  MakeDeepTree((*sandbox)->root(), 1100);
  {
    DescriptorLimit limit(64);
    ASSERT_TRUE(limit.ok());
    const absl::Status cleared = (*sandbox)->Clear();
    EXPECT_TRUE(cleared.ok()) << cleared;
  }
  EXPECT_EQ(EntriesIn((*sandbox)->root()), 0u);
}

TEST(SandboxRemovalTest, AFailedRemovalIsReported) {
  if (geteuid() == 0) {
    GTEST_SKIP() << "running as root, which may remove from any directory";
  }
  ScratchDir parent;
  auto sandbox = Sandbox::Create(parent.path());
  ASSERT_TRUE(sandbox.ok()) << sandbox.status();
  const std::string locked = (*sandbox)->root() + "/locked";
  ASSERT_EQ(mkdir(locked.c_str(), 0755), 0);
  ASSERT_TRUE(std::ofstream(locked + "/f").good());
  ASSERT_EQ(chmod(locked.c_str(), 0555), 0);
  const absl::Status removed = (*sandbox)->Remove();
  chmod(locked.c_str(), 0755);
  EXPECT_FALSE(removed.ok());
  EXPECT_TRUE(absl::StrContains(removed.message(), "locked/f")) << removed;
}

TEST(SandboxRemovalTest, TheEmergencyCleanupRemovesTheSandbox) {
  ScratchDir parent;
  auto sandbox = Sandbox::Create(parent.path());
  ASSERT_TRUE(sandbox.ok()) << sandbox.status();
  ASSERT_TRUE((*sandbox)->Build({Dir("a"), Dir("a/b"), File("a/b/c")}).ok());
  // What a second interrupt runs before the process ends.
  RunEmergencyCleanups();
  EXPECT_EQ(EntriesIn(parent.path()), 0u);
  EXPECT_TRUE((*sandbox)->Remove().ok());
}

TEST(SandboxNameTest, OnlyTheExactPatternNamesAnOwner) {
  EXPECT_EQ(SandboxOwnerPid("openrace-123-0a9fbc"), 123);
  EXPECT_EQ(SandboxOwnerPid("openrace-4194304-000000"), 4194304);
  for (const char* name :
       {"openrace-123-0A9FBC", "openrace-123-0a9fb", "openrace-123-0a9fbcd",
        "openrace--0a9fbc", "openrace-x12-0a9fbc", "openrace-0-0a9fbc",
        "openrace-123-0a9fbg", "openrace-123_0a9fbc", "xopenrace-123-0a9fbc",
        "openrace-12345678901-0a9fbc", "openrace-test-0a9fbc",
        "openrace-demo-control-0a9fbc", "openrace-123-0a9fbc/"}) {
    EXPECT_FALSE(SandboxOwnerPid(name).has_value()) << name;
  }
}

// The pid of a process that has ended (and been reaped).
pid_t DeadPid() {
  const pid_t child = fork();
  if (child == 0) _exit(0);
  int status = 0;
  waitpid(child, &status, 0);
  return child;
}

class SweepTest : public ::testing::Test {
 protected:
  std::string Make(const std::string& name) {
    const std::string path = parent_.path() + "/" + name;
    EXPECT_EQ(mkdir(path.c_str(), 0700), 0) << path;
    EXPECT_EQ(mkdir((path + "/sub").c_str(), 0700), 0) << path;
    EXPECT_TRUE(std::ofstream(path + "/sub/file").good());
    return path;
  }
  ScratchDir parent_;
  ScratchDir outside_;
};

TEST_F(SweepTest, RemovesOnlyTheSandboxesOfProcessesThatAreGone) {
  const pid_t dead = DeadPid();
  const std::string stale = Make(absl::StrFormat("openrace-%d-00beef", dead));
  const std::string stale2 = Make(absl::StrFormat("openrace-%d-abc123", dead));
  const std::string mine = Make(absl::StrFormat("openrace-%d-00beef", getpid()));
  const std::string init = Make("openrace-1-00beef");  // pid 1 runs
  const std::string upper = Make(absl::StrFormat("openrace-%d-00BEEF", dead));
  const std::string other = Make(absl::StrFormat("openrace-%d-00beef-x", dead));
  // A link with a sandbox's name, to a directory outside: never entered.
  ASSERT_TRUE(std::ofstream(outside_.path() + "/keep").good());
  const std::string link = parent_.path() + absl::StrFormat("/openrace-%d-0000aa", dead);
  ASSERT_EQ(symlink(outside_.path().c_str(), link.c_str()), 0);

  absl::StatusOr<SweepResult> swept = SweepStaleSandboxes(parent_.path());
  ASSERT_TRUE(swept.ok()) << swept.status();
  EXPECT_EQ(swept->removed, 2u);
  EXPECT_TRUE(swept->failures.empty());
  EXPECT_FALSE(Exists(stale));
  EXPECT_FALSE(Exists(stale2));
  for (const std::string& kept : {mine, init, upper, other, link}) {
    EXPECT_TRUE(Exists(kept)) << kept;
  }
  EXPECT_TRUE(Exists(outside_.path() + "/keep"));
}

TEST_F(SweepTest, ASandboxLockedByALiveProcessIsKept) {
  // Its owner's pid means nothing here (another pid namespace), but it
  // holds its sandbox locked, as Sandbox::Create does.
  const std::string path = Make(absl::StrFormat("openrace-%d-00beef", DeadPid()));
  const int fd = open(path.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  ASSERT_GE(fd, 0);
  ASSERT_EQ(flock(fd, LOCK_EX | LOCK_NB), 0);
  absl::StatusOr<SweepResult> swept = SweepStaleSandboxes(parent_.path());
  close(fd);
  ASSERT_TRUE(swept.ok()) << swept.status();
  EXPECT_EQ(swept->removed, 0u);
  EXPECT_TRUE(Exists(path + "/sub/file"));
}

TEST_F(SweepTest, ALiveSandboxOfThisProcessIsKept) {
  auto sandbox = Sandbox::Create(parent_.path());
  ASSERT_TRUE(sandbox.ok()) << sandbox.status();
  absl::StatusOr<SweepResult> swept = SweepStaleSandboxes(parent_.path());
  ASSERT_TRUE(swept.ok()) << swept.status();
  EXPECT_EQ(swept->removed, 0u);
  EXPECT_TRUE(Exists((*sandbox)->root()));
}

TEST_F(SweepTest, AMissingParentIsAnError) {
  EXPECT_FALSE(SweepStaleSandboxes(parent_.path() + "/missing").ok());
}


// A reset that fails (here the hook stands for EIO from the file system)
// says so; Renew keeps the broken tree aside under a name the sweep leaves
// alone and gives a fresh, working sandbox.
TEST(SandboxTest, ABrokenSandboxIsMovedAsideAndRenewed) {
  ScratchDir scratch;
  absl::StatusOr<std::unique_ptr<Sandbox>> sandbox = Sandbox::Create(scratch.path());
  ASSERT_TRUE(sandbox.ok()) << sandbox.status();
  Sandbox& box = **sandbox;
  const std::vector<TreeEntry> tree = {{EntryKind::kDirectory, "src"},
                                       {EntryKind::kFile, "src/x"}};
  ASSERT_TRUE(box.Build(tree).ok());
  int resets = 0;
  box.set_reset_fault_for_testing([&]() -> absl::Status {
    if (++resets > 2) {
      return absl::FailedPreconditionError("remove src/x: Input/output error (EIO)");
    }
    return absl::OkStatus();
  });
  EXPECT_TRUE(box.Clear().ok());
  ASSERT_TRUE(box.Build(tree).ok());  // the third reset fails
  EXPECT_FALSE(IsSandboxResetError(absl::OkStatus()));
  const absl::Status broken = box.Remove(std::vector<std::string>{"src/x"});
  ASSERT_FALSE(broken.ok());
  EXPECT_TRUE(IsSandboxResetError(broken)) << broken;
  const std::string old_root = box.root();
  absl::StatusOr<std::string> kept = box.Renew();
  ASSERT_TRUE(kept.ok()) << kept.status();
  EXPECT_EQ(*kept, absl::StrFormat("%s/openrace-broken-%d-1",
                                   fs::canonical(scratch.path()).string(), getpid()));
  EXPECT_FALSE(fs::exists(old_root));
  EXPECT_TRUE(fs::exists(*kept + "/src"));  // nothing of it removed
  EXPECT_NE(box.root(), old_root);
  EXPECT_TRUE(fs::is_directory(box.root()));
  EXPECT_EQ(fs::current_path(), fs::path(box.root()));
  box.set_reset_fault_for_testing(nullptr);
  EXPECT_TRUE(box.Build(tree).ok());
  // The sweep never takes the broken one.
  absl::StatusOr<SweepResult> swept = SweepStaleSandboxes(scratch.path());
  ASSERT_TRUE(swept.ok());
  EXPECT_TRUE(fs::exists(*kept + "/src"));
  EXPECT_TRUE(box.Remove().ok());
  EXPECT_TRUE(fs::exists(*kept));
  fs::remove_all(*kept);
}

}  // namespace
}  // namespace openrace
