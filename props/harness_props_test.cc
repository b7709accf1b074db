// harness_props_test.cc — properties of openrace itself, over generated
// scenarios, paths and flags: the text form, validation and confinement,
// the simplifier and minimizer, and the executor's handle hygiene.

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#if __has_include(<linux/openat2.h>)
#include <linux/openat2.h>
#define OPENRACE_HAVE_OPENAT2_H 1
#endif

#include <algorithm>
#include <filesystem>
#include <memory>
#include <random>
#include <string>
#include <system_error>
#include <vector>

#include "gtest/gtest.h"  // before rapidcheck/gtest.h, which needs it
#include <rapidcheck.h>
#include <rapidcheck/gtest.h>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "harness/run/backend.h"
#include "harness/run/executor.h"
#include "harness/repro/minimizer.h"
#include "harness/judge/oracle.h"
#include "harness/run/posix_render.h"
#include "harness/run/sandbox.h"
#include "harness/scenario/scenario_text.h"
#include "harness/scenario/simplify.h"
#include "harness/scenario/validate.h"
#include "harness/rapidcheck/generators.h"
#include "props/props_util.h"

namespace openrace {
namespace {

using rapidcheck::GenOneThread;
using rapidcheck::GenOpenFlags;
using rapidcheck::GenPath;
using rapidcheck::GenScenario;

// --- the text form -----------------------------------------------------------

RC_GTEST_PROP(TextProps, GeneratedScenariosRoundTrip, ()) {
  const Scenario s = *GenScenario();
  const std::string text = PrintScenario(s);
  const absl::StatusOr<Scenario> parsed = ParseScenario(text);
  RC_ASSERT(parsed.ok());
  RC_ASSERT(*parsed == s);
  RC_ASSERT(PrintScenario(*parsed) == text);
}

// Any path shape and any flags, in an op of each kind that prints them.
RC_GTEST_PROP(TextProps, PathsAndFlagsRoundTripInAnyOp, ()) {
  Op op;
  op.kind = *rc::gen::element(OpKind::kOpen, OpKind::kStat, OpKind::kMkdir,
                              OpKind::kDelete, OpKind::kRename);
  op.path = *GenPath();
  if (op.kind == OpKind::kOpen) op.flags = *GenOpenFlags();
  if (op.kind == OpKind::kRename) op.to = *GenPath();
  if (op.kind == OpKind::kDelete && *rc::gen::arbitrary<bool>()) {
    op.flags.options = options::kDirectoryFile;
  }
  op.spin_ns = *rc::gen::inRange<uint32_t>(0, 100000);
  // What the printer leaves out: the separator style and doubling of a
  // path that shows no separator.
  for (Path* p : {&op.path, &op.to}) {
    if (p->components.size() < 2 && !p->trailing_separator) {
      p->separator = SeparatorStyle::kSlash;
      p->doubled_separators = false;
    }
  }
  Scenario s;
  s.threads.push_back(ThreadProgram{{op}});
  const std::string text = PrintScenario(s);
  RC_LOG() << text;
  const absl::StatusOr<Scenario> parsed = ParseScenario(text);
  RC_ASSERT(parsed.ok());
  RC_ASSERT(*parsed == s);
}

// --- validation and confinement ---------------------------------------------

RC_GTEST_PROP(ValidateProps, GeneratedScenariosValidate, ()) {
  const Scenario s = *GenScenario();
  const absl::Status status = ValidateScenario(s);
  RC_LOG() << status;
  RC_ASSERT(status.ok());
}

RC_GTEST_PROP(ValidateProps, OneThreadOfAScenarioValidatesAlone, ()) {
  const Scenario s = *GenOneThread();
  RC_ASSERT(s.threads.size() == 1u);
  RC_ASSERT(ValidateScenario(s).ok());
}

// The printed text as a measure: shorter, or as long with fewer
// backslashes (the one plain-spelling step that keeps the length).
std::pair<size_t, size_t> Measure(const std::string& text) {
  return {text.size(), static_cast<size_t>(std::count(text.begin(), text.end(), '\\'))};
}

RC_GTEST_PROP(SimplifyProps, EverySimplificationIsValidAndSmaller, ()) {
  const Scenario s = *GenScenario();
  const std::string text = PrintScenario(s);
  for (const Candidate& c : Simplifications(s)) {
    RC_LOG() << c.step << "\n";
    RC_ASSERT(ValidateScenario(c.scenario).ok());
    RC_ASSERT(!(c.scenario == s));
    const std::string candidate = PrintScenario(c.scenario);
    // A step that changes only what the text does not show is the
    // subject of the disabled property below.
    if (candidate == text) continue;
    // Every step decreases the measure, so shrinking through
    // Simplifications() terminates.
    RC_ASSERT(Measure(candidate) < Measure(text));
  }
}

// A step that changes nothing visible would be a wasted, invisible
// minimizer step (a hidden separator style on a one-component path, say).
RC_GTEST_PROP(SimplifyProps, EverySimplificationChangesTheText, ()) {
  const Scenario s = *GenScenario();
  const std::string text = PrintScenario(s);
  for (const Candidate& c : Simplifications(s)) {
    if (PrintScenario(c.scenario) == text) RC_FAIL(c.step + " prints like its parent");
  }
}

// Where a path lands, folded lexically from a base depth; -1 when some
// prefix climbs above the sandbox root.
int LexicalDepth(absl::string_view relative, int base_depth) {
  int depth = base_depth;
  for (absl::string_view c : absl::StrSplit(relative, '/', absl::SkipEmpty())) {
    if (c == ".") continue;
    if (c == "..") {
      if (--depth < 0) return -1;
    } else {
      ++depth;
    }
  }
  return depth;
}

// The kernel's view, where it has openat2: resolving `relative` beneath
// `root_fd` with RESOLVE_BENEATH. Every directory the walk passes through
// is made first (as a directory, whatever the tree says), so the walk is
// not cut short by a missing entry before it could climb out. Returns the
// errno (0 for success), or -1 without openat2.
int KernelResolveBeneath(int root_fd, const std::string& relative) {
#ifdef OPENRACE_HAVE_OPENAT2_H
  std::vector<std::string> position;
  std::vector<std::string> parts = absl::StrSplit(relative, '/', absl::SkipEmpty());
  for (size_t i = 0; i + 1 < parts.size(); ++i) {
    if (parts[i] == ".") continue;
    if (parts[i] == "..") {
      if (position.empty()) break;  // the climb out: nothing to make
      position.pop_back();
      continue;
    }
    position.push_back(parts[i]);
    mkdirat(root_fd, absl::StrJoin(position, "/").c_str(), 0755);
  }
  struct open_how how = {};
  how.flags = O_PATH | O_CLOEXEC;
  how.resolve = RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS;
  const long fd = syscall(SYS_openat2, root_fd, relative.c_str(), &how, sizeof how);
  if (fd >= 0) {
    close(static_cast<int>(fd));
    return 0;
  }
  return errno == ENOSYS ? -1 : errno;
#else
  (void)root_fd;
  (void)relative;
  return -1;
#endif
}

// A scratch directory for the kernel checks, emptied per case.
class Scratch {
 public:
  Scratch() {
    path_ = absl::StrCat(props::PropsDir(), "/confine-", getpid());
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
    std::filesystem::create_directories(path_, ignored);
    fd_ = open(path_.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  }
  ~Scratch() {
    if (fd_ >= 0) close(fd_);
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
  }
  int fd() const { return fd_; }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
  int fd_ = -1;
};

// The path as the POSIX backend renders it, made relative to the sandbox
// root: absolute renderings must start with the root.
std::string RelativeToRoot(const Path& path, const std::string& root,
                           const std::vector<std::string>& base) {
  const std::string rendered = RenderPosixPath(path, root);
  if (path.anchor == Anchor::kAbsolute) {
    RC_ASSERT(absl::StartsWith(rendered, root + "/"));
    return rendered.substr(root.size() + 1);
  }
  RC_ASSERT(!absl::StartsWith(rendered, "/"));
  if (path.anchor == Anchor::kHandle && !base.empty()) {
    return absl::StrCat(absl::StrJoin(base, "/"), "/", rendered);
  }
  return rendered;
}

RC_GTEST_PROP(ConfinementProps, EveryGeneratedPathStaysInTheSandbox, ()) {
  const Scenario s = *GenScenario();
  RC_PRE(ValidateScenario(s).ok());
  Scratch scratch;
  RC_ASSERT(scratch.fd() >= 0);
  // Every path, with the directory its anchor stands for.
  std::vector<std::pair<std::string, std::vector<std::string>>> handles;
  std::vector<std::pair<Path, std::vector<std::string>>> paths;
  auto base_of = [&](const Path& p) {
    std::vector<std::string> base;
    for (const auto& [name, target] : handles) {
      if (p.anchor == Anchor::kHandle && name == p.handle) base = target;
    }
    return base;
  };
  for (const SharedHandle& h : s.shared) {
    paths.push_back({h.path, base_of(h.path)});
    const absl::StatusOr<std::vector<std::string>> t = ResolvePath(h.path, handles);
    RC_ASSERT(t.ok());
    handles.push_back({h.name, *t});
  }
  for (const ThreadProgram& thread : s.threads) {
    for (const Op& op : thread.ops) {
      if (op.kind == OpKind::kClose || op.kind == OpKind::kBarrier) continue;
      paths.push_back({op.path, base_of(op.path)});
      if (op.kind == OpKind::kRename) paths.push_back({op.to, base_of(op.to)});
      const absl::StatusOr<std::vector<std::string>> t = ResolvePath(op.path, handles);
      RC_ASSERT(t.ok());
      if (op.kind == OpKind::kOpen && !op.result.empty()) {
        handles.push_back({op.result, *t});
      }
    }
  }
  for (const auto& [path, base] : paths) {
    const std::string relative = RelativeToRoot(path, scratch.path(), base);
    RC_LOG() << PrintPath(path) << " -> " << relative << "\n";
    RC_ASSERT(LexicalDepth(relative, 0) >= 0);
    const int error = KernelResolveBeneath(scratch.fd(), relative);
    RC_ASSERT(error != EXDEV);
  }
}

// The validator, the lexical rule and the kernel agree on which path shapes
// leave the sandbox, escaping ones included.
RC_GTEST_PROP(ConfinementProps, ValidatorAgreesWithTheKernelOnAnyPathShape, ()) {
  const Path path = *GenPath();
  Scratch scratch;
  RC_ASSERT(scratch.fd() >= 0);
  const bool valid = ResolvePath(path, {}).ok();
  const std::string relative = RelativeToRoot(path, scratch.path(), {});
  RC_LOG() << PrintPath(path) << " -> " << relative << "\n";
  RC_ASSERT(valid == (LexicalDepth(relative, 0) >= 0));
  const int error = KernelResolveBeneath(scratch.fd(), relative);
  if (error >= 0) RC_ASSERT(valid == (error != EXDEV));
}

TEST(ConfinementProps, KernelCheckIsLive) {
  Scratch scratch;
  ASSERT_GE(scratch.fd(), 0);
  const int error = KernelResolveBeneath(scratch.fd(), "a/../..");
  if (error < 0) GTEST_SKIP() << "no openat2 here: the kernel checks are skipped";
  EXPECT_EQ(error, EXDEV);
  EXPECT_EQ(KernelResolveBeneath(scratch.fd(), "a/b/../c"), ENOENT);
}

// --- the POSIX flag mapping --------------------------------------------------

RC_GTEST_PROP(PosixRenderProps, CreatingDispositionsAndOnlyThoseSetOCreat, ()) {
  const OpenFlags flags = *GenOpenFlags();
  const int f = PosixOpenFlags(flags);
  const Disposition d = flags.disposition;
  RC_ASSERT(((f & O_CREAT) != 0) ==
            (d == Disposition::kCreate || d == Disposition::kOpenIf ||
             d == Disposition::kOverwriteIf || d == Disposition::kSupersede));
  RC_ASSERT(((f & O_EXCL) != 0) == (d == Disposition::kCreate));
  RC_ASSERT((f & O_CLOEXEC) != 0);
  if ((f & O_TRUNC) != 0) RC_ASSERT((f & O_ACCMODE) != O_RDONLY);
  RC_ASSERT(((f & O_DIRECTORY) != 0) ==
            ((flags.options & options::kDirectoryFile) != 0));
}

// --- the minimizer -------------------------------------------------------------

// Which call an op is, for a planted predicate: kind, anchor and target.
std::string Key(const Op& op, const std::string& target) {
  return absl::StrCat(OpKindName(op.kind), " ", AnchorName(op.path.anchor), ":",
                      target);
}

// A deterministic file system whose bug is a known predicate: every round
// fails when one thread has a call `a` and another thread a call `b`.
class PredicateProber : public Prober {
 public:
  PredicateProber(std::string a, std::string b) : a_(std::move(a)), b_(std::move(b)) {}

  bool HasBug(const Scenario& s) const {
    const props::ResolvedPaths r = props::Resolve(s);
    std::vector<bool> has_a(s.threads.size()), has_b(s.threads.size());
    for (size_t t = 0; t < s.threads.size(); ++t) {
      for (size_t i = 0; i < s.threads[t].ops.size(); ++i) {
        const Op& op = s.threads[t].ops[i];
        if (op.kind == OpKind::kClose || op.kind == OpKind::kBarrier) continue;
        const std::string key = Key(op, r.targets[t][i]);
        if (key == a_) has_a[t] = true;
        if (key == b_) has_b[t] = true;
      }
    }
    for (size_t t = 0; t < s.threads.size(); ++t) {
      for (size_t u = 0; u < s.threads.size(); ++u) {
        if (t != u && has_a[t] && has_b[u]) return true;
      }
    }
    return false;
  }

  absl::StatusOr<TrialResult> Run(const Scenario& scenario,
                                  const absl::optional<Signature>& want,
                                  uint64_t max_rounds, uint64_t stop_after) override {
    TrialResult result;
    if (!HasBug(scenario)) {
      result.rounds = max_rounds;
      return result;
    }
    result.rounds = stop_after ? std::min(stop_after, max_rounds) : max_rounds;
    result.failures = result.rounds;
    return result;
  }

 private:
  std::string a_, b_;
};

RC_GTEST_PROP(MinimizerProps, ResultStillFailsAndNoSingleSimplificationDoes, ()) {
  const Scenario s = *GenScenario();
  // The planted bug: a call of one thread meeting a call of another.
  std::vector<std::pair<size_t, size_t>> calls;
  for (size_t t = 0; t < s.threads.size(); ++t) {
    for (size_t i = 0; i < s.threads[t].ops.size(); ++i) {
      const OpKind k = s.threads[t].ops[i].kind;
      if (k != OpKind::kClose && k != OpKind::kBarrier) calls.push_back({t, i});
    }
  }
  const auto a = *rc::gen::elementOf(calls);
  std::vector<std::pair<size_t, size_t>> others;
  for (const auto& c : calls) {
    if (c.first != a.first) others.push_back(c);
  }
  RC_PRE(!others.empty());
  const auto b = *rc::gen::elementOf(others);
  const props::ResolvedPaths r = props::Resolve(s);
  PredicateProber prober(
      Key(s.threads[a.first].ops[a.second], r.targets[a.first][a.second]),
      Key(s.threads[b.first].ops[b.second], r.targets[b.first][b.second]));
  RC_ASSERT(prober.HasBug(s));

  MinimizeOptions options;
  options.budget = absl::Seconds(60);
  const absl::StatusOr<MinimizeResult> result =
      Minimize(s, *ParseSignature("open-invalid_parameter-EINVAL-transient-cwd"),
               prober, options);
  RC_ASSERT(result.ok());
  RC_LOG() << "minimized:\n" << PrintScenario(result->scenario);
  RC_ASSERT(result->one_minimal);
  RC_ASSERT(ValidateScenario(result->scenario).ok());
  RC_ASSERT(prober.HasBug(result->scenario));
  RC_ASSERT(result->scenario.threads.size() == 2u);
  for (const Candidate& c : Simplifications(result->scenario)) {
    if (prober.HasBug(c.scenario)) RC_FAIL("still fails after: " + c.step);
  }
}

// --- the executor ----------------------------------------------------------------

size_t OpenDescriptors() {
  size_t n = 0;
  for (const auto& entry : std::filesystem::directory_iterator("/proc/self/fd")) {
    (void)entry;
    ++n;
  }
  return n;
}

void RunLeavesNoDescriptorOpen(const Scenario& s) {
  absl::StatusOr<std::unique_ptr<Backend>> backend = MakeBackend("posix");
  RC_ASSERT(backend.ok());
  absl::StatusOr<std::unique_ptr<Sandbox>> sandbox = Sandbox::Create(props::PropsDir());
  RC_ASSERT(sandbox.ok());
  Executor executor(**backend, ExecutorOptions{});
  const size_t before = OpenDescriptors();
  const absl::Status status =
      executor.Run(s, **sandbox, 3, [](const RoundTrace&) { return true; });
  const size_t after = OpenDescriptors();
  RC_LOG() << status;
  RC_ASSERT(status.ok());
  RC_ASSERT(after == before);
}

RC_GTEST_PROP(ExecutorProps, RunLeavesNoDescriptorOpen, ()) {
  RunLeavesNoDescriptorOpen(*GenScenario());
}

RC_GTEST_PROP(ExecutorProps, OneThreadRunLeavesNoDescriptorOpen, ()) {
  RunLeavesNoDescriptorOpen(*GenOneThread());
}

}  // namespace
}  // namespace openrace
