// backend.h — the one interface between openrace and an operating system's
// open calls.
//
// A backend renders each operation's structured path into the form its API
// takes (once, before the rounds start) and then performs the call. One
// backend per file, each file wrapped whole in its platform guard:
//   backend_posix.cc  libc openat / mkdirat / fstatat / unlinkat / renameat
//                     (libc, not raw syscalls, so LD_PRELOAD fault injectors
//                     such as openrace's own emulator see every call)
//   backend_nt.cc     NtCreateFile with OBJECT_ATTRIBUTES.RootDirectory
//   backend_win32.cc  CreateFileW / CreateDirectoryW
// The executor only sees this interface and has no #ifdef.
//
// Example:
//   auto backend = MakeBackend("posix");
//   auto call = (*backend)->Prepare(op, sandbox.root());
//   NativeHandle h = kNoHandle;
//   Outcome o = (*call)->Call(kNoHandle, kNoHandle, &h);

#ifndef OPENRACE_HARNESS_RUN_BACKEND_H_
#define OPENRACE_HARNESS_RUN_BACKEND_H_

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "harness/run/outcome.h"
#include "harness/scenario/scenario.h"

namespace openrace {

// A file descriptor on POSIX, a HANDLE on Windows.
using NativeHandle = intptr_t;
inline constexpr NativeHandle kNoHandle = -1;

// One operation with its paths rendered for one backend and sandbox.
class PreparedCall {
 public:
  virtual ~PreparedCall() = default;

  // Performs the call. `anchor` is the live handle `op.path` is anchored on
  // and `to_anchor` the one `op.to` is anchored on (kNoHandle when the path
  // is anchored on the current directory or absolute). When a kOpen call
  // succeeds, `*opened` receives the new handle, which the caller owns.
  // Thread-safe: the executor may call it from several threads at once.
  virtual Outcome Call(NativeHandle anchor, NativeHandle to_anchor,
                       NativeHandle* opened) const = 0;

  // The call as the backend makes it, for logs and reports, e.g.
  // `openat(AT_FDCWD, "src/a/foo.h", O_RDONLY|O_CLOEXEC)`.
  virtual std::string Describe() const = 0;
};

class Backend {
 public:
  virtual ~Backend() = default;

  // "posix", "nt" or "win32".
  virtual absl::string_view name() const = 0;

  // Renders `op` (kOpen, kMkdir, kStat, kDelete or kRename) for a sandbox
  // whose absolute path is `sandbox_root`. Fails for an anchor the backend
  // cannot express (kNtObject on POSIX, say).
  virtual absl::StatusOr<std::unique_ptr<PreparedCall>> Prepare(
      const Op& op, absl::string_view sandbox_root) const = 0;

  // Closes a handle that a PreparedCall opened.
  virtual void Close(NativeHandle handle) const = 0;
};

// The backends this build has, by name; InvalidArgument for any other name.
absl::StatusOr<std::unique_ptr<Backend>> MakeBackend(absl::string_view name);
std::vector<std::string> BackendNames();

// The platform's default backend: "posix" on Linux, "win32" on Windows.
absl::string_view DefaultBackendName();

}  // namespace openrace

#endif  // OPENRACE_HARNESS_RUN_BACKEND_H_
