// demo_windows.cc — demo.h on Windows: the planted-bug emulator is an
// LD_PRELOAD library, so the demo is Linux only; say so and exit 2.

#if defined(_WIN32)

#include "absl/status/status.h"
#include "harness/cli/commands.h"
#include "harness/cli/demo.h"

namespace openrace {

int RunDemo(const CampaignOptions&) {
  return UsageError(absl::FailedPreconditionError(
      "--demo needs the planted-bug emulator, an LD_PRELOAD library: it runs "
      "on Linux only. On Windows, run against a real volume: openrace run "
      "--dir DIR"));
}

DemoDirectories::DemoDirectories() = default;
DemoDirectories::~DemoDirectories() = default;

}  // namespace openrace

#endif  // defined(_WIN32)
