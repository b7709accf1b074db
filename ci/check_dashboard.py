#!/usr/bin/env python3
"""Checks a site that `openrace dashboard` wrote (CTest e2e.dashboard).

  check_dashboard.py SITE --expect SIG,SIG... [--dom INDEX_DOM]
                     [--page-dom PAGE_DOM:CHECK ...]

Links: every href and src of every .html page under SITE resolves to a
file under SITE (no scheme, no absolute path, nothing outside the site).
With --expect: index.html lists exactly those signatures, one row
(tr.finding data-signature) each, and each has its page. With --dom: the
same of the DOM that a browser built from index.html (`chromium
--dump-dom`), and that DOM holds no <script>. --page-dom FILE:CHECK checks
another dumped page: CHECK is `bisect` (an svg.bisect with at least two
rows, an interval whisker per row and a bar for a row that failed) or `progress` (an svg.progress with four polylines). Prints one line
per problem; exits 1 if there is any, 0 otherwise.
"""

import argparse
import os
import sys
from html.parser import HTMLParser
from urllib.parse import unquote, urlsplit


class Page(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.links = []
        self.signatures = []
        self.scripts = 0
        # svg class -> counts of rect / polyline inside it, and of ".CLASS"
        # for each class an element inside it has
        self.svgs = {}
        self._svg = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        for name in ("href", "src"):
            if name in attrs:
                self.links.append(attrs[name] or "")
        if tag == "script":
            self.scripts += 1
        if tag == "tr" and "finding" in (attrs.get("class") or "").split():
            self.signatures.append(attrs.get("data-signature"))
        if tag == "svg" and attrs.get("class"):
            self._svg = attrs["class"]
            self.svgs.setdefault(self._svg, {"rect": 0, "polyline": 0})
        elif self._svg:
            counts = self.svgs[self._svg]
            if tag in ("rect", "polyline"):
                counts[tag] += 1
            for name in (attrs.get("class") or "").split():
                counts["." + name] = counts.get("." + name, 0) + 1

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)

    def handle_endtag(self, tag):
        if tag == "svg":
            self._svg = None


def parse(path):
    page = Page()
    with open(path, encoding="utf-8") as f:
        page.feed(f.read())
    return page


def check_links(site, problems):
    pages = 0
    links = 0
    root = os.path.realpath(site)
    for folder, _, names in os.walk(site):
        for name in names:
            if not name.endswith(".html"):
                continue
            pages += 1
            path = os.path.join(folder, name)
            for link in parse(path).links:
                links += 1
                parts = urlsplit(link)
                if not link or parts.scheme or parts.netloc or link.startswith("/"):
                    problems.append(f"{path}: link '{link}' leaves the site")
                    continue
                target = os.path.realpath(os.path.join(folder, unquote(parts.path)))
                if not (target == root or target.startswith(root + os.sep)):
                    problems.append(f"{path}: link '{link}' leaves the site")
                elif not os.path.isfile(target):
                    problems.append(f"{path}: link '{link}' points at no file")
    if pages == 0:
        problems.append(f"{site}: no .html page")
    return pages, links


def check_listing(where, page, expected, problems):
    listed = page.signatures
    if sorted(listed) != sorted(set(listed)):
        problems.append(f"{where}: a signature is listed twice: {sorted(listed)}")
    missing = sorted(set(expected) - set(listed))
    extra = sorted(set(listed) - set(expected))
    if missing:
        problems.append(f"{where}: findings not listed: {', '.join(missing)}")
    if extra:
        problems.append(f"{where}: findings listed that the outputs do not hold: "
                        f"{', '.join(extra)}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("site")
    parser.add_argument("--expect", default=None)
    parser.add_argument("--dom")
    parser.add_argument("--page-dom", action="append", default=[])
    options = parser.parse_args()
    problems = []
    pages, links = check_links(options.site, problems)
    expected = [s for s in (options.expect or "").split(",") if s]
    if options.expect is not None:
        check_listing("index.html", parse(os.path.join(options.site, "index.html")),
                      expected, problems)
        for signature in expected:
            page = os.path.join(options.site, "findings", signature, "index.html")
            if not os.path.isfile(page):
                problems.append(f"{signature}: no page {page}")
    if options.dom:
        dom = parse(options.dom)
        if options.expect is not None:
            check_listing(f"{options.dom} (the browser's DOM)", dom, expected, problems)
        if dom.scripts:
            problems.append(f"{options.dom}: the DOM holds {dom.scripts} <script>")
    for spec in options.page_dom:
        path, _, check = spec.rpartition(":")
        dom = parse(path)
        if dom.scripts:
            problems.append(f"{path}: the DOM holds {dom.scripts} <script>")
        if check == "bisect":
            chart = dom.svgs.get("bisect", {})
            rows = chart.get(".row", 0)
            if rows < 2 or chart.get(".interval", 0) != rows or chart.get(".bar", 0) < 1:
                problems.append(f"{path}: no bisection chart with rows, "
                                f"intervals and bars ({dom.svgs})")
        elif check == "progress":
            if dom.svgs.get("progress", {}).get("polyline", 0) != 4:
                problems.append(f"{path}: no progress chart of four lines ({dom.svgs})")
        else:
            problems.append(f"--page-dom {spec}: unknown check '{check}'")
    for problem in problems:
        print(problem)
    if problems:
        print(f"check_dashboard.py: {len(problems)} problem(s)")
        return 1
    print(f"check_dashboard.py: {pages} page(s), {links} link(s), "
          f"{len(expected)} finding(s) ok")
    return 0


if __name__ == "__main__":
    sys.exit(main())
