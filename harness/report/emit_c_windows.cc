// emit_c_windows.cc — see internal/emit_c_windows.h.

#include "harness/report/internal/emit_c_windows.h"

#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "harness/report/internal/c_writer.h"
#include "harness/report/internal/emit_c_posix_runtime.h"  // kMain
#include "harness/report/internal/emit_c_windows_runtime.h"

namespace openrace::internal {

std::vector<std::string> WindowsDialect::BuildLines() const {
  return {
      "  x86_64-w64-mingw32-gcc -std=c11 -O2 -Wall -Wextra -o repro.exe repro.c",
      "  cl /nologo /std:c11 /W4 /O2 repro.c",
      "  zig cc -target x86_64-windows-gnu -std=c11 -O2 -o repro.exe repro.c",
  };
}

std::string WindowsDialect::RunLine() const {
  return "  repro.exe DIR [ROUNDS]";
}

absl::string_view WindowsDialect::JudgementName(Judgement judgement) const {
  switch (judgement) {
    case Judgement::kNever:
      return "NEVER_UNEXPECTED";
    case Judgement::kIfInvalidParameter:
      return "UNEXPECTED_IF_INVALID_PARAMETER";
    case Judgement::kIfAnyFailure:
      return "UNEXPECTED_IF_ANY_FAILURE";
  }
  return "";
}

bool WindowsDialect::MustSucceed(const Op& op, const ScenarioMap& map) const {
  return op.kind == OpKind::kStat && map.Follow(op.path).reached.has_value();
}

std::vector<std::string> WindowsDialect::RuleFor(
    absl::string_view code, const std::vector<std::string>& own_refusals) {
  std::vector<std::string> lines = {
      "A call that fails is retried once, at once; a retry that succeeds",
      "makes the failure \"transient\". A failure is unexpected when",
      absl::StrCat("  - it is ", code, ", except where Windows itself"),
      "    answers so (removing or renaming \".\" or \"..\", moving a directory",
      "    into itself,",
  };
  lines.insert(lines.end(), own_refusals.begin(), own_refusals.end());
  lines.back() += "), or";
  lines.insert(lines.end(), {
      "  - the call must succeed: the scenario does not change the tree, and",
      "    the call gets the attributes of an entry of the tree (every",
      "    component before the last is a directory, no trailing separator",
      "    on a file).",
      "An open is never required to succeed: another thread's handle may",
      "refuse to share.",
  });
  return lines;
}

void WindowsDialect::WriteIncludes(CWriter& w) const { w.Raw(kWindowsIncludes); }

void WindowsDialect::WriteRuntime(CWriter& w, const RuntimeUse& use) const {
  w.Raw(kWindowsSpinBarrier);
  if (use.spins) w.Raw(kWindowsSpin);
  w.Blank();
  w.Linef("#define INVALID_PARAMETER_CODE 0x%XUL", InvalidParameterCode());
  w.Raw(kWindowsCounting);
  if (use.handles || AlwaysClosesHandles()) w.Raw(kWindowsCloseHandle);

  w.Blank();
  w.Comment("Names of the codes openrace knows (harness/windows_status.cc).");
  w.Line("static const struct { DWORD code; const char *name; } code_names[] = {");
  for (const WindowsCode& code : Codes()) {
    w.Linef("    { 0x%XUL, %s },", code.value, CString(code.name));
  }
  w.Line("};");
  w.Blank();
  w.Line("static const char *code_name(DWORD code)");
  w.Open("");
  w.Line("static char unnamed[32];");
  w.Open("for (size_t i = 0; i < sizeof code_names / sizeof code_names[0]; i++)");
  w.Line("if (code_names[i].code == code)");
  w.Indented("return code_names[i].name;");
  w.Close();
  w.Linef("snprintf(unnamed, sizeof unnamed, %s, (unsigned long)code);",
          CString(UnnamedCodeFormat()));
  w.Line("return unnamed;");
  w.Close();
  w.Raw(kWindowsSandbox);
  WriteCallRuntime(w, use);
}

std::string WindowsDialect::SharedHandleDeclaration(
    const std::string& c_name) const {
  return absl::StrFormat("static HANDLE %s = INVALID_HANDLE_VALUE;", c_name);
}

void WindowsDialect::WriteAbsolutePaths(
    CWriter& w, const std::vector<AbsolutePath>& paths) const {
  w.Blank();
  w.Comment(
      "Absolute paths: a form of the sandbox's path and these, joined at "
      "start-up.");
  w.Linef("static wchar_t absolute_path[%d][PATH_CAP];", paths.size());
  w.Blank();
  w.Line("static int build_absolute_paths(void)");
  w.Open("");
  w.Open("static const struct { const wchar_t *root; const wchar_t *suffix; } part[] =");
  for (const AbsolutePath& path : paths) {
    w.Linef("{ %s, %s },", path.root, CWideString(path.suffix));
  }
  w.Close("};");
  w.Open("for (size_t i = 0; i < sizeof part / sizeof part[0]; i++)");
  w.Open("if (join3(absolute_path[i], part[i].root, part[i].suffix, L\"\") != 0)");
  w.Line("fprintf(stderr, \"repro: %ls%ls: path too long\\n\", part[i].root, part[i].suffix);");
  w.Line("return -1;");
  w.Close();
  w.Close();
  w.Line("return 0;");
  w.Close();
}

void WindowsDialect::WriteThreadLocals(CWriter& w,
                                       const std::vector<std::string>& held,
                                       const ThreadUse& use) const {
  for (const std::string& handle : held) {
    w.Linef("HANDLE %s = INVALID_HANDLE_VALUE;", handle);
  }
  if (use.unheld_open) w.Line("HANDLE h = INVALID_HANDLE_VALUE;");
  if (!held.empty() || use.unheld_open) w.Blank();
}

void WindowsDialect::WriteWorkerAndSummary(CWriter& w) const {
  w.Raw(kWindowsWorker);
  w.Raw(kWindowsSummary);
}

void WindowsDialect::WriteThreadDeclarations(CWriter& w) const {
  w.Line("HANDLE threads[THREAD_COUNT];");
}

void WindowsDialect::WriteThreadStart(CWriter& w) const {
  w.Open("for (int i = 0; i < THREAD_COUNT; i++)");
  w.Line("threads[i] = CreateThread(NULL, 0, worker, (LPVOID)(INT_PTR)i, 0, NULL);");
  w.Open("if (threads[i] == NULL)");
  w.Line("fprintf(stderr, \"repro: CreateThread: error %lu\\n\", GetLastError());");
  w.Line("return 2;");
  w.Close();
  w.Close();
}

void WindowsDialect::WriteThreadJoin(CWriter& w) const {
  w.Open("for (int i = 0; i < THREAD_COUNT; i++)");
  w.Line("WaitForSingleObject(threads[i], INFINITE);");
  w.Line("CloseHandle(threads[i]);");
  w.Close();
}

std::string WindowsDialect::TakeRoundFailed() const {
  return "InterlockedExchange(&round_failed, 0)";
}

void WindowsDialect::WriteMain(CWriter& w) const { w.Raw(kMain); }

}  // namespace openrace::internal
