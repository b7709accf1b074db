// json_reader_fuzzer.cc — ParseJson (harness/json_reader.h) against any
// bytes: `openrace report` reads stats.json from a directory anyone may
// have edited.
//
// It must never crash or recurse without bound, and every accepted document
// must round-trip: printed back by JsonWriter (JsonValue::WriteTo), it
// parses to a tree that prints the same.

#include <stdio.h>
#include <stdlib.h>

#include <cstdint>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "harness/base/json.h"
#include "harness/base/json_reader.h"

namespace {

// The document as JsonWriter prints it (numbers as written).
std::string Print(const openrace::JsonValue& value) {
  openrace::JsonWriter json;
  value.WriteTo(json);
  return json.Take();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const absl::string_view input(reinterpret_cast<const char*>(data), size);
  const absl::StatusOr<openrace::JsonValue> parsed = openrace::ParseJson(input);
  if (!parsed.ok()) return 0;
  // The typed accessors take any value.
  (void)parsed->AsUint64();
  (void)parsed->AsDouble();
  (void)parsed->Get("rate").AsString();
  const std::string printed = Print(*parsed);
  const absl::StatusOr<openrace::JsonValue> reparsed = openrace::ParseJson(printed);
  if (!reparsed.ok() || Print(*reparsed) != printed) {
    fprintf(stderr, "json_reader_fuzzer: accepted input prints as '%s', which %s\n",
            printed.c_str(),
            reparsed.ok() ? "parses to another tree" : "does not parse");
    abort();
  }
  return 0;
}
