// file_util_windows.cc — file_util.h on Windows.
//
// An atomic write is a temporary file beside the destination, flushed with
// FlushFileBuffers, then MoveFileExW(MOVEFILE_REPLACE_EXISTING |
// MOVEFILE_WRITE_THROUGH), which returns only once the rename is on disk
// (Windows has no directory fsync; write-through is its equivalent here).

#if defined(_WIN32)

#include <windows.h>

#include <algorithm>
#include <string>

#include "absl/strings/str_cat.h"
#include "harness/base/file_util.h"
#include "harness/base/internal/windows_util.h"

namespace openrace {
namespace {

using internal::ToWide;
using internal::Win32ErrorText;

absl::Status Win32Error(absl::string_view what, const std::string& path) {
  const DWORD e = GetLastError();
  std::string message = absl::StrCat(what, " ", path, ": ", Win32ErrorText(e));
  if (e == ERROR_FILE_NOT_FOUND || e == ERROR_PATH_NOT_FOUND) {
    return absl::NotFoundError(message);
  }
  if (e == ERROR_ACCESS_DENIED) return absl::PermissionDeniedError(message);
  return absl::InternalError(message);
}

bool IsSeparator(char c) { return c == '/' || c == '\\'; }

// The parent of `path`, or `path` itself at a root ("C:\", "\\server\share",
// "/").
std::string Parent(const std::string& path) {
  size_t end = path.size();
  while (end > 0 && IsSeparator(path[end - 1])) --end;
  size_t slash = end;
  while (slash > 0 && !IsSeparator(path[slash - 1])) --slash;
  if (slash == 0) return path;  // "C:" or a bare name
  size_t parent_end = slash;
  while (parent_end > 1 && IsSeparator(path[parent_end - 1])) --parent_end;
  std::string parent = path.substr(0, parent_end);
  if (parent.size() == 2 && parent[1] == ':') parent += '\\';  // "C:\"
  return parent;
}

class Handle {
 public:
  explicit Handle(HANDLE h) : h_(h) {}
  Handle(const Handle&) = delete;
  Handle& operator=(const Handle&) = delete;
  ~Handle() {
    if (h_ != INVALID_HANDLE_VALUE) CloseHandle(h_);
  }
  HANDLE get() const { return h_; }

 private:
  HANDLE h_;
};

}  // namespace

absl::StatusOr<std::string> ReadFile(const std::string& path) {
  const Handle file(CreateFileW(ToWide(path).c_str(), GENERIC_READ,
                                FILE_SHARE_READ | FILE_SHARE_WRITE |
                                    FILE_SHARE_DELETE,
                                nullptr, OPEN_EXISTING, FILE_ATTRIBUTE_NORMAL,
                                nullptr));
  if (file.get() == INVALID_HANDLE_VALUE) return Win32Error("cannot open", path);
  std::string contents;
  char buffer[65536];
  for (;;) {
    DWORD n = 0;
    if (!::ReadFile(file.get(), buffer, sizeof buffer, &n, nullptr)) {
      return Win32Error("cannot read", path);
    }
    if (n == 0) break;
    contents.append(buffer, n);
  }
  return contents;
}

absl::Status WriteFileAtomically(const std::string& path,
                                 absl::string_view contents) {
  const std::string temp =
      absl::StrCat(path, ".tmp-", GetCurrentProcessId());
  const std::wstring wide_temp = ToWide(temp);
  {
    const Handle file(CreateFileW(wide_temp.c_str(), GENERIC_WRITE, 0, nullptr,
                                  CREATE_ALWAYS, FILE_ATTRIBUTE_NORMAL,
                                  nullptr));
    if (file.get() == INVALID_HANDLE_VALUE) {
      return Win32Error("cannot create", temp);
    }
    size_t written = 0;
    while (written < contents.size()) {
      const DWORD chunk = static_cast<DWORD>(
          std::min<size_t>(contents.size() - written, 1 << 30));
      DWORD n = 0;
      if (!WriteFile(file.get(), contents.data() + written, chunk, &n,
                     nullptr)) {
        absl::Status status = Win32Error("cannot write", temp);
        CloseHandle(file.get());
        DeleteFileW(wide_temp.c_str());
        return status;
      }
      written += n;
    }
    if (!FlushFileBuffers(file.get())) {
      return Win32Error("cannot flush", temp);
    }
  }
  if (!MoveFileExW(wide_temp.c_str(), ToWide(path).c_str(),
                   MOVEFILE_REPLACE_EXISTING | MOVEFILE_WRITE_THROUGH)) {
    absl::Status status = Win32Error("cannot rename to", path);
    DeleteFileW(wide_temp.c_str());
    return status;
  }
  return absl::OkStatus();
}

absl::StatusOr<bool> CreateExclusively(const std::string& path,
                                       absl::string_view contents) {
  const Handle file(CreateFileW(ToWide(path).c_str(), GENERIC_WRITE,
                                FILE_SHARE_READ | FILE_SHARE_DELETE, nullptr,
                                CREATE_NEW, FILE_ATTRIBUTE_NORMAL, nullptr));
  if (file.get() == INVALID_HANDLE_VALUE) {
    const DWORD e = GetLastError();
    if (e == ERROR_FILE_EXISTS || e == ERROR_ALREADY_EXISTS) return false;
    SetLastError(e);
    return Win32Error("cannot create", path);
  }
  DWORD n = 0;
  if (!contents.empty() &&
      !WriteFile(file.get(), contents.data(),
                 static_cast<DWORD>(contents.size()), &n, nullptr)) {
    return Win32Error("cannot write", path);
  }
  return true;
}

std::string AbsolutePath(const std::string& path) {
  const std::wstring wide = ToWide(path);
  const DWORD n = GetFullPathNameW(wide.c_str(), 0, nullptr, nullptr);
  if (n == 0) return path;
  std::wstring full(n, L'\0');
  const DWORD m = GetFullPathNameW(wide.c_str(), n, full.data(), nullptr);
  if (m == 0 || m >= n) return path;
  full.resize(m);
  return internal::FromWide(full);
}

absl::Status MakeDirectories(const std::string& path) {
  if (path.empty()) return absl::OkStatus();
  const std::wstring wide = ToWide(path);
  const DWORD attributes = GetFileAttributesW(wide.c_str());
  if (attributes != INVALID_FILE_ATTRIBUTES) {
    if (attributes & FILE_ATTRIBUTE_DIRECTORY) return absl::OkStatus();
    return absl::FailedPreconditionError(
        absl::StrCat(path, " exists and is not a directory"));
  }
  const std::string parent = Parent(path);
  if (parent != path) {
    absl::Status status = MakeDirectories(parent);
    if (!status.ok()) return status;
  }
  if (!CreateDirectoryW(wide.c_str(), nullptr) &&
      GetLastError() != ERROR_ALREADY_EXISTS) {
    return Win32Error("cannot create directory", path);
  }
  return absl::OkStatus();
}

}  // namespace openrace

#endif  // defined(_WIN32)
