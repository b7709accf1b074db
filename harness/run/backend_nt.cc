// backend_nt.cc — the nt backend: NtCreateFile with
// OBJECT_ATTRIBUTES.RootDirectory, the call underneath every Win32 open.
//
// Where a path's ObjectName is relative to:
//   cwd      RootDirectory = a handle to the current directory (the sandbox),
//            opened once per sandbox and shared by the prepared calls. This
//            is exactly what Win32 does for a relative path on real Windows:
//            RtlDosPathNameToRelativeNtPathName_U hands NtCreateFile the
//            process's current-directory handle (PEB CurrentDirectory.Handle)
//            as RootDirectory and the relative rest as ObjectName;
//   handle   RootDirectory = the anchor handle. NT names have no `..`: a path
//            that climbs above its anchor is opened by the anchor's own path
//            (GetFinalPathNameByHandleW, at call time) with the climb folded,
//            as an absolute `\??\` name, and Describe says so;
//   abs, nt  RootDirectory = NULL, ObjectName = `\??\` + the sandbox root.
// Components are folded lexically (windows_render.h): the spelling variations
// are the win32 backend's concern, this one tests RootDirectory and flags.
//
// The flags are NT values already (scenario.h) and pass through unchanged.
// mkdir is NtCreateFile(FILE_CREATE, FILE_DIRECTORY_FILE); stat is an open
// for FILE_READ_ATTRIBUTES and a close (see StatCall); delete opens with DELETE and sets
// FileDispositionInformation (what DeleteFileW / RemoveDirectoryW do; unlike
// FILE_DELETE_ON_CLOSE it reports a non-empty directory as
// STATUS_DIRECTORY_NOT_EMPTY); rename opens the source with DELETE and sets
// FileRenameInformation with the target's own RootDirectory.
// Errors are NTSTATUS values (native_kind kNtStatus).
//
// ntdll's functions are looked up at run time (GetProcAddress), so the build
// needs no ntdll import library; the structures are declared here, from the
// Windows SDK and WDK headers, because mingw-w64's winternl.h has only some.

#if defined(_WIN32)

#include <windows.h>

#include <cstring>
#include <memory>
#include <mutex>
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

using internal::FromWide;
using internal::ToWide;

using NtStatus = LONG;  // NTSTATUS

// UNICODE_STRING (ntdef.h).
struct NtUnicodeString {
  USHORT length;          // bytes, without a terminator
  USHORT maximum_length;  // bytes
  PWSTR buffer;
};

// OBJECT_ATTRIBUTES (ntdef.h).
struct NtObjectAttributes {
  ULONG length;
  HANDLE root_directory;
  NtUnicodeString* object_name;
  ULONG attributes;
  PVOID security_descriptor;
  PVOID security_quality_of_service;
};
constexpr ULONG kObjCaseInsensitive = 0x40;  // OBJ_CASE_INSENSITIVE, as Win32

// IO_STATUS_BLOCK (wdm.h).
struct NtIoStatusBlock {
  union {
    NtStatus status;
    PVOID pointer;
  };
  ULONG_PTR information;
};

// FILE_INFORMATION_CLASS values and their structures (wdm.h, ntifs.h).
constexpr int kFileRenameInformation = 10;
constexpr int kFileDispositionInformation = 13;
struct NtFileDispositionInformation {
  BOOLEAN delete_file;
};
struct NtFileRenameInformation {
  BOOLEAN replace_if_exists;
  HANDLE root_directory;
  ULONG file_name_length;  // bytes
  WCHAR file_name[1];
};

// CreateDisposition and CreateOptions values beyond scenario.h's (wdm.h).
constexpr ULONG kFileOpen = 1;    // FILE_OPEN
constexpr ULONG kFileCreate = 2;  // FILE_CREATE
constexpr ULONG kFileSynchronousIoNonalert = 0x00000020;
constexpr ULONG kFileListDirectory = 0x0001;  // FILE_LIST_DIRECTORY
constexpr ULONG kFileTraverse = 0x0020;       // FILE_TRAVERSE

Outcome NtOutcome(NtStatus status) {
  const uint32_t value = static_cast<uint32_t>(status);
  // Success and informational values (high bit clear) are success; the
  // classes come from windows_status.h, the table the C emitter prints too.
  if (status >= 0) return Outcome{};
  return Outcome{ClassifyNtStatus(value), static_cast<int64_t>(value),
                 NativeKind::kNtStatus};
}

// ntdll's entry points, looked up once.
struct NtApi {
  NtStatus(NTAPI* create_file)(PHANDLE, ACCESS_MASK, NtObjectAttributes*,
                               NtIoStatusBlock*, PLARGE_INTEGER, ULONG, ULONG,
                               ULONG, ULONG, PVOID, ULONG) = nullptr;
  NtStatus(NTAPI* set_information_file)(HANDLE, NtIoStatusBlock*, PVOID, ULONG,
                                        int) = nullptr;
  NtStatus(NTAPI* close)(HANDLE) = nullptr;

  bool ok() const {
    return create_file && set_information_file && close;
  }
};

template <typename Fn>
void Lookup(HMODULE ntdll, const char* name, Fn* fn) {
  *fn = reinterpret_cast<Fn>(reinterpret_cast<void*>(GetProcAddress(ntdll, name)));
}

const NtApi& Nt() {
  static const NtApi api = [] {
    NtApi a;
    if (HMODULE ntdll = GetModuleHandleW(L"ntdll.dll")) {
      Lookup(ntdll, "NtCreateFile", &a.create_file);
      Lookup(ntdll, "NtSetInformationFile", &a.set_information_file);
      Lookup(ntdll, "NtClose", &a.close);
    }
    return a;
  }();
  return api;
}

// The current directory's handle, shared by the calls prepared for one
// sandbox; closed when the last of them is gone.
class DirHandle {
 public:
  explicit DirHandle(HANDLE h) : h_(h) {}
  DirHandle(const DirHandle&) = delete;
  DirHandle& operator=(const DirHandle&) = delete;
  ~DirHandle() { CloseHandle(h_); }
  HANDLE get() const { return h_; }

 private:
  HANDLE h_;
};

// `\\?\C:\x` (GetFinalPathNameByHandleW) as an NT name: `\??\C:\x`.
std::wstring FinalPathOf(HANDLE handle) {
  wchar_t small[MAX_PATH];
  DWORD n = GetFinalPathNameByHandleW(handle, small, MAX_PATH,
                                      FILE_NAME_NORMALIZED | VOLUME_NAME_DOS);
  std::wstring path;
  if (n > 0 && n < MAX_PATH) {
    path.assign(small, n);
  } else if (n >= MAX_PATH) {
    path.resize(n);
    n = GetFinalPathNameByHandleW(handle, path.data(), n,
                                  FILE_NAME_NORMALIZED | VOLUME_NAME_DOS);
    path.resize(n);
  }
  if (path.rfind(L"\\\\?\\", 0) == 0) path.replace(0, 4, L"\\??\\");
  return path;
}

// Where one path of an op points: a RootDirectory and an ObjectName.
class NtTarget {
 public:
  NtTarget(const Path& path, absl::string_view root,
           std::shared_ptr<DirHandle> cwd)
      : anchor_(path.anchor),
        handle_name_(path.handle),
        text_(RenderNtName(path, root, &climb_)),
        name_(ToWide(text_)),
        cwd_(std::move(cwd)) {}

  // Calls `fn(NtObjectAttributes&)` with the attributes for this path
  // anchored on `anchor`; returns what fn returns.
  template <typename Fn>
  NtStatus With(NativeHandle anchor, Fn fn) const {
    std::wstring storage;
    const std::wstring* name = &name_;
    HANDLE root = nullptr;
    if (anchor_ == Anchor::kCwd) {
      root = cwd_->get();
    } else if (anchor_ == Anchor::kHandle) {
      root = reinterpret_cast<HANDLE>(anchor);
      if (climb_ > 0) {
        // NT has no `..`: go up from the anchor's own path instead.
        storage = FinalPathOf(root);
        for (int i = 0; i < climb_; ++i) {
          const size_t slash = storage.rfind(L'\\');
          if (slash != std::wstring::npos && slash > 7) storage.resize(slash);
        }
        if (!name_.empty()) storage += L"\\" + name_;
        name = &storage;
        root = nullptr;
      }
    }
    NtUnicodeString object_name;
    object_name.length = static_cast<USHORT>(name->size() * sizeof(wchar_t));
    object_name.maximum_length = object_name.length;
    object_name.buffer = const_cast<PWSTR>(name->c_str());
    NtObjectAttributes attributes = {};
    attributes.length = sizeof attributes;
    attributes.root_directory = root;
    attributes.object_name = &object_name;
    attributes.attributes = kObjCaseInsensitive;
    return fn(attributes);
  }

  // The root handle for FileRenameInformation, and the name relative to it.
  HANDLE RenameRoot(NativeHandle anchor, std::wstring* name) const {
    HANDLE root = nullptr;
    With(anchor, [&](NtObjectAttributes& a) {
      root = a.root_directory;
      name->assign(a.object_name->buffer,
                   a.object_name->length / sizeof(wchar_t));
      return NtStatus{0};
    });
    return root;
  }

  // `RootDirectory=cwd, ObjectName=L"src\\a\\foo.h"`.
  std::string Describe() const {
    std::string root;
    switch (anchor_) {
      case Anchor::kCwd:
        root = "<current directory>";
        break;
      case Anchor::kHandle:
        root = climb_ > 0 ? absl::StrCat("NULL (the path of ", handle_name_,
                                         " with ", climb_, " level(s) up)")
                          : handle_name_;
        break;
      default:
        root = "NULL";
    }
    return absl::StrCat("RootDirectory=", root, ", ObjectName=L\"",
                        absl::CEscape(text_), "\"");
  }

 private:
  Anchor anchor_;
  std::string handle_name_;
  int climb_ = 0;
  std::string text_;
  std::wstring name_;
  std::shared_ptr<DirHandle> cwd_;
};

class OpenCall final : public PreparedCall {
 public:
  OpenCall(const Op& op, absl::string_view root, std::shared_ptr<DirHandle> cwd)
      : target_(op.path, root, std::move(cwd)), flags_(op.flags) {}

  Outcome Call(NativeHandle anchor, NativeHandle, NativeHandle* opened) const override {
    HANDLE h = nullptr;
    NtIoStatusBlock io = {};
    const NtStatus status = target_.With(anchor, [&](NtObjectAttributes& a) {
      return Nt().create_file(&h, flags_.access, &a, &io, nullptr,
                              flags_.attributes, flags_.share,
                              static_cast<ULONG>(flags_.disposition),
                              flags_.options, nullptr, 0);
    });
    if (status >= 0) {
      if (opened != nullptr) {
        *opened = reinterpret_cast<NativeHandle>(h);
      } else {
        Nt().close(h);
      }
    }
    return NtOutcome(status);
  }
  std::string Describe() const override {
    return absl::StrCat("NtCreateFile(", target_.Describe(), ", ",
                        Win32AccessText(flags_.access), ", ",
                        Win32ShareText(flags_.share), ", ",
                        NtDispositionText(flags_.disposition), ", ",
                        NtOptionsText(flags_.options), ")");
  }

 private:
  NtTarget target_;
  OpenFlags flags_;
};

// Opens `target` with `access` and the synchronous-I/O option, the way the
// Win32 helpers (CreateDirectoryW, DeleteFileW, MoveFileExW) do.
NtStatus OpenForChange(const NtTarget& target, NativeHandle anchor,
                       ACCESS_MASK access, ULONG share, ULONG disposition,
                       ULONG options, HANDLE* h) {
  NtIoStatusBlock io = {};
  return target.With(anchor, [&](NtObjectAttributes& a) {
    return Nt().create_file(h, access | SYNCHRONIZE, &a, &io, nullptr,
                            FILE_ATTRIBUTE_NORMAL, share, disposition,
                            options | kFileSynchronousIoNonalert, nullptr, 0);
  });
}

// OpenForChange, then NtClose of what it opened: a call whose whole effect
// is the open (mkdir creates, stat looks).
NtStatus OpenAndClose(const NtTarget& target, NativeHandle anchor,
                      ACCESS_MASK access, ULONG share, ULONG disposition,
                      ULONG options) {
  HANDLE h = nullptr;
  const NtStatus status =
      OpenForChange(target, anchor, access, share, disposition, options, &h);
  if (status >= 0) Nt().close(h);
  return status;
}

class MkdirCall final : public PreparedCall {
 public:
  MkdirCall(const Op& op, absl::string_view root, std::shared_ptr<DirHandle> cwd)
      : target_(op.path, root, std::move(cwd)) {}
  Outcome Call(NativeHandle anchor, NativeHandle, NativeHandle*) const override {
    return NtOutcome(OpenAndClose(
        target_, anchor, kFileListDirectory, FILE_SHARE_READ | FILE_SHARE_WRITE,
        kFileCreate, options::kDirectoryFile | options::kOpenForBackupIntent));
  }
  std::string Describe() const override {
    return absl::StrCat("NtCreateFile(", target_.Describe(),
                        ", FILE_LIST_DIRECTORY|SYNCHRONIZE, "
                        "FILE_SHARE_READ|FILE_SHARE_WRITE, FILE_CREATE, "
                        "FILE_DIRECTORY_FILE|FILE_OPEN_FOR_BACKUP_INTENT|"
                        "FILE_SYNCHRONOUS_IO_NONALERT)");
  }

 private:
  NtTarget target_;
};

// stat opens the entry for FILE_READ_ATTRIBUTES (sharing everything, so no
// other handle can refuse it) and closes it. Not NtQueryAttributesFile,
// which GetFileAttributesW uses: under Wine 8.0 it answers
// STATUS_OBJECT_NAME_NOT_FOUND for a RootDirectory-relative name that
// NtCreateFile opens (seen in backend_windows_test), which would make every
// cwd- and handle-anchored stat a false alarm.
class StatCall final : public PreparedCall {
 public:
  StatCall(const Op& op, absl::string_view root, std::shared_ptr<DirHandle> cwd)
      : target_(op.path, root, std::move(cwd)) {}
  Outcome Call(NativeHandle anchor, NativeHandle, NativeHandle*) const override {
    return NtOutcome(OpenAndClose(
        target_, anchor, access::kReadAttributes,
        FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE, kFileOpen,
        options::kOpenForBackupIntent));
  }
  std::string Describe() const override {
    return absl::StrCat("NtCreateFile(", target_.Describe(),
                        ", FILE_READ_ATTRIBUTES|SYNCHRONIZE, "
                        "FILE_SHARE_READ|FILE_SHARE_WRITE|FILE_SHARE_DELETE, "
                        "FILE_OPEN, FILE_OPEN_FOR_BACKUP_INTENT|"
                        "FILE_SYNCHRONOUS_IO_NONALERT) + NtClose");
  }

 private:
  NtTarget target_;
};

class DeleteCall final : public PreparedCall {
 public:
  DeleteCall(const Op& op, absl::string_view root, std::shared_ptr<DirHandle> cwd)
      : target_(op.path, root, std::move(cwd)),
        directory_((op.flags.options & options::kDirectoryFile) != 0) {}
  Outcome Call(NativeHandle anchor, NativeHandle, NativeHandle*) const override {
    HANDLE h = nullptr;
    NtStatus status = OpenForChange(
        target_, anchor, DELETE, FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE,
        kFileOpen,
        (directory_ ? options::kDirectoryFile : options::kNonDirectoryFile) |
            options::kOpenForBackupIntent | options::kOpenReparsePoint,
        &h);
    if (status < 0) return NtOutcome(status);
    NtIoStatusBlock io = {};
    NtFileDispositionInformation info = {TRUE};
    status = Nt().set_information_file(h, &io, &info, sizeof info,
                                       kFileDispositionInformation);
    Nt().close(h);
    return NtOutcome(status);
  }
  std::string Describe() const override {
    return absl::StrCat("NtCreateFile(", target_.Describe(), ", DELETE, ",
                        directory_ ? "FILE_DIRECTORY_FILE" : "FILE_NON_DIRECTORY_FILE",
                        ") + NtSetInformationFile(FileDispositionInformation)");
  }

 private:
  NtTarget target_;
  bool directory_;
};

class RenameCall final : public PreparedCall {
 public:
  RenameCall(const Op& op, absl::string_view root, std::shared_ptr<DirHandle> cwd)
      : from_(op.path, root, cwd), to_(op.to, root, cwd) {}
  Outcome Call(NativeHandle anchor, NativeHandle to_anchor,
               NativeHandle*) const override {
    HANDLE h = nullptr;
    NtStatus status = OpenForChange(
        from_, anchor, DELETE, FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE,
        kFileOpen, options::kOpenForBackupIntent | options::kOpenReparsePoint, &h);
    if (status < 0) return NtOutcome(status);
    std::wstring name;
    const HANDLE root = to_.RenameRoot(to_anchor, &name);
    const size_t bytes = name.size() * sizeof(wchar_t);
    std::unique_ptr<unsigned char[]> buffer(
        new unsigned char[sizeof(NtFileRenameInformation) + bytes]());
    auto* info = reinterpret_cast<NtFileRenameInformation*>(buffer.get());
    info->replace_if_exists = TRUE;  // like renameat and MoveFileExW(REPLACE)
    info->root_directory = root;
    info->file_name_length = static_cast<ULONG>(bytes);
    std::memcpy(info->file_name, name.data(), bytes);
    NtIoStatusBlock io = {};
    status = Nt().set_information_file(
        h, &io, info, static_cast<ULONG>(sizeof(NtFileRenameInformation) + bytes),
        kFileRenameInformation);
    Nt().close(h);
    return NtOutcome(status);
  }
  std::string Describe() const override {
    return absl::StrCat("NtCreateFile(", from_.Describe(),
                        ", DELETE) + NtSetInformationFile(FileRenameInformation, ",
                        to_.Describe(), ", ReplaceIfExists=TRUE)");
  }

 private:
  NtTarget from_, to_;
};

absl::Status CheckAnchor(const Path& path) {
  if (path.anchor == Anchor::kWin32Device) {
    return absl::InvalidArgumentError(
        "the nt backend cannot express a `dev` (\\\\?\\) path, a Win32 "
        "spelling; use `nt` (\\??\\) or the win32 backend");
  }
  return absl::OkStatus();
}

struct NtCalls {
  using Open = OpenCall;
  using Mkdir = MkdirCall;
  using Stat = StatCall;
  using Delete = DeleteCall;
  using Rename = RenameCall;
};

class NtBackend final : public Backend {
 public:
  absl::string_view name() const override { return "nt"; }

  absl::StatusOr<std::unique_ptr<PreparedCall>> Prepare(
      const Op& op, absl::string_view sandbox_root) const override {
    if (!Nt().ok()) {
      return absl::FailedPreconditionError(
          "ntdll.dll lacks NtCreateFile, NtSetInformationFile or NtClose");
    }
    if (absl::Status s = internal::CheckAnchors(op, &CheckAnchor); !s.ok()) {
      return s;
    }
    absl::StatusOr<std::shared_ptr<DirHandle>> cwd = CurrentDirectoryHandle();
    if (!cwd.ok()) return cwd.status();
    return internal::PrepareCall<NtCalls>(op, sandbox_root, *cwd);
  }

  void Close(NativeHandle handle) const override {
    Nt().close(reinterpret_cast<HANDLE>(handle));
  }

 private:
  // A handle to the current directory, reused while it stays current and a
  // prepared call holds it.
  absl::StatusOr<std::shared_ptr<DirHandle>> CurrentDirectoryHandle() const {
    const DWORD n = GetCurrentDirectoryW(0, nullptr);
    std::wstring dir(n, L'\0');
    dir.resize(GetCurrentDirectoryW(n, dir.data()));
    std::lock_guard<std::mutex> lock(mu_);
    if (dir == cwd_path_) {
      if (std::shared_ptr<DirHandle> h = cwd_.lock()) return h;
    }
    const HANDLE h = CreateFileW(
        dir.c_str(), kFileTraverse | kFileListDirectory | SYNCHRONIZE,
        FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE, nullptr,
        OPEN_EXISTING, FILE_FLAG_BACKUP_SEMANTICS, nullptr);
    if (h == INVALID_HANDLE_VALUE) {
      return absl::FailedPreconditionError(absl::StrCat(
          "cannot open the current directory ", FromWide(dir), ": ",
          internal::Win32ErrorText(GetLastError())));
    }
    auto handle = std::make_shared<DirHandle>(h);
    cwd_path_ = dir;
    cwd_ = handle;
    return handle;
  }

  mutable std::mutex mu_;
  mutable std::wstring cwd_path_;
  mutable std::weak_ptr<DirHandle> cwd_;
};

}  // namespace

namespace internal {
std::unique_ptr<Backend> MakeNtBackend() { return std::make_unique<NtBackend>(); }
}  // namespace internal

}  // namespace openrace

#endif  // defined(_WIN32)
