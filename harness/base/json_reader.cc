// json_reader.cc — see json_reader.h.

#include "harness/base/json_reader.h"

#include <cstdlib>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"

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

// Recursive descent over the text; `pos_` is the offset of the next byte.
class Parser {
 public:
  explicit Parser(absl::string_view text) : text_(text) {}

  absl::StatusOr<JsonValue> Document() {
    absl::StatusOr<JsonValue> value = Value(0);
    if (!value.ok()) return value;
    SkipSpace();
    if (pos_ != text_.size()) return Error("end of document");
    return value;
  }

 private:
  // Deep enough for anything openrace writes; bounds the recursion on
  // hostile input.
  static constexpr int kMaxDepth = 64;

  absl::Status Error(absl::string_view expected) const {
    return absl::InvalidArgumentError(absl::StrCat(
        "offset ", pos_, ": expected ", expected,
        pos_ < text_.size() ? absl::StrCat(" at '", text_.substr(pos_, 1), "'")
                            : " before the end"));
  }

  void SkipSpace() {
    while (pos_ < text_.size() &&
           (text_[pos_] == ' ' || text_[pos_] == '\t' || text_[pos_] == '\n' ||
            text_[pos_] == '\r')) {
      ++pos_;
    }
  }

  bool Consume(absl::string_view word) {
    if (text_.substr(pos_, word.size()) != word) return false;
    pos_ += word.size();
    return true;
  }

  absl::StatusOr<JsonValue> Value(int depth) {
    if (depth > kMaxDepth) return Error("a shallower document");
    SkipSpace();
    if (pos_ >= text_.size()) return Error("a value");
    const char c = text_[pos_];
    if (c == '{') return ObjectValue(depth);
    if (c == '[') return ArrayValue(depth);
    if (c == '"') {
      absl::StatusOr<std::string> s = StringLiteral();
      if (!s.ok()) return s.status();
      return JsonValue::String(*std::move(s));
    }
    if (Consume("true")) return JsonValue::Bool(true);
    if (Consume("false")) return JsonValue::Bool(false);
    if (Consume("null")) return JsonValue();
    return NumberValue();
  }

  absl::StatusOr<JsonValue> NumberValue() {
    const size_t start = pos_;
    auto digits = [&] {
      const size_t from = pos_;
      while (pos_ < text_.size() && text_[pos_] >= '0' && text_[pos_] <= '9') {
        ++pos_;
      }
      return pos_ > from;
    };
    if (pos_ < text_.size() && text_[pos_] == '-') ++pos_;
    if (pos_ < text_.size() && text_[pos_] == '0') {
      ++pos_;
    } else if (!digits()) {
      pos_ = start;
      return Error("a value");
    }
    if (pos_ < text_.size() && text_[pos_] == '.') {
      ++pos_;
      if (!digits()) return Error("a digit");
    }
    if (pos_ < text_.size() && (text_[pos_] == 'e' || text_[pos_] == 'E')) {
      ++pos_;
      if (pos_ < text_.size() && (text_[pos_] == '+' || text_[pos_] == '-')) {
        ++pos_;
      }
      if (!digits()) return Error("a digit");
    }
    return JsonValue::Number(std::string(text_.substr(start, pos_ - start)));
  }

  absl::StatusOr<std::string> StringLiteral() {
    ++pos_;  // the opening quote
    std::string out;
    while (pos_ < text_.size()) {
      const unsigned char c = text_[pos_];
      if (c == '"') {
        ++pos_;
        return out;
      }
      if (c < 0x20) return Error("an escaped control character");
      if (c != '\\') {
        out += static_cast<char>(c);
        ++pos_;
        continue;
      }
      ++pos_;
      if (pos_ >= text_.size()) break;
      const char e = text_[pos_++];
      switch (e) {
        case '"': out += '"'; break;
        case '\\': out += '\\'; break;
        case '/': out += '/'; break;
        case 'b': out += '\b'; break;
        case 'f': out += '\f'; break;
        case 'n': out += '\n'; break;
        case 'r': out += '\r'; break;
        case 't': out += '\t'; break;
        case 'u': {
          absl::StatusOr<uint32_t> code = Hex4();
          if (!code.ok()) return code.status();
          uint32_t cp = *code;
          if (cp >= 0xD800 && cp <= 0xDBFF) {
            if (!Consume("\\u")) return Error("a low surrogate");
            absl::StatusOr<uint32_t> low = Hex4();
            if (!low.ok()) return low.status();
            if (*low < 0xDC00 || *low > 0xDFFF) return Error("a low surrogate");
            cp = 0x10000 + ((cp - 0xD800) << 10) + (*low - 0xDC00);
          } else if (cp >= 0xDC00 && cp <= 0xDFFF) {
            return Error("a high surrogate first");
          }
          AppendUtf8(cp, out);
          break;
        }
        default:
          --pos_;
          return Error("an escape (\\\" \\\\ \\/ \\b \\f \\n \\r \\t \\u)");
      }
    }
    return Error("a closing quote");
  }

  absl::StatusOr<uint32_t> Hex4() {
    if (pos_ + 4 > text_.size()) return Error("four hex digits");
    uint32_t value = 0;
    for (int i = 0; i < 4; ++i) {
      const char h = text_[pos_];
      value <<= 4;
      if (h >= '0' && h <= '9') {
        value |= h - '0';
      } else if (h >= 'a' && h <= 'f') {
        value |= h - 'a' + 10;
      } else if (h >= 'A' && h <= 'F') {
        value |= h - 'A' + 10;
      } else {
        return Error("a hex digit");
      }
      ++pos_;
    }
    return value;
  }

  static void AppendUtf8(uint32_t cp, std::string& out) {
    if (cp < 0x80) {
      out += static_cast<char>(cp);
    } else if (cp < 0x800) {
      out += static_cast<char>(0xC0 | (cp >> 6));
      out += static_cast<char>(0x80 | (cp & 0x3F));
    } else if (cp < 0x10000) {
      out += static_cast<char>(0xE0 | (cp >> 12));
      out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
      out += static_cast<char>(0x80 | (cp & 0x3F));
    } else {
      out += static_cast<char>(0xF0 | (cp >> 18));
      out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
      out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
      out += static_cast<char>(0x80 | (cp & 0x3F));
    }
  }

  absl::StatusOr<JsonValue> ArrayValue(int depth) {
    ++pos_;
    std::vector<JsonValue> elements;
    SkipSpace();
    if (Consume("]")) return JsonValue::Array(std::move(elements));
    while (true) {
      absl::StatusOr<JsonValue> element = Value(depth + 1);
      if (!element.ok()) return element;
      elements.push_back(*std::move(element));
      SkipSpace();
      if (Consume("]")) return JsonValue::Array(std::move(elements));
      if (!Consume(",")) return Error("',' or ']'");
    }
  }

  absl::StatusOr<JsonValue> ObjectValue(int depth) {
    ++pos_;
    std::vector<std::pair<std::string, JsonValue>> members;
    SkipSpace();
    if (Consume("}")) return JsonValue::Object(std::move(members));
    while (true) {
      SkipSpace();
      if (pos_ >= text_.size() || text_[pos_] != '"') return Error("a key");
      absl::StatusOr<std::string> key = StringLiteral();
      if (!key.ok()) return key.status();
      SkipSpace();
      if (!Consume(":")) return Error("':'");
      absl::StatusOr<JsonValue> value = Value(depth + 1);
      if (!value.ok()) return value;
      members.emplace_back(*std::move(key), *std::move(value));
      SkipSpace();
      if (Consume("}")) return JsonValue::Object(std::move(members));
      if (!Consume(",")) return Error("',' or '}'");
    }
  }

  absl::string_view text_;
  size_t pos_ = 0;
};

}  // namespace

absl::StatusOr<JsonValue> ParseJson(absl::string_view text) {
  return Parser(text).Document();
}

}  // namespace openrace
