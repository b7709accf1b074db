// emit_c_win32.cc — the c-win32 dialect of the C emitter: the calls of the
// seed bug report (CreateFileW, CreateDirectoryW, GetFileAttributesW,
// DeleteFileW / RemoveDirectoryW, MoveFileExW), with paths spelled as the
// scenario writes them: relative to the current directory, absolute, or
// `\\?\`. Paths and flags come from windows_render.h, as for openrace's
// win32 backend (harness/backend_win32.cc), so the program makes its calls.
// A path anchored on a directory handle has no Win32 form (CreateFileW takes
// no directory handle): such a scenario is refused, as the backend does.

#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "harness/report/internal/c_writer.h"
#include "harness/report/internal/emit_c_windows.h"
#include "harness/report/internal/emit_c_windows_runtime.h"
#include "harness/run/windows_render.h"
#include "harness/run/windows_status.h"

namespace openrace::internal {
namespace {

// The rendered form of `path` with the sandbox placeholder as its root,
// split into the runtime root string it starts with and the rest.
absl::StatusOr<PathText> AbsoluteText(ScenarioMap& map, const std::string& rendered,
                                      absl::string_view prefix,
                                      absl::string_view root_name) {
  if (!absl::StartsWith(rendered, prefix)) {
    return absl::InternalError(
        absl::StrCat("the rendered path lost the sandbox root: ", rendered));
  }
  const size_t index =
      map.AbsoluteIndex(root_name, rendered.substr(prefix.size()));
  return PathText{"", absl::StrFormat("absolute_path[%d]", index), rendered, ""};
}

class Win32Dialect final : public WindowsDialect {
 public:
  absl::string_view language() const override { return "c-win32"; }
  std::string Needs() const override {
    return "needs only the Win32 API (kernel32).";
  }
  std::vector<std::string> Rule() const override {
    return RuleFor("ERROR_INVALID_PARAMETER (87)",
                   {"    TRUNCATE_EXISTING without GENERIC_WRITE"});
  }

  absl::StatusOr<PathText> RenderPath(const Path& path,
                                      ScenarioMap& map) const override {
    switch (path.anchor) {
      case Anchor::kCwd: {
        const std::string relative = RenderWin32Path(path, "");
        return PathText{"", CWideString(relative), relative,
                        "relative to the current directory"};
      }
      case Anchor::kAbsolute:
        return AbsoluteText(map, RenderWin32Path(path, kSandboxRoot),
                            kSandboxRoot, "sandbox");
      case Anchor::kWin32Device:
        return AbsoluteText(map, RenderWin32Path(path, kSandboxRoot),
                            VerbatimRootName(kSandboxRoot), "sandbox_verbatim");
      case Anchor::kHandle:
        return absl::InvalidArgumentError(absl::StrCat(
            "a path anchored on handle '", path.handle,
            "' has no Win32 form: CreateFileW takes no directory handle; emit "
            "it with --lang c-nt"));
      case Anchor::kNtObject:
        break;
    }
    return absl::InvalidArgumentError(
        "an `nt` (\\??\\) path has no Win32 form; use `dev` (\\\\?\\) or emit "
        "it with --lang c-nt");
  }

  std::string FlagsText(const OpenFlags& flags) const override {
    return absl::StrCat(Win32AccessText(flags.access), ", ",
                        Win32ShareText(flags.share), ", ",
                        Win32DispositionText(flags.disposition), ", ",
                        Win32FlagsAndAttributesText(flags));
  }

  absl::StatusOr<std::string> CallCode(const Op& op, const PathText& path,
                                       const PathText* to,
                                       const std::string&) const override {
    switch (op.kind) {
      case OpKind::kOpen:
        return absl::StrCat("CreateFileW(", path.arg, ", ",
                            Win32AccessText(op.flags.access), ", ",
                            Win32ShareText(op.flags.share), ", NULL, ",
                            Win32DispositionText(op.flags.disposition), ", ",
                            Win32FlagsAndAttributesText(op.flags), ", NULL)");
      case OpKind::kMkdir:
        return absl::StrCat("CreateDirectoryW(", path.arg, ", NULL)");
      case OpKind::kStat:
        return absl::StrCat("GetFileAttributesW(", path.arg,
                            ") != INVALID_FILE_ATTRIBUTES");
      case OpKind::kDelete:
        return absl::StrCat(op.flags.options & options::kDirectoryFile
                                ? "RemoveDirectoryW("
                                : "DeleteFileW(",
                            path.arg, ")");
      case OpKind::kRename:
        // Like renameat, an existing target is replaced.
        return absl::StrCat("MoveFileExW(", path.arg, ", ", to->arg,
                            ", MOVEFILE_REPLACE_EXISTING)");
      default:
        return absl::InternalError("not a call");
    }
  }

  bool RefusesFlags(const Op& op) const override {
    // CreateFileW: "TRUNCATE_EXISTING ... must have the GENERIC_WRITE bit".
    return op.kind == OpKind::kOpen &&
           op.flags.disposition == Disposition::kOverwrite &&
           !(op.flags.access & access::kGenericWrite);
  }

  void WriteSetupHelpers(CWriter& w, const RuntimeUse& use) const override {
    if (use.tree || use.shared) w.Raw(kWindowsSetupOpen);
    if (use.tree) w.Raw(kWindowsBuildTree);
  }

  void WriteSharedOpen(CWriter& w, const Handle& handle,
                       const OpenFlags& flags) const override {
    w.Linef("%s = setup_open(%s, %s, %s, %s, %s);", handle.c_name,
            handle.opened_by.arg, Win32AccessText(flags.access),
            Win32ShareText(flags.share),
            Win32DispositionText(flags.disposition),
            Win32FlagsAndAttributesText(flags));
    w.Linef("if (%s == INVALID_HANDLE_VALUE)", handle.c_name);
    w.Indented("return -1;");
  }

  void WriteCall(CWriter& w, const Op& op, const std::string& id,
                 const std::string& code,
                 const std::string& held) const override {
    if (op.kind != OpKind::kOpen) {
      w.Linef("COUNT_CALL(%s, %s);", id, code);
    } else if (held.empty()) {
      w.Linef("COUNT_OPEN(%s, h, %s);", id, code);
      w.Line("close_handle(&h);");
    } else {
      w.Linef("COUNT_OPEN(%s, %s, %s);", id, held, code);
    }
  }

 protected:
  absl::Span<const WindowsCode> Codes() const override {
    return Win32ErrorCodes();
  }
  uint32_t InvalidParameterCode() const override {
    return kWin32ErrorInvalidParameter;
  }
  absl::string_view UnnamedCodeFormat() const override { return "error %lu"; }

  void WriteCallRuntime(CWriter& w, const RuntimeUse& use) const override {
    w.Blank();
    w.BlockComment({
        "COUNT_OPEN(op, handle, call) makes `call`, which returns a HANDLE or",
        "INVALID_HANDLE_VALUE, and COUNT_CALL(op, call) makes `call`, which is",
        "true when it succeeds; both count the outcome in stats[op], by",
        "GetLastError() when it fails. A failed call is made once more, at",
        "once; a retry that succeeds makes the failure \"transient\".",
    });
    if (use.calls.contains(OpKind::kOpen)) {
      w.Raw(R"c(#define COUNT_OPEN(op, handle, call)                                      \
    do {                                                                   \
        (handle) = (call);                                                 \
        if ((handle) != INVALID_HANDLE_VALUE) {                            \
            count_success(&stats[op]);                                     \
        } else {                                                           \
            DWORD first_error = GetLastError();                            \
            (handle) = (call);                                             \
            count_failure(&stats[op], first_error, (handle) != INVALID_HANDLE_VALUE); \
        }                                                                  \
    } while (0)
)c");
    }
    if (use.calls.size() > (use.calls.contains(OpKind::kOpen) ? 1u : 0u)) {
      w.Raw(R"c(#define COUNT_CALL(op, call)                                              \
    do {                                                                   \
        if (call) {                                                        \
            count_success(&stats[op]);                                     \
        } else {                                                           \
            DWORD first_error = GetLastError();                            \
            count_failure(&stats[op], first_error, (call) != 0);           \
        }                                                                  \
    } while (0)
)c");
    }
  }
};

}  // namespace

std::unique_ptr<CDialect> MakeWin32Dialect() {
  return std::make_unique<Win32Dialect>();
}

}  // namespace openrace::internal
