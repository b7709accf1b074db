// outcome.cc — names of status classes and native codes, for signatures,
// JSON and reports.

#include "harness/run/outcome.h"

#include <cerrno>
#include <cstdint>
#include <iterator>

#include "absl/strings/cord.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/types/span.h"

namespace openrace {
namespace {

// Indexed by StatusClass; these names are stable: signatures and stats.json
// files written by earlier runs use them.
constexpr absl::string_view kStatusClassNames[] = {
    "ok",
    "not_found",
    "path_not_found",
    "exists",
    "invalid_parameter",
    "invalid_name",
    "access_denied",
    "sharing_violation",
    "delete_pending",
    "not_a_directory",
    "is_a_directory",
    "not_empty",
    "busy",
    "interrupted",
    "hang",
    "other",
};
static_assert(std::size(kStatusClassNames) == kStatusClassCount,
              "one name per StatusClass");

struct ErrnoName {
  int value;
  absl::string_view name;
};

// The errno values a file-open call plausibly returns. Some are POSIX
// extensions that a Windows C runtime may not define, hence the guards.
// One name per line, so that the guards sit between them.
// clang-format off
constexpr ErrnoName kErrnoNames[] = {
    {ENOENT, "ENOENT"},
    {EEXIST, "EEXIST"},
    {EINVAL, "EINVAL"},
    {EACCES, "EACCES"},
    {EPERM, "EPERM"},
    {ENOTDIR, "ENOTDIR"},
    {EISDIR, "EISDIR"},
    {ENOTEMPTY, "ENOTEMPTY"},
    {EBUSY, "EBUSY"},
#ifdef ETXTBSY
    {ETXTBSY, "ETXTBSY"},
#endif
    {EINTR, "EINTR"},
    {ENAMETOOLONG, "ENAMETOOLONG"},
#ifdef ELOOP
    {ELOOP, "ELOOP"},
#endif
    {EMFILE, "EMFILE"},
    {ENFILE, "ENFILE"},
    {ENOSPC, "ENOSPC"},
#ifdef EDQUOT
    {EDQUOT, "EDQUOT"},
#endif
    {ENOMEM, "ENOMEM"},
    {EROFS, "EROFS"},
    {EXDEV, "EXDEV"},
    {EIO, "EIO"},
#ifdef ESTALE
    {ESTALE, "ESTALE"},
#endif
    {ENXIO, "ENXIO"},
    {EAGAIN, "EAGAIN"},
};
// clang-format on

std::string ErrnoText(int64_t value) {
  for (const ErrnoName& entry : kErrnoNames) {
    if (entry.value == value) return std::string(entry.name);
  }
  return absl::StrCat("errno ", value);
}

std::string NativeText(const Outcome& outcome) {
  switch (outcome.native_kind) {
    case NativeKind::kErrno:
      return ErrnoText(outcome.native);
    case NativeKind::kNtStatus:
      // NTSTATUS values are conventionally written as 32-bit hex.
      return absl::StrFormat("0x%08X", static_cast<uint32_t>(outcome.native));
    case NativeKind::kWin32Error:
      return absl::StrCat(outcome.native);
  }
  return absl::StrCat(outcome.native);
}

// The environment's codes (outcome.h), with their names. The Windows values
// are the SDK's (ntstatus.h, winerror.h), written out.
struct EnvironmentCode {
  int64_t value;
  const char* name;
  EnvironmentCause cause;
};

// clang-format off
constexpr EnvironmentCode kEnvironmentErrnos[] = {
    {ENOSPC, "ENOSPC", EnvironmentCause::kNoSpace},
#ifdef EDQUOT
    {EDQUOT, "EDQUOT", EnvironmentCause::kQuota},
#endif
    {EMFILE, "EMFILE", EnvironmentCause::kProcessFiles},
    {ENFILE, "ENFILE", EnvironmentCause::kSystemFiles},
    {ENOMEM, "ENOMEM", EnvironmentCause::kMemory},
};
// clang-format on

constexpr EnvironmentCode kEnvironmentNtStatuses[] = {
    {0xC000007F, "STATUS_DISK_FULL", EnvironmentCause::kNoSpace},
    {0xC0000802, "STATUS_DISK_QUOTA_EXCEEDED", EnvironmentCause::kQuota},
    {0xC0000044, "STATUS_QUOTA_EXCEEDED", EnvironmentCause::kQuota},
    {0xC000011F, "STATUS_TOO_MANY_OPENED_FILES", EnvironmentCause::kProcessFiles},
    {0xC0000017, "STATUS_NO_MEMORY", EnvironmentCause::kMemory},
    {0xC000009A, "STATUS_INSUFFICIENT_RESOURCES", EnvironmentCause::kMemory},
    {0xC000012D, "STATUS_COMMITMENT_LIMIT", EnvironmentCause::kMemory},
};

constexpr EnvironmentCode kEnvironmentWin32Errors[] = {
    {112, "ERROR_DISK_FULL", EnvironmentCause::kNoSpace},
    {39, "ERROR_HANDLE_DISK_FULL", EnvironmentCause::kNoSpace},
    {1295, "ERROR_DISK_QUOTA_EXCEEDED", EnvironmentCause::kQuota},
    {1816, "ERROR_NOT_ENOUGH_QUOTA", EnvironmentCause::kQuota},
    {4, "ERROR_TOO_MANY_OPEN_FILES", EnvironmentCause::kProcessFiles},
    {8, "ERROR_NOT_ENOUGH_MEMORY", EnvironmentCause::kMemory},
    {14, "ERROR_OUTOFMEMORY", EnvironmentCause::kMemory},
    {1450, "ERROR_NO_SYSTEM_RESOURCES", EnvironmentCause::kMemory},
    {1451, "ERROR_NONPAGED_SYSTEM_RESOURCES", EnvironmentCause::kMemory},
    {1452, "ERROR_PAGED_SYSTEM_RESOURCES", EnvironmentCause::kMemory},
    {1455, "ERROR_COMMITMENT_LIMIT", EnvironmentCause::kMemory},
};

const EnvironmentCode* FindEnvironmentCode(const Outcome& outcome) {
  if (outcome.ok() || outcome.native == 0) return nullptr;
  absl::Span<const EnvironmentCode> codes;
  int64_t value = outcome.native;
  switch (outcome.native_kind) {
    case NativeKind::kErrno:
      codes = kEnvironmentErrnos;
      break;
    case NativeKind::kNtStatus:
      codes = kEnvironmentNtStatuses;
      value = static_cast<uint32_t>(outcome.native);  // however it was stored
      break;
    case NativeKind::kWin32Error:
      codes = kEnvironmentWin32Errors;
      break;
  }
  for (const EnvironmentCode& code : codes) {
    if (code.value == value) return &code;
  }
  return nullptr;
}

constexpr absl::string_view kEnvironmentPayload = "openrace/environment";

}  // namespace

EnvironmentCause EnvironmentCauseOf(const Outcome& outcome) {
  const EnvironmentCode* code = FindEnvironmentCode(outcome);
  return code ? code->cause : EnvironmentCause::kNone;
}

EnvironmentCause EnvironmentCauseOfErrno(int error) {
  return EnvironmentCauseOf(Outcome{StatusClass::kOther, error, NativeKind::kErrno});
}

absl::string_view EnvironmentCauseText(EnvironmentCause cause) {
  switch (cause) {
    case EnvironmentCause::kNone:
      return "no environment error";
    case EnvironmentCause::kNoSpace:
      return "the file system under test is full";
    case EnvironmentCause::kQuota:
      return "the disk quota on the file system under test is exhausted";
    case EnvironmentCause::kProcessFiles:
      return "openrace is out of file descriptors";
    case EnvironmentCause::kSystemFiles:
      return "the system is out of file descriptors";
    case EnvironmentCause::kMemory:
      return "the system is out of memory";
  }
  return "an unusable environment";
}

std::string NativeCodeName(const Outcome& outcome) {
  if (const EnvironmentCode* code = FindEnvironmentCode(outcome)) return code->name;
  return NativeText(outcome);
}

absl::Status EnvironmentError(absl::string_view message) {
  absl::Status status = absl::ResourceExhaustedError(message);
  status.SetPayload(kEnvironmentPayload, absl::Cord("1"));
  return status;
}

bool IsEnvironmentError(const absl::Status& status) {
  return status.GetPayload(kEnvironmentPayload).has_value();
}

absl::Status EnvironmentErrorFor(const Outcome& outcome, absl::string_view what) {
  return EnvironmentError(absl::StrCat(EnvironmentCauseText(EnvironmentCauseOf(outcome)),
                                       " (", NativeCodeName(outcome), " on ",
                                       what, ")"));
}

absl::string_view StatusClassName(StatusClass status) {
  const auto index = static_cast<size_t>(status);
  if (index >= std::size(kStatusClassNames)) return "invalid";
  return kStatusClassNames[index];
}

absl::optional<StatusClass> ParseStatusClass(absl::string_view name) {
  for (size_t i = 0; i < std::size(kStatusClassNames); ++i) {
    if (kStatusClassNames[i] == name) return static_cast<StatusClass>(i);
  }
  return absl::nullopt;
}

std::string OutcomeName(const Outcome& outcome) {
  // A zero native code means there is nothing more to say: success, or a
  // class the harness decided itself (a watchdog hang).
  if (outcome.native == 0) return std::string(StatusClassName(outcome.status));
  return absl::StrCat(StatusClassName(outcome.status), "(", NativeText(outcome),
                      ")");
}

std::string OutcomeHistogramKey(const Outcome& outcome) {
  if (outcome.ok()) return "ok";
  if (outcome.native == 0) return std::string(StatusClassName(outcome.status));
  return NativeText(outcome);
}

void OutcomeHistogram::Add(const Outcome& outcome, uint64_t count) {
  for (auto& [seen, n] : entries_) {
    if (seen == outcome) {
      n += count;
      return;
    }
  }
  entries_.emplace_back(outcome, count);
}

void OutcomeHistogram::Merge(const OutcomeHistogram& other) {
  for (const auto& [outcome, n] : other.entries_) Add(outcome, n);
}

uint64_t OutcomeHistogram::Total() const {
  uint64_t total = 0;
  for (const auto& entry : entries_) total += entry.second;
  return total;
}

std::map<std::string, uint64_t> OutcomeHistogram::ByKey() const {
  std::map<std::string, uint64_t> by_key;
  for (const auto& [outcome, n] : entries_) by_key[OutcomeHistogramKey(outcome)] += n;
  return by_key;
}

}  // namespace openrace
