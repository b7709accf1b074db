// emulated_replay_posix.cc — emulated_replay.h on Linux: fork, set the
// environment, exec; the child's stdout through a pipe.

#if !defined(_WIN32)

#include "harness/cli/emulated_replay.h"

#include <errno.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>

#include "absl/strings/str_cat.h"
#include "harness/base/process.h"

// The installed library directory relative to the installed executable's
// (CMake's CMAKE_INSTALL_LIBDIR from CMAKE_INSTALL_BINDIR).
#ifndef OPENRACE_RELATIVE_LIBDIR
#define OPENRACE_RELATIVE_LIBDIR "../lib"
#endif

namespace openrace {

std::string FindEmulatorLibrary(const std::string& given) {
  if (!given.empty()) return given;
  if (const char* lib = getenv("OPENRACE_EMULATOR_LIB"); lib && *lib) {
    return lib;
  }
  const std::string self = SelfExecutablePath();
  const std::string bindir = self.substr(0, self.rfind('/') + 1);
  const std::string beside = bindir + "libopenrace_emulator.so";
  const std::string installed =
      bindir + OPENRACE_RELATIVE_LIBDIR "/libopenrace_emulator.so";
  if (::access(beside.c_str(), R_OK) == 0) return beside;
  if (::access(installed.c_str(), R_OK) == 0) return installed;
  return beside;
}

absl::Status CheckEmulatorLibrary(const std::string& library) {
  if (::access(library.c_str(), R_OK) != 0) {
    return absl::FailedPreconditionError(absl::StrCat(
        "the planted-bug emulator ", library,
        " is not there (build with -DOPENRACE_BUILD_EMULATOR=ON, or name it "
        "with --emulator PATH or OPENRACE_EMULATOR_LIB)"));
  }
  return absl::OkStatus();
}

absl::StatusOr<ChildOutput> RunUnderEmulator(
    const std::vector<std::string>& argv, const std::string& library,
    const std::vector<std::pair<std::string, std::string>>& env) {
  int pipe_fds[2];
  if (pipe(pipe_fds) != 0) return absl::InternalError("pipe failed");
  std::fflush(stdout);
  const pid_t child = fork();
  if (child < 0) {
    close(pipe_fds[0]);
    close(pipe_fds[1]);
    return absl::InternalError("fork failed");
  }
  if (child == 0) {
    dup2(pipe_fds[1], STDOUT_FILENO);
    close(pipe_fds[0]);
    close(pipe_fds[1]);
    setenv("LD_PRELOAD", library.c_str(), 1);
    for (const auto& [name, value] : env) setenv(name.c_str(), value.c_str(), 1);
    std::vector<std::string> args = argv;
    std::vector<char*> pointers;
    for (std::string& a : args) pointers.push_back(a.data());
    pointers.push_back(nullptr);
    execv(pointers[0], pointers.data());
    std::perror("openrace: exec");
    _exit(2);
  }
  close(pipe_fds[1]);
  ChildOutput output;
  char buffer[65536];
  for (;;) {
    const ssize_t n = read(pipe_fds[0], buffer, sizeof buffer);
    if (n > 0) {
      output.out.append(buffer, static_cast<size_t>(n));
    } else if (n == 0 || errno != EINTR) {
      break;
    }
  }
  close(pipe_fds[0]);
  int status = 0;
  while (waitpid(child, &status, 0) < 0 && errno == EINTR) {
  }
  if (WIFSIGNALED(status)) {
    return absl::InternalError(absl::StrCat(
        argv[0], " under the emulator was killed by signal ", WTERMSIG(status)));
  }
  output.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 2;
  return output;
}

}  // namespace openrace

#endif  // !defined(_WIN32)
