// signature_fuzzer.cc — ParseSignature against any bytes.
//
// A signature names a finding's directory and is read back from it, so
// every accepted signature must round-trip: its ToString() parses to the
// same value, and printing that again gives the same text.
//
// Found by this fuzzer and fixed: a native code of zero read back from
// another table, and an NTSTATUS wider than 32 bits printed truncated; both
// inputs are seeds.

#include <stdio.h>
#include <stdlib.h>

#include <cstdint>
#include <string>

#include "absl/strings/string_view.h"
#include "absl/types/optional.h"
#include "harness/judge/oracle.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace openrace;
  const absl::string_view input(reinterpret_cast<const char*>(data), size);
  const absl::optional<Signature> parsed = ParseSignature(input);
  if (!parsed) return 0;
  const std::string printed = parsed->ToString();
  const absl::optional<Signature> reparsed = ParseSignature(printed);
  if (!reparsed || !(*reparsed == *parsed) ||
      reparsed->ToString() != printed) {
    fprintf(stderr,
            "signature_fuzzer: '%.*s' parses, but its ToString '%s' %s\n",
            static_cast<int>(input.size()), input.data(), printed.c_str(),
            !reparsed ? "does not parse" : "parses to another value");
    abort();
  }
  return 0;
}
