// backend_win32.cc — the win32 backend: CreateFileW / CreateDirectoryW /
// GetFileAttributesW / DeleteFileW / RemoveDirectoryW / MoveFileExW, the
// calls of the seed bug report.
//
// Relative paths are relative to the current directory, which is the
// sandbox; on real Windows, Win32 turns them into an NtCreateFile whose
// RootDirectory is the process's current-directory handle — the suspect of
// the seed bug. Paths are spelled as the scenario writes them (separators,
// doubled, trailing, `.` and `..`; Win32 normalizes them), see
// windows_render.h. A handle-anchored path has no Win32 form: Prepare
// refuses it, so campaigns with this backend draw no handle anchors.
// Errors are GetLastError() values (native_kind kWin32Error).

#if defined(_WIN32)

#include <windows.h>

#include <memory>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "harness/run/backend.h"
#include "harness/run/internal/backends.h"
#include "harness/base/internal/windows_util.h"
#include "harness/run/windows_render.h"
#include "harness/run/windows_status.h"

namespace openrace {
namespace {

using internal::ToWide;

Outcome LastErrorOutcome() {
  const DWORD error = GetLastError();
  return Outcome{ClassifyWin32Error(error), static_cast<int64_t>(error),
                 NativeKind::kWin32Error};
}

Outcome BoolOutcome(BOOL ok) { return ok ? Outcome{} : LastErrorOutcome(); }

// A rendered path: the wide string for the call, the text for Describe.
struct RenderedPath {
  std::wstring wide;
  std::string text;

  RenderedPath(const Path& path, absl::string_view root)
      : text(RenderWin32Path(path, root)) {
    wide = ToWide(text);
  }
  std::string Literal() const {
    return absl::StrCat("L\"", absl::CEscape(text), "\"");
  }
};

class OpenCall final : public PreparedCall {
 public:
  OpenCall(const Op& op, absl::string_view root)
      : path_(op.path, root),
        access_(op.flags.access),
        share_(op.flags.share),
        disposition_(Win32CreationDisposition(op.flags.disposition)),
        flags_(Win32FlagsAndAttributes(op.flags)),
        describe_(absl::StrCat("CreateFileW(", path_.Literal(), ", ",
                               Win32AccessText(op.flags.access), ", ",
                               Win32ShareText(op.flags.share), ", NULL, ",
                               Win32DispositionText(op.flags.disposition),
                               ", ", Win32FlagsAndAttributesText(op.flags),
                               ", NULL)")) {}

  Outcome Call(NativeHandle, NativeHandle, NativeHandle* opened) const override {
    const HANDLE h = CreateFileW(path_.wide.c_str(), access_, share_, nullptr,
                                 disposition_, flags_, nullptr);
    if (h == INVALID_HANDLE_VALUE) return LastErrorOutcome();
    if (opened != nullptr) {
      *opened = reinterpret_cast<NativeHandle>(h);
    } else {
      CloseHandle(h);
    }
    return Outcome{};
  }
  std::string Describe() const override { return describe_; }

 private:
  RenderedPath path_;
  DWORD access_, share_, disposition_, flags_;
  std::string describe_;
};

class MkdirCall final : public PreparedCall {
 public:
  MkdirCall(const Op& op, absl::string_view root) : path_(op.path, root) {}
  Outcome Call(NativeHandle, NativeHandle, NativeHandle*) const override {
    return BoolOutcome(CreateDirectoryW(path_.wide.c_str(), nullptr));
  }
  std::string Describe() const override {
    return absl::StrCat("CreateDirectoryW(", path_.Literal(), ", NULL)");
  }

 private:
  RenderedPath path_;
};

class StatCall final : public PreparedCall {
 public:
  StatCall(const Op& op, absl::string_view root) : path_(op.path, root) {}
  Outcome Call(NativeHandle, NativeHandle, NativeHandle*) const override {
    return GetFileAttributesW(path_.wide.c_str()) == INVALID_FILE_ATTRIBUTES
               ? LastErrorOutcome()
               : Outcome{};
  }
  std::string Describe() const override {
    return absl::StrCat("GetFileAttributesW(", path_.Literal(), ")");
  }

 private:
  RenderedPath path_;
};

class DeleteCall final : public PreparedCall {
 public:
  DeleteCall(const Op& op, absl::string_view root)
      : path_(op.path, root),
        directory_((op.flags.options & options::kDirectoryFile) != 0) {}
  Outcome Call(NativeHandle, NativeHandle, NativeHandle*) const override {
    return BoolOutcome(directory_ ? RemoveDirectoryW(path_.wide.c_str())
                                  : DeleteFileW(path_.wide.c_str()));
  }
  std::string Describe() const override {
    return absl::StrCat(directory_ ? "RemoveDirectoryW(" : "DeleteFileW(",
                        path_.Literal(), ")");
  }

 private:
  RenderedPath path_;
  bool directory_;
};

class RenameCall final : public PreparedCall {
 public:
  RenameCall(const Op& op, absl::string_view root)
      : from_(op.path, root), to_(op.to, root) {}
  // MOVEFILE_REPLACE_EXISTING: like renameat, an existing target is
  // replaced (a directory target still fails).
  Outcome Call(NativeHandle, NativeHandle, NativeHandle*) const override {
    return BoolOutcome(MoveFileExW(from_.wide.c_str(), to_.wide.c_str(),
                                   MOVEFILE_REPLACE_EXISTING));
  }
  std::string Describe() const override {
    return absl::StrCat("MoveFileExW(", from_.Literal(), ", ", to_.Literal(),
                        ", MOVEFILE_REPLACE_EXISTING)");
  }

 private:
  RenderedPath from_, to_;
};

absl::Status CheckAnchor(const Path& path) {
  switch (path.anchor) {
    case Anchor::kCwd:
    case Anchor::kAbsolute:
    case Anchor::kWin32Device:
      return absl::OkStatus();
    case Anchor::kHandle:
      return absl::InvalidArgumentError(absl::StrCat(
          "the win32 backend cannot express a path anchored on handle '",
          path.handle,
          "': CreateFileW takes no directory handle (use the nt backend)"));
    case Anchor::kNtObject:
      return absl::InvalidArgumentError(
          "the win32 backend cannot express an `nt` (\\??\\) path; use `dev` "
          "(\\\\?\\) or the nt backend");
  }
  return absl::InvalidArgumentError("unknown anchor");
}

struct Win32Calls {
  using Open = OpenCall;
  using Mkdir = MkdirCall;
  using Stat = StatCall;
  using Delete = DeleteCall;
  using Rename = RenameCall;
};

class Win32Backend final : public Backend {
 public:
  absl::string_view name() const override { return "win32"; }

  absl::StatusOr<std::unique_ptr<PreparedCall>> Prepare(
      const Op& op, absl::string_view sandbox_root) const override {
    if (absl::Status s = internal::CheckAnchors(op, &CheckAnchor); !s.ok()) {
      return s;
    }
    return internal::PrepareCall<Win32Calls>(op, sandbox_root);
  }

  void Close(NativeHandle handle) const override {
    CloseHandle(reinterpret_cast<HANDLE>(handle));
  }
};

}  // namespace

namespace internal {
std::unique_ptr<Backend> MakeWin32Backend() {
  return std::make_unique<Win32Backend>();
}
}  // namespace internal

}  // namespace openrace

#endif  // defined(_WIN32)
