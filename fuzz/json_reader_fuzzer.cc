// json_reader_fuzzer.cc — ParseJson (harness/json_reader.h) against any
// bytes: `openrace report` reads stats.json from a directory anyone may
// have edited.
//
// It must never crash or recurse without bound, and every accepted document
// must round-trip: printed back compactly (strings through JsonQuote, the
// writer's own escaping), it parses to the same tree, which prints the same.

#include <stdio.h>
#include <stdlib.h>

#include <cstdint>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "harness/json.h"
#include "harness/json_reader.h"

namespace {

using openrace::JsonValue;

std::string Print(const JsonValue& value) {
  switch (value.kind) {
    case JsonValue::Kind::kNull:
      return "null";
    case JsonValue::Kind::kBool:
      return value.boolean ? "true" : "false";
    case JsonValue::Kind::kNumber:
      return value.text;
    case JsonValue::Kind::kString:
      return openrace::JsonQuote(value.text);
    case JsonValue::Kind::kArray: {
      std::string out = "[";
      for (size_t i = 0; i < value.items.size(); ++i) {
        if (i > 0) out += ",";
        out += Print(value.items[i]);
      }
      return out + "]";
    }
    case JsonValue::Kind::kObject: {
      std::string out = "{";
      for (size_t i = 0; i < value.members.size(); ++i) {
        if (i > 0) out += ",";
        out += openrace::JsonQuote(value.members[i].name) + ":" +
               Print(value.members[i].value);
      }
      return out + "}";
    }
  }
  return "";
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const absl::string_view input(reinterpret_cast<const char*>(data), size);
  const absl::StatusOr<JsonValue> parsed = openrace::ParseJson(input);
  if (!parsed.ok()) return 0;
  // The typed accessors take any value.
  (void)parsed->AsUint64();
  (void)parsed->AsDouble();
  (void)parsed->Find("rate");
  const std::string printed = Print(*parsed);
  const absl::StatusOr<JsonValue> reparsed = openrace::ParseJson(printed);
  if (!reparsed.ok() || Print(*reparsed) != printed) {
    fprintf(stderr, "json_reader_fuzzer: accepted input prints as '%s', which %s\n",
            printed.c_str(),
            reparsed.ok() ? "parses to another tree" : "does not parse");
    abort();
  }
  return 0;
}
