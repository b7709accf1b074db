// bind_mapping_windows.cc — bind_mapping.h on Windows: a bind-filter
// (bindflt) mapping through bindfltapi.dll.
//
// bindfltapi.dll has no import library in the SDK and no header; it ships
// with Windows 10 1809 / Server 2019 and later, and Wine has none. It is
// loaded at run time from System32 only, and its two functions are declared
// here from their documented use (hcsshim's bindfilter package, BuildXL):
//
//   HRESULT BfSetupFilter(HANDLE JobHandle, ULONG Flags,
//                         LPCWSTR VirtualizationRootPath,    // DST
//                         LPCWSTR VirtualizationTargetPath,  // SRC
//                         LPCWSTR* VirtualizationExceptionPaths,
//                         ULONG VirtualizationExceptionPathCount);
//   HRESULT BfRemoveMapping(HANDLE JobHandle, LPCWSTR VirtualizationRootPath);
//
// A null JobHandle makes the mapping global (every process on the machine
// sees DST as SRC), as a container runtime does for a bind mount; it stays
// until BfRemoveMapping or a reboot, so the destructor removes it, and
// Ctrl-C reaches the destructor through the interrupt flag (platform.h).
// Only a second Ctrl-C or a kill leaves it behind, until a reboot.

#if defined(_WIN32)

#include <windows.h>

#include <cstdio>
#include <memory>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "harness/base/bind_mapping.h"
#include "harness/base/internal/windows_util.h"

namespace openrace {
namespace {

using internal::FromWide;
using internal::ToWide;
using internal::Win32ErrorText;

using BfSetupFilterFn = HRESULT(WINAPI*)(HANDLE job, ULONG flags,
                                         LPCWSTR root, LPCWSTR target,
                                         LPCWSTR* exceptions,
                                         ULONG exception_count);
using BfRemoveMappingFn = HRESULT(WINAPI*)(HANDLE job, LPCWSTR root);

// BINDFLT_FLAG_NO_MULTIPLE_TARGETS: refuse to stack a second SRC on a DST
// that is already mapped (bindflt would merge them), like a bind mount.
constexpr ULONG kBindFlagNoMultipleTargets = 0x00000040;

// Is this process in a container: a silo (process-isolated: a server silo;
// HostProcess: a silo of its own job), or a HostProcess container by its
// environment variable?
bool InContainerSilo() {
  internal::SiloObjectBasicInformation info;
  if (internal::QuerySilo(&info) &&
      (info.is_in_server_silo || info.silo_id != 0)) {
    return true;
  }
  return GetEnvironmentVariableW(L"CONTAINER_SANDBOX_MOUNT_POINT", nullptr,
                                 0) != 0;
}

absl::StatusOr<std::wstring> FullPath(const std::string& path) {
  const std::wstring wide = ToWide(path);
  const DWORD n = GetFullPathNameW(wide.c_str(), 0, nullptr, nullptr);
  if (n == 0) {
    return absl::InvalidArgumentError(absl::StrCat(
        "--bind: ", path, ": ", Win32ErrorText(GetLastError())));
  }
  std::wstring full(n, L'\0');
  full.resize(GetFullPathNameW(wide.c_str(), n, full.data(), nullptr));
  return full;
}

class BindFilterMapping final : public BindMapping {
 public:
  BindFilterMapping(HMODULE library, BfRemoveMappingFn remove,
                    std::wstring root, std::string description)
      : library_(library),
        remove_(remove),
        root_(std::move(root)),
        description_(std::move(description)) {}
  ~BindFilterMapping() override {
    const HRESULT hr = remove_(nullptr, root_.c_str());
    if (FAILED(hr)) {
      std::fprintf(stderr,
                   "openrace: BfRemoveMapping(%s) failed: %s; the mapping "
                   "stays until it is removed or Windows restarts\n",
                   FromWide(root_).c_str(),
                   Win32ErrorText(static_cast<DWORD>(hr)).c_str());
    }
    FreeLibrary(library_);
  }
  std::string Describe() const override { return description_; }

 private:
  HMODULE library_;
  BfRemoveMappingFn remove_;
  std::wstring root_;
  std::string description_;
};

}  // namespace

BindPathStyle NativeBindPathStyle() { return BindPathStyle::kWindows; }

absl::Status CheckStandaloneBindSupported() { return absl::OkStatus(); }

absl::StatusOr<std::unique_ptr<BindMapping>> BindMapping::Create(
    const BindSpec& spec) {
  // System32 only: a bindfltapi.dll planted in the current directory must
  // not be loaded into an elevated process.
  HMODULE library =
      LoadLibraryExW(L"bindfltapi.dll", nullptr, LOAD_LIBRARY_SEARCH_SYSTEM32);
  if (library == nullptr) {
    return absl::FailedPreconditionError(absl::StrCat(
        "cannot create a bind mapping: bindfltapi.dll is not on this system (",
        Win32ErrorText(GetLastError()),
        "); Windows 10 1809 / Server 2019 and later have it, Wine does not"));
  }
  auto setup = reinterpret_cast<BfSetupFilterFn>(
      reinterpret_cast<void*>(GetProcAddress(library, "BfSetupFilter")));
  auto remove = reinterpret_cast<BfRemoveMappingFn>(
      reinterpret_cast<void*>(GetProcAddress(library, "BfRemoveMapping")));
  if (setup == nullptr || remove == nullptr) {
    FreeLibrary(library);
    return absl::FailedPreconditionError(
        "cannot create a bind mapping: bindfltapi.dll lacks BfSetupFilter or "
        "BfRemoveMapping");
  }
  absl::StatusOr<std::wstring> source = FullPath(spec.source);
  absl::StatusOr<std::wstring> target = FullPath(spec.target);
  if (!source.ok() || !target.ok()) {
    FreeLibrary(library);
    return source.ok() ? target.status() : source.status();
  }
  const DWORD attributes = GetFileAttributesW(source->c_str());
  if (attributes == INVALID_FILE_ATTRIBUTES ||
      !(attributes & FILE_ATTRIBUTE_DIRECTORY)) {
    const DWORD error = GetLastError();
    FreeLibrary(library);
    return absl::InvalidArgumentError(absl::StrCat(
        "--bind: the source ", spec.source,
        attributes == INVALID_FILE_ATTRIBUTES
            ? absl::StrCat(": ", Win32ErrorText(error))
            : std::string(" is not a directory")));
  }
  const HRESULT hr = setup(nullptr, kBindFlagNoMultipleTargets,
                           target->c_str(), source->c_str(), nullptr, 0);
  if (FAILED(hr)) {
    FreeLibrary(library);
    const BindSpec full{FromWide(*source), FromWide(*target)};
    return absl::FailedPreconditionError(ExplainBindFilterFailure(
        static_cast<uint32_t>(hr), Win32ErrorText(static_cast<DWORD>(hr)),
        InContainerSilo(), full));
  }
  std::string description =
      absl::StrCat(FromWide(*source), " on ", FromWide(*target),
                   " (bind filter mapping, global)");
  return std::unique_ptr<BindMapping>(new BindFilterMapping(
      library, remove, *std::move(target), std::move(description)));
}

}  // namespace openrace

#endif  // defined(_WIN32)
