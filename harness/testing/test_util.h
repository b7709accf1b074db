// internal/test_util.h — small builders and a scratch directory for the
// harness's unit tests and benchmarks, so they can build Scenario values in
// C++ without the text parser.

#ifndef OPENRACE_HARNESS_TESTING_TEST_UTIL_H_
#define OPENRACE_HARNESS_TESTING_TEST_UTIL_H_

#include <cstdint>
#include <filesystem>
#include <random>
#include <string>
#include <system_error>
#include <vector>

#include "absl/strings/str_split.h"
#include "absl/strings/string_view.h"
#include "harness/scenario/scenario.h"

namespace openrace {
namespace testing_util {

// A path on `anchor` from '/'-separated components ("src/a/foo.h").
inline Path MakePath(Anchor anchor, absl::string_view components,
                     absl::string_view handle = "") {
  Path path;
  path.anchor = anchor;
  path.handle = std::string(handle);
  path.components = absl::StrSplit(components, '/');
  return path;
}
inline Path Cwd(absl::string_view components) {
  return MakePath(Anchor::kCwd, components);
}
inline Path On(absl::string_view handle, absl::string_view components) {
  return MakePath(Anchor::kHandle, components, handle);
}

inline Op Open(Path path, absl::string_view result = "",
               Disposition disposition = Disposition::kOpen,
               uint32_t options = 0) {
  Op op;
  op.kind = OpKind::kOpen;
  op.path = std::move(path);
  op.result = std::string(result);
  op.flags.disposition = disposition;
  op.flags.options = options;
  return op;
}
inline Op OpenDir(Path path, absl::string_view result = "") {
  return Open(std::move(path), result, Disposition::kOpen,
              options::kDirectoryFile);
}
inline Op PathOp(OpKind kind, Path path, uint32_t options = 0) {
  Op op;
  op.kind = kind;
  op.path = std::move(path);
  op.flags.options = options;
  return op;
}
inline Op Rename(Path from, Path to) {
  Op op = PathOp(OpKind::kRename, std::move(from));
  op.to = std::move(to);
  return op;
}
inline Op Close(absl::string_view handle) {
  Op op;
  op.kind = OpKind::kClose;
  op.handle = std::string(handle);
  return op;
}
inline Op Barrier(uint32_t id) {
  Op op;
  op.kind = OpKind::kBarrier;
  op.barrier = id;
  return op;
}
inline Op WithSpin(Op op, uint32_t spin_ns) {
  op.spin_ns = spin_ns;
  return op;
}

inline TreeEntry Dir(absl::string_view path) {
  return TreeEntry{EntryKind::kDirectory, std::string(path)};
}
inline TreeEntry File(absl::string_view path) {
  return TreeEntry{EntryKind::kFile, std::string(path)};
}

// The seed bug pattern: thread 0 holds src/a/foo.h across two barriers,
// between which thread 1 opens it.
inline Scenario SeedPattern() {
  Scenario scenario;
  scenario.tree = {Dir("src"), Dir("src/a"), File("src/a/foo.h")};
  scenario.threads = {
      ThreadProgram{{Open(Cwd("src/a/foo.h"), "h0"), Barrier(1), Barrier(2),
                     Close("h0")}},
      ThreadProgram{{Barrier(1), Open(Cwd("src/a/foo.h")), Barrier(2)}},
  };
  return scenario;
}

// A fresh directory under the test temp dir, removed with its contents.
class ScratchDir {
 public:
  // A random name, made with create_directory (which fails on an existing
  // one), so it works where there is no mkdtemp (Windows).
  ScratchDir() {
    std::random_device random;
    std::error_code ec;
    const std::filesystem::path base = std::filesystem::temp_directory_path(ec);
    for (int attempt = 0; attempt < 100 && path_.empty(); ++attempt) {
      const std::filesystem::path dir =
          base / ("openrace-test-" + std::to_string(random()));
      if (std::filesystem::create_directory(dir, ec)) path_ = dir.string();
    }
  }
  ScratchDir(const ScratchDir&) = delete;
  ScratchDir& operator=(const ScratchDir&) = delete;
  ~ScratchDir() {
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
  }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

}  // namespace testing_util
}  // namespace openrace

#endif  // OPENRACE_HARNESS_TESTING_TEST_UTIL_H_
