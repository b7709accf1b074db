// command_minimize.cc — `openrace minimize FILE`: shrink a failing scenario
// and write minimized.scn and stats.json.

#include <cstdio>

#include "absl/strings/str_cat.h"
#include "harness/run/backend.h"
#include "harness/cli/commands.h"
#include "absl/time/clock.h"
#include "harness/base/file_util.h"
#include "harness/base/provenance.h"
#include "harness/repro/minimizer.h"
#include "harness/report/report.h"
#include "harness/run/sandbox.h"
#include "harness/scenario/scenario_text.h"
#include "harness/judge/trial.h"

namespace openrace {
namespace {

std::string Dirname(const std::string& path) {
  const size_t slash = path.find_last_of("/\\");
  return slash == std::string::npos ? "." : path.substr(0, slash);
}

}  // namespace

int RunMinimize(const MinimizeCommand& command) {
  if (command.dir.empty()) {
    return UsageError(MissingDir("minimize"));
  }
  absl::StatusOr<Scenario> scenario = LoadScenario(command.file);
  if (!scenario.ok()) return UsageError(scenario.status());
  absl::StatusOr<absl::optional<Signature>> wanted_flag =
      ParseSignatureFlag(command.signature);
  if (!wanted_flag.ok()) return UsageError(wanted_flag.status());
  const absl::optional<Signature> wanted = *wanted_flag;
  const std::string out = command.out.empty()
                              ? Dirname(command.file) + "/minimized.scn"
                              : command.out;
  const std::string stats_path = Dirname(out) + "/stats.json";
  absl::StatusOr<std::unique_ptr<Backend>> backend = MakeBackend(
      command.backend.empty() ? DefaultBackendName() : command.backend);
  if (!backend.ok()) return UsageError(backend.status());
  // Output paths are resolved before the sandbox becomes the current
  // directory.
  absl::Status writable = MakeDirectories(Dirname(out));
  if (!writable.ok()) return UsageError(writable);
  const std::string out_abs = AbsolutePath(out);
  const std::string stats_abs = AbsolutePath(stats_path);
  SweepBeforeRun(command.dir);
  absl::StatusOr<std::unique_ptr<Sandbox>> sandbox =
      Sandbox::Create(command.dir);
  if (!sandbox.ok()) return UsageError(sandbox.status());
  RealProber prober(**backend, **sandbox, SemanticsOf(**backend), {});

  // Which bug to keep: the one named, or the first the scenario shows.
  const uint64_t search_rounds =
      command.search_rounds ? command.search_rounds : 20 * scenario->rounds;
  absl::StatusOr<TrialResult> first =
      prober.Run(*scenario, wanted, search_rounds, 1);
  if (!first.ok()) return UsageError(first.status());
  if (first->failures == 0) {
    std::fprintf(stderr,
                 "openrace: %s shows no finding%s in %llu rounds; nothing to "
                 "minimize\n",
                 command.file.c_str(),
                 wanted ? (" " + wanted->ToString()).c_str() : "",
                 static_cast<unsigned long long>(first->rounds));
    return kExitClean;
  }
  const Signature signature = wanted ? *wanted : first->first[0].signature;
  std::fprintf(stderr, "minimizing %s\n", signature.ToString().c_str());

  MinimizeOptions options;
  options.budget = command.time;
  // No trial outlives the budget (minimizer.h).
  prober.set_deadline(absl::Now() + command.time);
  options.log = [](const std::string& line) {
    std::fprintf(stderr, "  %s\n", line.c_str());
  };
  absl::StatusOr<MinimizeResult> result =
      Minimize(*scenario, signature, prober, options);
  if (!result.ok()) return UsageError(result.status());

  FindingSummary summary;
  summary.signature = signature;
  summary.found = *scenario;
  summary.found_thread = first->first[0].thread;
  summary.found_op = first->first[0].op;
  summary.RecordMinimized(*result);
  summary.backend = std::string((*backend)->name());
  summary.provenance.version = OpenraceVersion();
  summary.provenance.command = CommandLineText();
  const EmulatorInfo emulator = DetectEmulator();
  summary.provenance.emulator = emulator.loaded;
  summary.provenance.emulator_settings = emulator.settings;
  absl::Status status = WriteFileAtomically(
      out_abs, absl::StrCat("# minimized: ", signature.ToString(), "\n",
                            PrintScenario(result->scenario)));
  if (status.ok()) {
    status = WriteFileAtomically(stats_abs, StatsJson(summary));
  }
  // The second symptom's scenario: what ran last before the sandbox could
  // no longer be reset the first time.
  const std::string break_abs = Dirname(out_abs) + "/sandbox-break.scn";
  if (status.ok() && !result->sandbox_breaks.empty()) {
    const SandboxBreak& first_break = result->sandbox_breaks.front();
    status = WriteFileAtomically(
        break_abs,
        absl::StrCat("# after ", first_break.rounds, " round(s) of this "
                     "scenario the sandbox could no longer be reset: ",
                     first_break.error, "\n",
                     PrintScenario(first_break.scenario)));
  }
  if (!status.ok()) return UsageError(status);
  std::printf("%s\n%s\n", out_abs.c_str(), stats_abs.c_str());
  if (!result->sandbox_breaks.empty()) std::printf("%s\n", break_abs.c_str());
  if (!result->unusable.empty()) {
    // What was found is written; the file system cannot judge more.
    return UsageError(absl::FailedPreconditionError(absl::StrCat(
        "the file system under test became unusable: ", result->unusable,
        "; ", out_abs, " is the best scenario so far (partial)")));
  }
  return kExitFound;
}

}  // namespace openrace
