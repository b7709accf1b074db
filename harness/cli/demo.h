// demo.h — `openrace run --demo`: a short campaign against a planted bug.
//
// The demo runs `openrace run` again in a child process with the planted-bug
// emulator (emulator/emulator.c) preloaded and rooted at the campaign's
// directory, so the child finds, minimizes and reports the seed bug — a
// relative open of a file another thread holds fails with EINVAL — as it
// would a real one. Linux only: elsewhere it says so and exits 2.

#ifndef OPENRACE_HARNESS_CLI_DEMO_H_
#define OPENRACE_HARNESS_CLI_DEMO_H_

#include "harness/campaign/campaign.h"

namespace openrace {

// Returns the child's exit status (1 when it found the planted bug).
int RunDemo(const CampaignOptions& options);

}  // namespace openrace

#endif  // OPENRACE_HARNESS_CLI_DEMO_H_
