// testing/site_links.h — the links of a rendered dashboard (RenderSite,
// report/dashboard.h) that point at no file of the site, for the tests.
// ci/e2e_dashboard.sh checks the written site the same way, on disk.

#ifndef OPENRACE_HARNESS_TESTING_SITE_LINKS_H_
#define OPENRACE_HARNESS_TESTING_SITE_LINKS_H_

#include <map>
#include <regex>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"

namespace openrace {
namespace testing_util {

// Every href and src of every .html page in `files`.
inline std::vector<std::pair<std::string, std::string>> SiteLinks(
    const std::map<std::string, std::string>& files) {
  std::vector<std::pair<std::string, std::string>> links;  // page, target
  const std::regex link(R"re((?:href|src)="([^"]*)")re");
  for (const auto& [page, html] : files) {
    if (!absl::EndsWith(page, ".html")) continue;
    for (auto it = std::sregex_iterator(html.begin(), html.end(), link);
         it != std::sregex_iterator(); ++it) {
      links.emplace_back(page, (*it)[1].str());
    }
  }
  return links;
}

// The links that leave the site or point at a file it does not have, as
// "page -> target".
inline std::vector<std::string> BrokenSiteLinks(
    const std::map<std::string, std::string>& files) {
  std::vector<std::string> broken;
  for (const auto& [page, target] : SiteLinks(files)) {
    std::vector<std::string> parts = absl::StrSplit(page, '/');
    parts.pop_back();  // the page's own name
    bool outside = target.empty() || absl::StrContains(target, ":") ||
                   absl::StartsWith(target, "/");
    for (absl::string_view part : absl::StrSplit(target, '/')) {
      if (part == "..") {
        if (parts.empty()) outside = true;
        if (!parts.empty()) parts.pop_back();
      } else if (part != ".") {
        parts.emplace_back(part);
      }
    }
    if (outside || !files.count(absl::StrJoin(parts, "/"))) {
      broken.push_back(page + " -> " + target);
    }
  }
  return broken;
}

}  // namespace testing_util
}  // namespace openrace

#endif  // OPENRACE_HARNESS_TESTING_SITE_LINKS_H_
