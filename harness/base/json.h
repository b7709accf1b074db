// json.h — a small streaming JSON writer for stats.json, summary.json and
// the --json output of the command, over nlohmann::ordered_json (Debian
// nlohmann-json3-dev). Keys come out in the order written, so
// the output of a deterministic run is byte-for-byte reproducible.
//
// Example:
//   JsonWriter json;
//   json.BeginObject();
//   json.Key("signature").String(sig);
//   json.Key("rate").BeginObject().Key("failures").Number(3).EndObject();
//   json.EndObject();
//   std::string text = json.Take();

#ifndef OPENRACE_HARNESS_BASE_JSON_H_
#define OPENRACE_HARNESS_BASE_JSON_H_

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"

namespace openrace {

// The version of every JSON document openrace writes (stats.json,
// summary.json, the merge ledger, every --json output), as its first key
// "schema". It goes up when a key is removed or changes meaning; a new key
// leaves it as it is, so a reader ignores keys it does not know.
inline constexpr int kJsonSchema = 1;

class JsonWriter {
 public:
  JsonWriter();
  ~JsonWriter();
  JsonWriter(JsonWriter&&) noexcept;
  JsonWriter& operator=(JsonWriter&&) noexcept;

  JsonWriter& BeginObject();
  // BeginObject() and, as its first key, "schema": kJsonSchema. Every JSON
  // document openrace writes starts so.
  JsonWriter& BeginDocument();
  JsonWriter& EndObject();
  JsonWriter& BeginArray();
  JsonWriter& EndArray();
  JsonWriter& Key(absl::string_view key);
  JsonWriter& String(absl::string_view value);
  JsonWriter& Number(int64_t value);
  JsonWriter& Number(uint64_t value);
  JsonWriter& Number(int value) { return Number(static_cast<int64_t>(value)); }
  JsonWriter& Double(double value);  // up to 6 significant digits
  JsonWriter& Bool(bool value);
  JsonWriter& Null();
  // A number already in JSON form (as read by json_reader.h), written as is.
  JsonWriter& RawNumber(absl::string_view text);

  // The document, with two-space indentation and a final newline.
  std::string Take();

 private:
  struct Document;  // json.cc: the value being built
  std::unique_ptr<Document> doc_;
};

// `value` as a JSON string literal, quotes included.
std::string JsonQuote(absl::string_view value);

}  // namespace openrace

#endif  // OPENRACE_HARNESS_BASE_JSON_H_
