// report.cc — see report.h.

#include "harness/report/report.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "harness/base/json.h"
#include "harness/scenario/scenario_text.h"

namespace openrace {
namespace {

const Scenario& Shown(const FindingSummary& s) {
  return s.minimized ? *s.minimized : s.found;
}

std::string Percent(double rate) { return absl::StrFormat("%.3g%%", 100 * rate); }

const BisectRow* Row(const FindingSummary& s, absl::string_view variation) {
  for (const BisectRow& row : s.bisect) {
    if (row.variation == variation) return &row;
  }
  return nullptr;
}

// Which variations stop the bug (what it needs) and which do not.
std::string TriggerParagraph(const FindingSummary& s) {
  std::vector<std::string> needs, not_needed;
  for (const BisectRow& row : s.bisect) {
    if (row.variation == "as found") continue;
    (row.failures == 0 ? needs : not_needed).push_back(row.variation);
  }
  std::string text = "Each row reruns the minimized scenario with one thing "
                     "changed.";
  if (!needs.empty()) {
    absl::StrAppend(&text, " The failure stops with: ",
                    absl::StrJoin(needs, ", "), ".");
  }
  if (!not_needed.empty()) {
    absl::StrAppend(&text, " It still happens with: ",
                    absl::StrJoin(not_needed, ", "), ".");
  }
  return text;
}

std::string Workarounds(const FindingSummary& s) {
  std::string text;
  const BisectRow* absolute = Row(s, "absolute path");
  const BisectRow* found = Row(s, "as found");
  if (absolute && found && found->failures > 0 && absolute->failures == 0) {
    text += "- Open by absolute path: the same call spelled from the root "
            "never failed.\n";
  }
  if (s.signature.verdict == Verdict::kTransient) {
    text += "- Retry the call once: every failure seen succeeded when "
            "retried at once.\n";
  }
  const BisectRow* held = Row(s, "no held handle");
  if (held && found && found->failures > 0 && held->failures == 0) {
    text += "- Avoid keeping the file open while other threads open it: "
            "without the held handle it never failed.\n";
  }
  return text;
}

absl::string_view NativeKindName(NativeKind kind) {
  switch (kind) {
    case NativeKind::kErrno:
      return "errno";
    case NativeKind::kNtStatus:
      return "ntstatus";
    case NativeKind::kWin32Error:
      return "win32";
  }
  return "errno";
}

void WriteOutcome(JsonWriter& json, const Outcome& outcome) {
  json.BeginObject();
  json.Key("status").String(StatusClassName(outcome.status));
  json.Key("native").Number(outcome.native);
  json.Key("kind").String(NativeKindName(outcome.native_kind));
  json.EndObject();
}

void WriteRound(JsonWriter& json, const RoundTrace& trace, OpRef failing) {
  json.BeginObject();
  json.Key("thread").Number(static_cast<uint64_t>(failing.thread + 1));
  json.Key("op").Number(static_cast<uint64_t>(failing.op + 1));
  json.Key("round").Number(trace.round);
  json.Key("hang").Bool(trace.hang);
  json.Key("records").BeginArray();
  for (const std::vector<OpRecord>& thread : trace.records) {
    json.BeginArray();
    for (const OpRecord& record : thread) {
      json.BeginObject();
      json.Key("ran").Bool(record.ran);
      json.Key("start_ns").Number(record.start_ns);
      json.Key("end_ns").Number(record.end_ns);
      json.Key("retry_end_ns").Number(record.retry_end_ns);
      json.Key("outcome");
      WriteOutcome(json, record.outcome);
      if (record.retry) {
        json.Key("retry");
        WriteOutcome(json, *record.retry);
      }
      json.EndObject();
    }
    json.EndArray();
  }
  json.EndArray();
  json.EndObject();
}

}  // namespace

absl::optional<NativeKind> ParseNativeKind(absl::string_view name) {
  for (NativeKind kind :
       {NativeKind::kErrno, NativeKind::kNtStatus, NativeKind::kWin32Error}) {
    if (NativeKindName(kind) == name) return kind;
  }
  return absl::nullopt;
}

void FindingSummary::RecordMinimized(const MinimizeResult& result) {
  minimized = result.scenario;
  one_minimal = result.one_minimal;
  steps = result.steps;
  candidates_tried = result.candidates_tried;
  minimize_rounds = result.rounds_run;
  failures = result.failures;
  rounds = result.rounds;
  rate = result.rate;
}

std::string StatsJson(const FindingSummary& s) {
  const Scenario& shown = Shown(s);
  JsonWriter json;
  json.BeginObject();
  json.Key("signature").String(s.signature.ToString());
  json.Key("verdict").String(VerdictName(s.signature.verdict));
  json.Key("backend").String(s.backend);
  json.Key("threads").Number(static_cast<uint64_t>(shown.threads.size()));
  json.Key("ops").Number(static_cast<uint64_t>(CountCalls(shown)));
  json.Key("minimized").Bool(s.minimized.has_value());
  json.Key("one_minimal").Bool(s.one_minimal);
  json.Key("occurrences").Number(s.occurrences);
  json.Key("candidates_tried").Number(s.candidates_tried);
  json.Key("minimize_rounds").Number(s.minimize_rounds);
  json.Key("rate").BeginObject();
  json.Key("failures").Number(s.failures);
  json.Key("rounds").Number(s.rounds);
  json.Key("low").Double(s.rate.low);
  json.Key("high").Double(s.rate.high);
  json.EndObject();
  json.Key("bisect").BeginArray();
  for (const BisectRow& row : s.bisect) {
    json.BeginObject();
    json.Key("variation").String(row.variation);
    json.Key("failures").Number(row.failures);
    json.Key("rounds").Number(row.rounds);
    json.EndObject();
  }
  json.EndArray();
  json.Key("steps").BeginArray();
  for (const std::string& step : s.steps) json.String(step);
  json.EndArray();
  json.Key("environment").BeginObject();
  for (const auto& [name, value] : s.environment) json.Key(name).String(value);
  json.EndObject();
  if (s.failing_round) {
    json.Key("failing_round");
    WriteRound(json, *s.failing_round, s.failing_op);
  }
  json.EndObject();
  return json.Take();
}

std::string ReportMarkdown(const FindingSummary& s) {
  const Scenario& shown = Shown(s);
  const std::string failing =
      s.failing_call.empty()
          ? PrintOp(s.found.threads[s.found_thread].ops[s.found_op])
          : s.failing_call;
  std::string md;
  absl::StrAppend(&md, "# ", OpKindName(s.signature.op),
                  s.signature.outcome.ok() ? " succeeds where no order allows it"
                                           : absl::StrCat(" fails with ",
                                                          OutcomeName(s.signature.outcome)),
                  " (",
                  VerdictName(s.signature.verdict), ", ",
                  AnchorName(s.signature.anchor), " anchor)\n\n");
  absl::StrAppend(&md, "Signature: `", s.signature.ToString(), "`\n\n");

  absl::StrAppend(&md, "## What happens\n\n");
  absl::StrAppend(
      &md, "With ", shown.threads.size(), " thread(s) and ",
      CountCalls(shown), " call(s), the call `", failing,
      "` answered ", OutcomeName(s.signature.outcome), ". ");
  switch (s.signature.verdict) {
    case Verdict::kTransient:
      md += "The same call, retried at once with nothing changed, succeeded: "
            "the failure is transient.";
      break;
    case Verdict::kUnexpected:
      md += "No order of the round's calls that respects when each began "
            "and ended explains this answer under the file system's rules.";
      break;
    case Verdict::kDifferential:
      md += "The same target spelled another way answers differently.";
      break;
    case Verdict::kHang:
      md += "The call did not return before the watchdog fired.";
      break;
  }
  md += "\n\n";
  if (s.rounds > 0) {
    absl::StrAppend(&md, "Rate: ", s.failures, " of ", s.rounds,
                    " rounds (", Percent(double(s.failures) / s.rounds),
                    "; 95% Wilson interval ", Percent(s.rate.low), " to ",
                    Percent(s.rate.high), ").\n\n");
  }
  if (!s.bisect.empty()) {
    md += "## What it is and is not\n\n";
    md += TriggerParagraph(s);
    md += "\n\n| variation | failures | rounds | rate |\n"
          "| --- | ---: | ---: | --- |\n";
    for (const BisectRow& row : s.bisect) {
      const RateInterval ci = WilsonInterval(row.failures, row.rounds);
      const std::string rate =
          row.failures ? Percent(double(row.failures) / row.rounds)
                       : absl::StrCat("0 (< ", Percent(ci.high), ")");
      absl::StrAppend(&md, "| ", row.variation, " | ", row.failures, " | ",
                      row.rounds, " | ", rate, " |\n");
    }
    md += "\n";
  }
  if (!s.timeline_ascii.empty()) {
    absl::StrAppend(&md, "## A failing round\n\n```\n", s.timeline_ascii,
                    "```\n\n(`timeline.svg` in this directory draws the "
                    "same.)\n\n");
  }
  const std::string workarounds = Workarounds(s);
  if (!workarounds.empty()) {
    absl::StrAppend(&md, "## Workarounds the data supports\n\n", workarounds,
                    "\n");
  }
  absl::StrAppend(&md, "## Scenario", s.minimized ? " (minimized)" : "",
                  "\n\n```\n", PrintScenario(shown), "```\n\n");
  if (s.minimized) {
    absl::StrAppend(&md, "Minimized in ", s.steps.size(), " step(s); ",
                    s.one_minimal
                        ? "no single further simplification reproduces."
                        : "the time budget ran out before it was 1-minimal.",
                    "\n\n");
  }
  if (!s.repro_c.empty()) {
    absl::StrAppend(&md, "## Reproducer\n\n`", s.repro_c_name,
                    "` in this directory:\n\n```c\n", s.repro_c, "```\n\n");
  }
  if (!s.environment.empty()) {
    md += "## Environment\n\n";
    absl::StrAppend(&md, "- backend: ", s.backend, "\n");
    for (const auto& [name, value] : s.environment) {
      absl::StrAppend(&md, "- ", name, ": ", value, "\n");
    }
    md += "\n";
  }
  if (!s.missing.empty()) {
    md += "## Not in this finding directory\n\n";
    for (const std::string& piece : s.missing) absl::StrAppend(&md, "- ", piece, "\n");
    md += "\n";
  }
  return md;
}

}  // namespace openrace
