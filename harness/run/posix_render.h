// posix_render.h — how a Scenario's paths and NT-level flags become POSIX
// call arguments. Pure functions, shared by the POSIX backend (which makes
// the calls) and the C emitter (which writes them into a reproducer), so
// both always spell a call the same way.
//
// Flag mapping (the foundation issue's contract):
//   disposition  open -> none, create -> O_CREAT|O_EXCL, open_if -> O_CREAT,
//                overwrite -> O_TRUNC, overwrite_if and supersede ->
//                O_CREAT|O_TRUNC
//   options      directory -> O_DIRECTORY, open_reparse_point -> O_NOFOLLOW
//                (non_directory and backup have no POSIX equivalent)
//   access       read -> O_RDONLY, write -> O_WRONLY, both -> O_RDWR; delete,
//                read_attributes and synchronize alone -> O_RDONLY (a
//                truncating open always gets write access, since POSIX
//                refuses O_TRUNC on a read-only descriptor)
//   always       O_CLOEXEC
// POSIX has one separator: a backslash-style path is rendered with '/', a
// doubled path with "//", a trailing separator as a trailing '/'.

#ifndef OPENRACE_HARNESS_RUN_POSIX_RENDER_H_
#define OPENRACE_HARNESS_RUN_POSIX_RENDER_H_

#include <string>

#include "absl/strings/string_view.h"
#include "harness/scenario/scenario.h"

namespace openrace {

// The path string passed to the *at call: relative for kCwd and kHandle
// (the dirfd is AT_FDCWD or the handle), `sandbox_root` + "/" + relative for
// kAbsolute. kWin32Device and kNtObject are rendered like kAbsolute; the
// POSIX backend refuses them before calling this.
std::string RenderPosixPath(const Path& path, absl::string_view sandbox_root);

// The open(2) flags for `flags`, as a bit set and as C source text
// ("O_RDWR|O_CREAT|O_EXCL|O_CLOEXEC").
int PosixOpenFlags(const OpenFlags& flags);
std::string PosixOpenFlagsText(const OpenFlags& flags);

// The mode for created files and directories.
inline constexpr int kPosixCreateMode = 0644;
inline constexpr int kPosixMkdirMode = 0755;

}  // namespace openrace

#endif  // OPENRACE_HARNESS_RUN_POSIX_RENDER_H_
