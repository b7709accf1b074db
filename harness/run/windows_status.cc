// windows_status.cc — see windows_status.h.

#include "harness/run/windows_status.h"

namespace openrace {
namespace {

constexpr WindowsCode kNtStatusCodes[] = {
    {0x00000000, "STATUS_SUCCESS", StatusClass::kOk},
    {0xC000000D, "STATUS_INVALID_PARAMETER", StatusClass::kInvalidParameter},
    {0xC0000022, "STATUS_ACCESS_DENIED", StatusClass::kAccessDenied},
    {0xC0000033, "STATUS_OBJECT_NAME_INVALID", StatusClass::kInvalidName},
    {0xC0000034, "STATUS_OBJECT_NAME_NOT_FOUND", StatusClass::kNotFound},
    {0xC0000035, "STATUS_OBJECT_NAME_COLLISION", StatusClass::kExists},
    {0xC000003A, "STATUS_OBJECT_PATH_NOT_FOUND", StatusClass::kPathNotFound},
    {0xC0000043, "STATUS_SHARING_VIOLATION", StatusClass::kSharingViolation},
    {0xC0000056, "STATUS_DELETE_PENDING", StatusClass::kDeletePending},
    {0xC00000BA, "STATUS_FILE_IS_A_DIRECTORY", StatusClass::kIsADirectory},
    {0xC0000101, "STATUS_DIRECTORY_NOT_EMPTY", StatusClass::kNotEmpty},
    {0xC0000103, "STATUS_NOT_A_DIRECTORY", StatusClass::kNotADirectory},
    // CancelSynchronousIo from the watchdog.
    {0xC0000120, "STATUS_CANCELLED", StatusClass::kInterrupted},
};

constexpr WindowsCode kWin32ErrorCodes[] = {
    {0, "ERROR_SUCCESS", StatusClass::kOk},
    {2, "ERROR_FILE_NOT_FOUND", StatusClass::kNotFound},
    {3, "ERROR_PATH_NOT_FOUND", StatusClass::kPathNotFound},
    {5, "ERROR_ACCESS_DENIED", StatusClass::kAccessDenied},
    {32, "ERROR_SHARING_VIOLATION", StatusClass::kSharingViolation},
    {80, "ERROR_FILE_EXISTS", StatusClass::kExists},
    {87, "ERROR_INVALID_PARAMETER", StatusClass::kInvalidParameter},
    {123, "ERROR_INVALID_NAME", StatusClass::kInvalidName},
    {145, "ERROR_DIR_NOT_EMPTY", StatusClass::kNotEmpty},
    {183, "ERROR_ALREADY_EXISTS", StatusClass::kExists},
    {267, "ERROR_DIRECTORY", StatusClass::kNotADirectory},
    {303, "ERROR_DELETE_PENDING", StatusClass::kDeletePending},
    // CancelSynchronousIo from the watchdog.
    {995, "ERROR_OPERATION_ABORTED", StatusClass::kInterrupted},
};

StatusClass Classify(absl::Span<const WindowsCode> codes, uint32_t value) {
  for (const WindowsCode& code : codes) {
    if (code.value == value) return code.status;
  }
  return StatusClass::kOther;
}

}  // namespace

absl::Span<const WindowsCode> NtStatusCodes() { return kNtStatusCodes; }
absl::Span<const WindowsCode> Win32ErrorCodes() { return kWin32ErrorCodes; }

StatusClass ClassifyNtStatus(uint32_t status) {
  return Classify(kNtStatusCodes, status);
}

StatusClass ClassifyWin32Error(uint32_t error) {
  return Classify(kWin32ErrorCodes, error);
}

}  // namespace openrace
