// command_bind.cc — `openrace bind SRC DST`: makes a bind mapping that other
// programs see (on Windows, a global bind-filter mapping), prints it, keeps
// it until Ctrl-C or --time, then removes it. For running something else
// (a build, a second openrace) through a mapping by hand; `run --bind`
// makes one for a campaign alone.

#include <chrono>
#include <cstdio>
#include <thread>

#include "absl/time/clock.h"
#include "harness/base/bind_mapping.h"
#include "harness/cli/commands.h"
#include "harness/base/platform.h"

namespace openrace {

int RunBind(const BindCommand& command) {
  if (absl::Status supported = CheckStandaloneBindSupported();
      !supported.ok()) {
    return UsageError(supported);
  }
  absl::StatusOr<std::unique_ptr<BindMapping>> mapping =
      BindMapping::Create({command.source, command.target});
  if (!mapping.ok()) return UsageError(mapping.status());
  std::printf("openrace: mapped %s; %s removes it\n",
              (*mapping)->Describe().c_str(),
              command.time > absl::ZeroDuration()
                  ? "the end of --time or Ctrl-C"
                  : "Ctrl-C");
  std::fflush(stdout);
  const absl::Time end = command.time > absl::ZeroDuration()
                             ? absl::Now() + command.time
                             : absl::InfiniteFuture();
  // Polls: the Ctrl-C handler only sets a flag (platform.h).
  while (!InterruptRequested() && absl::Now() < end) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  mapping->reset();
  std::printf("openrace: removed the mapping\n");
  return kExitClean;
}

}  // namespace openrace
