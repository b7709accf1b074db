// json_reader_test.cc — the reader takes back what JsonWriter writes and
// refuses malformed documents with the offset.

#include "harness/base/json_reader.h"

#include "gtest/gtest.h"
#include "harness/base/json.h"

namespace openrace {
namespace {

TEST(JsonReaderTest, ReadsBackWhatTheWriterWrote) {
  JsonWriter json;
  json.BeginObject();
  json.Key("calls").Number(uint64_t{18446744073709551615u});
  json.Key("seconds").Double(12.5);
  json.Key("out").String("a \"quoted\"\npath\\x");
  json.Key("interrupted").Bool(true);
  json.Key("new_findings").BeginArray().String("s1").String("s2").EndArray();
  json.Key("findings").BeginObject().Key("s1").Number(3).EndObject();
  json.EndObject();
  const std::string text = json.Take();

  absl::StatusOr<JsonValue> doc = ParseJson(text);
  ASSERT_TRUE(doc.ok()) << doc.status();
  EXPECT_EQ(doc->Get("calls").AsUint64(), 18446744073709551615u);
  EXPECT_EQ(doc->Get("seconds").AsDouble(), 12.5);
  EXPECT_EQ(doc->Get("out").AsString(), "a \"quoted\"\npath\\x");
  EXPECT_EQ(doc->Get("interrupted").AsBool(), true);
  ASSERT_EQ(doc->Get("new_findings").elements().size(), 2u);
  EXPECT_EQ(doc->Get("findings").Get("s1").AsUint64(), 3u);
  EXPECT_FALSE(doc->Has("missing"));
  EXPECT_EQ(doc->Get("missing").kind(), JsonValue::Kind::kNull);

  // Written again, the document is the same text.
  JsonWriter again;
  doc->WriteTo(again);
  EXPECT_EQ(again.Take(), text);
}

TEST(JsonWriterTest, ADocumentBeginsWithItsSchema) {
  JsonWriter json;
  json.BeginDocument().Key("calls").Number(3).EndObject();
  EXPECT_EQ(json.Take(), "{\n  \"schema\": 1,\n  \"calls\": 3\n}\n");
}

TEST(JsonReaderTest, NumbersThatAreNotCountsAreNotUint64) {
  absl::StatusOr<JsonValue> doc = ParseJson(R"({"a": -1, "b": 1.5, "c": 2e3})");
  ASSERT_TRUE(doc.ok()) << doc.status();
  EXPECT_FALSE(doc->Get("a").AsUint64());
  EXPECT_FALSE(doc->Get("b").AsUint64());
  EXPECT_EQ(doc->Get("c").AsDouble(), 2000.0);
  EXPECT_FALSE(doc->Get("a").AsString());
}

TEST(JsonReaderTest, DecodesUnicodeEscapes) {
  absl::StatusOr<JsonValue> doc = ParseJson(R"(["\u00e9\ud83d\ude00\/"])");
  ASSERT_TRUE(doc.ok()) << doc.status();
  EXPECT_EQ(doc->elements()[0].AsString(), "\xc3\xa9\xf0\x9f\x98\x80/");
}

TEST(JsonReaderTest, RefusesMalformedDocumentsWithTheOffset) {
  struct Case {
    const char* text;
    const char* message;
  };
  // The offset is where the parser stopped; the rest is nlohmann's words.
  const Case cases[] = {
      {"", "offset 0: syntax error while parsing value - unexpected end of input"},
      {"{\"a\": 1,}", "offset 8: syntax error while parsing object key"},
      {"{\"a\" 1}", "offset 5: syntax error while parsing object separator"},
      {"[1 2]", "offset 3: syntax error while parsing array"},
      {"{} {}", "offset 3: syntax error while parsing value - unexpected '{'; expected end of input"},
      {"\"abc", "offset 4: syntax error while parsing value - invalid string: missing closing quote"},
      {"01", "offset 1: syntax error while parsing value - unexpected number literal; expected end of input"},
      {"1.", "offset 2: syntax error while parsing value - invalid number"},
      {"\"\\x\"", "offset 2: syntax error while parsing value - invalid string: forbidden character after backslash"},
      {"\"\\udc00\"", "offset 6: syntax error while parsing value - invalid string: surrogate"},
      {"nul", "offset 3: syntax error while parsing value - invalid literal"},
  };
  for (const Case& c : cases) {
    absl::StatusOr<JsonValue> doc = ParseJson(c.text);
    ASSERT_FALSE(doc.ok()) << c.text;
    EXPECT_NE(doc.status().message().find(c.message), absl::string_view::npos)
        << c.text << " gave " << doc.status().message();
  }
}

TEST(JsonReaderTest, RefusesNumbersTooLargeForADouble) {
  // Found by json_reader_fuzzer: nlohmann throws out_of_range, not
  // parse_error, and it escaped ParseJson.
  for (const char* text : {"1e99999", "[\"x\", -0.5e+38888]"}) {
    absl::StatusOr<JsonValue> doc = ParseJson(text);
    ASSERT_FALSE(doc.ok()) << text;
    EXPECT_NE(doc.status().message().find("number overflow"), absl::string_view::npos)
        << text << " gave " << doc.status().message();
  }
}

TEST(JsonReaderTest, RefusesDocumentsNestedTooDeep) {
  EXPECT_FALSE(ParseJson(std::string(1000, '[') + std::string(1000, ']')).ok());
  EXPECT_TRUE(ParseJson(std::string(30, '[') + std::string(30, ']')).ok());
}

}  // namespace
}  // namespace openrace
