// emit_c.h — a Scenario as a standalone C reproducer, for a bug report.
//
// EmitC writes one C file that depends only on the platform and replays the
// scenario the way openrace's executor does: one thread per scenario
// thread, all released together each round by a spin barrier, meeting at the
// scenario's barriers, sliding calls by their spin offsets, holding handles
// until their `close` (or the round's end), rebuilding the tree between
// rounds when the scenario changes it. Every failed call is retried once at
// once. At the end the program prints, per call, its outcomes by native code
// and how many failures a retry cured, then a verdict line.
//
// Three languages, each making exactly the calls of one backend (the paths
// and flags come from the backend's own rendering functions):
//   c-posix  libc's *at calls and pthreads (posix_render.h);
//   c-win32  CreateFileW, CreateDirectoryW, GetFileAttributesW,
//            DeleteFileW / RemoveDirectoryW, MoveFileExW and Win32 threads
//            (windows_render.h); a handle-anchored path has no Win32 form;
//   c-nt     NtCreateFile with RootDirectory (+ NtSetInformationFile),
//            looked up in ntdll at run time (windows_render.h); a `dev`
//            (\\?\) path has no NT form.
//
// The generated program:
//   ./repro DIR [ROUNDS]        (repro.exe on Windows)
// makes DIR/repro-XXXXXX, works only inside it and removes it at the end.
// It prints "REPRODUCED: N unexpected failures in R rounds (rate x%)" and
// exits 1, or prints "not reproduced in R rounds" and exits 0; it exits 2 on
// bad usage or when its setup fails. A failure is "unexpected" by a
// deliberately simple rule, stated in the program's opening comment:
//   - the API's invalid-parameter code (EINVAL, ERROR_INVALID_PARAMETER,
//     STATUS_INVALID_PARAMETER), except where the API itself answers so
//     (removing or renaming "." or "..", renaming a directory into itself,
//     and flag combinations each API refuses), or
//   - any failure of a call that must succeed: the scenario does not change
//     the tree, and the call opens (POSIX only: on Windows another handle
//     may refuse to share) or stats an entry of the tree in a form the API
//     accepts.
// With EmitOptions::focus, only that operation's unexpected failures count.
//
// The text depends only on the scenario and the options: the same input
// gives byte-identical C.
//
// Example:
//   ASSIGN_OR_RETURN(EmitLanguage lang, ParseEmitLanguage("c-posix"));
//   EmitOptions options;
//   options.title = "openat of a held file fails with EINVAL when relative";
//   options.signature = finding.signature;
//   options.focus = OpRef{1, 1};
//   ASSIGN_OR_RETURN(std::string c, EmitC(minimized, lang, options));

#ifndef OPENRACE_HARNESS_REPORT_EMIT_C_H_
#define OPENRACE_HARNESS_REPORT_EMIT_C_H_

#include <cstddef>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/types/optional.h"
#include "harness/scenario/scenario.h"

namespace openrace {

enum class EmitLanguage { kPosix, kWin32, kNt };

// "c-posix", "c-win32" or "c-nt"; InvalidArgument for anything else.
absl::StatusOr<EmitLanguage> ParseEmitLanguage(absl::string_view name);

struct EmitOptions {
  // One line saying what the finding is, e.g. "openat of a held file fails
  // with EINVAL when relative". Empty: a generic title.
  std::string title;
  // The finding's signature, quoted in the opening comment when not empty.
  std::string signature;
  // The failing operation whose unexpected failures decide the verdict.
  // Unset: an unexpected failure of any call counts.
  absl::optional<OpRef> focus;
  // Also count the rounds whose answers and end state no order of their
  // calls gives (RoundEnds, judge/round_ends.h): what a wrong success or a
  // lost update shows, and the simple rule cannot. c-posix only; where the
  // model cannot enumerate the scenario's orders, the opening comment says
  // the check is left out.
  bool check_orders = false;
};

// The C program for `scenario`. InvalidArgument when ValidateScenario
// refuses it (a reproducer must be as confined as a run), the scenario
// makes no calls, a path uses an anchor
// the language cannot express (`\\?\` or `\??\` in POSIX, a handle or `\??\` in
// Win32, `\\?\` in NT), or `focus` does not name a call (an open, mkdir,
// stat, delete or rename).
absl::StatusOr<std::string> EmitC(const Scenario& scenario,
                                  EmitLanguage lang,
                                  const EmitOptions& options);

}  // namespace openrace

#endif  // OPENRACE_HARNESS_REPORT_EMIT_C_H_
