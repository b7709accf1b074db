#include "harness/scenario/scenario_text.h"

#include <cstdint>
#include <random>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"

namespace openrace {
namespace {

using namespace std::string_literals;

Path MakePath(Anchor anchor, std::vector<std::string> components,
              SeparatorStyle separator = SeparatorStyle::kSlash,
              bool doubled = false, bool trailing = false,
              std::string handle = "") {
  Path path;
  path.anchor = anchor;
  path.handle = std::move(handle);
  path.components = std::move(components);
  path.separator = separator;
  path.doubled_separators = doubled;
  path.trailing_separator = trailing;
  return path;
}

Path HandlePath(std::string handle, std::vector<std::string> components,
                SeparatorStyle separator = SeparatorStyle::kSlash,
                bool trailing = false) {
  return MakePath(Anchor::kHandle, std::move(components), separator, false,
                  trailing, std::move(handle));
}

Op MakeOp(OpKind kind, Path path = {}) {
  Op op;
  op.kind = kind;
  op.path = std::move(path);
  return op;
}

Op Barrier(uint32_t id) {
  Op op;
  op.kind = OpKind::kBarrier;
  op.barrier = id;
  return op;
}

Op Close(std::string handle, uint32_t spin_ns = 0) {
  Op op;
  op.kind = OpKind::kClose;
  op.handle = std::move(handle);
  op.spin_ns = spin_ns;
  return op;
}

// Every op kind, every anchor, every flag and flag name, both separator
// styles, doubled and trailing separators, in canonical form.
constexpr absl::string_view kRichCanonical =
    "openrace-scenario 1\n"
    "rounds 1000\n"
    "dir src\n"
    "dir src/a\n"
    "file src/a/foo.h\n"
    "file src/a/bar.h\n"
    "shared d0 = open cwd:src options=directory\n"
    "shared d1 = open d0:a access=read|read_attributes share=read|write|delete"
    " options=directory|backup\n"
    "thread\n"
    "  h0 = open cwd:src/a/foo.h\n"
    "  barrier 1\n"
    "  open d0:a/foo.h spin=200\n"
    "  h1 = open abs:src\\a\\bar.h access=write|delete share=none"
    " disp=overwrite_if options=non_directory|open_reparse_point"
    " attrs=readonly|hidden spin=5\n"
    "  mkdir dev:src//b//\n"
    "  stat nt:src\\\\a\\\\..\\\\a\n"
    "  delete cwd:src/b/ options=directory spin=7\n"
    "  rename cwd:src/x -> d1:y\\ spin=1\n"
    "  close h0\n"
    "  close h1 spin=3\n"
    "thread\n"
    "  barrier 1\n"
    "  h2 = open cwd:. access=synchronize disp=supersede attrs=none\n"
    "  open cwd:src/./a/../a/foo.h access=none disp=create\n"
    "  open cwd:src/a/new disp=open_if\n"
    "  open cwd:src/a/foo.h disp=overwrite\n"
    "  delete d0:a/bar.h\n"
    "  close h2\n";

Scenario RichScenario() {
  Scenario s;
  s.rounds = 1000;
  s.tree = {{EntryKind::kDirectory, "src"},
            {EntryKind::kDirectory, "src/a"},
            {EntryKind::kFile, "src/a/foo.h"},
            {EntryKind::kFile, "src/a/bar.h"}};

  SharedHandle d0;
  d0.name = "d0";
  d0.path = MakePath(Anchor::kCwd, {"src"});
  d0.flags.options = options::kDirectoryFile;
  SharedHandle d1;
  d1.name = "d1";
  d1.path = HandlePath("d0", {"a"});
  d1.flags.access = access::kGenericRead | access::kReadAttributes;
  d1.flags.share = share::kAll;
  d1.flags.options = options::kDirectoryFile | options::kOpenForBackupIntent;
  s.shared = {d0, d1};

  ThreadProgram t1;
  Op h0 = MakeOp(OpKind::kOpen, MakePath(Anchor::kCwd, {"src", "a", "foo.h"}));
  h0.result = "h0";
  t1.ops.push_back(h0);
  t1.ops.push_back(Barrier(1));
  Op open_d0 = MakeOp(OpKind::kOpen, HandlePath("d0", {"a", "foo.h"}));
  open_d0.spin_ns = 200;
  t1.ops.push_back(open_d0);
  Op h1 =
      MakeOp(OpKind::kOpen, MakePath(Anchor::kAbsolute, {"src", "a", "bar.h"},
                                     SeparatorStyle::kBackslash));
  h1.result = "h1";
  h1.flags.access = access::kGenericWrite | access::kDelete;
  h1.flags.share = 0;
  h1.flags.disposition = Disposition::kOverwriteIf;
  h1.flags.options = options::kNonDirectoryFile | options::kOpenReparsePoint;
  h1.flags.attributes = attributes::kReadonly | attributes::kHidden;
  h1.spin_ns = 5;
  t1.ops.push_back(h1);
  t1.ops.push_back(
      MakeOp(OpKind::kMkdir, MakePath(Anchor::kWin32Device, {"src", "b"},
                                      SeparatorStyle::kSlash, true, true)));
  t1.ops.push_back(
      MakeOp(OpKind::kStat, MakePath(Anchor::kNtObject, {"src", "a", "..", "a"},
                                     SeparatorStyle::kBackslash, true)));
  Op del =
      MakeOp(OpKind::kDelete, MakePath(Anchor::kCwd, {"src", "b"},
                                       SeparatorStyle::kSlash, false, true));
  del.flags.options = options::kDirectoryFile;
  del.spin_ns = 7;
  t1.ops.push_back(del);
  Op rename = MakeOp(OpKind::kRename, MakePath(Anchor::kCwd, {"src", "x"}));
  rename.to = HandlePath("d1", {"y"}, SeparatorStyle::kBackslash, true);
  rename.spin_ns = 1;
  t1.ops.push_back(rename);
  t1.ops.push_back(Close("h0"));
  t1.ops.push_back(Close("h1", 3));

  ThreadProgram t2;
  t2.ops.push_back(Barrier(1));
  Op h2 = MakeOp(OpKind::kOpen, MakePath(Anchor::kCwd, {"."}));
  h2.result = "h2";
  h2.flags.access = access::kSynchronize;
  h2.flags.disposition = Disposition::kSupersede;
  h2.flags.attributes = 0;
  t2.ops.push_back(h2);
  Op create =
      MakeOp(OpKind::kOpen,
             MakePath(Anchor::kCwd, {"src", ".", "a", "..", "a", "foo.h"}));
  create.flags.access = 0;
  create.flags.disposition = Disposition::kCreate;
  t2.ops.push_back(create);
  Op open_if =
      MakeOp(OpKind::kOpen, MakePath(Anchor::kCwd, {"src", "a", "new"}));
  open_if.flags.disposition = Disposition::kOpenIf;
  t2.ops.push_back(open_if);
  Op overwrite =
      MakeOp(OpKind::kOpen, MakePath(Anchor::kCwd, {"src", "a", "foo.h"}));
  overwrite.flags.disposition = Disposition::kOverwrite;
  t2.ops.push_back(overwrite);
  t2.ops.push_back(MakeOp(OpKind::kDelete, HandlePath("d0", {"a", "bar.h"})));
  t2.ops.push_back(Close("h2"));
  s.threads = {t1, t2};
  return s;
}

TEST(ScenarioTextTest, RichScenarioParsesToItsValue) {
  absl::StatusOr<Scenario> parsed = ParseScenario(kRichCanonical);
  ASSERT_TRUE(parsed.ok()) << parsed.status();
  EXPECT_EQ(*parsed, RichScenario());
}

TEST(ScenarioTextTest, RichScenarioPrintsAsItsCanonicalText) {
  EXPECT_EQ(PrintScenario(RichScenario()), kRichCanonical);
}

TEST(ScenarioTextTest, PrintingAParsedCanonicalTextGivesItBack) {
  absl::StatusOr<Scenario> parsed = ParseScenario(kRichCanonical);
  ASSERT_TRUE(parsed.ok()) << parsed.status();
  EXPECT_EQ(PrintScenario(*parsed), kRichCanonical);
}

struct CanonicalCase {
  const char* name;
  std::string input;
  std::string canonical;
};

class ScenarioTextCanonicalTest
    : public ::testing::TestWithParam<CanonicalCase> {};

TEST_P(ScenarioTextCanonicalTest, NonCanonicalInputPrintsCanonical) {
  absl::StatusOr<Scenario> parsed = ParseScenario(GetParam().input);
  ASSERT_TRUE(parsed.ok()) << parsed.status();
  EXPECT_EQ(PrintScenario(*parsed), GetParam().canonical);
}

constexpr absl::string_view kMinimal =
    "openrace-scenario 1\nrounds 1\nthread\n  open cwd:a\n";

INSTANTIATE_TEST_SUITE_P(
    ScenarioText, ScenarioTextCanonicalTest,
    ::testing::Values(
        CanonicalCase{"RoundsDefaultsToOne",
                      "openrace-scenario 1\nthread\nopen cwd:a\n",
                      std::string(kMinimal)},
        CanonicalCase{"CommentsAndBlankLinesVanish",
                      "# a scenario\n\nopenrace-scenario 1 # format\n"
                      "   \n#thread\nthread # one\n  open cwd:a#comment\n",
                      std::string(kMinimal)},
        CanonicalCase{"SpacesAndTabsAreWhitespace",
                      "  openrace-scenario\t1  \n\trounds   1\nthread\t\n"
                      "\t\topen \t cwd:a \t\n",
                      std::string(kMinimal)},
        CanonicalCase{"CrlfLineEndsAreAccepted",
                      "openrace-scenario 1\r\nthread\r\n  open cwd:a\r\n",
                      std::string(kMinimal)},
        CanonicalCase{"NoFinalNewlineIsAccepted",
                      "openrace-scenario 1\nthread\n  open cwd:a",
                      std::string(kMinimal)},
        CanonicalCase{"LeadingZerosAreAccepted",
                      "openrace-scenario 01\nrounds 007\nthread\n"
                      "  barrier 0002\n  open cwd:a spin=010\n"
                      "thread\n  barrier 2\n",
                      "openrace-scenario 1\nrounds 7\nthread\n  barrier 2\n"
                      "  open cwd:a spin=10\nthread\n  barrier 2\n"},
        CanonicalCase{"DefaultsSpelledOutAreLeftOut",
                      "openrace-scenario 1\nthread\n  open cwd:a access=read"
                      " share=write|read disp=open options=none attrs=normal"
                      " spin=0\n  delete cwd:a options=none spin=0\n"
                      "  mkdir cwd:b spin=0\n  close h spin=0\n",
                      "openrace-scenario 1\nrounds 1\nthread\n  open cwd:a\n"
                      "  delete cwd:a\n  mkdir cwd:b\n  close h\n"},
        CanonicalCase{"FlagsAndNamesComeOutInTheirFixedOrder",
                      "openrace-scenario 1\nthread\n  open cwd:a spin=3"
                      " attrs=hidden|readonly options=backup|directory"
                      " disp=create share=delete|read"
                      " access=synchronize|read_attributes|delete|write|read\n",
                      "openrace-scenario 1\nrounds 1\nthread\n  open cwd:a"
                      " access=read|write|delete|read_attributes|synchronize"
                      " share=read|delete disp=create"
                      " options=directory|backup attrs=readonly|hidden"
                      " spin=3\n"},
        CanonicalCase{"TreeAndSharedLinesComeOutInTheirFixedOrder",
                      "openrace-scenario 1\nshared d = open cwd:a"
                      " options=directory\ndir a\nrounds 5\nfile a/f\n"
                      "thread\n  open d:f\n",
                      "openrace-scenario 1\nrounds 5\ndir a\nfile a/f\n"
                      "shared d = open cwd:a options=directory\nthread\n"
                      "  open d:f\n"},
        CanonicalCase{"HandlesMayBeCalledLikeKeywords",
                      "openrace-scenario 1\nthread\n  thread = open cwd:a"
                      " options=directory\n  open = open thread:b\n"
                      "  close open\n",
                      "openrace-scenario 1\nrounds 1\nthread\n"
                      "  thread = open cwd:a options=directory\n"
                      "  open = open thread:b\n  close open\n"},
        CanonicalCase{"EmptyThreadsAreKept",
                      "openrace-scenario 1\nthread\nthread\n",
                      "openrace-scenario 1\nrounds 1\nthread\nthread\n"}),
    [](const ::testing::TestParamInfo<CanonicalCase>& info) {
      return std::string(info.param.name);
    });

struct MalformedCase {
  std::string input;
  std::string message;
};

class ScenarioTextMalformedTest
    : public ::testing::TestWithParam<MalformedCase> {};

TEST_P(ScenarioTextMalformedTest, IsRejectedWithLineColumnAndExpectation) {
  absl::StatusOr<Scenario> parsed = ParseScenario(GetParam().input);
  ASSERT_FALSE(parsed.ok()) << "parsed as:\n" << *parsed;
  EXPECT_EQ(parsed.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(parsed.status().message(), GetParam().message);
}

// The first lines of a scenario whose third line is a thread's op.
std::string InThread(absl::string_view op_line) {
  return absl::StrCat("openrace-scenario 1\nthread\n", op_line, "\n");
}

std::string BeforeThreads(absl::string_view line) {
  return absl::StrCat("openrace-scenario 1\n", line, "\nthread\n");
}

INSTANTIATE_TEST_SUITE_P(
    ScenarioText, ScenarioTextMalformedTest,
    ::testing::Values(
        // The header.
        MalformedCase{"",
                      "line 1:1: end of input; expected "
                      "'openrace-scenario 1'"},
        MalformedCase{"# only a comment\n",
                      "line 2:1: end of input; expected "
                      "'openrace-scenario 1'"},
        MalformedCase{"openrace-scenario 2\nthread\n",
                      "line 1:19: unsupported format version '2'; this "
                      "openrace reads version 1"},
        MalformedCase{"openrace-scenario\n",
                      "line 1:18: end of line; expected a format version"},
        MalformedCase{"openrace-scenario one\n",
                      "line 1:19: 'one' is not a number; expected a format "
                      "version"},
        MalformedCase{"thread\n",
                      "line 1:1: 'thread'; expected 'openrace-scenario 1' as "
                      "the first line"},
        MalformedCase{"openrace-scenario 1 extra\n",
                      "line 1:21: unexpected 'extra'; expected end of line"},
        // Bytes.
        MalformedCase{"openrace-scenario 1\nthread\n  open cwd:a\0b"s,
                      "line 3:13: byte 0x00; expected printable ASCII, spaces "
                      "and tabs"},
        MalformedCase{"# caf\xC3\xA9\nopenrace-scenario 1\n",
                      "line 1:6: byte 0xC3; expected printable ASCII, spaces "
                      "and tabs"},
        MalformedCase{"openrace-scenario 1\r\nthread\r\n  open cwd:a\rb\r\n",
                      "line 3:13: byte 0x0D; expected printable ASCII, spaces "
                      "and tabs"},
        // Lines before the first thread.
        MalformedCase{BeforeThreads("rounds 0"),
                      "line 2:8: rounds 0; expected at least 1"},
        MalformedCase{BeforeThreads("rounds 18446744073709551616"),
                      "line 2:8: '18446744073709551616' is too large; expected "
                      "a round count of at most 18446744073709551615"},
        MalformedCase{BeforeThreads("rounds"),
                      "line 2:7: end of line; expected a round count"},
        MalformedCase{BeforeThreads("rounds 2\nrounds 3"),
                      "line 3:1: a second 'rounds' line (the first is line 2); "
                      "expected at most one"},
        MalformedCase{InThread("rounds 2"),
                      "line 3:1: 'rounds' after the first thread; expected "
                      "rounds, tree entries and shared handles before the "
                      "first 'thread' line"},
        MalformedCase{BeforeThreads("frobnicate x"),
                      "line 2:1: unknown keyword 'frobnicate'; expected "
                      "rounds, dir, file, shared or thread"},
        MalformedCase{BeforeThreads("open cwd:a"),
                      "line 2:1: operation before the first thread; expected "
                      "a 'thread' line before it"},
        MalformedCase{BeforeThreads("thread extra"),
                      "line 2:8: unexpected 'extra'; expected end of line"},
        MalformedCase{BeforeThreads("dir /src"),
                      "line 2:5: leading '/'; tree paths are written from the "
                      "sandbox root, e.g. src/a"},
        MalformedCase{BeforeThreads("dir src/../b"),
                      "line 2:9: '..' in a tree path; expected names only"},
        MalformedCase{BeforeThreads("file src/"),
                      "line 2:9: trailing '/' in a tree path; expected a name "
                      "last"},
        MalformedCase{BeforeThreads("dir src\\a"),
                      "line 2:8: '\\' in a tree path; expected single '/' "
                      "between names"},
        MalformedCase{BeforeThreads("dir src//a"),
                      "line 2:8: '//' in a tree path; expected single '/' "
                      "between names"},
        MalformedCase{BeforeThreads("dir cwd:src"),
                      "line 2:8: character ':' in a name; expected printable "
                      "ASCII other than space and / \\ : * ? \" < > | #"},
        MalformedCase{BeforeThreads("shared d0 open cwd:a"),
                      "line 2:11: 'open'; expected '= open'"},
        MalformedCase{BeforeThreads("shared d0 = stat cwd:a"),
                      "line 2:13: 'stat'; expected open (a shared handle is "
                      "an open)"},
        MalformedCase{BeforeThreads("shared d0 = open cwd:a spin=5"),
                      "line 2:24: flag 'spin' does not apply to shared "
                      "handles; expected one of access, share, disp, options, "
                      "attrs"},
        // Operations.
        MalformedCase{InThread("  opne cwd:a"),
                      "line 3:3: unknown operation 'opne'; expected open, "
                      "mkdir, stat, delete, rename, close, barrier or NAME = "
                      "open"},
        MalformedCase{InThread("  h0 open cwd:a"),
                      "line 3:6: 'open' after 'h0'; expected 'h0 = open'"},
        MalformedCase{InThread("  h0 = mkdir cwd:a"),
                      "line 3:8: 'mkdir' after '='; expected open (only open "
                      "names a handle)"},
        MalformedCase{InThread("  h0 ="),
                      "line 3:7: end of line; expected 'open'"},
        MalformedCase{InThread("  cwd = open cwd:a"),
                      "line 3:3: 'cwd' is an anchor keyword; expected a handle "
                      "name other than cwd, abs, dev, nt"},
        MalformedCase{InThread("  close 1h"),
                      "line 3:9: '1h' is not a handle name; expected letters, "
                      "digits and '_', not starting with a digit"},
        MalformedCase{InThread("  close"),
                      "line 3:8: end of line; expected a handle name"},
        MalformedCase{InThread("  open"),
                      "line 3:7: end of line; expected a path such as "
                      "cwd:src/a"},
        MalformedCase{InThread("  rename cwd:a cwd:b"),
                      "line 3:16: 'cwd:b'; expected '->' between the two "
                      "paths"},
        MalformedCase{InThread("  rename cwd:a ->"),
                      "line 3:18: end of line; expected a path such as "
                      "cwd:src/a"},
        MalformedCase{InThread("  barrier -1"),
                      "line 3:11: '-1' is not a number; expected a barrier id"},
        MalformedCase{InThread("  barrier 4294967296"),
                      "line 3:11: '4294967296' is too large; expected a "
                      "barrier id of at most 4294967295"},
        MalformedCase{InThread("  barrier 1 spin=2"),
                      "line 3:13: unexpected 'spin=2'; expected end of line"},
        // Flags.
        MalformedCase{InThread("  open cwd:a disp=opne"),
                      "line 3:19: unknown disp 'opne'; expected one of "
                      "supersede, open, create, open_if, overwrite, "
                      "overwrite_if"},
        MalformedCase{InThread("  open cwd:a access=read access=write"),
                      "line 3:26: flag 'access' given twice; expected each "
                      "flag at most once"},
        MalformedCase{InThread("  mkdir cwd:a disp=create"),
                      "line 3:15: flag 'disp' does not apply to mkdir; "
                      "expected one of spin"},
        MalformedCase{InThread("  open cwd:a acess=read"),
                      "line 3:14: unknown flag 'acess'; expected one of "
                      "access, share, disp, options, attrs, spin"},
        MalformedCase{InThread("  open cwd:a bogus"),
                      "line 3:14: unexpected 'bogus'; expected a flag "
                      "(access, share, disp, options, attrs, spin) or end of "
                      "line"},
        MalformedCase{InThread("  open cwd:a access"),
                      "line 3:20: flag 'access' has no value; expected "
                      "access=VALUE"},
        MalformedCase{InThread("  open cwd:a share="),
                      "line 3:20: flag 'share' has no value; expected "
                      "share=VALUE"},
        MalformedCase{InThread("  open cwd:a access=read|bogus"),
                      "line 3:26: unknown access 'bogus'; expected one of "
                      "read, write, delete, read_attributes, synchronize or "
                      "none"},
        MalformedCase{InThread("  open cwd:a access=read|"),
                      "line 3:26: unknown access ''; expected one of read, "
                      "write, delete, read_attributes, synchronize or none"},
        MalformedCase{InThread("  open cwd:a share=read|read"),
                      "line 3:25: share 'read' given twice; expected each "
                      "name at most once"},
        MalformedCase{InThread("  open cwd:a share=none|read"),
                      "line 3:20: 'none' in 'none|read'; expected none alone"},
        MalformedCase{InThread("  open cwd:a spin=4294967296"),
                      "line 3:19: '4294967296' is too large; expected a spin "
                      "in nanoseconds of at most 4294967295"},
        MalformedCase{InThread("  open cwd:a spin=1e3"),
                      "line 3:19: '1e3' is not a number; expected a spin in "
                      "nanoseconds"},
        MalformedCase{InThread("  delete cwd:a options=non_directory"),
                      "line 3:24: unknown options 'non_directory'; expected "
                      "one of directory or none"},
        MalformedCase{InThread("  delete cwd:a access=write"),
                      "line 3:16: flag 'access' does not apply to delete; "
                      "expected one of options, spin"},
        // Paths.
        MalformedCase{InThread("  open abs:/etc"),
                      "line 3:12: leading '/'; absolute paths are written "
                      "from the sandbox root, e.g. abs:src/a"},
        MalformedCase{InThread("  open cwd:\\a"),
                      "line 3:12: leading '\\'; expected a component first, "
                      "e.g. cwd:src/a"},
        MalformedCase{InThread("  open cwd:"),
                      "line 3:12: nothing after 'cwd:'; expected a component, "
                      "such as cwd:."},
        MalformedCase{InThread("  open src/a"),
                      "line 3:8: 'src/a' has no anchor; expected "
                      "ANCHOR:COMPONENTS such as cwd:src/a"},
        MalformedCase{InThread("  open :a"),
                      "line 3:8: ':a' has no anchor; expected "
                      "ANCHOR:COMPONENTS such as cwd:src/a"},
        MalformedCase{InThread("  open 9x:a"),
                      "line 3:8: '9x' is not an anchor; expected cwd, abs, "
                      "dev, nt or a handle name"},
        MalformedCase{InThread("  open cwd:src/a\\b"),
                      "line 3:17: '\\' after '/'; expected one separator style "
                      "per path"},
        MalformedCase{InThread("  open cwd:src/\\a"),
                      "line 3:16: '\\' after '/'; expected one separator style "
                      "per path"},
        MalformedCase{InThread("  open cwd:src//a/b"),
                      "line 3:18: '/' after '//'; expected all separators "
                      "single or all doubled"},
        MalformedCase{InThread("  open cwd:src/a//"),
                      "line 3:17: '//' after '/'; expected all separators "
                      "single or all doubled"},
        MalformedCase{InThread("  open cwd:a///b"),
                      "line 3:15: '///'; expected single or doubled "
                      "separators"},
        MalformedCase{InThread("  open cwd:a*b"),
                      "line 3:13: character '*' in a name; expected printable "
                      "ASCII other than space and / \\ : * ? \" < > | #"},
        MalformedCase{InThread("  open cwd:a:b"),
                      "line 3:13: character ':' in a name; expected printable "
                      "ASCII other than space and / \\ : * ? \" < > | #"}));

// Inputs the fuzz test starts from: every construct, so that small edits
// reach every branch of the parser.
std::vector<std::string> FuzzSeeds() {
  return {std::string(kRichCanonical),
          "openrace-scenario 1\r\nrounds 3\r\nthread\r\n\topen cwd:a\\\\b\\\\"
          " # c\r\n"};
}

void ExpectParsesCanonicallyOrFailsWithPosition(const std::string& input) {
  absl::StatusOr<Scenario> parsed = ParseScenario(input);
  if (!parsed.ok()) {
    EXPECT_EQ(parsed.status().code(), absl::StatusCode::kInvalidArgument);
    static const std::regex kPositioned("line [0-9]+:[0-9]+: .+; .+");
    EXPECT_TRUE(
        std::regex_match(std::string(parsed.status().message()), kPositioned))
        << parsed.status() << "\ninput: " << input;
    return;
  }
  const std::string printed = PrintScenario(*parsed);
  absl::StatusOr<Scenario> reparsed = ParseScenario(printed);
  ASSERT_TRUE(reparsed.ok()) << reparsed.status() << "\nprinted:\n" << printed;
  EXPECT_EQ(*reparsed, *parsed) << "input: " << input;
  EXPECT_EQ(PrintScenario(*reparsed), printed);
}

TEST(ScenarioTextTest, RandomBytesNeverCrashAndFailWithAPosition) {
  std::mt19937 random(20240601);
  for (int i = 0; i < 2000; ++i) {
    std::string input(random() % 64, '\0');
    for (char& c : input) c = static_cast<char>(random() % 256);
    if (i % 2 == 0) input = "openrace-scenario 1\nthread\n" + input;
    ExpectParsesCanonicallyOrFailsWithPosition(input);
  }
}

TEST(ScenarioTextTest, EditedScenariosNeverCrashAndRoundTripWhenTheyParse) {
  std::mt19937 random(7);
  // Bytes that matter to the grammar, and a few that never may appear.
  const std::string alphabet = " \t\n\r#=:/\\|.-> abcdhinoprstwx019\0\xFF"s;
  int parsed = 0;
  for (const std::string& seed : FuzzSeeds()) {
    for (int i = 0; i < 1500; ++i) {
      std::string input = seed;
      const int edits = 1 + random() % 3;
      for (int e = 0; e < edits && !input.empty(); ++e) {
        const size_t at = random() % input.size();
        const char c = alphabet[random() % alphabet.size()];
        switch (random() % 3) {
          case 0:
            input[at] = c;
            break;
          case 1:
            input.insert(at, 1, c);
            break;
          default:
            input.erase(at, 1);
            break;
        }
      }
      ExpectParsesCanonicallyOrFailsWithPosition(input);
      absl::StatusOr<Scenario> scenario = ParseScenario(input);
      if (!scenario.ok()) continue;
      ++parsed;
      // ScenarioOpLines finds a line for every operation, in order.
      const std::vector<std::vector<int>> lines = ScenarioOpLines(input);
      ASSERT_EQ(lines.size(), scenario->threads.size()) << input;
      int last = 0;
      for (size_t t = 0; t < lines.size(); ++t) {
        ASSERT_EQ(lines[t].size(), scenario->threads[t].ops.size()) << input;
        for (int line : lines[t]) {
          EXPECT_GT(line, last) << input;
          last = line;
        }
      }
    }
  }
  // The edits must leave some inputs valid, or the round trip above went
  // untested.
  EXPECT_GT(parsed, 100);
}

TEST(ScenarioTextTest, PrintPathKeepsTheSpelling) {
  EXPECT_EQ(PrintPath(MakePath(Anchor::kNtObject, {"a", "..", "b"},
                               SeparatorStyle::kBackslash, true, true)),
            "nt:a\\\\..\\\\b\\\\");
  EXPECT_EQ(PrintPath(HandlePath("d0", {"."})), "d0:.");
}

TEST(ScenarioTextTest, PrintOpWritesOneLineWithoutIndentation) {
  Op op = MakeOp(OpKind::kOpen, MakePath(Anchor::kAbsolute, {"x"}));
  op.result = "h7";
  op.flags.disposition = Disposition::kCreate;
  op.spin_ns = 9;
  EXPECT_EQ(PrintOp(op), "h7 = open abs:x disp=create spin=9");
  EXPECT_EQ(PrintOp(Barrier(4)), "barrier 4");
}

TEST(ScenarioTextTest, PrintingLeavesOutFieldsTheOpDoesNotUse) {
  Op op = MakeOp(OpKind::kMkdir, MakePath(Anchor::kCwd, {"a"},
                                          SeparatorStyle::kBackslash, true));
  op.result = "unused";
  op.flags.access = access::kGenericWrite;
  EXPECT_EQ(PrintOp(op), "mkdir cwd:a");
}

TEST(ScenarioTextTest, StreamOperatorsPrintTheTextForm) {
  std::ostringstream out;
  const Scenario scenario = RichScenario();
  out << scenario << scenario.shared[1].path << "|"
      << scenario.threads[0].ops[2];
  EXPECT_EQ(out.str(),
            absl::StrCat(kRichCanonical, "d0:a|open d0:a/foo.h spin=200"));
}

struct NameCase {
  const char* name;
  bool valid_name;
  bool valid_handle_name;
};

TEST(ScenarioTextTest, NamesAndHandleNamesAreWhatTheTextCanSpell) {
  const NameCase cases[] = {
      {"foo.h", true, false}, {"h0", true, true},     {"_x9", true, true},
      {"9x", true, false},    {"cwd", true, false},   {"nt", true, false},
      {".", false, false},    {"..", false, false},   {"...", true, false},
      {"", false, false},     {"a b", false, false},  {"a#b", false, false},
      {"a*b", false, false},  {"a:b", false, false},  {"a\\b", false, false},
      {"a|b", false, false},  {"\x7F", false, false}, {"~$x!", true, false},
  };
  for (const NameCase& c : cases) {
    EXPECT_EQ(IsValidName(c.name), c.valid_name) << "'" << c.name << "'";
    EXPECT_EQ(IsValidHandleName(c.name), c.valid_handle_name)
        << "'" << c.name << "'";
  }
}

struct OpLinesCase {
  std::string name;
  std::string text;
  std::vector<std::vector<int>> want;
};

TEST(ScenarioTextTest, ScenarioOpLinesNamesEachOperationsLine) {
  const OpLinesCase cases[] = {
      {"comments, blank lines and the header are not operations",
       "# a comment\n"
       "# expect: clean\n"
       "openrace-scenario 1\n"
       "rounds 10\n"
       "dir src\n"
       "shared d0 = open cwd:src options=directory\n"
       "thread\n"
       "  h0 = open cwd:src/a\n"
       "\n"
       "  # between\n"
       "  barrier 1\n"
       "  close h0  # trailing\n"
       "thread\n"
       "  barrier 1\n"
       "  stat d0:a\n",
       {{8, 11, 12}, {14, 15}}},
      {"CRLF line ends and tabs",
       "openrace-scenario 1\r\nthread\r\n\tmkdir cwd:a\r\n\t\r\n"
       "thread\t# b\r\n\tstat cwd:a\r\n",
       {{3}, {6}}},
      {"a handle named thread is a named open, not a thread",
       "openrace-scenario 1\nthread\nthread = open cwd:a\nclose thread\n",
       {{3, 4}}},
      {"a thread without operations", "openrace-scenario 1\nthread\nthread\n"
       "mkdir cwd:x",
       {{}, {4}}},
      {"no thread", "openrace-scenario 1\nrounds 3\n", {}},
  };
  for (const OpLinesCase& c : cases) {
    ASSERT_TRUE(ParseScenario(c.text).ok()) << c.name;
    EXPECT_EQ(ScenarioOpLines(c.text), c.want) << c.name;
  }
}

}  // namespace
}  // namespace openrace
