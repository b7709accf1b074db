// corpus_entry.h — `openrace corpus add`: a finding directory turned into a
// regression corpus file (corpus/*.scn); and what such a file expects, which
// `openrace replay --check` checks (CTest runs it on every corpus file
// through openrace_add_corpus, cmake/openraceCorpus.cmake).
//
// The file holds the finding's minimized scenario (its found.scn when it
// was never minimized — the entry says so), printed canonically after it
// parsed and validated, under a header that records where it came from
// (signature, failing call, rate, occurrences, date, source directory) and
// what CI must see when it replays it:
//   - a real bug (the default): `# expect: clean`. The file system the
//     finding came from was wrong; CI's, and that one once fixed, must
//     answer this scenario correctly, so a regression — of the file system
//     or of openrace's oracle — fails CI.
//   - a bug planted by the emulator (`--emulator-rule R`, or a finding
//     whose stats.json says it was made with the emulator loaded: R is the
//     first rule of its OPENRACE_EMULATOR_RULES, held-relative when unset):
//     `# expect: clean` and `# expect: finding SIG under emulator rule R`:
//     clean without the emulator, and openrace must keep finding it with
//     the rule loaded. An emulator finding is never recorded as a real bug.
//
// Example:
//   absl::StatusOr<CorpusEntry> entry = MakeCorpusEntry(
//       {.finding_dir = "openrace-out/open-...-cwd", .now = absl::Now()});
//   WriteFileAtomically("corpus/" + entry->default_name + ".scn", entry->text);
//
// Checking a file (replay --check): ParseCorpusExpectations reads its
// `# expect:` lines; the command replays the file once per expectation (an
// emulator expectation with the emulator preloaded, rule R, p = 0.05,
// rooted at the replay directory) and CheckCorpusExpectation compares the
// findings with what was expected.

#ifndef OPENRACE_HARNESS_STORE_CORPUS_ENTRY_H_
#define OPENRACE_HARNESS_STORE_CORPUS_ENTRY_H_

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"

namespace openrace {

struct CorpusEntryOptions {
  std::string finding_dir;    // OUT/<signature>/
  std::string emulator_rule;  // empty: from stats.json's `emulator`, else
                              // a real bug, expected clean
  absl::Time now;             // the date in the provenance
};

struct CorpusEntry {
  std::string signature;
  std::string default_name;  // from the signature, without ".scn"
  bool minimized = false;    // false: found.scn was used
  bool planted = false;      // recorded as the emulator's bug
  std::string text;          // the whole corpus file
};

absl::StatusOr<CorpusEntry> MakeCorpusEntry(const CorpusEntryOptions& options);

// A signature as a corpus file name: lower case, every run of characters
// other than [a-z0-9] one '_'.
std::string CorpusNameForSignature(absl::string_view signature);

// A --name: letters, digits, '_' and '-' only (".scn" at the end is
// dropped). Returns the name without ".scn".
absl::StatusOr<std::string> CheckCorpusName(absl::string_view name);

// The emulator's rules (emulator/README.md).
bool IsEmulatorRule(absl::string_view rule);
// "held-relative, mkdir-relative, ...": every rule, for messages and help.
std::string EmulatorRuleList();

// One `# expect:` line of a corpus file:
//   # expect: clean
//       a replay finds nothing;
//   # expect: finding SIGNATURE under emulator rule RULE
//       a replay with the planted-bug emulator loaded (rule RULE) reports
//       SIGNATURE (other findings beside it are allowed).
struct CorpusExpectation {
  int line = 0;               // 1-based, in the file
  std::string emulator_rule;  // empty: `clean`
  std::string signature;      // with a rule: the finding expected
  bool clean() const { return emulator_rule.empty(); }
  // The line's text after "# expect: ".
  std::string ToString() const;
};

// Every `# expect:` line of a scenario file, in order. Fails, naming the
// line, on one that is neither form, an unknown rule or a malformed
// signature; and when the file has none.
absl::StatusOr<std::vector<CorpusExpectation>> ParseCorpusExpectations(
    absl::string_view text);

// What one replay of `rounds` rounds showed: the rounds each signature was
// found in.
struct CorpusReplay {
  uint64_t rounds = 0;
  std::map<std::string, uint64_t> findings;
};

// Empty when `replay` meets `expectation`; otherwise why not, in one line
// (e.g. "expected clean; found open-...-cwd in 3 of 2000 rounds").
std::string CheckCorpusExpectation(const CorpusExpectation& expectation,
                                   const CorpusReplay& replay);

}  // namespace openrace

#endif  // OPENRACE_HARNESS_STORE_CORPUS_ENTRY_H_
