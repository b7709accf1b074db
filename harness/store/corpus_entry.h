// corpus_entry.h — `openrace corpus add`: a finding directory turned into a
// regression corpus file (corpus/*.scn), which CI replays through
// ci/check_corpus_file.sh on every run.
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

#ifndef OPENRACE_HARNESS_STORE_CORPUS_ENTRY_H_
#define OPENRACE_HARNESS_STORE_CORPUS_ENTRY_H_

#include <string>

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

}  // namespace openrace

#endif  // OPENRACE_HARNESS_STORE_CORPUS_ENTRY_H_
