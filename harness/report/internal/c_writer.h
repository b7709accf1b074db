// internal/c_writer.h — a small writer for C text, for the C emitters:
// lines at the current indentation, blocks that indent their body, comments
// that cannot be closed early by their text, string literals that survive
// any byte.

#ifndef OPENRACE_HARNESS_REPORT_INTERNAL_C_WRITER_H_
#define OPENRACE_HARNESS_REPORT_INTERNAL_C_WRITER_H_

#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/string_view.h"

namespace openrace::internal {

inline constexpr absl::string_view kIndent = "    ";

// Text for inside a /* */ comment: "*/" would end it, "??/" at a line's
// end would join the next line to it, a control character would garble it.
inline std::string CommentText(absl::string_view text) {
  std::string out;
  for (char c : text) {
    if (!out.empty() && ((c == '/' && out.back() == '*') ||
                         (c == '?' && out.back() == '?'))) {
      out += ' ';
    }
    out += (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) ? '?' : c;
  }
  return out;
}

// A C string literal. Octal escapes always have three digits, so a following
// digit cannot extend them; '?' is escaped so no trigraph can form.
inline std::string CString(absl::string_view text) {
  std::string out = "\"";
  for (char c : text) {
    const auto byte = static_cast<unsigned char>(c);
    if (c == '"' || c == '\\' || c == '?') {
      absl::StrAppend(&out, "\\", std::string(1, c));
    } else if (byte < 0x20 || byte >= 0x7f) {
      absl::StrAppendFormat(&out, "\\%03o", byte);
    } else {
      out += c;
    }
  }
  return out + "\"";
}

class CWriter {
 public:
  // One line at the current indentation; an empty line stays empty.
  void Line(absl::string_view text) {
    if (!text.empty()) {
      for (int i = 0; i < depth_; ++i) absl::StrAppend(&out_, kIndent);
    }
    absl::StrAppend(&out_, text, "\n");
  }
  template <typename... Args>
  void Linef(const absl::FormatSpec<Args...>& format, const Args&... args) {
    Line(absl::StrFormat(format, args...));
  }
  void Blank() { Line(""); }
  // The one-line body of an `if` or `for` without braces.
  void Indented(absl::string_view text) {
    ++depth_;
    Line(text);
    --depth_;
  }

  // `head {` (or `{` alone for a function body), then the body one level
  // deeper until Close.
  void Open(absl::string_view head) {
    Line(head.empty() ? "{" : absl::StrCat(head, " {"));
    ++depth_;
  }
  void Close(absl::string_view tail = "}") {
    --depth_;
    Line(tail);
  }

  void Comment(absl::string_view text) {
    Line(absl::StrCat("/* ", CommentText(text), " */"));
  }
  void BlockComment(const std::vector<std::string>& lines) {
    Line("/*");
    for (const std::string& line : lines) {
      Line(line.empty() ? " *" : absl::StrCat(" * ", CommentText(line)));
    }
    Line(" */");
  }

  // Fixed C text, written as it is (it carries its own indentation).
  void Raw(absl::string_view text) { absl::StrAppend(&out_, text); }

  std::string Take() && { return std::move(out_); }

 private:
  std::string out_;
  int depth_ = 0;
};

// A wide string literal (L"..."), for the Windows W functions. Scenario
// names are printable ASCII, so each character is one wchar_t.
inline std::string CWideString(absl::string_view text) {
  return absl::StrCat("L", CString(text));
}

}  // namespace openrace::internal

#endif  // OPENRACE_HARNESS_REPORT_INTERNAL_C_WRITER_H_
