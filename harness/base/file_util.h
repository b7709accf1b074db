// file_util.h — reading inputs and writing outputs so that a killed run
// never leaves a half-written file: every output is written to a temporary
// name beside its destination, flushed to disk, and renamed over it.

#ifndef OPENRACE_HARNESS_BASE_FILE_UTIL_H_
#define OPENRACE_HARNESS_BASE_FILE_UTIL_H_

#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace openrace {

// The whole file; NotFound / PermissionDenied with the path and the reason.
absl::StatusOr<std::string> ReadFile(const std::string& path);

// Writes `path.tmp-<pid>`, syncs it, renames it to `path`, and syncs the
// directory, so `path` is either the old file or the whole new one.
absl::Status WriteFileAtomically(const std::string& path,
                                 absl::string_view contents);

// Creates `path` holding `contents` only if it does not exist yet (O_EXCL /
// CREATE_NEW), so of several processes racing for it exactly one wins: true
// for the winner, false when the file was already there.
absl::StatusOr<bool> CreateExclusively(const std::string& path,
                                       absl::string_view contents);

// `path` made absolute against the current directory (no symlink
// resolution), so it stays valid after the sandbox becomes current.
std::string AbsolutePath(const std::string& path);

// Makes `path` and its missing parents; OK when it already is a directory.
absl::Status MakeDirectories(const std::string& path);

// True when `path` itself is a symbolic link (the link is not followed).
bool IsSymbolicLink(const std::string& path);

// FailedPrecondition when `dir` or an entry in it is a symbolic link. The
// readers of finding directories (report, merge, corpus add) call it first,
// so that a crafted directory cannot make them read, copy or overwrite a
// file elsewhere.
absl::Status RefuseSymbolicLinks(const std::string& dir);

}  // namespace openrace

#endif  // OPENRACE_HARNESS_BASE_FILE_UTIL_H_
