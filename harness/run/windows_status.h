// windows_status.h — the Windows status codes openrace knows by name: the
// NTSTATUS values NtCreateFile and NtSetInformationFile answer, and the
// Win32 errors (GetLastError) their Win32 wrappers turn them into, each with
// its portable StatusClass.
//
// One table for everyone who needs the codes: the nt and win32 backends
// classify outcomes with it, and the C emitter prints it into the Windows
// reproducers so that they name each failure as openrace does. Platform-
// neutral (no <windows.h>): the values are the Windows SDK's, written out.

#ifndef OPENRACE_HARNESS_RUN_WINDOWS_STATUS_H_
#define OPENRACE_HARNESS_RUN_WINDOWS_STATUS_H_

#include <cstdint>

#include "absl/types/span.h"
#include "harness/run/outcome.h"

namespace openrace {

struct WindowsCode {
  uint32_t value;    // the NTSTATUS (as unsigned) or the Win32 error
  const char* name;  // the SDK's name: "STATUS_INVALID_PARAMETER"
  StatusClass status;
};

// ntstatus.h values, STATUS_SUCCESS first.
absl::Span<const WindowsCode> NtStatusCodes();
// winerror.h values, ERROR_SUCCESS first.
absl::Span<const WindowsCode> Win32ErrorCodes();

// The class of a code; kOther for one not in the table.
StatusClass ClassifyNtStatus(uint32_t status);
StatusClass ClassifyWin32Error(uint32_t error);

// The invalid-parameter codes of the seed bug.
inline constexpr uint32_t kNtStatusInvalidParameter = 0xC000000D;
inline constexpr uint32_t kWin32ErrorInvalidParameter = 87;

}  // namespace openrace

#endif  // OPENRACE_HARNESS_RUN_WINDOWS_STATUS_H_
