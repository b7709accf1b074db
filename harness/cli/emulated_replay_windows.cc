// emulated_replay_windows.cc — emulated_replay.h on Windows: the
// planted-bug emulator is an LD_PRELOAD library, Linux only; say so.

#if defined(_WIN32)

#include "harness/cli/emulated_replay.h"

namespace openrace {

std::string FindEmulatorLibrary(const std::string& given) { return given; }

absl::Status CheckEmulatorLibrary(const std::string&) {
  return absl::FailedPreconditionError(
      "the planted-bug emulator is an LD_PRELOAD library: it runs on Linux "
      "only");
}

absl::StatusOr<ChildOutput> RunUnderEmulator(
    const std::vector<std::string>&, const std::string&,
    const std::vector<std::pair<std::string, std::string>>&) {
  return CheckEmulatorLibrary("");
}

}  // namespace openrace

#endif  // defined(_WIN32)
