// emit_c_nt.cc — the c-nt dialect of the C emitter: NtCreateFile with
// OBJECT_ATTRIBUTES.RootDirectory, the call underneath every Win32 open,
// made the way openrace's nt backend (harness/backend_nt.cc) makes it:
//   cwd      RootDirectory = a handle to the current directory, opened once;
//   handle   RootDirectory = the anchor handle; NT names have no `..`, so a
//            path that climbs above its anchor is opened by its absolute
//            `\??\` name (the backend takes the anchor's own path at call
//            time; here the scenario's tree gives it);
//   abs, nt  RootDirectory = NULL and a `\??\` name.
// Components are folded and the flags pass through unchanged
// (windows_render.h); mkdir, stat, delete and rename are the backend's
// NtCreateFile (+ NtSetInformationFile) sequences.

#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "harness/report/internal/c_writer.h"
#include "harness/report/internal/emit_c_windows.h"
#include "harness/report/internal/emit_c_windows_runtime.h"
#include "harness/run/windows_render.h"
#include "harness/run/windows_status.h"

namespace openrace::internal {
namespace {

class NtDialect final : public WindowsDialect {
 public:
  absl::string_view language() const override { return "c-nt"; }
  std::string Needs() const override {
    return "needs only Win32 and ntdll (looked up at run time).";
  }
  std::vector<std::string> Rule() const override {
    return RuleFor("STATUS_INVALID_PARAMETER (0xC000000D)",
                   {"    FILE_DIRECTORY_FILE with FILE_NON_DIRECTORY_FILE or with a",
                    "    disposition other than FILE_OPEN, FILE_CREATE or FILE_OPEN_IF"});
  }

  absl::StatusOr<PathText> RenderPath(const Path& path,
                                      ScenarioMap& map) const override {
    int climb = 0;
    switch (path.anchor) {
      case Anchor::kCwd: {
        const std::string name = RenderNtName(path, "", &climb);
        return PathText{"cwd_handle", CWideString(name), name,
                        "relative to the current directory's handle"};
      }
      case Anchor::kHandle: {
        absl::StatusOr<const Handle*> handle = map.FindHandle(path.handle);
        if (!handle.ok()) return handle.status();
        const std::string name = RenderNtName(path, "", &climb);
        if (climb == 0) {
          return PathText{(*handle)->c_name, CWideString(name), name,
                          absl::StrCat("relative to ", (*handle)->c_name)};
        }
        // Where the path leads, lexically, from the sandbox root.
        const std::vector<std::string> components =
            map.Follow(path).components;
        std::string suffix;
        for (const std::string& c : components) absl::StrAppend(&suffix, "\\", c);
        const size_t index = map.AbsoluteIndex("sandbox_nt", suffix);
        return PathText{
            "NULL", absl::StrFormat("absolute_path[%d]", index),
            absl::StrCat(NtRootName(kSandboxRoot), suffix),
            absl::StrCat("(", PrintedPath(path), ": NT names have no '..')")};
      }
      case Anchor::kAbsolute:
      case Anchor::kNtObject: {
        const std::string rendered = RenderNtName(path, kSandboxRoot, &climb);
        const std::string prefix = NtRootName(kSandboxRoot);
        if (!absl::StartsWith(rendered, prefix)) {
          return absl::InternalError(
              absl::StrCat("RenderNtName lost the sandbox root: ", rendered));
        }
        const size_t index =
            map.AbsoluteIndex("sandbox_nt", rendered.substr(prefix.size()));
        return PathText{"NULL", absl::StrFormat("absolute_path[%d]", index),
                        rendered, ""};
      }
      case Anchor::kWin32Device:
        break;
    }
    return absl::InvalidArgumentError(
        "a `dev` (\\\\?\\) path is a Win32 spelling with no NT form; use `nt` "
        "(\\??\\) or emit it with --lang c-win32");
  }

  std::string FlagsText(const OpenFlags& flags) const override {
    return absl::StrCat(Win32AccessText(flags.access), ", ",
                        Win32ShareText(flags.share), ", ",
                        NtDispositionText(flags.disposition), ", ",
                        NtOptionsText(flags.options));
  }

  absl::StatusOr<std::string> CallCode(const Op& op, const PathText& path,
                                       const PathText* to,
                                       const std::string& held) const override {
    const std::string at = absl::StrCat(path.root, ", ", path.arg);
    switch (op.kind) {
      case OpKind::kOpen:
        return absl::StrCat(
            "nt_open(&", held.empty() ? "h" : held, ", ", at, ", ",
            Win32AccessText(op.flags.access), ", ",
            FileAttributesText(op.flags.attributes), ", ",
            Win32ShareText(op.flags.share), ", ",
            NtDispositionText(op.flags.disposition), ", ",
            NtOptionsText(op.flags.options), ")");
      case OpKind::kMkdir:
        return absl::StrCat("nt_mkdir(", at, ")");
      case OpKind::kStat:
        return absl::StrCat("nt_stat(", at, ")");
      case OpKind::kDelete:
        return absl::StrCat(
            "nt_delete(", at, ", ",
            op.flags.options & options::kDirectoryFile ? "1" : "0", ")");
      case OpKind::kRename:
        return absl::StrCat("nt_rename(", at, ", ", to->root, ", ", to->arg,
                            ")");
      default:
        return absl::InternalError("not a call");
    }
  }

  bool RefusesFlags(const Op& op) const override {
    if (op.kind != OpKind::kOpen) return false;
    const uint32_t o = op.flags.options;
    if (!(o & options::kDirectoryFile)) return false;
    const Disposition d = op.flags.disposition;
    return (o & options::kNonDirectoryFile) ||
           !(d == Disposition::kOpen || d == Disposition::kCreate ||
             d == Disposition::kOpenIf);
  }

  std::vector<std::string> ExtraSetup() const override {
    return {"load_ntdll() != 0", "open_current_directory() != 0"};
  }
  void WriteExtraTeardown(CWriter& w) const override {
    w.Line("close_handle(&cwd_handle);");
  }

  void WriteSetupHelpers(CWriter& w, const RuntimeUse& use) const override {
    if (use.tree) {
      w.Raw(kWindowsSetupOpen);
      w.Raw(kWindowsBuildTree);
    }
    if (use.shared) w.Raw(kNtSetupOpen);
  }

  void WriteSharedOpen(CWriter& w, const Handle& handle,
                       const OpenFlags& flags) const override {
    const PathText& path = handle.opened_by;
    w.Linef("if (setup_nt_open(&%s, %s, %s, %s, %s, %s, %s, %s) != 0)",
            handle.c_name, path.root, path.arg, Win32AccessText(flags.access),
            FileAttributesText(flags.attributes), Win32ShareText(flags.share),
            NtDispositionText(flags.disposition), NtOptionsText(flags.options));
    w.Indented("return -1;");
  }

  void WriteCall(CWriter& w, const Op& op, const std::string& id,
                 const std::string& code,
                 const std::string& held) const override {
    w.Linef("COUNT_NT(%s, %s);", id, code);
    if (op.kind == OpKind::kOpen && held.empty()) w.Line("close_handle(&h);");
  }

 protected:
  absl::Span<const WindowsCode> Codes() const override {
    return NtStatusCodes();
  }
  uint32_t InvalidParameterCode() const override {
    return kNtStatusInvalidParameter;
  }
  absl::string_view UnnamedCodeFormat() const override { return "0x%08lX"; }
  bool AlwaysClosesHandles() const override { return true; }

  void WriteCallRuntime(CWriter& w, const RuntimeUse& use) const override {
    w.Raw(kNtDeclarations);
    if (use.calls.size() > (use.calls.contains(OpKind::kOpen) ? 1u : 0u)) {
      w.Raw(kNtOpenForChange);
    }
    if (use.calls.contains(OpKind::kMkdir)) w.Raw(kNtMkdir);
    if (use.calls.contains(OpKind::kStat)) w.Raw(kNtStat);
    if (use.calls.contains(OpKind::kDelete)) w.Raw(kNtDelete);
    if (use.calls.contains(OpKind::kRename)) w.Raw(kNtRename);
    w.Blank();
    w.BlockComment({
        "COUNT_NT(op, call) makes `call`, which returns an NTSTATUS, and counts",
        "its outcome in stats[op]. A failed call is made once more, at once;",
        "a retry that succeeds makes the failure \"transient\".",
    });
    w.Raw(R"c(#define COUNT_NT(op, call)                                                \
    do {                                                                   \
        NTSTATUS first_status = (call);                                    \
        if (NT_SUCCESS(first_status))                                      \
            count_success(&stats[op]);                                     \
        else                                                               \
            count_failure(&stats[op], (DWORD)first_status, NT_SUCCESS(call)); \
    } while (0)
)c");
  }

 private:
  static std::string PrintedPath(const Path& path) {
    return absl::StrCat(path.handle, ":", absl::StrJoin(path.components, "\\"));
  }
};

}  // namespace

std::unique_ptr<CDialect> MakeNtDialect() {
  return std::make_unique<NtDialect>();
}

}  // namespace openrace::internal
