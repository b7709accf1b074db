// outcome.h — what one file-system call answered.
//
// Every backend records the native code (errno on POSIX, NTSTATUS for the nt
// backend, GetLastError for win32) and maps it to a portable StatusClass, so
// the oracle, the minimizer and the reports can compare outcomes across
// platforms while the report still shows the exact native value.

#ifndef OPENRACE_HARNESS_RUN_OUTCOME_H_
#define OPENRACE_HARNESS_RUN_OUTCOME_H_

#include <cstdint>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "absl/types/optional.h"

namespace openrace {

enum class StatusClass : uint8_t {
  kOk,
  kNotFound,           // ENOENT, STATUS_OBJECT_NAME_NOT_FOUND, ERROR_FILE_NOT_FOUND
  kPathNotFound,       // STATUS_OBJECT_PATH_NOT_FOUND (POSIX folds into kNotFound)
  kExists,             // EEXIST, STATUS_OBJECT_NAME_COLLISION
  kInvalidParameter,   // EINVAL, STATUS_INVALID_PARAMETER, ERROR_INVALID_PARAMETER
  kInvalidName,        // ENAMETOOLONG, STATUS_OBJECT_NAME_INVALID
  kAccessDenied,       // EACCES, EPERM, STATUS_ACCESS_DENIED
  kSharingViolation,   // STATUS_SHARING_VIOLATION
  kDeletePending,      // STATUS_DELETE_PENDING
  kNotADirectory,      // ENOTDIR, STATUS_NOT_A_DIRECTORY
  kIsADirectory,       // EISDIR, STATUS_FILE_IS_A_DIRECTORY
  kNotEmpty,           // ENOTEMPTY, STATUS_DIRECTORY_NOT_EMPTY
  kBusy,               // EBUSY, ETXTBSY
  kInterrupted,        // EINTR (the watchdog interrupted the call)
  kHang,               // the watchdog fired; the call did not return in time
  kOther,
};

inline constexpr int kStatusClassCount = static_cast<int>(StatusClass::kOther) + 1;

// Stable lowercase names ("ok", "not_found", "invalid_parameter"...), used in
// signatures, JSON and reports.
absl::string_view StatusClassName(StatusClass status);
absl::optional<StatusClass> ParseStatusClass(absl::string_view name);

// Which table `Outcome::native` comes from.
enum class NativeKind : uint8_t { kErrno, kNtStatus, kWin32Error };

struct Outcome {
  StatusClass status = StatusClass::kOk;
  int64_t native = 0;  // errno, NTSTATUS or Win32 error; 0 for success
  NativeKind native_kind = NativeKind::kErrno;

  bool ok() const { return status == StatusClass::kOk; }
  friend bool operator==(const Outcome&, const Outcome&) = default;
};

// "ok", "not_found(ENOENT)", "invalid_parameter(0xC000000D)",
// "invalid_parameter(87)".
std::string OutcomeName(const Outcome& outcome);

// The key of an outcome in summary.json's `statuses`: "ok", the native code
// as the platform spells it ("ENOENT", "0xC0000034", "87"), or the class
// name when there is no native code ("hang").
std::string OutcomeHistogramKey(const Outcome& outcome);

// Environment statuses: the machine said no, not the file system under
// test — no space (ENOSPC, EDQUOT; STATUS_DISK_FULL, ERROR_DISK_FULL...),
// no descriptors (EMFILE, ENFILE; STATUS_TOO_MANY_OPENED_FILES,
// ERROR_TOO_MANY_OPEN_FILES), no memory or kernel resources (ENOMEM;
// STATUS_INSUFFICIENT_RESOURCES, ERROR_NOT_ENOUGH_MEMORY...). They are
// never findings: the executor stops a run at the first one, before the
// round reaches the oracle, with an EnvironmentError that names the cause
// and the call, and the command exits 2 with that line, keeping every
// finding already written.
enum class EnvironmentCause : uint8_t {
  kNone,
  kNoSpace,        // the file system under test is full
  kQuota,          // a disk quota is exhausted
  kProcessFiles,   // this process is out of descriptors (EMFILE)
  kSystemFiles,    // the system is out of descriptors (ENFILE)
  kMemory,         // the system is out of memory or kernel resources
};
EnvironmentCause EnvironmentCauseOf(const Outcome& outcome);
inline bool IsEnvironmentStatus(const Outcome& outcome) {
  return EnvironmentCauseOf(outcome) != EnvironmentCause::kNone;
}
// The same for an errno that a harness call (not a scenario's) got, such
// as building the tree.
EnvironmentCause EnvironmentCauseOfErrno(int error);
// "the file system under test is full", ...
absl::string_view EnvironmentCauseText(EnvironmentCause cause);
// The native code's name: "ENOSPC", "STATUS_DISK_FULL", "ERROR_DISK_FULL";
// the number when it has none.
std::string NativeCodeName(const Outcome& outcome);

// An error that stops a run because of its environment (the message says
// which and where: "the file system under test is full (ENOSPC on open
// cwd:a)"). IsEnvironmentError tells it from other errors, so the stages
// that skip a failed candidate (the minimizer) or log one and go on (the
// bisector) pass it up instead.
absl::Status EnvironmentError(absl::string_view message);
bool IsEnvironmentError(const absl::Status& status);
// EnvironmentError("<cause> (<code> on <what>)").
absl::Status EnvironmentErrorFor(const Outcome& outcome, absl::string_view what);

// How often each outcome was seen. A campaign sees a handful of distinct
// outcomes, so a vector searched linearly is cheaper on the executor's hot
// path than a map; names are made only when the histogram is printed.
class OutcomeHistogram {
 public:
  void Add(const Outcome& outcome, uint64_t count = 1);
  void Merge(const OutcomeHistogram& other);
  uint64_t Total() const;
  // Counts by OutcomeHistogramKey (outcomes with the same key summed).
  std::map<std::string, uint64_t> ByKey() const;
  const std::vector<std::pair<Outcome, uint64_t>>& entries() const {
    return entries_;
  }

 private:
  std::vector<std::pair<Outcome, uint64_t>> entries_;
};

}  // namespace openrace

#endif  // OPENRACE_HARNESS_RUN_OUTCOME_H_
