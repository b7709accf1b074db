#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <unistd.h>
static volatile int stop;
static void *unlinker(void *a) { (void)a; while (!stop) unlink("f"); return 0; }
int main(void) {
  pthread_t t; pthread_create(&t, 0, unlinker, 0);
  long enoent = 0, other = 0, n = 20000;
  for (long i = 0; i < n; i++) {
    int fd = open("f", O_CREAT | O_RDWR, 0644);
    if (fd >= 0) close(fd); else if (errno == ENOENT) enoent++; else other++;
  }
  stop = 1; pthread_join(t, 0);
  printf("%ld opens with O_CREAT: %ld ENOENT, %ld other errors\n", n, enoent, other);
  return 0;
}
