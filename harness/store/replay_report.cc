// replay_report.cc — JUnit XML, SARIF 2.1.0 and the progress and total
// lines of `openrace replay` (replay_report.h).

#include "harness/store/replay_report.h"

#include <cstdint>
#include <string>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "harness/base/json.h"

namespace openrace {
namespace {

// A path split into its components, and whether it is absolute (then
// `drive` holds "C:" for a Windows one).
struct SplitPath {
  bool absolute = false;
  std::string drive;
  std::vector<std::string> parts;
};

bool HasDrive(absl::string_view path) {
  return path.size() >= 2 && absl::ascii_isalpha(path[0]) && path[1] == ':';
}

// "." and empty components dropped; ".." kept (the path is not resolved).
SplitPath Split(absl::string_view path, bool windows) {
  SplitPath split;
  if (windows && HasDrive(path)) {
    split.drive = std::string(path.substr(0, 2));
    path.remove_prefix(2);
    split.absolute = true;
  } else if (!path.empty() && path[0] == '/') {
    split.absolute = true;
  }
  for (absl::string_view part : absl::StrSplit(
           path, windows ? absl::ByAnyChar("/\\") : absl::ByAnyChar("/"))) {
    if (part.empty() || part == ".") continue;
    split.parts.emplace_back(part);
  }
  return split;
}

// `file` relative to `cwd` when it is relative or lies under `cwd`;
// otherwise absolute.
SplitPath Relative(absl::string_view file, absl::string_view cwd) {
  const bool windows = HasDrive(cwd);
  SplitPath path = Split(file, windows);
  if (!path.absolute) return path;
  const SplitPath base = Split(cwd, windows);
  if (!base.absolute || base.parts.size() >= path.parts.size() ||
      !absl::EqualsIgnoreCase(base.drive, path.drive)) {
    return path;
  }
  for (size_t i = 0; i < base.parts.size(); ++i) {
    if (base.parts[i] != path.parts[i]) return path;
  }
  SplitPath relative;
  relative.parts.assign(path.parts.begin() + base.parts.size(),
                        path.parts.end());
  return relative;
}

// RFC 3986: unreserved characters stay, the rest is %XX (a ':' too, which
// in a relative reference's first segment would read as a scheme).
std::string PercentEncode(absl::string_view part) {
  std::string out;
  for (unsigned char c : part) {
    if (absl::ascii_isalnum(c) || c == '-' || c == '.' || c == '_' ||
        c == '~') {
      out += static_cast<char>(c);
    } else {
      absl::StrAppendFormat(&out, "%%%02X", c);
    }
  }
  return out;
}

std::string EncodedParts(const std::vector<std::string>& parts) {
  std::vector<std::string> encoded;
  for (const std::string& part : parts) encoded.push_back(PercentEncode(part));
  return absl::StrJoin(encoded, "/");
}

// file:///abs/path or file:///C:/abs/path; `directory` adds a final '/'.
std::string FileUri(const SplitPath& path, bool directory) {
  std::string uri = "file:///";
  if (!path.drive.empty()) absl::StrAppend(&uri, path.drive, "/");
  absl::StrAppend(&uri, EncodedParts(path.parts));
  if (directory && !path.parts.empty()) uri += '/';
  return uri;
}

// The length of the well-formed UTF-8 sequence at `text[i]` that XML 1.0
// can hold, or 0.
size_t Utf8Length(absl::string_view text, size_t i) {
  const unsigned char c = text[i];
  size_t n;
  uint32_t code;
  if (c < 0x80) return 1;
  if (c >= 0xC2 && c <= 0xDF) {
    n = 2;
    code = c & 0x1F;
  } else if (c >= 0xE0 && c <= 0xEF) {
    n = 3;
    code = c & 0x0F;
  } else if (c >= 0xF0 && c <= 0xF4) {
    n = 4;
    code = c & 0x07;
  } else {
    return 0;
  }
  if (i + n > text.size()) return 0;
  for (size_t k = 1; k < n; ++k) {
    const unsigned char next = text[i + k];
    if ((next & 0xC0) != 0x80) return 0;
    code = (code << 6) | (next & 0x3F);
  }
  const uint32_t least[] = {0, 0, 0x80, 0x800, 0x10000};
  if (code < least[n] || code > 0x10FFFF) return 0;    // overlong, too big
  if (code >= 0xD800 && code <= 0xDFFF) return 0;      // surrogates
  if (code == 0xFFFE || code == 0xFFFF) return 0;      // not XML characters
  return n;
}

// A rule's short and full description.
struct RuleText {
  std::string short_text;
  std::string full_text;
};

RuleText DescribeRule(absl::string_view id) {
  if (id == "expect-clean") {
    return {"A `# expect: clean` line was not met",
            "A scenario file's `# expect: clean` line was not met: replaying "
            "it found a call whose outcome no interleaving of the scenario "
            "allows."};
  }
  if (id == "expect-finding") {
    return {"A `# expect: finding` line was not met",
            "A scenario file's `# expect: finding SIGNATURE under emulator "
            "rule RULE` line was not met: replaying it under the planted-bug "
            "emulator did not find SIGNATURE."};
  }
  if (id == "replay-error") {
    return {"A scenario file could not be replayed",
            "A scenario file could not be replayed."};
  }
  return {absl::StrCat("openrace finding ", id),
          absl::StrCat("Replaying the scenario found ", id,
                       " (operation-outcome-error-verdict-anchor): a call's "
                       "outcome that no interleaving of the scenario "
                       "allows.")};
}

void AppendLocation(JsonWriter& json, const std::string& uri, bool relative,
                    int line) {
  json.Key("physicalLocation").BeginObject();
  json.Key("artifactLocation").BeginObject();
  json.Key("uri").String(uri);
  if (relative) json.Key("uriBaseId").String("%SRCROOT%");
  json.EndObject();
  if (line > 0) {
    json.Key("region").BeginObject().Key("startLine").Number(line).EndObject();
  }
  json.EndObject();
}

std::string Seconds(absl::Duration d) {
  return absl::StrFormat("%.3f", absl::ToDoubleSeconds(d));
}

}  // namespace

std::string ReplayRuleId(const ReplayProblem& problem) {
  switch (problem.kind) {
    case ReplayProblemKind::kExpectClean:
      return "expect-clean";
    case ReplayProblemKind::kExpectFinding:
      return "expect-finding";
    case ReplayProblemKind::kError:
      return "replay-error";
    case ReplayProblemKind::kFinding:
      break;
  }
  return problem.signature.empty() ? "finding" : problem.signature;
}

std::string ReportUri(absl::string_view file, absl::string_view cwd) {
  const SplitPath path = Relative(file, cwd);
  if (path.absolute) return FileUri(path, false);
  return EncodedParts(path.parts);
}

std::string EscapeXml(absl::string_view text, bool attribute) {
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size();) {
    const unsigned char c = text[i];
    const size_t n = Utf8Length(text, i);
    if (n > 1) {
      out.append(text.data() + i, n);
      i += n;
      continue;
    }
    ++i;
    switch (c) {
      case '<': out += "&lt;"; continue;
      case '>': out += "&gt;"; continue;
      case '&': out += "&amp;"; continue;
      case '"': out += "&quot;"; continue;
      case '\'': out += "&apos;"; continue;
      case '\t': out += attribute ? "&#9;" : "\t"; continue;
      case '\n': out += attribute ? "&#10;" : "\n"; continue;
      case '\r': out += "&#13;"; continue;
      default: break;
    }
    if (n == 1 && c >= 0x20 && c != 0x7F) {
      out += static_cast<char>(c);
    } else {
      absl::StrAppendFormat(&out, "\\x%02X", c);
    }
  }
  return out;
}

std::string RenderJUnit(absl::Span<const ReplayFileReport> files,
                        const ReplayReportOptions& options) {
  size_t failures = 0, errors = 0, skipped = 0;
  absl::Duration total;
  for (const ReplayFileReport& f : files) {
    bool error = false;
    for (const ReplayProblem& p : f.problems) {
      error |= p.kind == ReplayProblemKind::kError;
    }
    if (error) {
      ++errors;
    } else if (f.failed()) {
      ++failures;
    } else if (f.skipped) {
      ++skipped;
    }
    total += f.time;
  }
  const std::string counts = absl::StrFormat(
      "tests=\"%d\" failures=\"%d\" errors=\"%d\" skipped=\"%d\" time=\"%s\"",
      files.size(), failures, errors, skipped, Seconds(total));
  const std::string suite = EscapeXml(options.suite, true);
  std::string out = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
  absl::StrAppend(&out, "<testsuites name=\"", suite, "\" ", counts, ">\n");
  absl::StrAppend(&out, "  <testsuite name=\"", suite, "\" ", counts, ">\n");
  for (const ReplayFileReport& f : files) {
    SplitPath path = Relative(f.file, options.cwd);
    std::string name = path.parts.empty() ? f.file : path.parts.back();
    if (absl::EndsWith(name, ".scn")) name.resize(name.size() - 4);
    if (!path.parts.empty()) path.parts.pop_back();
    std::string classname = absl::StrJoin(path.parts, ".");
    if (classname.empty()) classname = "openrace";
    absl::StrAppend(&out, "    <testcase classname=\"",
                    EscapeXml(classname, true), "\" name=\"",
                    EscapeXml(name, true), "\" file=\"",
                    EscapeXml(f.file, true), "\" time=\"", Seconds(f.time),
                    "\">\n");
    std::vector<std::pair<std::string, uint64_t>> properties = {
        {"rounds", f.rounds}};
    for (const auto& [outcome, n] : f.outcomes) {
      properties.push_back({"outcome." + outcome, n});
    }
    for (const auto& [signature, n] : f.findings) {
      properties.push_back({"finding." + signature, n});
    }
    if (f.expectations) {
      properties.push_back(
          {"expectations", static_cast<uint64_t>(f.expectations)});
      properties.push_back(
          {"expectations_met", static_cast<uint64_t>(f.expectations_met)});
    }
    out += "      <properties>\n";
    for (const auto& [key, value] : properties) {
      absl::StrAppend(&out, "        <property name=\"", EscapeXml(key, true),
                      "\" value=\"", value, "\"/>\n");
    }
    out += "      </properties>\n";
    if (f.failed()) {
      bool error = false;
      std::string text;
      for (const ReplayProblem& p : f.problems) {
        error |= p.kind == ReplayProblemKind::kError;
        if (p.line > 0) absl::StrAppend(&text, f.file, ":", p.line, ": ");
        absl::StrAppend(&text, p.message, "\n");
        if (!p.details.empty()) {
          absl::StrAppend(&text, p.details,
                          absl::EndsWith(p.details, "\n") ? "" : "\n");
        }
      }
      const ReplayProblem& first = f.problems.front();
      std::string message = first.message;
      if (f.problems.size() > 1) {
        absl::StrAppend(&message, " (and ", f.problems.size() - 1, " more)");
      }
      const char* element = error ? "error" : "failure";
      absl::StrAppend(&out, "      <", element, " message=\"",
                      EscapeXml(message, true), "\" type=\"",
                      EscapeXml(ReplayRuleId(first), true), "\">",
                      EscapeXml(text, false), "</", element, ">\n");
    } else if (f.skipped) {
      out += "      <skipped message=\"not replayed (interrupted)\"/>\n";
    }
    if (!f.log.empty()) {
      absl::StrAppend(&out, "      <system-out>", EscapeXml(f.log, false),
                      "</system-out>\n");
    }
    out += "    </testcase>\n";
  }
  out += "  </testsuite>\n</testsuites>\n";
  return out;
}

std::string RenderSarif(absl::Span<const ReplayFileReport> files,
                        const ReplayReportOptions& options) {
  // The rules in order of first use; a result names its rule's index.
  std::vector<std::string> rules;
  auto rule_index = [&rules](const std::string& id) {
    for (size_t i = 0; i < rules.size(); ++i) {
      if (rules[i] == id) return i;
    }
    rules.push_back(id);
    return rules.size() - 1;
  };
  bool successful = true;
  for (const ReplayFileReport& f : files) {
    successful &= !f.skipped;
    for (const ReplayProblem& p : f.problems) {
      rule_index(ReplayRuleId(p));
      successful &= p.kind != ReplayProblemKind::kError;
    }
  }

  JsonWriter json;
  json.BeginObject();
  json.Key("$schema").String("https://json.schemastore.org/sarif-2.1.0.json");
  json.Key("version").String("2.1.0");
  json.Key("runs").BeginArray().BeginObject();
  json.Key("tool").BeginObject().Key("driver").BeginObject();
  json.Key("name").String("openrace");
  json.Key("version").String(options.version);
  json.Key("semanticVersion").String(options.version);
  json.Key("rules").BeginArray();
  for (const std::string& id : rules) {
    const RuleText text = DescribeRule(id);
    json.BeginObject();
    json.Key("id").String(id);
    json.Key("shortDescription").BeginObject();
    json.Key("text").String(text.short_text).EndObject();
    json.Key("fullDescription").BeginObject();
    json.Key("text").String(text.full_text).EndObject();
    json.Key("defaultConfiguration").BeginObject();
    json.Key("level").String("error").EndObject();
    json.EndObject();
  }
  json.EndArray();
  json.EndObject().EndObject();  // driver, tool

  json.Key("originalUriBaseIds").BeginObject();
  json.Key("%SRCROOT%").BeginObject();
  json.Key("uri").String(FileUri(Split(options.cwd, HasDrive(options.cwd)),
                                 /*directory=*/true));
  json.EndObject().EndObject();
  json.Key("invocations").BeginArray().BeginObject();
  json.Key("executionSuccessful").Bool(successful);
  json.EndObject().EndArray();

  json.Key("results").BeginArray();
  for (const ReplayFileReport& f : files) {
    const bool relative = !Relative(f.file, options.cwd).absolute;
    const std::string uri = ReportUri(f.file, options.cwd);
    for (const ReplayProblem& p : f.problems) {
      const std::string id = ReplayRuleId(p);
      json.BeginObject();
      json.Key("ruleId").String(id);
      json.Key("ruleIndex").Number(static_cast<uint64_t>(rule_index(id)));
      json.Key("level").String("error");
      json.Key("message").BeginObject().Key("text").String(p.message);
      json.EndObject();
      json.Key("locations").BeginArray().BeginObject();
      AppendLocation(json, uri, relative, p.line);
      json.EndObject().EndArray();
      if (p.call_line > 0 && p.call_line != p.line) {
        json.Key("relatedLocations").BeginArray().BeginObject();
        json.Key("id").Number(1);
        AppendLocation(json, uri, relative, p.call_line);
        json.Key("message").BeginObject();
        json.Key("text").String("the call whose outcome was wrong");
        json.EndObject();
        json.EndObject().EndArray();
      }
      if (!p.details.empty()) {
        json.Key("properties").BeginObject();
        json.Key("details").String(p.details).EndObject();
      }
      json.EndObject();
    }
  }
  json.EndArray();
  json.EndObject().EndArray();  // the run, runs
  json.EndObject();
  return json.Take();
}

std::string ReplayTotalLine(absl::Span<const ReplayFileReport> files,
                            absl::Duration elapsed) {
  size_t failed = 0, skipped = 0;
  uint64_t rounds = 0;
  for (const ReplayFileReport& f : files) {
    if (f.failed()) {
      ++failed;
    } else if (f.skipped) {
      ++skipped;
    }
    rounds += f.rounds;
  }
  std::string line = absl::StrFormat(
      "openrace replay: %d file%s, %d ok, %d failed, %d rounds in %.1fs",
      files.size(), files.size() == 1 ? "" : "s",
      files.size() - failed - skipped, failed, rounds,
      absl::ToDoubleSeconds(elapsed));
  if (skipped) {
    absl::StrAppend(&line, ", ", skipped, " not replayed (interrupted)");
  }
  return line;
}

std::string ReplayProgressLine(size_t index, size_t count,
                               absl::string_view file, uint64_t rounds,
                               uint64_t findings) {
  return absl::StrFormat("replay %d/%d %s: %d rounds, %d finding%s so far",
                         index, count, file, rounds, findings,
                         findings == 1 ? "" : "s");
}

}  // namespace openrace
