// platform_windows.cc — platform.h on Windows.
//
// The facts DescribeSystem gives are the ones a report of the seed bug
// needs: the OS build, whether the process runs in a job and in a server
// silo (a process-isolated container), the HostProcess container's mount
// point, the file system and volume of the directory under test, and the
// minifilter stack (bindflt, wcifs...) when the process may list it.

#if defined(_WIN32)

#include <windows.h>
// windows.h first: these need its types.
#include <fltuser.h>
#include <io.h>  // _isatty, _fileno: in mingw-w64 and MSVC alike
#if __has_include(<pthread.h>)
#include <pthread.h>  // mingw-w64's winpthread: pthread_gethandle
#define OPENRACE_HAVE_WINPTHREAD 1
#endif

#include <atomic>
#include <cstdint>
#include <cstdio>
#include <string>
#include <thread>
#include <type_traits>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/string_view.h"
#include "harness/base/internal/windows_util.h"
#include "harness/base/platform.h"

namespace openrace {
namespace {

using internal::FromWide;
using internal::ToWide;
using internal::Win32ErrorText;

std::atomic<bool> g_interrupt_requested{false};

BOOL WINAPI OnConsoleControl(DWORD type) {
  switch (type) {
    case CTRL_C_EVENT:
    case CTRL_BREAK_EVENT:
    case CTRL_CLOSE_EVENT:
      // A closed console ends the process as soon as this returns, so it
      // is handled as a second Ctrl-C at once.
      if (!g_interrupt_requested.exchange(true) && type != CTRL_CLOSE_EVENT) {
        return TRUE;
      }
      // The second one: the handler runs on a thread of its own, so the
      // cleanups that must not be skipped run here, and the process ends.
      RunEmergencyCleanups();
      ExitProcess(kInterruptExitStatus);
    default:
      return FALSE;
  }
}

std::string Unknown(absl::string_view why) {
  return absl::StrCat("unknown (", why, ")");
}

template <typename Fn>
Fn NtdllFunction(const char* name) {
  HMODULE ntdll = GetModuleHandleW(L"ntdll.dll");
  if (ntdll == nullptr) return nullptr;
  return reinterpret_cast<Fn>(
      reinterpret_cast<void*>(GetProcAddress(ntdll, name)));
}

std::string DescribeOs() {
  // RtlGetVersion, unlike GetVersionEx, is not lied to by the manifest.
  using RtlGetVersionFn = LONG(WINAPI*)(OSVERSIONINFOW*);
  auto rtl_get_version = NtdllFunction<RtlGetVersionFn>("RtlGetVersion");
  std::string os;
  OSVERSIONINFOW info = {};
  info.dwOSVersionInfoSize = sizeof info;
  if (rtl_get_version != nullptr && rtl_get_version(&info) == 0) {
    os = absl::StrCat("Windows ", info.dwMajorVersion, ".", info.dwMinorVersion,
                      " build ", info.dwBuildNumber);
  } else {
    os = "Windows (RtlGetVersion unavailable)";
  }
  // Wine's ntdll exports wine_get_version; Windows' does not.
  using WineVersionFn = const char*(CDECL*)();
  if (auto wine = NtdllFunction<WineVersionFn>("wine_get_version")) {
    absl::StrAppend(&os, " (Wine ", wine(), ")");
  }
  return os;
}

std::string DescribeCpus() {
  const DWORD all = GetActiveProcessorCount(ALL_PROCESSOR_GROUPS);
  DWORD_PTR process_mask = 0, system_mask = 0;
  if (!GetProcessAffinityMask(GetCurrentProcess(), &process_mask, &system_mask)) {
    return absl::StrCat(all, " active");
  }
  int usable = 0;
  for (DWORD_PTR m = process_mask; m != 0; m &= m - 1) ++usable;
  return absl::StrCat(all, " active, ", usable, " in this process's group affinity");
}

std::string DescribeJob() {
  BOOL in_job = FALSE;
  if (!IsProcessInJob(GetCurrentProcess(), nullptr, &in_job)) {
    return Unknown(Win32ErrorText(GetLastError()));
  }
  return in_job ? "yes" : "no";
}

std::string DescribeSilo() {
  internal::SiloObjectBasicInformation info;
  if (!internal::QuerySilo(&info)) {
    const DWORD error = GetLastError();
    return Unknown(absl::StrCat(
        "QueryInformationJobObject(JobObjectSiloBasicInformation): ",
        Win32ErrorText(error),
        " — before Windows 10 / Server 2016, or not in a job"));
  }
  if (info.is_in_server_silo) {
    return absl::StrCat("yes (server silo ", info.silo_id,
                        ": a process-isolated container)");
  }
  return absl::StrCat("no (silo id ", info.silo_id, ", not a server silo)");
}

std::string DescribeContainerMount() {
  wchar_t buffer[MAX_PATH * 2];
  const DWORD n = GetEnvironmentVariableW(L"CONTAINER_SANDBOX_MOUNT_POINT",
                                          buffer, MAX_PATH * 2);
  if (n == 0 || n >= MAX_PATH * 2) {
    return "unset (not a HostProcess container)";
  }
  return FromWide(std::wstring(buffer, n));
}

struct VolumeFacts {
  std::string directory, volume_path, volume_name, fs, label, flags;
};

#if !defined(FILE_SUPPORTS_POSIX_UNLINK_RENAME)
#define FILE_SUPPORTS_POSIX_UNLINK_RENAME 0x00000400  // winnt.h, Windows 10 SDK
#endif

std::string VolumeFlagsText(DWORD flags) {
  std::vector<std::string> names;
  if (flags & FILE_CASE_SENSITIVE_SEARCH) names.push_back("case-sensitive");
  if (flags & FILE_PERSISTENT_ACLS) names.push_back("acls");
  if (flags & FILE_SUPPORTS_REPARSE_POINTS) names.push_back("reparse-points");
  if (flags & FILE_SUPPORTS_HARD_LINKS) names.push_back("hard-links");
  if (flags & FILE_READ_ONLY_VOLUME) names.push_back("read-only");
  if (flags & FILE_SUPPORTS_POSIX_UNLINK_RENAME) names.push_back("posix-unlink-rename");
  return absl::StrCat(absl::StrJoin(names, ","), " (0x",
                      absl::Hex(flags, absl::kZeroPad8), ")");
}

VolumeFacts DescribeVolume(const std::wstring& dir) {
  VolumeFacts facts;
  wchar_t full[32768];
  DWORD n = GetFullPathNameW(dir.c_str(), 32768, full, nullptr);
  if (n == 0 || n >= 32768) {
    const std::string why = Unknown(Win32ErrorText(GetLastError()));
    facts = {why, why, why, why, why, why};
    return facts;
  }
  facts.directory = FromWide(full);
  wchar_t volume[MAX_PATH + 1];
  if (!GetVolumePathNameW(full, volume, MAX_PATH + 1)) {
    const std::string why = Unknown(absl::StrCat(
        "GetVolumePathNameW: ", Win32ErrorText(GetLastError())));
    facts.volume_path = facts.volume_name = facts.fs = facts.label =
        facts.flags = why;
    return facts;
  }
  facts.volume_path = FromWide(volume);
  wchar_t guid[MAX_PATH + 1];
  facts.volume_name =
      GetVolumeNameForVolumeMountPointW(volume, guid, MAX_PATH + 1)
          ? FromWide(guid)
          : Unknown(absl::StrCat("GetVolumeNameForVolumeMountPointW: ",
                                 Win32ErrorText(GetLastError())));
  wchar_t label[MAX_PATH + 1], fs[MAX_PATH + 1];
  DWORD serial = 0, max_component = 0, flags = 0;
  if (GetVolumeInformationW(volume, label, MAX_PATH + 1, &serial,
                            &max_component, &flags, fs, MAX_PATH + 1)) {
    facts.fs = FromWide(fs);
    facts.label = absl::StrCat("\"", FromWide(label), "\", serial ",
                               absl::Hex(serial, absl::kZeroPad8));
    facts.flags = VolumeFlagsText(flags);
  } else {
    facts.fs = facts.label = facts.flags = Unknown(absl::StrCat(
        "GetVolumeInformationW: ", Win32ErrorText(GetLastError())));
  }
  return facts;
}

// The minifilters loaded on the system, by altitude, through fltlib.dll's
// FilterFindFirst / FilterFindNext (loaded at run time: the build needs no
// import library, and a system without it still runs).
std::string DescribeMinifilters() {
  HMODULE fltlib = LoadLibraryW(L"fltlib.dll");
  if (fltlib == nullptr) {
    return Unknown(absl::StrCat("fltlib.dll: ", Win32ErrorText(GetLastError())));
  }
  using FindFirstFn = HRESULT(WINAPI*)(FILTER_INFORMATION_CLASS, LPVOID, DWORD,
                                       LPDWORD, LPHANDLE);
  using FindNextFn = HRESULT(WINAPI*)(HANDLE, FILTER_INFORMATION_CLASS, LPVOID,
                                      DWORD, LPDWORD);
  using FindCloseFn = HRESULT(WINAPI*)(HANDLE);
  auto find_first = reinterpret_cast<FindFirstFn>(
      reinterpret_cast<void*>(GetProcAddress(fltlib, "FilterFindFirst")));
  auto find_next = reinterpret_cast<FindNextFn>(
      reinterpret_cast<void*>(GetProcAddress(fltlib, "FilterFindNext")));
  auto find_close = reinterpret_cast<FindCloseFn>(
      reinterpret_cast<void*>(GetProcAddress(fltlib, "FilterFindClose")));
  if (find_first == nullptr || find_next == nullptr || find_close == nullptr) {
    FreeLibrary(fltlib);
    return Unknown("fltlib.dll lacks FilterFindFirst/FilterFindNext");
  }
  std::vector<std::string> filters;
  alignas(8) unsigned char buffer[4096];
  HANDLE find = INVALID_HANDLE_VALUE;
  DWORD returned = 0;
  HRESULT hr = find_first(FilterAggregateStandardInformation, buffer,
                          sizeof buffer, &returned, &find);
  std::string result;
  if (hr == HRESULT_FROM_WIN32(ERROR_ACCESS_DENIED) || hr == E_ACCESSDENIED) {
    result =
        "not listed: access denied (listing minifilters needs an "
        "administrator; `fltmc filters` as administrator shows them)";
  } else if (FAILED(hr) && hr != HRESULT_FROM_WIN32(ERROR_NO_MORE_ITEMS)) {
    result = Unknown(absl::StrCat("FilterFindFirst: HRESULT 0x",
                                  absl::Hex(static_cast<uint32_t>(hr))));
  } else {
    while (SUCCEEDED(hr)) {
      const auto* info =
          reinterpret_cast<const FILTER_AGGREGATE_STANDARD_INFORMATION*>(buffer);
      const auto* base = reinterpret_cast<const unsigned char*>(info);
      if (info->Flags & FLTFL_ASI_IS_MINIFILTER) {
        const auto& m = info->Type.MiniFilter;
        std::wstring name(
            reinterpret_cast<const wchar_t*>(base + m.FilterNameBufferOffset),
            m.FilterNameLength / sizeof(wchar_t));
        std::wstring altitude(
            reinterpret_cast<const wchar_t*>(base + m.FilterAltitudeBufferOffset),
            m.FilterAltitudeLength / sizeof(wchar_t));
        filters.push_back(absl::StrCat(FromWide(name), " (", FromWide(altitude),
                                       ", ", m.NumberOfInstances, " instances)"));
      } else if (info->Flags & FLTFL_ASI_IS_LEGACYFILTER) {
        const auto& l = info->Type.LegacyFilter;
        std::wstring name(
            reinterpret_cast<const wchar_t*>(base + l.FilterNameBufferOffset),
            l.FilterNameLength / sizeof(wchar_t));
        filters.push_back(absl::StrCat(FromWide(name), " (legacy)"));
      }
      hr = find_next(find, FilterAggregateStandardInformation, buffer,
                     sizeof buffer, &returned);
    }
    result = filters.empty() ? "none listed" : absl::StrJoin(filters, "; ");
  }
  if (find != INVALID_HANDLE_VALUE && find != nullptr) find_close(find);
  FreeLibrary(fltlib);
  return result;
}

// The Windows handle of a std::thread: its native handle with MSVC and the
// win32 / mcf thread models; with mingw-w64's posix thread model a
// winpthread pthread_t, whose thread handle (full access) winpthread keeps.
template <typename Native>
HANDLE ThreadHandle(Native native) {
  if constexpr (std::is_same_v<Native, HANDLE>) {
    return native;
  } else {
#if defined(OPENRACE_HAVE_WINPTHREAD)
    return static_cast<HANDLE>(pthread_gethandle(native));
#else
    return nullptr;
#endif
  }
}

}  // namespace

void CpuRelax() { YieldProcessor(); }

int UsableCpus() {
  // The processors of every group; a job object's CPU limit is not seen.
  const DWORD active = GetActiveProcessorCount(ALL_PROCESSOR_GROUPS);
  return active > 0 ? static_cast<int>(active) : 1;
}

int KeepToCpuShare(uint64_t share, uint64_t shares) {
  // The processors of the process's own group only (up to 64).
  DWORD_PTR process = 0, system = 0;
  if (shares == 0 ||
      !GetProcessAffinityMask(GetCurrentProcess(), &process, &system)) {
    return 0;
  }
  std::vector<int> cpus;
  for (int cpu = 0; cpu < static_cast<int>(8 * sizeof process); ++cpu) {
    if (process & (DWORD_PTR{1} << cpu)) cpus.push_back(cpu);
  }
  if (cpus.empty()) return 0;
  const auto [first, last] = CpuShare(share, shares, cpus.size());
  DWORD_PTR mine = 0;
  for (uint64_t i = first; i < last; ++i) mine |= DWORD_PTR{1} << cpus[i];
  if (!SetProcessAffinityMask(GetCurrentProcess(), mine)) return 0;
  return static_cast<int>(last - first);
}

bool KeepThreadToCpu(uint64_t) { return false; }  // see platform.h

static_assert(sizeof(std::atomic<uint32_t>) == sizeof(uint32_t) &&
                  std::atomic<uint32_t>::is_always_lock_free,
              "WaitOnAddress needs the atomic to be the plain word");

void WaitWhileEqual(const std::atomic<uint32_t>& word, uint32_t seen) {
  WaitOnAddress(const_cast<std::atomic<uint32_t>*>(&word), &seen, sizeof seen,
                INFINITE);
}

void WakeAllWaiters(std::atomic<uint32_t>& word) { WakeByAddressAll(&word); }

int64_t ProcessCpuNanos() {
  FILETIME created, exited, kernel, user;
  if (!GetProcessTimes(GetCurrentProcess(), &created, &exited, &kernel, &user)) {
    return 0;
  }
  const auto nanos = [](const FILETIME& t) {  // 100 ns units
    return static_cast<int64_t>((static_cast<uint64_t>(t.dwHighDateTime) << 32) |
                                t.dwLowDateTime) * 100;
  };
  return nanos(kernel) + nanos(user);
}

int64_t ThreadCpuNanos() { return -1; }

int64_t MonotonicNanos() {
  static const int64_t frequency = [] {
    LARGE_INTEGER f;
    QueryPerformanceFrequency(&f);
    return static_cast<int64_t>(f.QuadPart);
  }();
  LARGE_INTEGER now;
  QueryPerformanceCounter(&now);
  const int64_t ticks = now.QuadPart;
  // Split so that ticks * 1e9 cannot overflow.
  return ticks / frequency * 1000000000 +
         ticks % frequency * 1000000000 / frequency;
}

bool StderrIsTerminal() { return _isatty(_fileno(stderr)) != 0; }

void InstallInterruptHandler() { SetConsoleCtrlHandler(&OnConsoleControl, TRUE); }

bool InterruptRequested() {
  return g_interrupt_requested.load(std::memory_order_relaxed);
}

void SetInterruptRequested(bool requested) {
  g_interrupt_requested.store(requested, std::memory_order_relaxed);
}

// CancelSynchronousIo needs nothing from the thread in advance.
void PrepareThreadForInterrupt() {}

void InterruptBlockedCall(std::thread& thread) {
  const HANDLE handle = ThreadHandle(thread.native_handle());
  if (handle != nullptr) CancelSynchronousIo(handle);
}

std::vector<std::pair<std::string, std::string>> DescribeSystem(
    absl::string_view dir) {
  std::vector<std::pair<std::string, std::string>> rows;
  rows.emplace_back("os", DescribeOs());
  rows.emplace_back("cpus", DescribeCpus());
  const VolumeFacts volume = DescribeVolume(ToWide(dir.empty() ? "." : dir));
  rows.emplace_back("directory", volume.directory);
  rows.emplace_back("fs type", volume.fs);
  rows.emplace_back("volume path", volume.volume_path);
  rows.emplace_back("volume name", volume.volume_name);
  rows.emplace_back("volume label", volume.label);
  rows.emplace_back("volume flags", volume.flags);
  rows.emplace_back("job", DescribeJob());
  rows.emplace_back("server silo", DescribeSilo());
  rows.emplace_back("CONTAINER_SANDBOX_MOUNT_POINT", DescribeContainerMount());
  rows.emplace_back("minifilters", DescribeMinifilters());
  return rows;
}

}  // namespace openrace

#endif  // defined(_WIN32)
