// sandbox.cc — the private directory a run works in.
//
// The recursive delete never follows a symbolic link and never builds a
// path string: it walks with openat(O_NOFOLLOW|O_DIRECTORY) and unlinkat
// relative to a descriptor of the directory it is emptying, so an entry a
// file-system bug (or a test) plants inside cannot lead it out of the
// sandbox.

#include "harness/run/sandbox.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <memory>
#include <string>
#include <vector>

#include "absl/random/random.h"
#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"

namespace openrace {
namespace {

absl::Status ErrnoError(absl::string_view what, int error) {
  return absl::Status(error == ENOENT ? absl::StatusCode::kNotFound
                                      : absl::StatusCode::kFailedPrecondition,
                      absl::StrCat(what, ": ", strerror(error)));
}

// Closes a descriptor when it goes out of scope.
class Fd {
 public:
  explicit Fd(int fd) : fd_(fd) {}
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  ~Fd() {
    if (fd_ >= 0) close(fd_);
  }
  int get() const { return fd_; }

 private:
  int fd_;
};

constexpr int kDirOpenFlags = O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC;

absl::Status RemoveDirectory(int dir_fd, const std::string& name,
                             const std::string& path);

// Removes everything inside the directory `dir_fd`, without following
// symbolic links.
absl::Status RemoveContents(int dir_fd, absl::string_view where) {
  // Names are read first and removed after, so removal never races the
  // directory stream.
  std::vector<std::string> names;
  {
    const int stream_fd = dup(dir_fd);
    if (stream_fd < 0) return ErrnoError(absl::StrCat("dup ", where), errno);
    DIR* dir = fdopendir(stream_fd);
    if (dir == nullptr) {
      const int error = errno;
      close(stream_fd);
      return ErrnoError(absl::StrCat("read ", where), error);
    }
    rewinddir(dir);  // the dup shares the offset with dir_fd
    while (const dirent* entry = readdir(dir)) {
      const absl::string_view name = entry->d_name;
      if (name != "." && name != "..") names.emplace_back(name);
    }
    closedir(dir);
  }
  for (const std::string& name : names) {
    const std::string path = absl::StrCat(where, "/", name);
    struct stat st;
    if (fstatat(dir_fd, name.c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0) {
      if (errno == ENOENT) continue;
      return ErrnoError(absl::StrCat("stat ", path), errno);
    }
    absl::Status removed = S_ISDIR(st.st_mode)
                               ? RemoveDirectory(dir_fd, name, path)
                               : absl::OkStatus();
    if (removed.ok() && !S_ISDIR(st.st_mode) &&
        unlinkat(dir_fd, name.c_str(), 0) != 0 && errno != ENOENT) {
      removed = ErrnoError(absl::StrCat("remove ", path), errno);
    }
    if (!removed.ok()) return removed;
  }
  return absl::OkStatus();
}

// Empties and removes the directory `name` in `dir_fd`.
//
// An emptied directory can still be "not empty" for a moment on FUSE file
// systems (bindfs, and any libfuse file system without hard_remove): a file
// unlinked while it was open is renamed to .fuse_hiddenNNNN and removed
// only when the daemon handles the RELEASE, which close() does not wait
// for. So on ENOTEMPTY it empties the directory again, a few times, with a
// short pause, before it gives up.
absl::Status RemoveDirectory(int dir_fd, const std::string& name,
                             const std::string& path) {
  constexpr int kAttempts = 20;
  for (int attempt = 1;; ++attempt) {
    {
      // O_NOFOLLOW: if the directory was swapped for a link since the
      // fstatat, this fails instead of entering the link's target.
      const Fd child(openat(dir_fd, name.c_str(), kDirOpenFlags));
      if (child.get() < 0) {
        if (errno == ENOENT) return absl::OkStatus();
        return ErrnoError(absl::StrCat("open ", path), errno);
      }
      if (absl::Status s = RemoveContents(child.get(), path); !s.ok()) {
        return s;
      }
    }
    if (unlinkat(dir_fd, name.c_str(), AT_REMOVEDIR) == 0 || errno == ENOENT) {
      return absl::OkStatus();
    }
    if (errno != ENOTEMPTY || attempt == kAttempts) {
      return ErrnoError(absl::StrCat("remove ", path), errno);
    }
    absl::SleepFor(absl::Milliseconds(attempt));
  }
}

absl::StatusOr<std::string> CurrentDirectory() {
  char buffer[PATH_MAX];
  if (getcwd(buffer, sizeof buffer) == nullptr) {
    return ErrnoError("getcwd", errno);
  }
  return std::string(buffer);
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

  absl::BitGen gen;
  std::string root;
  for (int attempt = 0;; ++attempt) {
    root = absl::StrFormat("%s/openrace-%d-%06x",
                           absl::string_view(resolved) == "/" ? "" : resolved,
                           getpid(), absl::Uniform<uint32_t>(gen, 0, 1u << 24));
    if (mkdir(root.c_str(), 0700) == 0) break;
    if (errno != EEXIST || attempt == 100) {
      return ErrnoError(absl::StrCat("mkdir ", root), errno);
    }
  }
  if (chdir(root.c_str()) != 0) {
    const absl::Status error = ErrnoError(absl::StrCat("chdir ", root), errno);
    rmdir(root.c_str());
    return error;
  }
  return std::unique_ptr<Sandbox>(
      new Sandbox(std::move(root), *std::move(previous_cwd)));
}

Sandbox::~Sandbox() {
  // Best effort: a destructor has no one to report to, and the sandbox's
  // name says who made it if something is left behind.
  (void)chdir(previous_cwd_.c_str());
  if (Clear().ok()) rmdir(root_.c_str());
}

absl::Status Sandbox::Clear() {
  const Fd root(open(root_.c_str(), kDirOpenFlags));
  if (root.get() < 0) return ErrnoError(absl::StrCat("open ", root_), errno);
  return RemoveContents(root.get(), root_);
}

absl::Status Sandbox::Remove(const std::vector<std::string>& paths) {
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
    // (RemoveDirectory opens it O_NOFOLLOW).
    if (unlinkat(root, path.c_str(), AT_REMOVEDIR) == 0 || errno == ENOENT) {
      continue;
    }
    if (errno != ENOTEMPTY && errno != EEXIST) {
      return ErrnoError(absl::StrCat("remove ", root_, "/", path), errno);
    }
    if (absl::Status s = RemoveDirectory(root, path, absl::StrCat(root_, "/", path));
        !s.ok()) {
      return s;
    }
  }
  return absl::OkStatus();
}

absl::Status Sandbox::Build(const std::vector<TreeEntry>& tree) {
  if (absl::Status s = Clear(); !s.ok()) return s;
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
