// scenario.h — the one value type of openrace.
//
// A Scenario is plain data: a tree of directories and files to build inside
// a sandbox, and threads of operations that run against it for a number of
// rounds. Everything else in openrace is a consumer of this value: the text
// printer and parser (scenario_text.h), the validator (validate.h), the
// generator and mutator, the executor, the oracle, the minimizer, the
// bisector and the C emitter. None of them change a Scenario they are given;
// they take it by const reference and return new values.
//
// Handles are links between operations, never numbers: an `open` may name
// its result (`h0 = open ...`), a later `close h0` closes it, and a path may
// be anchored on it (`h0:sub/file`). Handles named by a thread's operation
// belong to that thread. Shared handles (`shared d0 = open ...`) are opened
// once before the first round, may anchor any thread's paths and are closed
// after the last round.
//
// Example (the seed bug pattern, in its text form):
//
//   openrace-scenario 1
//   rounds 1000
//   dir src
//   dir src/a
//   file src/a/foo.h
//   thread
//     h0 = open cwd:src/a/foo.h
//     barrier 1
//     barrier 2
//     close h0
//   thread
//     barrier 1
//     open cwd:src/a/foo.h
//     barrier 2

#ifndef OPENRACE_HARNESS_SCENARIO_SCENARIO_H_
#define OPENRACE_HARNESS_SCENARIO_SCENARIO_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"

namespace openrace {

// What a path is relative to.
enum class Anchor : uint8_t {
  kCwd,        // the current directory; the process changes into the sandbox
  kHandle,     // a directory handle the scenario opened (Path::handle)
  kAbsolute,   // the sandbox root spelled as an absolute path
  kWin32Device,  // Windows only: `\\?\` + absolute path (win32 backend)
  kNtObject,     // Windows only: `\??\` + absolute path (nt backend)
};

enum class SeparatorStyle : uint8_t { kSlash, kBackslash };

// A structured path. Components are names, "." and ".."; the validator
// checks that no prefix of the components climbs above the sandbox root.
// A path always has at least one component ("." names the anchor itself).
struct Path {
  Anchor anchor = Anchor::kCwd;
  std::string handle;  // the handle's name when anchor == kHandle
  std::vector<std::string> components;
  SeparatorStyle separator = SeparatorStyle::kSlash;
  bool doubled_separators = false;  // "a//b" instead of "a/b"
  bool trailing_separator = false;  // "a/b/"

  friend bool operator==(const Path&, const Path&) = default;
};

// NT-level open flags. Each backend maps them to its own call; the values
// are the NT constants, so the nt backend passes them through unchanged.
namespace access {
inline constexpr uint32_t kReadAttributes = 0x00000080;  // FILE_READ_ATTRIBUTES
inline constexpr uint32_t kDelete = 0x00010000;          // DELETE
inline constexpr uint32_t kSynchronize = 0x00100000;     // SYNCHRONIZE
inline constexpr uint32_t kGenericWrite = 0x40000000;    // GENERIC_WRITE
inline constexpr uint32_t kGenericRead = 0x80000000;     // GENERIC_READ
inline constexpr uint32_t kAll = kReadAttributes | kDelete | kSynchronize |
                                 kGenericWrite | kGenericRead;
}  // namespace access

namespace share {
inline constexpr uint32_t kRead = 0x1;    // FILE_SHARE_READ
inline constexpr uint32_t kWrite = 0x2;   // FILE_SHARE_WRITE
inline constexpr uint32_t kDelete = 0x4;  // FILE_SHARE_DELETE
inline constexpr uint32_t kAll = kRead | kWrite | kDelete;
}  // namespace share

// CreateDisposition, FILE_SUPERSEDE (0) .. FILE_OVERWRITE_IF (5).
enum class Disposition : uint8_t {
  kSupersede = 0,
  kOpen = 1,
  kCreate = 2,
  kOpenIf = 3,
  kOverwrite = 4,
  kOverwriteIf = 5,
};

namespace options {
inline constexpr uint32_t kDirectoryFile = 0x00000001;     // FILE_DIRECTORY_FILE
inline constexpr uint32_t kNonDirectoryFile = 0x00000040;  // FILE_NON_DIRECTORY_FILE
inline constexpr uint32_t kOpenForBackupIntent = 0x00004000;  // FILE_OPEN_FOR_BACKUP_INTENT
inline constexpr uint32_t kOpenReparsePoint = 0x00200000;  // FILE_OPEN_REPARSE_POINT
inline constexpr uint32_t kAll = kDirectoryFile | kNonDirectoryFile |
                                 kOpenForBackupIntent | kOpenReparsePoint;
}  // namespace options

namespace attributes {
inline constexpr uint32_t kReadonly = 0x01;  // FILE_ATTRIBUTE_READONLY
inline constexpr uint32_t kHidden = 0x02;    // FILE_ATTRIBUTE_HIDDEN
inline constexpr uint32_t kNormal = 0x80;    // FILE_ATTRIBUTE_NORMAL
inline constexpr uint32_t kAll = kReadonly | kHidden | kNormal;
}  // namespace attributes

struct OpenFlags {
  uint32_t access = access::kGenericRead;
  uint32_t share = share::kRead | share::kWrite;
  Disposition disposition = Disposition::kOpen;
  uint32_t options = 0;
  uint32_t attributes = attributes::kNormal;

  friend bool operator==(const OpenFlags&, const OpenFlags&) = default;
};

enum class OpKind : uint8_t {
  kOpen,     // open/create; holds its handle when `result` is named
  kMkdir,    // create a directory (mkdirat / CreateDirectoryW)
  kStat,     // query attributes (fstatat / GetFileAttributesW)
  kDelete,   // unlinkat / rmdir (`directory` option) / DeleteFileW
  kRename,   // renameat / MoveFileExW from `path` to `to`
  kClose,    // close the handle named in `handle`
  kBarrier,  // wait until every thread that names barrier `barrier` arrives
};

struct Op {
  OpKind kind = OpKind::kOpen;
  std::string result;  // kOpen: the handle this op names ("" = not held)
  std::string handle;  // kClose: the handle to close
  Path path;           // kOpen, kMkdir, kStat, kDelete, kRename
  Path to;             // kRename: the new name
  OpenFlags flags;     // kOpen (kDelete uses options::kDirectoryFile)
  uint32_t barrier = 0;  // kBarrier: its id
  uint32_t spin_ns = 0;  // busy-wait this long before the call (a slide)

  friend bool operator==(const Op&, const Op&) = default;
};

struct ThreadProgram {
  std::vector<Op> ops;
  friend bool operator==(const ThreadProgram&, const ThreadProgram&) = default;
};

enum class EntryKind : uint8_t { kDirectory, kFile };

// One entry of the tree, by its path relative to the sandbox root with '/'
// separators ("src/a/foo.h"). Parents come before children.
struct TreeEntry {
  EntryKind kind = EntryKind::kFile;
  std::string path;
  friend bool operator==(const TreeEntry&, const TreeEntry&) = default;
};

// A handle opened once before the first round and shared by all threads.
struct SharedHandle {
  std::string name;
  Path path;  // anchored on the current directory, absolute or a shared
              // handle declared earlier
  OpenFlags flags;
  friend bool operator==(const SharedHandle&, const SharedHandle&) = default;
};

inline constexpr int kScenarioFormatVersion = 1;

struct Scenario {
  uint64_t rounds = 1;
  std::vector<TreeEntry> tree;
  std::vector<SharedHandle> shared;
  std::vector<ThreadProgram> threads;

  friend bool operator==(const Scenario&, const Scenario&) = default;
};

// True when some operation changes the tree (create, overwrite, mkdir,
// delete, rename), so the executor must put the tree back between rounds
// (run/tree_restore.h).
bool MutatesTree(const Scenario& scenario);

// True for dispositions and ops that may create or change an entry.
bool MutatesTree(const Op& op);

// Number of operations over all threads, barriers excluded.
size_t CountCalls(const Scenario& scenario);

// True for the operations that call the file system (not close, not barrier).
bool IsCall(OpKind kind);

// The text form's keyword of an operation or an anchor: "open", "cwd".
absl::string_view OpKindName(OpKind kind);
absl::string_view AnchorName(Anchor anchor);

// Sandbox-relative path components, as the validator resolves them.
using Components = std::vector<std::string>;

// One operation of a scenario: Scenario::threads[thread].ops[op], both
// counted from 0 in memory. Every output a person or a script reads — the
// scenario files' headers, report.md, stats.json, --json, the bisect and
// replay text, the C reproducer — counts them from 1 ("thread 2 op 1").
struct OpRef {
  size_t thread = 0;
  size_t op = 0;
  friend bool operator==(const OpRef&, const OpRef&) = default;
};

}  // namespace openrace

#endif  // OPENRACE_HARNESS_SCENARIO_SCENARIO_H_
