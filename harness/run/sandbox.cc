// sandbox.cc — the platform-neutral part of sandbox.h: the name a sandbox
// has. The rest is in sandbox_posix.cc and sandbox_windows.cc.

#include <cstdint>

#include "absl/strings/numbers.h"
#include "absl/strings/string_view.h"
#include "absl/strings/strip.h"
#include "absl/types/optional.h"
#include "harness/run/sandbox.h"

#include "absl/strings/cord.h"
#include "harness/run/outcome.h"

namespace openrace {
namespace {

constexpr absl::string_view kResetPayload = "openrace/sandbox-reset";

}  // namespace

bool IsSandboxResetError(const absl::Status& status) {
  return status.GetPayload(kResetPayload).has_value();
}

absl::Status SandboxResetError(absl::string_view message) {
  absl::Status status = absl::FailedPreconditionError(message);
  status.SetPayload(kResetPayload, absl::Cord("1"));
  return status;
}

absl::Status Sandbox::Reset(absl::FunctionRef<absl::Status()> reset) {
  absl::Status status = reset_fault_ ? reset_fault_() : absl::OkStatus();
  if (status.ok()) status = reset();
  if (!status.ok() && !IsEnvironmentError(status)) {
    status.SetPayload(kResetPayload, absl::Cord("1"));
  }
  return status;
}

absl::Status Sandbox::Build(const std::vector<TreeEntry>& tree) {
  return Reset([&] { return BuildNative(tree); });
}

absl::Status Sandbox::Clear() {
  return Reset([&] { return ClearNative(); });
}

absl::Status Sandbox::Remove(const std::vector<std::string>& paths) {
  return Reset([&] { return RemoveNative(paths); });
}

absl::optional<int64_t> SandboxOwnerPid(absl::string_view name) {
  if (!absl::ConsumePrefix(&name, "openrace-")) return absl::nullopt;
  const size_t dash = name.find('-');
  // A pid of 1 to 10 digits, then exactly six lowercase hex digits.
  if (dash == absl::string_view::npos || dash == 0 || dash > 10) {
    return absl::nullopt;
  }
  const absl::string_view pid_text = name.substr(0, dash);
  const absl::string_view suffix = name.substr(dash + 1);
  if (suffix.size() != 6) return absl::nullopt;
  for (char c : pid_text) {
    if (c < '0' || c > '9') return absl::nullopt;
  }
  for (char c : suffix) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
      return absl::nullopt;
    }
  }
  int64_t pid = 0;
  if (!absl::SimpleAtoi(pid_text, &pid) || pid <= 0) return absl::nullopt;
  return pid;
}

}  // namespace openrace
