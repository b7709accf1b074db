#include "harness/report/emit_c.h"

#include <sys/wait.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <initializer_list>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "gtest/gtest.h"
#include "harness/scenario/scenario.h"
#include "harness/scenario/validate.h"

namespace openrace {
namespace {

namespace fs = std::filesystem;

// ---- building scenarios -----------------------------------------------------

Path MakePath(Anchor anchor, absl::string_view relative,
              std::string handle = "") {
  Path path;
  path.anchor = anchor;
  path.handle = std::move(handle);
  path.components = absl::StrSplit(relative, '/');
  return path;
}
Path Cwd(absl::string_view relative) {
  return MakePath(Anchor::kCwd, relative);
}
Path Abs(absl::string_view relative) {
  return MakePath(Anchor::kAbsolute, relative);
}
Path On(std::string handle, absl::string_view relative) {
  return MakePath(Anchor::kHandle, relative, std::move(handle));
}

Op Open(Path path, std::string result = "") {
  Op op;
  op.kind = OpKind::kOpen;
  op.path = std::move(path);
  op.result = std::move(result);
  return op;
}
Op OpenDirectory(Path path, std::string result = "") {
  Op op = Open(std::move(path), std::move(result));
  op.flags.options = options::kDirectoryFile;
  return op;
}
Op Create(Path path) {
  Op op = Open(std::move(path));
  op.flags.access = access::kGenericWrite;
  op.flags.disposition = Disposition::kCreate;
  return op;
}
Op PathOp(OpKind kind, Path path) {
  Op op;
  op.kind = kind;
  op.path = std::move(path);
  return op;
}
Op RemoveDirectory(Path path) {
  Op op = PathOp(OpKind::kDelete, std::move(path));
  op.flags.options = options::kDirectoryFile;
  return op;
}
Op Rename(Path from, Path to) {
  Op op = PathOp(OpKind::kRename, std::move(from));
  op.to = std::move(to);
  return op;
}
Op Close(std::string handle) {
  Op op;
  op.kind = OpKind::kClose;
  op.handle = std::move(handle);
  return op;
}
Op Barrier(uint32_t id) {
  Op op;
  op.kind = OpKind::kBarrier;
  op.barrier = id;
  return op;
}
Op Spun(Op op, uint32_t ns) {
  op.spin_ns = ns;
  return op;
}

Scenario WithThreads(std::initializer_list<std::vector<Op>> threads) {
  Scenario scenario;
  scenario.rounds = 200;
  scenario.tree = {{EntryKind::kDirectory, "src"},
                   {EntryKind::kDirectory, "src/a"},
                   {EntryKind::kFile, "src/a/foo.h"}};
  for (const std::vector<Op>& ops : threads) {
    scenario.threads.push_back(ThreadProgram{ops});
  }
  return scenario;
}

// The seed bug pattern: one thread holds src/a/foo.h while another opens it.
Scenario SeedScenario() {
  return WithThreads({
      {Open(Cwd("src/a/foo.h"), "h0"), Barrier(1), Barrier(2), Close("h0")},
      {Barrier(1), Open(Cwd("src/a/foo.h")), Barrier(2)},
  });
}

Scenario MutatingScenario() {
  return WithThreads({
      {PathOp(OpKind::kMkdir, Cwd("src/b")), Barrier(1),
       Rename(Cwd("src/b"), Cwd("src/c")), Create(Cwd("src/a/new.h"))},
      {Barrier(1), PathOp(OpKind::kStat, Cwd("src/b")),
       RemoveDirectory(Cwd("src/c")), PathOp(OpKind::kDelete, Cwd("src/a/foo.h"))},
  });
}

Scenario HandleScenario() {
  Scenario scenario = WithThreads({
      {OpenDirectory(On("d0", "a"), "h0"), Barrier(1), Open(On("h0", "foo.h")),
       PathOp(OpKind::kStat, On("h0", "./foo.h")), Close("h0")},
      {Barrier(1), Open(On("d0", "a/foo.h")),
       PathOp(OpKind::kStat, On("d0", "../src/a/foo.h"))},
  });
  SharedHandle shared;
  shared.name = "d0";
  shared.path = Cwd("src");
  shared.flags.options = options::kDirectoryFile;
  scenario.shared.push_back(shared);
  return scenario;
}

Scenario SpellingScenario() {
  Path doubled = Cwd("src/a/foo.h");
  doubled.doubled_separators = true;
  Path backslashed = Abs("src/a/foo.h");
  backslashed.separator = SeparatorStyle::kBackslash;
  Path trailing = Abs("src/a");
  trailing.trailing_separator = true;
  trailing.doubled_separators = true;
  return WithThreads({
      {Spun(Open(Abs("src/a/foo.h")), 500), Barrier(7),
       PathOp(OpKind::kStat, trailing)},
      {Barrier(7), Spun(Open(doubled), 2000), Open(backslashed),
       Spun(Barrier(8), 100)},
      {Spun(Barrier(8), 300), Open(Abs("src/a/foo.h"))},
  });
}

absl::StatusOr<std::string> EmitPosix(const Scenario& scenario,
                                      const EmitOptions& options = {}) {
  return EmitC(scenario, EmitLanguage::kPosix, options);
}

// The `.judgement` of stats[id] in an emitted program.
std::string JudgementOf(const std::string& program, absl::string_view id) {
  const size_t entry = program.find(absl::StrCat("[", id, "] = {"));
  if (entry == std::string::npos) return "(no entry)";
  const size_t field = program.find(".judgement = ", entry);
  const size_t end = program.find(',', field);
  return program.substr(field + 13, end - field - 13);
}

// ---- compiling and running --------------------------------------------------

bool HaveCommand(const std::string& name) {
  return std::system(("command -v " + name + " >/dev/null 2>&1").c_str()) == 0;
}

std::string ReadFile(const fs::path& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

int ExitStatus(int system_result) {
  return WIFEXITED(system_result) ? WEXITSTATUS(system_result) : -1;
}

// A private directory holding the program, its build and its run directory.
class ProgramTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string pattern = (fs::path(::testing::TempDir()) / "emit_c-XXXXXX");
    ASSERT_NE(mkdtemp(pattern.data()), nullptr);
    work_ = pattern;
    run_dir_ = work_ / "fs";
    fs::create_directory(run_dir_);
  }
  void TearDown() override { fs::remove_all(work_); }

  // Compiles `program` with `compiler` and the strictest warnings; returns
  // false (with the compiler's messages in the failure) when it does not.
  bool Compile(const std::string& program, const std::string& compiler = "gcc") {
    std::ofstream(work_ / "repro.c") << program;
    const std::string command = absl::StrCat(
        "cd '", work_.string(), "' && ", compiler,
        " -std=c11 -O2 -Wall -Wextra -Werror -pthread -o repro repro.c"
        " >compile.log 2>&1");
    if (std::system(command.c_str()) == 0) return true;
    ADD_FAILURE() << compiler << " failed:\n" << ReadFile(work_ / "compile.log");
    return false;
  }

  // Runs the built program with `args`; returns its exit status and keeps
  // what it printed in output_.
  int Run(const std::string& args, const std::string& environment = "") {
    const std::string command =
        absl::StrCat("cd '", work_.string(), "' && ", environment,
                     " ./repro ", args, " >output.txt 2>&1");
    const int status = ExitStatus(std::system(command.c_str()));
    output_ = ReadFile(work_ / "output.txt");
    return status;
  }

  void ExpectCleanRun(const Scenario& scenario, const std::string& compiler = "gcc") {
    if (!HaveCommand(compiler)) GTEST_SKIP() << compiler << " not found";
    absl::StatusOr<std::string> program = EmitPosix(scenario);
    ASSERT_TRUE(program.ok()) << program.status();
    ASSERT_TRUE(Compile(*program, compiler));
    EXPECT_EQ(Run(absl::StrCat("'", run_dir_.string(), "' 50")), 0) << output_;
    EXPECT_TRUE(absl::StrContains(output_, "not reproduced in 50 rounds"))
        << output_;
    EXPECT_TRUE(fs::is_empty(run_dir_)) << "the program left files behind";
  }

  fs::path work_;
  fs::path run_dir_;
  std::string output_;
};

// ---- the programs run -------------------------------------------------------

TEST_F(ProgramTest, SeedPatternCompilesRunsCleanAndLeavesNothingBehind) {
  ExpectCleanRun(SeedScenario());
}

TEST_F(ProgramTest, SeedPatternAlsoCompilesWithClang) {
  ExpectCleanRun(SeedScenario(), "clang");
}

TEST_F(ProgramTest, MutatingScenarioRebuildsItsTreeAndRunsClean) {
  ExpectCleanRun(MutatingScenario());
}

TEST_F(ProgramTest, HandleAnchorsAndSharedHandlesRunClean) {
  ExpectCleanRun(HandleScenario());
}

TEST_F(ProgramTest, AbsolutePathsOddSeparatorsAndSpinsRunClean) {
  ExpectCleanRun(SpellingScenario());
}

TEST_F(ProgramTest, CallsThatPosixRefusesAreNotUnexpected) {
  Path trailing = Cwd("src/a/foo.h");
  trailing.trailing_separator = true;
  Op write_directory = Open(Cwd("src/a"));
  write_directory.flags.access = access::kGenericWrite;
  Scenario scenario = WithThreads({{
      Open(trailing),                         // ENOTDIR
      OpenDirectory(Cwd("src/a/foo.h")),      // ENOTDIR
      Open(Cwd("src/a/foo.h/../foo.h")),      // ENOTDIR
      write_directory,                        // EISDIR
      PathOp(OpKind::kStat, Cwd("src/nothing")),  // ENOENT
  }});
  absl::StatusOr<std::string> program = EmitPosix(scenario);
  ASSERT_TRUE(program.ok()) << program.status();
  for (const char* id : {"T1_OP1", "T1_OP2", "T1_OP3", "T1_OP4", "T1_OP5"}) {
    EXPECT_EQ(JudgementOf(*program, id), "UNEXPECTED_IF_EINVAL") << id;
  }
  ExpectCleanRun(scenario);
  EXPECT_TRUE(absl::StrContains(output_, "ENOTDIR")) << output_;
  EXPECT_TRUE(absl::StrContains(output_, "EISDIR")) << output_;
  EXPECT_TRUE(absl::StrContains(output_, "ENOENT")) << output_;
}

TEST_F(ProgramTest, OddNamesAreEscapedInStringsAndComments) {
  Scenario scenario;
  scenario.rounds = 3;
  // '%' needs care in formats; the rest of what a name may hold
  // (IsValidName) in strings and comments.
  scenario.tree = {{EntryKind::kDirectory, "x%n"},
                   {EntryKind::kDirectory, "x%n/q'$(x)`{}"},
                   {EntryKind::kFile, "x%n/q'$(x)`{}/%s%%d;~!"}};
  scenario.threads = {ThreadProgram{{Open(Cwd("x%n/q'$(x)`{}/%s%%d;~!")),
                                     Open(Abs("x%n/q'$(x)`{}/%s%%d;~!"))}}};
  ExpectCleanRun(scenario);
}

TEST(EmitCTest, RefusesWhatTheValidatorRefuses) {
  // Names no scenario may hold ("*/" would end a comment, "??/" is a
  // trigraph), and an escape of issue 12: a reproducer runs outside
  // openrace, so it is held to the same rules.
  Scenario odd;
  odd.tree = {{EntryKind::kDirectory, "x*"}, {EntryKind::kFile, "x*/q\"?\?"}};
  odd.threads = {ThreadProgram{{Open(Cwd("x*/q\"?\?"))}}};
  Scenario escape = WithThreads(
      {{OpenDirectory(Cwd("src/a"), "h0"), Rename(Cwd("src/a"), Cwd("x")),
        PathOp(OpKind::kDelete, On("h0", "../../victim"))}});
  for (const Scenario& scenario : {odd, escape}) {
    const absl::Status expected = ValidateScenario(scenario);
    ASSERT_FALSE(expected.ok());
    for (EmitLanguage lang :
         {EmitLanguage::kPosix, EmitLanguage::kWin32, EmitLanguage::kNt}) {
      absl::StatusOr<std::string> program = EmitC(scenario, lang, {});
      EXPECT_EQ(program.status(),
                absl::InvalidArgumentError(
                    absl::StrCat("invalid scenario: ", expected.message())));
    }
  }
}

// A stand-in for the file-system bug: every fifth relative openat fails with
// FLAKY_ERRNO (EINVAL unless -D says otherwise), and an immediate retry (the
// next call) succeeds.
constexpr char kFlakyOpenat[] = R"c(
#define _GNU_SOURCE
#ifndef FLAKY_ERRNO
#define FLAKY_ERRNO EINVAL
#endif
#include <dlfcn.h>
#include <errno.h>
#include <stdarg.h>
#include <stdatomic.h>
static atomic_int calls;
int openat(int dirfd, const char *path, int flags, ...)
{
    static int (*real)(int, const char *, int, ...);
    va_list ap;
    va_start(ap, flags);
    int mode = va_arg(ap, int);
    va_end(ap);
    if (!real)
        real = (int (*)(int, const char *, int, ...))dlsym(RTLD_NEXT, "openat");
    if (path[0] != '/' && atomic_fetch_add(&calls, 1) % 5 == 4) {
        errno = FLAKY_ERRNO;
        return -1;
    }
    return real(dirfd, path, flags, mode);
}
)c";

TEST_F(ProgramTest, ReportsReproducedAndExitsOneWhenOpensFailWithEinval) {
  if (!HaveCommand("gcc")) GTEST_SKIP() << "gcc not found";
  std::ofstream(work_ / "flaky.c") << kFlakyOpenat;
  ASSERT_EQ(std::system(absl::StrCat("cd '", work_.string(),
                                     "' && gcc -shared -fPIC -o flaky.so flaky.c"
                                     " -ldl")
                            .c_str()),
            0);
  absl::StatusOr<std::string> program = EmitPosix(SeedScenario());
  ASSERT_TRUE(program.ok()) << program.status();
  ASSERT_TRUE(Compile(*program));

  EXPECT_EQ(Run(absl::StrCat("'", run_dir_.string(), "' 100"),
                absl::StrCat("LD_PRELOAD='", (work_ / "flaky.so").string(), "'")),
            1)
      << output_;
  EXPECT_TRUE(absl::StrContains(output_, "REPRODUCED: ")) << output_;
  EXPECT_TRUE(absl::StrContains(output_, " in 100 rounds (rate ")) << output_;
  EXPECT_TRUE(absl::StrContains(output_, "EINVAL")) << output_;
  EXPECT_TRUE(fs::is_empty(run_dir_)) << "the program left files behind";
}

// EIO is never a legal answer (rclone 1.60.1's transient EIO on a create,
// findings/rclone-1.60.1/): the program counts it like EINVAL, or the
// reproducer of an EIO finding would never say REPRODUCED.
TEST_F(ProgramTest, ReportsReproducedWhenOpensFailWithEio) {
  if (!HaveCommand("gcc")) GTEST_SKIP() << "gcc not found";
  std::ofstream(work_ / "flaky.c") << kFlakyOpenat;
  ASSERT_EQ(std::system(absl::StrCat("cd '", work_.string(),
                                     "' && gcc -DFLAKY_ERRNO=EIO -shared -fPIC"
                                     " -o flaky.so flaky.c -ldl")
                            .c_str()),
            0);
  absl::StatusOr<std::string> program = EmitPosix(SeedScenario());
  ASSERT_TRUE(program.ok()) << program.status();
  EXPECT_TRUE(absl::StrContains(*program, "it is EIO")) << "the rule says so";
  ASSERT_TRUE(Compile(*program));

  EXPECT_EQ(Run(absl::StrCat("'", run_dir_.string(), "' 100"),
                absl::StrCat("LD_PRELOAD='", (work_ / "flaky.so").string(), "'")),
            1)
      << output_;
  EXPECT_TRUE(absl::StrContains(output_, "REPRODUCED: ")) << output_;
  EXPECT_TRUE(absl::StrContains(output_, "EIO")) << output_;
  EXPECT_TRUE(fs::is_empty(run_dir_)) << "the program left files behind";
}

// A rename that answers success and does nothing, every third time.
constexpr char kLostRename[] = R"c(
#define _GNU_SOURCE
#include <dlfcn.h>
#include <stdatomic.h>
static atomic_int calls;
int renameat(int fromfd, const char *from, int tofd, const char *to)
{
    static int (*real)(int, const char *, int, const char *);
    if (!real)
        real = (int (*)(int, const char *, int, const char *))dlsym(RTLD_NEXT, "renameat");
    if (atomic_fetch_add(&calls, 1) % 3 == 2)
        return 0;
    return real(fromfd, from, tofd, to);
}
)c";

// Races whose every outcome is legal: a create against an unlink of the
// same name, and a rename against a stat of its source.
const char kLegalRaces[] = R"(openrace-scenario 1
rounds 300
dir d
file d/f
thread
  open cwd:d/x access=read|write disp=open_if
  rename cwd:d/f -> cwd:d/g
thread
  delete cwd:d/x
  stat cwd:d/f
)";

TEST_F(ProgramTest, TheOrderCheckPassesLegalRacesAndCatchesALostRename) {
  if (!HaveCommand("gcc")) GTEST_SKIP() << "gcc not found";
  absl::StatusOr<Scenario> scenario = ParseScenario(kLegalRaces);
  ASSERT_TRUE(scenario.ok()) << scenario.status();
  EmitOptions options;
  options.check_orders = true;
  absl::StatusOr<std::string> program = EmitPosix(*scenario, options);
  ASSERT_TRUE(program.ok()) << program.status();
  EXPECT_TRUE(absl::StrContains(*program, "\"ok,ok,ok,ok|d d,f d/g\",")) << *program;
  ASSERT_TRUE(Compile(*program));
  EXPECT_EQ(Run(absl::StrCat("'", run_dir_.string(), "'")), 0) << output_;
  EXPECT_TRUE(absl::StrContains(output_, "not reproduced in 300 rounds")) << output_;

  std::ofstream(work_ / "lost.c") << kLostRename;
  ASSERT_EQ(std::system(absl::StrCat("cd '", work_.string(),
                                     "' && gcc -shared -fPIC -o lost.so lost.c -ldl")
                            .c_str()),
            0);
  EXPECT_EQ(Run(absl::StrCat("'", run_dir_.string(), "' 30"),
                absl::StrCat("LD_PRELOAD='", (work_ / "lost.so").string(), "'")),
            1)
      << output_;
  EXPECT_TRUE(absl::StrContains(
      output_, "REPRODUCED: 10 rounds whose answers and end state no order"))
      << output_;
  EXPECT_TRUE(fs::is_empty(run_dir_)) << "the program left files behind";
}

TEST(EmitCTest, TheOrderCheckIsLeftOutWhereItCannotBeMade) {
  absl::StatusOr<Scenario> scenario = ParseScenario(kLegalRaces);
  ASSERT_TRUE(scenario.ok()) << scenario.status();
  EmitOptions options;
  options.check_orders = true;
  absl::StatusOr<std::string> win32 =
      EmitC(*scenario, EmitLanguage::kWin32, options);
  ASSERT_TRUE(win32.ok()) << win32.status();
  EXPECT_FALSE(absl::StrContains(*win32, "round_ends"));
  EXPECT_TRUE(absl::StrContains(*win32, "only the c-posix program checks"));
  absl::StatusOr<std::string> plain = EmitPosix(*scenario);
  ASSERT_TRUE(plain.ok()) << plain.status();
  EXPECT_FALSE(absl::StrContains(*plain, "round_ends"));
}

TEST_F(ProgramTest, ExitsTwoOnBadUsageAndOnAMissingDirectory) {
  if (!HaveCommand("gcc")) GTEST_SKIP() << "gcc not found";
  absl::StatusOr<std::string> program = EmitPosix(SeedScenario());
  ASSERT_TRUE(program.ok()) << program.status();
  ASSERT_TRUE(Compile(*program));

  EXPECT_EQ(Run(""), 2);
  EXPECT_TRUE(absl::StrContains(output_, "usage: ")) << output_;
  EXPECT_EQ(Run(absl::StrCat("'", run_dir_.string(), "' many")), 2);
  EXPECT_EQ(Run(absl::StrCat("'", run_dir_.string(), "' 0")), 2);
  EXPECT_EQ(Run(absl::StrCat("'", (run_dir_ / "missing").string(), "'")), 2);
  EXPECT_TRUE(absl::StrContains(output_, "cannot make a directory in ")) << output_;
}

TEST_F(ProgramTest, RunsTheScenariosRoundsByDefault) {
  if (!HaveCommand("gcc")) GTEST_SKIP() << "gcc not found";
  absl::StatusOr<std::string> program = EmitPosix(SeedScenario());
  ASSERT_TRUE(program.ok()) << program.status();
  ASSERT_TRUE(Compile(*program));
  EXPECT_EQ(Run(absl::StrCat("'", run_dir_.string(), "'")), 0) << output_;
  EXPECT_TRUE(absl::StrContains(output_, "not reproduced in 200 rounds"))
      << output_;
  EXPECT_TRUE(absl::StrContains(output_, "t2.op2        200      200"))
      << output_;
}

// ---- the text ---------------------------------------------------------------

TEST(EmitCTest, SameScenarioGivesIdenticalText) {
  for (const Scenario& scenario : {SeedScenario(), MutatingScenario(),
                                   HandleScenario(), SpellingScenario()}) {
    EXPECT_EQ(EmitPosix(scenario), EmitPosix(scenario));
  }
}

TEST(EmitCTest, SeedProgramSpellsTheCallsLikeThePosixBackend) {
  EmitOptions options;
  options.title = "openat of a held file fails with EINVAL when relative";
  options.signature = "open/invalid_parameter/transient/cwd";
  absl::StatusOr<std::string> program = EmitPosix(SeedScenario(), options);
  ASSERT_TRUE(program.ok()) << program.status();
  for (const char* expected : {
           "openat of a held file fails with EINVAL when relative",
           "Signature: open/invalid_parameter/transient/cwd",
           "op 1: open src/a/foo.h relative to the current directory "
           "(O_RDONLY|O_CLOEXEC), held as h0",
           "op 2: wait at barrier 1",
           "COUNT_CALL(T1_OP1, h0, openat(AT_FDCWD, \"src/a/foo.h\", "
           "O_RDONLY|O_CLOEXEC));",
           "COUNT_CALL(T2_OP2, fd, openat(AT_FDCWD, \"src/a/foo.h\", "
           "O_RDONLY|O_CLOEXEC));",
           "static struct spin_barrier barrier_2 = { .parties = 2 };",
           "spin_barrier_wait(&barrier_1);",
           "close_handle(&h0);",
           "#define DEFAULT_ROUNDS 200",
           "gcc -std=c11", "clang -std=c11", "zig cc",
           "./repro DIR [ROUNDS]",
       }) {
    EXPECT_TRUE(absl::StrContains(*program, expected)) << expected;
  }
  EXPECT_EQ(JudgementOf(*program, "T1_OP1"), "UNEXPECTED_IF_ANY_FAILURE");
  EXPECT_EQ(JudgementOf(*program, "T2_OP2"), "UNEXPECTED_IF_ANY_FAILURE");
  EXPECT_FALSE(absl::StrContains(*program, "rebuild_tree"));
}

TEST(EmitCTest, MutatingScenarioRebuildsAndJudgesOnlyEinval) {
  absl::StatusOr<std::string> program = EmitPosix(MutatingScenario());
  ASSERT_TRUE(program.ok()) << program.status();
  for (const char* expected : {
           "mkdirat(AT_FDCWD, \"src/b\", 0755)",
           "renameat(AT_FDCWD, \"src/b\", AT_FDCWD, \"src/c\")",
           "openat(AT_FDCWD, \"src/a/new.h\", O_WRONLY|O_CREAT|O_EXCL|O_CLOEXEC, 0644)",
           "fstatat(AT_FDCWD, \"src/b\", &st, 0)",
           "unlinkat(AT_FDCWD, \"src/c\", AT_REMOVEDIR)",
           "unlinkat(AT_FDCWD, \"src/a/foo.h\", 0)",
           "if (round > 0 && rebuild_tree() != 0)",
       }) {
    EXPECT_TRUE(absl::StrContains(*program, expected)) << expected;
  }
  for (const char* id : {"T1_OP1", "T1_OP3", "T1_OP4", "T2_OP2", "T2_OP3"}) {
    EXPECT_EQ(JudgementOf(*program, id), "UNEXPECTED_IF_EINVAL") << id;
  }
}

TEST(EmitCTest, EinvalThatPosixItselfGivesIsNotUnexpected) {
  Op create_directory = OpenDirectory(Cwd("src/d"));
  create_directory.flags.disposition = Disposition::kOpenIf;
  Scenario scenario = WithThreads({{
      RemoveDirectory(Cwd("src/.")),
      Rename(Cwd("src"), Cwd("src/a/inside")),
      create_directory,
      Rename(Cwd("src/a"), Cwd("src/b")),
  }});
  absl::StatusOr<std::string> program = EmitPosix(scenario);
  ASSERT_TRUE(program.ok()) << program.status();
  EXPECT_EQ(JudgementOf(*program, "T1_OP1"), "NEVER_UNEXPECTED");
  EXPECT_EQ(JudgementOf(*program, "T1_OP2"), "NEVER_UNEXPECTED");
  EXPECT_EQ(JudgementOf(*program, "T1_OP3"), "NEVER_UNEXPECTED");
  EXPECT_EQ(JudgementOf(*program, "T1_OP4"), "UNEXPECTED_IF_EINVAL");
}

TEST(EmitCTest, HandlesAnchorCallsAndSharedHandlesOpenBeforeTheRounds) {
  absl::StatusOr<std::string> program = EmitPosix(HandleScenario());
  ASSERT_TRUE(program.ok()) << program.status();
  for (const char* expected : {
           "static int d0 = -1;",
           "d0 = setup_openat(AT_FDCWD, \"src\", O_RDONLY|O_DIRECTORY|O_CLOEXEC);",
           "COUNT_CALL(T1_OP1, h0, openat(d0, \"a\", O_RDONLY|O_DIRECTORY|O_CLOEXEC));",
           "openat(h0, \"foo.h\", O_RDONLY|O_CLOEXEC)",
           "fstatat(h0, \"./foo.h\", &st, 0)",
           "fstatat(d0, \"../src/a/foo.h\", &st, 0)",
       }) {
    EXPECT_TRUE(absl::StrContains(*program, expected)) << expected;
  }
  for (const char* id : {"T1_OP1", "T1_OP3", "T1_OP4", "T2_OP2", "T2_OP3"}) {
    EXPECT_EQ(JudgementOf(*program, id), "UNEXPECTED_IF_ANY_FAILURE") << id;
  }
}

TEST(EmitCTest, AbsolutePathsAreJoinedToTheSandboxAtRunTime) {
  absl::StatusOr<std::string> program = EmitPosix(SpellingScenario());
  ASSERT_TRUE(program.ok()) << program.status();
  for (const char* expected : {
           "snprintf(absolute_path[i], PATH_CAP, \"%s%s\", sandbox, suffix[i])",
           "\"/src/a/foo.h\",",
           "openat(AT_FDCWD, absolute_path[0], O_RDONLY|O_CLOEXEC)",
           "openat(AT_FDCWD, \"src//a//foo.h\", O_RDONLY|O_CLOEXEC)",
           "spin_ns(500);",
           "spin 2000 ns, then open src//a//foo.h",
       }) {
    EXPECT_TRUE(absl::StrContains(*program, expected)) << expected;
  }
  // The same absolute path is stored once.
  EXPECT_EQ(JudgementOf(*program, "T3_OP2"), "UNEXPECTED_IF_ANY_FAILURE");
  EXPECT_TRUE(absl::StrContains(
      *program, "COUNT_CALL(T3_OP2, fd, openat(AT_FDCWD, absolute_path[0],"));
}

TEST(EmitCTest, FocusLimitsTheVerdictToOneCall) {
  EmitOptions options;
  options.focus = OpRef{1, 1};
  absl::StatusOr<std::string> program = EmitPosix(SeedScenario(), options);
  ASSERT_TRUE(program.ok()) << program.status();
  EXPECT_EQ(JudgementOf(*program, "T1_OP1"), "NEVER_UNEXPECTED");
  EXPECT_EQ(JudgementOf(*program, "T2_OP2"), "UNEXPECTED_IF_ANY_FAILURE");
  EXPECT_TRUE(absl::StrContains(
      *program, "Only unexpected failures of thread 2 op 2 count."));
}

TEST(EmitCTest, FocusMustNameACall) {
  EmitOptions options;
  options.focus = OpRef{0, 1};  // a barrier
  EXPECT_EQ(EmitPosix(SeedScenario(), options).status().code(),
            absl::StatusCode::kInvalidArgument);
  options.focus = OpRef{2, 0};
  EXPECT_EQ(EmitPosix(SeedScenario(), options).status().code(),
            absl::StatusCode::kInvalidArgument);
  options.focus = OpRef{1, 3};
  EXPECT_EQ(EmitPosix(SeedScenario(), options).status().code(),
            absl::StatusCode::kInvalidArgument);
}

TEST(EmitCTest, ScenarioWithoutCallsIsAnError) {
  Scenario scenario = WithThreads({{Barrier(1)}, {Barrier(1)}});
  EXPECT_EQ(EmitPosix(scenario).status().code(),
            absl::StatusCode::kInvalidArgument);
}

TEST(EmitCTest, WindowsAnchorsHaveNoPosixForm) {
  for (Anchor anchor : {Anchor::kWin32Device, Anchor::kNtObject}) {
    Scenario scenario =
        WithThreads({{Open(MakePath(anchor, "src/a/foo.h"))}});
    EXPECT_EQ(EmitPosix(scenario).status().code(),
              absl::StatusCode::kInvalidArgument);
  }
}

// ---- the Windows dialects ---------------------------------------------------

absl::StatusOr<std::string> EmitWin32(const Scenario& scenario,
                                      const EmitOptions& options = {}) {
  return EmitC(scenario, EmitLanguage::kWin32, options);
}
absl::StatusOr<std::string> EmitNt(const Scenario& scenario,
                                   const EmitOptions& options = {}) {
  return EmitC(scenario, EmitLanguage::kNt, options);
}

void ExpectContainsAll(const std::string& program,
                       std::initializer_list<const char*> expected) {
  for (const char* text : expected) {
    EXPECT_TRUE(absl::StrContains(program, text)) << text;
  }
}

TEST(EmitWindowsTest, Win32SeedProgramMakesTheBackendsCreateFileWCalls) {
  absl::StatusOr<std::string> program = EmitWin32(SeedScenario());
  ASSERT_TRUE(program.ok()) << program.status();
  ExpectContainsAll(*program, {
      "`openrace emit --lang c-win32`",
      "#include <windows.h>",
      // windows_render.h spells the flags, as the win32 backend's Describe.
      "COUNT_OPEN(T1_OP1, h0, CreateFileW(L\"src/a/foo.h\", GENERIC_READ, "
      "FILE_SHARE_READ|FILE_SHARE_WRITE, NULL, OPEN_EXISTING, "
      "FILE_ATTRIBUTE_NORMAL, NULL));",
      "COUNT_OPEN(T2_OP2, h, CreateFileW(L\"src/a/foo.h\",",
      "close_handle(&h);",
      "HANDLE h0 = INVALID_HANDLE_VALUE;",
      "static struct spin_barrier barrier_1 = { .parties = 2 };",
      "CreateThread(NULL, 0, worker",
      "#define INVALID_PARAMETER_CODE 0x57UL",
      "{ 0x57UL, \"ERROR_INVALID_PARAMETER\" },",
      "x86_64-w64-mingw32-gcc", "cl /nologo", "zig cc -target x86_64-windows-gnu",
      "repro.exe DIR [ROUNDS]",
  });
  EXPECT_FALSE(absl::StrContains(*program, "pthread"));
  EXPECT_FALSE(absl::StrContains(*program, "stdatomic"));
  // Opens may meet a sharing violation: only an invalid parameter counts.
  EXPECT_EQ(JudgementOf(*program, "T1_OP1"), "UNEXPECTED_IF_INVALID_PARAMETER");
  EXPECT_EQ(JudgementOf(*program, "T2_OP2"), "UNEXPECTED_IF_INVALID_PARAMETER");
}

TEST(EmitWindowsTest, NtSeedProgramOpensRelativeToTheCurrentDirectoryHandle) {
  absl::StatusOr<std::string> program = EmitNt(SeedScenario());
  ASSERT_TRUE(program.ok()) << program.status();
  ExpectContainsAll(*program, {
      "`openrace emit --lang c-nt`",
      "GetProcAddress(ntdll, \"NtCreateFile\")",
      "object.RootDirectory = root;",
      "COUNT_NT(T1_OP1, nt_open(&h0, cwd_handle, L\"src\\\\a\\\\foo.h\", "
      "GENERIC_READ, FILE_ATTRIBUTE_NORMAL, "
      "FILE_SHARE_READ|FILE_SHARE_WRITE, FILE_OPEN, 0));",
      "COUNT_NT(T2_OP2, nt_open(&h, cwd_handle,",
      "if (load_ntdll() != 0 || open_current_directory() != 0 || build_tree() != 0)",
      "close_handle(&cwd_handle);",
      "#define INVALID_PARAMETER_CODE 0xC000000DUL",
      "{ 0xC000000DUL, \"STATUS_INVALID_PARAMETER\" },",
  });
  // Only the helpers the scenario uses: -Werror refuses unused functions.
  EXPECT_FALSE(absl::StrContains(*program, "nt_mkdir"));
  EXPECT_FALSE(absl::StrContains(*program, "nt_rename"));
}

TEST(EmitWindowsTest, MutatingScenarioUsesEachCallOfTheBackends) {
  absl::StatusOr<std::string> win32 = EmitWin32(MutatingScenario());
  ASSERT_TRUE(win32.ok()) << win32.status();
  ExpectContainsAll(*win32, {
      "COUNT_CALL(T1_OP1, CreateDirectoryW(L\"src/b\", NULL));",
      "COUNT_CALL(T1_OP3, MoveFileExW(L\"src/b\", L\"src/c\", MOVEFILE_REPLACE_EXISTING));",
      "CREATE_NEW",
      "COUNT_CALL(T2_OP2, GetFileAttributesW(L\"src/b\") != INVALID_FILE_ATTRIBUTES);",
      "COUNT_CALL(T2_OP3, RemoveDirectoryW(L\"src/c\"));",
      "COUNT_CALL(T2_OP4, DeleteFileW(L\"src/a/foo.h\"));",
      "if (round > 0 && rebuild_tree() != 0)",
  });
  absl::StatusOr<std::string> nt = EmitNt(MutatingScenario());
  ASSERT_TRUE(nt.ok()) << nt.status();
  ExpectContainsAll(*nt, {
      "COUNT_NT(T1_OP1, nt_mkdir(cwd_handle, L\"src\\\\b\"));",
      "COUNT_NT(T1_OP3, nt_rename(cwd_handle, L\"src\\\\b\", cwd_handle, L\"src\\\\c\"));",
      "FILE_CREATE",
      "COUNT_NT(T2_OP2, nt_stat(cwd_handle, L\"src\\\\b\"));",
      "COUNT_NT(T2_OP3, nt_delete(cwd_handle, L\"src\\\\c\", 1));",
      "COUNT_NT(T2_OP4, nt_delete(cwd_handle, L\"src\\\\a\\\\foo.h\", 0));",
      "13 /* FileDispositionInformation */",
      "10 /* FileRenameInformation */",
  });
  for (const std::string* program : {&*win32, &*nt}) {
    for (const char* id : {"T1_OP1", "T1_OP3", "T2_OP2", "T2_OP3", "T2_OP4"}) {
      EXPECT_EQ(JudgementOf(*program, id), "UNEXPECTED_IF_INVALID_PARAMETER") << id;
    }
  }
}

TEST(EmitWindowsTest, StatOfATreeEntryMustSucceed) {
  Scenario scenario = WithThreads({
      {PathOp(OpKind::kStat, Cwd("src/a/foo.h")), PathOp(OpKind::kStat, Cwd("src/a/no.h"))},
  });
  for (EmitLanguage lang : {EmitLanguage::kWin32, EmitLanguage::kNt}) {
    absl::StatusOr<std::string> program = EmitC(scenario, lang, {});
    ASSERT_TRUE(program.ok()) << program.status();
    EXPECT_EQ(JudgementOf(*program, "T1_OP1"), "UNEXPECTED_IF_ANY_FAILURE");
    EXPECT_EQ(JudgementOf(*program, "T1_OP2"), "UNEXPECTED_IF_INVALID_PARAMETER");
  }
}

TEST(EmitWindowsTest, InvalidParameterThatTheApiItselfGivesIsNotUnexpected) {
  Op truncate_read_only = Open(Cwd("src/a/foo.h"));
  truncate_read_only.flags.disposition = Disposition::kOverwrite;
  Op directory_overwrite = OpenDirectory(Cwd("src/a"));
  directory_overwrite.flags.disposition = Disposition::kOverwriteIf;
  Op directory_and_not = OpenDirectory(Cwd("src/a"));
  directory_and_not.flags.options |= options::kNonDirectoryFile;
  Scenario scenario = WithThreads({{
      truncate_read_only, directory_overwrite, directory_and_not,
      RemoveDirectory(Cwd("src/.")), Rename(Cwd("src"), Cwd("src/a/inside")),
  }});
  absl::StatusOr<std::string> win32 = EmitWin32(scenario);
  ASSERT_TRUE(win32.ok()) << win32.status();
  EXPECT_EQ(JudgementOf(*win32, "T1_OP1"), "NEVER_UNEXPECTED");
  EXPECT_EQ(JudgementOf(*win32, "T1_OP2"), "UNEXPECTED_IF_INVALID_PARAMETER");
  EXPECT_EQ(JudgementOf(*win32, "T1_OP4"), "NEVER_UNEXPECTED");
  EXPECT_EQ(JudgementOf(*win32, "T1_OP5"), "NEVER_UNEXPECTED");
  absl::StatusOr<std::string> nt = EmitNt(scenario);
  ASSERT_TRUE(nt.ok()) << nt.status();
  EXPECT_EQ(JudgementOf(*nt, "T1_OP1"), "UNEXPECTED_IF_INVALID_PARAMETER");
  EXPECT_EQ(JudgementOf(*nt, "T1_OP2"), "NEVER_UNEXPECTED");
  EXPECT_EQ(JudgementOf(*nt, "T1_OP3"), "NEVER_UNEXPECTED");
  EXPECT_EQ(JudgementOf(*nt, "T1_OP4"), "NEVER_UNEXPECTED");
}

TEST(EmitWindowsTest, AbsoluteAndDevicePathsJoinTheirRootAtRunTime) {
  Scenario scenario = WithThreads({
      {Open(Abs("src/a/foo.h")), Open(MakePath(Anchor::kWin32Device, "src/./a/foo.h")),
       Open(Abs("src/a/foo.h"))},
  });
  absl::StatusOr<std::string> win32 = EmitWin32(scenario);
  ASSERT_TRUE(win32.ok()) << win32.status();
  ExpectContainsAll(*win32, {
      "static wchar_t absolute_path[2][PATH_CAP];",
      "{ sandbox, L\"/src/a/foo.h\" },",
      "{ sandbox_verbatim, L\"\\\\src\\\\a\\\\foo.h\" },",
      "COUNT_OPEN(T1_OP1, h, CreateFileW(absolute_path[0],",
      "COUNT_OPEN(T1_OP2, h, CreateFileW(absolute_path[1],",
      "COUNT_OPEN(T1_OP3, h, CreateFileW(absolute_path[0],",
  });
  Scenario nt_scenario = WithThreads({
      {Open(Abs("src/a/foo.h")), Open(MakePath(Anchor::kNtObject, "src/a/foo.h"))},
  });
  absl::StatusOr<std::string> nt = EmitNt(nt_scenario);
  ASSERT_TRUE(nt.ok()) << nt.status();
  ExpectContainsAll(*nt, {
      "static wchar_t absolute_path[1][PATH_CAP];",
      "{ sandbox_nt, L\"\\\\src\\\\a\\\\foo.h\" },",
      "COUNT_NT(T1_OP1, nt_open(&h, NULL, absolute_path[0],",
      "COUNT_NT(T1_OP2, nt_open(&h, NULL, absolute_path[0],",
  });
}

TEST(EmitWindowsTest, HandleAnchorsAreRootDirectoriesInNtAndRefusedInWin32) {
  absl::StatusOr<std::string> nt = EmitNt(HandleScenario());
  ASSERT_TRUE(nt.ok()) << nt.status();
  ExpectContainsAll(*nt, {
      "static HANDLE d0 = INVALID_HANDLE_VALUE;",
      "if (setup_nt_open(&d0, cwd_handle, L\"src\", GENERIC_READ, FILE_ATTRIBUTE_NORMAL, "
      "FILE_SHARE_READ|FILE_SHARE_WRITE, FILE_OPEN, FILE_DIRECTORY_FILE) != 0)",
      "COUNT_NT(T1_OP1, nt_open(&h0, d0, L\"a\",",
      "nt_open(&h, h0, L\"foo.h\",",
      "nt_stat(h0, L\"foo.h\")",
      // `..` above d0: NT names have none, so the absolute name.
      "nt_stat(NULL, absolute_path[0])",
      "{ sandbox_nt, L\"\\\\src\\\\a\\\\foo.h\" },",
  });
  absl::StatusOr<std::string> win32 = EmitWin32(HandleScenario());
  EXPECT_EQ(win32.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_TRUE(absl::StrContains(win32.status().message(), "c-nt"))
      << win32.status();
}

TEST(EmitWindowsTest, EachWindowsAnchorBelongsToOneDialect) {
  Scenario dev = WithThreads({{Open(MakePath(Anchor::kWin32Device, "src/a/foo.h"))}});
  Scenario nt = WithThreads({{Open(MakePath(Anchor::kNtObject, "src/a/foo.h"))}});
  EXPECT_TRUE(EmitWin32(dev).ok());
  EXPECT_EQ(EmitWin32(nt).status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_TRUE(EmitNt(nt).ok());
  EXPECT_EQ(EmitNt(dev).status().code(), absl::StatusCode::kInvalidArgument);
}

TEST(EmitWindowsTest, SameScenarioGivesIdenticalText) {
  for (const Scenario& scenario : {SeedScenario(), MutatingScenario(), SpellingScenario()}) {
    EXPECT_EQ(EmitWin32(scenario), EmitWin32(scenario));
    EXPECT_EQ(EmitNt(scenario), EmitNt(scenario));
  }
}

// Compiles with mingw-w64 when it is here: every scenario shape, -Werror.
// (ci/e2e_emit_windows.sh also runs the programs under Wine.)
TEST_F(ProgramTest, WindowsProgramsCompileWithMingw) {
  const std::string compiler = "x86_64-w64-mingw32-gcc";
  if (!HaveCommand(compiler)) GTEST_SKIP() << compiler << " not found";
  struct Case {
    const char* name;
    Scenario scenario;
    EmitLanguage lang;
  };
  const Case cases[] = {
      {"win32 seed", SeedScenario(), EmitLanguage::kWin32},
      {"nt seed", SeedScenario(), EmitLanguage::kNt},
      {"win32 mutating", MutatingScenario(), EmitLanguage::kWin32},
      {"nt mutating", MutatingScenario(), EmitLanguage::kNt},
      {"win32 spelling", SpellingScenario(), EmitLanguage::kWin32},
      {"nt spelling", SpellingScenario(), EmitLanguage::kNt},
      {"nt handles", HandleScenario(), EmitLanguage::kNt},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    absl::StatusOr<std::string> program = EmitC(c.scenario, c.lang, {});
    ASSERT_TRUE(program.ok()) << program.status();
    std::ofstream(work_ / "repro.c") << *program;
    const std::string command = absl::StrCat(
        "cd '", work_.string(), "' && ", compiler,
        " -std=c11 -O2 -Wall -Wextra -Werror -o repro.exe repro.c >compile.log 2>&1");
    EXPECT_EQ(std::system(command.c_str()), 0) << ReadFile(work_ / "compile.log");
  }
}

TEST(ParseEmitLanguageTest, KnowsTheThreeLanguagesAndRejectsOthers) {
  const std::pair<const char*, EmitLanguage> known[] = {
      {"c-posix", EmitLanguage::kPosix},
      {"c-win32", EmitLanguage::kWin32},
      {"c-nt", EmitLanguage::kNt}};
  for (const auto& [name, lang] : known) {
    absl::StatusOr<EmitLanguage> parsed = ParseEmitLanguage(name);
    ASSERT_TRUE(parsed.ok()) << name << ": " << parsed.status();
    EXPECT_EQ(*parsed, lang) << name;
  }
  EXPECT_EQ(ParseEmitLanguage("posix").status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(ParseEmitLanguage("").status().code(),
            absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace openrace
