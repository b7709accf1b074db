// windows_render.h — how a Scenario's paths and NT-level flags become the
// arguments of the Windows calls. Pure functions with no <windows.h>, so
// they compile and are tested on every platform; the win32 and nt backends
// make the calls with them (and a C emitter for Windows can print them).
//
// Paths (the sandbox root is absolute with backslashes: `C:\work\openrace-1-ab`
// or `\\server\share\...`):
//   win32, cwd   the components joined by the path's separator (`/` or `\`),
//                doubled and trailing as written, `.` and `..` as written:
//                Win32 (RtlDosPathNameToNtPathName) normalizes all of them,
//                which is exactly what the spelling variations exercise;
//   win32, abs   root + separator + the same text;
//   win32, dev   `\\?\` + root + `\` + the folded components: `\\?\` turns
//                Win32 normalization off, so a literal `..`, `/` or doubled
//                separator would name another (invalid) entry;
//   nt           NT names take no `.`, `..` or `/`: the components are folded
//                lexically and joined by `\`, no doubled or trailing
//                separator. cwd and handle paths are relative to the
//                RootDirectory handle; abs and nt paths are `\??\` + root +
//                `\` + folded. The spelling variations are a win32-backend
//                concern; the nt backend tests RootDirectory and the flags.
// Handle-anchored paths have no Win32 form (CreateFileW takes no directory
// handle); `\??\` paths are nt-only and `\\?\` paths win32-only.

#ifndef OPENRACE_HARNESS_RUN_WINDOWS_RENDER_H_
#define OPENRACE_HARNESS_RUN_WINDOWS_RENDER_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "harness/scenario/scenario.h"

namespace openrace {

// `path`'s components with `.` and `..` folded. `*climb` receives how many
// `..` went above the anchor (only a handle-anchored path can have any).
std::vector<std::string> FoldComponents(const Path& path, int* climb);

// The sandbox root prefixed for the NT namespace (`\??\C:\x`,
// `\??\UNC\server\share\x`) or for Win32 verbatim paths (`\\?\C:\x`,
// `\\?\UNC\server\share\x`).
std::string NtRootName(absl::string_view sandbox_root);
std::string VerbatimRootName(absl::string_view sandbox_root);

// The lpFileName for the win32 backend (kCwd, kAbsolute, kWin32Device).
std::string RenderWin32Path(const Path& path, absl::string_view sandbox_root);

// The ObjectName for the nt backend: relative and folded for kCwd and
// kHandle (`*climb` as FoldComponents; "" names the root handle itself),
// `\??\` + root + folded for kAbsolute and kNtObject.
std::string RenderNtName(const Path& path, absl::string_view sandbox_root,
                         int* climb);

// CreateFileW's dwCreationDisposition: supersede and overwrite_if ->
// CREATE_ALWAYS (2), create -> CREATE_NEW (1), open -> OPEN_EXISTING (3),
// open_if -> OPEN_ALWAYS (4), overwrite -> TRUNCATE_EXISTING (5).
uint32_t Win32CreationDisposition(Disposition disposition);
// CreateFileW's dwFlagsAndAttributes: the attributes as they are, directory
// and backup -> FILE_FLAG_BACKUP_SEMANTICS (needed to open a directory),
// open_reparse_point -> FILE_FLAG_OPEN_REPARSE_POINT; non_directory has no
// Win32 equivalent.
uint32_t Win32FlagsAndAttributes(const OpenFlags& flags);

// C source text of the constants: "GENERIC_READ|GENERIC_WRITE",
// "FILE_SHARE_READ", "OPEN_EXISTING", "FILE_ATTRIBUTE_NORMAL|FILE_FLAG_...".
std::string Win32AccessText(uint32_t access);
std::string Win32ShareText(uint32_t share);
std::string Win32DispositionText(Disposition disposition);
std::string Win32FlagsAndAttributesText(const OpenFlags& flags);
// NtCreateFile's FileAttributes: "FILE_ATTRIBUTE_READONLY|FILE_ATTRIBUTE_NORMAL".
std::string FileAttributesText(uint32_t attributes);
// NtCreateFile's: "FILE_OPEN", "FILE_DIRECTORY_FILE|...".
std::string NtDispositionText(Disposition disposition);
std::string NtOptionsText(uint32_t options);

}  // namespace openrace

#endif  // OPENRACE_HARNESS_RUN_WINDOWS_RENDER_H_
