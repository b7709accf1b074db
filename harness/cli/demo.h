// demo.h — `openrace run --demo`: a short campaign against a planted bug.
//
// The demo runs `openrace run` again in a child process with the planted-bug
// emulator (emulator/emulator.c) preloaded and rooted at the campaign's
// directory, so the child finds, minimizes and reports the seed bug — a
// relative open of a file another thread holds fails with EINVAL — as it
// would a real one. Linux only: elsewhere it says so and exits 2.

#ifndef OPENRACE_HARNESS_CLI_DEMO_H_
#define OPENRACE_HARNESS_CLI_DEMO_H_

#include <memory>
#include <string>
#include <vector>

#include "harness/base/platform.h"
#include "harness/campaign/campaign.h"

namespace openrace {

// Returns the child's exit status (1 when it found the planted bug).
//
// The child never outlives the demo: it is in a process group of its own
// and asks for PR_SET_PDEATHSIG = SIGTERM, so a parent killed with
// SIGKILL leaves it an interrupt and it unwinds and cleans up; an
// interrupt of the parent (SIGINT, SIGTERM, SIGHUP) is passed on to it at
// once, and a second one too. The temporary directories the demo made are
// removed by whichever of the two ends last (OPENRACE_DEMO_DIRS tells the
// child their names; see DemoDirectories).
int RunDemo(const CampaignOptions& options);

// In `openrace run`: when OPENRACE_DEMO_DIRS names directories (the demo's
// child), removes them, if empty, when this object is destroyed or on a
// second interrupt. Nothing otherwise, and nothing on Windows.
class DemoDirectories {
 public:
  DemoDirectories();
  ~DemoDirectories();
  DemoDirectories(const DemoDirectories&) = delete;
  DemoDirectories& operator=(const DemoDirectories&) = delete;

 private:
  std::vector<std::string> dirs_;
  std::unique_ptr<EmergencyCleanup> emergency_;
};

}  // namespace openrace

#endif  // OPENRACE_HARNESS_CLI_DEMO_H_
