// windows_render.cc — see windows_render.h. Pure: the constants are the
// Windows SDK's values, written out so this file builds everywhere.

#include "harness/run/windows_render.h"

#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"

namespace openrace {
namespace {

struct Bit {
  uint32_t bit;
  const char* name;
};

std::string BitsText(uint32_t value, const std::vector<Bit>& bits,
                     const char* zero) {
  std::vector<std::string> names;
  for (const Bit& b : bits) {
    if (value & b.bit) {
      names.push_back(b.name);
      value &= ~b.bit;
    }
  }
  if (value != 0) names.push_back(absl::StrCat("0x", absl::Hex(value)));
  if (names.empty()) return zero;
  return absl::StrJoin(names, "|");
}

// A drive-letter or UNC root prefixed with `prefix` (`\??\` or `\\?\`).
std::string PrefixedRoot(absl::string_view root, absl::string_view prefix) {
  if (absl::StartsWith(root, "\\\\?\\") || absl::StartsWith(root, "\\??\\")) {
    return absl::StrCat(prefix, root.substr(4));
  }
  if (absl::StartsWith(root, "\\\\")) {
    return absl::StrCat(prefix, "UNC\\", root.substr(2));
  }
  return absl::StrCat(prefix, root);
}

}  // namespace

std::vector<std::string> FoldComponents(const Path& path, int* climb) {
  std::vector<std::string> folded;
  int up = 0;
  for (const std::string& c : path.components) {
    if (c == ".") continue;
    if (c == "..") {
      if (folded.empty()) {
        ++up;
      } else {
        folded.pop_back();
      }
      continue;
    }
    folded.push_back(c);
  }
  if (climb != nullptr) *climb = up;
  return folded;
}

std::string NtRootName(absl::string_view sandbox_root) {
  return PrefixedRoot(sandbox_root, "\\??\\");
}

std::string VerbatimRootName(absl::string_view sandbox_root) {
  return PrefixedRoot(sandbox_root, "\\\\?\\");
}

std::string RenderWin32Path(const Path& path, absl::string_view sandbox_root) {
  const char separator =
      path.separator == SeparatorStyle::kBackslash ? '\\' : '/';
  if (path.anchor == Anchor::kWin32Device) {
    std::string text = VerbatimRootName(sandbox_root);
    for (const std::string& c : FoldComponents(path, nullptr)) {
      absl::StrAppend(&text, "\\", c);
    }
    return text;
  }
  const std::string joiner = path.doubled_separators
                                 ? std::string(2, separator)
                                 : std::string(1, separator);
  std::string relative = absl::StrJoin(path.components, joiner);
  if (path.trailing_separator) relative += separator;
  if (path.anchor == Anchor::kCwd || path.anchor == Anchor::kHandle) {
    return relative;
  }
  return absl::StrCat(sandbox_root, std::string(1, separator), relative);
}

std::string RenderNtName(const Path& path, absl::string_view sandbox_root,
                         int* climb) {
  int up = 0;
  const std::string folded = absl::StrJoin(FoldComponents(path, &up), "\\");
  if (climb != nullptr) *climb = up;
  if (path.anchor == Anchor::kCwd || path.anchor == Anchor::kHandle) {
    return folded;
  }
  std::string text = NtRootName(sandbox_root);
  if (!folded.empty()) absl::StrAppend(&text, "\\", folded);
  return text;
}

uint32_t Win32CreationDisposition(Disposition disposition) {
  switch (disposition) {
    case Disposition::kSupersede:
    case Disposition::kOverwriteIf:
      return 2;  // CREATE_ALWAYS
    case Disposition::kCreate:
      return 1;  // CREATE_NEW
    case Disposition::kOpen:
      return 3;  // OPEN_EXISTING
    case Disposition::kOpenIf:
      return 4;  // OPEN_ALWAYS
    case Disposition::kOverwrite:
      return 5;  // TRUNCATE_EXISTING
  }
  return 3;
}

uint32_t Win32FlagsAndAttributes(const OpenFlags& flags) {
  constexpr uint32_t kBackupSemantics = 0x02000000;  // FILE_FLAG_BACKUP_SEMANTICS
  constexpr uint32_t kOpenReparse = 0x00200000;  // FILE_FLAG_OPEN_REPARSE_POINT
  uint32_t result = flags.attributes;
  if (flags.options & (options::kDirectoryFile | options::kOpenForBackupIntent)) {
    result |= kBackupSemantics;
  }
  if (flags.options & options::kOpenReparsePoint) result |= kOpenReparse;
  return result;
}

std::string Win32AccessText(uint32_t value) {
  return BitsText(value,
                  {{access::kGenericRead, "GENERIC_READ"},
                   {access::kGenericWrite, "GENERIC_WRITE"},
                   {access::kDelete, "DELETE"},
                   {access::kReadAttributes, "FILE_READ_ATTRIBUTES"},
                   {access::kSynchronize, "SYNCHRONIZE"}},
                  "0");
}

std::string Win32ShareText(uint32_t value) {
  return BitsText(value,
                  {{share::kRead, "FILE_SHARE_READ"},
                   {share::kWrite, "FILE_SHARE_WRITE"},
                   {share::kDelete, "FILE_SHARE_DELETE"}},
                  "0");
}

std::string Win32DispositionText(Disposition disposition) {
  switch (Win32CreationDisposition(disposition)) {
    case 1: return "CREATE_NEW";
    case 2: return "CREATE_ALWAYS";
    case 4: return "OPEN_ALWAYS";
    case 5: return "TRUNCATE_EXISTING";
    default: return "OPEN_EXISTING";
  }
}

std::string Win32FlagsAndAttributesText(const OpenFlags& flags) {
  return BitsText(Win32FlagsAndAttributes(flags),
                  {{attributes::kNormal, "FILE_ATTRIBUTE_NORMAL"},
                   {attributes::kReadonly, "FILE_ATTRIBUTE_READONLY"},
                   {attributes::kHidden, "FILE_ATTRIBUTE_HIDDEN"},
                   {0x02000000, "FILE_FLAG_BACKUP_SEMANTICS"},
                   {0x00200000, "FILE_FLAG_OPEN_REPARSE_POINT"}},
                  "0");
}

std::string FileAttributesText(uint32_t value) {
  return BitsText(value,
                  {{attributes::kNormal, "FILE_ATTRIBUTE_NORMAL"},
                   {attributes::kReadonly, "FILE_ATTRIBUTE_READONLY"},
                   {attributes::kHidden, "FILE_ATTRIBUTE_HIDDEN"}},
                  "0");
}

std::string NtDispositionText(Disposition disposition) {
  switch (disposition) {
    case Disposition::kSupersede: return "FILE_SUPERSEDE";
    case Disposition::kOpen: return "FILE_OPEN";
    case Disposition::kCreate: return "FILE_CREATE";
    case Disposition::kOpenIf: return "FILE_OPEN_IF";
    case Disposition::kOverwrite: return "FILE_OVERWRITE";
    case Disposition::kOverwriteIf: return "FILE_OVERWRITE_IF";
  }
  return "FILE_OPEN";
}

std::string NtOptionsText(uint32_t value) {
  return BitsText(value,
                  {{options::kDirectoryFile, "FILE_DIRECTORY_FILE"},
                   {options::kNonDirectoryFile, "FILE_NON_DIRECTORY_FILE"},
                   {options::kOpenForBackupIntent, "FILE_OPEN_FOR_BACKUP_INTENT"},
                   {options::kOpenReparsePoint, "FILE_OPEN_REPARSE_POINT"},
                   {0x00000020, "FILE_SYNCHRONOUS_IO_NONALERT"},
                   {0x00001000, "FILE_DELETE_ON_CLOSE"}},
                  "0");
}

}  // namespace openrace
