// command_replay.cc — `openrace replay FILE...`: run scenarios as written
// and print, per operation, how often each outcome happened, and which
// findings the oracle made. With --check, replay each file once per
// `# expect:` line (corpus_entry.h) — clean ones here, emulator ones in a
// child with the emulator preloaded (emulated_replay.h) — and print one
// line per expectation and a total.

#include <cstdio>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/time.h"
#include "absl/types/optional.h"
#include "harness/base/file_util.h"
#include "harness/base/json_reader.h"
#include "harness/base/process.h"
#include "harness/cli/emulated_replay.h"
#include "harness/run/backend.h"
#include "harness/cli/commands.h"
#include "harness/run/executor.h"
#include "harness/base/json.h"
#include "harness/judge/oracle.h"
#include "harness/base/platform.h"
#include "harness/run/sandbox.h"
#include "harness/scenario/scenario_text.h"
#include "harness/judge/trial.h"
#include "harness/store/corpus_entry.h"

namespace openrace {
namespace {

struct OpCounts {
  std::map<std::string, uint64_t> outcomes;  // by OutcomeName
  uint64_t transient = 0;  // failures whose retry succeeded
};

struct ReplayResult {
  uint64_t rounds = 0;
  std::vector<std::vector<OpCounts>> ops;  // [thread][op]
  std::map<std::string, uint64_t> findings;  // by signature
};

absl::StatusOr<ReplayResult> ReplayOne(const Scenario& scenario,
                                       const Backend& backend,
                                       Sandbox& sandbox, uint64_t rounds,
                                       absl::Duration watchdog) {
  ReplayResult result;
  for (const ThreadProgram& t : scenario.threads) {
    result.ops.emplace_back(t.ops.size());
  }
  Oracle oracle(scenario, SemanticsOf(backend));
  Executor executor(backend, ExecutorOptions{watchdog, true});
  std::vector<Finding> findings;
  absl::Status status = executor.Run(
      scenario, sandbox, rounds, [&](const RoundTrace& trace) {
        ++result.rounds;
        for (size_t t = 0; t < trace.records.size(); ++t) {
          for (size_t i = 0; i < trace.records[t].size(); ++i) {
            const OpRecord& r = trace.records[t][i];
            if (!r.ran) continue;
            ++result.ops[t][i].outcomes[OutcomeName(r.outcome)];
            if (r.retry && r.retry->ok()) ++result.ops[t][i].transient;
          }
        }
        findings.clear();
        oracle.Judge(trace, &findings);
        for (const Finding& f : findings) {
          ++result.findings[f.signature.ToString()];
        }
        return true;
      });
  if (!status.ok()) return status;
  return result;
}

void PrintHuman(const std::string& file, const Scenario& scenario,
                const ReplayResult& r) {
  std::printf("%s: %llu rounds, %zu finding(s)\n", file.c_str(),
              static_cast<unsigned long long>(r.rounds), r.findings.size());
  for (size_t t = 0; t < scenario.threads.size(); ++t) {
    for (size_t i = 0; i < scenario.threads[t].ops.size(); ++i) {
      const Op& op = scenario.threads[t].ops[i];
      if (op.kind == OpKind::kBarrier) continue;
      std::string counts;
      for (const auto& [name, n] : r.ops[t][i].outcomes) {
        absl::StrAppend(&counts, "  ", name, " ", n);
      }
      if (r.ops[t][i].transient) {
        absl::StrAppend(&counts, "  (", r.ops[t][i].transient,
                        " transient)");
      }
      std::printf("  thread %zu op %-3zu %-44s%s\n", t + 1, i + 1,
                  PrintOp(op).c_str(), counts.c_str());
    }
  }
  for (const auto& [signature, n] : r.findings) {
    std::printf("  finding %s in %llu round(s)\n", signature.c_str(),
                static_cast<unsigned long long>(n));
  }
}

void AppendJson(JsonWriter& json, const std::string& file,
                const Scenario& scenario, const ReplayResult& r) {
  json.BeginObject();
  json.Key("file").String(file);
  json.Key("rounds").Number(r.rounds);
  json.Key("ops").BeginArray();
  for (size_t t = 0; t < scenario.threads.size(); ++t) {
    for (size_t i = 0; i < scenario.threads[t].ops.size(); ++i) {
      const Op& op = scenario.threads[t].ops[i];
      if (op.kind == OpKind::kBarrier) continue;
      json.BeginObject();
      json.Key("thread").Number(static_cast<uint64_t>(t));
      json.Key("op").Number(static_cast<uint64_t>(i));
      json.Key("call").String(PrintOp(op));
      json.Key("outcomes").BeginObject();
      for (const auto& [name, n] : r.ops[t][i].outcomes) json.Key(name).Number(n);
      json.EndObject();
      json.Key("transient").Number(r.ops[t][i].transient);
      json.EndObject();
    }
  }
  json.EndArray();
  json.Key("findings").BeginObject();
  for (const auto& [signature, n] : r.findings) json.Key(signature).Number(n);
  json.EndObject();
  json.EndObject();
}

// The planted-bug emulator's configuration for an expectation under `rule`:
// rooted at the replay directory, p = 0.05, a fixed seed; the other
// variables at their defaults.
std::vector<std::pair<std::string, std::string>> EmulatorEnvironment(
    const std::string& dir, const std::string& rule) {
  return {{"OPENRACE_EMULATOR_ROOT", dir},
          {"OPENRACE_EMULATOR_RULES", rule},
          {"OPENRACE_EMULATOR_P", "0.05"},
          {"OPENRACE_EMULATOR_SEED", "7"},
          {"OPENRACE_EMULATOR_ANCHORS", "both"},
          {"OPENRACE_EMULATOR_TRANSIENT", "1"}};
}

// `file` replayed by a child `openrace replay --json` under the emulator.
absl::StatusOr<CorpusReplay> ReplayUnderEmulator(const ReplayCommand& command,
                                                 const std::string& file,
                                                 const std::string& dir,
                                                 const std::string& library,
                                                 const std::string& rule) {
  std::vector<std::string> argv = {
      SelfExecutablePath(), "replay", file, "--dir=" + dir, "--json",
      "--watchdog=" + absl::FormatDuration(command.watchdog)};
  if (command.rounds) argv.push_back(absl::StrCat("--rounds=", command.rounds));
  if (!command.backend.empty()) argv.push_back("--backend=" + command.backend);
  absl::StatusOr<ChildOutput> child =
      RunUnderEmulator(argv, library, EmulatorEnvironment(dir, rule));
  if (!child.ok()) return child.status();
  if (child->exit_code != kExitClean && child->exit_code != kExitFound) {
    return absl::InternalError(absl::StrCat(
        "the replay under the emulator exited ", child->exit_code));
  }
  absl::StatusOr<JsonValue> doc = ParseJson(child->out);
  if (!doc.ok() || doc->elements().size() != 1) {
    return absl::InternalError(
        "the replay under the emulator did not print one replay as JSON");
  }
  const JsonValue& r = doc->elements()[0];
  CorpusReplay replay;
  replay.rounds = r.Get("rounds").AsUint64().value_or(0);
  for (const auto& [signature, n] : r.Get("findings").members()) {
    replay.findings[signature] = n.AsUint64().value_or(0);
  }
  return replay;
}

// replay --check: every file's expectations, once each.
int RunCheck(const ReplayCommand& command,
             const std::vector<Scenario>& scenarios) {
  // Absolute: the sandbox changes the current directory, and the child
  // replays run from there.
  const std::string dir = AbsolutePath(command.dir);
  std::vector<std::string> files;
  std::vector<std::vector<CorpusExpectation>> expectations;
  bool emulated = false;
  for (const std::string& file : command.files) {
    absl::StatusOr<std::string> text = ReadFile(file);
    if (!text.ok()) return UsageError(text.status());
    absl::StatusOr<std::vector<CorpusExpectation>> expect =
        ParseCorpusExpectations(*text);
    if (!expect.ok()) {
      return UsageError(absl::InvalidArgumentError(
          absl::StrCat(file, ": ", expect.status().message())));
    }
    for (const CorpusExpectation& e : *expect) emulated |= !e.clean();
    files.push_back(AbsolutePath(file));
    expectations.push_back(*std::move(expect));
  }
  const std::string library = FindEmulatorLibrary(command.emulator);
  if (emulated) {
    absl::Status usable = CheckEmulatorLibrary(library);
    if (!usable.ok()) {
      return UsageError(absl::FailedPreconditionError(absl::StrCat(
          "an `# expect: finding ... under emulator rule` line needs the "
          "emulator: ", usable.message())));
    }
  }
  absl::StatusOr<std::unique_ptr<Backend>> backend = MakeBackend(
      command.backend.empty() ? DefaultBackendName() : command.backend);
  if (!backend.ok()) return UsageError(backend.status());
  absl::StatusOr<std::unique_ptr<Sandbox>> sandbox = Sandbox::Create(dir);
  if (!sandbox.ok()) return UsageError(sandbox.status());

  uint64_t met = 0, failed = 0, total = 0;
  for (const auto& e : expectations) total += e.size();
  for (size_t f = 0; f < files.size(); ++f) {
    absl::optional<CorpusReplay> clean;  // one clean replay per file
    for (const CorpusExpectation& e : expectations[f]) {
      if (InterruptRequested()) break;
      absl::StatusOr<CorpusReplay> replay;
      if (!e.clean()) {
        replay = ReplayUnderEmulator(command, files[f], dir, library,
                                     e.emulator_rule);
      } else if (clean) {
        replay = *clean;
      } else {
        const uint64_t rounds =
            command.rounds ? command.rounds : scenarios[f].rounds;
        absl::StatusOr<ReplayResult> result = ReplayOne(
            scenarios[f], **backend, **sandbox, rounds, command.watchdog);
        if (result.ok()) {
          clean = CorpusReplay{result->rounds, result->findings};
          replay = *clean;
        } else {
          replay = result.status();
        }
      }
      const std::string where =
          absl::StrCat(command.files[f], ":", e.line);
      const std::string mismatch =
          replay.ok() ? CheckCorpusExpectation(e, *replay)
                      : std::string(replay.status().message());
      if (replay.ok() && mismatch.empty()) {
        ++met;
        std::printf("ok    %s: %s (%llu rounds)\n", where.c_str(),
                    e.ToString().c_str(),
                    static_cast<unsigned long long>(replay->rounds));
      } else {
        ++failed;
        std::printf("FAIL  %s: %s\n", where.c_str(), mismatch.c_str());
      }
      std::fflush(stdout);
    }
  }
  const uint64_t unchecked = total - met - failed;
  std::printf("replay --check: %llu of %llu expectation(s) in %zu file(s) met",
              static_cast<unsigned long long>(met),
              static_cast<unsigned long long>(total), files.size());
  if (failed) {
    std::printf(", %llu not met", static_cast<unsigned long long>(failed));
  }
  if (unchecked) {
    std::printf(", %llu not checked (interrupted)",
                static_cast<unsigned long long>(unchecked));
  }
  std::printf("\n");
  return failed || unchecked ? kExitFound : kExitClean;
}

}  // namespace

int RunReplay(const ReplayCommand& command) {
  if (command.dir.empty()) {
    return UsageError(MissingDir("replay"));
  }
  if (command.check && command.json) {
    return UsageError(absl::InvalidArgumentError(
        "replay --check prints one line per expectation; it takes no --json"));
  }
  if (!command.check && !command.emulator.empty()) {
    return UsageError(absl::InvalidArgumentError(
        "--emulator is for replay --check (to replay under the emulator "
        "yourself, set LD_PRELOAD; see emulator/README.md)"));
  }
  // Every file is checked before anything runs.
  std::vector<Scenario> scenarios;
  for (const std::string& file : command.files) {
    absl::StatusOr<Scenario> scenario = LoadScenario(file);
    if (!scenario.ok()) return UsageError(scenario.status());
    scenarios.push_back(*std::move(scenario));
  }
  if (command.check) return RunCheck(command, scenarios);
  absl::StatusOr<std::unique_ptr<Backend>> backend = MakeBackend(
      command.backend.empty() ? DefaultBackendName() : command.backend);
  if (!backend.ok()) return UsageError(backend.status());
  absl::StatusOr<std::unique_ptr<Sandbox>> sandbox =
      Sandbox::Create(command.dir);
  if (!sandbox.ok()) return UsageError(sandbox.status());

  bool found = false;
  JsonWriter json;
  json.BeginArray();
  for (size_t f = 0; f < scenarios.size() && !InterruptRequested(); ++f) {
    const uint64_t rounds =
        command.rounds ? command.rounds : scenarios[f].rounds;
    absl::StatusOr<ReplayResult> result = ReplayOne(
        scenarios[f], **backend, **sandbox, rounds, command.watchdog);
    if (!result.ok()) {
      return UsageError(absl::InternalError(absl::StrCat(
          command.files[f], ": ", result.status().message())));
    }
    found |= !result->findings.empty();
    if (command.json) {
      AppendJson(json, command.files[f], scenarios[f], *result);
    } else {
      PrintHuman(command.files[f], scenarios[f], *result);
    }
  }
  json.EndArray();
  if (command.json) std::fputs(json.Take().c_str(), stdout);
  return found ? kExitFound : kExitClean;
}

}  // namespace openrace
