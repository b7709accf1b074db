/* report_reproducer.c — the bug report's own reproducer, ported to POSIX,
 * as the baseline of ci/bench_detection.sh.
 *
 * The report reproduced the bug without openrace: worker threads open the
 * files of a source tree by relative path, the way a build tool opens
 * headers, and for each file a fresh thread opens it again while the
 * worker still holds it. This program does the same in DIR (made the
 * current directory), under src/dNN/fNN.h, until the first open fails with
 * EINVAL, and prints how long that took.
 *
 *   report_reproducer DIR [WORKERS [SECONDS]]
 *
 * Exit status: 0 found EINVAL (the time is printed), 1 none within SECONDS
 * (default 600), 2 bad usage or another error of the file system.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

enum { kDirs = 8, kFilesPerDir = 32 };

static atomic_int found;           /* set by the first EINVAL */
static atomic_int failed;          /* another error: the run is void */
static atomic_ullong opens;
static double deadline;

static double Now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void PathOf(int index, char* path, size_t size) {
  snprintf(path, size, "src/d%02d/f%02d.h", index / kFilesPerDir,
           index % kFilesPerDir);
}

/* One open by relative path; records EINVAL, and any other error. */
static int OpenRelative(const char* path) {
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  atomic_fetch_add(&opens, 1);
  if (fd < 0) {
    if (errno == EINVAL) {
      atomic_store(&found, 1);
    } else {
      fprintf(stderr, "report_reproducer: open %s: %s\n", path, strerror(errno));
      atomic_store(&failed, 1);
    }
  }
  return fd;
}

/* The fresh thread: reopens the file its worker holds, then lets go. */
static void* Reopen(void* arg) {
  int fd = OpenRelative((const char*)arg);
  if (fd >= 0) close(fd);
  return NULL;
}

/* A worker walks the tree from its own starting file, so workers seldom
 * hold the same file at once (as in the report, each builds other
 * targets). */
static void* Worker(void* arg) {
  int index = (int)(long)arg;
  char path[64];
  while (!atomic_load(&found) && !atomic_load(&failed) && Now() < deadline) {
    PathOf(index, path, sizeof path);
    index = (index + 1) % (kDirs * kFilesPerDir);
    int held = OpenRelative(path);
    if (held < 0) continue;
    pthread_t fresh;
    if (pthread_create(&fresh, NULL, Reopen, path) != 0) {
      perror("report_reproducer: pthread_create");
      atomic_store(&failed, 1);
    } else {
      pthread_join(fresh, NULL);
    }
    close(held);
  }
  return NULL;
}

int main(int argc, char** argv) {
  if (argc < 2 || argc > 4) {
    fprintf(stderr, "usage: report_reproducer DIR [WORKERS [SECONDS]]\n");
    return 2;
  }
  int workers = argc > 2 ? atoi(argv[2]) : 4;
  double seconds = argc > 3 ? atof(argv[3]) : 600;
  if (workers < 1 || workers > 256 || seconds <= 0) {
    fprintf(stderr, "report_reproducer: WORKERS is 1 to 256, SECONDS > 0\n");
    return 2;
  }
  if (chdir(argv[1]) != 0) {
    fprintf(stderr, "report_reproducer: cd %s: %s\n", argv[1], strerror(errno));
    return 2;
  }
  /* The tree, by absolute-free relative paths, before the clock starts. */
  if (mkdir("src", 0755) != 0 && errno != EEXIST) {
    perror("report_reproducer: mkdir src");
    return 2;
  }
  for (int d = 0; d < kDirs; ++d) {
    char dir[32];
    snprintf(dir, sizeof dir, "src/d%02d", d);
    if (mkdir(dir, 0755) != 0 && errno != EEXIST) {
      perror("report_reproducer: mkdir");
      return 2;
    }
  }
  for (int i = 0; i < kDirs * kFilesPerDir; ++i) {
    char path[64];
    PathOf(i, path, sizeof path);
    int fd = open(path, O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
    if (fd < 0) {
      fprintf(stderr, "report_reproducer: create %s: %s\n", path, strerror(errno));
      return 2;
    }
    close(fd);
  }
  const double start = Now();
  deadline = start + seconds;
  pthread_t threads[256];
  for (int w = 0; w < workers; ++w) {
    long first = (long)w * (kDirs * kFilesPerDir) / workers;
    if (pthread_create(&threads[w], NULL, Worker, (void*)first) != 0) {
      perror("report_reproducer: pthread_create");
      return 2;
    }
  }
  for (int w = 0; w < workers; ++w) pthread_join(threads[w], NULL);
  const double elapsed = Now() - start;
  if (atomic_load(&failed)) return 2;
  if (!atomic_load(&found)) {
    printf("no EINVAL in %.1f s (%llu opens)\n", elapsed,
           (unsigned long long)atomic_load(&opens));
    return 1;
  }
  printf("first EINVAL after %.3f s (%llu opens)\n", elapsed,
         (unsigned long long)atomic_load(&opens));
  return 0;
}
