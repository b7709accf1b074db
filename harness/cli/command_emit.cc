// command_emit.cc — `openrace emit FILE --lang c-posix|c-win32|c-nt`: the
// scenario as a standalone C reproducer, on stdout or in --out (written
// atomically).
//
// A finding directory's files say what they hold in their header, and the
// reproducer quotes it: `# found: SIG` / `# minimized: SIG` give the
// signature, `# failing call: thread T op I: ...` (found.scn, counting from
// 1) the call whose unexpected failures decide the verdict
// (ParseFindingHeader, finding_store.h).

#include <cstdio>

#include "absl/strings/str_cat.h"
#include "harness/cli/commands.h"
#include "harness/judge/oracle.h"
#include "harness/report/emit_c.h"
#include "harness/base/file_util.h"
#include "harness/store/finding_store.h"

namespace openrace {
int RunEmit(const EmitCommand& command) {
  absl::StatusOr<EmitLanguage> lang = ParseEmitLanguage(command.lang);
  if (!lang.ok()) return UsageError(lang.status());
  absl::StatusOr<Scenario> scenario = LoadScenario(command.file);
  if (!scenario.ok()) return UsageError(scenario.status());
  absl::StatusOr<std::string> text = ReadFile(command.file);
  if (!text.ok()) return UsageError(text.status());
  EmitOptions options;
  const FindingHeader header = ParseFindingHeader(*text, *scenario);
  options.signature = header.signature;
  options.focus = header.failing;
  // A wrong success or a lost update ("open-ok-0-...") shows only against
  // the other calls' answers and the state left: the order check.
  const absl::optional<Signature> signature = ParseSignature(header.signature);
  options.check_orders = signature && signature->outcome.ok();
  absl::StatusOr<std::string> c = EmitC(*scenario, *lang, options);
  if (!c.ok() && options.focus &&
      c.status().code() == absl::StatusCode::kInvalidArgument) {
    // A header that names something other than a call: emit without focus.
    options.focus.reset();
    c = EmitC(*scenario, *lang, options);
  }
  if (!c.ok()) {
    return UsageError(absl::Status(
        c.status().code(), absl::StrCat(command.file, ": --lang ", command.lang,
                                        ": ", c.status().message())));
  }
  if (command.out.empty()) {
    std::fwrite(c->data(), 1, c->size(), stdout);
    return std::fflush(stdout) == 0 ? kExitClean : kExitUsage;
  }
  if (absl::Status s = WriteFileAtomically(command.out, *c); !s.ok()) {
    return UsageError(s);
  }
  std::fprintf(stderr, "wrote %s\n", command.out.c_str());
  return kExitClean;
}

}  // namespace openrace
