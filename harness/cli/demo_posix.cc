// demo_posix.cc — demo.h on Linux: fork, preload the emulator, exec, and
// pass interrupts on to the child.

#if !defined(_WIN32)

#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "harness/cli/commands.h"
#include "harness/cli/demo.h"
#include "harness/cli/emulated_replay.h"
#include "harness/base/file_util.h"
#include "harness/base/platform.h"
#include "harness/base/process.h"

namespace openrace {
namespace {

std::string SelfPath() {
  char buffer[4096];
  const ssize_t n = readlink("/proc/self/exe", buffer, sizeof buffer - 1);
  if (n <= 0) return "";
  return std::string(buffer, static_cast<size_t>(n));
}

std::string Flag(absl::string_view name, absl::Duration d) {
  return absl::StrCat("--", name, "=", absl::FormatDuration(d));
}

// $TMPDIR, or /tmp.
std::string TempDir() {
  const char* tmp = getenv("TMPDIR");
  return tmp != nullptr && *tmp == '/' ? tmp : "/tmp";
}

constexpr char kDemoDirsVariable[] = "OPENRACE_DEMO_DIRS";

void RemoveEmptyDirectories(const std::vector<std::string>& dirs) {
  for (const std::string& dir : dirs) rmdir(dir.c_str());
}

}  // namespace

DemoDirectories::DemoDirectories() {
  const char* dirs = getenv(kDemoDirsVariable);
  if (dirs == nullptr || *dirs == '\0') return;
  dirs_ = absl::StrSplit(dirs, '\n', absl::SkipEmpty());
  const std::vector<std::string> copy = dirs_;
  emergency_ = std::make_unique<EmergencyCleanup>(
      [copy] { RemoveEmptyDirectories(copy); });
}

DemoDirectories::~DemoDirectories() {
  emergency_.reset();
  RemoveEmptyDirectories(dirs_);
}

int RunDemo(const CampaignOptions& options) {
  const std::string library = FindEmulatorLibrary("");
  if (::access(library.c_str(), R_OK) != 0) {
    return UsageError(absl::FailedPreconditionError(absl::StrCat(
        "the demo needs the planted-bug emulator ", library,
        " (build with -DOPENRACE_BUILD_EMULATOR=ON, or name it in "
        "OPENRACE_EMULATOR_LIB)")));
  }
  std::string dir = options.dir;
  bool made_dir = false;
  if (dir.empty()) {
    std::string pattern = TempDir() + "/openrace-demo-XXXXXX";
    if (mkdtemp(pattern.data()) == nullptr) {
      return UsageError(absl::InternalError(
          absl::StrCat("cannot make a demo directory in ", TempDir())));
    }
    dir = pattern;
    made_dir = true;
  }
  dir = AbsolutePath(dir);
  // The bisection's control: a directory outside the emulator's root, where
  // the planted bug cannot fire, as another volume would be.
  std::string control = options.control_dir;
  bool made_control = false;
  if (control.empty()) {
    std::string pattern = TempDir() + "/openrace-demo-control-XXXXXX";
    if (mkdtemp(pattern.data()) == nullptr) {
      return UsageError(absl::InternalError(
          absl::StrCat("cannot make a demo directory in ", TempDir())));
    }
    control = pattern;
    made_control = true;
  }
  const char* p = getenv("OPENRACE_EMULATOR_P");
  const std::string probability = p ? p : "0.01";
  std::fprintf(stderr,
               "openrace demo: planted bug 'held-relative' under %s: a "
               "relative open of a file that another thread holds open "
               "fails with EINVAL with probability %s. Absolute paths never "
               "fail.\n",
               dir.c_str(), probability.c_str());

  // A minute to find it and under a minute to shrink it, unless told.
  const absl::Duration time =
      options.time == absl::Minutes(1) ? absl::Seconds(60) : options.time;
  const absl::Duration minimize =
      std::min(options.minimize_time, absl::Seconds(45));
  std::vector<std::string> args = {
      SelfPath(), "run", "--dir=" + dir, "--out=" + AbsolutePath(options.out),
      "--control_dir=" + AbsolutePath(control),
      Flag("time", time), Flag("minimize_time", minimize),
      absl::StrCat("--seed=", options.seed), "--stop_after=1",
      absl::StrCat("--max_threads=", options.generator.max_threads),
      absl::StrCat("--max_ops=", options.generator.max_ops_per_thread),
      // Creates and deletes rebuild the tree every round; the planted bug
      // needs none of them, so the demo leaves them out to go faster.
      "--nomutations"};
  if (options.scenarios) {
    args.push_back(absl::StrCat("--scenarios=", options.scenarios));
  }
  if (!options.minimize) args.push_back("--nominimize");

  std::vector<std::string> made;
  if (made_dir) made.push_back(dir);
  if (made_control) made.push_back(control);
  const std::string made_list = absl::StrJoin(made, "\n");

  const pid_t parent = getpid();
  const pid_t child = fork();
  if (child < 0) return UsageError(absl::InternalError("fork failed"));
  if (child == 0) {
    // Its own process group: a terminal's Ctrl-C reaches the parent only,
    // which passes it on once (both at once would be a second interrupt).
    setpgid(0, 0);
    // Killed with the parent, it gets an interrupt and cleans up.
    prctl(PR_SET_PDEATHSIG, SIGTERM);
    if (getppid() != parent) _exit(kExitInterrupted);
    setenv(kDemoDirsVariable, made_list.c_str(), 1);
    setenv("LD_PRELOAD", library.c_str(), 1);
    setenv("OPENRACE_EMULATOR_ROOT", dir.c_str(), 1);
    setenv("OPENRACE_EMULATOR_P", probability.c_str(), 1);
    setenv("OPENRACE_EMULATOR_RULES", "held-relative", 0);
    // The report's bug: paths relative to the current directory.
    setenv("OPENRACE_EMULATOR_ANCHORS", "cwd", 0);
    std::vector<char*> argv;
    for (std::string& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    execv(argv[0], argv.data());
    std::perror("openrace demo: exec");
    _exit(kExitUsage);
  }
  // A second interrupt ends this process at once: the child gets it too,
  // which makes it remove its sandbox and end; it is given a moment.
  EmergencyCleanup stop_child([child, made] {
    StopChildrenNow({child}, absl::Seconds(3));
    RemoveEmptyDirectories(made);
  });
  int status = 0;
  bool passed_on = false;
  for (;;) {
    const pid_t done = waitpid(child, &status, WNOHANG);
    if (done == child) break;
    if (done < 0 && errno != EINTR) {
      status = 0;
      break;
    }
    if (InterruptRequested() && !passed_on) {
      kill(child, SIGTERM);
      passed_on = true;
    }
    absl::SleepFor(absl::Milliseconds(20));
  }
  RemoveEmptyDirectories(made);
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  if (WIFSIGNALED(status) && passed_on) return kExitInterrupted;
  return kExitUsage;
}

}  // namespace openrace

#endif  // !defined(_WIN32)
