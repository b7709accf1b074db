// json.cc — see json.h. The document is built as an nlohmann::ordered_json
// (keys in the order written) and printed once by Take().

#include "harness/base/json.h"

#include <cmath>
#include <cstdlib>
#include <utility>

#include "absl/strings/str_format.h"
#include "nlohmann/json.hpp"

namespace openrace {

using Json = nlohmann::ordered_json;

namespace {

std::string Dump(const Json& value, int indent) {
  // Bytes that are not UTF-8 (a file name can hold any) become U+FFFD
  // instead of failing the whole document.
  return value.dump(indent, ' ', /*ensure_ascii=*/false,
                    Json::error_handler_t::replace);
}

}  // namespace

std::string JsonQuote(absl::string_view value) {
  return Dump(Json(std::string(value)), -1);
}

struct JsonWriter::Document {
  Json root;
  // The containers open now, innermost last; each points into its parent,
  // which gains no element while the child is open, so the pointers hold.
  std::vector<Json*> open;
  std::string key;
  bool has_key = false;

  Json* Insert(Json value) {
    if (open.empty()) {
      root = std::move(value);
      return &root;
    }
    Json& parent = *open.back();
    if (parent.is_object()) {
      Json& slot = parent[key];
      slot = std::move(value);
      has_key = false;
      return &slot;
    }
    parent.push_back(std::move(value));
    return &parent.back();
  }
};

JsonWriter::JsonWriter() : doc_(std::make_unique<Document>()) {}
JsonWriter::~JsonWriter() = default;
JsonWriter::JsonWriter(JsonWriter&&) noexcept = default;
JsonWriter& JsonWriter::operator=(JsonWriter&&) noexcept = default;

JsonWriter& JsonWriter::BeginObject() {
  doc_->open.push_back(doc_->Insert(Json::object()));
  return *this;
}

JsonWriter& JsonWriter::BeginDocument() {
  return BeginObject().Key("schema").Number(kJsonSchema);
}

JsonWriter& JsonWriter::EndObject() {
  doc_->open.pop_back();
  return *this;
}

JsonWriter& JsonWriter::BeginArray() {
  doc_->open.push_back(doc_->Insert(Json::array()));
  return *this;
}

JsonWriter& JsonWriter::EndArray() {
  doc_->open.pop_back();
  return *this;
}

JsonWriter& JsonWriter::Key(absl::string_view key) {
  doc_->key = std::string(key);
  doc_->has_key = true;
  return *this;
}

JsonWriter& JsonWriter::String(absl::string_view value) {
  doc_->Insert(std::string(value));
  return *this;
}

JsonWriter& JsonWriter::Number(int64_t value) {
  doc_->Insert(value);
  return *this;
}

JsonWriter& JsonWriter::Number(uint64_t value) {
  doc_->Insert(value);
  return *this;
}

JsonWriter& JsonWriter::Double(double value) {
  if (!std::isfinite(value)) return Null();
  // Six significant digits: a rate or a duration, not a bit pattern.
  doc_->Insert(std::strtod(absl::StrFormat("%.6g", value).c_str(), nullptr));
  return *this;
}

JsonWriter& JsonWriter::Bool(bool value) {
  doc_->Insert(value);
  return *this;
}

JsonWriter& JsonWriter::Null() {
  doc_->Insert(nullptr);
  return *this;
}

JsonWriter& JsonWriter::RawNumber(absl::string_view text) {
  Json number = Json::parse(text.begin(), text.end(), nullptr,
                            /*allow_exceptions=*/false);
  if (!number.is_number()) return Null();
  doc_->Insert(std::move(number));
  return *this;
}

std::string JsonWriter::Take() {
  std::string out = Dump(doc_->root, 2);
  doc_ = std::make_unique<Document>();
  return out + "\n";
}

}  // namespace openrace
