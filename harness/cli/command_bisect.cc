// command_bisect.cc — `openrace bisect FILE --dir DIR`: what a finding is
// and is not. Measures the failure rate of the scenario as found and of its
// variations (bisect.h) and prints the table, Markdown or --json, on
// stdout; progress and the first failing round's timeline go to stderr.

#include <cstdio>
#include <memory>

#include "absl/strings/str_cat.h"
#include "harness/run/backend.h"
#include "harness/repro/bisect.h"
#include "harness/cli/commands.h"
#include "harness/base/json.h"
#include "harness/run/sandbox.h"
#include "harness/scenario/scenario_text.h"
#include "harness/repro/stats.h"
#include "harness/report/timeline.h"
#include "harness/judge/trial.h"

namespace openrace {
namespace {

std::string BisectJson(const BisectCommand& command, const Signature& signature,
                       const std::string& backend, const Scenario& scenario,
                       const Finding& where,
                       const std::vector<BisectRow>& rows) {
  JsonWriter json;
  json.BeginDocument();
  json.Key("file").String(command.file);
  json.Key("signature").String(signature.ToString());
  json.Key("backend").String(backend);
  json.Key("failing").BeginObject();
  json.Key("thread").Number(static_cast<uint64_t>(where.thread + 1));
  json.Key("op").Number(static_cast<uint64_t>(where.op + 1));
  json.Key("call").String(
      PrintOp(scenario.threads[where.thread].ops[where.op]));
  json.EndObject();
  json.Key("bisect").BeginArray();
  for (const BisectRow& row : rows) {
    const RateInterval ci = WilsonInterval(row.failures, row.rounds);
    json.BeginObject();
    json.Key("variation").String(row.variation);
    json.Key("failures").Number(row.failures);
    json.Key("rounds").Number(row.rounds);
    json.Key("rate").Double(row.rounds ? double(row.failures) / row.rounds : 0);
    json.Key("low").Double(ci.low);
    json.Key("high").Double(ci.high);
    json.EndObject();
  }
  json.EndArray();
  json.EndObject();
  return json.Take();
}

}  // namespace

int RunBisect(const BisectCommand& command) {
  if (command.dir.empty()) {
    return UsageError(MissingDir("bisect"));
  }
  absl::StatusOr<Scenario> scenario = LoadScenario(command.file);
  if (!scenario.ok()) return UsageError(scenario.status());
  absl::StatusOr<absl::optional<Signature>> wanted_flag =
      ParseSignatureFlag(command.signature);
  if (!wanted_flag.ok()) return UsageError(wanted_flag.status());
  const absl::optional<Signature> wanted = *wanted_flag;
  absl::StatusOr<std::unique_ptr<Backend>> backend = MakeBackend(
      command.backend.empty() ? DefaultBackendName() : command.backend);
  if (!backend.ok()) return UsageError(backend.status());
  const std::string backend_name((*backend)->name());

  // Each sandbox makes itself the current directory; each prober changes
  // into its own for every trial, so the order does not matter.
  SweepBeforeRun(command.dir);
  if (command.control_dir != command.dir) SweepBeforeRun(command.control_dir);
  std::unique_ptr<Sandbox> control_sandbox;
  if (!command.control_dir.empty()) {
    absl::StatusOr<std::unique_ptr<Sandbox>> made =
        Sandbox::Create(command.control_dir);
    if (!made.ok()) {
      return UsageError(absl::Status(
          made.status().code(),
          absl::StrCat("--control-dir: ", made.status().message())));
    }
    control_sandbox = *std::move(made);
  }
  absl::StatusOr<std::unique_ptr<Sandbox>> sandbox =
      Sandbox::Create(command.dir);
  if (!sandbox.ok()) return UsageError(sandbox.status());

  const ExecutorOptions executor{command.watchdog, true};
  const Semantics semantics = SemanticsOf(**backend);
  RealProber main_real(**backend, **sandbox, semantics, executor);
  CurrentDirectoryProber main(main_real, (*sandbox)->root());
  std::unique_ptr<RealProber> control_real;
  std::unique_ptr<CurrentDirectoryProber> control;
  if (control_sandbox) {
    control_real = std::make_unique<RealProber>(**backend, *control_sandbox,
                                                semantics, executor);
    control = std::make_unique<CurrentDirectoryProber>(*control_real,
                                                       control_sandbox->root());
  }

  // Which bug: the one named, or the first the scenario shows.
  const uint64_t search_rounds =
      command.search_rounds ? command.search_rounds : 20 * scenario->rounds;
  absl::StatusOr<FirstFailure> first =
      FindFirstFailure(*scenario, wanted, main, search_rounds);
  if (!first.ok()) {
    if (first.status().code() != absl::StatusCode::kNotFound) {
      return UsageError(first.status());
    }
    std::fprintf(stderr, "openrace: %s: %s; nothing to bisect\n",
                 command.file.c_str(),
                 std::string(first.status().message()).c_str());
    return kExitClean;
  }
  const Finding& where = first->where;
  const Signature signature = where.signature;
  std::fprintf(stderr, "bisecting %s: thread %zu op %zu: %s\n",
               signature.ToString().c_str(), where.thread + 1, where.op + 1,
               PrintOp(scenario->threads[where.thread].ops[where.op]).c_str());
  if (!command.json) {
    std::fprintf(
        stderr, "the first failing round:\n%s",
        TimelineAscii(*scenario, first->trace, OpRef{where.thread, where.op})
            .c_str());
  }

  BisectOptions options;
  options.backend = backend_name;
  options.rounds = command.rounds;
  options.row_done = [](const BisectRow& row) {
    std::fprintf(stderr, "  %-26s %llu/%llu rounds failed\n",
                 row.variation.c_str(),
                 static_cast<unsigned long long>(row.failures),
                 static_cast<unsigned long long>(row.rounds));
  };
  options.log = [](const std::string& line) {
    std::fprintf(stderr, "  %s\n", line.c_str());
  };
  absl::StatusOr<std::vector<BisectRow>> rows =
      Bisect(*scenario, where, signature, main, control.get(), options);
  if (!rows.ok()) {
    if (rows.status().code() == absl::StatusCode::kFailedPrecondition) {
      std::fprintf(stderr, "openrace: %s: %s\n", command.file.c_str(),
                   std::string(rows.status().message()).c_str());
      return kExitClean;
    }
    return UsageError(rows.status());
  }
  if (command.json) {
    std::printf("%s", BisectJson(command, signature, backend_name, *scenario,
                                 where, *rows)
                          .c_str());
  } else {
    std::printf("%s", BisectMarkdown(*rows).c_str());
  }
  return kExitFound;
}

}  // namespace openrace
