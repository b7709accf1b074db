// internal/emit_c_dialect.h — what the three C reproducers share and where
// they differ.
//
// emit_c.cc walks the scenario once for every language: it names the
// handles, renders every path, describes every operation in words, judges
// which failures count, and writes the program's skeleton (the opening
// comment, the tree, the barriers, the per-call statistics, one function per
// thread, the round loop). A CDialect supplies the per-API pieces: how a
// path and a call are spelled (openat, CreateFileW or NtCreateFile), which
// failures the API itself may answer with "invalid parameter", and the fixed
// runtime text (sandbox, spin barrier, threads, summary) of its platform.
//
//   emit_c_posix.cc    libc *at calls and pthreads (posix_render.h)
//   emit_c_win32.cc    CreateFileW and friends     (windows_render.h)
//   emit_c_nt.cc       NtCreateFile with RootDirectory (windows_render.h)
//   emit_c_windows.cc  what the two Windows dialects share

#ifndef OPENRACE_HARNESS_REPORT_INTERNAL_EMIT_C_DIALECT_H_
#define OPENRACE_HARNESS_REPORT_INTERNAL_EMIT_C_DIALECT_H_

#include <cstddef>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/types/optional.h"
#include "harness/report/internal/c_writer.h"
#include "harness/scenario/scenario.h"

namespace openrace::internal {

// Which failures of a call are unexpected (the rule in the program's
// opening comment).
enum class Judgement { kNever, kIfInvalidParameter, kIfAnyFailure };

// Where a path leads, judged lexically against the scenario's initial tree.
struct Destination {
  std::vector<std::string> components;  // from the sandbox root
  // The kind of tree entry the call reaches; unset when a POSIX-strict walk
  // would not reach one (a missing entry, a file used as a directory, a
  // handle that may not be open). A Windows walk folds `..` without looking,
  // so an entry POSIX reaches is reached there too.
  absl::optional<EntryKind> reached;
};

// How one path appears in the program.
struct PathText {
  std::string root;   // "AT_FDCWD", "cwd_handle", "NULL", a handle's C name
  std::string arg;    // a string literal or absolute_path[N]
  std::string shown;  // "src/a/foo.h", "<sandbox>/src/a/foo.h"
  std::string where;  // "relative to h0"; empty for an absolute path

  // "src/a/foo.h relative to the current directory"
  std::string words() const;
};

struct Handle {
  std::string c_name;
  PathText opened_by;  // the path of the open that names it
  Destination target;
};

// An absolute path, joined at run time: the program's root string of this
// name (`sandbox`, or a prefixed form of it) and the rest.
struct AbsolutePath {
  std::string root;
  std::string suffix;
};

// The placeholder for the sandbox's absolute path in rendered paths: the
// program puts the real path there at run time.
inline constexpr absl::string_view kSandboxRoot = "<sandbox>";

// The scenario as the dialects see it while the walk goes on: the tree, the
// handles named so far, the absolute paths used so far.
class ScenarioMap {
 public:
  explicit ScenarioMap(const Scenario& scenario);

  const Scenario& scenario() const { return scenario_; }
  // The threads change the tree, so it is rebuilt between rounds and no
  // call can be said to have to succeed.
  bool mutates() const { return mutates_; }

  bool IsDirectory(const std::vector<std::string>& components) const;
  Destination Follow(const Path& path) const;

  absl::StatusOr<const Handle*> FindHandle(const std::string& name) const;
  const Handle& handle(const std::string& name) const {
    return handles_.at(name);
  }
  size_t handle_count() const { return handles_.size(); }
  void AddHandle(const std::string& name, Handle handle) {
    handles_[name] = std::move(handle);
  }

  // The index of `root` + `suffix` in absolute_paths(), added if new.
  size_t AbsoluteIndex(absl::string_view root, std::string suffix);
  const std::vector<AbsolutePath>& absolute_paths() const {
    return absolute_paths_;
  }

 private:
  const Scenario& scenario_;
  const bool mutates_;
  std::map<std::string, EntryKind> tree_;
  std::map<std::string, Handle> handles_;
  std::vector<AbsolutePath> absolute_paths_;
};

// What a thread's function needs declared.
struct ThreadUse {
  bool unheld_open = false;  // an open whose handle is closed at once
  bool other_call = false;   // mkdir, stat, delete or rename
  bool stat = false;
};

// Which optional runtime pieces the program uses: it compiles with -Werror,
// and an unused static function would stop it.
struct RuntimeUse {
  bool spins = false;
  bool handles = false;  // close_handle
  bool tree = false;
  bool shared = false;
  bool absolute_paths = false;
  bool mutates = false;
  bool orders = false;  // the order check (EmitOptions::check_orders)
  std::set<OpKind> calls;  // the kinds of call the threads make
};

class CDialect {
 public:
  virtual ~CDialect() = default;

  // ---- the opening comment
  virtual absl::string_view language() const = 0;  // "c-posix"
  // "it needs only libc and pthreads."
  virtual std::string Needs() const = 0;
  virtual std::vector<std::string> BuildLines() const = 0;
  virtual std::string RunLine() const = 0;  // "./repro DIR [ROUNDS]"
  // The rule that makes a failure unexpected, in words.
  virtual std::vector<std::string> Rule() const = 0;
  virtual absl::string_view JudgementName(Judgement judgement) const = 0;

  // ---- paths and calls
  virtual absl::StatusOr<PathText> RenderPath(const Path& path,
                                              ScenarioMap& map) const = 0;
  // Flags in the words of this API, for descriptions: "O_RDONLY|O_CLOEXEC".
  virtual std::string FlagsText(const OpenFlags& flags) const = 0;
  // The C expression that makes the call; `to` only for a rename; `held`
  // is the C name of the handle an open keeps (empty: one closed at once).
  virtual absl::StatusOr<std::string> CallCode(
      const Op& op, const PathText& path, const PathText* to,
      const std::string& held) const = 0;
  // For a scenario that does not change the tree: the API has no reason to
  // refuse the call.
  virtual bool MustSucceed(const Op& op, const ScenarioMap& map) const = 0;
  // The API itself answers "invalid parameter" to these flags (beyond what
  // every API refuses: see ScenarioMap's users in emit_c.cc).
  virtual bool RefusesFlags(const Op& op) const = 0;

  // ---- program text
  // The runtime before the scenario's data: includes, barrier, counting,
  // error names, the sandbox. DEFAULT_ROUNDS and THREAD_COUNT come after
  // the includes.
  virtual void WriteIncludes(CWriter& w) const = 0;
  virtual void WriteRuntime(CWriter& w, const RuntimeUse& use) const = 0;
  // "static int d0 = -1;"
  virtual std::string SharedHandleDeclaration(const std::string& c_name) const = 0;
  // The root strings absolute paths are joined to, and the function
  // build_absolute_paths().
  virtual void WriteAbsolutePaths(CWriter& w,
                                  const std::vector<AbsolutePath>& paths) const = 0;
  // setup_open(), build_tree(), whichever `use` needs.
  virtual void WriteSetupHelpers(CWriter& w, const RuntimeUse& use) const = 0;
  // The statements that open a shared handle in open_shared(), which
  // returns -1 on failure.
  virtual void WriteSharedOpen(CWriter& w, const Handle& handle,
                               const OpenFlags& flags) const = 0;
  // A thread function's locals; `held` are the handles it opens itself.
  virtual void WriteThreadLocals(CWriter& w,
                                 const std::vector<std::string>& held,
                                 const ThreadUse& use) const = 0;
  // The statements of one call: `held` is the C name of the handle an open
  // keeps, empty when the handle is closed at once.
  virtual void WriteCall(CWriter& w, const Op& op, const std::string& id,
                         const std::string& code,
                         const std::string& held) const = 0;
  // worker(), print_summary(): after the thread functions.
  virtual void WriteWorkerAndSummary(CWriter& w) const = 0;
  // Inside run(): the thread declarations, their start (return 2 when one
  // cannot start), and, after the rounds, their end.
  virtual void WriteThreadDeclarations(CWriter& w) const = 0;
  virtual void WriteThreadStart(CWriter& w) const = 0;
  virtual void WriteThreadJoin(CWriter& w) const = 0;
  // "if (atomic_exchange(&round_failed, 0))"
  virtual std::string TakeRoundFailed() const = 0;
  // Extra setup after the tree is built (the nt dialect opens the current
  // directory's handle): conditions in run()'s setup `if`, each true on
  // failure; and the matching teardown.
  virtual std::vector<std::string> ExtraSetup() const { return {}; }
  virtual void WriteExtraTeardown(CWriter&) const {}
  // main() and what it needs.
  virtual void WriteMain(CWriter& w) const = 0;

  // ---- the order check (EmitOptions::check_orders)
  // Whether this dialect can check a round's answers and end state against
  // the model's (its calls are the POSIX ones the model specifies).
  virtual bool ChecksOrders() const { return false; }
  // status_class(), round_ends[] (`ends`: RoundEnds) and round_explained(),
  // before run(); answers[] is declared with the scenario's data.
  virtual void WriteOrderCheck(CWriter&, const std::vector<std::string>&) const {}
};

std::unique_ptr<CDialect> MakePosixDialect();  // emit_c_posix.cc
std::unique_ptr<CDialect> MakeWin32Dialect();  // emit_c_win32.cc
std::unique_ptr<CDialect> MakeNtDialect();     // emit_c_nt.cc

}  // namespace openrace::internal

#endif  // OPENRACE_HARNESS_REPORT_INTERNAL_EMIT_C_DIALECT_H_
