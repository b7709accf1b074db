// posix_render.cc — Scenario paths and NT-level flags as POSIX call
// arguments. Pure: the C emitter and the POSIX backend both call it.
//
// It also compiles for Windows (the C emitter runs there too), where mingw
// lacks O_DIRECTORY, O_NOFOLLOW and O_CLOEXEC: those bits are 0 in the
// returned int, but the text always names them, because the text is for a
// reproducer that is compiled on POSIX.

#include "harness/run/posix_render.h"

#include <fcntl.h>

#include <string>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"

namespace openrace {
namespace {

#if defined(O_DIRECTORY)
constexpr int kODirectory = O_DIRECTORY;
#else
constexpr int kODirectory = 0;
#endif
#if defined(O_NOFOLLOW)
constexpr int kONofollow = O_NOFOLLOW;
#else
constexpr int kONofollow = 0;
#endif
#if defined(O_CLOEXEC)
constexpr int kOCloexec = O_CLOEXEC;
#else
constexpr int kOCloexec = 0;
#endif

struct FlagBit {
  int bit;
  const char* name;
};

// Appends the open(2) flags for `flags`, in the order the text shows them,
// to `out` (at most 7 entries). One function decides both the bits and the
// text so the two can never disagree.
int CollectFlags(const OpenFlags& flags, FlagBit* out) {
  bool create = false, exclusive = false, truncate = false;
  switch (flags.disposition) {
    case Disposition::kOpen:
      break;
    case Disposition::kCreate:
      create = exclusive = true;
      break;
    case Disposition::kOpenIf:
      create = true;
      break;
    case Disposition::kOverwrite:
      truncate = true;
      break;
    case Disposition::kOverwriteIf:
    case Disposition::kSupersede:
      create = truncate = true;
      break;
  }
  const bool read = (flags.access & access::kGenericRead) != 0;
  // POSIX refuses O_TRUNC on a read-only descriptor, so a truncating open
  // always gets write access.
  const bool write = (flags.access & access::kGenericWrite) != 0 || truncate;

  int n = 0;
  if (read && write) {
    out[n++] = {O_RDWR, "O_RDWR"};
  } else if (write) {
    out[n++] = {O_WRONLY, "O_WRONLY"};
  } else {
    out[n++] = {O_RDONLY, "O_RDONLY"};
  }
  if (create) out[n++] = {O_CREAT, "O_CREAT"};
  if (exclusive) out[n++] = {O_EXCL, "O_EXCL"};
  if (truncate) out[n++] = {O_TRUNC, "O_TRUNC"};
  if (flags.options & options::kDirectoryFile) {
    out[n++] = {kODirectory, "O_DIRECTORY"};
  }
  if (flags.options & options::kOpenReparsePoint) {
    out[n++] = {kONofollow, "O_NOFOLLOW"};
  }
  out[n++] = {kOCloexec, "O_CLOEXEC"};
  return n;
}

constexpr int kMaxFlagBits = 7;

}  // namespace

std::string RenderPosixPath(const Path& path, absl::string_view sandbox_root) {
  // POSIX has one separator, so a backslash-style path is spelled with '/'.
  std::string relative =
      absl::StrJoin(path.components, path.doubled_separators ? "//" : "/");
  if (path.trailing_separator) relative += '/';
  switch (path.anchor) {
    case Anchor::kCwd:
    case Anchor::kHandle:
      return relative;
    case Anchor::kAbsolute:
    case Anchor::kWin32Device:
    case Anchor::kNtObject:
      break;
  }
  return absl::StrCat(sandbox_root, "/", relative);
}

int PosixOpenFlags(const OpenFlags& flags) {
  FlagBit bits[kMaxFlagBits];
  const int n = CollectFlags(flags, bits);
  int result = 0;
  for (int i = 0; i < n; ++i) result |= bits[i].bit;
  return result;
}

std::string PosixOpenFlagsText(const OpenFlags& flags) {
  FlagBit bits[kMaxFlagBits];
  const int n = CollectFlags(flags, bits);
  std::string text;
  for (int i = 0; i < n; ++i) {
    if (i > 0) text += '|';
    text += bits[i].name;
  }
  return text;
}

}  // namespace openrace
