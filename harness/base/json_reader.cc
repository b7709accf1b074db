// json_reader.cc — see json_reader.h.

#include "harness/base/json_reader.h"

#include <cstdlib>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "nlohmann/json.hpp"

namespace openrace {

JsonValue JsonValue::Bool(bool value) {
  JsonValue v;
  v.kind_ = Kind::kBool;
  v.bool_ = value;
  return v;
}

JsonValue JsonValue::Number(std::string text) {
  JsonValue v;
  v.kind_ = Kind::kNumber;
  v.text_ = std::move(text);
  return v;
}

JsonValue JsonValue::String(std::string value) {
  JsonValue v;
  v.kind_ = Kind::kString;
  v.text_ = std::move(value);
  return v;
}

JsonValue JsonValue::Array(std::vector<JsonValue> elements) {
  JsonValue v;
  v.kind_ = Kind::kArray;
  v.elements_ = std::move(elements);
  return v;
}

JsonValue JsonValue::Object(
    std::vector<std::pair<std::string, JsonValue>> members) {
  JsonValue v;
  v.kind_ = Kind::kObject;
  v.members_ = std::move(members);
  return v;
}

const JsonValue& JsonValue::Get(absl::string_view key) const {
  static const JsonValue* const kNull = new JsonValue();
  for (const auto& [name, value] : members_) {
    if (name == key) return value;
  }
  return *kNull;
}

bool JsonValue::Has(absl::string_view key) const {
  for (const auto& member : members_) {
    if (member.first == key) return true;
  }
  return false;
}

absl::optional<bool> JsonValue::AsBool() const {
  if (kind_ != Kind::kBool) return absl::nullopt;
  return bool_;
}

absl::optional<double> JsonValue::AsDouble() const {
  double value = 0;
  if (kind_ != Kind::kNumber || !absl::SimpleAtod(text_, &value)) {
    return absl::nullopt;
  }
  return value;
}

absl::optional<uint64_t> JsonValue::AsUint64() const {
  uint64_t value = 0;
  if (kind_ != Kind::kNumber || text_.empty() || text_[0] == '-' ||
      !absl::SimpleAtoi(text_, &value)) {
    return absl::nullopt;
  }
  return value;
}

absl::optional<std::string> JsonValue::AsString() const {
  if (kind_ != Kind::kString) return absl::nullopt;
  return text_;
}

void JsonValue::WriteTo(JsonWriter& json) const {
  switch (kind_) {
    case Kind::kNull: json.Null(); break;
    case Kind::kBool: json.Bool(bool_); break;
    case Kind::kNumber: json.RawNumber(text_); break;
    case Kind::kString: json.String(text_); break;
    case Kind::kArray:
      json.BeginArray();
      for (const JsonValue& e : elements_) e.WriteTo(json);
      json.EndArray();
      break;
    case Kind::kObject:
      json.BeginObject();
      for (const auto& [name, value] : members_) {
        json.Key(name);
        value.WriteTo(json);
      }
      json.EndObject();
      break;
  }
}

namespace {

using Json = nlohmann::ordered_json;

// Deep enough for anything openrace writes; bounds the recursion of the
// conversion below on hostile input.
constexpr int kMaxDepth = 64;

struct TooDeep {};

JsonValue FromJson(const Json& j) {
  switch (j.type()) {
    case Json::value_t::boolean:
      return JsonValue::Bool(j.get<bool>());
    case Json::value_t::number_integer:
      return JsonValue::Number(std::to_string(j.get<int64_t>()));
    case Json::value_t::number_unsigned:
      return JsonValue::Number(std::to_string(j.get<uint64_t>()));
    case Json::value_t::number_float:
      return JsonValue::Number(j.dump());
    case Json::value_t::string:
      return JsonValue::String(j.get<std::string>());
    case Json::value_t::array: {
      std::vector<JsonValue> elements;
      elements.reserve(j.size());
      for (const Json& e : j) elements.push_back(FromJson(e));
      return JsonValue::Array(std::move(elements));
    }
    case Json::value_t::object: {
      std::vector<std::pair<std::string, JsonValue>> members;
      members.reserve(j.size());
      for (const auto& [key, value] : j.items()) {
        members.emplace_back(key, FromJson(value));
      }
      return JsonValue::Object(std::move(members));
    }
    default:
      return JsonValue();
  }
}

}  // namespace

absl::StatusOr<JsonValue> ParseJson(absl::string_view text) {
  // nlohmann's parser keeps its own stack, so depth is checked as it goes.
  const Json::parser_callback_t depth_check =
      [](int depth, Json::parse_event_t, Json&) {
        if (depth > kMaxDepth) throw TooDeep{};
        return true;
      };
  try {
    return FromJson(Json::parse(text.begin(), text.end(), depth_check));
  } catch (const TooDeep&) {
    return absl::InvalidArgumentError(
        absl::StrCat("nested deeper than ", kMaxDepth, " levels"));
  } catch (const Json::parse_error& error) {
    // "[json.exception.parse_error.101] parse error at line 1, column 9:
    // syntax error while parsing ..." -> "offset 8: syntax error ...".
    absl::string_view what = error.what();
    if (size_t colon = what.find(": "); colon != absl::string_view::npos) {
      what.remove_prefix(colon + 2);
    }
    const size_t offset = error.byte == 0 ? 0 : error.byte - 1;
    return absl::InvalidArgumentError(absl::StrCat("offset ", offset, ": ", what));
  } catch (const Json::exception& error) {
    // The rest carry no offset: a number too large for a double
    // ("number overflow parsing '1e99999'") is out_of_range, not parse_error.
    absl::string_view what = error.what();
    if (size_t close = what.find("] "); close != absl::string_view::npos) {
      what.remove_prefix(close + 2);
    }
    return absl::InvalidArgumentError(what);
  }
}

}  // namespace openrace
