// command_replay.cc — `openrace replay FILE...`: run scenarios as written
// and print, per operation, how often each outcome happened, and which
// findings the oracle made.

#include <cstdio>
#include <map>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "harness/run/backend.h"
#include "harness/cli/commands.h"
#include "harness/run/executor.h"
#include "harness/base/json.h"
#include "harness/judge/oracle.h"
#include "harness/base/platform.h"
#include "harness/run/sandbox.h"
#include "harness/scenario/scenario_text.h"
#include "harness/judge/trial.h"

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
      json.Key("thread").Number(static_cast<uint64_t>(t + 1));
      json.Key("op").Number(static_cast<uint64_t>(i + 1));
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

}  // namespace

int RunReplay(const ReplayCommand& command) {
  if (command.dir.empty()) {
    return UsageError(MissingDir("replay"));
  }
  // Every file is checked before anything runs.
  std::vector<Scenario> scenarios;
  for (const std::string& file : command.files) {
    absl::StatusOr<Scenario> scenario = LoadScenario(file);
    if (!scenario.ok()) return UsageError(scenario.status());
    scenarios.push_back(*std::move(scenario));
  }
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
