// campaign.h — `openrace run`: generate scenarios, run them, and turn every
// new bug into a finding directory.
//
// The loop reads top-down: RunCampaign -> RunOneScenario -> HandleFinding
// -> Explain.
// Scenario i is generated from a generator seeded with (seed, i), so a
// campaign is reproducible and a finding names the index that made it.
// Each new signature is written at once (found.scn), then minimized,
// emitted as C, drawn as a timeline, bisected (with a control directory on
// another volume when given) and reported, each file as soon as it is
// ready; a known signature only adds to its count.
//
// Example:
//   CampaignOptions options;
//   options.dir = "/tmp/x";
//   options.out = "findings";
//   options.time = absl::Seconds(30);
//   absl::StatusOr<CampaignResult> result = RunCampaign(options);

#ifndef OPENRACE_HARNESS_CAMPAIGN_H_
#define OPENRACE_HARNESS_CAMPAIGN_H_

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "harness/generator.h"

namespace openrace {

struct CampaignProgress {
  absl::Duration elapsed;
  uint64_t scenarios = 0;
  uint64_t calls = 0;
  uint64_t findings = 0;  // distinct signatures, this run and resumed
  std::string activity;   // "fuzzing", "minimizing <signature>"
};

struct CampaignOptions {
  std::string dir;          // the sandbox is made under it
  std::string out = "openrace-out";
  std::string backend;      // empty: the platform's default
  std::string control_dir;  // another volume, for the bisection's control
  absl::Duration time = absl::ZeroDuration();  // zero: no time limit
  uint64_t scenarios = 0;   // zero: no count limit
  uint64_t seed = 1;
  uint64_t stop_after_new = 0;  // stop after this many new signatures
  bool minimize = true;
  absl::Duration minimize_time = absl::Minutes(5);
  absl::Duration watchdog = absl::Seconds(10);
  GeneratorOptions generator;
  // Called about twice a second, and once at the end.
  std::function<void(const CampaignProgress&)> progress;
  // Called with each event line (a new finding, a minimizer step).
  std::function<void(const std::string&)> log;
};

struct CampaignResult {
  uint64_t scenarios = 0;
  uint64_t rounds = 0;
  uint64_t calls = 0;
  absl::Duration elapsed;
  bool interrupted = false;
  uint64_t finding_events = 0;  // scenarios x signatures that failed
  std::vector<std::string> new_signatures;     // found by this run
  std::map<std::string, uint64_t> occurrences;  // every signature in OUT
};

// Fails (with one clear line) when the directory, the backend or OUT is
// unusable; a finding never makes it fail.
absl::StatusOr<CampaignResult> RunCampaign(const CampaignOptions& options);

// The seed of scenario `index` in a campaign seeded with `seed`.
uint64_t ScenarioSeed(uint64_t seed, uint64_t index);

}  // namespace openrace

#endif  // OPENRACE_HARNESS_CAMPAIGN_H_
