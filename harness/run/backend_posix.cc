// backend_posix.cc — the POSIX backend: libc openat / mkdirat / fstatat /
// unlinkat / renameat.
//
// The calls go through libc, never syscall(), so an LD_PRELOAD fault
// injector (openrace's emulator, say) interposes every one of them. Paths
// and flags are rendered once in Prepare; Call does nothing but the call and
// the errno mapping, because it runs in the executor's hot loop.

#if !defined(_WIN32)

#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <memory>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "harness/run/backend.h"
#include "harness/run/internal/backends.h"
#include "harness/run/posix_render.h"

namespace openrace {
namespace {

StatusClass ClassifyErrno(int error) {
  switch (error) {
    case 0:
      return StatusClass::kOk;
    case ENOENT:
      return StatusClass::kNotFound;
    case EEXIST:
      return StatusClass::kExists;
    case EINVAL:
      return StatusClass::kInvalidParameter;
    case ENAMETOOLONG:
      return StatusClass::kInvalidName;
    case EACCES:
    case EPERM:
    case EROFS:
      return StatusClass::kAccessDenied;
    case ENOTDIR:
      return StatusClass::kNotADirectory;
    case EISDIR:
      return StatusClass::kIsADirectory;
    case ENOTEMPTY:
      return StatusClass::kNotEmpty;
    case EBUSY:
    case ETXTBSY:
      return StatusClass::kBusy;
    case EINTR:
      return StatusClass::kInterrupted;
    default:
      return StatusClass::kOther;
  }
}

// The outcome of a libc call that returned `result` (-1 on failure).
Outcome OutcomeOf(int result) {
  if (result >= 0) return Outcome{};
  const int error = errno;
  return Outcome{ClassifyErrno(error), error, NativeKind::kErrno};
}

// A path rendered for one *at call: the string, and whether its dirfd is
// the anchor handle (kHandle) or AT_FDCWD (cwd and absolute paths).
struct RenderedPath {
  std::string text;
  bool on_handle = false;
  std::string dirfd_name;  // for Describe: "AT_FDCWD" or the handle's name

  RenderedPath(const Path& path, absl::string_view sandbox_root)
      : text(RenderPosixPath(path, sandbox_root)),
        on_handle(path.anchor == Anchor::kHandle),
        dirfd_name(on_handle ? path.handle : "AT_FDCWD") {}

  int dirfd(NativeHandle anchor) const {
    return on_handle ? static_cast<int>(anchor) : AT_FDCWD;
  }
  // `AT_FDCWD, "src/a/foo.h"`, as the arguments appear in C.
  std::string Args() const {
    return absl::StrCat(dirfd_name, ", \"", absl::CEscape(text), "\"");
  }
};

class OpenCall final : public PreparedCall {
 public:
  OpenCall(const Op& op, absl::string_view root)
      : path_(op.path, root),
        flags_(PosixOpenFlags(op.flags)),
        flags_text_(PosixOpenFlagsText(op.flags)) {}

  Outcome Call(NativeHandle anchor, NativeHandle, NativeHandle* opened) const override {
    const int fd = openat(path_.dirfd(anchor), path_.text.c_str(), flags_,
                          kPosixCreateMode);
    if (fd >= 0 && opened != nullptr) *opened = fd;
    return OutcomeOf(fd);
  }
  std::string Describe() const override {
    // The mode only matters, and is only shown, when the call may create.
    if (flags_ & O_CREAT) {
      return absl::StrFormat("openat(%s, %s, %#o)", path_.Args(), flags_text_,
                             kPosixCreateMode);
    }
    return absl::StrCat("openat(", path_.Args(), ", ", flags_text_, ")");
  }

 private:
  RenderedPath path_;
  int flags_;
  std::string flags_text_;
};

class MkdirCall final : public PreparedCall {
 public:
  MkdirCall(const Op& op, absl::string_view root) : path_(op.path, root) {}

  Outcome Call(NativeHandle anchor, NativeHandle, NativeHandle*) const override {
    return OutcomeOf(
        mkdirat(path_.dirfd(anchor), path_.text.c_str(), kPosixMkdirMode));
  }
  std::string Describe() const override {
    return absl::StrFormat("mkdirat(%s, %#o)", path_.Args(), kPosixMkdirMode);
  }

 private:
  RenderedPath path_;
};

class StatCall final : public PreparedCall {
 public:
  StatCall(const Op& op, absl::string_view root)
      : path_(op.path, root),
        nofollow_((op.flags.options & options::kOpenReparsePoint) != 0) {}

  Outcome Call(NativeHandle anchor, NativeHandle, NativeHandle*) const override {
    struct stat st;
    return OutcomeOf(fstatat(path_.dirfd(anchor), path_.text.c_str(), &st,
                             nofollow_ ? AT_SYMLINK_NOFOLLOW : 0));
  }
  std::string Describe() const override {
    return absl::StrCat("fstatat(", path_.Args(), ", &st, ",
                        nofollow_ ? "AT_SYMLINK_NOFOLLOW" : "0", ")");
  }

 private:
  RenderedPath path_;
  bool nofollow_;
};

class DeleteCall final : public PreparedCall {
 public:
  DeleteCall(const Op& op, absl::string_view root)
      : path_(op.path, root),
        directory_((op.flags.options & options::kDirectoryFile) != 0) {}

  Outcome Call(NativeHandle anchor, NativeHandle, NativeHandle*) const override {
    return OutcomeOf(unlinkat(path_.dirfd(anchor), path_.text.c_str(),
                              directory_ ? AT_REMOVEDIR : 0));
  }
  std::string Describe() const override {
    return absl::StrCat("unlinkat(", path_.Args(), ", ",
                        directory_ ? "AT_REMOVEDIR" : "0", ")");
  }

 private:
  RenderedPath path_;
  bool directory_;
};

class RenameCall final : public PreparedCall {
 public:
  RenameCall(const Op& op, absl::string_view root)
      : from_(op.path, root), to_(op.to, root) {}

  Outcome Call(NativeHandle anchor, NativeHandle to_anchor,
               NativeHandle*) const override {
    return OutcomeOf(renameat(from_.dirfd(anchor), from_.text.c_str(),
                              to_.dirfd(to_anchor), to_.text.c_str()));
  }
  std::string Describe() const override {
    return absl::StrCat("renameat(", from_.Args(), ", ", to_.Args(), ")");
  }

 private:
  RenderedPath from_;
  RenderedPath to_;
};

absl::Status CheckAnchor(const Path& path) {
  switch (path.anchor) {
    case Anchor::kCwd:
    case Anchor::kHandle:
    case Anchor::kAbsolute:
      return absl::OkStatus();
    case Anchor::kWin32Device:
      return absl::InvalidArgumentError(
          "the posix backend cannot express a `dev` (\\\\?\\) path");
    case Anchor::kNtObject:
      return absl::InvalidArgumentError(
          "the posix backend cannot express an `nt` (\\??\\) path");
  }
  return absl::InvalidArgumentError("unknown anchor");
}

struct PosixCalls {
  using Open = OpenCall;
  using Mkdir = MkdirCall;
  using Stat = StatCall;
  using Delete = DeleteCall;
  using Rename = RenameCall;
};

class PosixBackend final : public Backend {
 public:
  absl::string_view name() const override { return "posix"; }

  absl::StatusOr<std::unique_ptr<PreparedCall>> Prepare(
      const Op& op, absl::string_view sandbox_root) const override {
    if (absl::Status s = internal::CheckAnchors(op, &CheckAnchor); !s.ok()) {
      return s;
    }
    return internal::PrepareCall<PosixCalls>(op, sandbox_root);
  }

  void Close(NativeHandle handle) const override {
    close(static_cast<int>(handle));
  }
};

}  // namespace

namespace internal {
std::unique_ptr<Backend> MakePosixBackend() {
  return std::make_unique<PosixBackend>();
}
}  // namespace internal

}  // namespace openrace

#endif  // !defined(_WIN32)
