// outcome.cc — names of status classes and native codes, for signatures,
// JSON and reports.

#include "harness/run/outcome.h"

#include <cerrno>
#include <cstdint>
#include <iterator>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"

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

}  // namespace

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
