// internal/emit_c_windows.h — what the c-win32 and c-nt dialects of the C
// emitter share: the Windows runtime (Win32 threads, Interlocked spin
// barriers, the sandbox), the counting of failures by their Windows code,
// and the rule's common part. Each dialect adds its calls and their codes
// (emit_c_win32.cc: GetLastError values; emit_c_nt.cc: NTSTATUS values).

#ifndef OPENRACE_HARNESS_REPORT_INTERNAL_EMIT_C_WINDOWS_H_
#define OPENRACE_HARNESS_REPORT_INTERNAL_EMIT_C_WINDOWS_H_

#include <string>
#include <vector>

#include "absl/types/span.h"
#include "harness/report/internal/emit_c_dialect.h"
#include "harness/run/windows_status.h"

namespace openrace::internal {

class WindowsDialect : public CDialect {
 public:
  std::vector<std::string> BuildLines() const override;
  std::string RunLine() const override;
  absl::string_view JudgementName(Judgement judgement) const override;
  // stat (GetFileAttributesW, or an open for FILE_READ_ATTRIBUTES that
  // shares everything) of an entry of the tree; an open can always meet a
  // sharing violation or a refused access, so none must succeed.
  bool MustSucceed(const Op& op, const ScenarioMap& map) const override;

  void WriteIncludes(CWriter& w) const override;
  void WriteRuntime(CWriter& w, const RuntimeUse& use) const override;
  std::string SharedHandleDeclaration(const std::string& c_name) const override;
  void WriteAbsolutePaths(CWriter& w,
                          const std::vector<AbsolutePath>& paths) const override;
  void WriteThreadLocals(CWriter& w, const std::vector<std::string>& held,
                         const ThreadUse& use) const override;
  void WriteWorkerAndSummary(CWriter& w) const override;
  void WriteThreadDeclarations(CWriter& w) const override;
  void WriteThreadStart(CWriter& w) const override;
  void WriteThreadJoin(CWriter& w) const override;
  std::string TakeRoundFailed() const override;
  void WriteMain(CWriter& w) const override;

 protected:
  // The codes this dialect's calls answer, and the invalid-parameter one.
  virtual absl::Span<const WindowsCode> Codes() const = 0;
  virtual uint32_t InvalidParameterCode() const = 0;
  // How code_name() prints a code not in Codes(): "error %lu", "0x%08lX".
  virtual absl::string_view UnnamedCodeFormat() const = 0;
  // The COUNT_* macros, and the dialect's own runtime after them.
  virtual void WriteCallRuntime(CWriter& w, const RuntimeUse& use) const = 0;
  // close_handle() is needed beyond the scenario's own handles.
  virtual bool AlwaysClosesHandles() const { return false; }

  // The rule in words, for the invalid-parameter code ("ERROR_INVALID_PARAMETER
  // (87)") and the lines naming the flags the API itself refuses so.
  static std::vector<std::string> RuleFor(
      absl::string_view code, const std::vector<std::string>& own_refusals);
};

}  // namespace openrace::internal

#endif  // OPENRACE_HARNESS_REPORT_INTERNAL_EMIT_C_WINDOWS_H_
