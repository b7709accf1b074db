// markdown.h — report.md as HTML, for the dashboard (dashboard.h).
//
// Exactly the Markdown that report.md is written in (report.h), and no
// more: ATX headings (`#` to `######`), paragraphs, fenced code blocks
// (``` with an optional language), pipe tables with a delimiter row
// (`| --- | ---: |`, alignment kept), lists (`- ` or `* `, and `1. `),
// and inline code and links inside text. Anything else is text. Every
// character of the input is escaped (HtmlEscape): a scenario that names a
// file `<script>` shows that name, it runs nothing. A link keeps its
// target only when it is relative or http(s)/mailto; a `javascript:` one
// becomes its text.
//
// Example:
//   MarkdownToHtml("# Title\n\nSee `found.scn`.\n")
//     == "<h1>Title</h1>\n<p>See <code>found.scn</code>.</p>\n"

#ifndef OPENRACE_HARNESS_REPORT_MARKDOWN_H_
#define OPENRACE_HARNESS_REPORT_MARKDOWN_H_

#include <string>

#include "absl/strings/string_view.h"

namespace openrace {

// &, <, >, " and ' as entities: safe in text and in quoted attributes.
std::string HtmlEscape(absl::string_view text);

std::string MarkdownToHtml(absl::string_view markdown);

}  // namespace openrace

#endif  // OPENRACE_HARNESS_REPORT_MARKDOWN_H_
