// emulated_replay.h — running `openrace` again with the planted-bug
// emulator (emulator/emulator.c) preloaded, for `replay --check` (an
// expectation `finding SIG under emulator rule R`) and `run --demo`.
//
// The emulator reads its configuration once, when it loads, so a replay
// under it is a child process: this executable, with LD_PRELOAD naming the
// emulator and the emulator's variables set. Linux only; on Windows both
// functions say so (emulated_replay_windows.cc).
//
// Example:
//   absl::StatusOr<ChildOutput> out = RunUnderEmulator(
//       {SelfExecutablePath(), "replay", "/abs/x.scn", "--dir=/abs/d", "--json"},
//       FindEmulatorLibrary(""), {{"OPENRACE_EMULATOR_ROOT", "/abs/d"}});

#ifndef OPENRACE_HARNESS_CLI_EMULATED_REPLAY_H_
#define OPENRACE_HARNESS_CLI_EMULATED_REPLAY_H_

#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"

namespace openrace {

// The emulator library: `given` when not empty; else OPENRACE_EMULATOR_LIB;
// else libopenrace_emulator.so beside this executable (the build tree) or
// in the library directory of its installation (bin/../lib). The first that
// exists; `given` (or the build-tree path) when none does.
std::string FindEmulatorLibrary(const std::string& given);

// Whether `library` is a readable file (and the platform can preload it).
absl::Status CheckEmulatorLibrary(const std::string& library);

struct ChildOutput {
  int exit_code = 0;  // a signal is reported as an error instead
  std::string out;    // its stdout; its stderr goes to ours
};

// Runs argv (argv[0] a path) with `library` preloaded and `env` set over
// our environment, and waits for it.
absl::StatusOr<ChildOutput> RunUnderEmulator(
    const std::vector<std::string>& argv, const std::string& library,
    const std::vector<std::pair<std::string, std::string>>& env);

}  // namespace openrace

#endif  // OPENRACE_HARNESS_CLI_EMULATED_REPLAY_H_
