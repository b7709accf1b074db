// markdown.cc — see markdown.h.

#include "harness/report/markdown.h"

#include <string>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"

namespace openrace {
namespace {

// A link target the dashboard may point at: relative, or http(s)/mailto.
bool SafeUrl(absl::string_view url) {
  if (url.empty()) return false;
  const size_t colon = url.find(':');
  const size_t slash = url.find_first_of("/?#");
  if (colon == absl::string_view::npos ||
      (slash != absl::string_view::npos && slash < colon)) {
    return true;  // no scheme: a relative link
  }
  const std::string scheme = absl::AsciiStrToLower(url.substr(0, colon));
  return scheme == "http" || scheme == "https" || scheme == "mailto";
}

std::string Inline(absl::string_view text, bool links = true) {
  std::string html;
  size_t i = 0;
  while (i < text.size()) {
    const char c = text[i];
    if (c == '`') {
      size_t run = 0;
      while (i + run < text.size() && text[i + run] == '`') ++run;
      // The closing run of exactly as many backticks.
      size_t close = i + run;
      for (;;) {
        close = text.find(std::string(run, '`'), close);
        if (close == absl::string_view::npos) break;
        size_t after = close + run;
        if (after < text.size() && text[after] == '`') {
          while (after < text.size() && text[after] == '`') ++after;
          close = after;
          continue;
        }
        break;
      }
      if (close == absl::string_view::npos) {
        html += HtmlEscape(text.substr(i, run));
        i += run;
        continue;
      }
      absl::string_view code = text.substr(i + run, close - i - run);
      if (code.size() >= 2 && code.front() == ' ' && code.back() == ' ' &&
          !absl::StripAsciiWhitespace(code).empty()) {
        code = code.substr(1, code.size() - 2);
      }
      absl::StrAppend(&html, "<code>", HtmlEscape(code), "</code>");
      i = close + run;
      continue;
    }
    if (c == '[' && links) {
      const size_t middle = text.find("](", i + 1);
      const size_t end = middle == absl::string_view::npos
                             ? absl::string_view::npos
                             : text.find(')', middle + 2);
      const size_t nested = text.find('[', i + 1);
      if (end != absl::string_view::npos &&
          (nested == absl::string_view::npos || nested > middle)) {
        const absl::string_view label = text.substr(i + 1, middle - i - 1);
        const absl::string_view url =
            absl::StripAsciiWhitespace(text.substr(middle + 2, end - middle - 2));
        if (SafeUrl(url)) {
          absl::StrAppend(&html, "<a href=\"", HtmlEscape(url), "\">",
                          Inline(label, false), "</a>");
        } else {
          html += Inline(label, false);
        }
        i = end + 1;
        continue;
      }
    }
    if (c == '\\' && i + 1 < text.size() &&
        absl::StrContains("\\`*_[]()#|-!<>", text[i + 1])) {
      html += HtmlEscape(text.substr(i + 1, 1));
      i += 2;
      continue;
    }
    html += HtmlEscape(text.substr(i, 1));
    ++i;
  }
  return html;
}

bool IsBlank(absl::string_view line) {
  return absl::StripAsciiWhitespace(line).empty();
}

// The level of an ATX heading, or 0.
int HeadingLevel(absl::string_view line) {
  int level = 0;
  while (level < static_cast<int>(line.size()) && line[level] == '#') ++level;
  if (level == 0 || level > 6) return 0;
  if (level < static_cast<int>(line.size()) && line[level] != ' ') return 0;
  return level;
}

bool IsFence(absl::string_view line) {
  return absl::StartsWith(absl::StripLeadingAsciiWhitespace(line), "```");
}

enum class ListKind { kNone, kBullet, kNumbered };

// The kind of list item `line` starts, and where its text begins.
ListKind ListItem(absl::string_view line, size_t* text_start) {
  if (line.size() >= 2 && (line[0] == '-' || line[0] == '*') && line[1] == ' ') {
    *text_start = 2;
    return ListKind::kBullet;
  }
  size_t digits = 0;
  while (digits < line.size() && absl::ascii_isdigit(line[digits])) ++digits;
  if (digits > 0 && digits + 1 < line.size() && line[digits] == '.' &&
      line[digits + 1] == ' ') {
    *text_start = digits + 2;
    return ListKind::kNumbered;
  }
  return ListKind::kNone;
}

std::vector<std::string> Cells(absl::string_view row) {
  row = absl::StripAsciiWhitespace(row);
  absl::ConsumePrefix(&row, "|");
  if (absl::EndsWith(row, "|") && !absl::EndsWith(row, "\\|")) {
    row.remove_suffix(1);
  }
  std::vector<std::string> cells;
  std::string cell;
  for (size_t i = 0; i < row.size(); ++i) {
    if (row[i] == '\\' && i + 1 < row.size() && row[i + 1] == '|') {
      cell += '|';
      ++i;
    } else if (row[i] == '|') {
      cells.push_back(std::string(absl::StripAsciiWhitespace(cell)));
      cell.clear();
    } else {
      cell += row[i];
    }
  }
  cells.push_back(std::string(absl::StripAsciiWhitespace(cell)));
  return cells;
}

// The alignments of a delimiter row (`| --- | ---: |`), or none when the
// line is not one.
bool DelimiterRow(absl::string_view line, std::vector<std::string>* aligns) {
  if (!absl::StrContains(line, '-') || !absl::StrContains(line, '|')) return false;
  aligns->clear();
  for (const std::string& cell : Cells(line)) {
    absl::string_view c = cell;
    const bool left = absl::ConsumePrefix(&c, ":");
    const bool right = absl::ConsumeSuffix(&c, ":");
    if (c.empty() || c.find_first_not_of('-') != absl::string_view::npos) {
      return false;
    }
    aligns->push_back(left && right ? "center" : right ? "right" : left ? "left" : "");
  }
  return true;
}

bool IsTableStart(const std::vector<absl::string_view>& lines, size_t i) {
  std::vector<std::string> aligns;
  return absl::StartsWith(absl::StripLeadingAsciiWhitespace(lines[i]), "|") &&
         i + 1 < lines.size() && DelimiterRow(lines[i + 1], &aligns);
}

std::string CellTag(absl::string_view tag, const std::string& align,
                    absl::string_view text) {
  const std::string style =
      align.empty() ? "" : absl::StrCat(" style=\"text-align:", align, "\"");
  return absl::StrCat("<", tag, style, ">", Inline(text), "</", tag, ">");
}

}  // namespace

std::string HtmlEscape(absl::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#39;"; break;
      default: out += c;
    }
  }
  return out;
}

std::string MarkdownToHtml(absl::string_view markdown) {
  std::vector<absl::string_view> lines = absl::StrSplit(markdown, '\n');
  for (absl::string_view& line : lines) absl::ConsumeSuffix(&line, "\r");
  if (!lines.empty() && lines.back().empty()) lines.pop_back();  // the final newline
  std::string html;
  size_t i = 0;
  while (i < lines.size()) {
    const absl::string_view line = lines[i];
    if (IsBlank(line)) {
      ++i;
      continue;
    }
    if (IsFence(line)) {
      absl::string_view language =
          absl::StripAsciiWhitespace(absl::StripLeadingAsciiWhitespace(line).substr(3));
      const bool plain = language.find_first_not_of(
                             "abcdefghijklmnopqrstuvwxyz"
                             "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_+-") ==
                         absl::string_view::npos;
      std::string code;
      ++i;
      while (i < lines.size() && !IsFence(lines[i])) {
        absl::StrAppend(&code, lines[i], "\n");
        ++i;
      }
      ++i;  // the closing fence (an unclosed one ends with the document)
      absl::StrAppend(&html, "<pre><code",
                      !language.empty() && plain
                          ? absl::StrCat(" class=\"language-", language, "\"")
                          : "",
                      ">", HtmlEscape(code), "</code></pre>\n");
      continue;
    }
    if (const int level = HeadingLevel(line)) {
      absl::string_view text = absl::StripAsciiWhitespace(line.substr(level));
      absl::StrAppend(&html, "<h", level, ">", Inline(text), "</h", level, ">\n");
      ++i;
      continue;
    }
    if (IsTableStart(lines, i)) {
      std::vector<std::string> aligns;
      DelimiterRow(lines[i + 1], &aligns);
      const std::vector<std::string> header = Cells(lines[i]);
      html += "<table>\n<thead><tr>";
      for (size_t c = 0; c < header.size(); ++c) {
        html += CellTag("th", c < aligns.size() ? aligns[c] : "", header[c]);
      }
      html += "</tr></thead>\n<tbody>\n";
      i += 2;
      while (i < lines.size() &&
             absl::StartsWith(absl::StripLeadingAsciiWhitespace(lines[i]), "|")) {
        const std::vector<std::string> row = Cells(lines[i]);
        html += "<tr>";
        // As many cells as the header: missing ones empty, extra ones cut.
        for (size_t c = 0; c < header.size(); ++c) {
          html += CellTag("td", c < aligns.size() ? aligns[c] : "",
                          c < row.size() ? row[c] : "");
        }
        html += "</tr>\n";
        ++i;
      }
      html += "</tbody>\n</table>\n";
      continue;
    }
    size_t start = 0;
    if (const ListKind kind = ListItem(line, &start); kind != ListKind::kNone) {
      const char* tag = kind == ListKind::kBullet ? "ul" : "ol";
      absl::StrAppend(&html, "<", tag, ">\n");
      std::string item(line.substr(start));
      ++i;
      auto flush = [&] {
        absl::StrAppend(&html, "<li>", Inline(item), "</li>\n");
      };
      while (i < lines.size() && !IsBlank(lines[i])) {
        size_t next_start = 0;
        const ListKind next = ListItem(lines[i], &next_start);
        if (next == kind) {
          flush();
          item = std::string(lines[i].substr(next_start));
        } else if (next == ListKind::kNone && !IsFence(lines[i]) &&
                   !HeadingLevel(lines[i]) && !IsTableStart(lines, i)) {
          // A continuation of the item's text.
          absl::StrAppend(&item, "\n", absl::StripLeadingAsciiWhitespace(lines[i]));
        } else {
          break;
        }
        ++i;
      }
      flush();
      absl::StrAppend(&html, "</", tag, ">\n");
      continue;
    }
    // A paragraph: up to a blank line or the start of another block.
    std::string text(line);
    ++i;
    while (i < lines.size() && !IsBlank(lines[i]) && !IsFence(lines[i]) &&
           !HeadingLevel(lines[i]) && !IsTableStart(lines, i) &&
           ListItem(lines[i], &start) == ListKind::kNone) {
      absl::StrAppend(&text, "\n", lines[i]);
      ++i;
    }
    absl::StrAppend(&html, "<p>", Inline(text), "</p>\n");
  }
  return html;
}

}  // namespace openrace
