// markdown_test.cc — report.md's Markdown subset as HTML: Markdown in, HTML
// out, and nothing of the input ever becomes markup it did not ask for.

#include "harness/report/markdown.h"

#include <string>

#include "gtest/gtest.h"

namespace openrace {
namespace {

struct Case {
  std::string name;
  std::string markdown;
  std::string want;
};

class MarkdownTest : public ::testing::TestWithParam<Case> {};

TEST_P(MarkdownTest, RendersTheSubset) {
  EXPECT_EQ(MarkdownToHtml(GetParam().markdown), GetParam().want)
      << GetParam().markdown;
}

INSTANTIATE_TEST_SUITE_P(
    Table, MarkdownTest,
    ::testing::Values(
        Case{"Headings", "# One\n## Two\n###### Six\n",
             "<h1>One</h1>\n<h2>Two</h2>\n<h6>Six</h6>\n"},
        Case{"SevenHashesAreText", "####### x\n", "<p>####### x</p>\n"},
        Case{"HashWithoutSpaceIsText", "#tag\n", "<p>#tag</p>\n"},
        Case{"ParagraphsSplitOnBlankLines", "one\ntwo\n\nthree\n",
             "<p>one\ntwo</p>\n<p>three</p>\n"},
        Case{"InlineCode", "Signature: `open-x-EINVAL-transient-cwd`\n",
             "<p>Signature: <code>open-x-EINVAL-transient-cwd</code></p>\n"},
        Case{"InlineCodeIsEscapedVerbatim", "call `open cwd:<b>&x` here\n",
             "<p>call <code>open cwd:&lt;b&gt;&amp;x</code> here</p>\n"},
        Case{"DoubleBackticksHoldOne", "``a ` b``\n", "<p><code>a ` b</code></p>\n"},
        Case{"UnclosedBacktickIsText", "a `b\n", "<p>a `b</p>\n"},
        Case{"FencedCode", "```\nthread\n  open cwd:src/f\n```\n",
             "<pre><code>thread\n  open cwd:src/f\n</code></pre>\n"},
        Case{"FencedCodeWithLanguage", "```c\nint main(void) { return 1 < 2; }\n```\n",
             "<pre><code class=\"language-c\">int main(void) { return 1 &lt; 2; }\n"
             "</code></pre>\n"},
        Case{"FenceLanguageThatIsNotAWordIsDropped",
             "```c\" onload=\"x\nint x;\n```\n",
             "<pre><code>int x;\n</code></pre>\n"},
        Case{"UnclosedFenceRunsToTheEnd", "```\na\n\nb\n",
             "<pre><code>a\n\nb\n</code></pre>\n"},
        Case{"MarkdownInsideFenceIsText", "```\n# not a heading\n| a |\n- b\n```\n",
             "<pre><code># not a heading\n| a |\n- b\n</code></pre>\n"},
        Case{"Table",
             "| variation | failures | rounds | rate |\n"
             "| --- | ---: | ---: | --- |\n"
             "| as found | 20 | 4335 | 0.461% |\n"
             "| absolute path | 0 | 4335 | 0 (< 0.0886%) |\n",
             "<table>\n<thead><tr><th>variation</th>"
             "<th style=\"text-align:right\">failures</th>"
             "<th style=\"text-align:right\">rounds</th><th>rate</th></tr></thead>\n"
             "<tbody>\n<tr><td>as found</td><td style=\"text-align:right\">20</td>"
             "<td style=\"text-align:right\">4335</td><td>0.461%</td></tr>\n"
             "<tr><td>absolute path</td><td style=\"text-align:right\">0</td>"
             "<td style=\"text-align:right\">4335</td><td>0 (&lt; 0.0886%)</td></tr>\n"
             "</tbody>\n</table>\n"},
        Case{"TableAlignments", "|a|b|c|\n|:--|:-:|--|\n|1|2|3|\n",
             "<table>\n<thead><tr><th style=\"text-align:left\">a</th>"
             "<th style=\"text-align:center\">b</th><th>c</th></tr></thead>\n"
             "<tbody>\n<tr><td style=\"text-align:left\">1</td>"
             "<td style=\"text-align:center\">2</td><td>3</td></tr>\n"
             "</tbody>\n</table>\n"},
        Case{"TableRowsAreCutOrPaddedToTheHeader", "| a | b |\n| --- | --- |\n| 1 |\n| 1 | 2 | 3 |\n",
             "<table>\n<thead><tr><th>a</th><th>b</th></tr></thead>\n<tbody>\n"
             "<tr><td>1</td><td></td></tr>\n<tr><td>1</td><td>2</td></tr>\n"
             "</tbody>\n</table>\n"},
        Case{"EscapedPipeStaysInItsCell", "| a |\n| --- |\n| x \\| y |\n",
             "<table>\n<thead><tr><th>a</th></tr></thead>\n<tbody>\n"
             "<tr><td>x | y</td></tr>\n</tbody>\n</table>\n"},
        Case{"PipeLineWithoutDelimiterRowIsAParagraph", "| a |\nb\n",
             "<p>| a |\nb</p>\n"},
        Case{"BulletList", "- backend: posix\n- os: Linux 6.1\n* cpus: 2\n",
             "<ul>\n<li>backend: posix</li>\n<li>os: Linux 6.1</li>\n"
             "<li>cpus: 2</li>\n</ul>\n"},
        Case{"NumberedList", "1. one\n2. two\n",
             "<ol>\n<li>one</li>\n<li>two</li>\n</ol>\n"},
        Case{"ListItemContinues", "- Open by absolute path:\n  it never failed.\n",
             "<ul>\n<li>Open by absolute path:\nit never failed.</li>\n</ul>\n"},
        Case{"ListEndsAtAHeading", "- a\n## B\n",
             "<ul>\n<li>a</li>\n</ul>\n<h2>B</h2>\n"},
        Case{"ParagraphEndsAtAFence", "text\n```\ncode\n```\n",
             "<p>text</p>\n<pre><code>code\n</code></pre>\n"},
        Case{"Link", "see [the report](report.md) and [site](https://example.org/a?b=1&c=2)\n",
             "<p>see <a href=\"report.md\">the report</a> and "
             "<a href=\"https://example.org/a?b=1&amp;c=2\">site</a></p>\n"},
        Case{"LinkWithCodeInItsText", "[`repro.c`](repro.c)\n",
             "<p><a href=\"repro.c\"><code>repro.c</code></a></p>\n"},
        Case{"JavascriptLinkBecomesText", "[click](javascript:alert(1))\n",
             "<p>click)</p>\n"},
        Case{"DataLinkBecomesText", "[x](data:text/html,hi)\n", "<p>x</p>\n"},
        Case{"QuoteInLinkTargetIsEscaped", "[x](a\"onmouseover=\"y)\n",
             "<p><a href=\"a&quot;onmouseover=&quot;y\">x</a></p>\n"},
        Case{"BracketWithoutTargetIsText", "[not a link] (x)\n",
             "<p>[not a link] (x)</p>\n"},
        Case{"BackslashEscapes", "a \\`b\\` \\<c\\>\n", "<p>a `b` &lt;c&gt;</p>\n"},
        Case{"OtherBackslashesStay", "C:\\work\\src\n", "<p>C:\\work\\src</p>\n"},
        Case{"CarriageReturnsAreDropped", "# A\r\n\r\nb\r\n", "<h1>A</h1>\n<p>b</p>\n"},
        Case{"EmptyDocument", "", ""},
        // A scenario (or an environment value, or a hand-edited report.md)
        // that names a file <script>: shown, never run, wherever it is.
        Case{"ScriptInAScenarioNameInCode",
             "```\nfile src/<script>alert(1)</script>\n```\n",
             "<pre><code>file src/&lt;script&gt;alert(1)&lt;/script&gt;\n</code></pre>\n"},
        Case{"ScriptInAScenarioNameInText",
             "# open fails on <script>alert(1)</script>\n\nthe call `open cwd:<script>` "
             "on <script>x</script> & 'y' \"z\"\n",
             "<h1>open fails on &lt;script&gt;alert(1)&lt;/script&gt;</h1>\n"
             "<p>the call <code>open cwd:&lt;script&gt;</code> on "
             "&lt;script&gt;x&lt;/script&gt; &amp; &#39;y&#39; &quot;z&quot;</p>\n"},
        Case{"ScriptInATableCellAndAListItem",
             "| variation |\n| --- |\n| <script>x</script> |\n\n- name: <img src=x onerror=y>\n",
             "<table>\n<thead><tr><th>variation</th></tr></thead>\n<tbody>\n"
             "<tr><td>&lt;script&gt;x&lt;/script&gt;</td></tr>\n</tbody>\n</table>\n"
             "<ul>\n<li>name: &lt;img src=x onerror=y&gt;</li>\n</ul>\n"},
        Case{"ScriptInALink", "[<script>x</script>](<script>)\n",
             "<p><a href=\"&lt;script&gt;\">&lt;script&gt;x&lt;/script&gt;</a></p>\n"}),
    [](const ::testing::TestParamInfo<Case>& info) { return info.param.name; });

TEST(HtmlEscapeTest, EscapesEveryMarkupCharacter) {
  EXPECT_EQ(HtmlEscape("<a href=\"x\" title='y'>&amp;</a>"),
            "&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;amp;&lt;/a&gt;");
  EXPECT_EQ(HtmlEscape("plain text 123"), "plain text 123");
}

}  // namespace
}  // namespace openrace
