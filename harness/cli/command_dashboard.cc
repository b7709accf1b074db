// command_dashboard.cc — `openrace dashboard OUT... --out SITE`: a static
// HTML site over campaign and merged outputs (report/dashboard.h), read by
// store/dashboard_input.h. SITE/index.html opens from disk.
//
// SITE is made if needed; an existing SITE must be empty or an earlier
// dashboard (it has the .openrace-dashboard marker), whose pages of
// findings and outputs no longer there are removed. Every file is written
// atomically, so a browser never shows a half-written page.

#include <cstdio>
#include <filesystem>
#include <map>
#include <string>
#include <system_error>

#include "absl/strings/str_cat.h"
#include "harness/base/file_util.h"
#include "harness/cli/commands.h"
#include "harness/report/dashboard.h"
#include "harness/store/dashboard_input.h"

namespace openrace {
namespace {

namespace fs = std::filesystem;

constexpr char kMarker[] = ".openrace-dashboard";

absl::Status CheckSite(const std::string& site,
                       const std::vector<std::string>& outputs) {
  std::error_code ec;
  const fs::path canonical = fs::weakly_canonical(fs::absolute(site, ec), ec);
  for (const std::string& output : outputs) {
    if (fs::weakly_canonical(fs::absolute(output, ec), ec) == canonical) {
      return absl::InvalidArgumentError(absl::StrCat(
          "--out ", site, " is the output ", output,
          " itself; give the site its own directory"));
    }
  }
  if (!fs::exists(site, ec)) return absl::OkStatus();
  if (!fs::is_directory(site, ec)) {
    return absl::InvalidArgumentError(
        absl::StrCat("--out ", site, " is not a directory"));
  }
  if (fs::exists(fs::path(site) / kMarker, ec) || fs::is_empty(site, ec)) {
    return absl::OkStatus();
  }
  return absl::InvalidArgumentError(absl::StrCat(
      "--out ", site, " holds other files and no earlier dashboard; give an "
      "empty or new directory"));
}

// Files of an earlier site under findings/ and outputs/ that this one has
// not written.
void RemoveStale(const std::string& site,
                 const std::map<std::string, std::string>& files) {
  for (const char* folder : {"findings", "outputs"}) {
    std::error_code ec;
    const fs::path root = fs::path(site) / folder;
    std::vector<fs::path> stale;
    for (auto it = fs::recursive_directory_iterator(root, ec);
         !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
      if (!it->is_regular_file(ec)) continue;
      const std::string relative =
          fs::path(it->path()).lexically_relative(site).generic_string();
      if (!files.count(relative)) stale.push_back(it->path());
    }
    for (const fs::path& path : stale) {
      fs::remove(path, ec);
      // The finding's folder, once empty.
      fs::path parent = path.parent_path();
      if (parent != root && fs::is_empty(parent, ec)) fs::remove(parent, ec);
    }
  }
}

}  // namespace

int RunDashboard(const DashboardCommand& command) {
  if (command.outputs.empty()) {
    return UsageError(absl::InvalidArgumentError(
        "dashboard needs at least one campaign output OUT and --out SITE"));
  }
  if (command.out.empty()) {
    return UsageError(absl::InvalidArgumentError(
        "dashboard needs --out SITE, a directory for the HTML site"));
  }
  absl::Status checked = CheckSite(command.out, command.outputs);
  if (!checked.ok()) return UsageError(checked);
  absl::StatusOr<Site> site = ReadDashboardSite(command.outputs);
  if (!site.ok()) return UsageError(site.status());
  const std::map<std::string, std::string> files = RenderSite(*site);

  const std::string root = AbsolutePath(command.out);
  absl::Status status = MakeDirectories(root);
  if (status.ok()) {
    status = WriteFileAtomically(root + "/" + kMarker,
                                 "a site written by `openrace dashboard`\n");
  }
  if (!status.ok()) return UsageError(status);
  RemoveStale(root, files);
  for (const auto& [relative, contents] : files) {
    const std::string path = absl::StrCat(root, "/", relative);
    status = MakeDirectories(fs::path(path).parent_path().string());
    if (status.ok()) status = WriteFileAtomically(path, contents);
    if (!status.ok()) return UsageError(status);
  }
  size_t problems = 0;
  for (const SiteOutput& o : site->outputs) problems += o.problems.size();
  std::printf("openrace: dashboard of %zu finding(s) over %zu output(s)%s: %s/index.html\n",
              site->findings.size(), site->outputs.size(),
              problems ? absl::StrCat(" (", problems, " problem(s), listed on "
                                      "the outputs' pages)").c_str()
                       : "",
              root.c_str());
  return kExitClean;
}

}  // namespace openrace
