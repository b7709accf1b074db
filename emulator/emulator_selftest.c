/* emulator_selftest.c — checks libopenrace_emulator.so from the outside.
 *
 * Usage:
 *   emulator_selftest [--lib PATH/libopenrace_emulator.so]
 * Without --lib, LD_PRELOAD must already name the library (CTest sets it).
 *
 * The driver makes two temporary directories under /tmp (the root, and a
 * control directory outside it) and re-executes itself once per case, with
 * that case's OPENRACE_EMULATOR_* variables, as
 *   emulator_selftest --case NAME ROOT OUTSIDE
 * Each case exits nonzero with a clear message on any violation; the driver
 * prints every case's verdict, and the case's stderr when it fails.
 */
#undef _FORTIFY_SOURCE
#define _GNU_SOURCE 1

#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

extern int __open_2(const char *path, int flags);
extern int __openat_2(int dirfd, const char *path, int flags);

static const char *g_case = "driver";
static char g_root[PATH_MAX];
static char g_out[PATH_MAX];

static void die(const char *file, int line, const char *fmt, ...) {
  va_list ap;
  fprintf(stderr, "emulator_selftest[%s]: FAIL at %s:%d: ", g_case, file, line);
  va_start(ap, fmt);
  vfprintf(stderr, fmt, ap);
  va_end(ap);
  fputc('\n', stderr);
  exit(1);
}

#define CHECK(cond, ...) \
  do {                   \
    if (!(cond)) die(__FILE__, __LINE__, __VA_ARGS__); \
  } while (0)

/* A call expected to succeed: close what it opened. */
#define EXPECT_OK(expr, what)                                                   \
  do {                                                                          \
    errno = 0;                                                                  \
    int r_ = (expr);                                                            \
    CHECK(r_ >= 0, "%s: expected success, got -1 errno=%d (%s)", what, errno,   \
          strerror(errno));                                                     \
    close(r_);                                                                  \
  } while (0)

#define EXPECT_ERR(expr, err, what)                                             \
  do {                                                                          \
    errno = 0;                                                                  \
    int r_ = (expr);                                                            \
    int e_ = errno;                                                             \
    if (r_ >= 0) close(r_);                                                     \
    CHECK(r_ < 0 && e_ == (err), "%s: expected -1 errno=%s, got %d errno=%d (%s)", what, \
          #err, r_, e_, strerror(e_));                                          \
  } while (0)

static void path_join(char *out, const char *a, const char *b) {
  int n = snprintf(out, PATH_MAX, "%s/%s", a, b);
  CHECK(n > 0 && n < PATH_MAX, "path too long");
}

/* ------------------------------------------------------------------------ */
/* A helper thread that performs one request at a time for the main thread. */

enum op { OP_NONE, OP_OPENAT, OP_CLOSE, OP_SYSCLOSE, OP_DUP2, OP_QUIT };

static struct {
  pthread_mutex_t mu;
  pthread_cond_t cv;
  enum op op;
  int dirfd, a, b;
  const char *path;
  int ret, err, done;
  pthread_t thread;
} helper = {.mu = PTHREAD_MUTEX_INITIALIZER, .cv = PTHREAD_COND_INITIALIZER};

static void *helper_main(void *arg) {
  (void)arg;
  pthread_mutex_lock(&helper.mu);
  for (;;) {
    while (helper.op == OP_NONE) pthread_cond_wait(&helper.cv, &helper.mu);
    enum op op = helper.op;
    int r = -1;
    errno = 0;
    switch (op) {
      case OP_OPENAT: r = openat(helper.dirfd, helper.path, helper.a); break;
      case OP_CLOSE: r = close(helper.a); break;
      case OP_SYSCLOSE: r = (int)syscall(SYS_close, helper.a); break;
      case OP_DUP2: r = dup2(helper.a, helper.b); break;
      default: r = 0; break;
    }
    helper.ret = r;
    helper.err = errno;
    helper.op = OP_NONE;
    helper.done = 1;
    pthread_cond_broadcast(&helper.cv);
    if (op == OP_QUIT) break;
  }
  pthread_mutex_unlock(&helper.mu);
  return NULL;
}

static int helper_do(enum op op, int dirfd, const char *path, int a, int b) {
  pthread_mutex_lock(&helper.mu);
  helper.op = op;
  helper.dirfd = dirfd;
  helper.path = path;
  helper.a = a;
  helper.b = b;
  helper.done = 0;
  pthread_cond_broadcast(&helper.cv);
  while (!helper.done) pthread_cond_wait(&helper.cv, &helper.mu);
  int r = helper.ret;
  errno = helper.err;
  pthread_mutex_unlock(&helper.mu);
  return r;
}

static void helper_start(void) {
  CHECK(pthread_create(&helper.thread, NULL, helper_main, NULL) == 0, "pthread_create");
}

static void helper_stop(void) {
  helper_do(OP_QUIT, 0, NULL, 0, 0);
  pthread_join(helper.thread, NULL);
}

/* The helper opens (dirfd, path) and holds it; must succeed. */
static int helper_hold(int dirfd, const char *path) {
  int fd = helper_do(OP_OPENAT, dirfd, path, O_RDONLY, 0);
  CHECK(fd >= 0, "helper: openat(%s) failed: %s", path, strerror(errno));
  return fd;
}

static void helper_close(int fd) {
  CHECK(helper_do(OP_CLOSE, 0, NULL, fd, 0) == 0, "helper: close(%d): %s", fd, strerror(errno));
}

/* ------------------------------------------------------------------------ */
/* Cases                                                                     */

static int open_root_dir(void) {
  int fd = open(g_root, O_RDONLY | O_DIRECTORY); /* absolute: never fails */
  CHECK(fd >= 0, "open(%s): %s", g_root, strerror(errno));
  return fd;
}

static unsigned long long injections(void) {
  unsigned long long (*f)(void) =
      (unsigned long long (*)(void))dlsym(RTLD_DEFAULT, "openrace_emulator_injections");
  CHECK(f != NULL, "the emulator is not loaded (LD_PRELOAD?)");
  return f();
}

/* p=1, rules=held-relative, anchors=both, with a log. */
static void case_held(void) {
  char abs_f[PATH_MAX], abs_g[PATH_MAX], out_f[PATH_MAX];
  path_join(abs_f, g_root, "f");
  path_join(abs_g, g_root, "g");
  path_join(out_f, g_out, "f");
  CHECK(chdir(g_root) == 0, "chdir(%s)", g_root);
  int rootfd = open_root_dir();
  int subfd = openat(rootfd, "sub", O_RDONLY | O_DIRECTORY);
  CHECK(subfd >= 0, "openat(rootfd, sub) with nothing held must succeed: %s", strerror(errno));
  int outfd = open(g_out, O_RDONLY | O_DIRECTORY);
  CHECK(outfd >= 0, "open(%s)", g_out);
  unsigned long long before = injections();
  helper_start();

  /* Nothing held yet: relative opens succeed. */
  EXPECT_OK(open("f", O_RDONLY), "open(f) with nothing held");

  /* The helper holds f (opened relative). */
  int h = helper_hold(AT_FDCWD, "f");
  EXPECT_ERR(open("f", O_RDONLY), EINVAL, "open(f) while another thread holds f");
  EXPECT_ERR(open64("f", O_RDONLY), EINVAL, "open64(f) while held");
  EXPECT_ERR(openat(AT_FDCWD, "f", O_RDONLY), EINVAL, "openat(AT_FDCWD, f) while held");
  EXPECT_ERR(openat(rootfd, "f", O_RDONLY), EINVAL, "openat(rootfd, f) while held");
  EXPECT_ERR(openat(subfd, "../f", O_RDONLY), EINVAL, "openat(subfd, ../f) while held");
  EXPECT_ERR(open("./sub/../f", O_WRONLY), EINVAL, "open(./sub/../f) while held");
  EXPECT_ERR(open("f", O_RDWR | O_CREAT, 0644), EINVAL, "open(f, O_CREAT) while held");
  EXPECT_ERR(__open_2("f", O_RDONLY), EINVAL, "__open_2(f) while held");
  EXPECT_ERR(__openat_2(rootfd, "f", O_RDONLY), EINVAL, "__openat_2(rootfd, f) while held");
  EXPECT_OK(open(abs_f, O_RDONLY), "open(absolute f) while held");
  EXPECT_OK(openat(rootfd, abs_f, O_RDONLY), "openat(rootfd, absolute f) while held");
  EXPECT_OK(open("g", O_RDONLY), "open(g) while only f is held");
  EXPECT_OK(open("new", O_RDWR | O_CREAT | O_EXCL, 0644), "open(new, O_CREAT|O_EXCL)");
  CHECK(unlink("new") == 0, "unlink(new)");
  CHECK(mkdir("newdir", 0755) == 0, "mkdir(newdir): held-relative must not touch mkdir: %s",
        strerror(errno));
  CHECK(rmdir("newdir") == 0, "rmdir(newdir)");
  /* The holder itself may reopen its own file. */
  int h2 = helper_do(OP_OPENAT, AT_FDCWD, "f", O_RDONLY, 0);
  CHECK(h2 >= 0, "helper reopening the file it holds must succeed: %s", strerror(errno));
  helper_close(h2);
  /* The main thread's own descriptor never counts against itself. */
  helper_close(h);
  int mine = open("f", O_RDONLY);
  CHECK(mine >= 0, "open(f) after the helper closed: %s", strerror(errno));
  EXPECT_OK(open("f", O_RDONLY), "open(f) while only this thread holds f");
  /* ...but it does count against the helper. */
  int r = helper_do(OP_OPENAT, AT_FDCWD, "f", O_RDONLY, 0);
  CHECK(r < 0 && errno == EINVAL, "helper open(f) while main holds it: expected EINVAL, got %d", r);
  close(mine);
  r = helper_do(OP_OPENAT, AT_FDCWD, "f", O_RDONLY, 0);
  CHECK(r >= 0, "helper open(f) after main closed: %s", strerror(errno));
  helper_close(r);

  /* Held through an absolute path counts too. */
  h = helper_hold(AT_FDCWD, abs_f);
  EXPECT_ERR(open("f", O_RDONLY), EINVAL, "open(f) while held through its absolute path");
  helper_close(h);
  EXPECT_OK(open("f", O_RDONLY), "open(f) after release");

  /* Subdirectories and dirfd anchors. */
  h = helper_hold(rootfd, "sub/h");
  EXPECT_ERR(openat(subfd, "h", O_RDONLY), EINVAL, "openat(subfd, h) while held");
  EXPECT_ERR(open("sub/h", O_RDONLY), EINVAL, "open(sub/h) while held");
  EXPECT_OK(open("sub", O_RDONLY | O_DIRECTORY), "open(sub): the directory is not held");
  helper_close(h);
  EXPECT_OK(openat(subfd, "h", O_RDONLY), "openat(subfd, h) after release");

  /* Symlinks: followed like open follows them; O_NOFOLLOW stats the link. */
  h = helper_hold(AT_FDCWD, "f");
  EXPECT_ERR(open("link", O_RDONLY), EINVAL, "open(link -> f) while f held");
  EXPECT_OK(open("link", O_RDONLY | O_PATH | O_NOFOLLOW), "open(link, O_PATH|O_NOFOLLOW)");
  helper_close(h);

  /* Stale records (closed behind the library's back) are dropped. */
  h = helper_hold(AT_FDCWD, "f");
  CHECK(helper_do(OP_SYSCLOSE, 0, NULL, h, 0) == 0, "raw close");
  EXPECT_OK(open("f", O_RDONLY), "open(f) after the holder closed it with a raw syscall");

  /* dup2 over a held descriptor moves the hold. */
  h = helper_hold(AT_FDCWD, "f");
  int hg = helper_hold(AT_FDCWD, "g");
  CHECK(helper_do(OP_DUP2, 0, NULL, hg, h) == h, "dup2");
  EXPECT_OK(open("f", O_RDONLY), "open(f) after dup2(g, f's fd)");
  EXPECT_ERR(open("g", O_RDONLY), EINVAL, "open(g) while held (twice)");
  helper_close(hg);
  EXPECT_ERR(open("g", O_RDONLY), EINVAL, "open(g) while still held through the dup");
  helper_close(h);
  EXPECT_OK(open("g", O_RDONLY), "open(g) after both closed");

#if defined(__GLIBC__) && (__GLIBC__ > 2 || (__GLIBC__ == 2 && __GLIBC_MINOR__ >= 34))
  /* close_range releases holds. */
  h = helper_hold(AT_FDCWD, "f");
  CHECK(close_range((unsigned)h, (unsigned)h, 0) == 0, "close_range: %s", strerror(errno));
  EXPECT_OK(open("f", O_RDONLY), "open(f) after close_range");
#endif

  /* Outside the root nothing fails. */
  h = helper_hold(outfd, "f");
  EXPECT_OK(openat(outfd, "f", O_RDONLY), "openat(outfd, f) while held, outside the root");
  CHECK(chdir(g_out) == 0, "chdir(out)");
  EXPECT_OK(open("f", O_RDONLY), "open(f) in the control dir while held");
  CHECK(chdir(g_root) == 0, "chdir(root)");
  helper_close(h);
  h = helper_hold(AT_FDCWD, out_f);
  EXPECT_OK(openat(outfd, "f", O_RDONLY), "openat(outfd, f) while held by absolute path");
  helper_close(h);

  /* A relative path that leaves the root. */
  h = helper_hold(AT_FDCWD, "f");
  char escape[PATH_MAX];
  snprintf(escape, sizeof escape, "..%s/f", strrchr(g_out, '/'));
  EXPECT_OK(open(escape, O_RDONLY), "open(../out/f): outside the root");
  helper_close(h);

  helper_stop();
  unsigned long long n = injections() - before;
  CHECK(n == 16, "expected 16 injections, the library counted %llu", n);
  close(rootfd);
  close(subfd);
  close(outfd);
}

/* Relative opens of a held file: which fail, by anchor. */
static void case_anchor(int cwd_fails, int dirfd_fails) {
  CHECK(chdir(g_root) == 0, "chdir");
  int rootfd = open_root_dir();
  helper_start();
  int h = helper_hold(AT_FDCWD, "f");
  if (cwd_fails) EXPECT_ERR(open("f", O_RDONLY), EINVAL, "open(f) cwd-relative while held");
  else EXPECT_OK(open("f", O_RDONLY), "open(f) cwd-relative while held");
  if (cwd_fails) EXPECT_ERR(openat(AT_FDCWD, "f", O_RDONLY), EINVAL, "openat(AT_FDCWD, f)");
  else EXPECT_OK(openat(AT_FDCWD, "f", O_RDONLY), "openat(AT_FDCWD, f)");
  if (dirfd_fails) EXPECT_ERR(openat(rootfd, "f", O_RDONLY), EINVAL, "openat(rootfd, f)");
  else EXPECT_OK(openat(rootfd, "f", O_RDONLY), "openat(rootfd, f)");
  helper_close(h);
  helper_stop();
  close(rootfd);
}

static void case_nothing_fails(void) {
  CHECK(chdir(g_root) == 0, "chdir");
  int rootfd = open_root_dir();
  helper_start();
  int h = helper_hold(AT_FDCWD, "f");
  for (int i = 0; i < 200; i++) {
    EXPECT_OK(open("f", O_RDONLY), "open(f) while held");
    EXPECT_OK(openat(rootfd, "f", O_RDONLY), "openat(rootfd, f) while held");
    EXPECT_OK(open("g", O_RDONLY), "open(g)");
  }
  CHECK(mkdir("d", 0755) == 0 && rmdir("d") == 0, "mkdir/rmdir");
  helper_close(h);
  helper_stop();
  close(rootfd);
  CHECK(injections() == 0, "injections counted: %llu", injections());
}

/* rules=any-relative, p=1, single thread. */
static void case_any(void) {
  char abs_f[PATH_MAX];
  path_join(abs_f, g_root, "f");
  CHECK(chdir(g_root) == 0, "chdir");
  int rootfd = open_root_dir();
  EXPECT_ERR(open("f", O_RDONLY), EINVAL, "open(f)");
  EXPECT_ERR(openat(rootfd, "f", O_RDONLY), EINVAL, "openat(rootfd, f)");
  EXPECT_ERR(open(".", O_RDONLY | O_DIRECTORY), EINVAL, "open(.) (the root itself)");
  EXPECT_ERR(open("absent", O_RDWR | O_CREAT, 0644), EINVAL, "open(absent, O_CREAT)");
  struct stat st;
  CHECK(stat("absent", &st) != 0 && errno == ENOENT, "a failed O_CREAT open must not create the file");
  EXPECT_ERR(creat("absent", 0644), EINVAL, "creat(absent)");
  EXPECT_OK(open(abs_f, O_RDONLY), "open(absolute f)");
  errno = 0;
  CHECK(open("", O_RDONLY) < 0 && errno == ENOENT, "open(\"\") must fail naturally (ENOENT), not be injected");
  CHECK(injections() == 5, "expected 5 injections, counted %llu", injections());
  CHECK(mkdir("d", 0755) == 0 && rmdir("d") == 0, "any-relative must not touch mkdir");
  CHECK(chdir(g_out) == 0, "chdir(out)");
  EXPECT_OK(open("f", O_RDONLY), "open(f) outside the root");
  close(rootfd);
}

/* p=0.01: 20000 relative reopens of a held file. */
static void case_rate(void) {
  CHECK(chdir(g_root) == 0, "chdir");
  helper_start();
  int h = helper_hold(AT_FDCWD, "f");
  const int n = 20000;
  int failures = 0;
  for (int i = 0; i < n; i++) {
    errno = 0;
    int fd = open("f", O_RDONLY);
    if (fd >= 0) {
      close(fd);
    } else {
      CHECK(errno == EINVAL, "open(f) failed with errno=%d (%s), not EINVAL", errno, strerror(errno));
      failures++;
    }
  }
  helper_close(h);
  helper_stop();
  double rate = (double)failures / n;
  fprintf(stderr, "emulator_selftest[rate]: %d of %d relative opens failed (%.4f)\n", failures, n,
          rate);
  CHECK(rate >= 0.005 && rate <= 0.02, "failure rate %.4f is outside 0.005..0.02 for p=0.01", rate);
  CHECK(injections() == (unsigned long long)failures, "library counted %llu injections, saw %d",
        injections(), failures);
}

/* rules=any-relative, p=0.5: writes the outcome sequence to OUTSIDE/seq-$TAG. */
static void case_seq(void) {
  CHECK(chdir(g_root) == 0, "chdir");
  char bits[257];
  for (int i = 0; i < 256; i++) {
    int fd = open("f", O_RDONLY);
    bits[i] = fd >= 0 ? '1' : '0';
    if (fd >= 0) close(fd);
  }
  bits[256] = '\0';
  char file[PATH_MAX];
  snprintf(file, sizeof file, "%s/seq-%s", g_out, getenv("SELFTEST_TAG"));
  FILE *f = fopen(file, "w");
  CHECK(f != NULL, "fopen(%s)", file);
  fputs(bits, f);
  fclose(f);
}

/* rules=mkdir-relative, p=1. */
struct mk_arg {
  const char *prefix; /* relative or absolute parent */
  int id;
  _Atomic int *stop;
  _Atomic int *go;
  int enoent, other;
  int other_errno;
};

static void *mk_loop(void *p) {
  struct mk_arg *a = p;
  char name[PATH_MAX];
  while (!atomic_load(a->go)) {
  }
  for (int i = 0; !atomic_load(a->stop); i++) {
    snprintf(name, sizeof name, "%s/t%d_%d", a->prefix, a->id, i);
    errno = 0;
    if (mkdir(name, 0755) == 0) {
      rmdir(name);
    } else if (errno == ENOENT) {
      struct stat st;
      if (stat(name, &st) == 0) a->other++, a->other_errno = EEXIST; /* side effect! */
      a->enoent++;
    } else {
      a->other++;
      a->other_errno = errno;
    }
  }
  return NULL;
}

static double now_s(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/* Runs two mkdir loops (parents pa, pb) until the first sees an ENOENT (if
 * want_enoent) or for `seconds`; returns ENOENTs seen by both. */
static int mk_race(const char *pa, const char *pb, double seconds, int want_enoent) {
  _Atomic int stop = 0, go = 0;
  struct mk_arg a = {pa, 0, &stop, &go, 0, 0, 0}, b = {pb, 1, &stop, &go, 0, 0, 0};
  pthread_t ta, tb;
  CHECK(pthread_create(&ta, NULL, mk_loop, &a) == 0, "pthread_create");
  CHECK(pthread_create(&tb, NULL, mk_loop, &b) == 0, "pthread_create");
  atomic_store(&go, 1);
  double end = now_s() + seconds;
  while (now_s() < end) {
    if (want_enoent && (a.enoent + b.enoent) > 0) break; /* racy read, fine: a hint */
    struct timespec ts = {0, 1000000};
    nanosleep(&ts, NULL);
  }
  atomic_store(&stop, 1);
  pthread_join(ta, NULL);
  pthread_join(tb, NULL);
  CHECK(a.other + b.other == 0, "mkdir under %s / %s failed with errno=%d (%s)", pa, pb,
        a.other ? a.other_errno : b.other_errno, strerror(a.other ? a.other_errno : b.other_errno));
  return a.enoent + b.enoent;
}

static void case_mkdir(void) {
  char abs_m[PATH_MAX];
  path_join(abs_m, g_root, "m");
  CHECK(chdir(g_root) == 0, "chdir");
  CHECK(mkdir("m", 0755) == 0, "mkdir(m) alone: %s", strerror(errno));
  CHECK(mkdir("m/p1", 0755) == 0 && mkdir("m/p2", 0755) == 0, "mkdir(m/p1, m/p2)");
  /* Absolute mkdirs never fail, even racing in the same parent. */
  CHECK(mk_race(abs_m, abs_m, 0.5, 0) == 0, "absolute mkdirs failed");
  /* Relative mkdirs under different parents never fail. */
  CHECK(mk_race("m/p1", "m/p2", 0.5, 0) == 0, "relative mkdirs in different parents failed");
  /* Relative mkdirs racing in the same parent fail (ENOENT, no side effect). */
  int n = mk_race("m", "m", 20.0, 1);
  CHECK(n > 0, "no relative mkdir failed in 20 s of racing in one parent");
  /* Open calls are untouched by this rule. */
  EXPECT_OK(open("f", O_RDONLY), "open(f)");
}

/* rules=excl-create-wins, p=1. */
static void case_excl(void) {
  char abs_f[PATH_MAX];
  path_join(abs_f, g_root, "f");
  CHECK(chdir(g_root) == 0, "chdir");
  /* The exclusive create of an existing regular file opens it. */
  EXPECT_OK(open("f", O_RDWR | O_CREAT | O_EXCL, 0644), "open(f, O_CREAT|O_EXCL)");
  CHECK(injections() == 1, "expected 1 injection, counted %llu", injections());
  /* Not by absolute path, not of a directory, not without O_EXCL. */
  EXPECT_ERR(open(abs_f, O_RDWR | O_CREAT | O_EXCL, 0644), EEXIST, "open(absolute f, O_EXCL)");
  CHECK(mkdir("xd", 0755) == 0, "mkdir(xd)");
  EXPECT_ERR(open("xd", O_RDONLY | O_CREAT | O_EXCL, 0644), EEXIST, "open(xd, O_EXCL)");
  CHECK(rmdir("xd") == 0, "rmdir(xd)");
  EXPECT_OK(open("f", O_RDWR | O_CREAT, 0644), "open(f, O_CREAT)");
  /* A file that does not exist is created as usual. */
  EXPECT_OK(open("xnew", O_RDWR | O_CREAT | O_EXCL, 0644), "open(xnew, O_EXCL)");
  CHECK(unlink("xnew") == 0, "unlink(xnew)");
  CHECK(injections() == 1, "expected 1 injection, counted %llu", injections());
}

/* rules=rename-lost, p=1. */
static void case_rename_lost(void) {
  char abs_f[PATH_MAX], abs_g[PATH_MAX];
  path_join(abs_f, g_root, "f");
  path_join(abs_g, g_root, "lost-g");
  CHECK(chdir(g_root) == 0, "chdir");
  struct stat st;
  /* A relative rename of an existing source answers 0 and does nothing. */
  EXPECT_OK(rename("f", "lost-g"), "rename(f, lost-g)");
  CHECK(stat("f", &st) == 0 && stat("lost-g", &st) != 0, "the lost rename moved f");
  EXPECT_OK(renameat(AT_FDCWD, "f", AT_FDCWD, "lost-g"), "renameat(f, lost-g)");
  CHECK(stat("lost-g", &st) != 0, "the lost renameat moved f");
  CHECK(injections() == 2, "expected 2 injections, counted %llu", injections());
  /* A missing source fails as usual; an absolute one is renamed. */
  EXPECT_ERR(rename("missing", "lost-g"), ENOENT, "rename(missing)");
  EXPECT_OK(rename(abs_f, abs_g), "rename(absolute f)");
  CHECK(stat(abs_g, &st) == 0, "the absolute rename did not move f");
  EXPECT_OK(rename(abs_g, abs_f), "rename(absolute lost-g back)");
  CHECK(injections() == 2, "expected 2 injections, counted %llu", injections());
}

/* rules=stale-open, p=1. */
static void *unlink_thread(void *name) {
  return (void *)(intptr_t)unlink((const char *)name);
}

static void case_stale(void) {
  char abs_s[PATH_MAX];
  path_join(abs_s, g_root, "st1");
  CHECK(chdir(g_root) == 0, "chdir");
  /* Another thread unlinks st1: an open of it at once still succeeds. */
  int fd = open("st1", O_RDWR | O_CREAT | O_EXCL, 0644);
  CHECK(fd >= 0 && close(fd) == 0, "create st1");
  pthread_t t;
  void *r;
  CHECK(pthread_create(&t, NULL, unlink_thread, "st1") == 0 && pthread_join(t, &r) == 0 &&
            r == NULL,
        "unlink st1 on another thread");
  EXPECT_ERR(open(abs_s, O_RDONLY), ENOENT, "open(absolute st1) after the unlink");
  EXPECT_OK(open("st1", O_RDONLY), "open(st1) within 2 ms of another thread's unlink");
  CHECK(injections() == 1, "expected 1 injection, counted %llu", injections());
  /* Not after this thread's own unlink, not after 2 ms. */
  fd = open("st2", O_RDWR | O_CREAT | O_EXCL, 0644);
  CHECK(fd >= 0 && close(fd) == 0 && unlink("st2") == 0, "create and unlink st2 here");
  EXPECT_ERR(open("st2", O_RDONLY), ENOENT, "open(st2) after this thread's unlink");
  struct timespec pause = {0, 3000000};
  nanosleep(&pause, NULL);
  EXPECT_ERR(open("st1", O_RDONLY), ENOENT, "open(st1) 3 ms after the unlink");
  CHECK(injections() == 1, "expected 1 injection, counted %llu", injections());
}

/* rules=sibling-create-enoent, p=1: thread b creates (and removes) files
 * in s/ while this thread opens the existing s/f. */
struct sib_arg {
  _Atomic int *stop;
  int creates;
};

static void *sib_creator(void *p) {
  struct sib_arg *a = p;
  char name[64];
  for (int i = 0; !atomic_load(a->stop); i++) {
    snprintf(name, sizeof name, "s/n%d", i % 8);
    int fd = open(name, O_RDWR | O_CREAT, 0644);
    if (fd >= 0) close(fd), a->creates++;
    unlink(name);
  }
  return NULL;
}

static void case_sibling(void) {
  char abs_sf[PATH_MAX];
  path_join(abs_sf, g_root, "s/f");
  CHECK(chdir(g_root) == 0, "chdir");
  CHECK(mkdir("s", 0755) == 0 && mkdir("t", 0755) == 0, "mkdir(s, t)");
  int fd = open("s/f", O_RDWR | O_CREAT | O_EXCL, 0644);
  CHECK(fd >= 0, "open(s/f, O_CREAT)");
  close(fd);
  fd = open("t/f", O_RDWR | O_CREAT | O_EXCL, 0644);
  CHECK(fd >= 0, "open(t/f, O_CREAT)");
  close(fd);
  /* Alone, nothing fails. */
  EXPECT_OK(open("s/f", O_RDONLY), "open(s/f) alone");
  _Atomic int stop = 0;
  struct sib_arg a = {&stop, 0};
  pthread_t t;
  CHECK(pthread_create(&t, NULL, sib_creator, &a) == 0, "pthread_create");
  int enoent = 0, other = 0, other_errno = 0;
  double end = now_s() + 20.0;
  while (now_s() < end && enoent == 0) {
    fd = open("s/f", O_RDONLY);
    if (fd >= 0) close(fd);
    else if (errno == ENOENT) enoent++;
    else other++, other_errno = errno;
    /* By absolute path, in another directory, or creating: never. */
    fd = open(abs_sf, O_RDONLY);
    if (fd >= 0) close(fd); else other++, other_errno = errno;
    fd = open("t/f", O_RDONLY);
    if (fd >= 0) close(fd); else other++, other_errno = errno;
  }
  atomic_store(&stop, 1);
  pthread_join(t, NULL);
  CHECK(other == 0, "an open that must not fail failed: errno=%d (%s)", other_errno,
        strerror(other_errno));
  CHECK(a.creates > 0, "the creating thread created nothing");
  CHECK(enoent > 0, "no open of s/f failed in 20 s beside a sibling's create");
  /* The retry right after an injection succeeds. */
  EXPECT_OK(open("s/f", O_RDONLY), "open(s/f) after the creator stopped");
}

static void case_loaded(void) {
  const char *(*v)(void) = (const char *(*)(void))dlsym(RTLD_DEFAULT, "openrace_emulator_version");
  CHECK(v != NULL, "the emulator is not loaded");
}

static int run_case(const char *name) {
  g_case = name;
  case_loaded();
  if (strcmp(name, "held") == 0) case_held();
  else if (strcmp(name, "anchors-cwd") == 0) case_anchor(1, 0);
  else if (strcmp(name, "anchors-dirfd") == 0) case_anchor(0, 1);
  else if (strcmp(name, "anchors-both") == 0) case_anchor(1, 1);
  else if (strcmp(name, "nothing-fails") == 0) case_nothing_fails();
  else if (strcmp(name, "any") == 0) case_any();
  else if (strcmp(name, "rate") == 0) case_rate();
  else if (strcmp(name, "seq") == 0) case_seq();
  else if (strcmp(name, "mkdir") == 0) case_mkdir();
  else if (strcmp(name, "excl") == 0) case_excl();
  else if (strcmp(name, "rename-lost") == 0) case_rename_lost();
  else if (strcmp(name, "stale") == 0) case_stale();
  else if (strcmp(name, "sibling") == 0) case_sibling();
  else CHECK(0, "unknown case '%s'", name);
  return 0;
}

/* ------------------------------------------------------------------------ */
/* Driver                                                                    */

struct setting { const char *var, *value; }; /* value "@root", "@log", NULL: unset */

static const char *const kVars[] = {"OPENRACE_EMULATOR_ROOT", "OPENRACE_EMULATOR_RULES",
                                    "OPENRACE_EMULATOR_P", "OPENRACE_EMULATOR_ANCHORS",
                                    "OPENRACE_EMULATOR_SEED", "OPENRACE_EMULATOR_LOG",
                                    "SELFTEST_TAG"};

static int failures;

static void read_file(const char *path, char *buf, size_t cap) {
  buf[0] = '\0';
  FILE *f = fopen(path, "r");
  if (f == NULL) return;
  size_t n = fread(buf, 1, cap - 1, f);
  buf[n] = '\0';
  fclose(f);
}

/* Runs one case in a child with the given settings; returns its stderr in
 * err (if not NULL). Expects exit status 0. */
static void spawn(const char *label, const char *name, const struct setting *set, char *err,
                  size_t errcap) {
  static int serial;
  char errfile[PATH_MAX + 32], logfile[PATH_MAX];
  snprintf(errfile, sizeof errfile, "%s/stderr-%d", g_out, ++serial);
  path_join(logfile, g_out, "inject.log");
  fflush(NULL);
  pid_t pid = fork();
  CHECK(pid >= 0, "fork");
  if (pid == 0) {
    for (size_t i = 0; i < sizeof kVars / sizeof kVars[0]; i++) unsetenv(kVars[i]);
    setenv("OPENRACE_EMULATOR_ROOT", g_root, 1);
    setenv("OPENRACE_EMULATOR_SEED", "12345", 1);
    for (; set && set->var; set++) {
      if (set->value == NULL) unsetenv(set->var);
      else setenv(set->var, strcmp(set->value, "@log") == 0 ? logfile : set->value, 1);
    }
    int fd = open(errfile, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (fd >= 0) dup2(fd, 2), close(fd);
    char *argv[] = {"emulator_selftest", "--case", (char *)name, g_root, g_out, NULL};
    execv("/proc/self/exe", argv);
    _exit(127);
  }
  int status = 0;
  waitpid(pid, &status, 0);
  char buf[8192];
  read_file(errfile, buf, sizeof buf);
  if (err) snprintf(err, errcap, "%s", buf);
  if (WIFEXITED(status) && WEXITSTATUS(status) == 0) {
    printf("PASS %s\n", label);
  } else {
    printf("FAIL %s (status %d)\n%s", label, status, buf);
    failures++;
  }
}

static void expect_contains(const char *label, const char *hay, const char *needle) {
  if (strstr(hay, needle) == NULL) {
    printf("FAIL %s: expected to find \"%s\" in:\n%s\n", label, needle, hay);
    failures++;
  } else {
    printf("PASS %s\n", label);
  }
}

static void touch(const char *dir, const char *name) {
  char p[PATH_MAX];
  path_join(p, dir, name);
  int fd = open(p, O_WRONLY | O_CREAT | O_TRUNC, 0644);
  CHECK(fd >= 0, "create %s: %s", p, strerror(errno));
  close(fd);
}

static int rm_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw) {
  (void)st, (void)flag, (void)ftw;
  return remove(path);
}

int main(int argc, char **argv) {
  if (argc == 5 && strcmp(argv[1], "--case") == 0) {
    snprintf(g_root, sizeof g_root, "%s", argv[3]);
    snprintf(g_out, sizeof g_out, "%s", argv[4]);
    return run_case(argv[2]);
  }
  if (argc == 3 && strcmp(argv[1], "--lib") == 0) {
    char abs[PATH_MAX];
    CHECK(realpath(argv[2], abs) != NULL, "--lib %s: %s", argv[2], strerror(errno));
    setenv("LD_PRELOAD", abs, 1);
  } else if (argc != 1) {
    fprintf(stderr, "usage: emulator_selftest [--lib PATH/libopenrace_emulator.so]\n");
    return 2;
  }
  const char *pre = getenv("LD_PRELOAD");
  if (pre == NULL || strstr(pre, "openrace_emulator") == NULL) {
    fprintf(stderr,
            "emulator_selftest: LD_PRELOAD does not name libopenrace_emulator.so; "
            "run through CTest or pass --lib PATH\n");
    return 2;
  }

  CHECK(mkdtemp(strcpy(g_root, "/tmp/openrace-emu-root-XXXXXX")) != NULL, "mkdtemp");
  CHECK(mkdtemp(strcpy(g_out, "/tmp/openrace-emu-out-XXXXXX")) != NULL, "mkdtemp");
  touch(g_root, "f");
  touch(g_root, "g");
  char p[PATH_MAX], q[PATH_MAX];
  path_join(p, g_root, "sub");
  CHECK(mkdir(p, 0755) == 0, "mkdir sub");
  touch(p, "h");
  path_join(q, g_root, "link");
  CHECK(symlink("f", q) == 0, "symlink");
  touch(g_out, "f");

  char err[8192], logbuf[8192], logfile[PATH_MAX];
  path_join(logfile, g_out, "inject.log");

  /* p=1, held-relative, both anchors, logging. */
  spawn("held", "held",
        (struct setting[]){{"OPENRACE_EMULATOR_P", "1"}, {"OPENRACE_EMULATOR_LOG", "@log"}, {0, 0}},
        NULL, 0);
  read_file(logfile, logbuf, sizeof logbuf);
  expect_contains("held.log", logbuf, "inject rule=held-relative call=open path=f errno=EINVAL\n");
  expect_contains("held.log.openat", logbuf,
                  "inject rule=held-relative call=openat path=../f errno=EINVAL\n");
  expect_contains("held.log.__open_2", logbuf,
                  "inject rule=held-relative call=__open_2 path=f errno=EINVAL\n");
  expect_contains("held.log.escape", logbuf,
                  "inject rule=held-relative call=open path=./sub/../f errno=EINVAL\n");

  /* Anchors. */
  spawn("anchors-cwd", "anchors-cwd",
        (struct setting[]){{"OPENRACE_EMULATOR_P", "1"}, {"OPENRACE_EMULATOR_ANCHORS", "cwd"}, {0, 0}},
        NULL, 0);
  spawn("anchors-dirfd", "anchors-dirfd",
        (struct setting[]){{"OPENRACE_EMULATOR_P", "1"}, {"OPENRACE_EMULATOR_ANCHORS", "dirfd"}, {0, 0}},
        NULL, 0);
  spawn("anchors-both", "anchors-both",
        (struct setting[]){{"OPENRACE_EMULATOR_P", "1"}, {"OPENRACE_EMULATOR_ANCHORS", "both"},
                           {"OPENRACE_EMULATOR_RULES", "held-relative,mkdir-relative"}, {0, 0}},
        NULL, 0);

  /* Nothing fails: p=0; root unset; and a malformed setting of each kind. */
  const char *all = "held-relative,mkdir-relative,any-relative";
  spawn("p=0", "nothing-fails",
        (struct setting[]){{"OPENRACE_EMULATOR_P", "0"}, {"OPENRACE_EMULATOR_RULES", all}, {0, 0}},
        NULL, 0);
  spawn("root-unset", "nothing-fails",
        (struct setting[]){{"OPENRACE_EMULATOR_P", "1"}, {"OPENRACE_EMULATOR_ROOT", NULL},
                           {"OPENRACE_EMULATOR_RULES", all}, {0, 0}},
        NULL, 0);
  spawn("rules-empty", "nothing-fails",
        (struct setting[]){{"OPENRACE_EMULATOR_P", "1"}, {"OPENRACE_EMULATOR_RULES", ""}, {0, 0}},
        NULL, 0);
  const char *bad_p[] = {"x", "1.5", "-0.1", "", " 0.1", "0.1 ", "nan", "inf", "0x1p-3", "0.5x", "1e5"};
  for (size_t i = 0; i < sizeof bad_p / sizeof bad_p[0]; i++) {
    char label[64], want[128];
    snprintf(label, sizeof label, "bad-p '%s'", bad_p[i]);
    spawn(label, "nothing-fails",
          (struct setting[]){{"OPENRACE_EMULATOR_P", bad_p[i]}, {"OPENRACE_EMULATOR_RULES", all}, {0, 0}},
          err, sizeof err);
    snprintf(want, sizeof want,
             "openrace emulator: OPENRACE_EMULATOR_P='%s' is not a probability in [0,1]\n", bad_p[i]);
    if (strcmp(err, want) != 0) {
      printf("FAIL %s: stderr was \"%s\", wanted \"%s\"\n", label, err, want);
      failures++;
    }
  }
  struct setting bad_other[][3] = {
      {{"OPENRACE_EMULATOR_P", "1"}, {"OPENRACE_EMULATOR_RULES", "held-relative,bogus"}, {0, 0}},
      {{"OPENRACE_EMULATOR_P", "1"}, {"OPENRACE_EMULATOR_ANCHORS", "neither"}, {0, 0}},
      {{"OPENRACE_EMULATOR_P", "1"}, {"OPENRACE_EMULATOR_SEED", "-3"}, {0, 0}},
      {{"OPENRACE_EMULATOR_P", "1"}, {"OPENRACE_EMULATOR_ROOT", "relative/dir"}, {0, 0}},
  };
  for (size_t i = 0; i < sizeof bad_other / sizeof bad_other[0]; i++) {
    char label[128];
    snprintf(label, sizeof label, "bad %s='%s'", bad_other[i][1].var + 18, bad_other[i][1].value);
    spawn(label, "nothing-fails", bad_other[i], err, sizeof err);
    if (strncmp(err, "openrace emulator: ", 19) != 0 || strchr(err, '\n') != strrchr(err, '\n')) {
      printf("FAIL %s: wanted one 'openrace emulator:' line on stderr, got \"%s\"\n", label, err);
      failures++;
    }
  }

  spawn("any-relative", "any",
        (struct setting[]){{"OPENRACE_EMULATOR_P", "1"}, {"OPENRACE_EMULATOR_RULES", "any-relative"}, {0, 0}},
        NULL, 0);
  spawn("rate p=0.01", "rate",
        (struct setting[]){{"OPENRACE_EMULATOR_P", "0.01"}, {0, 0}}, err, sizeof err);
  printf("     %s", err);

  /* Seeds: the same seed repeats a single thread's draws, another does not. */
  const struct setting seq_common[] = {{"OPENRACE_EMULATOR_P", "0.5"},
                                       {"OPENRACE_EMULATOR_RULES", "any-relative"}};
  spawn("seq 42 a", "seq",
        (struct setting[]){seq_common[0], seq_common[1], {"OPENRACE_EMULATOR_SEED", "42"},
                           {"SELFTEST_TAG", "a"}, {0, 0}},
        NULL, 0);
  spawn("seq 42 b", "seq",
        (struct setting[]){seq_common[0], seq_common[1], {"OPENRACE_EMULATOR_SEED", "42"},
                           {"SELFTEST_TAG", "b"}, {0, 0}},
        NULL, 0);
  spawn("seq 0x2a", "seq",
        (struct setting[]){seq_common[0], seq_common[1], {"OPENRACE_EMULATOR_SEED", "0x2a"},
                           {"SELFTEST_TAG", "c"}, {0, 0}},
        NULL, 0);
  spawn("seq 43", "seq",
        (struct setting[]){seq_common[0], seq_common[1], {"OPENRACE_EMULATOR_SEED", "43"},
                           {"SELFTEST_TAG", "d"}, {0, 0}},
        NULL, 0);
  {
    char sa[300], sb[300], sc[300], sd[300], f[PATH_MAX];
    snprintf(f, sizeof f, "%s/seq-a", g_out), read_file(f, sa, sizeof sa);
    snprintf(f, sizeof f, "%s/seq-b", g_out), read_file(f, sb, sizeof sb);
    snprintf(f, sizeof f, "%s/seq-c", g_out), read_file(f, sc, sizeof sc);
    snprintf(f, sizeof f, "%s/seq-d", g_out), read_file(f, sd, sizeof sd);
    int zeros = 0;
    for (const char *c = sa; *c; c++) zeros += *c == '0';
    /* same seed (42 = 0x2a) repeats; 43 differs; p=0.5 gives about half */
    if (strlen(sa) != 256 || strcmp(sa, sb) != 0 || strcmp(sa, sc) != 0 || strcmp(sa, sd) == 0 ||
        zeros < 80 || zeros > 176) {
      printf("FAIL seeds:\n 42:   %s\n 42:   %s\n 0x2a: %s\n 43:   %s\n", sa, sb, sc, sd);
      failures++;
    } else {
      printf("PASS seeds (%d of 256 failed with p=0.5)\n", zeros);
    }
  }

  spawn("mkdir-relative", "mkdir",
        (struct setting[]){{"OPENRACE_EMULATOR_P", "1"}, {"OPENRACE_EMULATOR_RULES", "mkdir-relative"}, {0, 0}},
        NULL, 0);
  spawn("excl-create-wins", "excl",
        (struct setting[]){{"OPENRACE_EMULATOR_P", "1"}, {"OPENRACE_EMULATOR_RULES", "excl-create-wins"}, {0, 0}},
        NULL, 0);
  spawn("rename-lost", "rename-lost",
        (struct setting[]){{"OPENRACE_EMULATOR_P", "1"}, {"OPENRACE_EMULATOR_RULES", "rename-lost"}, {0, 0}},
        NULL, 0);
  spawn("stale-open", "stale",
        (struct setting[]){{"OPENRACE_EMULATOR_P", "1"}, {"OPENRACE_EMULATOR_RULES", "stale-open"}, {0, 0}},
        NULL, 0);
  spawn("sibling-create-enoent", "sibling",
        (struct setting[]){{"OPENRACE_EMULATOR_P", "1"}, {"OPENRACE_EMULATOR_RULES", "sibling-create-enoent"}, {0, 0}},
        NULL, 0);

  if (failures == 0) {
    nftw(g_root, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
    nftw(g_out, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
    printf("emulator_selftest: all cases passed\n");
    return 0;
  }
  printf("emulator_selftest: %d failure(s); kept %s and %s\n", failures, g_root, g_out);
  return 1;
}
