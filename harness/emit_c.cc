#include "harness/emit_c.h"

#include <map>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "absl/functional/function_ref.h"
#include "absl/status/status.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "harness/internal/emit_c_posix_runtime.h"
#include "harness/posix_render.h"

namespace openrace {
namespace {

// ---------------------------------------------------------------------------
// A small writer for C text: lines at the current indentation, blocks that
// indent their body, comments that cannot be closed early by their text.

constexpr absl::string_view kIndent = "    ";

// Text for inside a /* */ comment: "*/" would end it, "??/" at a line's
// end would join the next line to it, a control character would garble it.
std::string CommentText(absl::string_view text) {
  std::string out;
  for (char c : text) {
    if (!out.empty() && ((c == '/' && out.back() == '*') ||
                         (c == '?' && out.back() == '?'))) {
      out += ' ';
    }
    out += (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) ? '?' : c;
  }
  return out;
}

// A C string literal. Octal escapes always have three digits, so a following
// digit cannot extend them; '?' is escaped so no trigraph can form.
std::string CString(absl::string_view text) {
  std::string out = "\"";
  for (char c : text) {
    const auto byte = static_cast<unsigned char>(c);
    if (c == '"' || c == '\\' || c == '?') {
      absl::StrAppend(&out, "\\", std::string(1, c));
    } else if (byte < 0x20 || byte >= 0x7f) {
      absl::StrAppendFormat(&out, "\\%03o", byte);
    } else {
      out += c;
    }
  }
  return out + "\"";
}

class CWriter {
 public:
  // One line at the current indentation; an empty line stays empty.
  void Line(absl::string_view text) {
    if (!text.empty()) {
      for (int i = 0; i < depth_; ++i) absl::StrAppend(&out_, kIndent);
    }
    absl::StrAppend(&out_, text, "\n");
  }
  template <typename... Args>
  void Linef(const absl::FormatSpec<Args...>& format, const Args&... args) {
    Line(absl::StrFormat(format, args...));
  }
  void Blank() { Line(""); }
  // The one-line body of an `if` or `for` without braces.
  void Indented(absl::string_view text) {
    ++depth_;
    Line(text);
    --depth_;
  }

  // `head {` (or `{` alone for a function body), then the body one level
  // deeper until Close.
  void Open(absl::string_view head) {
    Line(head.empty() ? "{" : absl::StrCat(head, " {"));
    ++depth_;
  }
  void Close(absl::string_view tail = "}") {
    --depth_;
    Line(tail);
  }

  void Comment(absl::string_view text) {
    Line(absl::StrCat("/* ", CommentText(text), " */"));
  }
  void BlockComment(const std::vector<std::string>& lines) {
    Line("/*");
    for (const std::string& line : lines) {
      Line(line.empty() ? " *" : absl::StrCat(" * ", CommentText(line)));
    }
    Line(" */");
  }

  // Fixed C text, written as it is (it carries its own indentation).
  void Raw(absl::string_view text) { absl::StrAppend(&out_, text); }

  std::string Take() && { return std::move(out_); }

 private:
  std::string out_;
  int depth_ = 0;
};

// ---------------------------------------------------------------------------
// The scenario as the program sees it.

enum class Judgement { kNever, kIfEinval, kIfAnyFailure };

absl::string_view JudgementName(Judgement judgement) {
  switch (judgement) {
    case Judgement::kNever:
      return "NEVER_UNEXPECTED";
    case Judgement::kIfEinval:
      return "UNEXPECTED_IF_EINVAL";
    case Judgement::kIfAnyFailure:
      return "UNEXPECTED_IF_ANY_FAILURE";
  }
  return "";
}

bool IsCall(OpKind kind) {
  return kind != OpKind::kClose && kind != OpKind::kBarrier;
}

bool HasFlag(absl::string_view flags_text, absl::string_view flag) {
  for (absl::string_view part : absl::StrSplit(flags_text, '|')) {
    if (part == flag) return true;
  }
  return false;
}

bool EndsInDots(const Path& path) {
  return path.components.back() == "." || path.components.back() == "..";
}

// The C name of a scenario handle: its own name when it looks like the
// usual `h0` / `d12` (which no libc name does), else `handle_N`.
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

// Where a path leads, judged against the scenario's initial tree.
struct Destination {
  std::vector<std::string> components;  // lexically, from the sandbox root
  // The kind of tree entry the call reaches; unset when POSIX would not
  // reach one (a missing entry, a file used as a directory, a handle that
  // may not be open).
  absl::optional<EntryKind> reached;
};

// How one path appears in the program.
struct PathText {
  std::string dirfd;  // "AT_FDCWD" or a handle's C name
  std::string arg;    // a string literal or absolute_path[N]
  std::string shown;  // "src/a/foo.h", "<sandbox>/src/a/foo.h"
  std::string where;  // "relative to h0"; empty for an absolute path

  // "src/a/foo.h relative to the current directory"
  std::string words() const {
    return where.empty() ? shown : absl::StrCat(shown, " ", where);
  }
};

struct Handle {
  std::string c_name;
  PathText opened_by;  // the path of the open that names it
  Destination target;
};

// What the program says and does for one operation.
struct OpText {
  std::string words;  // in plain words, for comments and the summary
  // Calls only (open, mkdir, stat, delete, rename):
  std::string code;   // the C call expression
  Judgement judgement = Judgement::kNever;
};

// A call's index into the program's stats[], and its name in the summary.
std::string CallId(size_t t, size_t i) {
  return absl::StrFormat("T%d_OP%d", t, i);
}
std::string CallLabel(size_t t, size_t i) {
  return absl::StrFormat("t%d.op%d", t, i);
}

// The placeholder for the sandbox's absolute path: RenderPosixPath puts it
// in front, the program puts the real path there at run time.
constexpr absl::string_view kSandboxRoot = "<sandbox>";

class PosixEmitter {
 public:
  PosixEmitter(const Scenario& scenario, const EmitOptions& options)
      : scenario_(scenario),
        options_(options),
        mutates_(MutatesTree(scenario)) {
    for (const TreeEntry& entry : scenario.tree) tree_[entry.path] = entry.kind;
  }

  absl::StatusOr<std::string> Emit();

 private:
  // Analysis, in scenario order, so handles are known before their uses.
  absl::Status Analyze();
  absl::Status AddHandle(const std::string& name, const Path& path,
                         const OpenFlags& flags);
  absl::StatusOr<const Handle*> FindHandle(const std::string& name) const;
  absl::StatusOr<PathText> RenderPath(const Path& path);
  absl::StatusOr<std::string> Describe(const Op& op);
  absl::StatusOr<std::string> CallCode(const Op& op);
  Destination Follow(const Path& path) const;
  bool IsDirectory(const std::vector<std::string>& components) const;
  bool MustSucceed(const Op& op) const;
  bool MayAnswerEinval(const Op& op) const;
  Judgement Judge(const Op& op, OpRef ref) const;

  // Writing, top to bottom.
  void WriteOpeningComment(CWriter& w) const;
  void WriteRule(std::vector<std::string>& lines) const;
  void WriteRuntime(CWriter& w) const;
  void WriteScenarioData(CWriter& w) const;
  void WriteSetup(CWriter& w) const;
  void WriteThread(CWriter& w, size_t t) const;
  void WriteRun(CWriter& w) const;

  bool HasSpins() const;
  bool HasHandles() const;  // so close_handle is used
  void ForEachCall(absl::FunctionRef<void(size_t t, size_t i)> visit) const;

  const Scenario& scenario_;
  const EmitOptions& options_;
  const bool mutates_;
  std::map<std::string, EntryKind> tree_;
  std::map<std::string, Handle> handles_;
  std::vector<std::string> absolute_suffixes_;     // after the sandbox path
  std::vector<std::vector<OpText>> ops_;           // [thread][op]
  std::map<uint32_t, std::vector<size_t>> barriers_;  // id -> threads
};

absl::Status PosixEmitter::Analyze() {
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
        absl::StatusOr<std::string> code = CallCode(op);
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
        if (threads.empty() || threads.back() != t) threads.push_back(t);
      }
    }
  }
  return absl::OkStatus();
}

absl::Status PosixEmitter::AddHandle(const std::string& name, const Path& path,
                                     const OpenFlags& flags) {
  absl::StatusOr<PathText> opened_by = RenderPath(path);
  if (!opened_by.ok()) return opened_by.status();
  Op open;
  open.path = path;
  open.flags = flags;
  Destination target = Follow(path);
  // Paths anchored on the handle reach entries only when its open cannot
  // fail and gives a directory.
  if (!MustSucceed(open) || target.reached != EntryKind::kDirectory) {
    target.reached.reset();
  }
  handles_[name] = Handle{CHandleName(name, handles_.size()),
                          *std::move(opened_by), std::move(target)};
  return absl::OkStatus();
}

absl::StatusOr<const Handle*> PosixEmitter::FindHandle(
    const std::string& name) const {
  auto it = handles_.find(name);
  if (it == handles_.end()) {
    return absl::InvalidArgumentError(
        absl::StrCat("unknown handle '", name, "'"));
  }
  return &it->second;
}

absl::StatusOr<PathText> PosixEmitter::RenderPath(const Path& path) {
  switch (path.anchor) {
    case Anchor::kCwd: {
      const std::string relative = RenderPosixPath(path, "");
      return PathText{"AT_FDCWD", CString(relative), relative,
                      "relative to the current directory"};
    }
    case Anchor::kHandle: {
      absl::StatusOr<const Handle*> handle = FindHandle(path.handle);
      if (!handle.ok()) return handle.status();
      const std::string& c_name = (*handle)->c_name;
      const std::string relative = RenderPosixPath(path, "");
      return PathText{c_name, CString(relative), relative,
                      absl::StrCat("relative to ", c_name)};
    }
    case Anchor::kAbsolute: {
      const std::string rendered = RenderPosixPath(path, kSandboxRoot);
      if (!absl::StartsWith(rendered, kSandboxRoot)) {
        return absl::InternalError(
            absl::StrCat("RenderPosixPath dropped the sandbox root: ", rendered));
      }
      std::string suffix = rendered.substr(kSandboxRoot.size());
      size_t index = 0;
      while (index < absolute_suffixes_.size() &&
             absolute_suffixes_[index] != suffix) {
        ++index;
      }
      if (index == absolute_suffixes_.size()) {
        absolute_suffixes_.push_back(std::move(suffix));
      }
      return PathText{"AT_FDCWD", absl::StrFormat("absolute_path[%d]", index),
                      rendered, ""};
    }
    case Anchor::kWin32Device:
    case Anchor::kNtObject:
      break;
  }
  return absl::InvalidArgumentError(
      "a \\\\?\\ or \\??\\ path has no POSIX form; emit it with --lang c-win32 "
      "or c-nt");
}

absl::StatusOr<std::string> PosixEmitter::Describe(const Op& op) {
  std::string words;
  if (op.spin_ns > 0) words = absl::StrFormat("spin %d ns, then ", op.spin_ns);
  switch (op.kind) {
    case OpKind::kBarrier:
      return absl::StrFormat("%swait at barrier %d", words, op.barrier);
    case OpKind::kClose: {
      absl::StatusOr<const Handle*> handle = FindHandle(op.handle);
      if (!handle.ok()) return handle.status();
      return absl::StrCat(words, "close ", (*handle)->c_name);
    }
    default:
      break;
  }
  absl::StatusOr<PathText> path = RenderPath(op.path);
  if (!path.ok()) return path.status();
  switch (op.kind) {
    case OpKind::kOpen:
      absl::StrAppend(&words, "open ", path->words(), " (",
                      PosixOpenFlagsText(op.flags), ")");
      if (!op.result.empty()) {
        absl::StrAppend(&words, ", held as ", handles_.at(op.result).c_name);
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
      absl::StatusOr<PathText> to = RenderPath(op.to);
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

absl::StatusOr<std::string> PosixEmitter::CallCode(const Op& op) {
  absl::StatusOr<PathText> path = RenderPath(op.path);
  if (!path.ok()) return path.status();
  const std::string at = absl::StrCat(path->dirfd, ", ", path->arg);
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
    case OpKind::kRename: {
      absl::StatusOr<PathText> to = RenderPath(op.to);
      if (!to.ok()) return to.status();
      return absl::StrFormat("renameat(%s, %s, %s)", at, to->dirfd, to->arg);
    }
    default:
      return absl::InternalError("not a call");
  }
}

bool PosixEmitter::IsDirectory(
    const std::vector<std::string>& components) const {
  if (components.empty()) return true;  // the sandbox root
  auto it = tree_.find(absl::StrJoin(components, "/"));
  return it != tree_.end() && it->second == EntryKind::kDirectory;
}

Destination PosixEmitter::Follow(const Path& path) const {
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

// For a scenario that does not change the tree: true when POSIX has no
// reason to refuse the call.
bool PosixEmitter::MustSucceed(const Op& op) const {
  if (op.kind != OpKind::kStat &&
      !(op.kind == OpKind::kOpen && op.flags.disposition == Disposition::kOpen)) {
    return false;
  }
  const absl::optional<EntryKind> reached = Follow(op.path).reached;
  if (!reached.has_value()) return false;
  if (op.kind == OpKind::kStat) return true;
  const std::string flags = PosixOpenFlagsText(op.flags);
  if (*reached == EntryKind::kFile) return !HasFlag(flags, "O_DIRECTORY");
  return HasFlag(flags, "O_RDONLY");  // a directory opens read-only
}

bool PosixEmitter::MayAnswerEinval(const Op& op) const {
  switch (op.kind) {
    case OpKind::kOpen: {
      // Linux 6.4 and later refuse O_CREAT|O_DIRECTORY.
      const std::string flags = PosixOpenFlagsText(op.flags);
      return HasFlag(flags, "O_CREAT") && HasFlag(flags, "O_DIRECTORY");
    }
    case OpKind::kDelete:
      return EndsInDots(op.path);
    case OpKind::kRename: {
      if (EndsInDots(op.path) || EndsInDots(op.to)) return true;
      // A directory cannot move below itself.
      const std::vector<std::string> from = Follow(op.path).components;
      const std::vector<std::string> to = Follow(op.to).components;
      return to.size() > from.size() &&
             std::equal(from.begin(), from.end(), to.begin());
    }
    default:
      return false;
  }
}

Judgement PosixEmitter::Judge(const Op& op, OpRef ref) const {
  if (options_.focus.has_value() && *options_.focus != ref) {
    return Judgement::kNever;
  }
  if (!mutates_ && MustSucceed(op)) return Judgement::kIfAnyFailure;
  if (MayAnswerEinval(op)) return Judgement::kNever;
  return Judgement::kIfEinval;
}

bool PosixEmitter::HasSpins() const {
  for (const ThreadProgram& thread : scenario_.threads) {
    for (const Op& op : thread.ops) {
      if (op.spin_ns > 0) return true;
    }
  }
  return false;
}

bool PosixEmitter::HasHandles() const {
  for (const ThreadProgram& thread : scenario_.threads) {
    for (const Op& op : thread.ops) {
      if (op.kind == OpKind::kOpen) return true;
    }
  }
  return !scenario_.shared.empty();
}

void PosixEmitter::ForEachCall(
    absl::FunctionRef<void(size_t t, size_t i)> visit) const {
  for (size_t t = 0; t < scenario_.threads.size(); ++t) {
    for (size_t i = 0; i < scenario_.threads[t].ops.size(); ++i) {
      if (IsCall(scenario_.threads[t].ops[i].kind)) visit(t, i);
    }
  }
}

// ---------------------------------------------------------------------------
// Writing.

void PosixEmitter::WriteOpeningComment(CWriter& w) const {
  std::vector<std::string> lines = {
      absl::StrCat("repro.c - ", options_.title.empty()
                                     ? "a file-system concurrency failure"
                                     : options_.title),
      ""};
  if (!options_.signature.empty()) {
    lines.push_back(absl::StrCat("Signature: ", options_.signature));
    lines.push_back("");
  }
  lines.push_back(
      "A standalone reproducer written by `openrace emit --lang c-posix`; it");
  lines.push_back("needs only libc and pthreads.");
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
      const Handle& handle = handles_.at(shared.name);
      lines.push_back(absl::StrCat("  ", handle.c_name, ": open ",
                                   handle.opened_by.words(), " (",
                                   PosixOpenFlagsText(shared.flags), ")"));
    }
  }
  lines.push_back("these threads run:");
  for (size_t t = 0; t < ops_.size(); ++t) {
    lines.push_back(absl::StrFormat("  thread %d:", t));
    for (size_t i = 0; i < ops_[t].size(); ++i) {
      lines.push_back(absl::StrFormat("    op %d: %s", i, ops_[t][i].words));
    }
  }
  lines.push_back(
      "All threads start a round together; a barrier releases the threads");
  lines.push_back(
      "that name it together; a handle still held at the end of a round is");
  lines.push_back(mutates_ ? "closed then. The tree is rebuilt between rounds, "
                             "since the threads change it."
                           : "closed then.");
  lines.push_back("");
  WriteRule(lines);
  lines.insert(lines.end(), {
      "",
      "Build:",
      "  gcc -std=c11 -O2 -Wall -Wextra -pthread -o repro repro.c",
      "  clang -std=c11 -O2 -Wall -Wextra -pthread -o repro repro.c",
      "  zig cc -std=c11 -O2 -pthread -o repro repro.c",
      "",
      "Run:",
      "  ./repro DIR [ROUNDS]",
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

void PosixEmitter::WriteRule(std::vector<std::string>& lines) const {
  lines.insert(lines.end(), {
      "A call that fails is retried once, at once; a retry that succeeds",
      "makes the failure \"transient\". A failure is unexpected when",
      "  - it is EINVAL, except where POSIX itself answers EINVAL (removing or",
      "    renaming \".\" or \"..\", renaming a directory into itself, O_CREAT",
      "    with O_DIRECTORY), or",
      "  - the call must succeed: the scenario does not change the tree, and",
      "    the call opens or stats an entry of the tree in a form POSIX",
      "    accepts (every component before the last is a directory, no",
      "    trailing '/' or O_DIRECTORY on a file, no write access to a",
      "    directory).",
  });
  if (options_.focus.has_value()) {
    lines.push_back(absl::StrFormat(
        "Only unexpected failures of thread %d op %d count.",
        options_.focus->thread, options_.focus->op));
  }
  lines.push_back(
      "openrace's own oracle is more precise; this rule is deliberately "
      "simple.");
}

void PosixEmitter::WriteRuntime(CWriter& w) const {
  w.Raw(internal::kIncludes);
  w.Linef("#define DEFAULT_ROUNDS %d", scenario_.rounds);
  w.Linef("#define THREAD_COUNT %d", scenario_.threads.size());
  w.Raw(internal::kSpinBarrier);
  if (HasSpins()) w.Raw(internal::kSpin);
  w.Raw(internal::kCounting);
  if (HasHandles()) w.Raw(internal::kCloseHandle);
  w.Raw(internal::kErrnoNames);
  w.Raw(internal::kSandbox);
}

void PosixEmitter::WriteScenarioData(CWriter& w) const {
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
    w.Linef(".judgement = %s,", JudgementName(ops_[t][i].judgement));
    w.Close("},");
  });
  w.Close("};");

  if (!scenario_.shared.empty()) {
    w.Blank();
    w.Comment("Shared handles, open across all rounds.");
    for (const SharedHandle& shared : scenario_.shared) {
      w.Linef("static int %s = -1;", handles_.at(shared.name).c_name);
    }
  }
  if (!absolute_suffixes_.empty()) {
    w.Blank();
    w.Comment("Absolute paths: the sandbox's path and these, joined at start-up.");
    w.Linef("static char absolute_path[%d][PATH_CAP];", absolute_suffixes_.size());
  }
}

void PosixEmitter::WriteSetup(CWriter& w) const {
  if (!scenario_.tree.empty() || !scenario_.shared.empty()) w.Raw(internal::kSetupOpenat);
  if (!scenario_.tree.empty()) w.Raw(internal::kBuildTree);
  if (!absolute_suffixes_.empty()) {
    w.Blank();
    w.Line("static int build_absolute_paths(void)");
    w.Open("");
    w.Open("static const char *const suffix[] =");
    for (const std::string& suffix : absolute_suffixes_) {
      w.Linef("%s,", CString(suffix));
    }
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
  if (!scenario_.shared.empty()) {
    w.Blank();
    w.Line("static int open_shared(void)");
    w.Open("");
    for (const SharedHandle& shared : scenario_.shared) {
      const Handle& handle = handles_.at(shared.name);
      const PathText& path = handle.opened_by;
      w.Linef("%s = setup_openat(%s, %s, %s);", handle.c_name, path.dirfd,
              path.arg, PosixOpenFlagsText(shared.flags));
      w.Linef("if (%s < 0)", handle.c_name);
      w.Indented("return -1;");
    }
    w.Line("return 0;");
    w.Close();
    w.Blank();
    w.Line("static void close_shared(void)");
    w.Open("");
    for (auto it = scenario_.shared.rbegin(); it != scenario_.shared.rend(); ++it) {
      w.Linef("close_handle(&%s);", handles_.at(it->name).c_name);
    }
    w.Close();
  }
  if (mutates_) {
    w.Blank();
    w.Comment("Puts the tree back as it was before the first round.");
    w.Line("static int rebuild_tree(void)");
    w.Open("");
    std::vector<std::string> steps;
    if (!scenario_.shared.empty()) {
      w.Comment("the rebuild replaces the directories the shared handles name");
      w.Line("close_shared();");
    }
    steps.push_back("clear_sandbox() != 0");
    if (!scenario_.tree.empty()) steps.push_back("build_tree() != 0");
    if (!scenario_.shared.empty()) steps.push_back("open_shared() != 0");
    w.Linef("return %s ? -1 : 0;", absl::StrJoin(steps, " || "));
    w.Close();
  }
}

void PosixEmitter::WriteThread(CWriter& w, size_t t) const {
  const std::vector<Op>& ops = scenario_.threads[t].ops;
  std::vector<std::string> held;  // handles this thread opens
  std::set<std::string> closed;   // ...and closes itself
  bool unheld_open = false, other_call = false, stat = false;
  for (const Op& op : ops) {
    if (op.kind == OpKind::kOpen) {
      if (op.result.empty()) unheld_open = true;
      else held.push_back(handles_.at(op.result).c_name);
    } else if (op.kind == OpKind::kClose) {
      closed.insert(handles_.at(op.handle).c_name);
    } else if (IsCall(op.kind)) {
      other_call = true;
      stat = stat || op.kind == OpKind::kStat;
    }
  }

  w.Blank();
  w.Comment(absl::StrFormat("Thread %d, one round.", t));
  w.Linef("static void thread_%d(void)", t);
  w.Open("");
  for (const std::string& handle : held) w.Linef("int %s = -1;", handle);
  if (unheld_open) w.Line("int fd;");
  if (other_call) w.Line("int rc;");
  if (stat) w.Line("struct stat st;");
  if (!held.empty() || unheld_open || other_call) w.Blank();
  for (size_t i = 0; i < ops.size(); ++i) {
    const Op& op = ops[i];
    const OpText& text = ops_[t][i];
    w.Comment(absl::StrFormat("op %d: %s", i, text.words));
    if (op.spin_ns > 0) w.Linef("spin_ns(%d);", op.spin_ns);
    switch (op.kind) {
      case OpKind::kBarrier:
        w.Linef("spin_barrier_wait(&barrier_%d);", op.barrier);
        break;
      case OpKind::kClose:
        w.Linef("close_handle(&%s);", handles_.at(op.handle).c_name);
        break;
      case OpKind::kOpen:
        if (op.result.empty()) {
          w.Linef("COUNT_CALL(%s, fd, %s);", CallId(t, i), text.code);
          w.Line("close_handle(&fd);");
        } else {
          w.Linef("COUNT_CALL(%s, %s, %s);", CallId(t, i),
                  handles_.at(op.result).c_name, text.code);
        }
        break;
      default:
        w.Linef("COUNT_CALL(%s, rc, %s);", CallId(t, i), text.code);
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

void PosixEmitter::WriteRun(CWriter& w) const {
  std::vector<std::string> names;
  for (size_t t = 0; t < scenario_.threads.size(); ++t) {
    names.push_back(absl::StrFormat("thread_%d", t));
  }
  w.Blank();
  w.Linef("static void (*const thread_round[THREAD_COUNT])(void) = { %s };",
          absl::StrJoin(names, ", "));
  w.Raw(internal::kWorker);
  w.Raw(internal::kSummary);

  std::vector<std::string> setup;
  if (!scenario_.tree.empty()) setup.push_back("build_tree() != 0");
  if (!absolute_suffixes_.empty()) setup.push_back("build_absolute_paths() != 0");
  if (!scenario_.shared.empty()) setup.push_back("open_shared() != 0");

  w.Blank();
  w.BlockComment({
      "Sets up, runs the rounds and prints the summary; returns the exit",
      "status. After a failed setup main removes the sandbox and returns,",
      "which ends the threads still waiting for a round.",
  });
  w.Line("static int run(void)");
  w.Open("");
  w.Line("pthread_t threads[THREAD_COUNT];");
  w.Line("unsigned long failing_rounds = 0;");
  w.Blank();
  if (!setup.empty()) {
    w.Linef("if (%s)", absl::StrJoin(setup, " || "));
    w.Indented("return 2;");
  }
  w.Open("for (int i = 0; i < THREAD_COUNT; i++)");
  w.Line("int err = pthread_create(&threads[i], NULL, worker, (void *)(intptr_t)i);");
  w.Open("if (err != 0)");
  w.Line("fprintf(stderr, \"repro: pthread_create: %s\\n\", strerror(err));");
  w.Line("return 2;");
  w.Close();
  w.Close();
  w.Open("for (unsigned long round = 0; round < rounds; round++)");
  if (mutates_) {
    w.Line("if (round > 0 && rebuild_tree() != 0)");
    w.Indented("return 2;");
  }
  w.Line("spin_barrier_wait(&round_start);");
  w.Line("spin_barrier_wait(&round_end);");
  w.Line("if (atomic_exchange(&round_failed, 0))");
  w.Indented("failing_rounds++;");
  w.Close();
  w.Line("for (int i = 0; i < THREAD_COUNT; i++)");
  w.Indented("pthread_join(threads[i], NULL);");
  if (!scenario_.shared.empty()) w.Line("close_shared();");
  w.Line("return print_summary(failing_rounds);");
  w.Close();
  w.Raw(internal::kMain);
}

absl::StatusOr<std::string> PosixEmitter::Emit() {
  if (absl::Status s = Analyze(); !s.ok()) return s;
  CWriter w;
  WriteOpeningComment(w);
  w.Blank();
  WriteRuntime(w);
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
  switch (lang) {
    case EmitLanguage::kPosix:
      return PosixEmitter(scenario, options).Emit();
    case EmitLanguage::kWin32:
      return absl::UnimplementedError(
          "the c-win32 reproducer is written in the Windows issue");
    case EmitLanguage::kNt:
      return absl::UnimplementedError(
          "the c-nt reproducer is written in the Windows issue");
  }
  return absl::InvalidArgumentError("unknown emit language");
}

}  // namespace openrace
