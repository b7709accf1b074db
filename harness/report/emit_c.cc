// emit_c.cc — see emit_c.h. The scenario walk and the program's skeleton,
// shared by the three languages; the per-API pieces are in the dialects
// (internal/emit_c_dialect.h).

#include "harness/report/emit_c.h"

#include <algorithm>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "absl/functional/function_ref.h"
#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "harness/judge/round_ends.h"
#include "harness/report/internal/c_writer.h"
#include "harness/report/internal/emit_c_dialect.h"
#include "harness/scenario/validate.h"

namespace openrace {

namespace internal {

std::string PathText::words() const {
  return where.empty() ? shown : absl::StrCat(shown, " ", where);
}

ScenarioMap::ScenarioMap(const Scenario& scenario)
    : scenario_(scenario), mutates_(MutatesTree(scenario)) {
  for (const TreeEntry& entry : scenario.tree) tree_[entry.path] = entry.kind;
}

bool ScenarioMap::IsDirectory(
    const std::vector<std::string>& components) const {
  if (components.empty()) return true;  // the sandbox root
  auto it = tree_.find(absl::StrJoin(components, "/"));
  return it != tree_.end() && it->second == EntryKind::kDirectory;
}

Destination ScenarioMap::Follow(const Path& path) const {
  Destination d;
  bool reachable = true;
  if (path.anchor == Anchor::kHandle) {
    auto it = handles_.find(path.handle);
    if (it != handles_.end()) d.components = it->second.target.components;
    reachable = it != handles_.end() && it->second.target.reached.has_value();
  }
  for (const std::string& component : path.components) {
    // POSIX looks up every component, "." and ".." too, in a directory.
    reachable = reachable && IsDirectory(d.components);
    if (component == "..") {
      if (!d.components.empty()) d.components.pop_back();
    } else if (component != ".") {
      d.components.push_back(component);
    }
  }
  if (path.trailing_separator) {
    reachable = reachable && IsDirectory(d.components);
  }
  if (!reachable) return d;
  if (d.components.empty()) {
    d.reached = EntryKind::kDirectory;
  } else if (auto it = tree_.find(absl::StrJoin(d.components, "/"));
             it != tree_.end()) {
    d.reached = it->second;
  }
  return d;
}

absl::StatusOr<const Handle*> ScenarioMap::FindHandle(
    const std::string& name) const {
  auto it = handles_.find(name);
  if (it == handles_.end()) {
    return absl::InvalidArgumentError(
        absl::StrCat("unknown handle '", name, "'"));
  }
  return &it->second;
}

size_t ScenarioMap::AbsoluteIndex(absl::string_view root, std::string suffix) {
  for (size_t i = 0; i < absolute_paths_.size(); ++i) {
    if (absolute_paths_[i].root == root && absolute_paths_[i].suffix == suffix) {
      return i;
    }
  }
  absolute_paths_.push_back(AbsolutePath{std::string(root), std::move(suffix)});
  return absolute_paths_.size() - 1;
}

}  // namespace internal

namespace {

using internal::AbsolutePath;
using internal::CDialect;
using internal::CString;
using internal::CWriter;
using internal::Destination;
using internal::Handle;
using internal::Judgement;
using internal::PathText;
using internal::RuntimeUse;
using internal::ScenarioMap;
using internal::ThreadUse;

bool EndsInDots(const Path& path) {
  return path.components.back() == "." || path.components.back() == "..";
}

// The C name of a scenario handle: its own name when it looks like the
// usual `h0` / `d12` (which no libc or Windows name does), else `handle_N`.
std::string CHandleName(absl::string_view name, size_t index) {
  size_t letters = 0;
  while (letters < name.size() && name[letters] >= 'a' && name[letters] <= 'z') {
    ++letters;
  }
  bool digits = letters < name.size();
  for (size_t i = letters; i < name.size(); ++i) {
    digits = digits && name[i] >= '0' && name[i] <= '9';
  }
  if (letters >= 1 && letters <= 2 && digits) return std::string(name);
  return absl::StrCat("handle_", index);
}

// What the program says and does for one operation.
struct OpText {
  std::string words;  // in plain words, for comments and the summary
  // Calls only (open, mkdir, stat, delete, rename):
  std::string code;   // the C call expression
  Judgement judgement = Judgement::kNever;
};

// A call's index into the program's stats[], and its name in the summary;
// threads and ops count from 1, as in the scenario file and the report.
std::string CallId(size_t t, size_t i) {
  return absl::StrFormat("T%d_OP%d", t + 1, i + 1);
}
std::string CallLabel(size_t t, size_t i) {
  return absl::StrFormat("t%d.op%d", t + 1, i + 1);
}

class CEmitter {
 public:
  CEmitter(const Scenario& scenario, const EmitOptions& options,
           const CDialect& dialect)
      : scenario_(scenario), options_(options), dialect_(dialect),
        map_(scenario) {}

  absl::StatusOr<std::string> Emit();

 private:
  // Analysis, in scenario order, so handles are known before their uses.
  absl::Status Analyze();
  absl::Status AddHandle(const std::string& name, const Path& path,
                         const OpenFlags& flags);
  absl::StatusOr<std::string> Describe(const Op& op);
  absl::StatusOr<std::string> CallCode(const Op& op, const std::string& held);
  bool MayAnswerInvalidParameter(const Op& op) const;
  Judgement Judge(const Op& op, OpRef ref) const;

  // Writing, top to bottom.
  void WriteOpeningComment(CWriter& w) const;
  void WriteScenarioData(CWriter& w) const;
  void WriteSetup(CWriter& w) const;
  void WriteThread(CWriter& w, size_t t) const;
  void WriteRun(CWriter& w) const;

  RuntimeUse Use() const;
  void ForEachCall(absl::FunctionRef<void(size_t t, size_t i)> visit) const;

  const Scenario& scenario_;
  const EmitOptions& options_;
  const CDialect& dialect_;
  ScenarioMap map_;
  std::vector<std::vector<OpText>> ops_;              // [thread][op]
  std::map<uint32_t, std::vector<size_t>> barriers_;  // id -> threads (from 1)
  // The order check's table (EmitOptions::check_orders), when it is made.
  absl::optional<std::vector<std::string>> ends_;
};

absl::Status CEmitter::Analyze() {
  if (const absl::optional<OpRef>& focus = options_.focus;
      focus.has_value() &&
      (focus->thread >= scenario_.threads.size() ||
       focus->op >= scenario_.threads[focus->thread].ops.size() ||
       !IsCall(scenario_.threads[focus->thread].ops[focus->op].kind))) {
    return absl::InvalidArgumentError(absl::StrFormat(
        "focus thread %d op %d is not a call (open, mkdir, stat, delete or "
        "rename) of the scenario",
        focus->thread, focus->op));
  }
  if (options_.check_orders && dialect_.ChecksOrders()) {
    ends_ = RoundEnds(scenario_);
  }
  size_t calls = 0;
  ForEachCall([&](size_t, size_t) { ++calls; });
  if (calls == 0) {
    return absl::InvalidArgumentError(
        "the scenario makes no calls; there is nothing to reproduce");
  }
  for (const SharedHandle& shared : scenario_.shared) {
    if (absl::Status s = AddHandle(shared.name, shared.path, shared.flags);
        !s.ok()) {
      return s;
    }
  }
  for (size_t t = 0; t < scenario_.threads.size(); ++t) {
    ops_.emplace_back();
    const std::vector<Op>& ops = scenario_.threads[t].ops;
    for (size_t i = 0; i < ops.size(); ++i) {
      const Op& op = ops[i];
      OpText text;
      if (IsCall(op.kind)) {
        // Before the op's own handle exists, as when the call is made.
        // The name the open's handle gets in AddHandle below.
        const std::string held =
            op.kind == OpKind::kOpen && !op.result.empty()
                ? CHandleName(op.result, map_.handle_count())
                : "";
        absl::StatusOr<std::string> code = CallCode(op, held);
        if (!code.ok()) return code.status();
        text.code = *std::move(code);
        text.judgement = Judge(op, OpRef{t, i});
      }
      if (op.kind == OpKind::kOpen && !op.result.empty()) {
        if (absl::Status s = AddHandle(op.result, op.path, op.flags); !s.ok()) {
          return s;
        }
      }
      absl::StatusOr<std::string> words = Describe(op);
      if (!words.ok()) return words.status();
      text.words = *std::move(words);
      ops_[t].push_back(std::move(text));
      if (op.kind == OpKind::kBarrier) {
        std::vector<size_t>& threads = barriers_[op.barrier];
        // Counted from 1, for the comment beside the barrier.
        if (threads.empty() || threads.back() != t + 1) threads.push_back(t + 1);
      }
    }
  }
  return absl::OkStatus();
}

absl::Status CEmitter::AddHandle(const std::string& name, const Path& path,
                                 const OpenFlags& flags) {
  absl::StatusOr<PathText> opened_by = dialect_.RenderPath(path, map_);
  if (!opened_by.ok()) return opened_by.status();
  Op open;
  open.path = path;
  open.flags = flags;
  Destination target = map_.Follow(path);
  // Paths anchored on the handle reach entries only when its open cannot
  // fail and gives a directory.
  if (!dialect_.MustSucceed(open, map_) ||
      target.reached != EntryKind::kDirectory) {
    target.reached.reset();
  }
  map_.AddHandle(name, Handle{CHandleName(name, map_.handle_count()),
                              *std::move(opened_by), std::move(target)});
  return absl::OkStatus();
}

absl::StatusOr<std::string> CEmitter::Describe(const Op& op) {
  std::string words;
  if (op.spin_ns > 0) words = absl::StrFormat("spin %d ns, then ", op.spin_ns);
  switch (op.kind) {
    case OpKind::kBarrier:
      return absl::StrFormat("%swait at barrier %d", words, op.barrier);
    case OpKind::kClose: {
      absl::StatusOr<const Handle*> handle = map_.FindHandle(op.handle);
      if (!handle.ok()) return handle.status();
      return absl::StrCat(words, "close ", (*handle)->c_name);
    }
    default:
      break;
  }
  absl::StatusOr<PathText> path = dialect_.RenderPath(op.path, map_);
  if (!path.ok()) return path.status();
  switch (op.kind) {
    case OpKind::kOpen:
      absl::StrAppend(&words, "open ", path->words(), " (",
                      dialect_.FlagsText(op.flags), ")");
      if (!op.result.empty()) {
        absl::StrAppend(&words, ", held as ", map_.handle(op.result).c_name);
      }
      return words;
    case OpKind::kMkdir:
      return absl::StrCat(words, "make directory ", path->words());
    case OpKind::kStat:
      return absl::StrCat(words, "stat ", path->words());
    case OpKind::kDelete:
      return absl::StrCat(words,
                          op.flags.options & options::kDirectoryFile
                              ? "remove directory "
                              : "remove file ",
                          path->words());
    case OpKind::kRename: {
      absl::StatusOr<PathText> to = dialect_.RenderPath(op.to, map_);
      if (!to.ok()) return to.status();
      if (path->where != to->where) {
        return absl::StrCat(words, "rename ", path->words(), " to ",
                            to->words());
      }
      absl::StrAppend(&words, "rename ", path->shown, " to ", to->shown);
      if (!path->where.empty()) absl::StrAppend(&words, ", both ", path->where);
      return words;
    }
    default:
      return absl::InternalError("unreachable op kind");
  }
}

absl::StatusOr<std::string> CEmitter::CallCode(const Op& op,
                                               const std::string& held) {
  absl::StatusOr<PathText> path = dialect_.RenderPath(op.path, map_);
  if (!path.ok()) return path.status();
  if (op.kind != OpKind::kRename) {
    return dialect_.CallCode(op, *path, nullptr, held);
  }
  absl::StatusOr<PathText> to = dialect_.RenderPath(op.to, map_);
  if (!to.ok()) return to.status();
  return dialect_.CallCode(op, *path, &*to, held);
}

// Every API refuses these as invalid: removing or renaming "." or "..", and
// moving a directory below itself; the dialect adds its own flag cases.
bool CEmitter::MayAnswerInvalidParameter(const Op& op) const {
  if (dialect_.RefusesFlags(op)) return true;
  switch (op.kind) {
    case OpKind::kDelete:
      return EndsInDots(op.path);
    case OpKind::kRename: {
      if (EndsInDots(op.path) || EndsInDots(op.to)) return true;
      const std::vector<std::string> from = map_.Follow(op.path).components;
      const std::vector<std::string> to = map_.Follow(op.to).components;
      return to.size() > from.size() &&
             std::equal(from.begin(), from.end(), to.begin());
    }
    default:
      return false;
  }
}

Judgement CEmitter::Judge(const Op& op, OpRef ref) const {
  if (options_.focus.has_value() && *options_.focus != ref) {
    return Judgement::kNever;
  }
  if (!map_.mutates() && dialect_.MustSucceed(op, map_)) {
    return Judgement::kIfAnyFailure;
  }
  if (MayAnswerInvalidParameter(op)) return Judgement::kNever;
  return Judgement::kIfInvalidParameter;
}

RuntimeUse CEmitter::Use() const {
  RuntimeUse use;
  for (const ThreadProgram& thread : scenario_.threads) {
    for (const Op& op : thread.ops) {
      use.spins = use.spins || op.spin_ns > 0;
      use.handles = use.handles || op.kind == OpKind::kOpen;
      if (IsCall(op.kind)) use.calls.insert(op.kind);
    }
  }
  use.shared = !scenario_.shared.empty();
  use.handles = use.handles || use.shared;
  use.tree = !scenario_.tree.empty();
  use.absolute_paths = !map_.absolute_paths().empty();
  use.mutates = map_.mutates();
  use.orders = ends_.has_value();
  return use;
}

void CEmitter::ForEachCall(
    absl::FunctionRef<void(size_t t, size_t i)> visit) const {
  for (size_t t = 0; t < scenario_.threads.size(); ++t) {
    for (size_t i = 0; i < scenario_.threads[t].ops.size(); ++i) {
      if (IsCall(scenario_.threads[t].ops[i].kind)) visit(t, i);
    }
  }
}

// ---------------------------------------------------------------------------
// Writing.

void CEmitter::WriteOpeningComment(CWriter& w) const {
  std::vector<std::string> lines = {
      absl::StrCat("repro.c - ", options_.title.empty()
                                     ? "a file-system concurrency failure"
                                     : options_.title),
      ""};
  if (!options_.signature.empty()) {
    lines.push_back(absl::StrCat("Signature: ", options_.signature));
    lines.push_back("");
  }
  lines.push_back(absl::StrCat("A standalone reproducer written by `openrace emit --lang ",
                               dialect_.language(), "`; it"));
  lines.push_back(dialect_.Needs());
  lines.push_back("");
  lines.push_back(absl::StrFormat(
      "Each round (%d by default), in a fresh directory holding this tree:",
      scenario_.rounds));
  if (scenario_.tree.empty()) lines.push_back("  (nothing)");
  for (const TreeEntry& entry : scenario_.tree) {
    lines.push_back(absl::StrCat(
        "  ", entry.path, entry.kind == EntryKind::kDirectory ? "/" : ""));
  }
  if (!scenario_.shared.empty()) {
    lines.push_back("with these handles open across all rounds:");
    for (const SharedHandle& shared : scenario_.shared) {
      const Handle& handle = map_.handle(shared.name);
      lines.push_back(absl::StrCat("  ", handle.c_name, ": open ",
                                   handle.opened_by.words(), " (",
                                   dialect_.FlagsText(shared.flags), ")"));
    }
  }
  lines.push_back("these threads run:");
  for (size_t t = 0; t < ops_.size(); ++t) {
    lines.push_back(absl::StrFormat("  thread %d:", t + 1));
    for (size_t i = 0; i < ops_[t].size(); ++i) {
      lines.push_back(absl::StrFormat("    op %d: %s", i + 1, ops_[t][i].words));
    }
  }
  lines.push_back(
      "All threads start a round together; a barrier releases the threads");
  lines.push_back(
      "that name it together; a handle still held at the end of a round is");
  lines.push_back(map_.mutates()
                      ? "closed then. The tree is rebuilt between rounds, "
                        "since the threads change it."
                      : "closed then.");
  lines.push_back("");
  for (const std::string& line : dialect_.Rule()) lines.push_back(line);
  if (options_.focus.has_value()) {
    lines.push_back(absl::StrFormat(
        "Only unexpected failures of thread %d op %d count.",
        options_.focus->thread + 1, options_.focus->op + 1));
  }
  if (ends_) {
    lines.insert(lines.end(), {
        "A round is also unexplained when no order of its calls (each",
        "thread's in its own order) gives every call the answer it got and",
        "leaves the directory as it is: a success no order allows, or a call",
        "whose effect was lost. The table round_ends[] lists every way a",
        "round may end, from openrace's model of the file system; times are",
        "not compared, so an end only real time rules out is missed.",
    });
  } else if (options_.check_orders) {
    lines.push_back(absl::StrCat(
        "(The finding is a wrong success or a lost update, which this rule "
        "cannot see: ",
        dialect_.ChecksOrders()
            ? "the scenario has too many orders, or a call openrace's model "
              "does not predict, to list every way a round may end.)"
            : "only the c-posix program checks a round's end against "
              "openrace's model.)"));
  }
  lines.push_back(
      "openrace's own oracle is more precise; this rule is deliberately "
      "simple.");
  lines.push_back("");
  lines.push_back("Build:");
  for (const std::string& line : dialect_.BuildLines()) lines.push_back(line);
  lines.insert(lines.end(), {
      "",
      "Run:",
      dialect_.RunLine(),
      "DIR is a directory on the file system under test. The program makes",
      "DIR/repro-XXXXXX, works only inside it and removes it at the end. It",
      "prints a table of outcomes per call, then either",
      "  REPRODUCED: N unexpected failures in R rounds (rate x%)",
      "or",
      "  not reproduced in R rounds",
      "where the rate is the share of rounds with an unexpected failure.",
      "",
      "Exit status: 0 not reproduced, 1 reproduced, 2 bad usage or a failed",
      "setup.",
  });
  w.BlockComment(lines);
}

void CEmitter::WriteScenarioData(CWriter& w) const {
  w.Blank();
  w.Comment("---- the scenario ----");
  if (!scenario_.tree.empty()) {
    w.Blank();
    w.Line("enum entry_kind { DIRECTORY, REGULAR_FILE };");
    w.Blank();
    w.Open("static const struct tree_entry { const char *path; enum entry_kind kind; } tree[] =");
    for (const TreeEntry& entry : scenario_.tree) {
      w.Linef("{ %s, %s },", CString(entry.path),
              entry.kind == EntryKind::kDirectory ? "DIRECTORY" : "REGULAR_FILE");
    }
    w.Close("};");
  }

  w.Blank();
  w.Comment("Every round starts and ends with the main thread and all threads.");
  w.Line("static struct spin_barrier round_start = { .parties = THREAD_COUNT + 1 };");
  w.Line("static struct spin_barrier round_end = { .parties = THREAD_COUNT + 1 };");
  if (!barriers_.empty()) {
    w.Comment("The scenario's barriers, each among the threads that name it.");
  }
  for (const auto& [id, threads] : barriers_) {
    w.Linef("static struct spin_barrier barrier_%d = { .parties = %d }; /* threads %s */",
            id, threads.size(), absl::StrJoin(threads, ", "));
  }

  w.Blank();
  w.Comment("The calls, named by thread and op index, and what each one got.");
  std::vector<std::string> ids;
  ForEachCall([&](size_t t, size_t i) { ids.push_back(CallId(t, i)); });
  w.Linef("enum op_id { %s, OP_COUNT };", absl::StrJoin(ids, ", "));
  w.Blank();
  w.Open("static struct op_stats stats[OP_COUNT] =");
  ForEachCall([&](size_t t, size_t i) {
    w.Open(absl::StrCat("[", CallId(t, i), "] ="));
    w.Linef(".name = %s,", CString(CallLabel(t, i)));
    w.Linef(".what = %s,", CString(ops_[t][i].words));
    w.Linef(".judgement = %s,", dialect_.JudgementName(ops_[t][i].judgement));
    w.Close("},");
  });
  w.Close("};");
  if (ends_) w.Line("static struct answer answers[OP_COUNT];");

  if (!scenario_.shared.empty()) {
    w.Blank();
    w.Comment("Shared handles, open across all rounds.");
    for (const SharedHandle& shared : scenario_.shared) {
      w.Line(dialect_.SharedHandleDeclaration(map_.handle(shared.name).c_name));
    }
  }
}

void CEmitter::WriteSetup(CWriter& w) const {
  const RuntimeUse use = Use();
  dialect_.WriteSetupHelpers(w, use);
  if (use.absolute_paths) dialect_.WriteAbsolutePaths(w, map_.absolute_paths());
  if (use.shared) {
    w.Blank();
    w.Line("static int open_shared(void)");
    w.Open("");
    for (const SharedHandle& shared : scenario_.shared) {
      dialect_.WriteSharedOpen(w, map_.handle(shared.name), shared.flags);
    }
    w.Line("return 0;");
    w.Close();
    w.Blank();
    w.Line("static void close_shared(void)");
    w.Open("");
    for (auto it = scenario_.shared.rbegin(); it != scenario_.shared.rend(); ++it) {
      w.Linef("close_handle(&%s);", map_.handle(it->name).c_name);
    }
    w.Close();
  }
  if (use.mutates) {
    w.Blank();
    w.Comment("Puts the tree back as it was before the first round.");
    w.Line("static int rebuild_tree(void)");
    w.Open("");
    std::vector<std::string> steps;
    if (use.shared) {
      w.Comment("the rebuild replaces the directories the shared handles name");
      w.Line("close_shared();");
    }
    steps.push_back("clear_sandbox() != 0");
    if (use.tree) steps.push_back("build_tree() != 0");
    if (use.shared) steps.push_back("open_shared() != 0");
    w.Linef("return %s ? -1 : 0;", absl::StrJoin(steps, " || "));
    w.Close();
  }
}

void CEmitter::WriteThread(CWriter& w, size_t t) const {
  const std::vector<Op>& ops = scenario_.threads[t].ops;
  std::vector<std::string> held;  // handles this thread opens
  std::set<std::string> closed;   // ...and closes itself
  ThreadUse use;
  for (const Op& op : ops) {
    if (op.kind == OpKind::kOpen) {
      if (op.result.empty()) use.unheld_open = true;
      else held.push_back(map_.handle(op.result).c_name);
    } else if (op.kind == OpKind::kClose) {
      closed.insert(map_.handle(op.handle).c_name);
    } else if (IsCall(op.kind)) {
      use.other_call = true;
      use.stat = use.stat || op.kind == OpKind::kStat;
    }
  }

  w.Blank();
  w.Comment(absl::StrFormat("Thread %d, one round.", t + 1));
  w.Linef("static void thread_%d(void)", t + 1);
  w.Open("");
  dialect_.WriteThreadLocals(w, held, use);
  for (size_t i = 0; i < ops.size(); ++i) {
    const Op& op = ops[i];
    const OpText& text = ops_[t][i];
    w.Comment(absl::StrFormat("op %d: %s", i + 1, text.words));
    if (op.spin_ns > 0) w.Linef("spin_ns(%d);", op.spin_ns);
    switch (op.kind) {
      case OpKind::kBarrier:
        w.Linef("spin_barrier_wait(&barrier_%d);", op.barrier);
        break;
      case OpKind::kClose:
        w.Linef("close_handle(&%s);", map_.handle(op.handle).c_name);
        break;
      default:
        dialect_.WriteCall(w, op, CallId(t, i), text.code,
                           op.kind == OpKind::kOpen && !op.result.empty()
                               ? map_.handle(op.result).c_name
                               : "");
        break;
    }
  }
  std::vector<std::string> still_held;
  for (const std::string& handle : held) {
    if (!closed.contains(handle)) still_held.push_back(handle);
  }
  if (!still_held.empty()) w.Comment("end of round: close what is still held");
  for (const std::string& handle : still_held) {
    w.Linef("close_handle(&%s);", handle);
  }
  w.Close();
}

void CEmitter::WriteRun(CWriter& w) const {
  const RuntimeUse use = Use();
  std::vector<std::string> names;
  for (size_t t = 0; t < scenario_.threads.size(); ++t) {
    names.push_back(absl::StrFormat("thread_%d", t + 1));
  }
  w.Blank();
  w.Linef("static void (*const thread_round[THREAD_COUNT])(void) = { %s };",
          absl::StrJoin(names, ", "));
  dialect_.WriteWorkerAndSummary(w);

  std::vector<std::string> setup = dialect_.ExtraSetup();
  if (use.tree) setup.push_back("build_tree() != 0");
  if (use.absolute_paths) setup.push_back("build_absolute_paths() != 0");
  if (use.shared) setup.push_back("open_shared() != 0");

  if (ends_) dialect_.WriteOrderCheck(w, *ends_);
  w.Blank();
  w.BlockComment({
      "Sets up, runs the rounds and prints the summary; returns the exit",
      "status. After a failed setup main removes the sandbox and returns,",
      "which ends the threads still waiting for a round.",
  });
  w.Line("static int run(void)");
  w.Open("");
  dialect_.WriteThreadDeclarations(w);
  w.Line("unsigned long failing_rounds = 0;");
  w.Blank();
  if (!setup.empty()) {
    w.Linef("if (%s)", absl::StrJoin(setup, " || "));
    w.Indented("return 2;");
  }
  dialect_.WriteThreadStart(w);
  w.Open("for (unsigned long round = 0; round < rounds; round++)");
  if (use.mutates) {
    w.Line("if (round > 0 && rebuild_tree() != 0)");
    w.Indented("return 2;");
  }
  w.Line("spin_barrier_wait(&round_start);");
  w.Line("spin_barrier_wait(&round_end);");
  if (ends_) {
    w.Line("if (!round_explained())");
    w.Indented("unexplained_rounds++;");
  }
  w.Linef("if (%s)", dialect_.TakeRoundFailed());
  w.Indented("failing_rounds++;");
  w.Close();
  dialect_.WriteThreadJoin(w);
  if (use.shared) w.Line("close_shared();");
  dialect_.WriteExtraTeardown(w);
  w.Line("return print_summary(failing_rounds);");
  w.Close();
  dialect_.WriteMain(w);
}

absl::StatusOr<std::string> CEmitter::Emit() {
  if (absl::Status s = Analyze(); !s.ok()) return s;
  CWriter w;
  WriteOpeningComment(w);
  w.Blank();
  dialect_.WriteIncludes(w);
  w.Linef("#define DEFAULT_ROUNDS %d", scenario_.rounds);
  w.Linef("#define THREAD_COUNT %d", scenario_.threads.size());
  dialect_.WriteRuntime(w, Use());
  WriteScenarioData(w);
  WriteSetup(w);
  w.Blank();
  w.Comment("---- the threads ----");
  for (size_t t = 0; t < scenario_.threads.size(); ++t) WriteThread(w, t);
  WriteRun(w);
  return std::move(w).Take();
}

}  // namespace

absl::StatusOr<EmitLanguage> ParseEmitLanguage(absl::string_view name) {
  if (name == "c-posix") return EmitLanguage::kPosix;
  if (name == "c-win32") return EmitLanguage::kWin32;
  if (name == "c-nt") return EmitLanguage::kNt;
  return absl::InvalidArgumentError(absl::StrCat(
      "unknown language '", name, "'; expected one of c-posix, c-win32, c-nt"));
}

absl::StatusOr<std::string> EmitC(const Scenario& scenario, EmitLanguage lang,
                                  const EmitOptions& options) {
  // A reproducer runs the scenario outside openrace: the same wall first.
  if (absl::Status valid = ValidateScenario(scenario); !valid.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat("invalid scenario: ", valid.message()));
  }
  std::unique_ptr<CDialect> dialect;
  switch (lang) {
    case EmitLanguage::kPosix:
      dialect = internal::MakePosixDialect();
      break;
    case EmitLanguage::kWin32:
      dialect = internal::MakeWin32Dialect();
      break;
    case EmitLanguage::kNt:
      dialect = internal::MakeNtDialect();
      break;
  }
  if (dialect == nullptr) {
    return absl::InvalidArgumentError("unknown emit language");
  }
  return CEmitter(scenario, options, *dialect).Emit();
}

}  // namespace openrace
