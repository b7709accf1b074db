// bind_mapping_posix.cc — bind_mapping.h on Linux: a bind mount in a
// private mount namespace of this process.
//
// Why a namespace: the mount must vanish when openrace does, even when it is
// killed, and must not be seen by anything else on the machine. The mount
// namespace dies with its last process, taking the mount with it. `/` is
// made a recursive slave first, so the bind mount does not propagate back
// to the host's namespace (systemd makes `/` shared), while mounts made on
// the host still show here.

#if !defined(_WIN32)

#include <errno.h>
#include <sched.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>

#include <cstdio>
#include <memory>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "harness/base/bind_mapping.h"

namespace openrace {
namespace {

absl::Status CheckDirectory(const std::string& path, absl::string_view role) {
  struct stat st;
  if (stat(path.c_str(), &st) != 0) {
    return absl::InvalidArgumentError(absl::StrCat(
        "--bind: the ", role, " ", path, ": ", strerror(errno)));
  }
  if (!S_ISDIR(st.st_mode)) {
    return absl::InvalidArgumentError(absl::StrCat(
        "--bind: the ", role, " ", path, " is not a directory"));
  }
  return absl::OkStatus();
}

class PrivateBindMount final : public BindMapping {
 public:
  explicit PrivateBindMount(BindSpec spec) : spec_(std::move(spec)) {}
  ~PrivateBindMount() override {
    // The namespace would drop it at exit anyway; unmounting now keeps the
    // rest of this process's life (the summary, the findings) off it.
    if (umount2(spec_.target.c_str(), MNT_DETACH) != 0) {
      std::fprintf(stderr, "openrace: unmounting the bind mount on %s: %s\n",
                   spec_.target.c_str(), strerror(errno));
    }
  }
  std::string Describe() const override {
    return absl::StrCat(spec_.source, " on ", spec_.target,
                        " (bind mount in a private mount namespace)");
  }

 private:
  BindSpec spec_;
};

}  // namespace

BindPathStyle NativeBindPathStyle() { return BindPathStyle::kPosix; }

absl::Status CheckStandaloneBindSupported() {
  return absl::UnimplementedError(
      "openrace bind makes a Windows bind-filter mapping; on Linux use "
      "`mount --bind SRC DST`, or `openrace run --bind SRC:DST`, which binds "
      "inside a private mount namespace for the campaign");
}

absl::StatusOr<std::unique_ptr<BindMapping>> BindMapping::Create(
    const BindSpec& spec) {
  if (absl::Status s = CheckDirectory(spec.source, "source"); !s.ok()) return s;
  if (absl::Status s = CheckDirectory(spec.target, "target"); !s.ok()) return s;
  if (unshare(CLONE_NEWNS) != 0) {
    const int error = errno;
    if (error == EPERM) {
      return absl::PermissionDeniedError(absl::StrCat(
          "--bind needs root on Linux (CAP_SYS_ADMIN, for a private mount "
          "namespace): unshare(CLONE_NEWNS): ", strerror(error),
          "; run as root, or bind-mount ", spec.source, " on ", spec.target,
          " yourself and pass --dir ", spec.target));
    }
    // EINVAL: the process already runs threads (CLONE_NEWNS implies CLONE_FS).
    return absl::FailedPreconditionError(absl::StrCat(
        "--bind: unshare(CLONE_NEWNS): ", strerror(error)));
  }
  if (mount(nullptr, "/", nullptr, MS_REC | MS_SLAVE, nullptr) != 0) {
    return absl::FailedPreconditionError(absl::StrCat(
        "--bind: making / a slave mount in the private namespace: ",
        strerror(errno)));
  }
  if (mount(spec.source.c_str(), spec.target.c_str(), nullptr,
            MS_BIND | MS_REC, nullptr) != 0) {
    return absl::FailedPreconditionError(
        absl::StrCat("--bind: mount --bind ", spec.source, " ", spec.target,
                     ": ", strerror(errno)));
  }
  return std::unique_ptr<BindMapping>(new PrivateBindMount(spec));
}

}  // namespace openrace

#endif  // !defined(_WIN32)
