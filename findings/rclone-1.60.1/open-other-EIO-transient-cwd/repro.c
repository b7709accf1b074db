/*
 * repro.c - a file-system concurrency failure
 *
 * Signature: open-other-EIO-transient-cwd
 *
 * A standalone reproducer written by `openrace emit --lang c-posix`; it
 * needs only libc and pthreads.
 *
 * Each round (294 by default), in a fresh directory holding this tree:
 *   src/
 *   src/bar.h
 *   foo.h
 * with these handles open across all rounds:
 *   d0: open src relative to the current directory (O_RDONLY|O_DIRECTORY|O_CLOEXEC)
 * these threads run:
 *   thread 1:
 *     op 1: open <sandbox>/src (O_RDONLY|O_DIRECTORY|O_CLOEXEC), held as handle_1
 *     op 2: open new2 relative to the current directory (O_RDWR|O_CREAT|O_CLOEXEC)
 *     op 3: open <sandbox>/src (O_RDONLY|O_DIRECTORY|O_CLOEXEC), held as handle_2
 *     op 4: open src/new1 relative to the current directory (O_RDWR|O_CREAT|O_CLOEXEC)
 *     op 5: rename new2 relative to handle_2 to new1 relative to the current directory
 *     op 6: wait at barrier 1
 *     op 7: open src//new2 relative to the current directory (O_RDWR|O_CREAT|O_EXCL|O_CLOEXEC)
 *     op 8: open src relative to the current directory (O_RDONLY|O_DIRECTORY|O_CLOEXEC)
 *     op 9: open src/bar.h relative to the current directory (O_RDONLY|O_CLOEXEC)
 *     op 10: open src relative to the current directory (O_RDONLY|O_DIRECTORY|O_CLOEXEC), held as handle_3
 *     op 11: wait at barrier 2
 *     op 12: close handle_3
 *     op 13: close handle_2
 *     op 14: close handle_1
 *   thread 2:
 *     op 1: wait at barrier 1
 *     op 2: open src relative to the current directory (O_RDONLY|O_DIRECTORY|O_CLOEXEC)
 *     op 3: open src/bar.h relative to the current directory (O_RDONLY|O_CLOEXEC)
 *     op 4: open src relative to the current directory (O_RDONLY|O_DIRECTORY|O_CLOEXEC)
 *     op 5: open src/bar.h relative to the current directory (O_RDONLY|O_CLOEXEC), held as handle_4
 *     op 6: open new1 relative to d0 (O_RDWR|O_CREAT|O_TRUNC|O_CLOEXEC)
 *     op 7: make directory ./new1 relative to the current directory
 *     op 8: wait at barrier 2
 *     op 9: close handle_4
 *   thread 3:
 *     op 1: open <sandbox>/src (O_RDONLY|O_DIRECTORY|O_CLOEXEC)
 *     op 2: wait at barrier 1
 *     op 3: open . relative to d0 (O_RDONLY|O_DIRECTORY|O_CLOEXEC)
 *     op 4: spin 13645 ns, then remove file new1 relative to d0
 *     op 5: spin 11663 ns, then open src/new2 relative to the current directory (O_RDWR|O_CREAT|O_TRUNC|O_CLOEXEC)
 *     op 6: open src/bar.h relative to the current directory (O_RDONLY|O_CLOEXEC), held as handle_5
 *     op 7: spin 805 ns, then make directory ./src/new2 relative to the current directory
 *     op 8: open new1 relative to d0 (O_RDWR|O_CREAT|O_TRUNC|O_CLOEXEC)
 *     op 9: make directory <sandbox>/src/new1
 *     op 10: wait at barrier 2
 *     op 11: close handle_5
 *   thread 4:
 *     op 1: spin 11492 ns, then open . relative to d0 (O_RDONLY|O_DIRECTORY|O_CLOEXEC)
 *     op 2: wait at barrier 1
 *     op 3: remove directory ./new2 relative to the current directory
 *     op 4: open bar.h relative to d0 (O_RDONLY|O_CLOEXEC), held as handle_6
 *     op 5: spin 3872 ns, then open . relative to d0 (O_RDONLY|O_DIRECTORY|O_CLOEXEC), held as handle_7
 *     op 6: open src relative to the current directory (O_RDONLY|O_DIRECTORY|O_CLOEXEC), held as handle_8
 *     op 7: spin 8979 ns, then make directory <sandbox>/./src/new2
 *     op 8: open <sandbox>/./src (O_RDONLY|O_DIRECTORY|O_CLOEXEC), held as handle_9
 *     op 9: open src/new1 relative to the current directory (O_RDWR|O_CREAT|O_TRUNC|O_CLOEXEC)
 *     op 10: wait at barrier 2
 *     op 11: close handle_9
 *     op 12: close handle_8
 *     op 13: close handle_7
 *     op 14: close handle_6
 * All threads start a round together; a barrier releases the threads
 * that name it together; a handle still held at the end of a round is
 * closed then. The tree is rebuilt between rounds, since the threads change it.
 *
 * A call that fails is retried once, at once; a retry that succeeds
 * makes the failure "transient". A failure is unexpected when
 *   - it is EINVAL, except where POSIX itself answers EINVAL (removing or
 *     renaming "." or "..", renaming a directory into itself, O_CREAT
 *     with O_DIRECTORY), or
 *   - it is EIO: an I/O error is never a legal answer to these calls, or
 *   - the call must succeed: the scenario does not change the tree, and
 *     the call opens or stats an entry of the tree in a form POSIX
 *     accepts (every component before the last is a directory, no
 *     trailing '/' or O_DIRECTORY on a file, no write access to a
 *     directory).
 * openrace's own oracle is more precise; this rule is deliberately simple.
 *
 * Build:
 *   gcc -std=c11 -O2 -Wall -Wextra -pthread -o repro repro.c
 *   clang -std=c11 -O2 -Wall -Wextra -pthread -o repro repro.c
 *   zig cc -std=c11 -O2 -pthread -o repro repro.c
 *
 * Run:
 *   ./repro DIR [ROUNDS]
 * DIR is a directory on the file system under test. The program makes
 * DIR/repro-XXXXXX, works only inside it and removes it at the end. It
 * prints a table of outcomes per call, then either
 *   REPRODUCED: N unexpected failures in R rounds (rate x%)
 * or
 *   not reproduced in R rounds
 * where the rate is the share of rounds with an unexpected failure.
 *
 * Exit status: 0 not reproduced, 1 reproduced, 2 bad usage or a failed
 * setup.
 */

/* For openat, mkdtemp and nftw under -std=c11. */
#define _XOPEN_SOURCE 700

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define PATH_CAP 4096
#define DEFAULT_ROUNDS 294
#define THREAD_COUNT 4

/*
 * A spin barrier: the threads it releases leave within nanoseconds of each
 * other, which a sleeping barrier such as pthread_barrier_wait does not
 * give. A waiter yields after SPINS_BEFORE_YIELD spins, since the machine
 * may have fewer cores than threads.
 */
#define SPINS_BEFORE_YIELD 1000

struct spin_barrier {
    unsigned parties;
    atomic_uint arrived;
    atomic_uint generation;
};

static void spin_barrier_wait(struct spin_barrier *b)
{
    unsigned generation = atomic_load(&b->generation);
    if (atomic_fetch_add(&b->arrived, 1) + 1 == b->parties) {
        atomic_store(&b->arrived, 0);
        atomic_fetch_add(&b->generation, 1);
        return;
    }
    for (unsigned spins = 0; atomic_load(&b->generation) == generation; spins++) {
        if (spins >= SPINS_BEFORE_YIELD)
            sched_yield();
    }
}

static long long now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

/* Busy-waits `ns` nanoseconds: slides the next call against other threads' calls. */
static void spin_ns(long long ns)
{
    long long end = now_ns() + ns;
    while (now_ns() < end)
        continue;
}

/* Which failures of a call are unexpected: see the rule at the top. */
enum judgement { NEVER_UNEXPECTED, UNEXPECTED_IF_EINVAL, UNEXPECTED_IF_ANY_FAILURE };

/* Failures are counted by errno value; slot 0 takes values past the table. */
#define ERRNO_SLOTS 256

/* One call's outcomes. Only its own thread writes them, the main thread
 * reads them after the last round. */
struct op_stats {
    const char *name; /* "t1.op2": thread 1, operation 2 */
    const char *what;
    enum judgement judgement;
    unsigned long calls, ok, transient, unexpected;
    unsigned long failures[ERRNO_SLOTS]; /* first tries, by errno */
};

/* Set by a thread when its round had an unexpected failure. */
static atomic_int round_failed;

static void count_success(struct op_stats *s)
{
    s->calls++;
    s->ok++;
}

static void count_failure(struct op_stats *s, int err, int retry_succeeded)
{
    s->calls++;
    s->failures[err > 0 && err < ERRNO_SLOTS ? err : 0]++;
    if (retry_succeeded)
        s->transient++;
    if (s->judgement == UNEXPECTED_IF_ANY_FAILURE ||
        (s->judgement == UNEXPECTED_IF_EINVAL && (err == EINVAL || err == EIO))) {
        s->unexpected++;
        atomic_store(&round_failed, 1);
    }
}

/*
 * COUNT_CALL(op, result, call) makes `call`, which returns -1 and sets errno
 * when it fails, and counts its outcome in stats[op]. A failed call is made
 * once more, at once; `result` keeps the retry's result, and a retry that
 * succeeds makes the failure "transient".
 */
#define COUNT_CALL(op, result, call)                                   \
    do {                                                               \
        (result) = (call);                                             \
        if ((result) >= 0) {                                           \
            count_success(&stats[op]);                                 \
        } else {                                                       \
            int first_errno = errno;                                   \
            (result) = (call);                                         \
            count_failure(&stats[op], first_errno, (result) >= 0);     \
        }                                                              \
    } while (0)

static void close_handle(int *fd)
{
    if (*fd >= 0)
        close(*fd);
    *fd = -1;
}

/* Names of the errno values a file call plausibly gives. */
#define ERRNO_NAME(e) { e, #e }
static const struct { int value; const char *name; } errno_names[] = {
    ERRNO_NAME(EPERM), ERRNO_NAME(ENOENT), ERRNO_NAME(EINTR), ERRNO_NAME(EIO),
    ERRNO_NAME(ENXIO), ERRNO_NAME(EBADF), ERRNO_NAME(EAGAIN), ERRNO_NAME(ENOMEM),
    ERRNO_NAME(EACCES), ERRNO_NAME(EFAULT), ERRNO_NAME(EBUSY), ERRNO_NAME(EEXIST),
    ERRNO_NAME(EXDEV), ERRNO_NAME(ENODEV), ERRNO_NAME(ENOTDIR), ERRNO_NAME(EISDIR),
    ERRNO_NAME(EINVAL), ERRNO_NAME(ENFILE), ERRNO_NAME(EMFILE), ERRNO_NAME(ETXTBSY),
    ERRNO_NAME(EFBIG), ERRNO_NAME(ENOSPC), ERRNO_NAME(EROFS), ERRNO_NAME(EMLINK),
    ERRNO_NAME(ELOOP), ERRNO_NAME(ESTALE), ERRNO_NAME(EDQUOT), ERRNO_NAME(ENOTEMPTY),
    ERRNO_NAME(ENAMETOOLONG), ERRNO_NAME(EOVERFLOW), ERRNO_NAME(EOPNOTSUPP),
};

static const char *errno_name(int err)
{
    static char unnamed[32];
    if (err == 0)
        return "a larger errno"; /* failures[0] */
    for (size_t i = 0; i < sizeof errno_names / sizeof errno_names[0]; i++) {
        if (errno_names[i].value == err)
            return errno_names[i].name;
    }
    snprintf(unnamed, sizeof unnamed, "errno %d", err);
    return unnamed;
}

/* The absolute path of DIR/repro-XXXXXX, the current directory while the
 * program runs. Nothing outside it is touched. */
static char sandbox[PATH_CAP];

/* Makes the sandbox in `dir` and changes into it. */
static int make_sandbox(const char *dir)
{
    char pattern[PATH_CAP];
    if (snprintf(pattern, sizeof pattern, "%s/repro-XXXXXX", dir) >= (int)sizeof pattern) {
        fprintf(stderr, "repro: %s: path too long\n", dir);
        return -1;
    }
    if (mkdtemp(pattern) == NULL) {
        fprintf(stderr, "repro: cannot make a directory in %s: %s\n", dir, strerror(errno));
        return -1;
    }
    if (chdir(pattern) != 0 || getcwd(sandbox, sizeof sandbox) == NULL) {
        perror(pattern);
        rmdir(pattern);
        return -1;
    }
    return 0;
}

static int remove_entry(const char *path, const struct stat *st, int type, struct FTW *ftw)
{
    (void)st;
    (void)type;
    if (ftw->level == 0)
        return 0; /* the sandbox itself */
    if (remove(path) != 0) {
        perror(path);
        return -1;
    }
    return 0;
}

/* Removes everything inside the sandbox, without following links or
 * leaving its file system. */
static int clear_sandbox(void)
{
    return nftw(sandbox, remove_entry, 16, FTW_DEPTH | FTW_PHYS | FTW_MOUNT);
}

static void remove_sandbox(void)
{
    if (chdir("/") != 0 || clear_sandbox() != 0 || rmdir(sandbox) != 0)
        fprintf(stderr, "repro: could not remove %s\n", sandbox);
}

/* ---- the scenario ---- */

enum entry_kind { DIRECTORY, REGULAR_FILE };

static const struct tree_entry { const char *path; enum entry_kind kind; } tree[] = {
    { "src", DIRECTORY },
    { "src/bar.h", REGULAR_FILE },
    { "foo.h", REGULAR_FILE },
};

/* Every round starts and ends with the main thread and all threads. */
static struct spin_barrier round_start = { .parties = THREAD_COUNT + 1 };
static struct spin_barrier round_end = { .parties = THREAD_COUNT + 1 };
/* The scenario's barriers, each among the threads that name it. */
static struct spin_barrier barrier_1 = { .parties = 4 }; /* threads 1, 2, 3, 4 */
static struct spin_barrier barrier_2 = { .parties = 4 }; /* threads 1, 2, 3, 4 */

/* The calls, named by thread and op index, and what each one got. */
enum op_id { T1_OP1, T1_OP2, T1_OP3, T1_OP4, T1_OP5, T1_OP7, T1_OP8, T1_OP9, T1_OP10, T2_OP2, T2_OP3, T2_OP4, T2_OP5, T2_OP6, T2_OP7, T3_OP1, T3_OP3, T3_OP4, T3_OP5, T3_OP6, T3_OP7, T3_OP8, T3_OP9, T4_OP1, T4_OP3, T4_OP4, T4_OP5, T4_OP6, T4_OP7, T4_OP8, T4_OP9, OP_COUNT };

static struct op_stats stats[OP_COUNT] = {
    [T1_OP1] = {
        .name = "t1.op1",
        .what = "open <sandbox>/src (O_RDONLY|O_DIRECTORY|O_CLOEXEC), held as handle_1",
        .judgement = UNEXPECTED_IF_EINVAL,
    },
    [T1_OP2] = {
        .name = "t1.op2",
        .what = "open new2 relative to the current directory (O_RDWR|O_CREAT|O_CLOEXEC)",
        .judgement = UNEXPECTED_IF_EINVAL,
    },
    [T1_OP3] = {
        .name = "t1.op3",
        .what = "open <sandbox>/src (O_RDONLY|O_DIRECTORY|O_CLOEXEC), held as handle_2",
        .judgement = UNEXPECTED_IF_EINVAL,
    },
    [T1_OP4] = {
        .name = "t1.op4",
        .what = "open src/new1 relative to the current directory (O_RDWR|O_CREAT|O_CLOEXEC)",
        .judgement = UNEXPECTED_IF_EINVAL,
    },
    [T1_OP5] = {
        .name = "t1.op5",
        .what = "rename new2 relative to handle_2 to new1 relative to the current directory",
        .judgement = UNEXPECTED_IF_EINVAL,
    },
    [T1_OP7] = {
        .name = "t1.op7",
        .what = "open src//new2 relative to the current directory (O_RDWR|O_CREAT|O_EXCL|O_CLOEXEC)",
        .judgement = UNEXPECTED_IF_EINVAL,
    },
    [T1_OP8] = {
        .name = "t1.op8",
        .what = "open src relative to the current directory (O_RDONLY|O_DIRECTORY|O_CLOEXEC)",
        .judgement = UNEXPECTED_IF_EINVAL,
    },
    [T1_OP9] = {
        .name = "t1.op9",
        .what = "open src/bar.h relative to the current directory (O_RDONLY|O_CLOEXEC)",
        .judgement = UNEXPECTED_IF_EINVAL,
    },
    [T1_OP10] = {
        .name = "t1.op10",
        .what = "open src relative to the current directory (O_RDONLY|O_DIRECTORY|O_CLOEXEC), held as handle_3",
        .judgement = UNEXPECTED_IF_EINVAL,
    },
    [T2_OP2] = {
        .name = "t2.op2",
        .what = "open src relative to the current directory (O_RDONLY|O_DIRECTORY|O_CLOEXEC)",
        .judgement = UNEXPECTED_IF_EINVAL,
    },
    [T2_OP3] = {
        .name = "t2.op3",
        .what = "open src/bar.h relative to the current directory (O_RDONLY|O_CLOEXEC)",
        .judgement = UNEXPECTED_IF_EINVAL,
    },
    [T2_OP4] = {
        .name = "t2.op4",
        .what = "open src relative to the current directory (O_RDONLY|O_DIRECTORY|O_CLOEXEC)",
        .judgement = UNEXPECTED_IF_EINVAL,
    },
    [T2_OP5] = {
        .name = "t2.op5",
        .what = "open src/bar.h relative to the current directory (O_RDONLY|O_CLOEXEC), held as handle_4",
        .judgement = UNEXPECTED_IF_EINVAL,
    },
    [T2_OP6] = {
        .name = "t2.op6",
        .what = "open new1 relative to d0 (O_RDWR|O_CREAT|O_TRUNC|O_CLOEXEC)",
        .judgement = UNEXPECTED_IF_EINVAL,
    },
    [T2_OP7] = {
        .name = "t2.op7",
        .what = "make directory ./new1 relative to the current directory",
        .judgement = UNEXPECTED_IF_EINVAL,
    },
    [T3_OP1] = {
        .name = "t3.op1",
        .what = "open <sandbox>/src (O_RDONLY|O_DIRECTORY|O_CLOEXEC)",
        .judgement = UNEXPECTED_IF_EINVAL,
    },
    [T3_OP3] = {
        .name = "t3.op3",
        .what = "open . relative to d0 (O_RDONLY|O_DIRECTORY|O_CLOEXEC)",
        .judgement = UNEXPECTED_IF_EINVAL,
    },
    [T3_OP4] = {
        .name = "t3.op4",
        .what = "spin 13645 ns, then remove file new1 relative to d0",
        .judgement = UNEXPECTED_IF_EINVAL,
    },
    [T3_OP5] = {
        .name = "t3.op5",
        .what = "spin 11663 ns, then open src/new2 relative to the current directory (O_RDWR|O_CREAT|O_TRUNC|O_CLOEXEC)",
        .judgement = UNEXPECTED_IF_EINVAL,
    },
    [T3_OP6] = {
        .name = "t3.op6",
        .what = "open src/bar.h relative to the current directory (O_RDONLY|O_CLOEXEC), held as handle_5",
        .judgement = UNEXPECTED_IF_EINVAL,
    },
    [T3_OP7] = {
        .name = "t3.op7",
        .what = "spin 805 ns, then make directory ./src/new2 relative to the current directory",
        .judgement = UNEXPECTED_IF_EINVAL,
    },
    [T3_OP8] = {
        .name = "t3.op8",
        .what = "open new1 relative to d0 (O_RDWR|O_CREAT|O_TRUNC|O_CLOEXEC)",
        .judgement = UNEXPECTED_IF_EINVAL,
    },
    [T3_OP9] = {
        .name = "t3.op9",
        .what = "make directory <sandbox>/src/new1",
        .judgement = UNEXPECTED_IF_EINVAL,
    },
    [T4_OP1] = {
        .name = "t4.op1",
        .what = "spin 11492 ns, then open . relative to d0 (O_RDONLY|O_DIRECTORY|O_CLOEXEC)",
        .judgement = UNEXPECTED_IF_EINVAL,
    },
    [T4_OP3] = {
        .name = "t4.op3",
        .what = "remove directory ./new2 relative to the current directory",
        .judgement = UNEXPECTED_IF_EINVAL,
    },
    [T4_OP4] = {
        .name = "t4.op4",
        .what = "open bar.h relative to d0 (O_RDONLY|O_CLOEXEC), held as handle_6",
        .judgement = UNEXPECTED_IF_EINVAL,
    },
    [T4_OP5] = {
        .name = "t4.op5",
        .what = "spin 3872 ns, then open . relative to d0 (O_RDONLY|O_DIRECTORY|O_CLOEXEC), held as handle_7",
        .judgement = UNEXPECTED_IF_EINVAL,
    },
    [T4_OP6] = {
        .name = "t4.op6",
        .what = "open src relative to the current directory (O_RDONLY|O_DIRECTORY|O_CLOEXEC), held as handle_8",
        .judgement = UNEXPECTED_IF_EINVAL,
    },
    [T4_OP7] = {
        .name = "t4.op7",
        .what = "spin 8979 ns, then make directory <sandbox>/./src/new2",
        .judgement = UNEXPECTED_IF_EINVAL,
    },
    [T4_OP8] = {
        .name = "t4.op8",
        .what = "open <sandbox>/./src (O_RDONLY|O_DIRECTORY|O_CLOEXEC), held as handle_9",
        .judgement = UNEXPECTED_IF_EINVAL,
    },
    [T4_OP9] = {
        .name = "t4.op9",
        .what = "open src/new1 relative to the current directory (O_RDWR|O_CREAT|O_TRUNC|O_CLOEXEC)",
        .judgement = UNEXPECTED_IF_EINVAL,
    },
};

/* Shared handles, open across all rounds. */
static int d0 = -1;

/* Setup calls are retried once too, so that a transient failure of the file
 * system under test is not mistaken for a broken setup. */
static int setup_openat(int dirfd, const char *path, int flags)
{
    int fd = openat(dirfd, path, flags, 0644);
    if (fd < 0)
        fd = openat(dirfd, path, flags, 0644);
    if (fd < 0)
        perror(path);
    return fd;
}

/* Builds the tree in the sandbox (the current directory). */
static int build_tree(void)
{
    for (size_t i = 0; i < sizeof tree / sizeof tree[0]; i++) {
        const char *path = tree[i].path;
        if (tree[i].kind == DIRECTORY) {
            if (mkdir(path, 0755) != 0 && mkdir(path, 0755) != 0) {
                perror(path);
                return -1;
            }
        } else {
            int fd = setup_openat(AT_FDCWD, path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC);
            if (fd < 0)
                return -1;
            close(fd);
        }
    }
    return 0;
}

/* Absolute paths: the sandbox's path and these, joined at start-up. */
static char absolute_path[4][PATH_CAP];

static int build_absolute_paths(void)
{
    static const char *const suffix[] = {
        "/src",
        "/src/new1",
        "/./src/new2",
        "/./src",
    };
    for (size_t i = 0; i < sizeof suffix / sizeof suffix[0]; i++) {
        if (snprintf(absolute_path[i], PATH_CAP, "%s%s", sandbox, suffix[i]) >= PATH_CAP) {
            fprintf(stderr, "repro: %s%s: path too long\n", sandbox, suffix[i]);
            return -1;
        }
    }
    return 0;
}

static int open_shared(void)
{
    d0 = setup_openat(AT_FDCWD, "src", O_RDONLY|O_DIRECTORY|O_CLOEXEC);
    if (d0 < 0)
        return -1;
    return 0;
}

static void close_shared(void)
{
    close_handle(&d0);
}

/* Puts the tree back as it was before the first round. */
static int rebuild_tree(void)
{
    /* the rebuild replaces the directories the shared handles name */
    close_shared();
    return clear_sandbox() != 0 || build_tree() != 0 || open_shared() != 0 ? -1 : 0;
}

/* ---- the threads ---- */

/* Thread 1, one round. */
static void thread_1(void)
{
    int handle_1 = -1;
    int handle_2 = -1;
    int handle_3 = -1;
    int fd;
    int rc;

    /* op 1: open <sandbox>/src (O_RDONLY|O_DIRECTORY|O_CLOEXEC), held as handle_1 */
    COUNT_CALL(T1_OP1, handle_1, openat(AT_FDCWD, absolute_path[0], O_RDONLY|O_DIRECTORY|O_CLOEXEC));
    /* op 2: open new2 relative to the current directory (O_RDWR|O_CREAT|O_CLOEXEC) */
    COUNT_CALL(T1_OP2, fd, openat(AT_FDCWD, "new2", O_RDWR|O_CREAT|O_CLOEXEC, 0644));
    close_handle(&fd);
    /* op 3: open <sandbox>/src (O_RDONLY|O_DIRECTORY|O_CLOEXEC), held as handle_2 */
    COUNT_CALL(T1_OP3, handle_2, openat(AT_FDCWD, absolute_path[0], O_RDONLY|O_DIRECTORY|O_CLOEXEC));
    /* op 4: open src/new1 relative to the current directory (O_RDWR|O_CREAT|O_CLOEXEC) */
    COUNT_CALL(T1_OP4, fd, openat(AT_FDCWD, "src/new1", O_RDWR|O_CREAT|O_CLOEXEC, 0644));
    close_handle(&fd);
    /* op 5: rename new2 relative to handle_2 to new1 relative to the current directory */
    COUNT_CALL(T1_OP5, rc, renameat(handle_2, "new2", AT_FDCWD, "new1"));
    /* op 6: wait at barrier 1 */
    spin_barrier_wait(&barrier_1);
    /* op 7: open src//new2 relative to the current directory (O_RDWR|O_CREAT|O_EXCL|O_CLOEXEC) */
    COUNT_CALL(T1_OP7, fd, openat(AT_FDCWD, "src//new2", O_RDWR|O_CREAT|O_EXCL|O_CLOEXEC, 0644));
    close_handle(&fd);
    /* op 8: open src relative to the current directory (O_RDONLY|O_DIRECTORY|O_CLOEXEC) */
    COUNT_CALL(T1_OP8, fd, openat(AT_FDCWD, "src", O_RDONLY|O_DIRECTORY|O_CLOEXEC));
    close_handle(&fd);
    /* op 9: open src/bar.h relative to the current directory (O_RDONLY|O_CLOEXEC) */
    COUNT_CALL(T1_OP9, fd, openat(AT_FDCWD, "src/bar.h", O_RDONLY|O_CLOEXEC));
    close_handle(&fd);
    /* op 10: open src relative to the current directory (O_RDONLY|O_DIRECTORY|O_CLOEXEC), held as handle_3 */
    COUNT_CALL(T1_OP10, handle_3, openat(AT_FDCWD, "src", O_RDONLY|O_DIRECTORY|O_CLOEXEC));
    /* op 11: wait at barrier 2 */
    spin_barrier_wait(&barrier_2);
    /* op 12: close handle_3 */
    close_handle(&handle_3);
    /* op 13: close handle_2 */
    close_handle(&handle_2);
    /* op 14: close handle_1 */
    close_handle(&handle_1);
}

/* Thread 2, one round. */
static void thread_2(void)
{
    int handle_4 = -1;
    int fd;
    int rc;

    /* op 1: wait at barrier 1 */
    spin_barrier_wait(&barrier_1);
    /* op 2: open src relative to the current directory (O_RDONLY|O_DIRECTORY|O_CLOEXEC) */
    COUNT_CALL(T2_OP2, fd, openat(AT_FDCWD, "src", O_RDONLY|O_DIRECTORY|O_CLOEXEC));
    close_handle(&fd);
    /* op 3: open src/bar.h relative to the current directory (O_RDONLY|O_CLOEXEC) */
    COUNT_CALL(T2_OP3, fd, openat(AT_FDCWD, "src/bar.h", O_RDONLY|O_CLOEXEC));
    close_handle(&fd);
    /* op 4: open src relative to the current directory (O_RDONLY|O_DIRECTORY|O_CLOEXEC) */
    COUNT_CALL(T2_OP4, fd, openat(AT_FDCWD, "src", O_RDONLY|O_DIRECTORY|O_CLOEXEC));
    close_handle(&fd);
    /* op 5: open src/bar.h relative to the current directory (O_RDONLY|O_CLOEXEC), held as handle_4 */
    COUNT_CALL(T2_OP5, handle_4, openat(AT_FDCWD, "src/bar.h", O_RDONLY|O_CLOEXEC));
    /* op 6: open new1 relative to d0 (O_RDWR|O_CREAT|O_TRUNC|O_CLOEXEC) */
    COUNT_CALL(T2_OP6, fd, openat(d0, "new1", O_RDWR|O_CREAT|O_TRUNC|O_CLOEXEC, 0644));
    close_handle(&fd);
    /* op 7: make directory ./new1 relative to the current directory */
    COUNT_CALL(T2_OP7, rc, mkdirat(AT_FDCWD, "./new1", 0755));
    /* op 8: wait at barrier 2 */
    spin_barrier_wait(&barrier_2);
    /* op 9: close handle_4 */
    close_handle(&handle_4);
}

/* Thread 3, one round. */
static void thread_3(void)
{
    int handle_5 = -1;
    int fd;
    int rc;

    /* op 1: open <sandbox>/src (O_RDONLY|O_DIRECTORY|O_CLOEXEC) */
    COUNT_CALL(T3_OP1, fd, openat(AT_FDCWD, absolute_path[0], O_RDONLY|O_DIRECTORY|O_CLOEXEC));
    close_handle(&fd);
    /* op 2: wait at barrier 1 */
    spin_barrier_wait(&barrier_1);
    /* op 3: open . relative to d0 (O_RDONLY|O_DIRECTORY|O_CLOEXEC) */
    COUNT_CALL(T3_OP3, fd, openat(d0, ".", O_RDONLY|O_DIRECTORY|O_CLOEXEC));
    close_handle(&fd);
    /* op 4: spin 13645 ns, then remove file new1 relative to d0 */
    spin_ns(13645);
    COUNT_CALL(T3_OP4, rc, unlinkat(d0, "new1", 0));
    /* op 5: spin 11663 ns, then open src/new2 relative to the current directory (O_RDWR|O_CREAT|O_TRUNC|O_CLOEXEC) */
    spin_ns(11663);
    COUNT_CALL(T3_OP5, fd, openat(AT_FDCWD, "src/new2", O_RDWR|O_CREAT|O_TRUNC|O_CLOEXEC, 0644));
    close_handle(&fd);
    /* op 6: open src/bar.h relative to the current directory (O_RDONLY|O_CLOEXEC), held as handle_5 */
    COUNT_CALL(T3_OP6, handle_5, openat(AT_FDCWD, "src/bar.h", O_RDONLY|O_CLOEXEC));
    /* op 7: spin 805 ns, then make directory ./src/new2 relative to the current directory */
    spin_ns(805);
    COUNT_CALL(T3_OP7, rc, mkdirat(AT_FDCWD, "./src/new2", 0755));
    /* op 8: open new1 relative to d0 (O_RDWR|O_CREAT|O_TRUNC|O_CLOEXEC) */
    COUNT_CALL(T3_OP8, fd, openat(d0, "new1", O_RDWR|O_CREAT|O_TRUNC|O_CLOEXEC, 0644));
    close_handle(&fd);
    /* op 9: make directory <sandbox>/src/new1 */
    COUNT_CALL(T3_OP9, rc, mkdirat(AT_FDCWD, absolute_path[1], 0755));
    /* op 10: wait at barrier 2 */
    spin_barrier_wait(&barrier_2);
    /* op 11: close handle_5 */
    close_handle(&handle_5);
}

/* Thread 4, one round. */
static void thread_4(void)
{
    int handle_6 = -1;
    int handle_7 = -1;
    int handle_8 = -1;
    int handle_9 = -1;
    int fd;
    int rc;

    /* op 1: spin 11492 ns, then open . relative to d0 (O_RDONLY|O_DIRECTORY|O_CLOEXEC) */
    spin_ns(11492);
    COUNT_CALL(T4_OP1, fd, openat(d0, ".", O_RDONLY|O_DIRECTORY|O_CLOEXEC));
    close_handle(&fd);
    /* op 2: wait at barrier 1 */
    spin_barrier_wait(&barrier_1);
    /* op 3: remove directory ./new2 relative to the current directory */
    COUNT_CALL(T4_OP3, rc, unlinkat(AT_FDCWD, "./new2", AT_REMOVEDIR));
    /* op 4: open bar.h relative to d0 (O_RDONLY|O_CLOEXEC), held as handle_6 */
    COUNT_CALL(T4_OP4, handle_6, openat(d0, "bar.h", O_RDONLY|O_CLOEXEC));
    /* op 5: spin 3872 ns, then open . relative to d0 (O_RDONLY|O_DIRECTORY|O_CLOEXEC), held as handle_7 */
    spin_ns(3872);
    COUNT_CALL(T4_OP5, handle_7, openat(d0, ".", O_RDONLY|O_DIRECTORY|O_CLOEXEC));
    /* op 6: open src relative to the current directory (O_RDONLY|O_DIRECTORY|O_CLOEXEC), held as handle_8 */
    COUNT_CALL(T4_OP6, handle_8, openat(AT_FDCWD, "src", O_RDONLY|O_DIRECTORY|O_CLOEXEC));
    /* op 7: spin 8979 ns, then make directory <sandbox>/./src/new2 */
    spin_ns(8979);
    COUNT_CALL(T4_OP7, rc, mkdirat(AT_FDCWD, absolute_path[2], 0755));
    /* op 8: open <sandbox>/./src (O_RDONLY|O_DIRECTORY|O_CLOEXEC), held as handle_9 */
    COUNT_CALL(T4_OP8, handle_9, openat(AT_FDCWD, absolute_path[3], O_RDONLY|O_DIRECTORY|O_CLOEXEC));
    /* op 9: open src/new1 relative to the current directory (O_RDWR|O_CREAT|O_TRUNC|O_CLOEXEC) */
    COUNT_CALL(T4_OP9, fd, openat(AT_FDCWD, "src/new1", O_RDWR|O_CREAT|O_TRUNC|O_CLOEXEC, 0644));
    close_handle(&fd);
    /* op 10: wait at barrier 2 */
    spin_barrier_wait(&barrier_2);
    /* op 11: close handle_9 */
    close_handle(&handle_9);
    /* op 12: close handle_8 */
    close_handle(&handle_8);
    /* op 13: close handle_7 */
    close_handle(&handle_7);
    /* op 14: close handle_6 */
    close_handle(&handle_6);
}

static void (*const thread_round[THREAD_COUNT])(void) = { thread_1, thread_2, thread_3, thread_4 };

static unsigned long rounds = DEFAULT_ROUNDS;

static void *worker(void *arg)
{
    void (*round)(void) = thread_round[(intptr_t)arg];
    for (unsigned long r = 0; r < rounds; r++) {
        spin_barrier_wait(&round_start);
        round();
        spin_barrier_wait(&round_end);
    }
    return NULL;
}

/* Prints the table of outcomes and the verdict; returns the exit status. */
static int print_summary(unsigned long failing_rounds)
{
    unsigned long unexpected = 0;
    printf("%-8s %8s %8s %8s %9s %10s  %s\n", "op", "calls", "ok", "failed",
           "transient", "unexpected", "call");
    for (size_t i = 0; i < OP_COUNT; i++) {
        const struct op_stats *s = &stats[i];
        printf("%-8s %8lu %8lu %8lu %9lu %10lu  %s\n", s->name, s->calls, s->ok,
               s->calls - s->ok, s->transient, s->unexpected, s->what);
        for (int err = 0; err < ERRNO_SLOTS; err++) {
            if (s->failures[err] > 0)
                printf("%-8s %8lu %s\n", "", s->failures[err], errno_name(err));
        }
        unexpected += s->unexpected;
    }
    if (unexpected > 0) {
        printf("REPRODUCED: %lu unexpected failures in %lu rounds (rate %.3f%%)\n",
               unexpected, rounds, 100.0 * (double)failing_rounds / (double)rounds);
        return 1;
    }
    printf("not reproduced in %lu rounds\n", rounds);
    return 0;
}

/*
 * Sets up, runs the rounds and prints the summary; returns the exit
 * status. After a failed setup main removes the sandbox and returns,
 * which ends the threads still waiting for a round.
 */
static int run(void)
{
    pthread_t threads[THREAD_COUNT];
    unsigned long failing_rounds = 0;

    if (build_tree() != 0 || build_absolute_paths() != 0 || open_shared() != 0)
        return 2;
    for (int i = 0; i < THREAD_COUNT; i++) {
        int err = pthread_create(&threads[i], NULL, worker, (void *)(intptr_t)i);
        if (err != 0) {
            fprintf(stderr, "repro: pthread_create: %s\n", strerror(err));
            return 2;
        }
    }
    for (unsigned long round = 0; round < rounds; round++) {
        if (round > 0 && rebuild_tree() != 0)
            return 2;
        spin_barrier_wait(&round_start);
        spin_barrier_wait(&round_end);
        if (atomic_exchange(&round_failed, 0))
            failing_rounds++;
    }
    for (int i = 0; i < THREAD_COUNT; i++)
        pthread_join(threads[i], NULL);
    close_shared();
    return print_summary(failing_rounds);
}

static int parse_rounds(const char *text)
{
    char *end;
    errno = 0;
    unsigned long value = strtoul(text, &end, 10);
    if (text[0] < '0' || text[0] > '9' || *end != '\0' || errno != 0 || value == 0)
        return -1;
    rounds = value;
    return 0;
}

int main(int argc, char **argv)
{
    if (argc < 2 || argc > 3 || (argc == 3 && parse_rounds(argv[2]) != 0)) {
        fprintf(stderr, "usage: %s DIR [ROUNDS]\n", argv[0]);
        return 2;
    }
    if (make_sandbox(argv[1]) != 0)
        return 2;
    int status = run();
    remove_sandbox();
    return status;
}
