// sandbox_windows.cc — sandbox.h on Windows: CreateDirectoryW,
// SetCurrentDirectoryW, and a recursive delete that never follows a reparse
// point (a junction, a symbolic link, a mount point): such an entry is
// removed itself, never entered, so nothing a file-system bug plants inside
// can lead the delete out of the sandbox.
//
// The delete spells every path with the `\\?\` prefix, so it can remove
// names the Win32 layer would rewrite (a trailing dot or space, which the nt
// backend can create) and paths longer than MAX_PATH.

#if defined(_WIN32)

#include <windows.h>

#include <memory>
#include <string>
#include <vector>

#include "absl/random/random.h"
#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_replace.h"
#include "harness/base/internal/windows_util.h"
#include "harness/base/process.h"
#include "harness/run/outcome.h"
#include "harness/run/sandbox.h"

namespace openrace {
namespace {

using internal::FromWide;
using internal::ToWide;
using internal::Win32ErrorText;

absl::Status Win32Error(absl::string_view what, DWORD error) {
  // No space, no handles: the environment, said as such (outcome.h).
  const Outcome outcome{StatusClass::kOther, static_cast<int64_t>(error),
                        NativeKind::kWin32Error};
  if (IsEnvironmentStatus(outcome)) return EnvironmentErrorFor(outcome, what);
  return absl::Status(error == ERROR_FILE_NOT_FOUND ||
                              error == ERROR_PATH_NOT_FOUND
                          ? absl::StatusCode::kNotFound
                          : absl::StatusCode::kFailedPrecondition,
                      absl::StrCat(what, ": ", Win32ErrorText(error)));
}

// `path` (absolute, backslashes) in the `\\?\` form Win32 passes through
// unparsed: `\\?\C:\x` or `\\?\UNC\server\share\x`.
std::wstring Verbatim(const std::string& path) {
  if (path.rfind("\\\\?\\", 0) == 0) return ToWide(path);
  if (path.rfind("\\\\", 0) == 0) return ToWide("\\\\?\\UNC\\" + path.substr(2));
  return ToWide("\\\\?\\" + path);
}

bool Gone(DWORD error) {
  return error == ERROR_FILE_NOT_FOUND || error == ERROR_PATH_NOT_FOUND;
}

// Removes one entry that is not (or no longer) a directory to descend into.
// A read-only file is made writable first: DeleteFileW refuses it.
DWORD RemoveEntry(const std::wstring& path, DWORD attributes) {
  if (attributes & FILE_ATTRIBUTE_READONLY) {
    SetFileAttributesW(path.c_str(), attributes & ~FILE_ATTRIBUTE_READONLY);
  }
  const bool directory = attributes & FILE_ATTRIBUTE_DIRECTORY;
  // Another process (an indexer, an antivirus) may hold the entry for a
  // moment; a few short retries ride that out.
  for (int attempt = 0;; ++attempt) {
    const BOOL ok = directory ? RemoveDirectoryW(path.c_str())
                              : DeleteFileW(path.c_str());
    if (ok) return ERROR_SUCCESS;
    const DWORD error = GetLastError();
    if (Gone(error)) return ERROR_SUCCESS;
    if (attempt == 20 || (error != ERROR_SHARING_VIOLATION &&
                          error != ERROR_ACCESS_DENIED &&
                          error != ERROR_DIR_NOT_EMPTY)) {
      return error;
    }
    Sleep(5);
  }
}

// Removes everything inside the directory `dir` (a `\\?\` path).
absl::Status RemoveContents(const std::wstring& dir) {
  // Names are read first and removed after, so removal never races the
  // enumeration.
  struct Child {
    std::wstring name;
    DWORD attributes;
  };
  std::vector<Child> children;
  WIN32_FIND_DATAW data;
  HANDLE find = FindFirstFileExW((dir + L"\\*").c_str(), FindExInfoBasic,
                                 &data, FindExSearchNameMatch, nullptr, 0);
  if (find == INVALID_HANDLE_VALUE) {
    const DWORD error = GetLastError();
    if (Gone(error)) return absl::OkStatus();
    return Win32Error(absl::StrCat("list ", FromWide(dir)), error);
  }
  do {
    const std::wstring name = data.cFileName;
    if (name != L"." && name != L"..") {
      children.push_back({name, data.dwFileAttributes});
    }
  } while (FindNextFileW(find, &data));
  FindClose(find);

  for (const Child& child : children) {
    const std::wstring path = dir + L"\\" + child.name;
    // A reparse point is removed as itself, never entered.
    if ((child.attributes & FILE_ATTRIBUTE_DIRECTORY) &&
        !(child.attributes & FILE_ATTRIBUTE_REPARSE_POINT)) {
      if (absl::Status s = RemoveContents(path); !s.ok()) return s;
    }
    if (const DWORD error = RemoveEntry(path, child.attributes);
        error != ERROR_SUCCESS) {
      return Win32Error(absl::StrCat("remove ", FromWide(path)), error);
    }
  }
  return absl::OkStatus();
}

std::string CurrentDirectory() {
  const DWORD n = GetCurrentDirectoryW(0, nullptr);
  std::wstring buffer(n, L'\0');
  const DWORD m = GetCurrentDirectoryW(n, buffer.data());
  buffer.resize(m);
  return FromWide(buffer);
}

// `path` made absolute, with backslashes and no trailing separator (except
// at a drive root, "C:\").
absl::StatusOr<std::string> FullPath(const std::string& path) {
  const std::wstring wide = ToWide(path);
  const DWORD n = GetFullPathNameW(wide.c_str(), 0, nullptr, nullptr);
  if (n == 0) return Win32Error(path, GetLastError());
  std::wstring full(n, L'\0');
  const DWORD m = GetFullPathNameW(wide.c_str(), n, full.data(), nullptr);
  if (m == 0 || m >= n) return Win32Error(path, GetLastError());
  full.resize(m);
  while (full.size() > 3 && full.back() == L'\\') full.pop_back();
  return FromWide(full);
}

}  // namespace

absl::StatusOr<std::unique_ptr<Sandbox>> Sandbox::Create(
    absl::string_view parent_dir) {
  const std::string parent(parent_dir);
  const DWORD attributes = GetFileAttributesW(ToWide(parent).c_str());
  if (attributes == INVALID_FILE_ATTRIBUTES) {
    const DWORD error = GetLastError();
    if (Gone(error)) {
      return absl::NotFoundError(absl::StrCat(parent, ": does not exist"));
    }
    return Win32Error(parent, error);
  }
  if (!(attributes & FILE_ATTRIBUTE_DIRECTORY)) {
    return absl::FailedPreconditionError(
        absl::StrCat(parent, ": is not a directory"));
  }
  absl::StatusOr<std::string> resolved = FullPath(parent);
  if (!resolved.ok()) return resolved.status();
  const std::string previous_cwd = CurrentDirectory();

  absl::BitGen gen;
  std::string root;
  for (int attempt = 0;; ++attempt) {
    const std::string base =
        resolved->back() == '\\' ? resolved->substr(0, resolved->size() - 1)
                                 : *resolved;
    root = absl::StrFormat("%s\\openrace-%d-%06x", base,
                           GetCurrentProcessId(),
                           absl::Uniform<uint32_t>(gen, 0, 1u << 24));
    if (CreateDirectoryW(ToWide(root).c_str(), nullptr)) break;
    const DWORD error = GetLastError();
    if (error == ERROR_ACCESS_DENIED) {
      return absl::FailedPreconditionError(absl::StrCat(
          parent, ": is not writable (", Win32ErrorText(error), ")"));
    }
    if (error != ERROR_ALREADY_EXISTS || attempt == 100) {
      return Win32Error(absl::StrCat("mkdir ", root), error);
    }
  }
  if (!SetCurrentDirectoryW(ToWide(root).c_str())) {
    const absl::Status error =
        Win32Error(absl::StrCat("chdir ", root), GetLastError());
    RemoveDirectoryW(ToWide(root).c_str());
    return error;
  }
  std::unique_ptr<Sandbox> sandbox(new Sandbox(std::move(root), previous_cwd));
  // A second Ctrl-C ends the process without unwinding; the sandbox goes
  // first (the current directory is left for the process's end to free).
  const std::wstring verbatim = Verbatim(sandbox->root_);
  sandbox->emergency_ = std::make_unique<EmergencyCleanup>([verbatim] {
    if (RemoveContents(verbatim).ok()) {
      RemoveEntry(verbatim, FILE_ATTRIBUTE_DIRECTORY);
    }
  });
  return sandbox;
}

Sandbox::~Sandbox() {
  // A destructor has no one to report to: Remove() is the way to learn
  // whether the removal worked, and the sandbox's name says who made it
  // if something is left behind.
  if (!removed_) (void)Remove();
}

absl::Status Sandbox::Remove() {
  if (removed_) return absl::OkStatus();
  removed_ = true;
  // The current directory must move out first: Windows keeps it open.
  SetCurrentDirectoryW(ToWide(previous_cwd_).c_str());
  absl::Status status = ClearNative();
  if (status.ok()) {
    if (const DWORD error =
            RemoveEntry(Verbatim(root_), FILE_ATTRIBUTE_DIRECTORY);
        error != ERROR_SUCCESS) {
      status = Win32Error(absl::StrCat("remove ", root_), error);
    }
  }
  emergency_.reset();
  return status;
}

absl::StatusOr<std::string> Sandbox::Renew() {
  return absl::UnimplementedError(
      "a broken sandbox is not yet moved aside on Windows");
}

absl::StatusOr<SweepResult> SweepStaleSandboxes(absl::string_view parent_dir) {
  SweepResult result;
  absl::StatusOr<std::string> parent = FullPath(std::string(parent_dir));
  if (!parent.ok()) return parent.status();
  const std::string base =
      parent->back() == '\\' ? parent->substr(0, parent->size() - 1) : *parent;
  WIN32_FIND_DATAW data;
  HANDLE find = FindFirstFileExW(Verbatim(base + "\\*").c_str(), FindExInfoBasic,
                                 &data, FindExSearchNameMatch, nullptr, 0);
  if (find == INVALID_HANDLE_VALUE) {
    return Win32Error(absl::StrCat("list ", base), GetLastError());
  }
  std::vector<std::string> stale;
  do {
    const std::string name = FromWide(data.cFileName);
    const absl::optional<int64_t> pid = SandboxOwnerPid(name);
    // A directory, never a reparse point (a junction, a link).
    if (!pid || !(data.dwFileAttributes & FILE_ATTRIBUTE_DIRECTORY) ||
        (data.dwFileAttributes & FILE_ATTRIBUTE_REPARSE_POINT) ||
        *pid == CurrentProcessId() || ProcessAlive(*pid)) {
      continue;
    }
    stale.push_back(name);
  } while (FindNextFileW(find, &data));
  FindClose(find);
  for (const std::string& name : stale) {
    const std::string path = absl::StrCat(base, "\\", name);
    absl::Status status = RemoveContents(Verbatim(path));
    if (status.ok()) {
      if (const DWORD error = RemoveEntry(Verbatim(path), FILE_ATTRIBUTE_DIRECTORY);
          error != ERROR_SUCCESS) {
        status = Win32Error(absl::StrCat("remove ", path), error);
      }
    }
    if (status.ok()) {
      ++result.removed;
    } else {
      result.failures.push_back(std::string(status.message()));
    }
  }
  return result;
}

absl::Status Sandbox::ClearNative() { return RemoveContents(Verbatim(root_)); }

absl::Status Sandbox::List(std::vector<TreeEntry>* tree) const {
  // The NT/Win32 judge does not read the end state back (oracle.h).
  tree->clear();
  return absl::UnimplementedError("listing the sandbox on Windows");
}

absl::Status Sandbox::RemoveNative(const std::vector<std::string>& paths) {
  for (const std::string& relative : paths) {
    const std::wstring path = Verbatim(
        absl::StrCat(root_, "\\", absl::StrReplaceAll(relative, {{"/", "\\"}})));
    const DWORD attributes = GetFileAttributesW(path.c_str());
    if (attributes == INVALID_FILE_ATTRIBUTES) {
      const DWORD error = GetLastError();
      if (Gone(error)) continue;
      return Win32Error(absl::StrCat("stat ", relative), error);
    }
    // A reparse point is removed as itself, never entered.
    if ((attributes & FILE_ATTRIBUTE_DIRECTORY) &&
        !(attributes & FILE_ATTRIBUTE_REPARSE_POINT)) {
      if (absl::Status s = RemoveContents(path); !s.ok()) return s;
    }
    if (const DWORD error = RemoveEntry(path, attributes); error != ERROR_SUCCESS) {
      return Win32Error(absl::StrCat("remove ", relative), error);
    }
  }
  return absl::OkStatus();
}

absl::Status Sandbox::BuildNative(const std::vector<TreeEntry>& tree) {
  if (absl::Status s = ClearNative(); !s.ok()) return s;
  for (const TreeEntry& entry : tree) {
    const std::wstring path =
        Verbatim(absl::StrCat(root_, "\\", absl::StrReplaceAll(entry.path, {{"/", "\\"}})));
    if (entry.kind == EntryKind::kDirectory) {
      if (!CreateDirectoryW(path.c_str(), nullptr)) {
        return Win32Error(absl::StrCat("mkdir ", entry.path), GetLastError());
      }
    } else {
      const HANDLE file =
          CreateFileW(path.c_str(), GENERIC_WRITE, 0, nullptr, CREATE_NEW,
                      FILE_ATTRIBUTE_NORMAL, nullptr);
      if (file == INVALID_HANDLE_VALUE) {
        return Win32Error(absl::StrCat("create ", entry.path), GetLastError());
      }
      CloseHandle(file);
    }
  }
  return absl::OkStatus();
}

}  // namespace openrace

#endif  // defined(_WIN32)
