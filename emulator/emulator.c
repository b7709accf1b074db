/* emulator.c — openrace's planted-bug emulator: an LD_PRELOAD library that
 * makes libc's open calls misbehave the way relative-path CreateFileW /
 * CreateDirectoryW misbehave inside Windows containers on bind-filter-mapped
 * volumes, so that openrace's tests and demo have a real bug to find.
 *
 * The bug it plants: several threads open overlapping targets by *relative*
 * path; about 0.1 % of those opens fail with an invalid-parameter error
 * (here EINVAL) and succeed when retried; the same calls by absolute path
 * never fail, and nothing outside the affected volume ever fails.
 *
 * Example:
 *   OPENRACE_EMULATOR_ROOT=/tmp/x OPENRACE_EMULATOR_P=0.01 \
 *     LD_PRELOAD=build/libopenrace_emulator.so openrace run --dir /tmp/x
 *
 * ---------------------------------------------------------------------------
 * Environment variables (read once, when the library is loaded)
 * ---------------------------------------------------------------------------
 *   OPENRACE_EMULATOR_ROOT     An absolute directory: the "bind-mapped volume".
 *                              Only calls whose target lies at or under it can
 *                              fail. Unset or empty: the library is a pure
 *                              pass-through (it records nothing and injects
 *                              nothing).
 *   OPENRACE_EMULATOR_RULES    Comma-separated rule names (see below).
 *                              Default: held-relative. Empty: no rule.
 *   OPENRACE_EMULATOR_P        Probability that an eligible call fails, as a
 *                              decimal in [0,1] ("0.001", "1", ".5", "1e-3").
 *                              Default 0.001. 0 disables injection.
 *   OPENRACE_EMULATOR_ANCHORS  Which relative calls are eligible: "cwd" (path
 *                              relative to the current directory: open, creat,
 *                              mkdir, or *at with AT_FDCWD), "dirfd" (*at with
 *                              a directory descriptor), or "both" (default).
 *   OPENRACE_EMULATOR_TRANSIENT  "1" (default): the call a thread makes
 *                              right after an injected failure (its retry)
 *                              is never failed, as in the report; "0": every
 *                              eligible call draws (the self-test uses it).
 *   OPENRACE_EMULATOR_SEED     Unsigned 64-bit seed (decimal, or 0x hex) of
 *                              the per-thread random generators. Each thread
 *                              seeds its own splitmix64 generator from the
 *                              seed and the order in which threads first draw
 *                              (0 for the first), so a single-threaded run is
 *                              exactly repeatable and a multi-threaded one
 *                              repeatable up to scheduling. Default: from the
 *                              clock and the pid.
 *   OPENRACE_EMULATOR_LOG      A file to which every injected failure appends
 *                              one line, with one write(2) on an O_APPEND
 *                              descriptor, e.g.
 *                                inject rule=held-relative call=openat path=src/a/foo.h errno=EINVAL
 *                              The path is the caller's string; bytes below
 *                              0x21, 0x7f and '\' are written as \xHH.
 *
 * A malformed OPENRACE_EMULATOR_P, _RULES, _ANCHORS, _SEED or _ROOT (not an
 * absolute path to a directory) prints one line to stderr, e.g.
 *   openrace emulator: OPENRACE_EMULATOR_P='x' is not a probability in [0,1]
 * and turns injection off; the host process always keeps running. An
 * unopenable _LOG also prints one line but only turns logging off.
 *
 * ---------------------------------------------------------------------------
 * Terms
 * ---------------------------------------------------------------------------
 *   relative   the path does not start with '/'. For *at calls with an
 *              absolute path the descriptor is ignored: absolute, never fails.
 *              The empty path is never eligible.
 *   under the root
 *              the anchor directory (getcwd() for the current directory,
 *              readlink(/proc/self/fd/N) for a descriptor) joined with the
 *              path and normalised lexically ("." and ".." folded, symlinks
 *              inside the path not followed) is the root or lies below it.
 *              The root is compared both as spelled and as realpath(3)
 *              resolves it at load time.
 *   the same file
 *              a regular file (the report's bug is about files; a held
 *              directory handle never triggers it) with equal
 *              (st_dev, st_ino) from a real fstatat() on (dirfd, path)
 *              (AT_SYMLINK_NOFOLLOW if the open has O_NOFOLLOW). If that
 *              stat fails — the file does not exist yet, say — no injection.
 *   held       the library keeps a fixed table of held descriptors, indexed
 *              by descriptor number (0..65535; higher ones are not tracked):
 *              every successful open of the family below whose target is
 *              under the root records (fd -> st_dev, st_ino, opening thread
 *              id); close(), close_range(), closefrom() and dup2()/dup3()
 *              onto a recorded descriptor remove it; a later successful
 *              open that returns the same number overwrites it. A file is
 *              "held by another thread" when a record has its (dev, ino)
 *              and an owner thread id other than the caller's, and fstat()
 *              on the recorded descriptor still shows that (dev, ino)
 *              (records left stale by closes the library did not see —
 *              fclose(), raw syscalls — are dropped this way).
 *              dup2/dup3 copy the old descriptor's record, owner included,
 *              to the new number. A forked child starts with empty tables.
 *
 * ---------------------------------------------------------------------------
 * Rules (each eligible call draws once per rule; it fails if the draw falls
 * below p; the decision is made before the real call, so a failed call has
 * no side effect: it sets errno and returns -1. Failures are transient, as
 * in the report: unless OPENRACE_EMULATOR_TRANSIENT=0, the thread's next
 * call after an injected failure — its retry — is never failed)
 * ---------------------------------------------------------------------------
 *   held-relative   (the seed bug) an open-family call with a relative path
 *                   (anchor allowed by _ANCHORS), under the root, whose
 *                   target is currently held by another thread, fails with
 *                   EINVAL with probability p. The caller's own descriptors
 *                   never count. Absolute paths never fail.
 *   mkdir-relative  every mkdir()/mkdirat() under the root, relative or
 *                   absolute, is "in flight" from just before its decision
 *                   until the real call returns, registered under the
 *                   (st_dev, st_ino) of its parent directory (the path with
 *                   its last component removed, stat-ed relative to dirfd).
 *                   A relative mkdir/mkdirat (anchor allowed) under the root
 *                   fails with ENOENT with probability p when, at its
 *                   decision, another thread has a mkdir in flight under the
 *                   same parent. Opens are unaffected.
 *   any-relative    every open-family call with a relative path (anchor
 *                   allowed) under the root fails with EINVAL with
 *                   probability p, held or not, existing or not. mkdir is
 *                   unaffected. Checked before held-relative.
 *   sibling-create-enoent
 *                   every open with O_CREAT under the root is "in flight"
 *                   from just before the real call until it returns, under
 *                   its parent directory's (st_dev, st_ino), as mkdirs are
 *                   (see mkdir-relative). A relative open without O_CREAT
 *                   (anchor allowed) under the root of an existing regular
 *                   file fails with ENOENT with probability p when another
 *                   thread has a create (open with O_CREAT, or mkdir) in
 *                   flight in the same parent: the negative-dentry race of
 *                   FUSE and overlay stacks.
 *   excl-create-wins
 *                   a relative open with O_CREAT|O_EXCL (anchor allowed)
 *                   under the root of an existing regular file opens it
 *                   instead (O_CREAT, O_EXCL and O_TRUNC dropped) and
 *                   succeeds, with probability p: an exclusive create that
 *                   is not atomic. Logged with errno=none.
 *   stale-open      every unlink()/unlinkat() of a file and rename()/
 *                   renameat() under the root, by a path relative to the
 *                   current directory (AT_FDCWD), that succeeds leaves its
 *                   old name "stale" for 2 ms, holding an O_PATH
 *                   descriptor of the file. A relative open without O_CREAT (anchor
 *                   allowed) of a stale name that another thread removed,
 *                   and that does not exist now, opens that file instead
 *                   and succeeds, with probability p: a dentry cache that
 *                   was not invalidated (an open that succeeds after the
 *                   delete completed). Logged with errno=none.
 *   rename-lost     a relative rename()/renameat() (anchor allowed: the
 *                   source's) under the root of an existing source answers
 *                   success and does nothing, with probability p: a lost
 *                   update, which no status shows (only the state the round
 *                   leaves, or a later call, does). Logged with errno=none.
 *
 * ---------------------------------------------------------------------------
 * Interposed functions
 * ---------------------------------------------------------------------------
 *   open, open64, openat, openat64, __open_2, __open64_2, __openat_2,
 *   __openat64_2 (the _FORTIFY_SOURCE entry points), creat, creat64,
 *   mkdir, mkdirat, rename, renameat, unlink, unlinkat, and for bookkeeping close, close_range, closefrom, dup2,
 *   dup3. The real functions come from dlsym(RTLD_NEXT); a call that arrives
 *   before they are resolved, or while dlsym itself is running, goes
 *   straight to the system call. Calls before the library's constructor has
 *   read the environment are passed through untouched.
 *
 * Exported for callers that want to know (look them up with dlsym):
 *   const char *openrace_emulator_version(void);
 *   unsigned long long openrace_emulator_injections(void);  // so far
 *
 * Caveats
 *   - Only calls that reach these symbols are seen. glibc's own internal
 *     opens (fopen, opendir, ...) and raw syscalls are not; openat2 is not
 *     interposed; descriptors made by dup()/fcntl(F_DUPFD) are not recorded.
 *   - Thread identity is the kernel thread id (gettid).
 *   - Lock-free readers and per-slot sequence locks; no malloc on the call
 *     path. Spins are bounded, so a signal handler that opens or closes
 *     while its own thread is mid-update cannot deadlock (at worst a record
 *     is missed or left stale, and stale records are dropped on use).
 *   - The lexical "under the root" test does not follow symlinks inside the
 *     relative path; ".." across a symlinked directory is folded lexically.
 */
#undef _FORTIFY_SOURCE
#define _GNU_SOURCE 1

#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <sched.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <time.h>
#include <unistd.h>

#ifndef CLOSE_RANGE_CLOEXEC
#define CLOSE_RANGE_CLOEXEC (1U << 2)
#endif
#ifndef O_LARGEFILE
#define O_LARGEFILE 0
#endif
#ifndef __O_TMPFILE
#define __O_TMPFILE 0
#endif

#define EMU_EXPORT __attribute__((visibility("default")))
#define EMU_VERSION "openrace-emulator 1"

/* Hides a pointer's provenance from the optimiser: libc declares the path
 * arguments nonnull, and we must still behave when handed NULL. */
#define LAUNDER(p) __asm__("" : "+r"(p))

/* ------------------------------------------------------------------------ */
/* Real functions                                                            */

enum sym {
  S_OPEN, S_OPEN64, S_OPENAT, S_OPENAT64,
  S_OPEN_2, S_OPEN64_2, S_OPENAT_2, S_OPENAT64_2,
  S_CREAT, S_CREAT64,
  S_MKDIR, S_MKDIRAT, S_RENAME, S_RENAMEAT, S_UNLINK, S_UNLINKAT,
  S_CLOSE, S_CLOSE_RANGE, S_CLOSEFROM, S_DUP2, S_DUP3,
  S_COUNT
};

static const char *const sym_names[S_COUNT] = {
  "open", "open64", "openat", "openat64",
  "__open_2", "__open64_2", "__openat_2", "__openat64_2",
  "creat", "creat64",
  "mkdir", "mkdirat", "rename", "renameat", "unlink", "unlinkat",
  "close", "close_range", "closefrom", "dup2", "dup3",
};

static void *_Atomic real_fn[S_COUNT];
static __thread int t_resolving;

static void *real(enum sym s) {
  void *p = atomic_load_explicit(&real_fn[s], memory_order_acquire);
  if (p != NULL || t_resolving) return p;
  t_resolving = 1;
  int saved = errno;
  p = dlsym(RTLD_NEXT, sym_names[s]);
  errno = saved;
  t_resolving = 0;
  if (p != NULL) atomic_store_explicit(&real_fn[s], p, memory_order_release);
  return p;
}

typedef int (*open_fn)(const char *, int, ...);
typedef int (*openat_fn)(int, const char *, int, ...);
typedef int (*open2_fn)(const char *, int);
typedef int (*openat2_fn)(int, const char *, int);
typedef int (*creat_fn)(const char *, mode_t);
typedef int (*mkdir_fn)(const char *, mode_t);
typedef int (*mkdirat_fn)(int, const char *, mode_t);
typedef int (*rename_fn)(const char *, const char *);
typedef int (*renameat_fn)(int, const char *, int, const char *);
typedef int (*unlink_fn)(const char *);
typedef int (*unlinkat_fn)(int, const char *, int);
typedef int (*close_fn)(int);
typedef int (*close_range_fn)(unsigned int, unsigned int, int);
typedef void (*closefrom_fn)(int);
typedef int (*dup2_fn)(int, int);
typedef int (*dup3_fn)(int, int, int);

static int call_real_open(enum sym s, int dirfd, const char *path, int flags, mode_t mode) {
  void *f = real(s);
  if (f == NULL && (s == S_OPEN_2 || s == S_OPEN64_2)) { s = S_OPEN; f = real(s); }
  if (f == NULL && (s == S_OPENAT_2 || s == S_OPENAT64_2)) { s = S_OPENAT; f = real(s); }
  if (f != NULL) {
    switch (s) {
      case S_OPEN: case S_OPEN64:
        return ((open_fn)f)(path, flags, mode);
      case S_OPENAT: case S_OPENAT64:
        return ((openat_fn)f)(dirfd, path, flags, mode);
      case S_OPEN_2: case S_OPEN64_2:
        return ((open2_fn)f)(path, flags);
      case S_OPENAT_2: case S_OPENAT64_2:
        return ((openat2_fn)f)(dirfd, path, flags);
      case S_CREAT: case S_CREAT64:
        return ((creat_fn)f)(path, mode);
      default:
        break;
    }
  }
  if (s == S_CREAT || s == S_CREAT64) flags = O_CREAT | O_WRONLY | O_TRUNC;
  if (s == S_OPEN64 || s == S_OPENAT64 || s == S_CREAT64) flags |= O_LARGEFILE;
  return (int)syscall(SYS_openat, dirfd, path, flags, mode);
}

static int call_real_mkdirat(enum sym s, int dirfd, const char *path, mode_t mode) {
  void *f = real(s);
  if (f != NULL) {
    if (s == S_MKDIR) return ((mkdir_fn)f)(path, mode);
    return ((mkdirat_fn)f)(dirfd, path, mode);
  }
  return (int)syscall(SYS_mkdirat, dirfd, path, mode);
}

static int call_real_renameat(enum sym s, int fromfd, const char *from, int tofd,
                              const char *to) {
  void *f = real(s);
  if (f != NULL) {
    if (s == S_RENAME) return ((rename_fn)f)(from, to);
    return ((renameat_fn)f)(fromfd, from, tofd, to);
  }
  return (int)syscall(SYS_renameat2, fromfd, from, tofd, to, 0);
}

static int call_real_unlinkat(enum sym s, int dirfd, const char *path, int flags) {
  void *f = real(s);
  if (f != NULL) {
    if (s == S_UNLINK) return ((unlink_fn)f)(path);
    return ((unlinkat_fn)f)(dirfd, path, flags);
  }
  return (int)syscall(SYS_unlinkat, dirfd, path, flags);
}

static int call_real_close(int fd) {
  void *f = real(S_CLOSE);
  if (f != NULL) return ((close_fn)f)(fd);
  return (int)syscall(SYS_close, fd);
}

/* ------------------------------------------------------------------------ */
/* Configuration                                                             */

enum {
  RULE_HELD = 1, RULE_MKDIR = 2, RULE_ANY = 4, RULE_SIBLING = 8, RULE_EXCL = 16,
  RULE_RENAME_LOST = 32, RULE_STALE = 64
};
enum { ANCHOR_CWD = 1, ANCHOR_DIRFD = 2 };

static struct {
  int active;          /* root set, configuration valid, p > 0, some rule */
  int rules;
  int anchors;
  int transient;       /* the retry after an injection is never failed */
  int p_always;
  uint64_t p_threshold;
  uint64_t seed;
  char root[PATH_MAX];
  size_t root_len;
  char root_real[PATH_MAX];
  size_t root_real_len;
  uint64_t log_dev, log_ino;
} cfg;

static _Atomic int cfg_ready;
static _Atomic int log_fd = -1;
static _Atomic unsigned long long injections;
static _Atomic uint64_t thread_counter;

static void say(const char *a, const char *b, const char *c) {
  char line[PATH_MAX + 256];
  size_t n = 0;
  const char *parts[4] = {"openrace emulator: ", a, b, c};
  for (int i = 0; i < 4; i++) {
    if (parts[i] == NULL) continue;
    size_t l = strlen(parts[i]);
    if (l > sizeof line - 2 - n) l = sizeof line - 2 - n;
    memcpy(line + n, parts[i], l);
    n += l;
  }
  line[n++] = '\n';
  ssize_t r = write(2, line, n);
  (void)r;
}

static void bad_value(const char *var, const char *value, const char *what) {
  char head[128];
  size_t n = strlen(var);
  memcpy(head, var, n);
  memcpy(head + n, "='", 3);
  char tail[128] = "' ";
  strncat(tail, what, sizeof tail - strlen(tail) - 1);
  say(head, value, tail);
}

/* Strict decimal probability: digits, one optional '.', optional exponent;
 * nothing else (no sign, space, hex, inf or nan); value within [0,1]. */
static int parse_probability(const char *s, double *out) {
  if (*s == '\0') return 0;
  for (const char *c = s; *c; c++) {
    if (!((*c >= '0' && *c <= '9') || *c == '.' || *c == 'e' || *c == 'E' || *c == '-' || *c == '+'))
      return 0;
  }
  if (!((s[0] >= '0' && s[0] <= '9') || s[0] == '.')) return 0;
  char *end = NULL;
  errno = 0;
  double v = strtod(s, &end);
  if (end == s || *end != '\0' || (errno == ERANGE && v != 0.0)) return 0;
  if (!(v >= 0.0 && v <= 1.0)) return 0;
  *out = v;
  return 1;
}

static int parse_u64(const char *s, uint64_t *out) {
  if (*s == '\0' || *s == '-' || *s == '+' || *s == ' ' || *s == '\t') return 0;
  char *end = NULL;
  errno = 0;
  unsigned long long v = strtoull(s, &end, 0);
  if (end == s || *end != '\0' || errno == ERANGE) return 0;
  *out = v;
  return 1;
}

static int parse_rules(const char *s, int *out) {
  int rules = 0;
  const char *p = s;
  while (*p) {
    const char *comma = strchr(p, ',');
    size_t n = comma ? (size_t)(comma - p) : strlen(p);
    if (n == 13 && memcmp(p, "held-relative", 13) == 0) rules |= RULE_HELD;
    else if (n == 14 && memcmp(p, "mkdir-relative", 14) == 0) rules |= RULE_MKDIR;
    else if (n == 12 && memcmp(p, "any-relative", 12) == 0) rules |= RULE_ANY;
    else if (n == 21 && memcmp(p, "sibling-create-enoent", 21) == 0) rules |= RULE_SIBLING;
    else if (n == 16 && memcmp(p, "excl-create-wins", 16) == 0) rules |= RULE_EXCL;
    else if (n == 11 && memcmp(p, "rename-lost", 11) == 0) rules |= RULE_RENAME_LOST;
    else if (n == 10 && memcmp(p, "stale-open", 10) == 0) rules |= RULE_STALE;
    else return 0;
    if (!comma) break;
    p = comma + 1;
    if (*p == '\0') return 0; /* trailing comma */
  }
  *out = rules;
  return 1;
}

/* Joins base (absolute, or NULL) and path, folding ".", ".." and repeated
 * '/' lexically, into out. Returns the length, or -1 if it does not fit. */
static long normalise(const char *base, const char *path, char *out, size_t cap) {
  size_t n = 0;
  const char *parts[2] = {base, path};
  for (int i = 0; i < 2; i++) {
    const char *p = parts[i];
    if (p == NULL) continue;
    while (*p) {
      while (*p == '/') p++;
      if (*p == '\0') break;
      const char *e = p;
      while (*e && *e != '/') e++;
      size_t l = (size_t)(e - p);
      if (l == 1 && p[0] == '.') {
        /* skip */
      } else if (l == 2 && p[0] == '.' && p[1] == '.') {
        while (n > 0 && out[n - 1] != '/') n--;
        if (n > 0) n--;
      } else {
        if (n + 1 + l + 1 > cap) return -1;
        out[n++] = '/';
        memcpy(out + n, p, l);
        n += l;
      }
      p = e;
    }
  }
  if (n == 0) {
    if (cap < 2) return -1;
    out[n++] = '/';
  }
  out[n] = '\0';
  return (long)n;
}

static int is_at_or_under(const char *p, size_t plen, const char *root, size_t rlen) {
  if (rlen == 0) return 0;
  if (rlen == 1) return 1; /* the root is "/" */
  return plen >= rlen && memcmp(p, root, rlen) == 0 && (plen == rlen || p[rlen] == '/');
}

static void fmt_uint(char *out, unsigned long long v) {
  char tmp[24];
  int n = 0;
  do { tmp[n++] = (char)('0' + v % 10); v /= 10; } while (v);
  while (n) *out++ = tmp[--n];
  *out = '\0';
}

/* Is (dirfd, path) at or under the root? Call with errno saved. */
static int under_root(int dirfd, const char *path) {
  char anchor[PATH_MAX];
  const char *base = NULL;
  if (path[0] != '/') {
    if (dirfd == AT_FDCWD) {
      if (getcwd(anchor, sizeof anchor) == NULL) return 0;
    } else {
      char link[40] = "/proc/self/fd/";
      fmt_uint(link + strlen(link), (unsigned)dirfd);
      ssize_t l = readlink(link, anchor, sizeof anchor - 1);
      if (l <= 0) return 0;
      anchor[l] = '\0';
    }
    if (anchor[0] != '/') return 0;
    base = anchor;
  }
  char full[2 * PATH_MAX];
  long n = normalise(base, path, full, sizeof full);
  if (n < 0) return 0;
  return is_at_or_under(full, (size_t)n, cfg.root, cfg.root_len) ||
         is_at_or_under(full, (size_t)n, cfg.root_real, cfg.root_real_len);
}

/* ------------------------------------------------------------------------ */
/* Threads and randomness                                                    */

static __thread uint32_t t_tid;
static __thread uint64_t t_rng;
static __thread int t_rng_ready;

static uint32_t self_tid(void) {
  if (t_tid == 0) t_tid = (uint32_t)syscall(SYS_gettid);
  return t_tid;
}

static uint64_t mix64(uint64_t z) {
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

static uint64_t splitmix64(uint64_t *state) {
  *state += 0x9e3779b97f4a7c15ULL;
  return mix64(*state);
}

/* One draw of the calling thread's generator: true with probability p. */
static int draw(void) {
  if (cfg.p_always) return 1;
  if (!t_rng_ready) {
    uint64_t n = atomic_fetch_add_explicit(&thread_counter, 1, memory_order_relaxed);
    t_rng = mix64(cfg.seed ^ mix64(n + 0x632be59bd9b4e019ULL));
    t_rng_ready = 1;
  }
  return splitmix64(&t_rng) < cfg.p_threshold;
}

/* ------------------------------------------------------------------------ */
/* Tables: per-slot sequence locks                                           */

struct slot {
  _Atomic uint32_t seq; /* odd while a writer is inside */
  _Atomic uint32_t tid; /* 0: empty */
  _Atomic uint64_t dev;
  _Atomic uint64_t ino;
};

#define SPIN_LIMIT 200000

static inline void relax(unsigned i) {
#if defined(__x86_64__) || defined(__i386__)
  __builtin_ia32_pause();
#endif
  if ((i & 63) == 63) sched_yield();
}

/* Returns the even sequence number the slot had, or UINT32_MAX on giving
 * up (try: a single attempt). */
static uint32_t slot_lock(struct slot *s, int try_only) {
  for (unsigned i = 0; i < SPIN_LIMIT; i++) {
    uint32_t q = atomic_load_explicit(&s->seq, memory_order_relaxed);
    if (!(q & 1) &&
        atomic_compare_exchange_weak_explicit(&s->seq, &q, q + 1, memory_order_acquire,
                                              memory_order_relaxed)) {
      atomic_thread_fence(memory_order_release);
      return q;
    }
    if (try_only) return UINT32_MAX;
    relax(i);
  }
  return UINT32_MAX;
}

static void slot_unlock(struct slot *s, uint32_t q) {
  atomic_store_explicit(&s->seq, q + 2, memory_order_release);
}

struct snapshot { uint32_t seq, tid; uint64_t dev, ino; };

/* Consistent read; returns 0 (treat as empty) if it cannot get one. */
static int slot_read(struct slot *s, struct snapshot *out) {
  for (unsigned i = 0; i < SPIN_LIMIT; i++) {
    uint32_t a = atomic_load_explicit(&s->seq, memory_order_acquire);
    if (!(a & 1)) {
      out->tid = atomic_load_explicit(&s->tid, memory_order_relaxed);
      out->dev = atomic_load_explicit(&s->dev, memory_order_relaxed);
      out->ino = atomic_load_explicit(&s->ino, memory_order_relaxed);
      atomic_thread_fence(memory_order_acquire);
      if (atomic_load_explicit(&s->seq, memory_order_relaxed) == a) {
        out->seq = a;
        return 1;
      }
    }
    relax(i);
  }
  return 0;
}

static void slot_write(struct slot *s, uint32_t tid, uint64_t dev, uint64_t ino) {
  atomic_store_explicit(&s->tid, tid, memory_order_relaxed);
  atomic_store_explicit(&s->dev, dev, memory_order_relaxed);
  atomic_store_explicit(&s->ino, ino, memory_order_relaxed);
}

/* Held descriptors, indexed by fd. */
#define FD_SLOTS 65536
static struct slot fd_table[FD_SLOTS];
static _Atomic int fd_hwm;        /* 1 + highest fd ever recorded */
static _Atomic int live_records;  /* non-empty slots */

static void fd_set_record(int fd, uint32_t tid, uint64_t dev, uint64_t ino) {
  if (fd < 0 || fd >= FD_SLOTS) return;
  struct slot *s = &fd_table[fd];
  uint32_t q = slot_lock(s, 0);
  if (q == UINT32_MAX) return;
  if (atomic_load_explicit(&s->tid, memory_order_relaxed) == 0)
    atomic_fetch_add_explicit(&live_records, 1, memory_order_relaxed);
  slot_write(s, tid, dev, ino);
  slot_unlock(s, q);
  int h = atomic_load_explicit(&fd_hwm, memory_order_relaxed);
  while (h < fd + 1 &&
         !atomic_compare_exchange_weak_explicit(&fd_hwm, &h, fd + 1, memory_order_release,
                                                memory_order_relaxed)) {
  }
}

/* Clears fd's record; with expect_seq != UINT32_MAX only if the slot has not
 * changed since that snapshot. */
static void fd_clear(int fd, uint32_t expect_seq) {
  if (fd < 0 || fd >= FD_SLOTS) return;
  struct slot *s = &fd_table[fd];
  if (atomic_load_explicit(&s->tid, memory_order_relaxed) == 0 &&
      !(atomic_load_explicit(&s->seq, memory_order_relaxed) & 1))
    return;
  uint32_t q = slot_lock(s, 0);
  if (q == UINT32_MAX) return;
  if ((expect_seq == UINT32_MAX || expect_seq == q) &&
      atomic_load_explicit(&s->tid, memory_order_relaxed) != 0) {
    atomic_fetch_sub_explicit(&live_records, 1, memory_order_relaxed);
    slot_write(s, 0, 0, 0);
  }
  slot_unlock(s, q);
}

static void record_open(int fd) {
  if (fd < 0 || fd >= FD_SLOTS) return;
  struct stat st;
  if (fstat(fd, &st) != 0) return;
  fd_set_record(fd, self_tid(), (uint64_t)st.st_dev, (uint64_t)st.st_ino);
}

static int held_by_other(uint64_t dev, uint64_t ino) {
  uint32_t self = self_tid();
  int hwm = atomic_load_explicit(&fd_hwm, memory_order_acquire);
  for (int fd = 0; fd < hwm; fd++) {
    struct slot *s = &fd_table[fd];
    if (atomic_load_explicit(&s->tid, memory_order_relaxed) == 0 &&
        !(atomic_load_explicit(&s->seq, memory_order_relaxed) & 1))
      continue;
    struct snapshot snap;
    if (!slot_read(s, &snap) || snap.tid == 0) continue;
    if (snap.dev != dev || snap.ino != ino || snap.tid == self) continue;
    struct stat st;
    if (fstat(fd, &st) == 0 && (uint64_t)st.st_dev == dev && (uint64_t)st.st_ino == ino)
      return 1;
    fd_clear(fd, snap.seq); /* stale: closed behind our back */
  }
  return 0;
}

/* Creates in flight, keyed by parent directory: mkdirs in mk_table, opens
 * with O_CREAT in cr_table (sibling-create-enoent only). */
#define MK_SLOTS 256
static struct slot mk_table[MK_SLOTS];
static struct slot cr_table[MK_SLOTS];
static _Atomic int creates_in_flight;

static int mk_register(struct slot *table, uint64_t dev, uint64_t ino) {
  uint32_t self = self_tid();
  for (int i = 0; i < MK_SLOTS; i++) {
    struct slot *s = &table[i];
    if (atomic_load_explicit(&s->tid, memory_order_relaxed) != 0) continue;
    uint32_t q = slot_lock(s, 1);
    if (q == UINT32_MAX) continue;
    if (atomic_load_explicit(&s->tid, memory_order_relaxed) == 0) {
      slot_write(s, self, dev, ino);
      slot_unlock(s, q);
      atomic_fetch_add_explicit(&creates_in_flight, 1, memory_order_relaxed);
      return i;
    }
    slot_unlock(s, q);
  }
  return -1;
}

static void mk_unregister(struct slot *table, int i) {
  if (i < 0) return;
  struct slot *s = &table[i];
  uint32_t q = slot_lock(s, 0);
  if (q == UINT32_MAX) return;
  slot_write(s, 0, 0, 0);
  slot_unlock(s, q);
  atomic_fetch_sub_explicit(&creates_in_flight, 1, memory_order_relaxed);
}

static int mk_other_in_flight(struct slot *table, uint64_t dev, uint64_t ino) {
  uint32_t self = self_tid();
  for (int i = 0; i < MK_SLOTS; i++) {
    struct slot *s = &table[i];
    if (atomic_load_explicit(&s->tid, memory_order_relaxed) == 0 &&
        !(atomic_load_explicit(&s->seq, memory_order_relaxed) & 1))
      continue;
    struct snapshot snap;
    if (!slot_read(s, &snap)) continue;
    if (snap.tid != 0 && snap.tid != self && snap.dev == dev && snap.ino == ino) return 1;
  }
  return 0;
}

static void clear_tables(void) {
  int hwm = atomic_load_explicit(&fd_hwm, memory_order_relaxed);
  for (int fd = 0; fd < hwm; fd++) {
    atomic_store_explicit(&fd_table[fd].seq, 0, memory_order_relaxed);
    slot_write(&fd_table[fd], 0, 0, 0);
  }
  atomic_store_explicit(&fd_hwm, 0, memory_order_relaxed);
  atomic_store_explicit(&live_records, 0, memory_order_relaxed);
  for (int i = 0; i < MK_SLOTS; i++) {
    atomic_store_explicit(&mk_table[i].seq, 0, memory_order_relaxed);
    slot_write(&mk_table[i], 0, 0, 0);
    atomic_store_explicit(&cr_table[i].seq, 0, memory_order_relaxed);
    slot_write(&cr_table[i], 0, 0, 0);
  }
  atomic_store_explicit(&creates_in_flight, 0, memory_order_relaxed);
}

static void after_fork_child(void) {
  t_tid = 0;
  t_rng_ready = 0;
  clear_tables();
}

/* ------------------------------------------------------------------------ */
/* Logging and injection                                                     */

static void log_injection(const char *rule, const char *call, const char *path, const char *err) {
  int fd = atomic_load_explicit(&log_fd, memory_order_acquire);
  if (fd < 0) return;
  struct stat st;
  if (fstat(fd, &st) != 0 || (uint64_t)st.st_dev != cfg.log_dev ||
      (uint64_t)st.st_ino != cfg.log_ino)
    return; /* the program closed or replaced our descriptor */
  char line[8192];
  size_t n = 0;
  const char *head[] = {"inject rule=", rule, " call=", call, " path="};
  for (size_t i = 0; i < sizeof head / sizeof head[0]; i++) {
    size_t l = strlen(head[i]);
    memcpy(line + n, head[i], l);
    n += l;
  }
  static const char hex[] = "0123456789abcdef";
  for (const unsigned char *p = (const unsigned char *)path; *p; p++) {
    if (n > sizeof line - 64) {
      memcpy(line + n, "...", 3);
      n += 3;
      break;
    }
    if (*p <= 0x20 || *p == 0x7f || *p == '\\') {
      line[n++] = '\\';
      line[n++] = 'x';
      line[n++] = hex[*p >> 4];
      line[n++] = hex[*p & 15];
    } else {
      line[n++] = (char)*p;
    }
  }
  const char *tail[] = {" errno=", err, "\n"};
  for (size_t i = 0; i < 3; i++) {
    size_t l = strlen(tail[i]);
    memcpy(line + n, tail[i], l);
    n += l;
  }
  ssize_t r = write(fd, line, n);
  (void)r;
}

/* Set by an injection, cleared by the thread's next call: like the
 * report's bug, a failure is transient, so the call right after it (the
 * caller's retry) is never failed. */
static __thread int t_after_injection;

/* True once for the call that follows an injection on this thread. */
static int retry_of_injection(void) {
  const int after = t_after_injection;
  t_after_injection = 0;
  return after && cfg.transient;
}

static int inject(const char *rule, const char *call, const char *path, int err) {
  t_after_injection = 1;
  atomic_fetch_add_explicit(&injections, 1, memory_order_relaxed);
  log_injection(rule, call, path, err == EINVAL ? "EINVAL" : "ENOENT");
  errno = err;
  return -1;
}

static int anchor_allowed(int dirfd, const char *path) {
  if (path[0] == '\0' || path[0] == '/') return 0;
  return (cfg.anchors & (dirfd == AT_FDCWD ? ANCHOR_CWD : ANCHOR_DIRFD)) != 0;
}

static int active(void) {
  return atomic_load_explicit(&cfg_ready, memory_order_acquire) && cfg.active;
}

/* Parent of path, relative to the same anchor, into buf: "a/b/c" -> "a/b",
 * "c" -> ".", "/c" -> "/", "a/b/" -> "a". Returns 0 if it does not fit. */
static int parent_of(const char *path, char *buf, size_t cap) {
  size_t n = strlen(path);
  while (n > 1 && path[n - 1] == '/') n--;            /* trailing slashes */
  while (n > 0 && path[n - 1] != '/') n--;            /* last component */
  while (n > 1 && path[n - 1] == '/') n--;            /* its separator */
  if (n == 0) {
    buf[0] = '.';
    buf[1] = '\0';
    return 1;
  }
  if (n + 1 > cap) return 0;
  memcpy(buf, path, n);
  buf[n] = '\0';
  return 1;
}

/* The (st_dev, st_ino) of (dirfd, path)'s parent directory. */
static int parent_id(int dirfd, const char *path, struct stat *st) {
  char parent[PATH_MAX];
  return parent_of(path, parent, sizeof parent) && fstatat(dirfd, parent, st, 0) == 0;
}

/* sibling-create-enoent: is a create in flight beside (dirfd, path) on
 * another thread, and is path an existing regular file? */
static int sibling_create_beside(int dirfd, const char *path, int flags) {
  if (atomic_load_explicit(&creates_in_flight, memory_order_relaxed) <= 0) return 0;
  struct stat parent, target;
  if (!parent_id(dirfd, path, &parent)) return 0;
  if (!mk_other_in_flight(cr_table, (uint64_t)parent.st_dev, (uint64_t)parent.st_ino) &&
      !mk_other_in_flight(mk_table, (uint64_t)parent.st_dev, (uint64_t)parent.st_ino))
    return 0;
  return fstatat(dirfd, path, &target, (flags & O_NOFOLLOW) ? AT_SYMLINK_NOFOLLOW : 0) == 0 &&
         S_ISREG(target.st_mode) && under_root(dirfd, path);
}

/* excl-create-wins: the exclusive create opens the existing file instead. */
static int excl_create_wins(enum sym s, int dirfd, const char *path, int flags, mode_t mode) {
  struct stat target;
  if (fstatat(dirfd, path, &target, AT_SYMLINK_NOFOLLOW) != 0 || !S_ISREG(target.st_mode) ||
      !under_root(dirfd, path))
    return -1;
  int fd = call_real_open(s, dirfd, path, flags & ~(O_CREAT | O_EXCL | O_TRUNC), mode);
  if (fd < 0) return -1;
  atomic_fetch_add_explicit(&injections, 1, memory_order_relaxed);
  log_injection("excl-create-wins", sym_names[s], path, "none");
  return fd;
}

/* stale-open: names removed moments ago, each with an O_PATH descriptor
 * of the file that was there. A mutex: only removals and opens of missing
 * names touch it. */
#define STALE_SLOTS 64
#define STALE_NS 2000000LL
struct stale {
  uint64_t dev, ino; /* the parent directory */
  char name[NAME_MAX + 1];
  int fd;            /* -1: empty */
  uint32_t tid;
  long long at_ns;
};
static struct stale stale_table[STALE_SLOTS];
static pthread_mutex_t stale_mu = PTHREAD_MUTEX_INITIALIZER;
static _Atomic int stale_live;

static long long mono_ns(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (long long)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

/* The last component of path ("a/b/" -> "b"), into buf. */
static int last_name(const char *path, char *buf, size_t cap) {
  size_t end = strlen(path);
  while (end > 1 && path[end - 1] == '/') end--;
  size_t start = end;
  while (start > 0 && path[start - 1] != '/') start--;
  if (end - start + 1 > cap || end == start) return 0;
  memcpy(buf, path + start, end - start);
  buf[end - start] = '\0';
  return 1;
}

/* Before a removal: an O_PATH descriptor of the regular file at path under
 * the root, or -1. */
static int stale_prepare(int dirfd, const char *path) {
  struct stat st;
  /* Only by a path relative to the current directory: a harness's own
   * clean-up (openrace's sandbox resets, a reproducer's nftw) removes
   * through a directory descriptor or by absolute path, and must not
   * leave stale names behind for the next round. */
  if (!(cfg.rules & RULE_STALE) || dirfd != AT_FDCWD || path[0] == '/' ||
      fstatat(dirfd, path, &st, AT_SYMLINK_NOFOLLOW) != 0 ||
      !S_ISREG(st.st_mode) || !under_root(dirfd, path))
    return -1;
  return call_real_open(S_OPENAT, dirfd, path, O_PATH | O_NOFOLLOW | O_CLOEXEC, 0);
}

/* After it: the name is stale from now on (succeeded), or forgotten. */
static void stale_commit(int dirfd, const char *path, int fd, int succeeded) {
  if (fd < 0) return;
  struct stat parent;
  char name[NAME_MAX + 1];
  if (!succeeded || !parent_id(dirfd, path, &parent) || !last_name(path, name, sizeof name)) {
    call_real_close(fd);
    return;
  }
  const long long now = mono_ns();
  pthread_mutex_lock(&stale_mu);
  struct stale *victim = &stale_table[0];
  for (int i = 0; i < STALE_SLOTS; i++) {
    struct stale *e = &stale_table[i];
    if (e->fd < 0 || now - e->at_ns > STALE_NS) { victim = e; break; }
    if (e->at_ns < victim->at_ns) victim = e;
  }
  if (victim->fd >= 0) call_real_close(victim->fd);
  else atomic_fetch_add_explicit(&stale_live, 1, memory_order_relaxed);
  victim->dev = (uint64_t)parent.st_dev;
  victim->ino = (uint64_t)parent.st_ino;
  memcpy(victim->name, name, strlen(name) + 1);
  victim->fd = fd;
  victim->tid = self_tid();
  victim->at_ns = now;
  pthread_mutex_unlock(&stale_mu);
}

/* stale-open: the open of a missing name another thread removed within
 * STALE_NS opens the file that was there. -1 when it does not apply. */
static int stale_open(enum sym s, int dirfd, const char *path, int flags) {
  struct stat st, parent;
  char name[NAME_MAX + 1];
  if (fstatat(dirfd, path, &st, AT_SYMLINK_NOFOLLOW) == 0 || errno != ENOENT ||
      !parent_id(dirfd, path, &parent) || !last_name(path, name, sizeof name) ||
      !under_root(dirfd, path))
    return -1;
  const long long now = mono_ns();
  const uint32_t me = self_tid();
  int fd = -1;
  pthread_mutex_lock(&stale_mu);
  for (int i = 0; i < STALE_SLOTS && fd < 0; i++) {
    const struct stale *e = &stale_table[i];
    if (e->fd < 0 || e->tid == me || now - e->at_ns > STALE_NS ||
        e->dev != (uint64_t)parent.st_dev || e->ino != (uint64_t)parent.st_ino ||
        strcmp(e->name, name) != 0)
      continue;
    char link[40] = "/proc/self/fd/";
    fmt_uint(link + strlen(link), (unsigned)e->fd);
    fd = call_real_open(S_OPENAT, AT_FDCWD, link,
                        flags & ~(O_CREAT | O_EXCL | O_TRUNC | O_NOFOLLOW), 0);
  }
  pthread_mutex_unlock(&stale_mu);
  if (fd < 0) return -1;
  atomic_fetch_add_explicit(&injections, 1, memory_order_relaxed);
  log_injection("stale-open", sym_names[s], path, "none");
  return fd;
}

/* The whole open family comes here. */
static int emu_open(enum sym s, int dirfd, const char *path, int flags, mode_t mode) {
  LAUNDER(path);
  if (path == NULL || !active() || t_resolving)
    return call_real_open(s, dirfd, path, flags, mode);
  int saved = errno;
  const int creates = (flags & O_CREAT) != 0;
  if (!retry_of_injection() && anchor_allowed(dirfd, path)) {
    if ((cfg.rules & RULE_ANY) && draw() && under_root(dirfd, path))
      return inject("any-relative", sym_names[s], path, EINVAL);
    if ((cfg.rules & RULE_HELD) && atomic_load_explicit(&live_records, memory_order_relaxed) > 0 &&
        draw()) {
      struct stat st;
      if (fstatat(dirfd, path, &st, (flags & O_NOFOLLOW) ? AT_SYMLINK_NOFOLLOW : 0) == 0 &&
          S_ISREG(st.st_mode) && held_by_other((uint64_t)st.st_dev, (uint64_t)st.st_ino) && under_root(dirfd, path))
        return inject("held-relative", sym_names[s], path, EINVAL);
    }
    if ((cfg.rules & RULE_SIBLING) && !creates && sibling_create_beside(dirfd, path, flags) &&
        draw())
      return inject("sibling-create-enoent", sym_names[s], path, ENOENT);
    if ((cfg.rules & RULE_STALE) && !creates &&
        atomic_load_explicit(&stale_live, memory_order_relaxed) > 0 && draw()) {
      int fd = stale_open(s, dirfd, path, flags);
      if (fd >= 0) {
        if (cfg.rules & RULE_HELD) record_open(fd);
        errno = saved;
        return fd;
      }
    }
    if ((cfg.rules & RULE_EXCL) && (flags & (O_CREAT | O_EXCL)) == (O_CREAT | O_EXCL) && draw()) {
      int fd = excl_create_wins(s, dirfd, path, flags, mode);
      if (fd >= 0) {
        if (cfg.rules & RULE_HELD) record_open(fd);
        errno = saved;
        return fd;
      }
    }
  }
  /* A create is in flight, for sibling-create-enoent, until it returns. */
  int slot = -1;
  struct stat parent;
  if ((cfg.rules & RULE_SIBLING) && creates && under_root(dirfd, path) &&
      parent_id(dirfd, path, &parent))
    slot = mk_register(cr_table, (uint64_t)parent.st_dev, (uint64_t)parent.st_ino);
  errno = saved;
  int fd = call_real_open(s, dirfd, path, flags, mode);
  saved = errno;
  mk_unregister(cr_table, slot);
  if (fd >= 0 && (cfg.rules & RULE_HELD)) {
    if (fd < FD_SLOTS && under_root(dirfd, path)) record_open(fd);
    else fd_clear(fd, UINT32_MAX); /* a number reused outside the root */
  }
  errno = saved;
  return fd;
}

static int emu_mkdirat(enum sym s, int dirfd, const char *path, mode_t mode) {
  LAUNDER(path);
  if (path == NULL || path[0] == '\0' || !active() || t_resolving ||
      !(cfg.rules & (RULE_MKDIR | RULE_SIBLING)))
    return call_real_mkdirat(s, dirfd, path, mode);
  int saved = errno;
  int slot = -1;
  struct stat st;
  if (under_root(dirfd, path) && parent_id(dirfd, path, &st)) {
    slot = mk_register(mk_table, (uint64_t)st.st_dev, (uint64_t)st.st_ino);
    if ((cfg.rules & RULE_MKDIR) && !retry_of_injection() && anchor_allowed(dirfd, path) &&
        mk_other_in_flight(mk_table, (uint64_t)st.st_dev, (uint64_t)st.st_ino) && draw()) {
      mk_unregister(mk_table, slot);
      return inject("mkdir-relative", sym_names[s], path, ENOENT);
    }
  }
  errno = saved;
  int r = call_real_mkdirat(s, dirfd, path, mode);
  if (slot >= 0) {
    saved = errno;
    mk_unregister(mk_table, slot);
    errno = saved;
  }
  return r;
}

/* ------------------------------------------------------------------------ */
/* Initialisation                                                            */

static void configure(void) {
  for (int i = 0; i < STALE_SLOTS; i++) stale_table[i].fd = -1;
  const char *root = getenv("OPENRACE_EMULATOR_ROOT");
  if (root == NULL || root[0] == '\0') return; /* pure pass-through */

  int ok = 1;
  struct stat st;
  if (root[0] != '/' || stat(root, &st) != 0 || !S_ISDIR(st.st_mode) ||
      normalise(NULL, root, cfg.root, sizeof cfg.root) < 0 ||
      realpath(root, cfg.root_real) == NULL) {
    bad_value("OPENRACE_EMULATOR_ROOT", root, "is not an absolute path to a directory");
    ok = 0;
  } else {
    cfg.root_len = strlen(cfg.root);
    cfg.root_real_len = strlen(cfg.root_real);
  }

  cfg.rules = RULE_HELD;
  const char *v = getenv("OPENRACE_EMULATOR_RULES");
  if (v != NULL && !parse_rules(v, &cfg.rules)) {
    bad_value("OPENRACE_EMULATOR_RULES", v,
              "is not a comma-separated list of held-relative, mkdir-relative, any-relative, "
              "sibling-create-enoent, excl-create-wins, rename-lost, stale-open");
    ok = 0;
  }

  cfg.anchors = ANCHOR_CWD | ANCHOR_DIRFD;
  v = getenv("OPENRACE_EMULATOR_ANCHORS");
  if (v != NULL) {
    if (strcmp(v, "cwd") == 0) cfg.anchors = ANCHOR_CWD;
    else if (strcmp(v, "dirfd") == 0) cfg.anchors = ANCHOR_DIRFD;
    else if (strcmp(v, "both") == 0) cfg.anchors = ANCHOR_CWD | ANCHOR_DIRFD;
    else {
      bad_value("OPENRACE_EMULATOR_ANCHORS", v, "is not one of cwd, dirfd, both");
      ok = 0;
    }
  }

  cfg.transient = 1;
  v = getenv("OPENRACE_EMULATOR_TRANSIENT");
  if (v != NULL) {
    if (strcmp(v, "1") == 0) cfg.transient = 1;
    else if (strcmp(v, "0") == 0) cfg.transient = 0;
    else {
      bad_value("OPENRACE_EMULATOR_TRANSIENT", v, "is not 0 or 1");
      ok = 0;
    }
  }

  double p = 0.001;
  v = getenv("OPENRACE_EMULATOR_P");
  if (v != NULL && !parse_probability(v, &p)) {
    bad_value("OPENRACE_EMULATOR_P", v, "is not a probability in [0,1]");
    ok = 0;
  }
  cfg.p_always = p >= 1.0;
  cfg.p_threshold = cfg.p_always ? UINT64_MAX : (uint64_t)(p * 18446744073709551616.0);

  v = getenv("OPENRACE_EMULATOR_SEED");
  if (v != NULL) {
    if (!parse_u64(v, &cfg.seed)) {
      bad_value("OPENRACE_EMULATOR_SEED", v, "is not an unsigned 64-bit integer");
      ok = 0;
    }
  } else {
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    cfg.seed = mix64((uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec) ^
               ((uint64_t)getpid() << 32);
  }

  v = getenv("OPENRACE_EMULATOR_LOG");
  if (ok && v != NULL && v[0] != '\0') {
    int fd = call_real_open(S_OPEN, AT_FDCWD, v, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
    struct stat lst;
    if (fd < 0 || fstat(fd, &lst) != 0) {
      say("cannot open OPENRACE_EMULATOR_LOG='", v, "'; not logging");
      if (fd >= 0) call_real_close(fd);
    } else {
      cfg.log_dev = (uint64_t)lst.st_dev;
      cfg.log_ino = (uint64_t)lst.st_ino;
      atomic_store_explicit(&log_fd, fd, memory_order_release);
    }
  }

  cfg.active = ok && p > 0.0 && cfg.rules != 0;
}

__attribute__((constructor)) static void emulator_init(void) {
  for (int s = 0; s < S_COUNT; s++) (void)real((enum sym)s);
  int saved = errno;
  configure();
  pthread_atfork(NULL, NULL, after_fork_child);
  errno = saved;
  atomic_store_explicit(&cfg_ready, 1, memory_order_release);
}

/* ------------------------------------------------------------------------ */
/* Exported entry points                                                     */

#define NEEDS_MODE(flags) (((flags) & O_CREAT) != 0 || ((flags) & __O_TMPFILE) == __O_TMPFILE)

#define TAKE_MODE(flags, last)             \
  mode_t mode = 0;                         \
  if (NEEDS_MODE(flags)) {                 \
    va_list ap;                            \
    va_start(ap, last);                    \
    mode = (mode_t)va_arg(ap, int);        \
    va_end(ap);                            \
  }

EMU_EXPORT int open(const char *path, int flags, ...) {
  TAKE_MODE(flags, flags);
  return emu_open(S_OPEN, AT_FDCWD, path, flags, mode);
}

EMU_EXPORT int open64(const char *path, int flags, ...) {
  TAKE_MODE(flags, flags);
  return emu_open(S_OPEN64, AT_FDCWD, path, flags, mode);
}

EMU_EXPORT int openat(int dirfd, const char *path, int flags, ...) {
  TAKE_MODE(flags, flags);
  return emu_open(S_OPENAT, dirfd, path, flags, mode);
}

EMU_EXPORT int openat64(int dirfd, const char *path, int flags, ...) {
  TAKE_MODE(flags, flags);
  return emu_open(S_OPENAT64, dirfd, path, flags, mode);
}

/* The fortified entry points abort on O_CREAT without a mode: let the real
 * one do that. */
EMU_EXPORT int __open_2(const char *path, int flags) {
  if (NEEDS_MODE(flags)) return call_real_open(S_OPEN_2, AT_FDCWD, path, flags, 0);
  return emu_open(S_OPEN_2, AT_FDCWD, path, flags, 0);
}

EMU_EXPORT int __open64_2(const char *path, int flags) {
  if (NEEDS_MODE(flags)) return call_real_open(S_OPEN64_2, AT_FDCWD, path, flags, 0);
  return emu_open(S_OPEN64_2, AT_FDCWD, path, flags, 0);
}

EMU_EXPORT int __openat_2(int dirfd, const char *path, int flags) {
  if (NEEDS_MODE(flags)) return call_real_open(S_OPENAT_2, dirfd, path, flags, 0);
  return emu_open(S_OPENAT_2, dirfd, path, flags, 0);
}

EMU_EXPORT int __openat64_2(int dirfd, const char *path, int flags) {
  if (NEEDS_MODE(flags)) return call_real_open(S_OPENAT64_2, dirfd, path, flags, 0);
  return emu_open(S_OPENAT64_2, dirfd, path, flags, 0);
}

EMU_EXPORT int creat(const char *path, mode_t mode) {
  return emu_open(S_CREAT, AT_FDCWD, path, O_CREAT | O_WRONLY | O_TRUNC, mode);
}

EMU_EXPORT int creat64(const char *path, mode_t mode) {
  return emu_open(S_CREAT64, AT_FDCWD, path, O_CREAT | O_WRONLY | O_TRUNC, mode);
}

EMU_EXPORT int mkdir(const char *path, mode_t mode) {
  return emu_mkdirat(S_MKDIR, AT_FDCWD, path, mode);
}

EMU_EXPORT int mkdirat(int dirfd, const char *path, mode_t mode) {
  return emu_mkdirat(S_MKDIRAT, dirfd, path, mode);
}

/* rename-lost: an existing source, under the root, by a relative path. */
/* A removal that stale-open remembers: the real call between prepare and
 * commit. */
static int removal_remembered(int dirfd, const char *path, int (*call)(const void *),
                              const void *arg) {
  int saved = errno;
  int fd = stale_prepare(dirfd, path);
  errno = saved;
  int r = call(arg);
  saved = errno;
  stale_commit(dirfd, path, fd, r == 0);
  errno = saved;
  return r;
}

struct rename_args { enum sym s; int fromfd; const char *from; int tofd; const char *to; };
static int real_rename_call(const void *p) {
  const struct rename_args *a = p;
  return call_real_renameat(a->s, a->fromfd, a->from, a->tofd, a->to);
}

/* rename-lost, and stale-open's bookkeeping. */
static int emu_renameat(enum sym s, int fromfd, const char *from, int tofd, const char *to) {
  LAUNDER(from);
  if (from == NULL || !active() || t_resolving ||
      !(cfg.rules & (RULE_RENAME_LOST | RULE_STALE)))
    return call_real_renameat(s, fromfd, from, tofd, to);
  int saved = errno;
  struct stat st;
  if ((cfg.rules & RULE_RENAME_LOST) && anchor_allowed(fromfd, from) && draw() &&
      fstatat(fromfd, from, &st, AT_SYMLINK_NOFOLLOW) == 0 && under_root(fromfd, from)) {
    atomic_fetch_add_explicit(&injections, 1, memory_order_relaxed);
    log_injection("rename-lost", sym_names[s], from, "none");
    errno = saved;
    return 0;
  }
  errno = saved;
  const struct rename_args args = {s, fromfd, from, tofd, to};
  return removal_remembered(fromfd, from, real_rename_call, &args);
}

struct unlink_args { enum sym s; int dirfd; const char *path; int flags; };
static int real_unlink_call(const void *p) {
  const struct unlink_args *a = p;
  return call_real_unlinkat(a->s, a->dirfd, a->path, a->flags);
}

/* stale-open's bookkeeping: an unlink of a file leaves its name stale. */
static int emu_unlinkat(enum sym s, int dirfd, const char *path, int flags) {
  LAUNDER(path);
  if (path == NULL || !active() || t_resolving || !(cfg.rules & RULE_STALE) ||
      (flags & AT_REMOVEDIR))
    return call_real_unlinkat(s, dirfd, path, flags);
  const struct unlink_args args = {s, dirfd, path, flags};
  return removal_remembered(dirfd, path, real_unlink_call, &args);
}

EMU_EXPORT int unlink(const char *path) { return emu_unlinkat(S_UNLINK, AT_FDCWD, path, 0); }

EMU_EXPORT int unlinkat(int dirfd, const char *path, int flags) {
  return emu_unlinkat(S_UNLINKAT, dirfd, path, flags);
}

EMU_EXPORT int rename(const char *from, const char *to) {
  return emu_renameat(S_RENAME, AT_FDCWD, from, AT_FDCWD, to);
}

EMU_EXPORT int renameat(int fromfd, const char *from, int tofd, const char *to) {
  return emu_renameat(S_RENAMEAT, fromfd, from, tofd, to);
}

static void forget_log_fd(int lo, int hi) {
  int l = atomic_load_explicit(&log_fd, memory_order_relaxed);
  if (l >= 0 && l >= lo && l <= hi) atomic_store_explicit(&log_fd, -1, memory_order_relaxed);
}

/* The record goes before the real close: once the number is free, another
 * thread's open may get it and record its own file there. */
EMU_EXPORT int close(int fd) {
  fd_clear(fd, UINT32_MAX);
  forget_log_fd(fd, fd);
  return call_real_close(fd);
}

EMU_EXPORT int close_range(unsigned int first, unsigned int last, int flags) {
  if (!((unsigned)flags & CLOSE_RANGE_CLOEXEC)) {
    int hwm = atomic_load_explicit(&fd_hwm, memory_order_acquire);
    for (unsigned int fd = first; fd <= last && fd < (unsigned)hwm; fd++) fd_clear((int)fd, UINT32_MAX);
    forget_log_fd(first > INT_MAX ? INT_MAX : (int)first, last > INT_MAX ? INT_MAX : (int)last);
  }
  void *f = real(S_CLOSE_RANGE);
  if (f != NULL) return ((close_range_fn)f)(first, last, flags);
  return (int)syscall(SYS_close_range, first, last, flags);
}

EMU_EXPORT void closefrom(int lowfd) {
  if (lowfd < 0) lowfd = 0;
  int hwm = atomic_load_explicit(&fd_hwm, memory_order_acquire);
  for (int fd = lowfd; fd < hwm; fd++) fd_clear(fd, UINT32_MAX);
  forget_log_fd(lowfd, INT_MAX);
  void *f = real(S_CLOSEFROM);
  if (f != NULL) {
    ((closefrom_fn)f)(lowfd);
    return;
  }
  (void)syscall(SYS_close_range, (unsigned)lowfd, ~0U, 0);
}

/* After a successful dup2/dup3 the new number names the old one's file:
 * copy the old record (owner included), or clear the slot. */
static void after_dup(int oldfd, int newfd) {
  if (newfd < 0 || newfd >= FD_SLOTS || oldfd == newfd) return;
  struct snapshot snap = {0, 0, 0, 0};
  if (oldfd >= 0 && oldfd < FD_SLOTS && slot_read(&fd_table[oldfd], &snap) && snap.tid != 0)
    fd_set_record(newfd, snap.tid, snap.dev, snap.ino);
  else
    fd_clear(newfd, UINT32_MAX);
}

EMU_EXPORT int dup2(int oldfd, int newfd) {
  void *f = real(S_DUP2);
  int r;
  if (f != NULL) {
    r = ((dup2_fn)f)(oldfd, newfd);
  } else if (oldfd == newfd) {
    r = fcntl(oldfd, F_GETFD) < 0 ? -1 : newfd;
  } else {
    r = (int)syscall(SYS_dup3, oldfd, newfd, 0);
  }
  if (r >= 0) {
    int saved = errno;
    after_dup(oldfd, r);
    errno = saved;
  }
  return r;
}

EMU_EXPORT int dup3(int oldfd, int newfd, int flags) {
  void *f = real(S_DUP3);
  int r = f != NULL ? ((dup3_fn)f)(oldfd, newfd, flags) : (int)syscall(SYS_dup3, oldfd, newfd, flags);
  if (r >= 0) {
    int saved = errno;
    after_dup(oldfd, r);
    errno = saved;
  }
  return r;
}

EMU_EXPORT const char *openrace_emulator_version(void) { return EMU_VERSION; }

EMU_EXPORT unsigned long long openrace_emulator_injections(void) {
  return atomic_load_explicit(&injections, memory_order_relaxed);
}
