// replay_report_test.cc — replay results in, JUnit XML and SARIF out: the
// documents are well formed whatever the text they carry, and point at the
// right file and line.

#include "harness/store/replay_report.h"

#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "harness/base/json_reader.h"

namespace openrace {
namespace {

using namespace std::string_literals;

constexpr char kSeed[] = "open-invalid_parameter-EINVAL-transient-cwd";

ReplayReportOptions Options() {
  ReplayReportOptions options;
  options.cwd = "/src/project";
  options.version = "0.1.0";
  return options;
}

ReplayFileReport Passed() {
  ReplayFileReport r;
  r.file = "corpus/create_race.scn";
  r.time = absl::Milliseconds(1500);
  r.rounds = 2000;
  r.outcomes = {{"exists", 2000}, {"ok", 2000}};
  r.expectations = 1;
  r.expectations_met = 1;
  r.log = "ok    corpus/create_race.scn:3: clean (2000 rounds)\n";
  return r;
}

ReplayFileReport Failed() {
  ReplayFileReport r;
  r.file = "/src/project/corpus/seed/held.scn";
  r.time = absl::Milliseconds(250);
  r.rounds = 300;
  r.outcomes = {{"ok", 590}, {"invalid_parameter", 10}};
  r.findings = {{kSeed, 10}};
  r.expectations = 2;
  r.expectations_met = 1;
  ReplayProblem p;
  p.kind = ReplayProblemKind::kExpectClean;
  p.message = absl::StrCat("expected clean; found ", kSeed, " in 10 of 300 rounds");
  p.details = "thread 2 op 2: open cwd:src/a/foo.h";
  p.line = 5;
  p.call_line = 17;
  r.problems.push_back(p);
  return r;
}

TEST(ReplayReportTest, JUnitHasATestCasePerFileAndAFailureForTheFailedOne) {
  const ReplayFileReport files[] = {Passed(), Failed()};
  const std::string want = R"(<?xml version="1.0" encoding="UTF-8"?>
<testsuites name="openrace replay" tests="2" failures="1" errors="0" skipped="0" time="1.750">
  <testsuite name="openrace replay" tests="2" failures="1" errors="0" skipped="0" time="1.750">
    <testcase classname="corpus" name="create_race" file="corpus/create_race.scn" time="1.500">
      <properties>
        <property name="rounds" value="2000"/>
        <property name="outcome.exists" value="2000"/>
        <property name="outcome.ok" value="2000"/>
        <property name="expectations" value="1"/>
        <property name="expectations_met" value="1"/>
      </properties>
      <system-out>ok    corpus/create_race.scn:3: clean (2000 rounds)
</system-out>
    </testcase>
    <testcase classname="corpus.seed" name="held" file="/src/project/corpus/seed/held.scn" time="0.250">
      <properties>
        <property name="rounds" value="300"/>
        <property name="outcome.invalid_parameter" value="10"/>
        <property name="outcome.ok" value="590"/>
        <property name="finding.open-invalid_parameter-EINVAL-transient-cwd" value="10"/>
        <property name="expectations" value="2"/>
        <property name="expectations_met" value="1"/>
      </properties>
      <failure message="expected clean; found open-invalid_parameter-EINVAL-transient-cwd in 10 of 300 rounds" type="expect-clean">/src/project/corpus/seed/held.scn:5: expected clean; found open-invalid_parameter-EINVAL-transient-cwd in 10 of 300 rounds
thread 2 op 2: open cwd:src/a/foo.h
</failure>
    </testcase>
  </testsuite>
</testsuites>
)";
  EXPECT_EQ(RenderJUnit(files, Options()), want);
}

TEST(ReplayReportTest, JUnitReportsErrorsSkipsAndSeveralProblems) {
  ReplayFileReport error;
  error.file = "a.scn";
  error.problems.push_back(
      {ReplayProblemKind::kError, "", "the sandbox is gone", "", 4, 0});
  error.problems.push_back(
      {ReplayProblemKind::kExpectFinding, kSeed, "expected it", "", 5, 0});
  ReplayFileReport skipped;
  skipped.file = "b.scn";
  skipped.skipped = true;
  const ReplayFileReport files[] = {error, skipped};
  const std::string xml = RenderJUnit(files, Options());
  EXPECT_TRUE(absl::StrContains(
      xml, "tests=\"2\" failures=\"0\" errors=\"1\" skipped=\"1\""))
      << xml;
  EXPECT_TRUE(absl::StrContains(
      xml,
      "<testcase classname=\"openrace\" name=\"a\" file=\"a.scn\" "))
      << xml;
  EXPECT_TRUE(absl::StrContains(
      xml,
      "<error message=\"the sandbox is gone (and 1 more)\" "
      "type=\"replay-error\">a.scn:4: the sandbox is gone\na.scn:5: expected "
      "it\n</error>"))
      << xml;
  EXPECT_TRUE(absl::StrContains(
      xml, "<skipped message=\"not replayed (interrupted)\"/>"))
      << xml;
}

struct EscapeCase {
  std::string name;
  std::string text;
  std::string want_text;
  std::string want_attribute;
};

TEST(ReplayReportTest, EscapeXmlEscapesMarkupAndWhatXmlCannotHold) {
  const EscapeCase cases[] = {
      {"markup", "<a href=\"x\">'&'</a>",
       "&lt;a href=&quot;x&quot;&gt;&apos;&amp;&apos;&lt;/a&gt;",
       "&lt;a href=&quot;x&quot;&gt;&apos;&amp;&apos;&lt;/a&gt;"},
      {"white space", "a\tb\nc\r\n", "a\tb\nc&#13;\n", "a&#9;b&#10;c&#13;&#10;"},
      {"control characters", "\x01\x1B[K\x7F"s + '\0',
       "\\x01\\x1B[K\\x7F\\x00", "\\x01\\x1B[K\\x7F\\x00"},
      {"UTF-8 stays", "caf\xC3\xA9 \xE2\x9C\x93 \xF0\x9F\x90\x9B",
       "caf\xC3\xA9 \xE2\x9C\x93 \xF0\x9F\x90\x9B",
       "caf\xC3\xA9 \xE2\x9C\x93 \xF0\x9F\x90\x9B"},
      {"invalid UTF-8", "\xFF\xC3(\xC0\xAF\xED\xA0\x80",
       "\\xFF\\xC3(\\xC0\\xAF\\xED\\xA0\\x80",
       "\\xFF\\xC3(\\xC0\\xAF\\xED\\xA0\\x80"},
      {"non-characters", "\xEF\xBF\xBE", "\\xEF\\xBF\\xBE", "\\xEF\\xBF\\xBE"},
      {"a truncated sequence", "ab\xE2\x9C", "ab\\xE2\\x9C", "ab\\xE2\\x9C"},
  };
  for (const EscapeCase& c : cases) {
    EXPECT_EQ(EscapeXml(c.text, false), c.want_text) << c.name;
    EXPECT_EQ(EscapeXml(c.text, true), c.want_attribute) << c.name;
  }
}

// A small well-formedness check of what RenderJUnit writes: elements nest
// and close, attribute values are quoted, every '&' starts an entity, and
// no character XML 1.0 forbids appears.
::testing::AssertionResult WellFormed(const std::string& xml) {
  std::vector<std::string> open;
  size_t i = xml.find("?>");
  if (!absl::StartsWith(xml, "<?xml ") || i == std::string::npos) {
    return ::testing::AssertionFailure() << "no XML declaration";
  }
  i += 2;
  auto entity_ok = [&](size_t at) {
    for (const char* e : {"&lt;", "&gt;", "&amp;", "&quot;", "&apos;",
                          "&#9;", "&#10;", "&#13;"}) {
      if (xml.compare(at, std::string(e).size(), e) == 0) return true;
    }
    return false;
  };
  while (i < xml.size()) {
    const unsigned char c = xml[i];
    if (c < 0x20 && c != '\n' && c != '\t') {
      return ::testing::AssertionFailure() << "control character at " << i;
    }
    if (c == '&' && !entity_ok(i)) {
      return ::testing::AssertionFailure() << "bare & at " << i;
    }
    if (c == '>') return ::testing::AssertionFailure() << "bare > at " << i;
    if (c != '<') {
      ++i;
      continue;
    }
    const bool closing = xml[i + 1] == '/';
    size_t j = i + (closing ? 2 : 1);
    const size_t name_end = xml.find_first_of(" />", j);
    const std::string name = xml.substr(j, name_end - j);
    if (name.empty()) return ::testing::AssertionFailure() << "no name at " << i;
    j = name_end;
    // Attributes: name="value" where the value holds no '<' and no '"'.
    while (j < xml.size() && xml[j] != '>' && xml[j] != '/') {
      if (xml[j] == ' ') {
        ++j;
        continue;
      }
      const size_t eq = xml.find('=', j);
      if (eq == std::string::npos || xml[eq + 1] != '"') {
        return ::testing::AssertionFailure() << "unquoted attribute at " << j;
      }
      const size_t end = xml.find('"', eq + 2);
      for (size_t k = eq + 2; k < end; ++k) {
        if (xml[k] == '<' || static_cast<unsigned char>(xml[k]) < 0x20 ||
            (xml[k] == '&' && !entity_ok(k))) {
          return ::testing::AssertionFailure() << "bad attribute at " << k;
        }
      }
      j = end + 1;
    }
    const bool empty = xml[j] == '/';
    if (empty) ++j;
    if (xml[j] != '>') return ::testing::AssertionFailure() << "bad tag at " << i;
    if (closing) {
      if (open.empty() || open.back() != name) {
        return ::testing::AssertionFailure() << "</" << name << "> closes "
                                             << (open.empty() ? "nothing" : open.back());
      }
      open.pop_back();
    } else if (!empty) {
      open.push_back(name);
    }
    i = j + 1;
  }
  if (!open.empty()) {
    return ::testing::AssertionFailure() << "<" << open.back() << "> not closed";
  }
  return ::testing::AssertionSuccess();
}

TEST(ReplayReportTest, JUnitStaysWellFormedWhateverTheTextHolds) {
  const std::string nasty = "<&\"'>\x01\x02\r\xFF]]><!-- x";
  ReplayFileReport r = Failed();
  r.file = "corpus/" + nasty + ".scn";
  r.log = nasty;
  r.findings[nasty] = 1;
  r.problems[0].message = nasty;
  r.problems[0].details = nasty;
  const ReplayFileReport files[] = {Passed(), r};
  ReplayReportOptions options = Options();
  options.suite = nasty;
  const std::string xml = RenderJUnit(files, options);
  EXPECT_TRUE(WellFormed(xml)) << xml;
  EXPECT_FALSE(absl::StrContains(xml, "\x01")) << xml;
  EXPECT_TRUE(absl::StrContains(
      xml, "<system-out>&lt;&amp;&quot;&apos;&gt;\\x01\\x02&#13;\\xFF]]&gt;&lt;!-- x</system-out>"))
      << xml;
  // The check itself catches what it is for.
  EXPECT_FALSE(WellFormed("<?xml version=\"1.0\"?><a><b></a></b>"));
  EXPECT_FALSE(WellFormed("<?xml version=\"1.0\"?><a x=\"<\"></a>"));
  EXPECT_FALSE(WellFormed("<?xml version=\"1.0\"?><a>&</a>"));
  EXPECT_FALSE(WellFormed("<?xml version=\"1.0\"?><a>\x01</a>"));
  EXPECT_TRUE(WellFormed("<?xml version=\"1.0\"?><a x=\"&amp;\"><b/>t</a>"));
}

const JsonValue& Only(const JsonValue& array) {
  EXPECT_EQ(array.elements().size(), 1u);
  static const JsonValue null;
  return array.elements().empty() ? null : array.elements()[0];
}

TEST(ReplayReportTest, SarifHasTheRequiredFieldsAndPointsAtTheLine) {
  ReplayFileReport finding;
  finding.file = "./corpus/new dir/x.scn";
  finding.problems.push_back({ReplayProblemKind::kFinding, kSeed,
                              "finding it in 3 of 20 rounds", "", 12, 12});
  const ReplayFileReport files[] = {Passed(), Failed(), finding};
  const std::string text = RenderSarif(files, Options());
  absl::StatusOr<JsonValue> doc = ParseJson(text);
  ASSERT_TRUE(doc.ok()) << doc.status() << "\n" << text;
  EXPECT_EQ(doc->Get("version").AsString(), "2.1.0");
  EXPECT_TRUE(absl::StrContains(doc->Get("$schema").AsString().value_or(""),
                                "sarif-2.1.0"));
  const JsonValue& run = Only(doc->Get("runs"));
  const JsonValue& driver = run.Get("tool").Get("driver");
  EXPECT_EQ(driver.Get("name").AsString(), "openrace");
  EXPECT_EQ(driver.Get("version").AsString(), "0.1.0");
  // One rule per kind that occurs, in order of first use.
  std::vector<std::string> rules, descriptions;
  for (const JsonValue& rule : driver.Get("rules").elements()) {
    rules.push_back(rule.Get("id").AsString().value_or(""));
    descriptions.push_back(
        rule.Get("shortDescription").Get("text").AsString().value_or(""));
    EXPECT_TRUE(absl::EndsWith(
        rule.Get("fullDescription").Get("text").AsString().value_or(""), "."));
  }
  EXPECT_EQ(rules, (std::vector<std::string>{"expect-clean", kSeed}));
  EXPECT_EQ(descriptions,
            (std::vector<std::string>{"A `# expect: clean` line was not met",
                                      absl::StrCat("openrace finding ", kSeed)}));
  EXPECT_EQ(run.Get("originalUriBaseIds").Get("%SRCROOT%").Get("uri")
                .AsString(),
            "file:///src/project/");
  EXPECT_EQ(Only(run.Get("invocations")).Get("executionSuccessful").AsBool(),
            true);

  const std::vector<JsonValue>& results = run.Get("results").elements();
  ASSERT_EQ(results.size(), 2u);
  const JsonValue& mismatch = results[0];
  EXPECT_EQ(mismatch.Get("ruleId").AsString(), "expect-clean");
  EXPECT_EQ(mismatch.Get("ruleIndex").AsUint64(), 0u);
  EXPECT_EQ(mismatch.Get("level").AsString(), "error");
  EXPECT_TRUE(absl::StartsWith(
      mismatch.Get("message").Get("text").AsString().value_or(""),
      "expected clean; found"));
  const JsonValue& where = Only(mismatch.Get("locations")).Get("physicalLocation");
  EXPECT_EQ(where.Get("artifactLocation").Get("uri").AsString(),
            "corpus/seed/held.scn");
  EXPECT_EQ(where.Get("artifactLocation").Get("uriBaseId").AsString(),
            "%SRCROOT%");
  EXPECT_EQ(where.Get("region").Get("startLine").AsUint64(), 5u);
  const JsonValue& call =
      Only(mismatch.Get("relatedLocations")).Get("physicalLocation");
  EXPECT_EQ(call.Get("region").Get("startLine").AsUint64(), 17u);
  EXPECT_EQ(mismatch.Get("properties").Get("details").AsString(),
            "thread 2 op 2: open cwd:src/a/foo.h");

  const JsonValue& found = results[1];
  EXPECT_EQ(found.Get("ruleId").AsString(), kSeed);
  EXPECT_EQ(found.Get("ruleIndex").AsUint64(), 1u);
  const JsonValue& at = Only(found.Get("locations")).Get("physicalLocation");
  EXPECT_EQ(at.Get("artifactLocation").Get("uri").AsString(),
            "corpus/new%20dir/x.scn");
  EXPECT_EQ(at.Get("region").Get("startLine").AsUint64(), 12u);
  EXPECT_FALSE(found.Has("relatedLocations"));  // the call is the line
}

TEST(ReplayReportTest, SarifOfACleanReplayHasNoResultsAndAnErrorFailsIt) {
  const ReplayFileReport clean[] = {Passed()};
  absl::StatusOr<JsonValue> doc = ParseJson(RenderSarif(clean, Options()));
  ASSERT_TRUE(doc.ok()) << doc.status();
  const JsonValue& run = Only(doc->Get("runs"));
  EXPECT_TRUE(run.Get("results").elements().empty());
  EXPECT_TRUE(run.Get("tool").Get("driver").Get("rules").elements().empty());

  ReplayFileReport error;
  error.file = "x.scn";
  error.problems.push_back(
      {ReplayProblemKind::kError, "", "could not run", "", 0, 0});
  const ReplayFileReport failed[] = {error};
  doc = ParseJson(RenderSarif(failed, Options()));
  ASSERT_TRUE(doc.ok()) << doc.status();
  const JsonValue& failed_run = Only(doc->Get("runs"));
  EXPECT_EQ(Only(failed_run.Get("invocations")).Get("executionSuccessful")
                .AsBool(),
            false);
  const JsonValue& result = Only(failed_run.Get("results"));
  EXPECT_EQ(result.Get("ruleId").AsString(), "replay-error");
  // No line: the location is the file.
  EXPECT_FALSE(Only(result.Get("locations")).Get("physicalLocation")
                   .Has("region"));
}

struct UriCase {
  std::string file;
  std::string cwd;
  std::string want;
};

TEST(ReplayReportTest, ReportUriIsRelativeToTheCurrentDirectory) {
  const UriCase cases[] = {
      {"corpus/a.scn", "/src", "corpus/a.scn"},
      {"./corpus/./a.scn", "/src", "corpus/a.scn"},
      {"/src/corpus/a.scn", "/src", "corpus/a.scn"},
      {"/src/corpus/a.scn", "/src/", "corpus/a.scn"},
      {"/src/corpus/a.scn", "/src/.", "corpus/a.scn"},
      {"/srcx/a.scn", "/src", "file:///srcx/a.scn"},
      {"/tmp/a b#%.scn", "/src", "file:///tmp/a%20b%23%25.scn"},
      {"../x/a.scn", "/src", "../x/a.scn"},
      {"odd:name.scn", "/", "odd%3Aname.scn"},
      {"/a.scn", "/", "a.scn"},
      {"C:\\src\\corpus\\a.scn", "C:\\src", "corpus/a.scn"},
      {"c:\\src\\corpus\\a.scn", "C:\\src", "corpus/a.scn"},
      {"D:\\other\\a.scn", "C:\\src", "file:///D:/other/a.scn"},
      {"corpus\\a.scn", "C:\\src", "corpus/a.scn"},
      {"back\\slash.scn", "/src", "back%5Cslash.scn"},
  };
  for (const UriCase& c : cases) {
    EXPECT_EQ(ReportUri(c.file, c.cwd), c.want) << c.file << " in " << c.cwd;
  }
}

TEST(ReplayReportTest, TotalAndProgressLines) {
  ReplayFileReport skipped;
  skipped.skipped = true;
  const ReplayFileReport files[] = {Passed(), Failed(), skipped};
  EXPECT_EQ(ReplayTotalLine(files, absl::Milliseconds(61234)),
            "openrace replay: 3 files, 1 ok, 1 failed, 2300 rounds in 61.2s, "
            "1 not replayed (interrupted)");
  const ReplayFileReport one[] = {Passed()};
  EXPECT_EQ(ReplayTotalLine(one, absl::Seconds(2)),
            "openrace replay: 1 file, 1 ok, 0 failed, 2000 rounds in 2.0s");
  EXPECT_EQ(ReplayProgressLine(2, 5, "corpus/a.scn", 1200, 1),
            "replay 2/5 corpus/a.scn: 1200 rounds, 1 finding so far");
  EXPECT_EQ(ReplayProgressLine(1, 1, "a.scn", 0, 0),
            "replay 1/1 a.scn: 0 rounds, 0 findings so far");
}

}  // namespace
}  // namespace openrace
