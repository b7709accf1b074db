// json_reader.h — reads the JSON that openrace itself writes (summary.json,
// stats.json, merged.json) back into a value, for `openrace merge` and
// `openrace corpus add`. A strict RFC 8259 parser: one document, no
// comments, no trailing commas; an error names the offset and what was
// expected. Objects keep their keys in file order.
//
// Example:
//   absl::StatusOr<JsonValue> doc = ParseJson(text);
//   if (!doc.ok()) return doc.status();
//   uint64_t calls = doc->Get("calls").AsUint64().value_or(0);

#ifndef OPENRACE_HARNESS_BASE_JSON_READER_H_
#define OPENRACE_HARNESS_BASE_JSON_READER_H_

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/types/optional.h"
#include "harness/base/json.h"

namespace openrace {

class JsonValue {
 public:
  enum class Kind { kNull, kBool, kNumber, kString, kArray, kObject };

  JsonValue() = default;
  static JsonValue Bool(bool value);
  // `text` is the number as written, so 64-bit counts stay exact.
  static JsonValue Number(std::string text);
  static JsonValue String(std::string value);
  static JsonValue Array(std::vector<JsonValue> elements);
  static JsonValue Object(std::vector<std::pair<std::string, JsonValue>> members);

  Kind kind() const { return kind_; }
  bool is_object() const { return kind_ == Kind::kObject; }
  bool is_number() const { return kind_ == Kind::kNumber; }

  // The member named `key`, or a null value (absent and null read alike).
  const JsonValue& Get(absl::string_view key) const;
  bool Has(absl::string_view key) const;

  absl::optional<bool> AsBool() const;
  absl::optional<double> AsDouble() const;
  // A number written as a non-negative integer that fits in 64 bits.
  absl::optional<uint64_t> AsUint64() const;
  absl::optional<std::string> AsString() const;
  const std::vector<JsonValue>& elements() const { return elements_; }
  const std::vector<std::pair<std::string, JsonValue>>& members() const {
    return members_;
  }

  // Writes this value into `json` (numbers as written).
  void WriteTo(JsonWriter& json) const;

 private:
  Kind kind_ = Kind::kNull;
  bool bool_ = false;
  std::string text_;  // a number as written, or a string's value
  std::vector<JsonValue> elements_;
  std::vector<std::pair<std::string, JsonValue>> members_;
};

// Parses one JSON document (whitespace around it allowed).
absl::StatusOr<JsonValue> ParseJson(absl::string_view text);

}  // namespace openrace

#endif  // OPENRACE_HARNESS_BASE_JSON_READER_H_
