// json_reader.h — reads back the JSON openrace writes (stats.json,
// summary.json), for `openrace report`, which rebuilds a finding's report
// from its directory.
//
// A strict RFC 8259 parser into a small value tree: objects keep their
// members in file order, numbers keep their text (so a 64-bit count is read
// exactly). Any input is safe: nesting deeper than 64 levels, a document
// larger than 16 MiB, a bad escape or trailing bytes give an
// InvalidArgument error with the line and column and what was expected.
//
// Example:
//   ASSIGN_OR_RETURN(JsonValue stats, ParseJson(text));
//   const JsonValue* rate = stats.Find("rate");
//   absl::optional<uint64_t> rounds = rate ? rate->Uint64("rounds") : ...;

#ifndef OPENRACE_HARNESS_JSON_READER_H_
#define OPENRACE_HARNESS_JSON_READER_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/types/optional.h"

namespace openrace {

struct JsonMember;

struct JsonValue {
  enum class Kind { kNull, kBool, kNumber, kString, kArray, kObject };
  Kind kind = Kind::kNull;
  bool boolean = false;
  std::string text;  // a string's value, a number's text
  std::vector<JsonValue> items;                             // an array's
  std::vector<JsonMember> members;  // an object's, in file order

  // The first member named `key` of an object; nullptr when there is none
  // or this is not an object.
  const JsonValue* Find(absl::string_view key) const;

  // This value as a type, when it is one: a non-negative integer that fits,
  // a finite number, a string, a bool.
  absl::optional<uint64_t> AsUint64() const;
  absl::optional<double> AsDouble() const;
  absl::optional<std::string> AsString() const;
  absl::optional<bool> AsBool() const;
};

struct JsonMember {
  std::string name;
  JsonValue value;
};

absl::StatusOr<JsonValue> ParseJson(absl::string_view text);

}  // namespace openrace

#endif  // OPENRACE_HARNESS_JSON_READER_H_
