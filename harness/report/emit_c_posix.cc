// emit_c_posix.cc — the c-posix dialect of the C emitter: libc's *at calls
// (openat, mkdirat, fstatat, unlinkat, renameat) relative to AT_FDCWD or a
// directory descriptor, pthreads, errno. Paths and flags are spelled by
// posix_render.h, so the program makes exactly the calls the POSIX backend
// makes.

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_split.h"
#include "harness/report/internal/c_writer.h"
#include "harness/report/internal/emit_c_dialect.h"
#include "harness/report/internal/emit_c_posix_runtime.h"
#include "harness/run/outcome.h"
#include "harness/run/posix_render.h"

namespace openrace::internal {
namespace {

bool HasFlag(absl::string_view flags_text, absl::string_view flag) {
  for (absl::string_view part : absl::StrSplit(flags_text, '|')) {
    if (part == flag) return true;
  }
  return false;
}

class PosixDialect final : public CDialect {
 public:
  absl::string_view language() const override { return "c-posix"; }
  std::string Needs() const override { return "needs only libc and pthreads."; }
  std::vector<std::string> BuildLines() const override {
    return {
        "  gcc -std=c11 -O2 -Wall -Wextra -pthread -o repro repro.c",
        "  clang -std=c11 -O2 -Wall -Wextra -pthread -o repro repro.c",
        "  zig cc -std=c11 -O2 -pthread -o repro repro.c",
    };
  }
  std::string RunLine() const override { return "  ./repro DIR [ROUNDS]"; }
  std::vector<std::string> Rule() const override {
    return {
        "A call that fails is retried once, at once; a retry that succeeds",
        "makes the failure \"transient\". A failure is unexpected when",
        "  - it is EINVAL, except where POSIX itself answers EINVAL (removing or",
        "    renaming \".\" or \"..\", renaming a directory into itself, O_CREAT",
        "    with O_DIRECTORY), or",
        "  - it is EIO: an I/O error is never a legal answer to these calls, or",
        "  - the call must succeed: the scenario does not change the tree, and",
        "    the call opens or stats an entry of the tree in a form POSIX",
        "    accepts (every component before the last is a directory, no",
        "    trailing '/' or O_DIRECTORY on a file, no write access to a",
        "    directory).",
    };
  }
  absl::string_view JudgementName(Judgement judgement) const override {
    switch (judgement) {
      case Judgement::kNever:
        return "NEVER_UNEXPECTED";
      case Judgement::kIfInvalidParameter:
        return "UNEXPECTED_IF_EINVAL";
      case Judgement::kIfAnyFailure:
        return "UNEXPECTED_IF_ANY_FAILURE";
    }
    return "";
  }

  absl::StatusOr<PathText> RenderPath(const Path& path,
                                      ScenarioMap& map) const override {
    switch (path.anchor) {
      case Anchor::kCwd: {
        const std::string relative = RenderPosixPath(path, "");
        return PathText{"AT_FDCWD", CString(relative), relative,
                        "relative to the current directory"};
      }
      case Anchor::kHandle: {
        absl::StatusOr<const Handle*> handle = map.FindHandle(path.handle);
        if (!handle.ok()) return handle.status();
        const std::string& c_name = (*handle)->c_name;
        const std::string relative = RenderPosixPath(path, "");
        return PathText{c_name, CString(relative), relative,
                        absl::StrCat("relative to ", c_name)};
      }
      case Anchor::kAbsolute: {
        const std::string rendered = RenderPosixPath(path, kSandboxRoot);
        if (!absl::StartsWith(rendered, kSandboxRoot)) {
          return absl::InternalError(absl::StrCat(
              "RenderPosixPath dropped the sandbox root: ", rendered));
        }
        const size_t index = map.AbsoluteIndex(
            "sandbox", rendered.substr(kSandboxRoot.size()));
        return PathText{"AT_FDCWD", absl::StrFormat("absolute_path[%d]", index),
                        rendered, ""};
      }
      case Anchor::kWin32Device:
      case Anchor::kNtObject:
        break;
    }
    return absl::InvalidArgumentError(
        "a \\\\?\\ or \\??\\ path has no POSIX form; emit it with --lang "
        "c-win32 or c-nt");
  }

  std::string FlagsText(const OpenFlags& flags) const override {
    return PosixOpenFlagsText(flags);
  }

  absl::StatusOr<std::string> CallCode(const Op& op, const PathText& path,
                                       const PathText* to,
                                       const std::string&) const override {
    const std::string at = absl::StrCat(path.root, ", ", path.arg);
    switch (op.kind) {
      case OpKind::kOpen: {
        const std::string flags = PosixOpenFlagsText(op.flags);
        if (HasFlag(flags, "O_CREAT")) {
          return absl::StrFormat("openat(%s, %s, 0%o)", at, flags,
                                 kPosixCreateMode);
        }
        return absl::StrFormat("openat(%s, %s)", at, flags);
      }
      case OpKind::kMkdir:
        return absl::StrFormat("mkdirat(%s, 0%o)", at, kPosixMkdirMode);
      case OpKind::kStat:
        return absl::StrFormat("fstatat(%s, &st, 0)", at);
      case OpKind::kDelete:
        return absl::StrFormat(
            "unlinkat(%s, %s)", at,
            op.flags.options & options::kDirectoryFile ? "AT_REMOVEDIR" : "0");
      case OpKind::kRename:
        return absl::StrFormat("renameat(%s, %s, %s)", at, to->root, to->arg);
      default:
        return absl::InternalError("not a call");
    }
  }

  bool MustSucceed(const Op& op, const ScenarioMap& map) const override {
    if (op.kind != OpKind::kStat &&
        !(op.kind == OpKind::kOpen &&
          op.flags.disposition == Disposition::kOpen)) {
      return false;
    }
    const absl::optional<EntryKind> reached = map.Follow(op.path).reached;
    if (!reached.has_value()) return false;
    if (op.kind == OpKind::kStat) return true;
    const std::string flags = PosixOpenFlagsText(op.flags);
    if (*reached == EntryKind::kFile) return !HasFlag(flags, "O_DIRECTORY");
    return HasFlag(flags, "O_RDONLY");  // a directory opens read-only
  }

  bool RefusesFlags(const Op& op) const override {
    if (op.kind != OpKind::kOpen) return false;
    // Linux 6.4 and later refuse O_CREAT|O_DIRECTORY.
    const std::string flags = PosixOpenFlagsText(op.flags);
    return HasFlag(flags, "O_CREAT") && HasFlag(flags, "O_DIRECTORY");
  }

  void WriteIncludes(CWriter& w) const override { w.Raw(kIncludes); }

  void WriteRuntime(CWriter& w, const RuntimeUse& use) const override {
    w.Raw(kSpinBarrier);
    if (use.spins) w.Raw(kSpin);
    if (use.orders) w.Raw(kOrderAnswers);
    w.Raw(kCounting);
    if (use.handles) w.Raw(kCloseHandle);
    w.Raw(kErrnoNames);
    w.Raw(kSandbox);
  }

  std::string SharedHandleDeclaration(const std::string& c_name) const override {
    return absl::StrFormat("static int %s = -1;", c_name);
  }

  void WriteAbsolutePaths(CWriter& w,
                          const std::vector<AbsolutePath>& paths) const override {
    w.Blank();
    w.Comment("Absolute paths: the sandbox's path and these, joined at start-up.");
    w.Linef("static char absolute_path[%d][PATH_CAP];", paths.size());
    w.Blank();
    w.Line("static int build_absolute_paths(void)");
    w.Open("");
    w.Open("static const char *const suffix[] =");
    for (const AbsolutePath& path : paths) w.Linef("%s,", CString(path.suffix));
    w.Close("};");
    w.Open("for (size_t i = 0; i < sizeof suffix / sizeof suffix[0]; i++)");
    w.Open("if (snprintf(absolute_path[i], PATH_CAP, \"%s%s\", sandbox, suffix[i]) >= PATH_CAP)");
    w.Line("fprintf(stderr, \"repro: %s%s: path too long\\n\", sandbox, suffix[i]);");
    w.Line("return -1;");
    w.Close();
    w.Close();
    w.Line("return 0;");
    w.Close();
  }

  void WriteSetupHelpers(CWriter& w, const RuntimeUse& use) const override {
    if (use.tree || use.shared) w.Raw(kSetupOpenat);
    if (use.tree) w.Raw(kBuildTree);
  }

  void WriteSharedOpen(CWriter& w, const Handle& handle,
                       const OpenFlags& flags) const override {
    const PathText& path = handle.opened_by;
    w.Linef("%s = setup_openat(%s, %s, %s);", handle.c_name, path.root,
            path.arg, PosixOpenFlagsText(flags));
    w.Linef("if (%s < 0)", handle.c_name);
    w.Indented("return -1;");
  }

  void WriteThreadLocals(CWriter& w, const std::vector<std::string>& held,
                         const ThreadUse& use) const override {
    for (const std::string& handle : held) w.Linef("int %s = -1;", handle);
    if (use.unheld_open) w.Line("int fd;");
    if (use.other_call) w.Line("int rc;");
    if (use.stat) w.Line("struct stat st;");
    if (!held.empty() || use.unheld_open || use.other_call) w.Blank();
  }

  void WriteCall(CWriter& w, const Op& op, const std::string& id,
                 const std::string& code,
                 const std::string& held) const override {
    if (op.kind != OpKind::kOpen) {
      w.Linef("COUNT_CALL(%s, rc, %s);", id, code);
    } else if (held.empty()) {
      w.Linef("COUNT_CALL(%s, fd, %s);", id, code);
      w.Line("close_handle(&fd);");
    } else {
      w.Linef("COUNT_CALL(%s, %s, %s);", id, held, code);
    }
  }

  void WriteWorkerAndSummary(CWriter& w) const override {
    w.Raw(kWorker);
    w.Raw(kSummary);
  }

  void WriteThreadDeclarations(CWriter& w) const override {
    w.Line("pthread_t threads[THREAD_COUNT];");
  }
  void WriteThreadStart(CWriter& w) const override {
    w.Open("for (int i = 0; i < THREAD_COUNT; i++)");
    w.Line("int err = pthread_create(&threads[i], NULL, worker, (void *)(intptr_t)i);");
    w.Open("if (err != 0)");
    w.Line("fprintf(stderr, \"repro: pthread_create: %s\\n\", strerror(err));");
    w.Line("return 2;");
    w.Close();
    w.Close();
  }
  void WriteThreadJoin(CWriter& w) const override {
    w.Line("for (int i = 0; i < THREAD_COUNT; i++)");
    w.Indented("pthread_join(threads[i], NULL);");
  }
  std::string TakeRoundFailed() const override {
    return "atomic_exchange(&round_failed, 0)";
  }

  void WriteMain(CWriter& w) const override { w.Raw(kMain); }

  bool ChecksOrders() const override { return true; }
  void WriteOrderCheck(CWriter& w,
                       const std::vector<std::string>& ends) const override {
    w.Blank();
    w.Comment("openrace's status class of an errno, as its posix backend classifies it.");
    w.Line("static const char *status_class(int err)");
    w.Open("");
    w.Open("switch (err)");
    for (const auto& [errors, status] : kErrnoClasses) {
      w.Linef("%sreturn %s;", errors, CString(StatusClassName(status)));
    }
    w.Linef("default: return %s;", CString(StatusClassName(StatusClass::kOther)));
    w.Close();
    w.Close();
    w.Blank();
    w.Comment("Every way a round may end: answers | entries (sorted).");
    w.Open("static const char *const round_ends[] =");
    for (const std::string& end : ends) w.Linef("%s,", CString(end));
    w.Close("};");
    w.Raw(kOrderCheck);
  }

 private:
  // The errno values the posix backend classifies (ClassifyErrno in
  // backend_posix.cc), as C case labels.
  static constexpr std::pair<const char*, StatusClass> kErrnoClasses[] = {
      {"case 0: ", StatusClass::kOk},
      {"case ENOENT: ", StatusClass::kNotFound},
      {"case EEXIST: ", StatusClass::kExists},
      {"case EINVAL: ", StatusClass::kInvalidParameter},
      {"case ENAMETOOLONG: ", StatusClass::kInvalidName},
      {"case EACCES: case EPERM: case EROFS: ", StatusClass::kAccessDenied},
      {"case ENOTDIR: ", StatusClass::kNotADirectory},
      {"case EISDIR: ", StatusClass::kIsADirectory},
      {"case ENOTEMPTY: ", StatusClass::kNotEmpty},
      {"case EBUSY: case ETXTBSY: ", StatusClass::kBusy},
      {"case EINTR: ", StatusClass::kInterrupted},
  };
};

}  // namespace

std::unique_ptr<CDialect> MakePosixDialect() {
  return std::make_unique<PosixDialect>();
}

}  // namespace openrace::internal
