// internal/windows_util.h — small helpers the Windows files share: UTF-8 <->
// UTF-16 conversion (openrace keeps every path as UTF-8 text; Windows takes
// UTF-16), the text of a Win32 error, and whether the process is in a
// server silo. Windows only; included only by
// files wrapped whole in `#if defined(_WIN32)`.

#ifndef OPENRACE_HARNESS_BASE_INTERNAL_WINDOWS_UTIL_H_
#define OPENRACE_HARNESS_BASE_INTERNAL_WINDOWS_UTIL_H_

#if defined(_WIN32)

#include <windows.h>

#include <string>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"

namespace openrace {
namespace internal {

inline std::wstring ToWide(absl::string_view text) {
  if (text.empty()) return std::wstring();
  const int n = MultiByteToWideChar(CP_UTF8, 0, text.data(),
                                    static_cast<int>(text.size()), nullptr, 0);
  std::wstring wide(static_cast<size_t>(n), L'\0');
  MultiByteToWideChar(CP_UTF8, 0, text.data(), static_cast<int>(text.size()),
                      wide.data(), n);
  return wide;
}

inline std::string FromWide(const std::wstring& wide) {
  if (wide.empty()) return std::string();
  const int n = WideCharToMultiByte(CP_UTF8, 0, wide.data(),
                                    static_cast<int>(wide.size()), nullptr, 0,
                                    nullptr, nullptr);
  std::string text(static_cast<size_t>(n), '\0');
  WideCharToMultiByte(CP_UTF8, 0, wide.data(), static_cast<int>(wide.size()),
                      text.data(), n, nullptr, nullptr);
  return text;
}

// "The system cannot find the file specified (2)".
inline std::string Win32ErrorText(DWORD error) {
  wchar_t* buffer = nullptr;
  const DWORD n = FormatMessageW(
      FORMAT_MESSAGE_ALLOCATE_BUFFER | FORMAT_MESSAGE_FROM_SYSTEM |
          FORMAT_MESSAGE_IGNORE_INSERTS,
      nullptr, error, 0, reinterpret_cast<wchar_t*>(&buffer), 0, nullptr);
  std::string text;
  if (n != 0 && buffer != nullptr) {
    text = FromWide(std::wstring(buffer, n));
    LocalFree(buffer);
  }
  absl::StripTrailingAsciiWhitespace(&text);
  if (!text.empty() && text.back() == '.') text.pop_back();
  if (text.empty()) return absl::StrCat("error ", error);
  return absl::StrCat(text, " (", error, ")");
}

// JOBOBJECTINFOCLASS JobObjectSiloBasicInformation and its structure, from
// the Windows 10 SDK's winnt.h; mingw-w64's headers lack both.
inline constexpr int kJobObjectSiloBasicInformation = 36;
struct SiloObjectBasicInformation {
  DWORD silo_id;
  DWORD silo_parent_id;
  DWORD number_of_processes;
  BOOLEAN is_in_server_silo;
  BYTE reserved[3];
};

// The silo facts of the job this process is in; false (GetLastError says
// why) before Windows 10 / Server 2016 or outside any job.
inline bool QuerySilo(SiloObjectBasicInformation* info) {
  *info = {};
  // A null job handle asks about the job the calling process is in.
  return QueryInformationJobObject(
             nullptr,
             static_cast<JOBOBJECTINFOCLASS>(kJobObjectSiloBasicInformation),
             info, sizeof *info, nullptr) != 0;
}

}  // namespace internal
}  // namespace openrace

#endif  // defined(_WIN32)

#endif  // OPENRACE_HARNESS_BASE_INTERNAL_WINDOWS_UTIL_H_
