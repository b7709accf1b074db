/*
 * repro.c - a file-system concurrency failure
 *
 * Signature: open-other-EIO-transient-cwd
 *
 * A standalone reproducer written by `openrace emit --lang c-posix`; it
 * needs only libc and pthreads.
 *
 * Each round (1000 by default), in a fresh directory holding this tree:
 *   new1
 * these threads run:
 *   thread 1:
 *     op 1: open new1 relative to the current directory (O_RDWR|O_CREAT|O_TRUNC|O_CLOEXEC)
 *   thread 2:
 *     op 1: remove file new1 relative to the current directory
 *     op 2: open new1 relative to the current directory (O_RDWR|O_CREAT|O_TRUNC|O_CLOEXEC)
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
 * Only unexpected failures of thread 2 op 2 count.
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
#define DEFAULT_ROUNDS 1000
#define THREAD_COUNT 2

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
    { "new1", REGULAR_FILE },
};

/* Every round starts and ends with the main thread and all threads. */
static struct spin_barrier round_start = { .parties = THREAD_COUNT + 1 };
static struct spin_barrier round_end = { .parties = THREAD_COUNT + 1 };

/* The calls, named by thread and op index, and what each one got. */
enum op_id { T1_OP1, T2_OP1, T2_OP2, OP_COUNT };

static struct op_stats stats[OP_COUNT] = {
    [T1_OP1] = {
        .name = "t1.op1",
        .what = "open new1 relative to the current directory (O_RDWR|O_CREAT|O_TRUNC|O_CLOEXEC)",
        .judgement = NEVER_UNEXPECTED,
    },
    [T2_OP1] = {
        .name = "t2.op1",
        .what = "remove file new1 relative to the current directory",
        .judgement = NEVER_UNEXPECTED,
    },
    [T2_OP2] = {
        .name = "t2.op2",
        .what = "open new1 relative to the current directory (O_RDWR|O_CREAT|O_TRUNC|O_CLOEXEC)",
        .judgement = UNEXPECTED_IF_EINVAL,
    },
};

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

/* Puts the tree back as it was before the first round. */
static int rebuild_tree(void)
{
    return clear_sandbox() != 0 || build_tree() != 0 ? -1 : 0;
}

/* ---- the threads ---- */

/* Thread 1, one round. */
static void thread_1(void)
{
    int fd;

    /* op 1: open new1 relative to the current directory (O_RDWR|O_CREAT|O_TRUNC|O_CLOEXEC) */
    COUNT_CALL(T1_OP1, fd, openat(AT_FDCWD, "new1", O_RDWR|O_CREAT|O_TRUNC|O_CLOEXEC, 0644));
    close_handle(&fd);
}

/* Thread 2, one round. */
static void thread_2(void)
{
    int fd;
    int rc;

    /* op 1: remove file new1 relative to the current directory */
    COUNT_CALL(T2_OP1, rc, unlinkat(AT_FDCWD, "new1", 0));
    /* op 2: open new1 relative to the current directory (O_RDWR|O_CREAT|O_TRUNC|O_CLOEXEC) */
    COUNT_CALL(T2_OP2, fd, openat(AT_FDCWD, "new1", O_RDWR|O_CREAT|O_TRUNC|O_CLOEXEC, 0644));
    close_handle(&fd);
}

static void (*const thread_round[THREAD_COUNT])(void) = { thread_1, thread_2 };

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

    if (build_tree() != 0)
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
