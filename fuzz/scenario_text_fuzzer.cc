// scenario_text_fuzzer.cc — the text form's parser against any bytes.
//
// Every input either is refused with an InvalidArgument that names a line
// and column, or is accepted; an accepted input round-trips: printing the
// parsed value gives text that parses to the same value and prints
// identically (PrintScenario is the canonical form). Validation is not
// required: the printer must spell whatever the parser accepts.

#include <stdio.h>
#include <stdlib.h>

#include <cstdint>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/match.h"
#include "absl/strings/string_view.h"
#include "harness/scenario/scenario_text.h"
#include "harness/scenario/validate.h"

namespace {

[[noreturn]] void Fail(const char* what, const std::string& a,
                       const std::string& b) {
  fprintf(stderr, "scenario_text_fuzzer: %s\n--- first ---\n%s\n--- second ---\n%s\n",
          what, a.c_str(), b.c_str());
  abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace openrace;
  const absl::string_view input(reinterpret_cast<const char*>(data), size);
  absl::StatusOr<Scenario> parsed = ParseScenario(input);
  if (!parsed.ok()) {
    if (!absl::IsInvalidArgument(parsed.status()) ||
        !absl::StartsWith(parsed.status().message(), "line ")) {
      Fail("a refusal must be InvalidArgument naming its line",
           std::string(input), parsed.status().ToString());
    }
    return 0;
  }
  const std::string printed = PrintScenario(*parsed);
  absl::StatusOr<Scenario> reparsed = ParseScenario(printed);
  if (!reparsed.ok()) {
    Fail("the printed form does not parse", printed,
         reparsed.status().ToString());
  }
  if (!(*reparsed == *parsed)) {
    Fail("the printed form parses to another value", printed,
         PrintScenario(*reparsed));
  }
  const std::string reprinted = PrintScenario(*reparsed);
  if (reprinted != printed) {
    Fail("printing is not canonical", printed, reprinted);
  }
  // The validator must give an answer, whatever the parser accepted.
  (void)ValidateScenario(*parsed);
  return 0;
}
