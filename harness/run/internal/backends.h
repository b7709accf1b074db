// internal/backends.h — the factory of each platform's backend, for the
// registry in backend.cc. Each is defined in its backend_<name>.cc, which is
// compiled only on its platform; everyone else goes through MakeBackend().
// Also what every backend's Prepare shares: checking an op's anchors and
// choosing the call class for its kind.

#ifndef OPENRACE_HARNESS_RUN_INTERNAL_BACKENDS_H_
#define OPENRACE_HARNESS_RUN_INTERNAL_BACKENDS_H_

#include <memory>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "harness/run/backend.h"
#include "harness/scenario/scenario.h"

namespace openrace {
namespace internal {

std::unique_ptr<Backend> MakePosixBackend();  // backend_posix.cc
std::unique_ptr<Backend> MakeWin32Backend();  // backend_win32.cc
std::unique_ptr<Backend> MakeNtBackend();     // backend_nt.cc

// `check` on every path of `op`: its target and, for a rename, the new name.
inline absl::Status CheckAnchors(const Op& op,
                                 absl::Status (*check)(const Path&)) {
  if (absl::Status s = check(op.path); !s.ok()) return s;
  if (op.kind == OpKind::kRename) return check(op.to);
  return absl::OkStatus();
}

// The prepared call for `op`: `Calls::Open`, `Calls::Mkdir`, `Calls::Stat`,
// `Calls::Delete` or `Calls::Rename` (a backend's call classes), each
// constructed from `(op, args...)`. Close and barrier are the executor's,
// not calls.
//   struct PosixCalls { using Open = OpenCall; ... };
//   return PrepareCall<PosixCalls>(op, sandbox_root);
template <typename Calls, typename... Args>
absl::StatusOr<std::unique_ptr<PreparedCall>> PrepareCall(const Op& op,
                                                          const Args&... args) {
  switch (op.kind) {
    case OpKind::kOpen:
      return std::make_unique<typename Calls::Open>(op, args...);
    case OpKind::kMkdir:
      return std::make_unique<typename Calls::Mkdir>(op, args...);
    case OpKind::kStat:
      return std::make_unique<typename Calls::Stat>(op, args...);
    case OpKind::kDelete:
      return std::make_unique<typename Calls::Delete>(op, args...);
    case OpKind::kRename:
      return std::make_unique<typename Calls::Rename>(op, args...);
    case OpKind::kClose:
    case OpKind::kBarrier:
      break;
  }
  return absl::InvalidArgumentError(
      "close and barrier operations are not backend calls");
}

}  // namespace internal
}  // namespace openrace

#endif  // OPENRACE_HARNESS_RUN_INTERNAL_BACKENDS_H_
