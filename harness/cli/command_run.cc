// command_run.cc — `openrace run`: a campaign, with a live progress line on
// a terminal, a summary at the end and OUT/summary.json beside the
// findings.

#include <cstdio>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/time.h"
#include "harness/base/bind_mapping.h"
#include "harness/campaign/campaign_state.h"
#include "harness/cli/commands.h"
#include "harness/cli/demo.h"
#include "harness/base/file_util.h"
#include "harness/base/json.h"
#include "harness/base/platform.h"
#include "harness/cli/progress.h"
#include "harness/report/progress_series.h"

namespace openrace {
namespace {

std::string SummaryJson(const CampaignOptions& options,
                        const CampaignResult& r, const std::string& out,
                        const ProgressSeries& series) {
  JsonWriter json;
  json.BeginDocument();
  json.Key("seed").Number(options.seed);
  json.Key("scenarios").Number(r.scenarios);
  json.Key("rounds").Number(r.rounds);
  json.Key("calls").Number(r.calls);
  json.Key("seconds").Double(absl::ToDoubleSeconds(r.elapsed));
  json.Key("calls_per_second")
      .Double(r.calls / std::max(1e-9, absl::ToDoubleSeconds(r.elapsed)));
  // The calls that met another thread's call or live handle on a related
  // path (contention.h): the ones that can show a concurrency bug.
  json.Key("contended_calls").Number(r.contended);
  json.Key("contended_per_second")
      .Double(r.contended / std::max(1e-9, absl::ToDoubleSeconds(r.elapsed)));
  WriteCallShare(json, r.call_cpu_ns, r.cpu_ns);
  json.Key("interrupted").Bool(r.interrupted);
  // Only when the file system would not let the sandbox be removed.
  if (!r.sandbox_left.empty()) json.Key("sandbox_left").String(r.sandbox_left);
  // The oracle: calls in the rounds' histories (retries included), those
  // it could not judge and why, and the searches it needed.
  json.Key("judged_calls").Number(r.judge.calls - r.judge.UnjudgedCalls());
  json.Key("unjudged_calls").Number(r.judge.UnjudgedCalls());
  json.Key("unjudged").BeginObject();
  for (int reason = 1; reason < kUnjudgedCount; ++reason) {
    if (r.judge.unjudged[reason] == 0) continue;
    json.Key(UnjudgedName(static_cast<Unjudged>(reason)))
        .Number(r.judge.unjudged[reason]);
  }
  json.EndObject();
  // Rounds whose end state was read back and judged (lost updates).
  json.Key("end_states_judged").Number(r.judge.end_states);
  json.Key("oracle_searches").Number(r.judge.searches);
  json.Key("oracle_search_nodes").Number(r.judge.search_nodes);
  json.Key("oracle_us_per_round")
      .Double(r.judge.rounds ? r.judge.judge_ns / 1e3 / r.judge.rounds : 0);
  json.Key("out").String(out);
  json.Key("new_findings").BeginArray();
  for (const std::string& s : r.new_signatures) json.String(s);
  json.EndArray();
  json.Key("findings").BeginObject();
  for (const auto& [signature, n] : r.occurrences) json.Key(signature).Number(n);
  json.EndObject();
  json.Key("new_variants").BeginArray();
  for (const std::string& s : r.new_variants) json.String(s);
  json.EndArray();
  json.Key("variants").BeginObject();
  for (const auto& [variant, finding] : r.variants) json.Key(variant).String(finding);
  json.EndObject();
  json.Key("series");
  series.WriteTo(json);
  json.EndObject();
  return json.Take();
}

}  // namespace

int RunRun(RunCommand command) {
  CampaignOptions& c = command.campaign;
  if (command.demo && !command.bind.empty()) {
    return UsageError(absl::InvalidArgumentError(
        "--demo and --bind do not go together (the demo's child would run "
        "outside the mapping)"));
  }
  if (command.demo) {
    // Re-runs this command in a child with the emulator loaded.
    return RunDemo(c);
  }
  // The demo's child removes the demo's directories if its parent is gone.
  const DemoDirectories demo_directories;
  // The mapping lives until this function returns: through the campaign,
  // an interrupted one too. Made first, before any thread exists.
  std::unique_ptr<BindMapping> mapping;
  if (!command.bind.empty()) {
    absl::StatusOr<BindSpec> spec =
        ParseBindSpec(command.bind, NativeBindPathStyle());
    if (!spec.ok()) return UsageError(spec.status());
    absl::StatusOr<std::unique_ptr<BindMapping>> made =
        BindMapping::Create(*spec);
    if (!made.ok()) return UsageError(made.status());
    mapping = *std::move(made);
    if (c.dir.empty()) c.dir = spec->target;
    std::fprintf(stderr, "openrace: bind: %s\n", mapping->Describe().c_str());
  }
  if (c.dir.empty()) {
    return UsageError(absl::InvalidArgumentError(
        "run needs --dir DIR, a directory on the file system under test "
        "(or try --demo)"));
  }
  if (command.stop_after) c.stop_after_new = command.stop_after;
  ProgressPrinter printer;
  ProgressSeries series;
  c.progress = [&](const CampaignProgress& p) {
    const double seconds = absl::ToDoubleSeconds(p.elapsed);
    series.Add({seconds, p.calls, p.scenarios, p.findings});
    printer.Update({seconds, p.scenarios, p.calls, p.findings, p.activity},
                   p.activity == "done");
  };
  c.log = [&](const std::string& line) { printer.Log(line); };
  const std::string out = AbsolutePath(c.out);
  absl::StatusOr<CampaignResult> result = RunCampaign(c);
  if (!result.ok()) return RunError(result.status(), out);

  series.Add({absl::ToDoubleSeconds(result->elapsed), result->calls,
              result->scenarios, result->occurrences.size()});
  const std::string summary = SummaryJson(c, *result, out, series);
  absl::Status written = WriteFileAtomically(out + "/summary.json", summary);
  if (!written.ok()) return UsageError(written);
  if (command.json) {
    std::fputs(summary.c_str(), stdout);
  } else {
    RunSummary s;
    s.scenarios = result->scenarios;
    s.calls = result->calls;
    s.seconds = absl::ToDoubleSeconds(result->elapsed);
    s.seed = c.seed;
    s.interrupted = result->interrupted;
    s.out = out;
    s.findings = result->occurrences;
    s.new_findings = result->new_signatures;
    s.variants = result->variants;
    PrintRunSummary(s);
  }
  if (result->interrupted) return kExitInterrupted;
  return result->finding_events > 0 ? kExitFound : kExitClean;
}

}  // namespace openrace
