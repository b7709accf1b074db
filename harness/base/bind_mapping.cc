// bind_mapping.cc — the pure parts of bind_mapping.h: parsing `SRC:DST` and
// choosing the words for a failed BfSetupFilter. No system calls here, so
// both are tested on every platform.

#include "harness/base/bind_mapping.h"

#include <string>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"

namespace openrace {
namespace {

// A colon is allowed inside one half of a Windows spec only as a drive
// letter's: `C:` at the very start.
bool IsPlainHalf(absl::string_view half, BindPathStyle style) {
  for (size_t i = 0; i < half.size(); ++i) {
    if (half[i] != ':') continue;
    const bool drive = style == BindPathStyle::kWindows && i == 1 &&
                       absl::ascii_isalpha(static_cast<unsigned char>(half[0]));
    if (!drive) return false;
  }
  return true;
}

std::string Example(BindPathStyle style) {
  return style == BindPathStyle::kWindows ? "C:\\data:C:\\under-test"
                                          : "/srv/data:/mnt/under-test";
}

}  // namespace

absl::StatusOr<BindSpec> ParseBindSpec(absl::string_view text,
                                       BindPathStyle style) {
  const std::string shape = absl::StrCat(
      "SRC:DST: the directory to show, a colon, and the directory where it "
      "should show (e.g. ",
      Example(style), ")");
  std::vector<BindSpec> splits;
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] != ':') continue;
    // `C:` at the start is SRC's drive, never the separator (so `C:\x`
    // alone is an error, not `C` on `\x`).
    if (style == BindPathStyle::kWindows && i == 1 &&
        absl::ascii_isalpha(static_cast<unsigned char>(text[0]))) {
      continue;
    }
    const absl::string_view source = text.substr(0, i);
    const absl::string_view target = text.substr(i + 1);
    if (source.empty() || target.empty()) continue;
    if (IsPlainHalf(source, style) && IsPlainHalf(target, style)) {
      splits.push_back({std::string(source), std::string(target)});
    }
  }
  // Each half holds at most a drive colon at its start, so at most one
  // split qualifies.
  if (splits.size() == 1) return splits[0];
  return absl::InvalidArgumentError(
      absl::StrCat("--bind '", text, "' is not ", shape,
                   style == BindPathStyle::kPosix
                       ? "; paths with a colon cannot be bound"
                       : ""));
}

std::string ExplainBindFilterFailure(uint32_t hresult,
                                     absl::string_view system_text,
                                     bool in_server_silo,
                                     const BindSpec& spec) {
  const std::string what =
      absl::StrCat("cannot map ", spec.source, " on ", spec.target,
                   " with the bind filter (BfSetupFilter)");
  if (hresult == kHresultAccessDenied && in_server_silo) {
    return absl::StrCat(
        what,
        ": access is denied because this process runs in a server silo (a "
        "process-isolated or HostProcess container), where Windows refuses "
        "new bind mappings even to an administrator; run `openrace bind` "
        "outside the silo instead, for example as a service or scheduled "
        "task on the host, and point --dir at the mapped directory");
  }
  if (hresult == kHresultAccessDenied) {
    return absl::StrCat(
        what,
        ": access is denied; creating a bind mapping needs an administrator "
        "(run openrace from an elevated prompt)");
  }
  return absl::StrCat(what, ": ",
                      system_text.empty() ? "no text for this error"
                                          : system_text,
                      absl::StrFormat(" (HRESULT 0x%08X)", hresult));
}

}  // namespace openrace
