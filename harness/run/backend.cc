// backend.cc — the registry of the backends this build has.
//
// Each platform's backends are one line of kBackends; the first line is the
// platform's default. The platform guard lives here, once, so the executor
// and the command never need one.

#include "harness/run/backend.h"

#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "harness/run/internal/backends.h"

namespace openrace {
namespace {

struct BackendEntry {
  absl::string_view name;
  std::unique_ptr<Backend> (*make)();
};

const std::vector<BackendEntry>& Registry() {
  static const auto* const kBackends = new std::vector<BackendEntry>{
#if defined(_WIN32)
      {"win32", &internal::MakeWin32Backend},
      {"nt", &internal::MakeNtBackend},
#else
      {"posix", &internal::MakePosixBackend},
#endif
  };
  return *kBackends;
}

}  // namespace

absl::StatusOr<std::unique_ptr<Backend>> MakeBackend(absl::string_view name) {
  for (const BackendEntry& entry : Registry()) {
    if (entry.name == name) return entry.make();
  }
  return absl::InvalidArgumentError(
      absl::StrCat("unknown backend '", name, "'; this build has: ",
                   absl::StrJoin(BackendNames(), ", ")));
}

std::vector<std::string> BackendNames() {
  std::vector<std::string> names;
  for (const BackendEntry& entry : Registry()) {
    names.emplace_back(entry.name);
  }
  return names;
}

absl::string_view DefaultBackendName() {
  return Registry().empty() ? absl::string_view() : Registry().front().name;
}

}  // namespace openrace
