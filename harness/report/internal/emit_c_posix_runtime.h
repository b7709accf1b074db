// emit_c_posix_runtime.h — the fixed parts of the C-POSIX reproducer that
// emit_c.cc writes around the scenario's own code. Each piece is C text, in
// the order the program needs it; the emitter leaves out a piece the
// scenario does not use, since the program compiles with -Werror and an
// unused static function would stop it.

#ifndef OPENRACE_HARNESS_REPORT_INTERNAL_EMIT_C_POSIX_RUNTIME_H_
#define OPENRACE_HARNESS_REPORT_INTERNAL_EMIT_C_POSIX_RUNTIME_H_

#include "absl/strings/string_view.h"

namespace openrace::internal {

inline constexpr absl::string_view kIncludes = R"c(/* For openat, mkdtemp and nftw under -std=c11. */
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
)c";

inline constexpr absl::string_view kSpinBarrier = R"c(
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
)c";

inline constexpr absl::string_view kSpin = R"c(
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
)c";

// The order check's record of each call's answer (EmitOptions::
// check_orders), written before kCounting, whose COUNT_CALL notes them.
inline constexpr absl::string_view kOrderAnswers = R"c(
/*
 * The order check (see the rule at the top): what each call answered this
 * round, its errno (0: success) and its retry's (-1: none).
 */
#define CHECK_ORDERS 1
struct answer { int first, retry; };
#define NOTE_ANSWER(op, first_errno, retry_errno)                      \
    do {                                                               \
        answers[op].first = (first_errno);                             \
        answers[op].retry = (retry_errno);                             \
    } while (0)

/* Rounds whose answers and end state no order of their calls gives. */
static unsigned long unexplained_rounds;
)c";

inline constexpr absl::string_view kCounting = R"c(
#ifndef NOTE_ANSWER
#define NOTE_ANSWER(op, first_errno, retry_errno) \
    do {                                          \
        (void)(first_errno);                      \
        (void)(retry_errno);                      \
    } while (0)
#endif

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
            NOTE_ANSWER(op, 0, -1);                                    \
        } else {                                                       \
            int first_errno = errno;                                   \
            (result) = (call);                                         \
            int retry_errno = (result) >= 0 ? 0 : errno;               \
            count_failure(&stats[op], first_errno, (result) >= 0);     \
            NOTE_ANSWER(op, first_errno, retry_errno);                 \
        }                                                              \
    } while (0)
)c";

inline constexpr absl::string_view kCloseHandle = R"c(
static void close_handle(int *fd)
{
    if (*fd >= 0)
        close(*fd);
    *fd = -1;
}
)c";

inline constexpr absl::string_view kErrnoNames = R"c(
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
)c";

inline constexpr absl::string_view kSandbox = R"c(
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
)c";

inline constexpr absl::string_view kSetupOpenat = R"c(
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
)c";

inline constexpr absl::string_view kBuildTree = R"c(
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
)c";

inline constexpr absl::string_view kWorker = R"c(
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
)c";

// The order check itself, after the threads (answers[], declared with the
// scenario's data; round_ends[], sorted, and status_class(), written by the
// emitter just before it).
inline constexpr absl::string_view kOrderCheck = R"c(
/* The sandbox's entries after a round: "d a", "f a/g"; sorted by path. */
#define LISTED_CAP 1024
static char *listed[LISTED_CAP];
static size_t listed_count;
static int listing_failed;

static int list_entry(const char *path, const struct stat *st, int type, struct FTW *ftw)
{
    (void)st;
    if (ftw->level == 0)
        return 0; /* the sandbox itself */
    const char *relative = path + strlen(sandbox) + 1;
    size_t size = strlen(relative) + 3;
    char *entry = listed_count < LISTED_CAP ? malloc(size) : NULL;
    if (entry == NULL) {
        listing_failed = 1;
        return 1;
    }
    snprintf(entry, size, "%c %s", type == FTW_D || type == FTW_DNR ? 'd' : 'f', relative);
    listed[listed_count++] = entry;
    return 0;
}

static int by_path(const void *a, const void *b)
{
    return strcmp(*(char *const *)a + 2, *(char *const *)b + 2);
}

static int by_string(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static char round_key[1 << 16];
static size_t round_key_length;

static void key_append(const char *text)
{
    size_t n = strlen(text);
    if (round_key_length + n < sizeof round_key) {
        memcpy(round_key + round_key_length, text, n + 1);
        round_key_length += n;
    } else {
        listing_failed = 1;
    }
}

/*
 * Whether some order of the round's calls, each thread's in its own order,
 * gives every call its answer and leaves the sandbox as it is: the round's
 * answers and entries must be one of round_ends[]. A round that cannot be
 * listed counts as explained.
 */
static int round_explained(void)
{
    listed_count = 0;
    listing_failed = 0;
    round_key_length = 0;
    round_key[0] = '\0';
    for (size_t i = 0; i < OP_COUNT; i++) {
        if (i > 0)
            key_append(",");
        key_append(status_class(answers[i].first));
        if (answers[i].first != 0) {
            key_append("/");
            key_append(status_class(answers[i].retry));
        }
    }
    key_append("|");
    if (nftw(sandbox, list_entry, 16, FTW_PHYS | FTW_MOUNT) != 0)
        listing_failed = 1;
    qsort(listed, listed_count, sizeof listed[0], by_path);
    for (size_t i = 0; i < listed_count; i++) {
        if (i > 0)
            key_append(",");
        key_append(listed[i]);
        free(listed[i]);
    }
    if (listing_failed)
        return 1;
    const char *key = round_key;
    return bsearch(&key, round_ends, sizeof round_ends / sizeof round_ends[0],
                   sizeof round_ends[0], by_string) != NULL;
}
)c";

inline constexpr absl::string_view kSummary = R"c(
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
#ifdef CHECK_ORDERS
    if (unexplained_rounds > 0) {
        printf("REPRODUCED: %lu rounds whose answers and end state no order of "
               "their calls gives, in %lu rounds (rate %.3f%%)\n",
               unexplained_rounds, rounds,
               100.0 * (double)unexplained_rounds / (double)rounds);
        return 1;
    }
#endif
    if (unexpected > 0) {
        printf("REPRODUCED: %lu unexpected failures in %lu rounds (rate %.3f%%)\n",
               unexpected, rounds, 100.0 * (double)failing_rounds / (double)rounds);
        return 1;
    }
    printf("not reproduced in %lu rounds\n", rounds);
    return 0;
}
)c";

// The same in every language: main() parses DIR [ROUNDS], makes the
// sandbox, calls run() and removes the sandbox (the Windows programs use it
// too; errno.h and stdlib.h are in both).
inline constexpr absl::string_view kMain = R"c(
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
)c";

}  // namespace openrace::internal

#endif  // OPENRACE_HARNESS_REPORT_INTERNAL_EMIT_C_POSIX_RUNTIME_H_
