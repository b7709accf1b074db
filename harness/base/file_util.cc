// file_util.cc — the parts of file_util.h that std::filesystem does alike on
// every platform.

#include "harness/base/file_util.h"

#include <filesystem>
#include <system_error>

#include "absl/strings/str_cat.h"

namespace openrace {

bool IsSymbolicLink(const std::string& path) {
  std::error_code ec;
  return std::filesystem::is_symlink(std::filesystem::symlink_status(path, ec));
}

absl::Status RefuseSymbolicLinks(const std::string& dir) {
  auto refuse = [](const std::string& path) {
    return absl::FailedPreconditionError(absl::StrCat(
        path, " is a symbolic link; openrace does not follow links out of a "
              "finding directory"));
  };
  if (IsSymbolicLink(dir)) return refuse(dir);
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator(dir, ec)) {
    if (entry.is_symlink(ec)) return refuse(entry.path().string());
  }
  return absl::OkStatus();
}

}  // namespace openrace
