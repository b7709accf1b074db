// corpus_entry.cc — see corpus_entry.h.

#include "harness/store/corpus_entry.h"

#include <algorithm>
#include <filesystem>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "harness/base/file_util.h"
#include "harness/store/finding_store.h"
#include "harness/base/json_reader.h"
#include "harness/judge/oracle.h"
#include "harness/scenario/scenario_text.h"
#include "harness/scenario/validate.h"

namespace openrace {
namespace {

namespace fs = std::filesystem;

constexpr absl::string_view kEmulatorRules[] = {
    "held-relative", "mkdir-relative", "any-relative",
    "sibling-create-enoent", "excl-create-wins", "rename-lost", "stale-open"};

// The value of a `# key: value` line of a scenario file's header.
std::string HeaderValue(absl::string_view text, absl::string_view key) {
  const std::string prefix = absl::StrCat("# ", key, ": ");
  for (absl::string_view line : absl::StrSplit(text, '\n')) {
    if (absl::ConsumePrefix(&line, prefix)) return std::string(line);
  }
  return "";
}

std::string Percent(double rate) {
  return absl::StrFormat("%.3g %%", 100 * rate);
}

}  // namespace

std::string CorpusNameForSignature(absl::string_view signature) {
  std::string name;
  for (char c : signature) {
    const char lower = absl::ascii_tolower(static_cast<unsigned char>(c));
    if (absl::ascii_isalnum(static_cast<unsigned char>(lower))) {
      name += lower;
    } else if (!name.empty() && name.back() != '_') {
      name += '_';
    }
  }
  while (!name.empty() && name.back() == '_') name.pop_back();
  return name.empty() ? "finding" : name;
}

absl::StatusOr<std::string> CheckCorpusName(absl::string_view name) {
  absl::ConsumeSuffix(&name, ".scn");
  const bool ok = !name.empty() && name.size() <= 100 &&
                  std::all_of(name.begin(), name.end(), [](char c) {
                    return absl::ascii_isalnum(static_cast<unsigned char>(c)) ||
                           c == '_' || c == '-';
                  });
  if (!ok) {
    return absl::InvalidArgumentError(absl::StrCat(
        "--name '", name,
        "' must be 1 to 100 letters, digits, '_' or '-' (it names a file "
        "in the corpus directory)"));
  }
  return std::string(name);
}

bool IsEmulatorRule(absl::string_view rule) {
  return std::find(std::begin(kEmulatorRules), std::end(kEmulatorRules),
                   rule) != std::end(kEmulatorRules);
}

std::string EmulatorRuleList() { return absl::StrJoin(kEmulatorRules, ", "); }

absl::StatusOr<CorpusEntry> MakeCorpusEntry(const CorpusEntryOptions& options) {
  const fs::path dir = fs::path(AbsolutePath(options.finding_dir)).lexically_normal();
  // "OUT/<signature>/" names its directory by the part before the slash.
  const fs::path finding =
      dir.filename().empty() ? dir.parent_path() : dir;
  std::error_code ec;
  if (!fs::is_directory(finding, ec)) {
    return absl::InvalidArgumentError(absl::StrCat(
        options.finding_dir, " is not a directory (give OUT/<signature>/)"));
  }
  if (!options.emulator_rule.empty() && !IsEmulatorRule(options.emulator_rule)) {
    return absl::InvalidArgumentError(absl::StrCat(
        "--emulator-rule '", options.emulator_rule,
        "' is not one of ", EmulatorRuleList()));
  }
  CorpusEntry entry;
  entry.signature = finding.filename().string();
  absl::optional<Signature> signature = ParseSignature(entry.signature);
  if (!signature) {
    return absl::InvalidArgumentError(absl::StrCat(
        finding.string(),
        " is not a finding directory: its name is not a signature like "
        "open-invalid_parameter-EINVAL-transient-cwd"));
  }
  if (absl::Status links = RefuseSymbolicLinks(finding.string()); !links.ok()) {
    return links;
  }
  const std::string minimized_path = (finding / "minimized.scn").string();
  const std::string found_path = (finding / "found.scn").string();
  entry.minimized = fs::is_regular_file(minimized_path, ec);
  const std::string source = entry.minimized ? minimized_path : found_path;
  if (!entry.minimized && !fs::is_regular_file(found_path, ec)) {
    return absl::InvalidArgumentError(absl::StrCat(
        finding.string(),
        " is not a finding directory: it has neither minimized.scn nor "
        "found.scn"));
  }
  absl::StatusOr<std::string> source_text = ReadFile(source);
  if (!source_text.ok()) return source_text.status();
  ScenarioPositions positions;
  absl::StatusOr<Scenario> scenario = ParseScenario(*source_text, &positions);
  if (!scenario.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat(source, ": ", scenario.status().message()));
  }
  absl::Status valid = ValidateScenario(*scenario, &positions);
  if (!valid.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat(source, ": invalid scenario: ", valid.message()));
  }

  // Provenance: what the finding directory says about itself.
  std::string failing_call;
  if (absl::StatusOr<std::string> found = ReadFile(found_path); found.ok()) {
    failing_call = HeaderValue(*found, "failing call");
  }
  std::string rate;
  bool one_minimal = false;
  bool emulator = false;         // stats.json: made with the emulator loaded
  std::string emulator_rules;    // its OPENRACE_EMULATOR_RULES, when set
  bool emulator_rules_set = false;
  if (absl::StatusOr<std::string> stats =
          ReadFile((finding / "stats.json").string());
      stats.ok()) {
    if (absl::StatusOr<JsonValue> doc = ParseJson(*stats); doc.ok()) {
      const JsonValue& r = doc->Get("rate");
      const uint64_t rounds = r.Get("rounds").AsUint64().value_or(0);
      if (rounds > 0) {
        rate = absl::StrCat(r.Get("failures").AsUint64().value_or(0), "/",
                            rounds, " rounds (95 % ",
                            Percent(r.Get("low").AsDouble().value_or(0)),
                            " to ",
                            Percent(r.Get("high").AsDouble().value_or(0)), ")");
      }
      one_minimal = doc->Get("one_minimal").AsBool().value_or(false);
      emulator = doc->Get("emulator").AsBool().value_or(false);
      const JsonValue& rules =
          doc->Get("emulator_settings").Get("OPENRACE_EMULATOR_RULES");
      if (rules.AsString()) {
        emulator_rules_set = true;
        emulator_rules = *rules.AsString();
      }
    }
  }
  // A finding made with the emulator loaded is a planted bug: never
  // recorded as a real one. Its rule is the one it ran under.
  std::string rule = options.emulator_rule;
  bool rule_from_stats = false;
  if (rule.empty() && emulator) {
    // The emulator's default rule is held-relative (emulator/README.md).
    const std::string first = emulator_rules_set
                                  ? std::string(absl::StripAsciiWhitespace(
                                        emulator_rules.substr(
                                            0, emulator_rules.find(','))))
                                  : "held-relative";
    if (!IsEmulatorRule(first)) {
      return absl::InvalidArgumentError(absl::StrCat(
          finding.string(),
          " was made with the planted-bug emulator loaded (stats.json) under "
          "no rule openrace knows; give --emulator-rule to record it as planted"));
    }
    rule = first;
    rule_from_stats = true;
  }
  uint64_t occurrences = 0;
  if (absl::StatusOr<FindingStore> store =
          FindingStore::Open(finding.parent_path().string());
      store.ok()) {
    occurrences = store->Occurrences(*signature);
  }

  std::string& t = entry.text;
  absl::StrAppend(&t, "# ", entry.signature, "\n");
  if (rule.empty()) {
    absl::StrAppend(
        &t,
        "# A real bug: a file system answered this scenario wrongly. It must\n"
        "# replay clean where the bug is absent or fixed, so a regression\n"
        "# fails CI.\n");
  } else {
    absl::StrAppend(&t, "# Planted by the emulator's rule ", rule,
                    ": clean without it, and openrace must\n"
                    "# keep finding it with the rule loaded.\n");
    if (rule_from_stats) {
      absl::StrAppend(&t, "# (stats.json says the finding was made with the "
                          "emulator loaded, under this rule.)\n");
    }
  }
  absl::StrAppend(&t, "# added by openrace corpus add on ",
                  absl::FormatTime("%Y-%m-%d", options.now, absl::UTCTimeZone()),
                  " from ", finding.string(), "\n");
  if (!failing_call.empty()) {
    absl::StrAppend(&t, "# failing call (as found): ", failing_call, "\n");
  }
  if (!rate.empty()) absl::StrAppend(&t, "# rate: ", rate, "\n");
  if (occurrences > 0) {
    absl::StrAppend(&t, "# occurrences: ", occurrences,
                    " scenario(s) of the campaign\n");
  }
  if (entry.minimized) {
    absl::StrAppend(&t, "# scenario: minimized.scn",
                    one_minimal ? " (1-minimal)" : " (not 1-minimal)", "\n");
  } else {
    absl::StrAppend(&t,
                    "# scenario: found.scn as generated; the finding was never "
                    "minimized\n");
  }
  absl::StrAppend(&t, "# expect: ", CorpusExpectation{}.ToString(), "\n");
  if (!rule.empty()) {
    CorpusExpectation planted;
    planted.emulator_rule = rule;
    planted.signature = entry.signature;
    absl::StrAppend(&t, "# expect: ", planted.ToString(), "\n");
  }
  entry.planted = !rule.empty();
  absl::StrAppend(&t, PrintScenario(*scenario));
  entry.default_name = CorpusNameForSignature(entry.signature);
  return entry;
}

std::string CorpusExpectation::ToString() const {
  if (clean()) return "clean";
  return absl::StrCat("finding ", signature, " under emulator rule ",
                      emulator_rule);
}

absl::StatusOr<std::vector<CorpusExpectation>> ParseCorpusExpectations(
    absl::string_view text) {
  std::vector<CorpusExpectation> expectations;
  int number = 0;
  for (absl::string_view line : absl::StrSplit(text, '\n')) {
    ++number;
    absl::ConsumeSuffix(&line, "\r");
    if (!absl::ConsumePrefix(&line, "# expect:")) continue;
    const std::vector<absl::string_view> words =
        absl::StrSplit(line, ' ', absl::SkipEmpty());
    CorpusExpectation e;
    e.line = number;
    if (words.size() == 1 && words[0] == "clean") {
      expectations.push_back(e);
      continue;
    }
    if (words.size() == 6 && words[0] == "finding" && words[2] == "under" &&
        words[3] == "emulator" && words[4] == "rule") {
      if (!ParseSignature(words[1])) {
        return absl::InvalidArgumentError(absl::StrCat(
            "line ", number, ": '", words[1],
            "' is not a signature like "
            "open-invalid_parameter-EINVAL-transient-cwd"));
      }
      if (!IsEmulatorRule(words[5])) {
        return absl::InvalidArgumentError(absl::StrCat(
            "line ", number, ": emulator rule '", words[5],
            "' is not one of ", EmulatorRuleList()));
      }
      e.signature = std::string(words[1]);
      e.emulator_rule = std::string(words[5]);
      expectations.push_back(e);
      continue;
    }
    return absl::InvalidArgumentError(absl::StrCat(
        "line ", number, ": '# expect:", line,
        "' is neither '# expect: clean' nor '# expect: finding SIGNATURE "
        "under emulator rule RULE'"));
  }
  if (expectations.empty()) {
    return absl::InvalidArgumentError(
        "states no expectation (a '# expect: clean' or '# expect: finding "
        "SIGNATURE under emulator rule RULE' line)");
  }
  return expectations;
}

std::string CheckCorpusExpectation(const CorpusExpectation& expectation,
                                   const CorpusReplay& replay) {
  if (expectation.clean()) {
    if (replay.findings.empty()) return "";
    std::string found;
    for (const auto& [signature, n] : replay.findings) {
      absl::StrAppend(&found, found.empty() ? "" : ", ", signature, " in ", n,
                      " of ", replay.rounds, " rounds");
    }
    return absl::StrCat("expected clean; found ", found);
  }
  if (replay.findings.count(expectation.signature)) return "";
  std::string found = "nothing";
  if (!replay.findings.empty()) {
    found.clear();
    for (const auto& [signature, n] : replay.findings) {
      absl::StrAppend(&found, found.empty() ? "" : ", ", signature);
    }
  }
  return absl::StrCat("expected ", expectation.signature,
                      " under emulator rule ", expectation.emulator_rule,
                      "; found ", found, " in ", replay.rounds, " rounds");
}

}  // namespace openrace
