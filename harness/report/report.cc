// report.cc — see report.h.

#include "harness/report/report.h"

#include <cmath>
#include <cstdint>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_replace.h"
#include "harness/base/json.h"
#include "harness/base/json_reader.h"
#include "harness/repro/stats.h"
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
  if (trace.end_read) {
    // What the sandbox held after the round: a lost effect's evidence.
    json.Key("end_tree").BeginArray();
    for (const TreeEntry& e : trace.end_tree) {
      json.BeginObject();
      json.Key("kind").String(e.kind == EntryKind::kDirectory ? "dir" : "file");
      json.Key("path").String(e.path);
      json.EndObject();
    }
    json.EndArray();
  }
  json.EndObject();
}

// A table cell's text: a '|' would end the cell, even inside backquotes.
std::string EscapePipes(absl::string_view text) {
  return absl::StrReplaceAll(text, {{"|", "\\|"}});
}

// "1-minimal", "partial" (the budget ran out first) or "no".
std::string MinimizedState(const FindingSummary& s) {
  if (!s.minimized) return "no";
  return s.one_minimal ? "1-minimal" : "partial";
}

void WriteProvenance(JsonWriter& json, const Provenance& p) {
  json.Key("version").String(p.version);
  json.Key("command").String(p.command);
  if (p.seed) json.Key("seed").Number(*p.seed);
  if (p.scenario_index) json.Key("scenario_index").Number(*p.scenario_index);
  json.Key("emulator").Bool(p.emulator);
  if (p.emulator) {
    json.Key("emulator_settings").BeginObject();
    for (const auto& [name, value] : p.emulator_settings) {
      json.Key(name).String(value);
    }
    json.EndObject();
  }
}

std::string EmulatorLine(const Provenance& p) {
  std::vector<std::string> settings;
  for (const auto& [name, value] : p.emulator_settings) {
    settings.push_back(absl::StrCat(name, "=", value));
  }
  return settings.empty() ? "loaded" : absl::StrJoin(settings, " ");
}

}  // namespace

absl::optional<NativeKind> ParseNativeKind(absl::string_view name) {
  for (NativeKind kind :
       {NativeKind::kErrno, NativeKind::kNtStatus, NativeKind::kWin32Error}) {
    if (NativeKindName(kind) == name) return kind;
  }
  return absl::nullopt;
}

namespace {

void WriteCounts(JsonWriter& json, const CandidateCounts& c) {
  json.Key("measured").Number(c.measured);
  json.Key("unrunnable").Number(c.unrunnable);
  json.Key("skipped").Number(c.skipped);
  json.Key("skip_reasons").BeginObject();
  for (const auto& [reason, count] : c.skip_reasons) json.Key(reason).Number(count);
  json.EndObject();
}

// Why a minimization is partial, for report.md.
std::string PartialReason(const FindingSummary& s) {
  if (!s.unusable.empty()) {
    return absl::StrCat("partial: the file system became unusable (",
                        s.unusable, ")");
  }
  if (s.last_cycle.skipped > 0) {
    std::string reasons;
    for (const auto& [reason, count] : s.last_cycle.skip_reasons) {
      absl::StrAppend(&reasons, reasons.empty() ? "" : "; ", count, " ", reason);
    }
    return absl::StrCat("partial: of the last cycle's candidates ",
                        s.last_cycle.measured, " were measured, ",
                        s.last_cycle.unrunnable, " could not run, and ",
                        s.last_cycle.skipped, " were skipped (", reasons,
                        ")");
  }
  return "partial: the time budget ran out before it was 1-minimal";
}

}  // namespace

void FindingSummary::RecordMinimized(const MinimizeResult& result) {
  minimized = result.scenario;
  one_minimal = result.one_minimal;
  steps = result.steps;
  candidates_tried = result.candidates_tried;
  candidates = result.candidates;
  last_cycle = result.last_cycle;
  sandbox_breaks = result.sandbox_breaks;
  unusable = result.unusable;
  minimize_rounds = result.rounds_run;
  failures = result.failures;
  rounds = result.rounds;
  rate = result.rate;
  pinned = result.pinned;
  orderings = result.orderings;
}

std::string StatsJson(const FindingSummary& s) {
  const Scenario& shown = Shown(s);
  JsonWriter json;
  json.BeginDocument();
  json.Key("signature").String(s.signature.ToString());
  json.Key("verdict").String(VerdictName(s.signature.verdict));
  json.Key("backend").String(s.backend);
  WriteProvenance(json, s.provenance);
  json.Key("threads").Number(static_cast<uint64_t>(shown.threads.size()));
  json.Key("ops").Number(static_cast<uint64_t>(CountCalls(shown)));
  json.Key("minimized").String(MinimizedState(s));
  json.Key("one_minimal").Bool(s.one_minimal);
  json.Key("pinned").Bool(s.pinned);
  json.Key("orderings").BeginArray();
  for (const std::string& ordering : s.orderings) json.String(ordering);
  json.EndArray();
  json.Key("occurrences").Number(s.occurrences);
  json.Key("candidates_tried").Number(s.candidates_tried);
  json.Key("candidates").BeginObject();
  WriteCounts(json, s.candidates);
  json.Key("last_cycle").BeginObject();
  WriteCounts(json, s.last_cycle);
  json.EndObject();
  json.EndObject();
  json.Key("sandbox_breaks").BeginArray();
  for (const SandboxBreak& b : s.sandbox_breaks) {
    json.BeginObject();
    json.Key("after").String(b.after);
    json.Key("rounds").Number(b.rounds);
    json.Key("error").String(b.error);
    json.Key("kept").String(b.kept);
    json.EndObject();
  }
  json.EndArray();
  if (!s.unusable.empty()) json.Key("unusable").String(s.unusable);
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
  json.Key("variants").BeginArray();
  for (const VariantSummary& v : s.variants) {
    json.BeginObject();
    json.Key("signature").String(v.signature);
    json.Key("occurrences").Number(v.occurrences);
    if (v.scenario_index) json.Key("scenario_index").Number(*v.scenario_index);
    json.Key("failing_call").String(v.failing_call);
    json.Key("file").String(v.file);
    json.EndObject();
  }
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
  const bool lost = s.signature.verdict == Verdict::kLost;
  absl::StrAppend(&md, "# ", OpKindName(s.signature.op),
                  lost ? " succeeds but its effect is lost"
                  : s.signature.outcome.ok()
                      ? " succeeds where no order allows it"
                      : absl::StrCat(" fails with ",
                                     OutcomeName(s.signature.outcome)),
                  " (",
                  VerdictName(s.signature.verdict), ", ",
                  AnchorName(s.signature.anchor), " anchor)\n\n");
  absl::StrAppend(&md, "Signature: `", s.signature.ToString(), "`\n\n");
  if (s.provenance.emulator) {
    absl::StrAppend(
        &md,
        "> **A planted bug.** This finding was made with openrace's "
        "planted-bug emulator loaded (`", EmulatorLine(s.provenance),
        "`): the failures are the emulator's, not the file system's. Do not "
        "report it upstream.\n\n");
  }

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
    case Verdict::kLost:
      md += "Every call's answer has an order that explains it, but the "
            "entries the round left in the directory (read back after it) "
            "are not what any such order leaves: this call's effect was "
            "lost or misplaced.";
      break;
  }
  md += "\n\n";
  if (s.rounds > 0) {
    absl::StrAppend(&md, "Rate: ", s.failures, " of ", s.rounds,
                    " rounds (", Percent(double(s.failures) / s.rounds),
                    "; 95% Wilson interval ", Percent(s.rate.low), " to ",
                    Percent(s.rate.high), ") of the ",
                    s.minimized ? "minimized" : "found",
                    " scenario showed the bug: ", OpKindName(s.signature.op),
                    lost ? absl::StrCat(
                               " succeeding with its effect missing from the "
                               "state the round left (read back on one round "
                               "in ", ExecutorOptions{}.read_back_every,
                               " only, so the rate shown is that share of the "
                               "bug's), through any anchor")
                         : absl::StrCat(" failing with ",
                                        OutcomeName(s.signature.outcome),
                                        ", through any anchor, whether or "
                                        "not its retry failed"),
                    s.bisect.empty() ? ""
                                     : " (the bisection's \"as found\" row "
                                       "is this measurement)",
                    ".\n\n");
  }
  if (!s.orderings.empty()) {
    md += "The scenario pins the interleaving every failing round showed, "
          "with barriers:\n\n";
    for (const std::string& ordering : s.orderings) {
      absl::StrAppend(&md, "- ", ordering, "\n");
    }
    md += "\n";
  }
  if (!s.variants.empty()) {
    md += "## Variants\n\n"
          "Other signatures of this bug (the same call kind, status and "
          "native code; another anchor, or a retry that failed too), each "
          "seen in scenarios of its own and counted here, not minimized "
          "again. The scenario that first showed each is in its file.\n\n"
          "| signature | occurrences | scenario | failing call | file |\n"
          "| --- | ---: | ---: | --- | --- |\n";
    for (const VariantSummary& v : s.variants) {
      absl::StrAppend(&md, "| `", v.signature, "` | ", v.occurrences, " | ",
                      v.scenario_index ? absl::StrCat(*v.scenario_index) : "-",
                      " | `", EscapePipes(v.failing_call), "` | ", v.file,
                      " |\n");
    }
    md += "\n";
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
    md += "\n[bisect.svg](bisect.svg) in this directory draws the same as "
          "bars, each with its 95 % interval.\n\n";
  }
  if (!s.timeline_ascii.empty()) {
    absl::StrAppend(&md, "## A failing round\n\n```\n", s.timeline_ascii,
                    "```\n\n[timeline.svg](timeline.svg) in this directory "
                    "draws the same, with each held handle's span.\n\n");
    if (s.failing_round && s.failing_round->end_read) {
      // A lost update's evidence: what the directory held after it.
      md += "The directory held, after the round's calls (read back before "
            "the tree was put back):\n\n```\n";
      for (const TreeEntry& e : s.failing_round->end_tree) {
        absl::StrAppend(&md, e.path,
                        e.kind == EntryKind::kDirectory ? "/" : "", "\n");
      }
      if (s.failing_round->end_tree.empty()) md += "(nothing)\n";
      md += "```\n\n";
    }
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
                        : absl::StrCat(PartialReason(s),
                                       " (`openrace minimize minimized.scn` "
                                       "goes on from here)."),
                    s.pinned ? " Its barriers pin the interleaving above." : "",
                    "\n\n");
    const CandidateCounts& c = s.candidates;
    if (c.measured + c.unrunnable + c.skipped > 0) {
      absl::StrAppend(&md, "Candidates: ", c.measured, " measured, ",
                      c.unrunnable, " could not run, ", c.skipped,
                      " skipped.\n\n");
    }
  }
  if (!s.sandbox_breaks.empty()) {
    md += "## Second symptom: the sandbox could no longer be reset\n\n";
    for (const SandboxBreak& b : s.sandbox_breaks) {
      absl::StrAppend(&md, "- after ", b.rounds, " round(s) of ", b.after,
                      " the sandbox could no longer be reset: `", b.error,
                      "`", b.kept.empty() ? "" : absl::StrCat("; kept as `",
                                                             b.kept, "`"),
                      "\n");
    }
    absl::StrAppend(&md, "\n", s.unusable.empty()
                                  ? "Each time, a fresh sandbox took its place."
                                  : absl::StrCat("Then the file system became "
                                                 "unusable: ", s.unusable, "."),
                    "\n\n");
  }
  if (!s.repro_c.empty()) {
    absl::StrAppend(&md, "## Reproducer\n\n`", s.repro_c_name,
                    "` in this directory:\n\n```c\n", s.repro_c, "```\n\n");
  }
  md += "## Provenance\n\n";
  absl::StrAppend(&md, "- openrace ",
                  s.provenance.version.empty() ? "(version unknown)"
                                               : s.provenance.version,
                  "\n");
  if (!s.provenance.command.empty()) {
    absl::StrAppend(&md, "- command: `", s.provenance.command, "`\n");
  }
  if (s.provenance.seed) absl::StrAppend(&md, "- seed: ", *s.provenance.seed, "\n");
  if (s.provenance.scenario_index) {
    absl::StrAppend(&md, "- scenario index: ", *s.provenance.scenario_index,
                    "\n");
  }
  absl::StrAppend(&md, "- backend: ", s.backend, "\n");
  absl::StrAppend(&md, "- planted-bug emulator: ",
                  s.provenance.emulator
                      ? absl::StrCat("loaded (`", EmulatorLine(s.provenance), "`)")
                      : "not loaded",
                  "\n\n");
  if (!s.environment.empty()) {
    md += "## Environment\n\n";
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

namespace {

// A member of an object, or nullptr (JsonValue::Get reads absent as null).
const JsonValue* Find(const JsonValue& object, absl::string_view key) {
  return object.Has(key) ? &object.Get(key) : nullptr;
}

// Reads stats.json's fields into `s`; errors say which field is wrong.
class StatsReader {
 public:
  StatsReader(const JsonValue& root, std::string path)
      : root_(root), path_(std::move(path)) {}

  absl::Status Bad(absl::string_view field, absl::string_view expected) const {
    return absl::InvalidArgumentError(
        absl::StrCat(path_, ": '", field, "' is not ", expected));
  }

  absl::StatusOr<uint64_t> Count(const JsonValue& object,
                                 absl::string_view key) const {
    const JsonValue* value = Find(object, key);
    if (value == nullptr) return uint64_t{0};
    absl::optional<uint64_t> n = value->AsUint64();
    if (!n) return Bad(key, "a count (a non-negative integer)");
    return *n;
  }

  absl::Status ReadCounts(const JsonValue& object, CandidateCounts* c) const {
    for (auto [key, field] : {std::pair{"measured", &c->measured},
                              std::pair{"unrunnable", &c->unrunnable},
                              std::pair{"skipped", &c->skipped}}) {
      absl::StatusOr<uint64_t> n = Count(object, key);
      if (!n.ok()) return n.status();
      *field = *n;
    }
    if (const JsonValue* reasons = Find(object, "skip_reasons")) {
      if (reasons->kind() != JsonValue::Kind::kObject) {
        return Bad("skip_reasons", "an object of counts");
      }
      for (const auto& [reason, value] : reasons->members()) {
        absl::optional<uint64_t> n = value.AsUint64();
        if (!n) return Bad("skip_reasons", "an object of counts");
        c->skip_reasons[reason] = *n;
      }
    }
    return absl::OkStatus();
  }

  absl::StatusOr<int64_t> Signed(const JsonValue& object,
                                 absl::string_view key) const {
    const JsonValue* value = Find(object, key);
    if (value == nullptr) return int64_t{0};
    if (absl::optional<uint64_t> n = value->AsUint64();
        n && *n <= uint64_t{INT64_MAX}) {
      return static_cast<int64_t>(*n);
    }
    // A negative count: exact below 2^53, far beyond any time or code here.
    absl::optional<double> d = value->AsDouble();
    if (!d || *d != std::floor(*d) || *d < -9007199254740992.0 || *d >= 0) {
      return Bad(key, "an integer");
    }
    return static_cast<int64_t>(*d);
  }

  absl::StatusOr<Outcome> ReadOutcome(const JsonValue& value) const {
    const JsonValue* status = Find(value, "status");
    const JsonValue* kind = Find(value, "kind");
    absl::optional<StatusClass> parsed_status =
        status && status->AsString() ? ParseStatusClass(*status->AsString())
                                     : absl::nullopt;
    absl::optional<NativeKind> parsed_kind =
        kind && kind->AsString() ? ParseNativeKind(*kind->AsString())
                                 : absl::nullopt;
    if (!parsed_status || !parsed_kind) {
      return Bad("outcome", "{status, native, kind} with known names");
    }
    absl::StatusOr<int64_t> native = Signed(value, "native");
    if (!native.ok()) return native.status();
    return Outcome{*parsed_status, *native, *parsed_kind};
  }

  // failing_round, checked against the scenario it was drawn from.
  absl::Status ReadRound(const JsonValue& value, const Scenario& shown,
                         FindingSummary& s) const {
    absl::StatusOr<uint64_t> thread = Count(value, "thread");
    absl::StatusOr<uint64_t> op = Count(value, "op");
    absl::StatusOr<uint64_t> round = Count(value, "round");
    if (!thread.ok()) return thread.status();
    if (!op.ok()) return op.status();
    if (!round.ok()) return round.status();
    const JsonValue* records = Find(value, "records");
    if (*thread < 1 || *thread > shown.threads.size() || *op < 1 ||
        *op > shown.threads[*thread - 1].ops.size() || records == nullptr ||
        records->kind() != JsonValue::Kind::kArray ||
        records->elements().size() != shown.threads.size()) {
      return Bad("failing_round",
                 "a round of the scenario shown (thread and op from 1, a "
                 "list of records per thread)");
    }
    RoundTrace trace;
    trace.round = *round;
    const JsonValue* hang = Find(value, "hang");
    trace.hang = hang != nullptr && hang->AsBool().value_or(false);
    for (size_t t = 0; t < records->elements().size(); ++t) {
      const JsonValue& thread_records = records->elements()[t];
      if (thread_records.kind() != JsonValue::Kind::kArray ||
          thread_records.elements().size() > shown.threads[t].ops.size()) {
        return Bad("failing_round", "one record per operation of each thread");
      }
      trace.records.emplace_back();
      for (const JsonValue& item : thread_records.elements()) {
        OpRecord record;
        const JsonValue* ran = Find(item, "ran");
        record.ran = ran != nullptr && ran->AsBool().value_or(false);
        for (auto [key, field] :
             {std::pair{"start_ns", &record.start_ns},
              std::pair{"end_ns", &record.end_ns},
              std::pair{"retry_end_ns", &record.retry_end_ns}}) {
          absl::StatusOr<int64_t> n = Signed(item, key);
          if (!n.ok()) return n.status();
          *field = *n;
        }
        const JsonValue* outcome = Find(item, "outcome");
        if (outcome == nullptr) return Bad("outcome", "there");
        absl::StatusOr<Outcome> parsed = ReadOutcome(*outcome);
        if (!parsed.ok()) return parsed.status();
        record.outcome = *parsed;
        if (const JsonValue* retry = Find(item, "retry")) {
          absl::StatusOr<Outcome> parsed_retry = ReadOutcome(*retry);
          if (!parsed_retry.ok()) return parsed_retry.status();
          record.retry = *parsed_retry;
        }
        trace.records.back().push_back(record);
      }
    }
    if (const JsonValue* end = Find(value, "end_tree")) {
      if (end->kind() != JsonValue::Kind::kArray) {
        return Bad("end_tree", "a list of {kind, path}");
      }
      trace.end_read = true;
      for (const JsonValue& item : end->elements()) {
        const JsonValue* kind = Find(item, "kind");
        const JsonValue* path = Find(item, "path");
        absl::optional<std::string> k = kind ? kind->AsString() : absl::nullopt;
        absl::optional<std::string> p = path ? path->AsString() : absl::nullopt;
        if (!k || !p || (*k != "dir" && *k != "file")) {
          return Bad("end_tree", "entries of kind dir or file, with a path");
        }
        trace.end_tree.push_back(
            {*k == "dir" ? EntryKind::kDirectory : EntryKind::kFile, *p});
      }
    }
    s.failing_round = std::move(trace);
    s.failing_op = OpRef{*thread - 1, *op - 1};
    return absl::OkStatus();
  }

  absl::Status Read(FindingSummary& s) const {
    if (root_.kind() != JsonValue::Kind::kObject) {
      return absl::InvalidArgumentError(
          absl::StrCat(path_, ": expected a JSON object"));
    }
    for (auto [key, field] : {std::pair{"backend", &s.backend},
                              std::pair{"version", &s.provenance.version},
                              std::pair{"command", &s.provenance.command}}) {
      if (const JsonValue* value = Find(root_, key)) {
        if (!value->AsString()) return Bad(key, "a string");
        *field = *value->AsString();
      }
    }
    for (auto [key, field] :
         {std::pair{"seed", &s.provenance.seed},
          std::pair{"scenario_index", &s.provenance.scenario_index}}) {
      if (Find(root_, key) == nullptr) continue;
      absl::StatusOr<uint64_t> n = Count(root_, key);
      if (!n.ok()) return n.status();
      *field = *n;
    }
    for (auto [key, field] : {std::pair{"emulator", &s.provenance.emulator},
                              std::pair{"pinned", &s.pinned}}) {
      if (const JsonValue* value = Find(root_, key)) {
        if (!value->AsBool()) return Bad(key, "true or false");
        *field = *value->AsBool();
      }
    }
    if (const JsonValue* settings = Find(root_, "emulator_settings")) {
      if (settings->kind() != JsonValue::Kind::kObject) {
        return Bad("emulator_settings", "an object of strings");
      }
      for (const auto& [name, value] : settings->members()) {
        if (!value.AsString()) return Bad("emulator_settings", "an object of strings");
        s.provenance.emulator_settings.emplace_back(name, *value.AsString());
      }
    }
    if (const JsonValue* orderings = Find(root_, "orderings")) {
      if (orderings->kind() != JsonValue::Kind::kArray) return Bad("orderings", "a list");
      for (const JsonValue& ordering : orderings->elements()) {
        if (!ordering.AsString()) return Bad("orderings", "a list of strings");
        s.orderings.push_back(*ordering.AsString());
      }
    }
    if (const JsonValue* one_minimal = Find(root_, "one_minimal")) {
      if (!one_minimal->AsBool()) return Bad("one_minimal", "true or false");
      s.one_minimal = *one_minimal->AsBool();
    }
    for (auto [key, field] : {std::pair{"occurrences", &s.occurrences},
                              std::pair{"candidates_tried", &s.candidates_tried},
                              std::pair{"minimize_rounds", &s.minimize_rounds}}) {
      absl::StatusOr<uint64_t> n = Count(root_, key);
      if (!n.ok()) return n.status();
      *field = *n;
    }
    if (const JsonValue* rate = Find(root_, "rate")) {
      absl::StatusOr<uint64_t> failures = Count(*rate, "failures");
      absl::StatusOr<uint64_t> rounds = Count(*rate, "rounds");
      if (!failures.ok()) return failures.status();
      if (!rounds.ok()) return rounds.status();
      if (*failures > *rounds) return Bad("rate", "failures within rounds");
      s.failures = *failures;
      s.rounds = *rounds;
      // The interval is a function of the counts: recomputed, not re-read
      // from its 6 printed digits.
      if (s.rounds > 0) s.rate = WilsonInterval(s.failures, s.rounds);
    }
    if (const JsonValue* candidates = Find(root_, "candidates")) {
      if (absl::Status st = ReadCounts(*candidates, &s.candidates); !st.ok()) {
        return st;
      }
      if (const JsonValue* cycle = Find(*candidates, "last_cycle")) {
        if (absl::Status st = ReadCounts(*cycle, &s.last_cycle); !st.ok()) {
          return st;
        }
      }
    }
    if (const JsonValue* breaks = Find(root_, "sandbox_breaks")) {
      if (breaks->kind() != JsonValue::Kind::kArray) {
        return Bad("sandbox_breaks", "a list");
      }
      for (const JsonValue& row : breaks->elements()) {
        SandboxBreak b;
        absl::StatusOr<uint64_t> rounds = Count(row, "rounds");
        if (!rounds.ok()) return rounds.status();
        b.rounds = *rounds;
        for (auto [key, field] : {std::pair{"after", &b.after},
                                  std::pair{"error", &b.error},
                                  std::pair{"kept", &b.kept}}) {
          const JsonValue* value = Find(row, key);
          if (value == nullptr) continue;
          if (!value->AsString()) {
            return Bad("sandbox_breaks", "a list of {after, rounds, error, kept}");
          }
          *field = *value->AsString();
        }
        s.sandbox_breaks.push_back(std::move(b));
      }
    }
    if (const JsonValue* unusable = Find(root_, "unusable")) {
      if (!unusable->AsString()) return Bad("unusable", "a string");
      s.unusable = *unusable->AsString();
    }
    if (const JsonValue* bisect = Find(root_, "bisect")) {
      if (bisect->kind() != JsonValue::Kind::kArray) return Bad("bisect", "a list");
      for (const JsonValue& row : bisect->elements()) {
        const JsonValue* variation = Find(row, "variation");
        absl::StatusOr<uint64_t> failures = Count(row, "failures");
        absl::StatusOr<uint64_t> rounds = Count(row, "rounds");
        if (variation == nullptr || !variation->AsString() || !failures.ok() ||
            !rounds.ok() || *failures > *rounds) {
          return Bad("bisect", "a list of {variation, failures, rounds}");
        }
        s.bisect.push_back(BisectRow{*variation->AsString(), *failures, *rounds});
      }
    }
    if (const JsonValue* steps = Find(root_, "steps")) {
      if (steps->kind() != JsonValue::Kind::kArray) return Bad("steps", "a list");
      for (const JsonValue& step : steps->elements()) {
        if (!step.AsString()) return Bad("steps", "a list of strings");
        s.steps.push_back(*step.AsString());
      }
    }
    if (const JsonValue* environment = Find(root_, "environment")) {
      if (environment->kind() != JsonValue::Kind::kObject) {
        return Bad("environment", "an object of strings");
      }
      for (const auto& [name, value] : environment->members()) {
        if (!value.AsString()) return Bad("environment", "an object of strings");
        s.environment.emplace_back(name, *value.AsString());
      }
    }
    return absl::OkStatus();
  }

 private:
  const JsonValue& root_;
  std::string path_;
};

}  // namespace

absl::Status ReadStatsJson(absl::string_view text, absl::string_view path,
                           FindingSummary& s) {
  const std::string where(path);
  absl::StatusOr<JsonValue> json = ParseJson(text);
  if (!json.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat(where, ": ", json.status().message()));
  }
  StatsReader reader(*json, where);
  if (absl::Status status = reader.Read(s); !status.ok()) return status;
  if (const JsonValue* round = Find(*json, "failing_round")) {
    const Scenario& shown = s.minimized ? *s.minimized : s.found;
    return reader.ReadRound(*round, shown, s);
  }
  return absl::OkStatus();
}

}  // namespace openrace
