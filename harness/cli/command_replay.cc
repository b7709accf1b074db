// command_replay.cc — `openrace replay FILE...`: run scenarios as written
// and print, per operation, how often each outcome happened, and which
// findings the oracle made. With --check, replay each file once per
// `# expect:` line (corpus_entry.h) — clean ones here, emulator ones in a
// child with the emulator preloaded (emulated_replay.h) — and print one
// line per expectation and a total. Either way, a progress line on a
// terminal, a total line at the end, and with --junit / --sarif the CI
// reports of replay_report.h.

#include <cstdio>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "absl/types/optional.h"
#include "harness/base/file_util.h"
#include "harness/base/json_reader.h"
#include "harness/base/process.h"
#include "harness/base/provenance.h"
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
#include "harness/store/replay_report.h"


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
  // The call of each signature's first finding: {thread, op}.
  std::map<std::string, std::pair<size_t, size_t>> calls;
};

// Told the rounds done and the signatures found so far, after every round.
using ReplayProgress = std::function<void(uint64_t, size_t)>;

absl::StatusOr<ReplayResult> ReplayOne(const Scenario& scenario,
                                       const Backend& backend,
                                       Sandbox& sandbox, uint64_t rounds,
                                       absl::Duration watchdog,
                                       const ReplayProgress& progress) {
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
          const std::string signature = f.signature.ToString();
          ++result.findings[signature];
          result.calls.emplace(signature, std::make_pair(f.thread, f.op));
        }
        if (progress) progress(result.rounds, result.findings.size());
        return true;
      });
  if (!status.ok()) return status;
  return result;
}

std::string HumanText(const std::string& file, const Scenario& scenario,
                      const ReplayResult& r) {
  std::string out = absl::StrFormat("%s: %d rounds, %d finding(s)\n", file,
                                    r.rounds, r.findings.size());
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
      absl::StrAppendFormat(&out, "  thread %d op %-3d %-44s%s\n", t + 1,
                            i + 1, PrintOp(op), counts);
    }
  }
  for (const auto& [signature, n] : r.findings) {
    absl::StrAppendFormat(&out, "  finding %s in %d round(s)\n", signature, n);
  }
  return out;
}

// The progress line on a terminal (replay_report.h's ReplayProgressLine),
// on stderr, redrawn at most ten times a second; nothing elsewhere.
class Progress {
 public:
  Progress(size_t count, bool enabled) : count_(count), enabled_(enabled) {}
  ~Progress() { Clear(); }

  // File `index` (1-based) starts.
  void Start(size_t index, const std::string& file) {
    index_ = index;
    file_ = file;
    Draw(0, 0, /*force=*/true);
  }
  // `findings` signatures so far in this file's current replay.
  void Update(uint64_t rounds, size_t findings) {
    Draw(rounds, findings, /*force=*/false);
  }
  // The file's replays are done, with `findings` signatures.
  void Done(size_t findings) { found_ += findings; }
  // Before a line on stdout, which may share the terminal.
  void Clear() {
    if (!shown_) return;
    std::fputs("\r\033[K", stderr);
    std::fflush(stderr);
    shown_ = false;
  }

 private:
  void Draw(uint64_t rounds, size_t findings, bool force) {
    if (!enabled_) return;
    const absl::Time now = absl::Now();
    if (!force && now - last_ < absl::Milliseconds(100)) return;
    last_ = now;
    std::fprintf(stderr, "\r\033[K%s",
                 ReplayProgressLine(index_, count_, file_, rounds,
                                    found_ + findings)
                     .c_str());
    std::fflush(stderr);
    shown_ = true;
  }

  const size_t count_;
  const bool enabled_;
  size_t index_ = 0;
  std::string file_;
  uint64_t found_ = 0;
  absl::Time last_ = absl::InfinitePast();
  bool shown_ = false;
};

// Prints `line` on stdout (clearing the progress line first) and keeps it
// in the file's report.
void Say(Progress& progress, ReplayFileReport& report,
         const std::string& line) {
  progress.Clear();
  std::fputs(line.c_str(), stdout);
  std::fflush(stdout);
  report.log += line;
}

// The 1-based lines of `file`'s operations (ScenarioOpLines), for reports;
// empty when it cannot be read again.
std::vector<std::vector<int>> OpLines(const std::string& file) {
  absl::StatusOr<std::string> text = ReadFile(file);
  if (!text.ok()) return {};
  return ScenarioOpLines(*text);
}

int LineOf(const std::vector<std::vector<int>>& lines,
           std::pair<size_t, size_t> call) {
  if (call.first >= lines.size() || call.second >= lines[call.first].size()) {
    return 0;
  }
  return lines[call.first][call.second];
}

// "thread 2 op 3 (line 17): open cwd:src/a/foo.h", the call as a user
// reads it: 1-based, as `replay` prints it.
std::string DescribeCall(const Scenario& scenario,
                         const std::vector<std::vector<int>>& lines,
                         std::pair<size_t, size_t> call) {
  const auto [t, i] = call;
  if (t >= scenario.threads.size() || i >= scenario.threads[t].ops.size()) {
    return absl::StrCat("thread ", t + 1, " op ", i + 1);
  }
  const int line = LineOf(lines, call);
  return absl::StrCat("thread ", t + 1, " op ", i + 1,
                      line ? absl::StrCat(" (line ", line, ")") : "", ": ",
                      PrintOp(scenario.threads[t].ops[i]));
}

// Adds one clean replay's counts to the file's report.
void AddCounts(const ReplayResult& r, ReplayFileReport& report) {
  report.rounds += r.rounds;
  for (const auto& thread : r.ops) {
    for (const OpCounts& op : thread) {
      for (const auto& [name, n] : op.outcomes) report.outcomes[name] += n;
    }
  }
  for (const auto& [signature, n] : r.findings) report.findings[signature] += n;
}

// Writes the --junit and --sarif reports, prints the total line (not with
// --json) and returns `status`, or kExitUsage when a report cannot be
// written.
int Finish(const ReplayCommand& command, const std::string& cwd,
           const std::vector<ReplayFileReport>& reports, absl::Time start,
           int status) {
  ReplayReportOptions options;
  options.cwd = cwd;
  options.version = OpenraceVersion();
  if (!command.junit.empty()) {
    absl::Status written =
        WriteFileAtomically(command.junit, RenderJUnit(reports, options));
    if (!written.ok()) return UsageError(written);
  }
  if (!command.sarif.empty()) {
    absl::Status written =
        WriteFileAtomically(command.sarif, RenderSarif(reports, options));
    if (!written.ok()) return UsageError(written);
  }
  if (!command.json) {
    std::printf("%s\n", ReplayTotalLine(reports, absl::Now() - start).c_str());
  }
  return status;
}

void AppendJson(JsonWriter& json, const std::string& file,
                const Scenario& scenario, const ReplayResult& r) {
  json.BeginDocument();
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

// `file` replayed by a child `openrace replay --json` under the emulator;
// its calls by outcome added to `*outcomes`.
absl::StatusOr<CorpusReplay> ReplayUnderEmulator(
    const ReplayCommand& command, const std::string& file,
    const std::string& dir, const std::string& library,
    const std::string& rule, std::map<std::string, uint64_t>* outcomes) {
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
  for (const JsonValue& op : r.Get("ops").elements()) {
    for (const auto& [name, n] : op.Get("outcomes").members()) {
      (*outcomes)[name] += n.AsUint64().value_or(0);
    }
  }
  return replay;
}

// replay --check: every file's expectations, once each.
int RunCheck(const ReplayCommand& command,
             const std::vector<Scenario>& scenarios, const std::string& cwd) {
  const absl::Time start = absl::Now();
  // Absolute: the sandbox changes the current directory, and the child
  // replays run from there.
  const std::string dir = AbsolutePath(command.dir);
  std::vector<std::string> files;
  std::vector<std::vector<CorpusExpectation>> expectations;
  std::vector<std::vector<std::vector<int>>> op_lines;
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
    op_lines.push_back(ScenarioOpLines(*text));
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

  Progress progress(files.size(), StderrIsTerminal());
  std::vector<ReplayFileReport> reports(files.size());
  uint64_t met = 0, failed = 0, total = 0;
  for (const auto& e : expectations) total += e.size();
  for (size_t f = 0; f < files.size(); ++f) {
    ReplayFileReport& report = reports[f];
    report.file = command.files[f];
    report.expectations = static_cast<int>(expectations[f].size());
    if (InterruptRequested()) {
      report.skipped = true;
      continue;
    }
    const absl::Time file_start = absl::Now();
    progress.Start(f + 1, command.files[f]);
    absl::optional<ReplayResult> clean;  // one clean replay per file
    std::set<std::string> found;         // signatures, over its replays
    for (const CorpusExpectation& e : expectations[f]) {
      if (InterruptRequested()) {
        report.skipped = true;
        break;
      }
      absl::StatusOr<CorpusReplay> replay;
      if (!e.clean()) {
        progress.Start(f + 1, absl::StrCat(command.files[f],
                                           " under emulator rule ",
                                           e.emulator_rule));
        replay = ReplayUnderEmulator(command, files[f], dir, library,
                                     e.emulator_rule, &report.outcomes);
        if (replay.ok()) {
          report.rounds += replay->rounds;
          for (const auto& [signature, n] : replay->findings) {
            report.findings[signature] += n;
          }
        }
      } else if (clean) {
        replay = CorpusReplay{clean->rounds, clean->findings};
      } else {
        const uint64_t rounds =
            command.rounds ? command.rounds : scenarios[f].rounds;
        absl::StatusOr<ReplayResult> result = ReplayOne(
            scenarios[f], **backend, **sandbox, rounds, command.watchdog,
            [&](uint64_t done, size_t n) { progress.Update(done, n); });
        if (result.ok()) {
          clean = *std::move(result);
          AddCounts(*clean, report);
          replay = CorpusReplay{clean->rounds, clean->findings};
        } else {
          replay = result.status();
        }
      }
      if (replay.ok()) {
        for (const auto& [signature, n] : replay->findings) {
          found.insert(signature);
        }
      }
      const std::string where =
          absl::StrCat(command.files[f], ":", e.line);
      const std::string mismatch =
          replay.ok() ? CheckCorpusExpectation(e, *replay)
                      : std::string(replay.status().message());
      if (replay.ok() && mismatch.empty()) {
        ++met;
        ++report.expectations_met;
        Say(progress, report,
            absl::StrFormat("ok    %s: %s (%d rounds)\n", where, e.ToString(),
                            replay->rounds));
        continue;
      }
      ++failed;
      Say(progress, report, absl::StrFormat("FAIL  %s: %s\n", where, mismatch));
      ReplayProblem problem;
      problem.kind = !replay.ok()  ? ReplayProblemKind::kError
                     : e.clean()   ? ReplayProblemKind::kExpectClean
                                   : ReplayProblemKind::kExpectFinding;
      problem.signature = e.signature;
      problem.message = mismatch;
      problem.line = e.line;
      problem.details = absl::StrCat("# expect: ", e.ToString());
      if (replay.ok() && e.clean()) {
        // Where each finding's call is; the first is the related location.
        for (const auto& [signature, call] : clean->calls) {
          absl::StrAppend(&problem.details, "\n", signature, " at ",
                          DescribeCall(scenarios[f], op_lines[f], call));
          if (!problem.call_line) {
            problem.call_line = LineOf(op_lines[f], call);
          }
        }
      } else if (replay.ok()) {
        absl::StrAppend(&problem.details,
                        "\nreplayed under the planted-bug emulator with rule ",
                        e.emulator_rule, ", p = 0.05, seed 7");
      }
      report.problems.push_back(std::move(problem));
    }
    progress.Done(found.size());
    report.time = absl::Now() - file_start;
  }
  progress.Clear();
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
  return Finish(command, cwd, reports, start,
                failed || unchecked ? kExitFound : kExitClean);
}

// A --junit or --sarif file's directory must exist before anything runs.
absl::Status CheckReportPath(const char* flag, const std::string& path) {
  if (path.empty()) return absl::OkStatus();
  std::filesystem::path parent = std::filesystem::path(path).parent_path();
  if (parent.empty()) parent = ".";
  std::error_code ec;
  if (!std::filesystem::is_directory(parent, ec)) {
    return absl::InvalidArgumentError(absl::StrCat(
        flag, " ", path, ": ", parent.string(), " is not a directory"));
  }
  return absl::OkStatus();
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
  for (absl::Status status : {CheckReportPath("--junit", command.junit),
                              CheckReportPath("--sarif", command.sarif)}) {
    if (!status.ok()) return UsageError(status);
  }
  // The reports' paths, and the files they name, are relative to the
  // current directory, which the sandbox changes.
  ReplayCommand resolved = command;
  if (!resolved.junit.empty()) resolved.junit = AbsolutePath(resolved.junit);
  if (!resolved.sarif.empty()) resolved.sarif = AbsolutePath(resolved.sarif);
  const std::string cwd = AbsolutePath(".");
  // Every file is checked before anything runs.
  std::vector<Scenario> scenarios;
  for (const std::string& file : command.files) {
    absl::StatusOr<Scenario> scenario = LoadScenario(file);
    if (!scenario.ok()) return UsageError(scenario.status());
    scenarios.push_back(*std::move(scenario));
  }
  if (command.check) return RunCheck(resolved, scenarios, cwd);
  const absl::Time start = absl::Now();
  std::vector<std::vector<std::vector<int>>> op_lines;
  for (const std::string& file : command.files) {
    op_lines.push_back(OpLines(file));
  }
  absl::StatusOr<std::unique_ptr<Backend>> backend = MakeBackend(
      command.backend.empty() ? DefaultBackendName() : command.backend);
  if (!backend.ok()) return UsageError(backend.status());
  SweepBeforeRun(command.dir);
  absl::StatusOr<std::unique_ptr<Sandbox>> sandbox =
      Sandbox::Create(command.dir);
  if (!sandbox.ok()) return UsageError(sandbox.status());

  // Not with --json: a child replay under the emulator (replay --check)
  // shares the parent's terminal.
  Progress progress(scenarios.size(), !command.json && StderrIsTerminal());
  std::vector<ReplayFileReport> reports(scenarios.size());
  bool found = false;
  JsonWriter json;
  json.BeginArray();
  for (size_t f = 0; f < scenarios.size(); ++f) {
    ReplayFileReport& report = reports[f];
    report.file = command.files[f];
    if (InterruptRequested()) {
      report.skipped = true;
      continue;
    }
    const absl::Time file_start = absl::Now();
    progress.Start(f + 1, command.files[f]);
    const uint64_t rounds =
        command.rounds ? command.rounds : scenarios[f].rounds;
    absl::StatusOr<ReplayResult> result = ReplayOne(
        scenarios[f], **backend, **sandbox, rounds, command.watchdog,
        [&](uint64_t done, size_t n) { progress.Update(done, n); });
    report.time = absl::Now() - file_start;
    if (!result.ok()) {
      progress.Clear();
      const std::string message =
          absl::StrCat(command.files[f], ": ", result.status().message());
      report.problems.push_back(
          {ReplayProblemKind::kError, "", message, "", 0, 0});
      reports.resize(f + 1);
      Finish(resolved, cwd, reports, start, kExitUsage);
      return UsageError(absl::InternalError(message));
    }
    AddCounts(*result, report);
    progress.Done(result->findings.size());
    found |= !result->findings.empty();
    for (const auto& [signature, n] : result->findings) {
      const auto call = result->calls[signature];
      ReplayProblem problem;
      problem.kind = ReplayProblemKind::kFinding;
      problem.signature = signature;
      problem.message = absl::StrFormat("found %s in %d of %d rounds",
                                        signature, n, result->rounds);
      problem.details = absl::StrCat(
          "first at ", DescribeCall(scenarios[f], op_lines[f], call));
      problem.line = problem.call_line = LineOf(op_lines[f], call);
      report.problems.push_back(std::move(problem));
    }
    const std::string text = HumanText(command.files[f], scenarios[f], *result);
    if (command.json) {
      AppendJson(json, command.files[f], scenarios[f], *result);
      report.log = text;
    } else {
      Say(progress, report, text);
    }
  }
  progress.Clear();
  json.EndArray();
  if (command.json) std::fputs(json.Take().c_str(), stdout);
  absl::Status removed = (*sandbox)->Remove();
  if (!removed.ok()) {
    return UsageError(absl::FailedPreconditionError(
        absl::StrCat("cannot remove the sandbox: ", removed.message())));
  }
  return Finish(resolved, cwd, reports, start,
                found ? kExitFound : kExitClean);
}

}  // namespace openrace
