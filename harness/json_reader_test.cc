#include "harness/json_reader.h"

#include <string>

#include "absl/strings/match.h"
#include "gtest/gtest.h"
#include "harness/json.h"

namespace openrace {
namespace {

TEST(JsonReaderTest, ReadsBackWhatJsonWriterWrites) {
  JsonWriter json;
  json.BeginObject();
  json.Key("signature").String("open-invalid_parameter-EINVAL-transient-cwd");
  json.Key("rounds").Number(uint64_t{18446744073709551615u});
  json.Key("native").Number(int64_t{-3221225485});
  json.Key("low").Double(0.00299);
  json.Key("one_minimal").Bool(false);
  json.Key("quoted").String("a \"b\" \\ c\n\t\x01");
  json.Key("steps").BeginArray().String("x").String("y").EndArray();
  json.Key("empty").BeginObject().EndObject();
  json.EndObject();
  absl::StatusOr<JsonValue> value = ParseJson(json.Take());
  ASSERT_TRUE(value.ok()) << value.status();
  ASSERT_EQ(value->kind, JsonValue::Kind::kObject);
  EXPECT_EQ(value->Find("signature")->AsString(),
            "open-invalid_parameter-EINVAL-transient-cwd");
  EXPECT_EQ(value->Find("rounds")->AsUint64(), 18446744073709551615u);
  EXPECT_EQ(value->Find("native")->AsUint64(), absl::nullopt);
  EXPECT_EQ(value->Find("native")->text, "-3221225485");
  EXPECT_NEAR(*value->Find("low")->AsDouble(), 0.00299, 1e-12);
  EXPECT_EQ(value->Find("one_minimal")->AsBool(), false);
  EXPECT_EQ(value->Find("quoted")->AsString(), "a \"b\" \\ c\n\t\x01");
  ASSERT_EQ(value->Find("steps")->items.size(), 2u);
  EXPECT_EQ(value->Find("steps")->items[1].AsString(), "y");
  EXPECT_EQ(value->Find("empty")->kind, JsonValue::Kind::kObject);
  EXPECT_EQ(value->Find("absent"), nullptr);
}

TEST(JsonReaderTest, KeepsObjectMembersInFileOrder) {
  absl::StatusOr<JsonValue> value = ParseJson(R"({"z": 1, "a": 2, "m": 3})");
  ASSERT_TRUE(value.ok()) << value.status();
  ASSERT_EQ(value->members.size(), 3u);
  EXPECT_EQ(value->members[0].name, "z");
  EXPECT_EQ(value->members[1].name, "a");
  EXPECT_EQ(value->members[2].name, "m");
}

TEST(JsonReaderTest, DecodesUnicodeEscapesAndSurrogatePairs) {
  absl::StatusOr<JsonValue> value = ParseJson(R"(["\u00e9\ud83d\ude00\/"])");
  ASSERT_TRUE(value.ok()) << value.status();
  EXPECT_EQ(value->items[0].AsString(), "\xc3\xa9\xf0\x9f\x98\x80/");
}

TEST(JsonReaderTest, RefusesMalformedInputWithTheLineAndColumn) {
  const struct {
    const char* text;
    const char* message;
  } cases[] = {
      {"", "line 1:1: expected a value"},
      {"{\n  \"a\": 1,\n}", "line 3:1: expected a member name"},
      {"{\"a\" 1}", "line 1:6: expected ':'"},
      {"[1 2]", "line 1:4: expected ',' or ']'"},
      {"[01]", "line 1:3: expected ',' or ']'"},
      {"[1.]", "expected a digit after '.'"},
      {"[-]", "expected a digit"},
      {"\"abc", "expected '\"' to end the string"},
      {"\"a\x01\"", "expected no control character"},
      {"\"\\x\"", "expected one of the escapes"},
      {"\"\\u12\"", "expected four hex digits"},
      {"\"\\ud800\"", "expected the low half of a surrogate pair"},
      {"\"\\udc00\"", "expected no lone low surrogate"},
      {"{} x", "line 1:4: expected the end of the document"},
      {"nul", "expected a value"},
      {"[1e]", "expected a digit in the exponent"},
  };
  for (const auto& c : cases) {
    absl::StatusOr<JsonValue> value = ParseJson(c.text);
    ASSERT_FALSE(value.ok()) << c.text;
    EXPECT_EQ(value.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_TRUE(absl::StrContains(value.status().message(), c.message))
        << c.text << ": " << value.status().message();
  }
}

TEST(JsonReaderTest, RefusesDeepNestingInsteadOfOverflowingTheStack) {
  std::string deep(100000, '[');
  absl::StatusOr<JsonValue> value = ParseJson(deep);
  ASSERT_FALSE(value.ok());
  EXPECT_TRUE(absl::StrContains(value.status().message(), "nesting"))
      << value.status();
  std::string fine = std::string(60, '[') + std::string(60, ']');
  EXPECT_TRUE(ParseJson(fine).ok());
}

TEST(JsonReaderTest, TypedAccessorsRefuseOtherKinds) {
  absl::StatusOr<JsonValue> value =
      ParseJson(R"({"s": "1", "n": 1.5, "b": true, "z": null})");
  ASSERT_TRUE(value.ok()) << value.status();
  EXPECT_EQ(value->Find("s")->AsUint64(), absl::nullopt);
  EXPECT_EQ(value->Find("n")->AsUint64(), absl::nullopt);
  EXPECT_EQ(value->Find("n")->AsString(), absl::nullopt);
  EXPECT_EQ(value->Find("b")->AsBool(), true);
  EXPECT_EQ(value->Find("z")->kind, JsonValue::Kind::kNull);
  EXPECT_EQ(value->Find("z")->AsBool(), absl::nullopt);
}

}  // namespace
}  // namespace openrace
