// process_windows.cc — process.h on Windows (CreateProcessW; every child in
// one job object that kills them all when the supervisor's handle to it
// closes, that is when the supervisor ends, however it ends).

#if defined(_WIN32)

#include <windows.h>
#include <psapi.h>

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "harness/base/internal/windows_util.h"
#include "harness/base/process.h"

namespace openrace {
namespace {

using internal::ToWide;
using internal::Win32ErrorText;

// One job for the whole supervisor; never closed, so the system closes it
// when the process ends, and then kills every child in it.
HANDLE WorkerJob() {
  static HANDLE job = [] {
    HANDLE made = CreateJobObjectW(nullptr, nullptr);
    if (made != nullptr) {
      JOBOBJECT_EXTENDED_LIMIT_INFORMATION limits = {};
      limits.BasicLimitInformation.LimitFlags =
          JOB_OBJECT_LIMIT_KILL_ON_JOB_CLOSE;
      SetInformationJobObject(made, JobObjectExtendedLimitInformation,
                              &limits, sizeof limits);
    }
    return made;
  }();
  return job;
}

// One argument quoted the way CommandLineToArgvW splits it again.
std::wstring QuoteArgument(const std::wstring& arg) {
  if (!arg.empty() && arg.find_first_of(L" \t\"") == std::wstring::npos) {
    return arg;
  }
  std::wstring quoted = L"\"";
  size_t backslashes = 0;
  for (wchar_t c : arg) {
    if (c == L'\\') {
      ++backslashes;
      continue;
    }
    if (c == L'"') quoted.append(2 * backslashes + 1, L'\\');
    else quoted.append(backslashes, L'\\');
    backslashes = 0;
    quoted.push_back(c);
  }
  quoted.append(2 * backslashes, L'\\');
  quoted.push_back(L'"');
  return quoted;
}

}  // namespace

std::string ChildExit::Describe() const {
  if (code < 0 || code > 255) {
    return absl::StrCat("exit 0x", absl::Hex(static_cast<uint32_t>(code)));
  }
  return absl::StrCat("exit ", code);
}

absl::StatusOr<std::unique_ptr<ChildProcess>> ChildProcess::Start(
    const std::vector<std::string>& argv, const std::string& log_path) {
  SECURITY_ATTRIBUTES inherit = {sizeof inherit, nullptr, TRUE};
  HANDLE log = CreateFileW(ToWide(log_path).c_str(), FILE_APPEND_DATA,
                           FILE_SHARE_READ | FILE_SHARE_WRITE |
                               FILE_SHARE_DELETE,
                           &inherit, OPEN_ALWAYS, FILE_ATTRIBUTE_NORMAL,
                           nullptr);
  if (log == INVALID_HANDLE_VALUE) {
    return absl::FailedPreconditionError(absl::StrCat(
        "cannot open ", log_path, ": ", Win32ErrorText(GetLastError())));
  }
  std::wstring command_line;
  for (const std::string& arg : argv) {
    if (!command_line.empty()) command_line.push_back(L' ');
    command_line += QuoteArgument(ToWide(arg));
  }
  STARTUPINFOW startup = {};
  startup.cb = sizeof startup;
  startup.dwFlags = STARTF_USESTDHANDLES;
  startup.hStdInput = GetStdHandle(STD_INPUT_HANDLE);
  startup.hStdOutput = log;
  startup.hStdError = log;
  PROCESS_INFORMATION info = {};
  // Suspended until it is in the job, so not even its first instruction
  // runs outside it.
  const BOOL started = CreateProcessW(
      ToWide(argv[0]).c_str(), command_line.data(), nullptr, nullptr, TRUE,
      CREATE_SUSPENDED, nullptr, nullptr, &startup, &info);
  const DWORD error = GetLastError();
  CloseHandle(log);
  if (!started) {
    return absl::FailedPreconditionError(absl::StrCat(
        "cannot start a worker (", argv[0], "): ", Win32ErrorText(error)));
  }
  HANDLE job = WorkerJob();
  if (job == nullptr || !AssignProcessToJobObject(job, info.hProcess)) {
    const DWORD assign_error = GetLastError();
    TerminateProcess(info.hProcess, 1);
    CloseHandle(info.hThread);
    CloseHandle(info.hProcess);
    return absl::FailedPreconditionError(absl::StrCat(
        "cannot put a worker in a job object: ", Win32ErrorText(assign_error)));
  }
  ResumeThread(info.hThread);
  CloseHandle(info.hThread);
  std::unique_ptr<ChildProcess> child(new ChildProcess());
  child->pid_ = info.dwProcessId;
  child->handle_ = info.hProcess;
  return child;
}

ChildProcess::~ChildProcess() {
  if (!exit_) Kill();
  if (handle_ != nullptr) CloseHandle(static_cast<HANDLE>(handle_));
}

absl::optional<ChildExit> ChildProcess::Poll() {
  if (exit_) return exit_;
  HANDLE process = static_cast<HANDLE>(handle_);
  if (WaitForSingleObject(process, 0) != WAIT_OBJECT_0) return absl::nullopt;
  DWORD code = 0;
  GetExitCodeProcess(process, &code);
  ChildExit exit;
  exit.code = static_cast<int>(code);
  exit_ = exit;
  return exit_;
}

void ChildProcess::Terminate() { Kill(); }

ChildExit ChildProcess::Kill() {
  if (exit_) return *exit_;
  HANDLE process = static_cast<HANDLE>(handle_);
  TerminateProcess(process, 137);
  WaitForSingleObject(process, INFINITE);
  DWORD code = 0;
  GetExitCodeProcess(process, &code);
  ChildExit exit;
  exit.code = static_cast<int>(code);
  exit_ = exit;
  return *exit_;
}

uint64_t ChildProcess::ResidentBytes() const {
  PROCESS_MEMORY_COUNTERS counters = {};
  if (!K32GetProcessMemoryInfo(static_cast<HANDLE>(handle_), &counters,
                               sizeof counters)) {
    return 0;
  }
  return counters.WorkingSetSize;
}

std::string SelfExecutablePath() {
  wchar_t path[32768];
  const DWORD n = GetModuleFileNameW(nullptr, path, 32768);
  if (n == 0) return "";
  return internal::FromWide(std::wstring(path, n));
}

int64_t CurrentProcessId() { return GetCurrentProcessId(); }

bool ProcessAlive(int64_t pid) {
  HANDLE process = OpenProcess(SYNCHRONIZE, FALSE, static_cast<DWORD>(pid));
  if (process == nullptr) return false;
  const bool alive = WaitForSingleObject(process, 0) == WAIT_TIMEOUT;
  CloseHandle(process);
  return alive;
}

void StopChildrenNow(const std::vector<int64_t>& pids, absl::Duration timeout) {
  const absl::Time deadline = absl::Now() + timeout;
  for (int64_t pid : pids) {
    HANDLE process = OpenProcess(SYNCHRONIZE, FALSE, static_cast<DWORD>(pid));
    if (process == nullptr) continue;
    const absl::Duration left = std::max(deadline - absl::Now(), absl::ZeroDuration());
    WaitForSingleObject(process, static_cast<DWORD>(absl::ToInt64Milliseconds(left)));
    CloseHandle(process);
  }
}

}  // namespace openrace

#endif  // defined(_WIN32)
