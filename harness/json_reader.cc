// json_reader.cc — see json_reader.h.

#include "harness/json_reader.h"

#include "absl/status/status.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"

namespace openrace {
namespace {

constexpr int kMaxDepth = 64;
constexpr size_t kMaxSize = 16 << 20;

class Parser {
 public:
  explicit Parser(absl::string_view text) : text_(text) {}

  absl::StatusOr<JsonValue> Document() {
    if (text_.size() > kMaxSize) {
      return absl::InvalidArgumentError(
          absl::StrCat("the document is ", text_.size(),
                       " bytes; expected at most ", kMaxSize));
    }
    JsonValue value;
    if (absl::Status s = Value(value, 0); !s.ok()) return s;
    SkipSpace();
    if (pos_ != text_.size()) return Error("expected the end of the document");
    return value;
  }

 private:
  absl::Status Error(absl::string_view expected) const {
    int line = 1, column = 1;
    for (size_t i = 0; i < pos_ && i < text_.size(); ++i) {
      if (text_[i] == '\n') {
        ++line;
        column = 1;
      } else {
        ++column;
      }
    }
    std::string found = pos_ < text_.size()
                            ? absl::StrCat("'", text_.substr(pos_, 1), "'")
                            : "the end";
    if (pos_ < text_.size() &&
        (static_cast<unsigned char>(text_[pos_]) < 0x20 ||
         static_cast<unsigned char>(text_[pos_]) >= 0x7f)) {
      found = absl::StrCat("byte 0x", absl::Hex(static_cast<unsigned char>(text_[pos_])));
    }
    return absl::InvalidArgumentError(
        absl::StrCat("line ", line, ":", column, ": ", expected, ", found ", found));
  }

  void SkipSpace() {
    while (pos_ < text_.size() && (text_[pos_] == ' ' || text_[pos_] == '\t' ||
                                   text_[pos_] == '\n' || text_[pos_] == '\r')) {
      ++pos_;
    }
  }

  bool Consume(absl::string_view word) {
    if (text_.substr(pos_, word.size()) != word) return false;
    pos_ += word.size();
    return true;
  }

  absl::Status Value(JsonValue& value, int depth) {
    if (depth > kMaxDepth) {
      return Error(absl::StrCat("nesting of at most ", kMaxDepth, " levels"));
    }
    SkipSpace();
    if (pos_ >= text_.size()) return Error("expected a value");
    const char c = text_[pos_];
    if (c == '{') return Object(value, depth);
    if (c == '[') return Array(value, depth);
    if (c == '"') {
      value.kind = JsonValue::Kind::kString;
      return String(value.text);
    }
    if (c == '-' || (c >= '0' && c <= '9')) return Number(value);
    if (Consume("true")) {
      value.kind = JsonValue::Kind::kBool;
      value.boolean = true;
      return absl::OkStatus();
    }
    if (Consume("false")) {
      value.kind = JsonValue::Kind::kBool;
      return absl::OkStatus();
    }
    if (Consume("null")) return absl::OkStatus();
    return Error("expected a value (object, array, string, number, true, false or null)");
  }

  absl::Status Object(JsonValue& value, int depth) {
    value.kind = JsonValue::Kind::kObject;
    ++pos_;  // {
    SkipSpace();
    if (Consume("}")) return absl::OkStatus();
    while (true) {
      SkipSpace();
      if (pos_ >= text_.size() || text_[pos_] != '"') {
        return Error("expected a member name in double quotes");
      }
      JsonMember member;
      if (absl::Status s = String(member.name); !s.ok()) return s;
      SkipSpace();
      if (!Consume(":")) return Error("expected ':' after the member name");
      if (absl::Status s = Value(member.value, depth + 1); !s.ok()) return s;
      value.members.push_back(std::move(member));
      SkipSpace();
      if (Consume("}")) return absl::OkStatus();
      if (!Consume(",")) return Error("expected ',' or '}' in the object");
    }
  }

  absl::Status Array(JsonValue& value, int depth) {
    value.kind = JsonValue::Kind::kArray;
    ++pos_;  // [
    SkipSpace();
    if (Consume("]")) return absl::OkStatus();
    while (true) {
      JsonValue item;
      if (absl::Status s = Value(item, depth + 1); !s.ok()) return s;
      value.items.push_back(std::move(item));
      SkipSpace();
      if (Consume("]")) return absl::OkStatus();
      if (!Consume(",")) return Error("expected ',' or ']' in the array");
    }
  }

  absl::Status Number(JsonValue& value) {
    const size_t start = pos_;
    auto digits = [&] {
      const size_t from = pos_;
      while (pos_ < text_.size() && text_[pos_] >= '0' && text_[pos_] <= '9') ++pos_;
      return pos_ > from;
    };
    Consume("-");
    if (Consume("0")) {
      // no leading zeros
    } else if (!digits()) {
      return Error("expected a digit");
    }
    if (Consume(".") && !digits()) return Error("expected a digit after '.'");
    if (pos_ < text_.size() && (text_[pos_] == 'e' || text_[pos_] == 'E')) {
      ++pos_;
      if (!Consume("+")) Consume("-");
      if (!digits()) return Error("expected a digit in the exponent");
    }
    value.kind = JsonValue::Kind::kNumber;
    value.text = std::string(text_.substr(start, pos_ - start));
    return absl::OkStatus();
  }

  absl::Status Hex4(uint32_t& code) {
    code = 0;
    for (int i = 0; i < 4; ++i, ++pos_) {
      if (pos_ >= text_.size()) return Error("expected four hex digits after \\u");
      const char c = text_[pos_];
      int digit;
      if (c >= '0' && c <= '9') digit = c - '0';
      else if (c >= 'a' && c <= 'f') digit = c - 'a' + 10;
      else if (c >= 'A' && c <= 'F') digit = c - 'A' + 10;
      else return Error("expected four hex digits after \\u");
      code = code * 16 + digit;
    }
    return absl::OkStatus();
  }

  static void AppendUtf8(std::string& out, uint32_t code) {
    if (code < 0x80) {
      out += static_cast<char>(code);
    } else if (code < 0x800) {
      out += static_cast<char>(0xC0 | (code >> 6));
      out += static_cast<char>(0x80 | (code & 0x3F));
    } else if (code < 0x10000) {
      out += static_cast<char>(0xE0 | (code >> 12));
      out += static_cast<char>(0x80 | ((code >> 6) & 0x3F));
      out += static_cast<char>(0x80 | (code & 0x3F));
    } else {
      out += static_cast<char>(0xF0 | (code >> 18));
      out += static_cast<char>(0x80 | ((code >> 12) & 0x3F));
      out += static_cast<char>(0x80 | ((code >> 6) & 0x3F));
      out += static_cast<char>(0x80 | (code & 0x3F));
    }
  }

  absl::Status String(std::string& out) {
    ++pos_;  // "
    while (true) {
      if (pos_ >= text_.size()) return Error("expected '\"' to end the string");
      const char c = text_[pos_];
      if (c == '"') {
        ++pos_;
        return absl::OkStatus();
      }
      if (static_cast<unsigned char>(c) < 0x20) {
        return Error("expected no control character in a string (escape it)");
      }
      if (c != '\\') {
        out += c;
        ++pos_;
        continue;
      }
      ++pos_;
      if (pos_ >= text_.size()) return Error("expected an escape after '\\'");
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
          uint32_t code;
          if (absl::Status s = Hex4(code); !s.ok()) return s;
          if (code >= 0xD800 && code < 0xDC00) {
            uint32_t low;
            if (!Consume("\\u")) return Error("expected the low half of a surrogate pair");
            if (absl::Status s = Hex4(low); !s.ok()) return s;
            if (low < 0xDC00 || low >= 0xE000) {
              return Error("expected the low half of a surrogate pair");
            }
            code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00);
          } else if (code >= 0xDC00 && code < 0xE000) {
            return Error("expected no lone low surrogate");
          }
          AppendUtf8(out, code);
          break;
        }
        default:
          --pos_;
          return Error("expected one of the escapes \\\" \\\\ \\/ \\b \\f \\n \\r \\t \\u");
      }
    }
  }

  absl::string_view text_;
  size_t pos_ = 0;
};

}  // namespace

const JsonValue* JsonValue::Find(absl::string_view key) const {
  for (const JsonMember& member : members) {
    if (member.name == key) return &member.value;
  }
  return nullptr;
}

absl::optional<uint64_t> JsonValue::AsUint64() const {
  uint64_t value = 0;
  if (kind != Kind::kNumber || !absl::SimpleAtoi(text, &value) ||
      text[0] == '-') {
    return absl::nullopt;
  }
  return value;
}

absl::optional<double> JsonValue::AsDouble() const {
  double value = 0;
  if (kind != Kind::kNumber || !absl::SimpleAtod(text, &value)) {
    return absl::nullopt;
  }
  return value;
}

absl::optional<std::string> JsonValue::AsString() const {
  if (kind != Kind::kString) return absl::nullopt;
  return text;
}

absl::optional<bool> JsonValue::AsBool() const {
  if (kind != Kind::kBool) return absl::nullopt;
  return boolean;
}

absl::StatusOr<JsonValue> ParseJson(absl::string_view text) {
  return Parser(text).Document();
}

}  // namespace openrace
