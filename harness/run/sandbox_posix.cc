// sandbox_posix.cc — sandbox.h on POSIX: the private directory a run
// works in.
//
// The delete (EmptyTree) never follows a symbolic link and never builds a
// path string: it walks with openat(O_NOFOLLOW|O_DIRECTORY) and unlinkat
// relative to a descriptor of the directory it is emptying, so an entry a
// file-system bug (or a test) plants inside cannot lead it out of the
// sandbox; and it is iterative, with a bounded number of descriptors open
// whatever the depth of the tree.

#include "harness/run/sandbox.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/functional/function_ref.h"
#include "absl/random/random.h"
#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/types/optional.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "harness/base/platform.h"
#include "harness/base/process.h"
#include "harness/run/outcome.h"

namespace openrace {
namespace {

absl::Status ErrnoError(absl::string_view what, int error) {
  // No space, no descriptors: the environment, said as such (outcome.h).
  if (EnvironmentCauseOfErrno(error) != EnvironmentCause::kNone) {
    return EnvironmentErrorFor(
        Outcome{StatusClass::kOther, error, NativeKind::kErrno}, what);
  }
  // "remove /x/src: Input/output error (EIO)": the call and its status, as
  // a report quotes them.
  return absl::Status(
      error == ENOENT ? absl::StatusCode::kNotFound
                      : absl::StatusCode::kFailedPrecondition,
      absl::StrCat(what, ": ", strerror(error), " (",
                   NativeCodeName(Outcome{StatusClass::kOther, error,
                                          NativeKind::kErrno}),
                   ")"));
}

// Closes a descriptor when it goes out of scope.
class Fd {
 public:
  explicit Fd(int fd = -1) : fd_(fd) {}
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  Fd(Fd&& other) noexcept : fd_(other.Release()) {}
  Fd& operator=(Fd&& other) noexcept {
    Reset(other.Release());
    return *this;
  }
  ~Fd() { Reset(-1); }
  int get() const { return fd_; }
  void Reset(int fd) {
    if (fd_ >= 0) close(fd_);
    fd_ = fd;
  }
  // Hands the descriptor over without closing it.
  int Release() {
    const int fd = fd_;
    fd_ = -1;
    return fd;
  }

 private:
  int fd_;
};

constexpr int kDirOpenFlags = O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC;
// How often a directory is emptied again when it is still not empty.
constexpr int kAttempts = 20;

// Calls `each` with every entry of the directory `dir_fd` but "." and
// "..", read through a descriptor of its own (dir_fd is left as it was).
absl::Status ForEachEntry(int dir_fd, absl::string_view where,
                          absl::FunctionRef<void(const dirent&)> each) {
  const int stream_fd = dup(dir_fd);
  if (stream_fd < 0) return ErrnoError(absl::StrCat("dup ", where), errno);
  DIR* dir = fdopendir(stream_fd);
  if (dir == nullptr) {
    const int error = errno;
    close(stream_fd);
    return ErrnoError(absl::StrCat("read ", where), error);
  }
  rewinddir(dir);  // the dup shares the offset with dir_fd
  errno = 0;
  while (const dirent* entry = readdir(dir)) {
    const absl::string_view name = entry->d_name;
    if (name != "." && name != "..") each(*entry);
    errno = 0;
  }
  const int error = errno;
  closedir(dir);
  if (error != 0) return ErrnoError(absl::StrCat("read ", where), error);
  return absl::OkStatus();
}

// The names in the directory `dir_fd`, without "." and "..".
absl::StatusOr<std::vector<std::string>> ReadNames(int dir_fd,
                                                   absl::string_view where) {
  std::vector<std::string> names;
  absl::Status read = ForEachEntry(
      dir_fd, where, [&](const dirent& entry) { names.emplace_back(entry.d_name); });
  if (!read.ok()) return read;
  return names;
}

struct Identity {
  dev_t dev = 0;
  ino_t ino = 0;
  bool operator==(const Identity&) const = default;
};

absl::StatusOr<Identity> IdentityOf(int fd, absl::string_view where) {
  struct stat st;
  if (fstat(fd, &st) != 0) return ErrnoError(absl::StrCat("stat ", where), errno);
  return Identity{st.st_dev, st.st_ino};
}

// The levels of the walk (counting the top as 0) that keep their directory
// open while the walk is below them; deeper ones are closed when the walk
// goes down from them and found again by "..". Shallow trees (the
// scenarios' own) so cost no more than a recursive walk, and deep ones at
// most kKeptLevels + 3 descriptors.
constexpr size_t kKeptLevels = 8;

// One directory of the walk down: its name in its parent, its descriptor
// (while kept or being worked in), what it is (to check a way back up by
// ".."), and the entries still to remove.
struct Level {
  std::string name;
  Fd fd;
  Identity identity;
  std::vector<std::string> pending;
  // Children that were still not empty when removed, and how often.
  std::map<std::string, int> retries;
};

// "<where>/a/b/c" for an error message, shortened in the middle when deep.
std::string Where(absl::string_view where, const std::vector<Level>& stack,
                  absl::string_view name = "", size_t depth = SIZE_MAX) {
  std::string path(where);
  const size_t n = std::min(depth, stack.size());
  for (size_t i = 1; i < n; ++i) {
    if (n > 12 && i == 4) {
      absl::StrAppend(&path, "/...(", n - 8, " more)...");
      i = n - 5;
      continue;
    }
    absl::StrAppend(&path, "/", stack[i].name);
  }
  if (!name.empty()) absl::StrAppend(&path, "/", name);
  return path;
}

// Opens stack.back(), whose descriptor was closed on the way down, from
// its child `cur`: by "..", checked to be that directory, or, when a rename
// moved things meanwhile, walking down again by name from the deepest
// level still open, checking each directory on the way.
absl::StatusOr<Fd> ReopenParent(int cur, const std::vector<Level>& stack,
                                absl::string_view where) {
  Fd up(openat(cur, "..", O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (up.get() >= 0) {
    absl::StatusOr<Identity> identity = IdentityOf(up.get(), where);
    if (identity.ok() && *identity == stack.back().identity) return up;
  }
  size_t open = stack.size() - 1;
  while (stack[open].fd.get() < 0) --open;  // level 0 is always open
  Fd fd(dup(stack[open].fd.get()));
  if (fd.get() < 0) return ErrnoError(absl::StrCat("dup ", where), errno);
  for (size_t i = open + 1; i < stack.size(); ++i) {
    Fd next(openat(fd.get(), stack[i].name.c_str(), kDirOpenFlags));
    if (next.get() < 0) {
      return ErrnoError(absl::StrCat("open ", Where(where, stack, "", i + 1)), errno);
    }
    absl::StatusOr<Identity> identity = IdentityOf(next.get(), where);
    if (!identity.ok()) return identity.status();
    if (!(*identity == stack[i].identity)) {
      return absl::FailedPreconditionError(absl::StrCat(
          "remove ", Where(where, stack, "", i + 1),
          ": the tree changed while it was being removed"));
    }
    fd = std::move(next);
  }
  return fd;
}

// Removes everything inside the directory `top_fd`, never following a
// symbolic link and never building a path: each step is an *at call
// relative to a descriptor of the directory it works in. Iterative, with
// a bounded number of descriptors open besides `top_fd` whatever the depth
// (kKeptLevels + 3): below the first levels it walks down into one
// directory at a time, closing the one it leaves, and back up by "..",
// checked against the directory it came from (or, when a rename moved it,
// by walking down again by name). The names still to remove at each level
// are kept in memory, not in open directory streams.
//
// An emptied directory can still be "not empty" for a moment on FUSE file
// systems (bindfs, and any libfuse file system without hard_remove): a file
// unlinked while it was open is renamed to .fuse_hiddenNNNN and removed
// only when the daemon handles the RELEASE, which close() does not wait
// for. So a directory whose removal says ENOTEMPTY is emptied again, a
// few times with a short pause, before the removal gives up.
absl::Status EmptyTree(int top_fd, absl::string_view where) {
  std::vector<Level> stack;
  {
    Level top;
    top.fd = Fd(dup(top_fd));
    if (top.fd.get() < 0) return ErrnoError(absl::StrCat("dup ", where), errno);
    absl::StatusOr<std::vector<std::string>> names = ReadNames(top_fd, where);
    if (!names.ok()) return names.status();
    top.pending = *std::move(names);
    stack.push_back(std::move(top));
  }
  while (true) {
    Level& level = stack.back();
    const int cur = level.fd.get();
    if (level.pending.empty()) {
      if (stack.size() == 1) return absl::OkStatus();  // the top: emptied
      // Back up, and remove the directory just emptied.
      Level done = std::move(stack.back());
      stack.pop_back();
      if (stack.back().fd.get() < 0) {
        absl::StatusOr<Fd> parent = ReopenParent(done.fd.get(), stack, where);
        if (!parent.ok()) return parent.status();
        stack.back().fd = *std::move(parent);
      }
      done.fd.Reset(-1);
      const int parent = stack.back().fd.get();
      if (unlinkat(parent, done.name.c_str(), AT_REMOVEDIR) == 0 || errno == ENOENT) {
        continue;
      }
      const int error = errno;
      const int retries = ++stack.back().retries[done.name];
      if ((error != ENOTEMPTY && error != EEXIST) || retries >= kAttempts) {
        return ErrnoError(absl::StrCat("remove ", Where(where, stack, done.name)),
                          error);
      }
      // Not empty after all (see above): go down into it again.
      absl::SleepFor(absl::Milliseconds(retries));
      stack.back().pending.push_back(done.name);
      continue;
    }
    const std::string name = std::move(level.pending.back());
    level.pending.pop_back();
    struct stat st;
    if (fstatat(cur, name.c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0) {
      if (errno == ENOENT) continue;
      return ErrnoError(absl::StrCat("stat ", Where(where, stack, name)), errno);
    }
    if (!S_ISDIR(st.st_mode)) {
      if (unlinkat(cur, name.c_str(), 0) != 0 && errno != ENOENT) {
        return ErrnoError(absl::StrCat("remove ", Where(where, stack, name)), errno);
      }
      continue;
    }
    // O_NOFOLLOW: if the directory was swapped for a link since the
    // fstatat, this fails instead of entering the link's target.
    Fd child(openat(cur, name.c_str(), kDirOpenFlags));
    if (child.get() < 0) {
      if (errno == ENOENT) continue;
      return ErrnoError(absl::StrCat("open ", Where(where, stack, name)), errno);
    }
    Level next;
    next.name = name;
    if (stack.size() >= kKeptLevels) {
      // Its parent is closed below, so the way back must be checkable.
      absl::StatusOr<Identity> identity = IdentityOf(cur, where);
      if (!identity.ok()) return identity.status();
      level.identity = *identity;
    }
    absl::StatusOr<std::vector<std::string>> names =
        ReadNames(child.get(), Where(where, stack, name));
    if (!names.ok()) return names.status();
    next.pending = *std::move(names);
    next.fd = std::move(child);
    if (stack.size() >= kKeptLevels) level.fd.Reset(-1);
    stack.push_back(std::move(next));
  }
}

// Empties and removes the directory `name` in `parent_fd`.
absl::Status RemoveTree(int parent_fd, const std::string& name,
                        const std::string& where) {
  for (int attempt = 1;; ++attempt) {
    {
      const Fd dir(openat(parent_fd, name.c_str(), kDirOpenFlags));
      if (dir.get() < 0) {
        if (errno == ENOENT) return absl::OkStatus();
        return ErrnoError(absl::StrCat("open ", where), errno);
      }
      if (absl::Status s = EmptyTree(dir.get(), where); !s.ok()) return s;
    }
    if (unlinkat(parent_fd, name.c_str(), AT_REMOVEDIR) == 0 || errno == ENOENT) {
      return absl::OkStatus();
    }
    if ((errno != ENOTEMPTY && errno != EEXIST) || attempt == kAttempts) {
      return ErrnoError(absl::StrCat("remove ", where), errno);
    }
    absl::SleepFor(absl::Milliseconds(attempt));
  }
}

// Removes the directory `path` (absolute) and everything in it.
absl::Status RemovePath(const std::string& path) {
  const size_t slash = path.rfind('/');
  const std::string parent = slash == 0 ? "/" : path.substr(0, slash);
  const Fd parent_fd(open(parent.c_str(), kDirOpenFlags));
  if (parent_fd.get() < 0) return ErrnoError(absl::StrCat("open ", parent), errno);
  return RemoveTree(parent_fd.get(), path.substr(slash + 1), path);
}

absl::StatusOr<std::string> CurrentDirectory() {
  char buffer[PATH_MAX];
  if (getcwd(buffer, sizeof buffer) == nullptr) {
    return ErrnoError("getcwd", errno);
  }
  return std::string(buffer);
}

// A fresh sandbox directory in `resolved` (an absolute path without
// symbolic links), made the current directory, with its lock held.
struct NewRoot {
  std::string path;
  Fd lock;
};

absl::StatusOr<NewRoot> MakeRoot(const std::string& resolved) {
  absl::BitGen gen;
  std::string root;
  for (int attempt = 0;; ++attempt) {
    root = absl::StrFormat("%s/openrace-%d-%06x",
                           resolved == "/" ? "" : resolved,
                           getpid(), absl::Uniform<uint32_t>(gen, 0, 1u << 24));
    if (mkdir(root.c_str(), 0700) == 0) break;
    if (errno != EEXIST || attempt == 100) {
      return ErrnoError(absl::StrCat("mkdir ", root), errno);
    }
  }
  // Held open and locked while the sandbox lives: a sweep from another
  // process (even one in another pid namespace, where this pid means
  // nothing) sees the lock and leaves the sandbox alone.
  Fd lock(open(root.c_str(), kDirOpenFlags));
  if (lock.get() < 0 || chdir(root.c_str()) != 0) {
    const absl::Status error = ErrnoError(absl::StrCat("chdir ", root), errno);
    rmdir(root.c_str());
    return error;
  }
  (void)flock(lock.get(), LOCK_EX | LOCK_NB);  // best effort (see the sweep)
  return NewRoot{std::move(root), std::move(lock)};
}

}  // namespace

absl::StatusOr<std::unique_ptr<Sandbox>> Sandbox::Create(
    absl::string_view parent_dir) {
  const std::string parent(parent_dir);
  struct stat st;
  if (stat(parent.c_str(), &st) != 0) {
    if (errno == ENOENT) {
      return absl::NotFoundError(absl::StrCat(parent, ": does not exist"));
    }
    return ErrnoError(parent, errno);
  }
  if (!S_ISDIR(st.st_mode)) {
    return absl::FailedPreconditionError(
        absl::StrCat(parent, ": is not a directory"));
  }
  if (::access(parent.c_str(), W_OK | X_OK) != 0) {
    return absl::FailedPreconditionError(
        absl::StrCat(parent, ": is not writable (", strerror(errno), ")"));
  }
  char resolved[PATH_MAX];
  if (realpath(parent.c_str(), resolved) == nullptr) {
    return ErrnoError(parent, errno);
  }
  absl::StatusOr<std::string> previous_cwd = CurrentDirectory();
  if (!previous_cwd.ok()) return previous_cwd.status();

  absl::StatusOr<NewRoot> made = MakeRoot(resolved);
  if (!made.ok()) return made.status();
  std::string root = std::move(made->path);
  Fd lock = std::move(made->lock);
  std::unique_ptr<Sandbox> sandbox(
      new Sandbox(std::move(root), *std::move(previous_cwd)));
  sandbox->lock_fd_ = lock.Release();
  // A second interrupt ends the process without unwinding; the sandbox
  // goes first.
  const std::string path = sandbox->root_;
  sandbox->emergency_ = std::make_unique<EmergencyCleanup>(
      [path] { (void)RemovePath(path); });
  return sandbox;
}

Sandbox::~Sandbox() {
  // A destructor has no one to report to: Remove() is the way to learn
  // whether the removal worked, and the sandbox's name says who made it
  // if something is left behind (the next run on the same parent sweeps
  // it).
  if (!removed_) (void)Remove();
}

absl::Status Sandbox::Remove() {
  if (removed_) return absl::OkStatus();
  removed_ = true;
  (void)chdir(previous_cwd_.c_str());
  absl::Status status = RemovePath(root_);
  emergency_.reset();
  if (lock_fd_ >= 0) close(lock_fd_);
  lock_fd_ = -1;
  return status;
}

absl::StatusOr<std::string> Sandbox::Renew() {
  if (removed_) return absl::FailedPreconditionError("the sandbox is gone");
  const size_t slash = root_.rfind('/');
  const std::string parent = slash == 0 ? "/" : root_.substr(0, slash);
  // Out of it first: the broken tree is left as it is, for whoever looks.
  (void)chdir(parent.c_str());
  std::string kept = root_;
  absl::Status moved = absl::OkStatus();
  for (int n = 1;; ++n) {
    const std::string name = absl::StrFormat(
        "%s/openrace-broken-%d-%d", slash == 0 ? "" : parent, getpid(), n);
    struct stat st;
    if (lstat(name.c_str(), &st) == 0) continue;  // rename would replace it
    if (rename(root_.c_str(), name.c_str()) == 0) {
      kept = name;
    } else {
      moved = ErrnoError(absl::StrCat("rename ", root_, " to ", name), errno);
    }
    break;
  }
  // Never removed now: not by this object, nor by an interrupt.
  emergency_.reset();
  if (lock_fd_ >= 0) close(lock_fd_);
  lock_fd_ = -1;
  absl::StatusOr<NewRoot> made = MakeRoot(parent);
  if (!made.ok()) {
    removed_ = true;  // nothing of ours is left to remove
    return absl::Status(made.status().code(),
                        absl::StrCat("no fresh sandbox: ",
                                     made.status().message()));
  }
  root_ = std::move(made->path);
  lock_fd_ = made->lock.Release();
  const std::string path = root_;
  emergency_ = std::make_unique<EmergencyCleanup>(
      [path] { (void)RemovePath(path); });
  if (!moved.ok()) {
    return absl::StrCat(kept, " (not moved aside: ", moved.message(), ")");
  }
  return kept;
}

absl::Status Sandbox::ClearNative() {
  const Fd root(open(root_.c_str(), kDirOpenFlags));
  if (root.get() < 0) return ErrnoError(absl::StrCat("open ", root_), errno);
  return EmptyTree(root.get(), root_);
}

absl::StatusOr<SweepResult> SweepStaleSandboxes(absl::string_view parent_dir) {
  const std::string parent(parent_dir);
  SweepResult result;
  const Fd parent_fd(open(parent.c_str(), kDirOpenFlags));
  if (parent_fd.get() < 0) return ErrnoError(absl::StrCat("open ", parent), errno);
  absl::StatusOr<std::vector<std::string>> names = ReadNames(parent_fd.get(), parent);
  if (!names.ok()) return names.status();
  for (const std::string& name : *names) {
    const absl::optional<int64_t> pid = SandboxOwnerPid(name);
    if (!pid || *pid == CurrentProcessId() || ProcessAlive(*pid)) continue;
    const std::string path = absl::StrCat(parent, "/", name);
    // A directory of ours, never a link to one.
    struct stat st;
    if (fstatat(parent_fd.get(), name.c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0 ||
        !S_ISDIR(st.st_mode) || st.st_uid != geteuid()) {
      continue;
    }
    const Fd dir(openat(parent_fd.get(), name.c_str(), kDirOpenFlags));
    if (dir.get() < 0) continue;
    struct stat opened;
    if (fstat(dir.get(), &opened) != 0 || opened.st_dev != st.st_dev ||
        opened.st_ino != st.st_ino) {
      continue;
    }
    // Locked: a live sandbox whose owner this process cannot see. A file
    // system without flock (EINVAL, ENOLCK, EOPNOTSUPP) leaves the pid as
    // the only evidence.
    if (flock(dir.get(), LOCK_EX | LOCK_NB) != 0 && errno == EWOULDBLOCK) {
      continue;
    }
    absl::Status removed = RemoveTree(parent_fd.get(), name, path);
    if (removed.ok()) {
      ++result.removed;
    } else {
      result.failures.push_back(std::string(removed.message()));
    }
  }
  return result;
}

namespace {

// Appends what the directory `dir_fd` holds, at `prefix` ("" or "a/b/"),
// depth first; `depth` bounds the recursion (the validator bounds a
// scenario's depth far below it, so only a file-system bug goes deeper).
absl::Status ListInto(int dir_fd, const std::string& prefix, int depth,
                      std::vector<TreeEntry>* tree) {
  const size_t first = tree->size();
  absl::Status read = ForEachEntry(dir_fd, prefix, [&](const dirent& entry) {
    unsigned char type = entry.d_type;
    if (type == DT_UNKNOWN) {
      struct stat st;
      if (fstatat(dir_fd, entry.d_name, &st, AT_SYMLINK_NOFOLLOW) != 0) {
        return;  // gone since the read: not part of the state
      }
      type = S_ISDIR(st.st_mode) ? DT_DIR : DT_REG;
    }
    tree->push_back({type == DT_DIR ? EntryKind::kDirectory : EntryKind::kFile,
                     absl::StrCat(prefix, entry.d_name)});
  });
  if (!read.ok()) return read;
  const size_t last = tree->size();
  if (depth <= 0) return absl::OkStatus();
  for (size_t i = first; i < last; ++i) {
    if ((*tree)[i].kind != EntryKind::kDirectory) continue;
    const std::string path = (*tree)[i].path;
    const Fd child(openat(dir_fd, path.c_str() + prefix.size(), kDirOpenFlags));
    if (child.get() < 0) continue;  // gone, or replaced by a link
    if (absl::Status s = ListInto(child.get(), path + "/", depth - 1, tree);
        !s.ok()) {
      return s;
    }
  }
  return absl::OkStatus();
}

}  // namespace

absl::Status Sandbox::List(std::vector<TreeEntry>* tree) const {
  tree->clear();
  const Fd root(open(root_.c_str(), kDirOpenFlags));
  if (root.get() < 0) return ErrnoError(absl::StrCat("open ", root_), errno);
  if (absl::Status s = ListInto(root.get(), "", 64, tree); !s.ok()) return s;
  // By path: a parent, a prefix of its children's paths, comes first.
  std::sort(tree->begin(), tree->end(),
            [](const TreeEntry& a, const TreeEntry& b) { return a.path < b.path; });
  return absl::OkStatus();
}

absl::Status Sandbox::RemoveNative(const std::vector<std::string>& paths) {
  // A descriptor for this call only, so that the sandbox holds none between
  // calls (a run must leave the descriptor table as it found it). O_PATH
  // where there is one: nothing is read through it.
#if defined(O_PATH)
  const Fd root_fd(open(root_.c_str(), kDirOpenFlags | O_PATH));
#else
  const Fd root_fd(open(root_.c_str(), kDirOpenFlags));
#endif
  if (root_fd.get() < 0) return ErrnoError(absl::StrCat("open ", root_), errno);
  const int root = root_fd.get();
  for (const std::string& path : paths) {
    // Most often nothing is there: one failing unlink.
    if (unlinkat(root, path.c_str(), 0) == 0 || errno == ENOENT ||
        errno == ENOTDIR) {
      continue;
    }
    if (errno != EISDIR && errno != EPERM) {
      return ErrnoError(absl::StrCat("remove ", root_, "/", path), errno);
    }
    // A directory (EISDIR on Linux, EPERM elsewhere): most often empty, so
    // one rmdir; else emptied, then removed, never following a link
    // (RemoveTree opens it O_NOFOLLOW).
    if (unlinkat(root, path.c_str(), AT_REMOVEDIR) == 0 || errno == ENOENT) {
      continue;
    }
    if (errno != ENOTEMPTY && errno != EEXIST) {
      return ErrnoError(absl::StrCat("remove ", root_, "/", path), errno);
    }
    if (absl::Status s = RemoveTree(root, path, absl::StrCat(root_, "/", path));
        !s.ok()) {
      return s;
    }
  }
  return absl::OkStatus();
}

absl::Status Sandbox::BuildNative(const std::vector<TreeEntry>& tree) {
  if (absl::Status s = ClearNative(); !s.ok()) return s;
  const Fd root(open(root_.c_str(), kDirOpenFlags));
  if (root.get() < 0) return ErrnoError(absl::StrCat("open ", root_), errno);
  for (const TreeEntry& entry : tree) {
    const char* path = entry.path.c_str();
    if (entry.kind == EntryKind::kDirectory) {
      if (mkdirat(root.get(), path, 0755) != 0) {
        return ErrnoError(absl::StrCat("mkdir ", entry.path), errno);
      }
    } else {
      const int fd = openat(root.get(), path,
                            O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
      if (fd < 0) return ErrnoError(absl::StrCat("create ", entry.path), errno);
      close(fd);
    }
  }
  return absl::OkStatus();
}

}  // namespace openrace
