/*
 * repro.c - open fails with not_found(ENOENT)
 *
 * Signature: open-not_found-ENOENT-unexpected-cwd
 *
 * A standalone reproducer written by `openrace emit --lang c-posix`; it
 * needs only libc and pthreads.
 *
 * Each round (31 by default), in a fresh directory holding this tree:
 *   out/
 *   x
 *   main.c
 *   inc/
 *   foo.h
 *   inc/x
 *   b/
 * with these handles open across all rounds:
 *   d0: open out relative to the current directory (O_RDONLY|O_DIRECTORY|O_CLOEXEC)
 * these threads run:
 *   thread 1:
 *     op 1: open out relative to the current directory (O_RDONLY|O_DIRECTORY|O_CLOEXEC), held as handle_1
 *     op 2: open inc/x relative to the current directory (O_RDONLY|O_CLOEXEC), held as handle_2
 *     op 3: remove directory new1 relative to d0
 *     op 4: wait at barrier 1
 *     op 5: wait at barrier 2
 *     op 6: wait at barrier 3
 *     op 7: wait at barrier 4
 *     op 8: wait at barrier 5
 *     op 9: wait at barrier 6
 *     op 10: wait at barrier 7
 *     op 11: wait at barrier 8
 *     op 12: wait at barrier 9
 *     op 13: wait at barrier 10
 *     op 14: wait at barrier 11
 *     op 15: wait at barrier 12
 *     op 16: open new2 relative to the current directory (O_RDWR|O_CREAT|O_CLOEXEC)
 *     op 17: wait at barrier 13
 *     op 18: wait at barrier 14
 *     op 19: wait at barrier 15
 *     op 20: wait at barrier 16
 *     op 21: wait at barrier 17
 *     op 22: wait at barrier 18
 *     op 23: wait at barrier 19
 *     op 24: wait at barrier 20
 *     op 25: open out/new1 relative to the current directory (O_RDWR|O_CREAT|O_TRUNC|O_CLOEXEC)
 *     op 26: open out relative to the current directory (O_RDONLY|O_DIRECTORY|O_CLOEXEC)
 *     op 27: open . relative to handle_1 (O_RDONLY|O_DIRECTORY|O_CLOEXEC), held as handle_3
 *     op 28: open out relative to the current directory (O_RDONLY|O_DIRECTORY|O_CLOEXEC)
 *     op 29: open new1 relative to the current directory (O_RDWR|O_CREAT|O_TRUNC|O_CLOEXEC)
 *     op 30: stat out relative to the current directory
 *     op 31: open ../new1 relative to d0 (O_RDWR|O_CREAT|O_CLOEXEC)
 *     op 32: spin 11124 ns, then open out/new1 relative to the current directory (O_RDWR|O_CREAT|O_CLOEXEC)
 *     op 33: stat out relative to the current directory
 *     op 34: rename out/new1 to new2, both relative to the current directory
 *     op 35: spin 8629 ns, then open inc/x relative to the current directory (O_RDONLY|O_CLOEXEC), held as handle_4
 *     op 36: open b relative to the current directory (O_RDONLY|O_DIRECTORY|O_CLOEXEC)
 *     op 37: open out relative to the current directory (O_RDONLY|O_DIRECTORY|O_CLOEXEC), held as handle_5
 *     op 38: rename out//new1 to out/new2, both relative to the current directory
 *     op 39: open ./../new2 relative to handle_5 (O_RDWR|O_CREAT|O_TRUNC|O_CLOEXEC)
 *     op 40: close handle_5
 *     op 41: close handle_4
 *     op 42: close handle_3
 *     op 43: close handle_2
 *     op 44: close handle_1
 *   thread 2:
 *     op 1: rename <sandbox>/new0 to ../new2 relative to d0
 *     op 2: stat out relative to the current directory
 *     op 3: rename ../new1 to new2, both relative to d0
 *     op 4: make directory new0 relative to the current directory
 *     op 5: stat <sandbox>/./out
 *     op 6: open ./out relative to the current directory (O_RDONLY|O_DIRECTORY|O_CLOEXEC), held as handle_6
 *     op 7: open ./new1 relative to handle_6 (O_RDWR|O_CREAT|O_TRUNC|O_CLOEXEC)
 *     op 8: spin 4366 ns, then open x relative to the current directory (O_RDONLY|O_CLOEXEC)
 *     op 9: open <sandbox>/out (O_RDONLY|O_DIRECTORY|O_CLOEXEC), held as handle_7
 *     op 10: open <sandbox>/out/new2 (O_RDWR|O_CREAT|O_CLOEXEC)
 *     op 11: open inc relative to the current directory (O_RDONLY|O_DIRECTORY|O_CLOEXEC), held as handle_8
 *     op 12: make directory new2 relative to the current directory
 *     op 13: wait at barrier 7
 *     op 14: spin 18314 ns, then open <sandbox>/out (O_RDONLY|O_DIRECTORY|O_CLOEXEC), held as handle_9
 *     op 15: wait at barrier 13
 *     op 16: open <sandbox>/./out (O_RDONLY|O_DIRECTORY|O_CLOEXEC), held as handle_10
 *     op 17: open out relative to the current directory (O_RDONLY|O_DIRECTORY|O_CLOEXEC), held as handle_11
 *     op 18: open out relative to the current directory (O_RDONLY|O_DIRECTORY|O_CLOEXEC)
 *     op 19: close handle_11
 *     op 20: close handle_10
 *     op 21: close handle_9
 *     op 22: close handle_8
 *     op 23: close handle_7
 *     op 24: close handle_6
 *   thread 3:
 *     op 1: open out relative to the current directory (O_RDONLY|O_DIRECTORY|O_CLOEXEC)
 *     op 2: remove directory new2 relative to the current directory
 *     op 3: remove file <sandbox>/new2
 *     op 4: open out relative to the current directory (O_RDONLY|O_DIRECTORY|O_CLOEXEC), held as handle_12
 *     op 5: open out relative to the current directory (O_RDONLY|O_DIRECTORY|O_CLOEXEC)
 *     op 6: spin 327 ns, then open main.c relative to the current directory (O_RDWR|O_CLOEXEC)
 *     op 7: remove directory new1 relative to the current directory
 *     op 8: wait at barrier 5
 *     op 9: open . relative to d0 (O_RDONLY|O_DIRECTORY|O_CLOEXEC)
 *     op 10: wait at barrier 8
 *     op 11: spin 13437 ns, then open inc/x relative to the current directory (O_RDONLY|O_CLOEXEC)
 *     op 12: wait at barrier 14
 *     op 13: open x relative to the current directory (O_RDONLY|O_CLOEXEC)
 *     op 14: make directory out/new0 relative to the current directory
 *     op 15: stat <sandbox>/out
 *     op 16: open out relative to the current directory (O_RDONLY|O_DIRECTORY|O_CLOEXEC)
 *     op 17: rename new1 to new1, both relative to the current directory
 *     op 18: close handle_12
 *   thread 4:
 *     op 1: spin 11042 ns, then stat <sandbox>/out
 *     op 2: open out relative to the current directory (O_RDONLY|O_DIRECTORY|O_CLOEXEC)
 *     op 3: open out relative to the current directory (O_RDONLY|O_DIRECTORY|O_CLOEXEC)
 *     op 4: open b relative to the current directory (O_RDONLY|O_DIRECTORY|O_CLOEXEC)
 *     op 5: open <sandbox>/new2 (O_RDWR|O_CREAT|O_EXCL|O_CLOEXEC)
 *     op 6: stat <sandbox>/out
 *     op 7: open <sandbox>/foo.h (O_RDONLY|O_CLOEXEC)
 *     op 8: stat out relative to the current directory
 *     op 9: open out relative to the current directory (O_RDONLY|O_DIRECTORY|O_CLOEXEC), held as handle_13
 *     op 10: open inc relative to the current directory (O_RDONLY|O_DIRECTORY|O_CLOEXEC), held as handle_14
 *     op 11: spin 15641 ns, then open out relative to the current directory (O_RDONLY|O_DIRECTORY|O_CLOEXEC), held as handle_15
 *     op 12: open out relative to the current directory (O_RDONLY|O_DIRECTORY|O_CLOEXEC), held as handle_16
 *     op 13: spin 10432 ns, then open . relative to handle_16 (O_RDONLY|O_DIRECTORY|O_CLOEXEC), held as handle_17
 *     op 14: wait at barrier 1
 *     op 15: wait at barrier 15
 *     op 16: close handle_17
 *     op 17: close handle_16
 *     op 18: close handle_15
 *     op 19: close handle_14
 *     op 20: close handle_13
 *   thread 5:
 *     op 1: open . relative to d0 (O_RDONLY|O_DIRECTORY|O_CLOEXEC)
 *     op 2: spin 8465 ns, then open out relative to the current directory (O_RDONLY|O_DIRECTORY|O_CLOEXEC)
 *     op 3: make directory <sandbox>/out//new2
 *     op 4: open out relative to the current directory (O_RDONLY|O_DIRECTORY|O_CLOEXEC)
 *     op 5: open out relative to the current directory (O_RDONLY|O_DIRECTORY|O_CLOEXEC), held as handle_18
 *     op 6: stat out relative to the current directory
 *     op 7: spin 485 ns, then open <sandbox>/out (O_RDONLY|O_DIRECTORY|O_CLOEXEC)
 *     op 8: open . relative to handle_18 (O_RDONLY|O_DIRECTORY|O_CLOEXEC), held as handle_19
 *     op 9: make directory new1 relative to d0
 *     op 10: wait at barrier 6
 *     op 11: open out relative to the current directory (O_RDONLY|O_DIRECTORY|O_CLOEXEC)
 *     op 12: wait at barrier 16
 *     op 13: rename <sandbox>/new0 to <sandbox>/out/new0
 *     op 14: remove directory out/../out/new2 relative to the current directory
 *     op 15: open . relative to handle_18 (O_RDONLY|O_DIRECTORY|O_CLOEXEC), held as handle_20
 *     op 16: open <sandbox>/out (O_RDONLY|O_DIRECTORY|O_CLOEXEC), held as handle_21
 *     op 17: open new1 relative to the current directory (O_RDWR|O_CREAT|O_TRUNC|O_CLOEXEC)
 *     op 18: open out relative to the current directory (O_RDONLY|O_DIRECTORY|O_CLOEXEC), held as handle_22
 *     op 19: open . relative to handle_22 (O_RDONLY|O_DIRECTORY|O_CLOEXEC), held as handle_23
 *     op 20: rename new1 to out/new2, both relative to the current directory
 *     op 21: rename new0 relative to the current directory to new1 relative to handle_18
 *     op 22: open out relative to the current directory (O_RDONLY|O_DIRECTORY|O_CLOEXEC), held as handle_24
 *     op 23: remove file <sandbox>/new0
 *     op 24: open . relative to handle_21 (O_RDONLY|O_DIRECTORY|O_CLOEXEC)
 *     op 25: spin 7670 ns, then open main.c relative to the current directory (O_RDONLY|O_CLOEXEC), held as handle_25
 *     op 26: open ../main.c relative to handle_23 (O_RDONLY|O_CLOEXEC), held as handle_26
 *     op 27: open foo.h relative to the current directory (O_RDONLY|O_CLOEXEC), held as handle_27
 *     op 28: spin 3419 ns, then open foo.h relative to the current directory (O_RDONLY|O_CLOEXEC)
 *     op 29: stat out relative to the current directory
 *     op 30: make directory out/new0 relative to the current directory
 *     op 31: open out relative to the current directory (O_RDONLY|O_DIRECTORY|O_CLOEXEC), held as handle_28
 *     op 32: close handle_28
 *     op 33: close handle_27
 *     op 34: close handle_26
 *     op 35: close handle_25
 *     op 36: close handle_24
 *     op 37: close handle_23
 *     op 38: close handle_22
 *     op 39: close handle_21
 *     op 40: close handle_20
 *     op 41: close handle_19
 *     op 42: close handle_18
 *   thread 6:
 *     op 1: open new0 relative to the current directory (O_RDWR|O_CREAT|O_TRUNC|O_CLOEXEC)
 *     op 2: open out relative to the current directory (O_RDONLY|O_DIRECTORY|O_CLOEXEC)
 *     op 3: open ./out relative to the current directory (O_RDONLY|O_DIRECTORY|O_CLOEXEC), held as handle_29
 *     op 4: remove directory out/new0 relative to the current directory
 *     op 5: open <sandbox>/out (O_RDONLY|O_DIRECTORY|O_CLOEXEC), held as handle_30
 *     op 6: open out relative to the current directory (O_RDONLY|O_DIRECTORY|O_CLOEXEC), held as handle_31
 *     op 7: make directory new0 relative to the current directory
 *     op 8: open . relative to d0 (O_RDONLY|O_DIRECTORY|O_CLOEXEC)
 *     op 9: open . relative to handle_30 (O_RDONLY|O_DIRECTORY|O_CLOEXEC)
 *     op 10: open <sandbox>/./out (O_RDONLY|O_DIRECTORY|O_CLOEXEC), held as handle_32
 *     op 11: spin 2078 ns, then open <sandbox>/out (O_RDONLY|O_DIRECTORY|O_CLOEXEC), held as handle_33
 *     op 12: make directory out/new2 relative to the current directory
 *     op 13: stat <sandbox>/out
 *     op 14: spin 1759 ns, then make directory new1 relative to the current directory
 *     op 15: open out/new0 relative to the current directory (O_RDWR|O_CREAT|O_CLOEXEC)
 *     op 16: stat <sandbox>/inc/x
 *     op 17: wait at barrier 2
 *     op 18: wait at barrier 17
 *     op 19: close handle_33
 *     op 20: close handle_32
 *     op 21: close handle_31
 *     op 22: close handle_30
 *     op 23: close handle_29
 *   thread 7:
 *     op 1: open out relative to the current directory (O_RDONLY|O_DIRECTORY|O_CLOEXEC)
 *     op 2: make directory new0 relative to the current directory
 *     op 3: open out relative to the current directory (O_RDONLY|O_DIRECTORY|O_CLOEXEC), held as handle_34
 *     op 4: open b relative to the current directory (O_RDONLY|O_DIRECTORY|O_CLOEXEC)
 *     op 5: open out relative to the current directory (O_RDONLY|O_DIRECTORY|O_CLOEXEC)
 *     op 6: open b relative to the current directory (O_RDONLY|O_DIRECTORY|O_CLOEXEC)
 *     op 7: spin 8547 ns, then open <sandbox>/out (O_RDONLY|O_DIRECTORY|O_CLOEXEC), held as handle_35
 *     op 8: open .//out//new1 relative to the current directory (O_RDWR|O_CREAT|O_TRUNC|O_CLOEXEC)
 *     op 9: wait at barrier 9
 *     op 10: stat out relative to the current directory
 *     op 11: wait at barrier 10
 *     op 12: open b relative to the current directory (O_RDONLY|O_DIRECTORY|O_CLOEXEC), held as handle_36
 *     op 13: wait at barrier 18
 *     op 14: open out relative to the current directory (O_RDONLY|O_DIRECTORY|O_CLOEXEC), held as handle_37
 *     op 15: open <sandbox>/out (O_RDONLY|O_DIRECTORY|O_CLOEXEC), held as handle_38
 *     op 16: open out relative to the current directory (O_RDONLY|O_DIRECTORY|O_CLOEXEC), held as handle_39
 *     op 17: stat . relative to handle_35
 *     op 18: make directory out/new1 relative to the current directory
 *     op 19: spin 18869 ns, then open out relative to the current directory (O_RDONLY|O_DIRECTORY|O_CLOEXEC), held as handle_40
 *     op 20: stat . relative to handle_38
 *     op 21: open out relative to the current directory (O_RDONLY|O_DIRECTORY|O_CLOEXEC)
 *     op 22: open <sandbox>/b (O_RDONLY|O_DIRECTORY|O_CLOEXEC)
 *     op 23: spin 18031 ns, then open ./out relative to the current directory (O_RDONLY|O_DIRECTORY|O_CLOEXEC)
 *     op 24: stat . relative to handle_40
 *     op 25: open ../new0 relative to handle_38 (O_RDWR|O_CREAT|O_TRUNC|O_CLOEXEC)
 *     op 26: open out relative to the current directory (O_RDONLY|O_DIRECTORY|O_CLOEXEC)
 *     op 27: make directory new2 relative to the current directory
 *     op 28: make directory out/new1 relative to the current directory
 *     op 29: open out relative to the current directory (O_RDONLY|O_DIRECTORY|O_CLOEXEC), held as handle_41
 *     op 30: spin 940 ns, then open <sandbox>/out (O_RDONLY|O_DIRECTORY|O_CLOEXEC)
 *     op 31: spin 4622 ns, then stat . relative to handle_40
 *     op 32: close handle_41
 *     op 33: close handle_40
 *     op 34: close handle_39
 *     op 35: close handle_38
 *     op 36: close handle_37
 *     op 37: close handle_36
 *     op 38: close handle_35
 *     op 39: close handle_34
 *   thread 8:
 *     op 1: stat out relative to the current directory
 *     op 2: open <sandbox>/foo.h (O_RDONLY|O_CLOEXEC), held as handle_42
 *     op 3: open . relative to d0 (O_RDONLY|O_DIRECTORY|O_CLOEXEC)
 *     op 4: open out relative to the current directory (O_RDONLY|O_DIRECTORY|O_CLOEXEC), held as handle_43
 *     op 5: spin 14718 ns, then open out relative to the current directory (O_RDONLY|O_DIRECTORY|O_CLOEXEC)
 *     op 6: open out relative to the current directory (O_RDONLY|O_DIRECTORY|O_CLOEXEC), held as handle_44
 *     op 7: wait at barrier 4
 *     op 8: open out relative to the current directory (O_RDONLY|O_DIRECTORY|O_CLOEXEC), held as handle_45
 *     op 9: wait at barrier 11
 *     op 10: open out/new0 relative to the current directory (O_RDWR|O_CREAT|O_TRUNC|O_CLOEXEC)
 *     op 11: wait at barrier 19
 *     op 12: make directory new0 relative to handle_45
 *     op 13: open out relative to the current directory (O_RDONLY|O_DIRECTORY|O_CLOEXEC)
 *     op 14: make directory <sandbox>/out/new0
 *     op 15: spin 7851 ns, then open out relative to the current directory (O_RDONLY|O_DIRECTORY|O_CLOEXEC)
 *     op 16: stat ../x relative to handle_43
 *     op 17: stat . relative to d0
 *     op 18: open . relative to handle_43 (O_RDONLY|O_DIRECTORY|O_CLOEXEC), held as handle_46
 *     op 19: open foo.h relative to the current directory (O_RDWR|O_CLOEXEC)
 *     op 20: spin 9264 ns, then open out relative to the current directory (O_RDONLY|O_DIRECTORY|O_CLOEXEC), held as handle_47
 *     op 21: rename out/new0 to new2, both relative to the current directory
 *     op 22: stat . relative to handle_43
 *     op 23: open new1 relative to handle_44 (O_RDWR|O_CREAT|O_TRUNC|O_CLOEXEC)
 *     op 24: open . relative to d0 (O_RDONLY|O_DIRECTORY|O_CLOEXEC), held as handle_48
 *     op 25: open out relative to the current directory (O_RDONLY|O_DIRECTORY|O_CLOEXEC), held as handle_49
 *     op 26: open <sandbox>/inc//x (O_RDWR|O_CLOEXEC)
 *     op 27: open <sandbox>/out (O_RDONLY|O_DIRECTORY|O_CLOEXEC)
 *     op 28: open out relative to the current directory (O_RDONLY|O_DIRECTORY|O_CLOEXEC)
 *     op 29: spin 1993 ns, then open <sandbox>/out (O_RDONLY|O_DIRECTORY|O_CLOEXEC)
 *     op 30: spin 2355 ns, then make directory new2 relative to the current directory
 *     op 31: open new0 relative to the current directory (O_RDWR|O_CREAT|O_TRUNC|O_CLOEXEC)
 *     op 32: stat out relative to the current directory
 *     op 33: stat out relative to the current directory
 *     op 34: open out relative to the current directory (O_RDONLY|O_DIRECTORY|O_CLOEXEC)
 *     op 35: close handle_49
 *     op 36: close handle_48
 *     op 37: close handle_47
 *     op 38: close handle_46
 *     op 39: close handle_45
 *     op 40: close handle_44
 *     op 41: close handle_43
 *     op 42: close handle_42
 *   thread 9:
 *     op 1: open out relative to the current directory (O_RDONLY|O_DIRECTORY|O_CLOEXEC), held as handle_50
 *     op 2: rename out//new2 to out/new0, both relative to the current directory
 *     op 3: remove file new1 relative to the current directory
 *     op 4: open . relative to d0 (O_RDONLY|O_DIRECTORY|O_CLOEXEC)
 *     op 5: spin 5672 ns, then open <sandbox>/out (O_RDONLY|O_DIRECTORY|O_CLOEXEC)
 *     op 6: open ../b/new2 relative to d0 (O_RDWR|O_CREAT|O_TRUNC|O_CLOEXEC)
 *     op 7: stat <sandbox>/main.c
 *     op 8: open . relative to d0 (O_RDONLY|O_DIRECTORY|O_CLOEXEC), held as handle_51
 *     op 9: open . relative to handle_50 (O_RDONLY|O_DIRECTORY|O_CLOEXEC)
 *     op 10: open <sandbox>/out (O_RDONLY|O_DIRECTORY|O_CLOEXEC), held as handle_52
 *     op 11: stat <sandbox>/out
 *     op 12: spin 12687 ns, then open out relative to the current directory (O_RDONLY|O_DIRECTORY|O_CLOEXEC)
 *     op 13: open ./out relative to the current directory (O_RDONLY|O_DIRECTORY|O_CLOEXEC)
 *     op 14: spin 971 ns, then open out//new1 relative to the current directory (O_RDWR|O_CREAT|O_CLOEXEC)
 *     op 15: spin 1432 ns, then stat out relative to the current directory
 *     op 16: wait at barrier 3
 *     op 17: open <sandbox>/out (O_RDONLY|O_DIRECTORY|O_CLOEXEC), held as handle_53
 *     op 18: wait at barrier 12
 *     op 19: spin 5218 ns, then remove file <sandbox>/new2
 *     op 20: wait at barrier 20
 *     op 21: open .//out relative to the current directory (O_RDONLY|O_DIRECTORY|O_CLOEXEC), held as handle_54
 *     op 22: open out relative to the current directory (O_RDONLY|O_DIRECTORY|O_CLOEXEC), held as handle_55
 *     op 23: close handle_55
 *     op 24: close handle_54
 *     op 25: close handle_53
 *     op 26: close handle_52
 *     op 27: close handle_51
 *     op 28: close handle_50
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
 * Only unexpected failures of thread 1 op 16 count.
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
#define DEFAULT_ROUNDS 31
#define THREAD_COUNT 9

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
    { "out", DIRECTORY },
    { "x", REGULAR_FILE },
    { "main.c", REGULAR_FILE },
    { "inc", DIRECTORY },
    { "foo.h", REGULAR_FILE },
    { "inc/x", REGULAR_FILE },
    { "b", DIRECTORY },
};

/* Every round starts and ends with the main thread and all threads. */
static struct spin_barrier round_start = { .parties = THREAD_COUNT + 1 };
static struct spin_barrier round_end = { .parties = THREAD_COUNT + 1 };
/* The scenario's barriers, each among the threads that name it. */
static struct spin_barrier barrier_1 = { .parties = 2 }; /* threads 1, 4 */
static struct spin_barrier barrier_2 = { .parties = 2 }; /* threads 1, 6 */
static struct spin_barrier barrier_3 = { .parties = 2 }; /* threads 1, 9 */
static struct spin_barrier barrier_4 = { .parties = 2 }; /* threads 1, 8 */
static struct spin_barrier barrier_5 = { .parties = 2 }; /* threads 1, 3 */
static struct spin_barrier barrier_6 = { .parties = 2 }; /* threads 1, 5 */
static struct spin_barrier barrier_7 = { .parties = 2 }; /* threads 1, 2 */
static struct spin_barrier barrier_8 = { .parties = 2 }; /* threads 1, 3 */
static struct spin_barrier barrier_9 = { .parties = 2 }; /* threads 1, 7 */
static struct spin_barrier barrier_10 = { .parties = 2 }; /* threads 1, 7 */
static struct spin_barrier barrier_11 = { .parties = 2 }; /* threads 1, 8 */
static struct spin_barrier barrier_12 = { .parties = 2 }; /* threads 1, 9 */
static struct spin_barrier barrier_13 = { .parties = 2 }; /* threads 1, 2 */
static struct spin_barrier barrier_14 = { .parties = 2 }; /* threads 1, 3 */
static struct spin_barrier barrier_15 = { .parties = 2 }; /* threads 1, 4 */
static struct spin_barrier barrier_16 = { .parties = 2 }; /* threads 1, 5 */
static struct spin_barrier barrier_17 = { .parties = 2 }; /* threads 1, 6 */
static struct spin_barrier barrier_18 = { .parties = 2 }; /* threads 1, 7 */
static struct spin_barrier barrier_19 = { .parties = 2 }; /* threads 1, 8 */
static struct spin_barrier barrier_20 = { .parties = 2 }; /* threads 1, 9 */

/* The calls, named by thread and op index, and what each one got. */
enum op_id { T1_OP1, T1_OP2, T1_OP3, T1_OP16, T1_OP25, T1_OP26, T1_OP27, T1_OP28, T1_OP29, T1_OP30, T1_OP31, T1_OP32, T1_OP33, T1_OP34, T1_OP35, T1_OP36, T1_OP37, T1_OP38, T1_OP39, T2_OP1, T2_OP2, T2_OP3, T2_OP4, T2_OP5, T2_OP6, T2_OP7, T2_OP8, T2_OP9, T2_OP10, T2_OP11, T2_OP12, T2_OP14, T2_OP16, T2_OP17, T2_OP18, T3_OP1, T3_OP2, T3_OP3, T3_OP4, T3_OP5, T3_OP6, T3_OP7, T3_OP9, T3_OP11, T3_OP13, T3_OP14, T3_OP15, T3_OP16, T3_OP17, T4_OP1, T4_OP2, T4_OP3, T4_OP4, T4_OP5, T4_OP6, T4_OP7, T4_OP8, T4_OP9, T4_OP10, T4_OP11, T4_OP12, T4_OP13, T5_OP1, T5_OP2, T5_OP3, T5_OP4, T5_OP5, T5_OP6, T5_OP7, T5_OP8, T5_OP9, T5_OP11, T5_OP13, T5_OP14, T5_OP15, T5_OP16, T5_OP17, T5_OP18, T5_OP19, T5_OP20, T5_OP21, T5_OP22, T5_OP23, T5_OP24, T5_OP25, T5_OP26, T5_OP27, T5_OP28, T5_OP29, T5_OP30, T5_OP31, T6_OP1, T6_OP2, T6_OP3, T6_OP4, T6_OP5, T6_OP6, T6_OP7, T6_OP8, T6_OP9, T6_OP10, T6_OP11, T6_OP12, T6_OP13, T6_OP14, T6_OP15, T6_OP16, T7_OP1, T7_OP2, T7_OP3, T7_OP4, T7_OP5, T7_OP6, T7_OP7, T7_OP8, T7_OP10, T7_OP12, T7_OP14, T7_OP15, T7_OP16, T7_OP17, T7_OP18, T7_OP19, T7_OP20, T7_OP21, T7_OP22, T7_OP23, T7_OP24, T7_OP25, T7_OP26, T7_OP27, T7_OP28, T7_OP29, T7_OP30, T7_OP31, T8_OP1, T8_OP2, T8_OP3, T8_OP4, T8_OP5, T8_OP6, T8_OP8, T8_OP10, T8_OP12, T8_OP13, T8_OP14, T8_OP15, T8_OP16, T8_OP17, T8_OP18, T8_OP19, T8_OP20, T8_OP21, T8_OP22, T8_OP23, T8_OP24, T8_OP25, T8_OP26, T8_OP27, T8_OP28, T8_OP29, T8_OP30, T8_OP31, T8_OP32, T8_OP33, T8_OP34, T9_OP1, T9_OP2, T9_OP3, T9_OP4, T9_OP5, T9_OP6, T9_OP7, T9_OP8, T9_OP9, T9_OP10, T9_OP11, T9_OP12, T9_OP13, T9_OP14, T9_OP15, T9_OP17, T9_OP19, T9_OP21, T9_OP22, OP_COUNT };

static struct op_stats stats[OP_COUNT] = {
    [T1_OP1] = {
        .name = "t1.op1",
        .what = "open out relative to the current directory (O_RDONLY|O_DIRECTORY|O_CLOEXEC), held as handle_1",
        .judgement = NEVER_UNEXPECTED,
    },
    [T1_OP2] = {
        .name = "t1.op2",
        .what = "open inc/x relative to the current directory (O_RDONLY|O_CLOEXEC), held as handle_2",
        .judgement = NEVER_UNEXPECTED,
    },
    [T1_OP3] = {
        .name = "t1.op3",
        .what = "remove directory new1 relative to d0",
        .judgement = NEVER_UNEXPECTED,
    },
    [T1_OP16] = {
        .name = "t1.op16",
        .what = "open new2 relative to the current directory (O_RDWR|O_CREAT|O_CLOEXEC)",
        .judgement = UNEXPECTED_IF_EINVAL,
    },
    [T1_OP25] = {
        .name = "t1.op25",
        .what = "open out/new1 relative to the current directory (O_RDWR|O_CREAT|O_TRUNC|O_CLOEXEC)",
        .judgement = NEVER_UNEXPECTED,
    },
    [T1_OP26] = {
        .name = "t1.op26",
        .what = "open out relative to the current directory (O_RDONLY|O_DIRECTORY|O_CLOEXEC)",
        .judgement = NEVER_UNEXPECTED,
    },
    [T1_OP27] = {
        .name = "t1.op27",
        .what = "open . relative to handle_1 (O_RDONLY|O_DIRECTORY|O_CLOEXEC), held as handle_3",
        .judgement = NEVER_UNEXPECTED,
    },
    [T1_OP28] = {
        .name = "t1.op28",
        .what = "open out relative to the current directory (O_RDONLY|O_DIRECTORY|O_CLOEXEC)",
        .judgement = NEVER_UNEXPECTED,
    },
    [T1_OP29] = {
        .name = "t1.op29",
        .what = "open new1 relative to the current directory (O_RDWR|O_CREAT|O_TRUNC|O_CLOEXEC)",
        .judgement = NEVER_UNEXPECTED,
    },
    [T1_OP30] = {
        .name = "t1.op30",
        .what = "stat out relative to the current directory",
        .judgement = NEVER_UNEXPECTED,
    },
    [T1_OP31] = {
        .name = "t1.op31",
        .what = "open ../new1 relative to d0 (O_RDWR|O_CREAT|O_CLOEXEC)",
        .judgement = NEVER_UNEXPECTED,
    },
    [T1_OP32] = {
        .name = "t1.op32",
        .what = "spin 11124 ns, then open out/new1 relative to the current directory (O_RDWR|O_CREAT|O_CLOEXEC)",
        .judgement = NEVER_UNEXPECTED,
    },
    [T1_OP33] = {
        .name = "t1.op33",
        .what = "stat out relative to the current directory",
        .judgement = NEVER_UNEXPECTED,
    },
    [T1_OP34] = {
        .name = "t1.op34",
        .what = "rename out/new1 to new2, both relative to the current directory",
        .judgement = NEVER_UNEXPECTED,
    },
    [T1_OP35] = {
        .name = "t1.op35",
        .what = "spin 8629 ns, then open inc/x relative to the current directory (O_RDONLY|O_CLOEXEC), held as handle_4",
        .judgement = NEVER_UNEXPECTED,
    },
    [T1_OP36] = {
        .name = "t1.op36",
        .what = "open b relative to the current directory (O_RDONLY|O_DIRECTORY|O_CLOEXEC)",
        .judgement = NEVER_UNEXPECTED,
    },
    [T1_OP37] = {
        .name = "t1.op37",
        .what = "open out relative to the current directory (O_RDONLY|O_DIRECTORY|O_CLOEXEC), held as handle_5",
        .judgement = NEVER_UNEXPECTED,
    },
    [T1_OP38] = {
        .name = "t1.op38",
        .what = "rename out//new1 to out/new2, both relative to the current directory",
        .judgement = NEVER_UNEXPECTED,
    },
    [T1_OP39] = {
        .name = "t1.op39",
        .what = "open ./../new2 relative to handle_5 (O_RDWR|O_CREAT|O_TRUNC|O_CLOEXEC)",
        .judgement = NEVER_UNEXPECTED,
    },
    [T2_OP1] = {
        .name = "t2.op1",
        .what = "rename <sandbox>/new0 to ../new2 relative to d0",
        .judgement = NEVER_UNEXPECTED,
    },
    [T2_OP2] = {
        .name = "t2.op2",
        .what = "stat out relative to the current directory",
        .judgement = NEVER_UNEXPECTED,
    },
    [T2_OP3] = {
        .name = "t2.op3",
        .what = "rename ../new1 to new2, both relative to d0",
        .judgement = NEVER_UNEXPECTED,
    },
    [T2_OP4] = {
        .name = "t2.op4",
        .what = "make directory new0 relative to the current directory",
        .judgement = NEVER_UNEXPECTED,
    },
    [T2_OP5] = {
        .name = "t2.op5",
        .what = "stat <sandbox>/./out",
        .judgement = NEVER_UNEXPECTED,
    },
    [T2_OP6] = {
        .name = "t2.op6",
        .what = "open ./out relative to the current directory (O_RDONLY|O_DIRECTORY|O_CLOEXEC), held as handle_6",
        .judgement = NEVER_UNEXPECTED,
    },
    [T2_OP7] = {
        .name = "t2.op7",
        .what = "open ./new1 relative to handle_6 (O_RDWR|O_CREAT|O_TRUNC|O_CLOEXEC)",
        .judgement = NEVER_UNEXPECTED,
    },
    [T2_OP8] = {
        .name = "t2.op8",
        .what = "spin 4366 ns, then open x relative to the current directory (O_RDONLY|O_CLOEXEC)",
        .judgement = NEVER_UNEXPECTED,
    },
    [T2_OP9] = {
        .name = "t2.op9",
        .what = "open <sandbox>/out (O_RDONLY|O_DIRECTORY|O_CLOEXEC), held as handle_7",
        .judgement = NEVER_UNEXPECTED,
    },
    [T2_OP10] = {
        .name = "t2.op10",
        .what = "open <sandbox>/out/new2 (O_RDWR|O_CREAT|O_CLOEXEC)",
        .judgement = NEVER_UNEXPECTED,
    },
    [T2_OP11] = {
        .name = "t2.op11",
        .what = "open inc relative to the current directory (O_RDONLY|O_DIRECTORY|O_CLOEXEC), held as handle_8",
        .judgement = NEVER_UNEXPECTED,
    },
    [T2_OP12] = {
        .name = "t2.op12",
        .what = "make directory new2 relative to the current directory",
        .judgement = NEVER_UNEXPECTED,
    },
    [T2_OP14] = {
        .name = "t2.op14",
        .what = "spin 18314 ns, then open <sandbox>/out (O_RDONLY|O_DIRECTORY|O_CLOEXEC), held as handle_9",
        .judgement = NEVER_UNEXPECTED,
    },
    [T2_OP16] = {
        .name = "t2.op16",
        .what = "open <sandbox>/./out (O_RDONLY|O_DIRECTORY|O_CLOEXEC), held as handle_10",
        .judgement = NEVER_UNEXPECTED,
    },
    [T2_OP17] = {
        .name = "t2.op17",
        .what = "open out relative to the current directory (O_RDONLY|O_DIRECTORY|O_CLOEXEC), held as handle_11",
        .judgement = NEVER_UNEXPECTED,
    },
    [T2_OP18] = {
        .name = "t2.op18",
        .what = "open out relative to the current directory (O_RDONLY|O_DIRECTORY|O_CLOEXEC)",
        .judgement = NEVER_UNEXPECTED,
    },
    [T3_OP1] = {
        .name = "t3.op1",
        .what = "open out relative to the current directory (O_RDONLY|O_DIRECTORY|O_CLOEXEC)",
        .judgement = NEVER_UNEXPECTED,
    },
    [T3_OP2] = {
        .name = "t3.op2",
        .what = "remove directory new2 relative to the current directory",
        .judgement = NEVER_UNEXPECTED,
    },
    [T3_OP3] = {
        .name = "t3.op3",
        .what = "remove file <sandbox>/new2",
        .judgement = NEVER_UNEXPECTED,
    },
    [T3_OP4] = {
        .name = "t3.op4",
        .what = "open out relative to the current directory (O_RDONLY|O_DIRECTORY|O_CLOEXEC), held as handle_12",
        .judgement = NEVER_UNEXPECTED,
    },
    [T3_OP5] = {
        .name = "t3.op5",
        .what = "open out relative to the current directory (O_RDONLY|O_DIRECTORY|O_CLOEXEC)",
        .judgement = NEVER_UNEXPECTED,
    },
    [T3_OP6] = {
        .name = "t3.op6",
        .what = "spin 327 ns, then open main.c relative to the current directory (O_RDWR|O_CLOEXEC)",
        .judgement = NEVER_UNEXPECTED,
    },
    [T3_OP7] = {
        .name = "t3.op7",
        .what = "remove directory new1 relative to the current directory",
        .judgement = NEVER_UNEXPECTED,
    },
    [T3_OP9] = {
        .name = "t3.op9",
        .what = "open . relative to d0 (O_RDONLY|O_DIRECTORY|O_CLOEXEC)",
        .judgement = NEVER_UNEXPECTED,
    },
    [T3_OP11] = {
        .name = "t3.op11",
        .what = "spin 13437 ns, then open inc/x relative to the current directory (O_RDONLY|O_CLOEXEC)",
        .judgement = NEVER_UNEXPECTED,
    },
    [T3_OP13] = {
        .name = "t3.op13",
        .what = "open x relative to the current directory (O_RDONLY|O_CLOEXEC)",
        .judgement = NEVER_UNEXPECTED,
    },
    [T3_OP14] = {
        .name = "t3.op14",
        .what = "make directory out/new0 relative to the current directory",
        .judgement = NEVER_UNEXPECTED,
    },
    [T3_OP15] = {
        .name = "t3.op15",
        .what = "stat <sandbox>/out",
        .judgement = NEVER_UNEXPECTED,
    },
    [T3_OP16] = {
        .name = "t3.op16",
        .what = "open out relative to the current directory (O_RDONLY|O_DIRECTORY|O_CLOEXEC)",
        .judgement = NEVER_UNEXPECTED,
    },
    [T3_OP17] = {
        .name = "t3.op17",
        .what = "rename new1 to new1, both relative to the current directory",
        .judgement = NEVER_UNEXPECTED,
    },
    [T4_OP1] = {
        .name = "t4.op1",
        .what = "spin 11042 ns, then stat <sandbox>/out",
        .judgement = NEVER_UNEXPECTED,
    },
    [T4_OP2] = {
        .name = "t4.op2",
        .what = "open out relative to the current directory (O_RDONLY|O_DIRECTORY|O_CLOEXEC)",
        .judgement = NEVER_UNEXPECTED,
    },
    [T4_OP3] = {
        .name = "t4.op3",
        .what = "open out relative to the current directory (O_RDONLY|O_DIRECTORY|O_CLOEXEC)",
        .judgement = NEVER_UNEXPECTED,
    },
    [T4_OP4] = {
        .name = "t4.op4",
        .what = "open b relative to the current directory (O_RDONLY|O_DIRECTORY|O_CLOEXEC)",
        .judgement = NEVER_UNEXPECTED,
    },
    [T4_OP5] = {
        .name = "t4.op5",
        .what = "open <sandbox>/new2 (O_RDWR|O_CREAT|O_EXCL|O_CLOEXEC)",
        .judgement = NEVER_UNEXPECTED,
    },
    [T4_OP6] = {
        .name = "t4.op6",
        .what = "stat <sandbox>/out",
        .judgement = NEVER_UNEXPECTED,
    },
    [T4_OP7] = {
        .name = "t4.op7",
        .what = "open <sandbox>/foo.h (O_RDONLY|O_CLOEXEC)",
        .judgement = NEVER_UNEXPECTED,
    },
    [T4_OP8] = {
        .name = "t4.op8",
        .what = "stat out relative to the current directory",
        .judgement = NEVER_UNEXPECTED,
    },
    [T4_OP9] = {
        .name = "t4.op9",
        .what = "open out relative to the current directory (O_RDONLY|O_DIRECTORY|O_CLOEXEC), held as handle_13",
        .judgement = NEVER_UNEXPECTED,
    },
    [T4_OP10] = {
        .name = "t4.op10",
        .what = "open inc relative to the current directory (O_RDONLY|O_DIRECTORY|O_CLOEXEC), held as handle_14",
        .judgement = NEVER_UNEXPECTED,
    },
    [T4_OP11] = {
        .name = "t4.op11",
        .what = "spin 15641 ns, then open out relative to the current directory (O_RDONLY|O_DIRECTORY|O_CLOEXEC), held as handle_15",
        .judgement = NEVER_UNEXPECTED,
    },
    [T4_OP12] = {
        .name = "t4.op12",
        .what = "open out relative to the current directory (O_RDONLY|O_DIRECTORY|O_CLOEXEC), held as handle_16",
        .judgement = NEVER_UNEXPECTED,
    },
    [T4_OP13] = {
        .name = "t4.op13",
        .what = "spin 10432 ns, then open . relative to handle_16 (O_RDONLY|O_DIRECTORY|O_CLOEXEC), held as handle_17",
        .judgement = NEVER_UNEXPECTED,
    },
    [T5_OP1] = {
        .name = "t5.op1",
        .what = "open . relative to d0 (O_RDONLY|O_DIRECTORY|O_CLOEXEC)",
        .judgement = NEVER_UNEXPECTED,
    },
    [T5_OP2] = {
        .name = "t5.op2",
        .what = "spin 8465 ns, then open out relative to the current directory (O_RDONLY|O_DIRECTORY|O_CLOEXEC)",
        .judgement = NEVER_UNEXPECTED,
    },
    [T5_OP3] = {
        .name = "t5.op3",
        .what = "make directory <sandbox>/out//new2",
        .judgement = NEVER_UNEXPECTED,
    },
    [T5_OP4] = {
        .name = "t5.op4",
        .what = "open out relative to the current directory (O_RDONLY|O_DIRECTORY|O_CLOEXEC)",
        .judgement = NEVER_UNEXPECTED,
    },
    [T5_OP5] = {
        .name = "t5.op5",
        .what = "open out relative to the current directory (O_RDONLY|O_DIRECTORY|O_CLOEXEC), held as handle_18",
        .judgement = NEVER_UNEXPECTED,
    },
    [T5_OP6] = {
        .name = "t5.op6",
        .what = "stat out relative to the current directory",
        .judgement = NEVER_UNEXPECTED,
    },
    [T5_OP7] = {
        .name = "t5.op7",
        .what = "spin 485 ns, then open <sandbox>/out (O_RDONLY|O_DIRECTORY|O_CLOEXEC)",
        .judgement = NEVER_UNEXPECTED,
    },
    [T5_OP8] = {
        .name = "t5.op8",
        .what = "open . relative to handle_18 (O_RDONLY|O_DIRECTORY|O_CLOEXEC), held as handle_19",
        .judgement = NEVER_UNEXPECTED,
    },
    [T5_OP9] = {
        .name = "t5.op9",
        .what = "make directory new1 relative to d0",
        .judgement = NEVER_UNEXPECTED,
    },
    [T5_OP11] = {
        .name = "t5.op11",
        .what = "open out relative to the current directory (O_RDONLY|O_DIRECTORY|O_CLOEXEC)",
        .judgement = NEVER_UNEXPECTED,
    },
    [T5_OP13] = {
        .name = "t5.op13",
        .what = "rename <sandbox>/new0 to <sandbox>/out/new0",
        .judgement = NEVER_UNEXPECTED,
    },
    [T5_OP14] = {
        .name = "t5.op14",
        .what = "remove directory out/../out/new2 relative to the current directory",
        .judgement = NEVER_UNEXPECTED,
    },
    [T5_OP15] = {
        .name = "t5.op15",
        .what = "open . relative to handle_18 (O_RDONLY|O_DIRECTORY|O_CLOEXEC), held as handle_20",
        .judgement = NEVER_UNEXPECTED,
    },
    [T5_OP16] = {
        .name = "t5.op16",
        .what = "open <sandbox>/out (O_RDONLY|O_DIRECTORY|O_CLOEXEC), held as handle_21",
        .judgement = NEVER_UNEXPECTED,
    },
    [T5_OP17] = {
        .name = "t5.op17",
        .what = "open new1 relative to the current directory (O_RDWR|O_CREAT|O_TRUNC|O_CLOEXEC)",
        .judgement = NEVER_UNEXPECTED,
    },
    [T5_OP18] = {
        .name = "t5.op18",
        .what = "open out relative to the current directory (O_RDONLY|O_DIRECTORY|O_CLOEXEC), held as handle_22",
        .judgement = NEVER_UNEXPECTED,
    },
    [T5_OP19] = {
        .name = "t5.op19",
        .what = "open . relative to handle_22 (O_RDONLY|O_DIRECTORY|O_CLOEXEC), held as handle_23",
        .judgement = NEVER_UNEXPECTED,
    },
    [T5_OP20] = {
        .name = "t5.op20",
        .what = "rename new1 to out/new2, both relative to the current directory",
        .judgement = NEVER_UNEXPECTED,
    },
    [T5_OP21] = {
        .name = "t5.op21",
        .what = "rename new0 relative to the current directory to new1 relative to handle_18",
        .judgement = NEVER_UNEXPECTED,
    },
    [T5_OP22] = {
        .name = "t5.op22",
        .what = "open out relative to the current directory (O_RDONLY|O_DIRECTORY|O_CLOEXEC), held as handle_24",
        .judgement = NEVER_UNEXPECTED,
    },
    [T5_OP23] = {
        .name = "t5.op23",
        .what = "remove file <sandbox>/new0",
        .judgement = NEVER_UNEXPECTED,
    },
    [T5_OP24] = {
        .name = "t5.op24",
        .what = "open . relative to handle_21 (O_RDONLY|O_DIRECTORY|O_CLOEXEC)",
        .judgement = NEVER_UNEXPECTED,
    },
    [T5_OP25] = {
        .name = "t5.op25",
        .what = "spin 7670 ns, then open main.c relative to the current directory (O_RDONLY|O_CLOEXEC), held as handle_25",
        .judgement = NEVER_UNEXPECTED,
    },
    [T5_OP26] = {
        .name = "t5.op26",
        .what = "open ../main.c relative to handle_23 (O_RDONLY|O_CLOEXEC), held as handle_26",
        .judgement = NEVER_UNEXPECTED,
    },
    [T5_OP27] = {
        .name = "t5.op27",
        .what = "open foo.h relative to the current directory (O_RDONLY|O_CLOEXEC), held as handle_27",
        .judgement = NEVER_UNEXPECTED,
    },
    [T5_OP28] = {
        .name = "t5.op28",
        .what = "spin 3419 ns, then open foo.h relative to the current directory (O_RDONLY|O_CLOEXEC)",
        .judgement = NEVER_UNEXPECTED,
    },
    [T5_OP29] = {
        .name = "t5.op29",
        .what = "stat out relative to the current directory",
        .judgement = NEVER_UNEXPECTED,
    },
    [T5_OP30] = {
        .name = "t5.op30",
        .what = "make directory out/new0 relative to the current directory",
        .judgement = NEVER_UNEXPECTED,
    },
    [T5_OP31] = {
        .name = "t5.op31",
        .what = "open out relative to the current directory (O_RDONLY|O_DIRECTORY|O_CLOEXEC), held as handle_28",
        .judgement = NEVER_UNEXPECTED,
    },
    [T6_OP1] = {
        .name = "t6.op1",
        .what = "open new0 relative to the current directory (O_RDWR|O_CREAT|O_TRUNC|O_CLOEXEC)",
        .judgement = NEVER_UNEXPECTED,
    },
    [T6_OP2] = {
        .name = "t6.op2",
        .what = "open out relative to the current directory (O_RDONLY|O_DIRECTORY|O_CLOEXEC)",
        .judgement = NEVER_UNEXPECTED,
    },
    [T6_OP3] = {
        .name = "t6.op3",
        .what = "open ./out relative to the current directory (O_RDONLY|O_DIRECTORY|O_CLOEXEC), held as handle_29",
        .judgement = NEVER_UNEXPECTED,
    },
    [T6_OP4] = {
        .name = "t6.op4",
        .what = "remove directory out/new0 relative to the current directory",
        .judgement = NEVER_UNEXPECTED,
    },
    [T6_OP5] = {
        .name = "t6.op5",
        .what = "open <sandbox>/out (O_RDONLY|O_DIRECTORY|O_CLOEXEC), held as handle_30",
        .judgement = NEVER_UNEXPECTED,
    },
    [T6_OP6] = {
        .name = "t6.op6",
        .what = "open out relative to the current directory (O_RDONLY|O_DIRECTORY|O_CLOEXEC), held as handle_31",
        .judgement = NEVER_UNEXPECTED,
    },
    [T6_OP7] = {
        .name = "t6.op7",
        .what = "make directory new0 relative to the current directory",
        .judgement = NEVER_UNEXPECTED,
    },
    [T6_OP8] = {
        .name = "t6.op8",
        .what = "open . relative to d0 (O_RDONLY|O_DIRECTORY|O_CLOEXEC)",
        .judgement = NEVER_UNEXPECTED,
    },
    [T6_OP9] = {
        .name = "t6.op9",
        .what = "open . relative to handle_30 (O_RDONLY|O_DIRECTORY|O_CLOEXEC)",
        .judgement = NEVER_UNEXPECTED,
    },
    [T6_OP10] = {
        .name = "t6.op10",
        .what = "open <sandbox>/./out (O_RDONLY|O_DIRECTORY|O_CLOEXEC), held as handle_32",
        .judgement = NEVER_UNEXPECTED,
    },
    [T6_OP11] = {
        .name = "t6.op11",
        .what = "spin 2078 ns, then open <sandbox>/out (O_RDONLY|O_DIRECTORY|O_CLOEXEC), held as handle_33",
        .judgement = NEVER_UNEXPECTED,
    },
    [T6_OP12] = {
        .name = "t6.op12",
        .what = "make directory out/new2 relative to the current directory",
        .judgement = NEVER_UNEXPECTED,
    },
    [T6_OP13] = {
        .name = "t6.op13",
        .what = "stat <sandbox>/out",
        .judgement = NEVER_UNEXPECTED,
    },
    [T6_OP14] = {
        .name = "t6.op14",
        .what = "spin 1759 ns, then make directory new1 relative to the current directory",
        .judgement = NEVER_UNEXPECTED,
    },
    [T6_OP15] = {
        .name = "t6.op15",
        .what = "open out/new0 relative to the current directory (O_RDWR|O_CREAT|O_CLOEXEC)",
        .judgement = NEVER_UNEXPECTED,
    },
    [T6_OP16] = {
        .name = "t6.op16",
        .what = "stat <sandbox>/inc/x",
        .judgement = NEVER_UNEXPECTED,
    },
    [T7_OP1] = {
        .name = "t7.op1",
        .what = "open out relative to the current directory (O_RDONLY|O_DIRECTORY|O_CLOEXEC)",
        .judgement = NEVER_UNEXPECTED,
    },
    [T7_OP2] = {
        .name = "t7.op2",
        .what = "make directory new0 relative to the current directory",
        .judgement = NEVER_UNEXPECTED,
    },
    [T7_OP3] = {
        .name = "t7.op3",
        .what = "open out relative to the current directory (O_RDONLY|O_DIRECTORY|O_CLOEXEC), held as handle_34",
        .judgement = NEVER_UNEXPECTED,
    },
    [T7_OP4] = {
        .name = "t7.op4",
        .what = "open b relative to the current directory (O_RDONLY|O_DIRECTORY|O_CLOEXEC)",
        .judgement = NEVER_UNEXPECTED,
    },
    [T7_OP5] = {
        .name = "t7.op5",
        .what = "open out relative to the current directory (O_RDONLY|O_DIRECTORY|O_CLOEXEC)",
        .judgement = NEVER_UNEXPECTED,
    },
    [T7_OP6] = {
        .name = "t7.op6",
        .what = "open b relative to the current directory (O_RDONLY|O_DIRECTORY|O_CLOEXEC)",
        .judgement = NEVER_UNEXPECTED,
    },
    [T7_OP7] = {
        .name = "t7.op7",
        .what = "spin 8547 ns, then open <sandbox>/out (O_RDONLY|O_DIRECTORY|O_CLOEXEC), held as handle_35",
        .judgement = NEVER_UNEXPECTED,
    },
    [T7_OP8] = {
        .name = "t7.op8",
        .what = "open .//out//new1 relative to the current directory (O_RDWR|O_CREAT|O_TRUNC|O_CLOEXEC)",
        .judgement = NEVER_UNEXPECTED,
    },
    [T7_OP10] = {
        .name = "t7.op10",
        .what = "stat out relative to the current directory",
        .judgement = NEVER_UNEXPECTED,
    },
    [T7_OP12] = {
        .name = "t7.op12",
        .what = "open b relative to the current directory (O_RDONLY|O_DIRECTORY|O_CLOEXEC), held as handle_36",
        .judgement = NEVER_UNEXPECTED,
    },
    [T7_OP14] = {
        .name = "t7.op14",
        .what = "open out relative to the current directory (O_RDONLY|O_DIRECTORY|O_CLOEXEC), held as handle_37",
        .judgement = NEVER_UNEXPECTED,
    },
    [T7_OP15] = {
        .name = "t7.op15",
        .what = "open <sandbox>/out (O_RDONLY|O_DIRECTORY|O_CLOEXEC), held as handle_38",
        .judgement = NEVER_UNEXPECTED,
    },
    [T7_OP16] = {
        .name = "t7.op16",
        .what = "open out relative to the current directory (O_RDONLY|O_DIRECTORY|O_CLOEXEC), held as handle_39",
        .judgement = NEVER_UNEXPECTED,
    },
    [T7_OP17] = {
        .name = "t7.op17",
        .what = "stat . relative to handle_35",
        .judgement = NEVER_UNEXPECTED,
    },
    [T7_OP18] = {
        .name = "t7.op18",
        .what = "make directory out/new1 relative to the current directory",
        .judgement = NEVER_UNEXPECTED,
    },
    [T7_OP19] = {
        .name = "t7.op19",
        .what = "spin 18869 ns, then open out relative to the current directory (O_RDONLY|O_DIRECTORY|O_CLOEXEC), held as handle_40",
        .judgement = NEVER_UNEXPECTED,
    },
    [T7_OP20] = {
        .name = "t7.op20",
        .what = "stat . relative to handle_38",
        .judgement = NEVER_UNEXPECTED,
    },
    [T7_OP21] = {
        .name = "t7.op21",
        .what = "open out relative to the current directory (O_RDONLY|O_DIRECTORY|O_CLOEXEC)",
        .judgement = NEVER_UNEXPECTED,
    },
    [T7_OP22] = {
        .name = "t7.op22",
        .what = "open <sandbox>/b (O_RDONLY|O_DIRECTORY|O_CLOEXEC)",
        .judgement = NEVER_UNEXPECTED,
    },
    [T7_OP23] = {
        .name = "t7.op23",
        .what = "spin 18031 ns, then open ./out relative to the current directory (O_RDONLY|O_DIRECTORY|O_CLOEXEC)",
        .judgement = NEVER_UNEXPECTED,
    },
    [T7_OP24] = {
        .name = "t7.op24",
        .what = "stat . relative to handle_40",
        .judgement = NEVER_UNEXPECTED,
    },
    [T7_OP25] = {
        .name = "t7.op25",
        .what = "open ../new0 relative to handle_38 (O_RDWR|O_CREAT|O_TRUNC|O_CLOEXEC)",
        .judgement = NEVER_UNEXPECTED,
    },
    [T7_OP26] = {
        .name = "t7.op26",
        .what = "open out relative to the current directory (O_RDONLY|O_DIRECTORY|O_CLOEXEC)",
        .judgement = NEVER_UNEXPECTED,
    },
    [T7_OP27] = {
        .name = "t7.op27",
        .what = "make directory new2 relative to the current directory",
        .judgement = NEVER_UNEXPECTED,
    },
    [T7_OP28] = {
        .name = "t7.op28",
        .what = "make directory out/new1 relative to the current directory",
        .judgement = NEVER_UNEXPECTED,
    },
    [T7_OP29] = {
        .name = "t7.op29",
        .what = "open out relative to the current directory (O_RDONLY|O_DIRECTORY|O_CLOEXEC), held as handle_41",
        .judgement = NEVER_UNEXPECTED,
    },
    [T7_OP30] = {
        .name = "t7.op30",
        .what = "spin 940 ns, then open <sandbox>/out (O_RDONLY|O_DIRECTORY|O_CLOEXEC)",
        .judgement = NEVER_UNEXPECTED,
    },
    [T7_OP31] = {
        .name = "t7.op31",
        .what = "spin 4622 ns, then stat . relative to handle_40",
        .judgement = NEVER_UNEXPECTED,
    },
    [T8_OP1] = {
        .name = "t8.op1",
        .what = "stat out relative to the current directory",
        .judgement = NEVER_UNEXPECTED,
    },
    [T8_OP2] = {
        .name = "t8.op2",
        .what = "open <sandbox>/foo.h (O_RDONLY|O_CLOEXEC), held as handle_42",
        .judgement = NEVER_UNEXPECTED,
    },
    [T8_OP3] = {
        .name = "t8.op3",
        .what = "open . relative to d0 (O_RDONLY|O_DIRECTORY|O_CLOEXEC)",
        .judgement = NEVER_UNEXPECTED,
    },
    [T8_OP4] = {
        .name = "t8.op4",
        .what = "open out relative to the current directory (O_RDONLY|O_DIRECTORY|O_CLOEXEC), held as handle_43",
        .judgement = NEVER_UNEXPECTED,
    },
    [T8_OP5] = {
        .name = "t8.op5",
        .what = "spin 14718 ns, then open out relative to the current directory (O_RDONLY|O_DIRECTORY|O_CLOEXEC)",
        .judgement = NEVER_UNEXPECTED,
    },
    [T8_OP6] = {
        .name = "t8.op6",
        .what = "open out relative to the current directory (O_RDONLY|O_DIRECTORY|O_CLOEXEC), held as handle_44",
        .judgement = NEVER_UNEXPECTED,
    },
    [T8_OP8] = {
        .name = "t8.op8",
        .what = "open out relative to the current directory (O_RDONLY|O_DIRECTORY|O_CLOEXEC), held as handle_45",
        .judgement = NEVER_UNEXPECTED,
    },
    [T8_OP10] = {
        .name = "t8.op10",
        .what = "open out/new0 relative to the current directory (O_RDWR|O_CREAT|O_TRUNC|O_CLOEXEC)",
        .judgement = NEVER_UNEXPECTED,
    },
    [T8_OP12] = {
        .name = "t8.op12",
        .what = "make directory new0 relative to handle_45",
        .judgement = NEVER_UNEXPECTED,
    },
    [T8_OP13] = {
        .name = "t8.op13",
        .what = "open out relative to the current directory (O_RDONLY|O_DIRECTORY|O_CLOEXEC)",
        .judgement = NEVER_UNEXPECTED,
    },
    [T8_OP14] = {
        .name = "t8.op14",
        .what = "make directory <sandbox>/out/new0",
        .judgement = NEVER_UNEXPECTED,
    },
    [T8_OP15] = {
        .name = "t8.op15",
        .what = "spin 7851 ns, then open out relative to the current directory (O_RDONLY|O_DIRECTORY|O_CLOEXEC)",
        .judgement = NEVER_UNEXPECTED,
    },
    [T8_OP16] = {
        .name = "t8.op16",
        .what = "stat ../x relative to handle_43",
        .judgement = NEVER_UNEXPECTED,
    },
    [T8_OP17] = {
        .name = "t8.op17",
        .what = "stat . relative to d0",
        .judgement = NEVER_UNEXPECTED,
    },
    [T8_OP18] = {
        .name = "t8.op18",
        .what = "open . relative to handle_43 (O_RDONLY|O_DIRECTORY|O_CLOEXEC), held as handle_46",
        .judgement = NEVER_UNEXPECTED,
    },
    [T8_OP19] = {
        .name = "t8.op19",
        .what = "open foo.h relative to the current directory (O_RDWR|O_CLOEXEC)",
        .judgement = NEVER_UNEXPECTED,
    },
    [T8_OP20] = {
        .name = "t8.op20",
        .what = "spin 9264 ns, then open out relative to the current directory (O_RDONLY|O_DIRECTORY|O_CLOEXEC), held as handle_47",
        .judgement = NEVER_UNEXPECTED,
    },
    [T8_OP21] = {
        .name = "t8.op21",
        .what = "rename out/new0 to new2, both relative to the current directory",
        .judgement = NEVER_UNEXPECTED,
    },
    [T8_OP22] = {
        .name = "t8.op22",
        .what = "stat . relative to handle_43",
        .judgement = NEVER_UNEXPECTED,
    },
    [T8_OP23] = {
        .name = "t8.op23",
        .what = "open new1 relative to handle_44 (O_RDWR|O_CREAT|O_TRUNC|O_CLOEXEC)",
        .judgement = NEVER_UNEXPECTED,
    },
    [T8_OP24] = {
        .name = "t8.op24",
        .what = "open . relative to d0 (O_RDONLY|O_DIRECTORY|O_CLOEXEC), held as handle_48",
        .judgement = NEVER_UNEXPECTED,
    },
    [T8_OP25] = {
        .name = "t8.op25",
        .what = "open out relative to the current directory (O_RDONLY|O_DIRECTORY|O_CLOEXEC), held as handle_49",
        .judgement = NEVER_UNEXPECTED,
    },
    [T8_OP26] = {
        .name = "t8.op26",
        .what = "open <sandbox>/inc//x (O_RDWR|O_CLOEXEC)",
        .judgement = NEVER_UNEXPECTED,
    },
    [T8_OP27] = {
        .name = "t8.op27",
        .what = "open <sandbox>/out (O_RDONLY|O_DIRECTORY|O_CLOEXEC)",
        .judgement = NEVER_UNEXPECTED,
    },
    [T8_OP28] = {
        .name = "t8.op28",
        .what = "open out relative to the current directory (O_RDONLY|O_DIRECTORY|O_CLOEXEC)",
        .judgement = NEVER_UNEXPECTED,
    },
    [T8_OP29] = {
        .name = "t8.op29",
        .what = "spin 1993 ns, then open <sandbox>/out (O_RDONLY|O_DIRECTORY|O_CLOEXEC)",
        .judgement = NEVER_UNEXPECTED,
    },
    [T8_OP30] = {
        .name = "t8.op30",
        .what = "spin 2355 ns, then make directory new2 relative to the current directory",
        .judgement = NEVER_UNEXPECTED,
    },
    [T8_OP31] = {
        .name = "t8.op31",
        .what = "open new0 relative to the current directory (O_RDWR|O_CREAT|O_TRUNC|O_CLOEXEC)",
        .judgement = NEVER_UNEXPECTED,
    },
    [T8_OP32] = {
        .name = "t8.op32",
        .what = "stat out relative to the current directory",
        .judgement = NEVER_UNEXPECTED,
    },
    [T8_OP33] = {
        .name = "t8.op33",
        .what = "stat out relative to the current directory",
        .judgement = NEVER_UNEXPECTED,
    },
    [T8_OP34] = {
        .name = "t8.op34",
        .what = "open out relative to the current directory (O_RDONLY|O_DIRECTORY|O_CLOEXEC)",
        .judgement = NEVER_UNEXPECTED,
    },
    [T9_OP1] = {
        .name = "t9.op1",
        .what = "open out relative to the current directory (O_RDONLY|O_DIRECTORY|O_CLOEXEC), held as handle_50",
        .judgement = NEVER_UNEXPECTED,
    },
    [T9_OP2] = {
        .name = "t9.op2",
        .what = "rename out//new2 to out/new0, both relative to the current directory",
        .judgement = NEVER_UNEXPECTED,
    },
    [T9_OP3] = {
        .name = "t9.op3",
        .what = "remove file new1 relative to the current directory",
        .judgement = NEVER_UNEXPECTED,
    },
    [T9_OP4] = {
        .name = "t9.op4",
        .what = "open . relative to d0 (O_RDONLY|O_DIRECTORY|O_CLOEXEC)",
        .judgement = NEVER_UNEXPECTED,
    },
    [T9_OP5] = {
        .name = "t9.op5",
        .what = "spin 5672 ns, then open <sandbox>/out (O_RDONLY|O_DIRECTORY|O_CLOEXEC)",
        .judgement = NEVER_UNEXPECTED,
    },
    [T9_OP6] = {
        .name = "t9.op6",
        .what = "open ../b/new2 relative to d0 (O_RDWR|O_CREAT|O_TRUNC|O_CLOEXEC)",
        .judgement = NEVER_UNEXPECTED,
    },
    [T9_OP7] = {
        .name = "t9.op7",
        .what = "stat <sandbox>/main.c",
        .judgement = NEVER_UNEXPECTED,
    },
    [T9_OP8] = {
        .name = "t9.op8",
        .what = "open . relative to d0 (O_RDONLY|O_DIRECTORY|O_CLOEXEC), held as handle_51",
        .judgement = NEVER_UNEXPECTED,
    },
    [T9_OP9] = {
        .name = "t9.op9",
        .what = "open . relative to handle_50 (O_RDONLY|O_DIRECTORY|O_CLOEXEC)",
        .judgement = NEVER_UNEXPECTED,
    },
    [T9_OP10] = {
        .name = "t9.op10",
        .what = "open <sandbox>/out (O_RDONLY|O_DIRECTORY|O_CLOEXEC), held as handle_52",
        .judgement = NEVER_UNEXPECTED,
    },
    [T9_OP11] = {
        .name = "t9.op11",
        .what = "stat <sandbox>/out",
        .judgement = NEVER_UNEXPECTED,
    },
    [T9_OP12] = {
        .name = "t9.op12",
        .what = "spin 12687 ns, then open out relative to the current directory (O_RDONLY|O_DIRECTORY|O_CLOEXEC)",
        .judgement = NEVER_UNEXPECTED,
    },
    [T9_OP13] = {
        .name = "t9.op13",
        .what = "open ./out relative to the current directory (O_RDONLY|O_DIRECTORY|O_CLOEXEC)",
        .judgement = NEVER_UNEXPECTED,
    },
    [T9_OP14] = {
        .name = "t9.op14",
        .what = "spin 971 ns, then open out//new1 relative to the current directory (O_RDWR|O_CREAT|O_CLOEXEC)",
        .judgement = NEVER_UNEXPECTED,
    },
    [T9_OP15] = {
        .name = "t9.op15",
        .what = "spin 1432 ns, then stat out relative to the current directory",
        .judgement = NEVER_UNEXPECTED,
    },
    [T9_OP17] = {
        .name = "t9.op17",
        .what = "open <sandbox>/out (O_RDONLY|O_DIRECTORY|O_CLOEXEC), held as handle_53",
        .judgement = NEVER_UNEXPECTED,
    },
    [T9_OP19] = {
        .name = "t9.op19",
        .what = "spin 5218 ns, then remove file <sandbox>/new2",
        .judgement = NEVER_UNEXPECTED,
    },
    [T9_OP21] = {
        .name = "t9.op21",
        .what = "open .//out relative to the current directory (O_RDONLY|O_DIRECTORY|O_CLOEXEC), held as handle_54",
        .judgement = NEVER_UNEXPECTED,
    },
    [T9_OP22] = {
        .name = "t9.op22",
        .what = "open out relative to the current directory (O_RDONLY|O_DIRECTORY|O_CLOEXEC), held as handle_55",
        .judgement = NEVER_UNEXPECTED,
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
static char absolute_path[12][PATH_CAP];

static int build_absolute_paths(void)
{
    static const char *const suffix[] = {
        "/new0",
        "/./out",
        "/out",
        "/out/new2",
        "/new2",
        "/foo.h",
        "/out//new2",
        "/out/new0",
        "/inc/x",
        "/b",
        "/inc//x",
        "/main.c",
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
    d0 = setup_openat(AT_FDCWD, "out", O_RDONLY|O_DIRECTORY|O_CLOEXEC);
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
    int handle_4 = -1;
    int handle_5 = -1;
    int fd;
    int rc;
    struct stat st;

    /* op 1: open out relative to the current directory (O_RDONLY|O_DIRECTORY|O_CLOEXEC), held as handle_1 */
    COUNT_CALL(T1_OP1, handle_1, openat(AT_FDCWD, "out", O_RDONLY|O_DIRECTORY|O_CLOEXEC));
    /* op 2: open inc/x relative to the current directory (O_RDONLY|O_CLOEXEC), held as handle_2 */
    COUNT_CALL(T1_OP2, handle_2, openat(AT_FDCWD, "inc/x", O_RDONLY|O_CLOEXEC));
    /* op 3: remove directory new1 relative to d0 */
    COUNT_CALL(T1_OP3, rc, unlinkat(d0, "new1", AT_REMOVEDIR));
    /* op 4: wait at barrier 1 */
    spin_barrier_wait(&barrier_1);
    /* op 5: wait at barrier 2 */
    spin_barrier_wait(&barrier_2);
    /* op 6: wait at barrier 3 */
    spin_barrier_wait(&barrier_3);
    /* op 7: wait at barrier 4 */
    spin_barrier_wait(&barrier_4);
    /* op 8: wait at barrier 5 */
    spin_barrier_wait(&barrier_5);
    /* op 9: wait at barrier 6 */
    spin_barrier_wait(&barrier_6);
    /* op 10: wait at barrier 7 */
    spin_barrier_wait(&barrier_7);
    /* op 11: wait at barrier 8 */
    spin_barrier_wait(&barrier_8);
    /* op 12: wait at barrier 9 */
    spin_barrier_wait(&barrier_9);
    /* op 13: wait at barrier 10 */
    spin_barrier_wait(&barrier_10);
    /* op 14: wait at barrier 11 */
    spin_barrier_wait(&barrier_11);
    /* op 15: wait at barrier 12 */
    spin_barrier_wait(&barrier_12);
    /* op 16: open new2 relative to the current directory (O_RDWR|O_CREAT|O_CLOEXEC) */
    COUNT_CALL(T1_OP16, fd, openat(AT_FDCWD, "new2", O_RDWR|O_CREAT|O_CLOEXEC, 0644));
    close_handle(&fd);
    /* op 17: wait at barrier 13 */
    spin_barrier_wait(&barrier_13);
    /* op 18: wait at barrier 14 */
    spin_barrier_wait(&barrier_14);
    /* op 19: wait at barrier 15 */
    spin_barrier_wait(&barrier_15);
    /* op 20: wait at barrier 16 */
    spin_barrier_wait(&barrier_16);
    /* op 21: wait at barrier 17 */
    spin_barrier_wait(&barrier_17);
    /* op 22: wait at barrier 18 */
    spin_barrier_wait(&barrier_18);
    /* op 23: wait at barrier 19 */
    spin_barrier_wait(&barrier_19);
    /* op 24: wait at barrier 20 */
    spin_barrier_wait(&barrier_20);
    /* op 25: open out/new1 relative to the current directory (O_RDWR|O_CREAT|O_TRUNC|O_CLOEXEC) */
    COUNT_CALL(T1_OP25, fd, openat(AT_FDCWD, "out/new1", O_RDWR|O_CREAT|O_TRUNC|O_CLOEXEC, 0644));
    close_handle(&fd);
    /* op 26: open out relative to the current directory (O_RDONLY|O_DIRECTORY|O_CLOEXEC) */
    COUNT_CALL(T1_OP26, fd, openat(AT_FDCWD, "out", O_RDONLY|O_DIRECTORY|O_CLOEXEC));
    close_handle(&fd);
    /* op 27: open . relative to handle_1 (O_RDONLY|O_DIRECTORY|O_CLOEXEC), held as handle_3 */
    COUNT_CALL(T1_OP27, handle_3, openat(handle_1, ".", O_RDONLY|O_DIRECTORY|O_CLOEXEC));
    /* op 28: open out relative to the current directory (O_RDONLY|O_DIRECTORY|O_CLOEXEC) */
    COUNT_CALL(T1_OP28, fd, openat(AT_FDCWD, "out", O_RDONLY|O_DIRECTORY|O_CLOEXEC));
    close_handle(&fd);
    /* op 29: open new1 relative to the current directory (O_RDWR|O_CREAT|O_TRUNC|O_CLOEXEC) */
    COUNT_CALL(T1_OP29, fd, openat(AT_FDCWD, "new1", O_RDWR|O_CREAT|O_TRUNC|O_CLOEXEC, 0644));
    close_handle(&fd);
    /* op 30: stat out relative to the current directory */
    COUNT_CALL(T1_OP30, rc, fstatat(AT_FDCWD, "out", &st, 0));
    /* op 31: open ../new1 relative to d0 (O_RDWR|O_CREAT|O_CLOEXEC) */
    COUNT_CALL(T1_OP31, fd, openat(d0, "../new1", O_RDWR|O_CREAT|O_CLOEXEC, 0644));
    close_handle(&fd);
    /* op 32: spin 11124 ns, then open out/new1 relative to the current directory (O_RDWR|O_CREAT|O_CLOEXEC) */
    spin_ns(11124);
    COUNT_CALL(T1_OP32, fd, openat(AT_FDCWD, "out/new1", O_RDWR|O_CREAT|O_CLOEXEC, 0644));
    close_handle(&fd);
    /* op 33: stat out relative to the current directory */
    COUNT_CALL(T1_OP33, rc, fstatat(AT_FDCWD, "out", &st, 0));
    /* op 34: rename out/new1 to new2, both relative to the current directory */
    COUNT_CALL(T1_OP34, rc, renameat(AT_FDCWD, "out/new1", AT_FDCWD, "new2"));
    /* op 35: spin 8629 ns, then open inc/x relative to the current directory (O_RDONLY|O_CLOEXEC), held as handle_4 */
    spin_ns(8629);
    COUNT_CALL(T1_OP35, handle_4, openat(AT_FDCWD, "inc/x", O_RDONLY|O_CLOEXEC));
    /* op 36: open b relative to the current directory (O_RDONLY|O_DIRECTORY|O_CLOEXEC) */
    COUNT_CALL(T1_OP36, fd, openat(AT_FDCWD, "b", O_RDONLY|O_DIRECTORY|O_CLOEXEC));
    close_handle(&fd);
    /* op 37: open out relative to the current directory (O_RDONLY|O_DIRECTORY|O_CLOEXEC), held as handle_5 */
    COUNT_CALL(T1_OP37, handle_5, openat(AT_FDCWD, "out", O_RDONLY|O_DIRECTORY|O_CLOEXEC));
    /* op 38: rename out//new1 to out/new2, both relative to the current directory */
    COUNT_CALL(T1_OP38, rc, renameat(AT_FDCWD, "out//new1", AT_FDCWD, "out/new2"));
    /* op 39: open ./../new2 relative to handle_5 (O_RDWR|O_CREAT|O_TRUNC|O_CLOEXEC) */
    COUNT_CALL(T1_OP39, fd, openat(handle_5, "./../new2", O_RDWR|O_CREAT|O_TRUNC|O_CLOEXEC, 0644));
    close_handle(&fd);
    /* op 40: close handle_5 */
    close_handle(&handle_5);
    /* op 41: close handle_4 */
    close_handle(&handle_4);
    /* op 42: close handle_3 */
    close_handle(&handle_3);
    /* op 43: close handle_2 */
    close_handle(&handle_2);
    /* op 44: close handle_1 */
    close_handle(&handle_1);
}

/* Thread 2, one round. */
static void thread_2(void)
{
    int handle_6 = -1;
    int handle_7 = -1;
    int handle_8 = -1;
    int handle_9 = -1;
    int handle_10 = -1;
    int handle_11 = -1;
    int fd;
    int rc;
    struct stat st;

    /* op 1: rename <sandbox>/new0 to ../new2 relative to d0 */
    COUNT_CALL(T2_OP1, rc, renameat(AT_FDCWD, absolute_path[0], d0, "../new2"));
    /* op 2: stat out relative to the current directory */
    COUNT_CALL(T2_OP2, rc, fstatat(AT_FDCWD, "out", &st, 0));
    /* op 3: rename ../new1 to new2, both relative to d0 */
    COUNT_CALL(T2_OP3, rc, renameat(d0, "../new1", d0, "new2"));
    /* op 4: make directory new0 relative to the current directory */
    COUNT_CALL(T2_OP4, rc, mkdirat(AT_FDCWD, "new0", 0755));
    /* op 5: stat <sandbox>/./out */
    COUNT_CALL(T2_OP5, rc, fstatat(AT_FDCWD, absolute_path[1], &st, 0));
    /* op 6: open ./out relative to the current directory (O_RDONLY|O_DIRECTORY|O_CLOEXEC), held as handle_6 */
    COUNT_CALL(T2_OP6, handle_6, openat(AT_FDCWD, "./out", O_RDONLY|O_DIRECTORY|O_CLOEXEC));
    /* op 7: open ./new1 relative to handle_6 (O_RDWR|O_CREAT|O_TRUNC|O_CLOEXEC) */
    COUNT_CALL(T2_OP7, fd, openat(handle_6, "./new1", O_RDWR|O_CREAT|O_TRUNC|O_CLOEXEC, 0644));
    close_handle(&fd);
    /* op 8: spin 4366 ns, then open x relative to the current directory (O_RDONLY|O_CLOEXEC) */
    spin_ns(4366);
    COUNT_CALL(T2_OP8, fd, openat(AT_FDCWD, "x", O_RDONLY|O_CLOEXEC));
    close_handle(&fd);
    /* op 9: open <sandbox>/out (O_RDONLY|O_DIRECTORY|O_CLOEXEC), held as handle_7 */
    COUNT_CALL(T2_OP9, handle_7, openat(AT_FDCWD, absolute_path[2], O_RDONLY|O_DIRECTORY|O_CLOEXEC));
    /* op 10: open <sandbox>/out/new2 (O_RDWR|O_CREAT|O_CLOEXEC) */
    COUNT_CALL(T2_OP10, fd, openat(AT_FDCWD, absolute_path[3], O_RDWR|O_CREAT|O_CLOEXEC, 0644));
    close_handle(&fd);
    /* op 11: open inc relative to the current directory (O_RDONLY|O_DIRECTORY|O_CLOEXEC), held as handle_8 */
    COUNT_CALL(T2_OP11, handle_8, openat(AT_FDCWD, "inc", O_RDONLY|O_DIRECTORY|O_CLOEXEC));
    /* op 12: make directory new2 relative to the current directory */
    COUNT_CALL(T2_OP12, rc, mkdirat(AT_FDCWD, "new2", 0755));
    /* op 13: wait at barrier 7 */
    spin_barrier_wait(&barrier_7);
    /* op 14: spin 18314 ns, then open <sandbox>/out (O_RDONLY|O_DIRECTORY|O_CLOEXEC), held as handle_9 */
    spin_ns(18314);
    COUNT_CALL(T2_OP14, handle_9, openat(AT_FDCWD, absolute_path[2], O_RDONLY|O_DIRECTORY|O_CLOEXEC));
    /* op 15: wait at barrier 13 */
    spin_barrier_wait(&barrier_13);
    /* op 16: open <sandbox>/./out (O_RDONLY|O_DIRECTORY|O_CLOEXEC), held as handle_10 */
    COUNT_CALL(T2_OP16, handle_10, openat(AT_FDCWD, absolute_path[1], O_RDONLY|O_DIRECTORY|O_CLOEXEC));
    /* op 17: open out relative to the current directory (O_RDONLY|O_DIRECTORY|O_CLOEXEC), held as handle_11 */
    COUNT_CALL(T2_OP17, handle_11, openat(AT_FDCWD, "out", O_RDONLY|O_DIRECTORY|O_CLOEXEC));
    /* op 18: open out relative to the current directory (O_RDONLY|O_DIRECTORY|O_CLOEXEC) */
    COUNT_CALL(T2_OP18, fd, openat(AT_FDCWD, "out", O_RDONLY|O_DIRECTORY|O_CLOEXEC));
    close_handle(&fd);
    /* op 19: close handle_11 */
    close_handle(&handle_11);
    /* op 20: close handle_10 */
    close_handle(&handle_10);
    /* op 21: close handle_9 */
    close_handle(&handle_9);
    /* op 22: close handle_8 */
    close_handle(&handle_8);
    /* op 23: close handle_7 */
    close_handle(&handle_7);
    /* op 24: close handle_6 */
    close_handle(&handle_6);
}

/* Thread 3, one round. */
static void thread_3(void)
{
    int handle_12 = -1;
    int fd;
    int rc;
    struct stat st;

    /* op 1: open out relative to the current directory (O_RDONLY|O_DIRECTORY|O_CLOEXEC) */
    COUNT_CALL(T3_OP1, fd, openat(AT_FDCWD, "out", O_RDONLY|O_DIRECTORY|O_CLOEXEC));
    close_handle(&fd);
    /* op 2: remove directory new2 relative to the current directory */
    COUNT_CALL(T3_OP2, rc, unlinkat(AT_FDCWD, "new2", AT_REMOVEDIR));
    /* op 3: remove file <sandbox>/new2 */
    COUNT_CALL(T3_OP3, rc, unlinkat(AT_FDCWD, absolute_path[4], 0));
    /* op 4: open out relative to the current directory (O_RDONLY|O_DIRECTORY|O_CLOEXEC), held as handle_12 */
    COUNT_CALL(T3_OP4, handle_12, openat(AT_FDCWD, "out", O_RDONLY|O_DIRECTORY|O_CLOEXEC));
    /* op 5: open out relative to the current directory (O_RDONLY|O_DIRECTORY|O_CLOEXEC) */
    COUNT_CALL(T3_OP5, fd, openat(AT_FDCWD, "out", O_RDONLY|O_DIRECTORY|O_CLOEXEC));
    close_handle(&fd);
    /* op 6: spin 327 ns, then open main.c relative to the current directory (O_RDWR|O_CLOEXEC) */
    spin_ns(327);
    COUNT_CALL(T3_OP6, fd, openat(AT_FDCWD, "main.c", O_RDWR|O_CLOEXEC));
    close_handle(&fd);
    /* op 7: remove directory new1 relative to the current directory */
    COUNT_CALL(T3_OP7, rc, unlinkat(AT_FDCWD, "new1", AT_REMOVEDIR));
    /* op 8: wait at barrier 5 */
    spin_barrier_wait(&barrier_5);
    /* op 9: open . relative to d0 (O_RDONLY|O_DIRECTORY|O_CLOEXEC) */
    COUNT_CALL(T3_OP9, fd, openat(d0, ".", O_RDONLY|O_DIRECTORY|O_CLOEXEC));
    close_handle(&fd);
    /* op 10: wait at barrier 8 */
    spin_barrier_wait(&barrier_8);
    /* op 11: spin 13437 ns, then open inc/x relative to the current directory (O_RDONLY|O_CLOEXEC) */
    spin_ns(13437);
    COUNT_CALL(T3_OP11, fd, openat(AT_FDCWD, "inc/x", O_RDONLY|O_CLOEXEC));
    close_handle(&fd);
    /* op 12: wait at barrier 14 */
    spin_barrier_wait(&barrier_14);
    /* op 13: open x relative to the current directory (O_RDONLY|O_CLOEXEC) */
    COUNT_CALL(T3_OP13, fd, openat(AT_FDCWD, "x", O_RDONLY|O_CLOEXEC));
    close_handle(&fd);
    /* op 14: make directory out/new0 relative to the current directory */
    COUNT_CALL(T3_OP14, rc, mkdirat(AT_FDCWD, "out/new0", 0755));
    /* op 15: stat <sandbox>/out */
    COUNT_CALL(T3_OP15, rc, fstatat(AT_FDCWD, absolute_path[2], &st, 0));
    /* op 16: open out relative to the current directory (O_RDONLY|O_DIRECTORY|O_CLOEXEC) */
    COUNT_CALL(T3_OP16, fd, openat(AT_FDCWD, "out", O_RDONLY|O_DIRECTORY|O_CLOEXEC));
    close_handle(&fd);
    /* op 17: rename new1 to new1, both relative to the current directory */
    COUNT_CALL(T3_OP17, rc, renameat(AT_FDCWD, "new1", AT_FDCWD, "new1"));
    /* op 18: close handle_12 */
    close_handle(&handle_12);
}

/* Thread 4, one round. */
static void thread_4(void)
{
    int handle_13 = -1;
    int handle_14 = -1;
    int handle_15 = -1;
    int handle_16 = -1;
    int handle_17 = -1;
    int fd;
    int rc;
    struct stat st;

    /* op 1: spin 11042 ns, then stat <sandbox>/out */
    spin_ns(11042);
    COUNT_CALL(T4_OP1, rc, fstatat(AT_FDCWD, absolute_path[2], &st, 0));
    /* op 2: open out relative to the current directory (O_RDONLY|O_DIRECTORY|O_CLOEXEC) */
    COUNT_CALL(T4_OP2, fd, openat(AT_FDCWD, "out", O_RDONLY|O_DIRECTORY|O_CLOEXEC));
    close_handle(&fd);
    /* op 3: open out relative to the current directory (O_RDONLY|O_DIRECTORY|O_CLOEXEC) */
    COUNT_CALL(T4_OP3, fd, openat(AT_FDCWD, "out", O_RDONLY|O_DIRECTORY|O_CLOEXEC));
    close_handle(&fd);
    /* op 4: open b relative to the current directory (O_RDONLY|O_DIRECTORY|O_CLOEXEC) */
    COUNT_CALL(T4_OP4, fd, openat(AT_FDCWD, "b", O_RDONLY|O_DIRECTORY|O_CLOEXEC));
    close_handle(&fd);
    /* op 5: open <sandbox>/new2 (O_RDWR|O_CREAT|O_EXCL|O_CLOEXEC) */
    COUNT_CALL(T4_OP5, fd, openat(AT_FDCWD, absolute_path[4], O_RDWR|O_CREAT|O_EXCL|O_CLOEXEC, 0644));
    close_handle(&fd);
    /* op 6: stat <sandbox>/out */
    COUNT_CALL(T4_OP6, rc, fstatat(AT_FDCWD, absolute_path[2], &st, 0));
    /* op 7: open <sandbox>/foo.h (O_RDONLY|O_CLOEXEC) */
    COUNT_CALL(T4_OP7, fd, openat(AT_FDCWD, absolute_path[5], O_RDONLY|O_CLOEXEC));
    close_handle(&fd);
    /* op 8: stat out relative to the current directory */
    COUNT_CALL(T4_OP8, rc, fstatat(AT_FDCWD, "out", &st, 0));
    /* op 9: open out relative to the current directory (O_RDONLY|O_DIRECTORY|O_CLOEXEC), held as handle_13 */
    COUNT_CALL(T4_OP9, handle_13, openat(AT_FDCWD, "out", O_RDONLY|O_DIRECTORY|O_CLOEXEC));
    /* op 10: open inc relative to the current directory (O_RDONLY|O_DIRECTORY|O_CLOEXEC), held as handle_14 */
    COUNT_CALL(T4_OP10, handle_14, openat(AT_FDCWD, "inc", O_RDONLY|O_DIRECTORY|O_CLOEXEC));
    /* op 11: spin 15641 ns, then open out relative to the current directory (O_RDONLY|O_DIRECTORY|O_CLOEXEC), held as handle_15 */
    spin_ns(15641);
    COUNT_CALL(T4_OP11, handle_15, openat(AT_FDCWD, "out", O_RDONLY|O_DIRECTORY|O_CLOEXEC));
    /* op 12: open out relative to the current directory (O_RDONLY|O_DIRECTORY|O_CLOEXEC), held as handle_16 */
    COUNT_CALL(T4_OP12, handle_16, openat(AT_FDCWD, "out", O_RDONLY|O_DIRECTORY|O_CLOEXEC));
    /* op 13: spin 10432 ns, then open . relative to handle_16 (O_RDONLY|O_DIRECTORY|O_CLOEXEC), held as handle_17 */
    spin_ns(10432);
    COUNT_CALL(T4_OP13, handle_17, openat(handle_16, ".", O_RDONLY|O_DIRECTORY|O_CLOEXEC));
    /* op 14: wait at barrier 1 */
    spin_barrier_wait(&barrier_1);
    /* op 15: wait at barrier 15 */
    spin_barrier_wait(&barrier_15);
    /* op 16: close handle_17 */
    close_handle(&handle_17);
    /* op 17: close handle_16 */
    close_handle(&handle_16);
    /* op 18: close handle_15 */
    close_handle(&handle_15);
    /* op 19: close handle_14 */
    close_handle(&handle_14);
    /* op 20: close handle_13 */
    close_handle(&handle_13);
}

/* Thread 5, one round. */
static void thread_5(void)
{
    int handle_18 = -1;
    int handle_19 = -1;
    int handle_20 = -1;
    int handle_21 = -1;
    int handle_22 = -1;
    int handle_23 = -1;
    int handle_24 = -1;
    int handle_25 = -1;
    int handle_26 = -1;
    int handle_27 = -1;
    int handle_28 = -1;
    int fd;
    int rc;
    struct stat st;

    /* op 1: open . relative to d0 (O_RDONLY|O_DIRECTORY|O_CLOEXEC) */
    COUNT_CALL(T5_OP1, fd, openat(d0, ".", O_RDONLY|O_DIRECTORY|O_CLOEXEC));
    close_handle(&fd);
    /* op 2: spin 8465 ns, then open out relative to the current directory (O_RDONLY|O_DIRECTORY|O_CLOEXEC) */
    spin_ns(8465);
    COUNT_CALL(T5_OP2, fd, openat(AT_FDCWD, "out", O_RDONLY|O_DIRECTORY|O_CLOEXEC));
    close_handle(&fd);
    /* op 3: make directory <sandbox>/out//new2 */
    COUNT_CALL(T5_OP3, rc, mkdirat(AT_FDCWD, absolute_path[6], 0755));
    /* op 4: open out relative to the current directory (O_RDONLY|O_DIRECTORY|O_CLOEXEC) */
    COUNT_CALL(T5_OP4, fd, openat(AT_FDCWD, "out", O_RDONLY|O_DIRECTORY|O_CLOEXEC));
    close_handle(&fd);
    /* op 5: open out relative to the current directory (O_RDONLY|O_DIRECTORY|O_CLOEXEC), held as handle_18 */
    COUNT_CALL(T5_OP5, handle_18, openat(AT_FDCWD, "out", O_RDONLY|O_DIRECTORY|O_CLOEXEC));
    /* op 6: stat out relative to the current directory */
    COUNT_CALL(T5_OP6, rc, fstatat(AT_FDCWD, "out", &st, 0));
    /* op 7: spin 485 ns, then open <sandbox>/out (O_RDONLY|O_DIRECTORY|O_CLOEXEC) */
    spin_ns(485);
    COUNT_CALL(T5_OP7, fd, openat(AT_FDCWD, absolute_path[2], O_RDONLY|O_DIRECTORY|O_CLOEXEC));
    close_handle(&fd);
    /* op 8: open . relative to handle_18 (O_RDONLY|O_DIRECTORY|O_CLOEXEC), held as handle_19 */
    COUNT_CALL(T5_OP8, handle_19, openat(handle_18, ".", O_RDONLY|O_DIRECTORY|O_CLOEXEC));
    /* op 9: make directory new1 relative to d0 */
    COUNT_CALL(T5_OP9, rc, mkdirat(d0, "new1", 0755));
    /* op 10: wait at barrier 6 */
    spin_barrier_wait(&barrier_6);
    /* op 11: open out relative to the current directory (O_RDONLY|O_DIRECTORY|O_CLOEXEC) */
    COUNT_CALL(T5_OP11, fd, openat(AT_FDCWD, "out", O_RDONLY|O_DIRECTORY|O_CLOEXEC));
    close_handle(&fd);
    /* op 12: wait at barrier 16 */
    spin_barrier_wait(&barrier_16);
    /* op 13: rename <sandbox>/new0 to <sandbox>/out/new0 */
    COUNT_CALL(T5_OP13, rc, renameat(AT_FDCWD, absolute_path[0], AT_FDCWD, absolute_path[7]));
    /* op 14: remove directory out/../out/new2 relative to the current directory */
    COUNT_CALL(T5_OP14, rc, unlinkat(AT_FDCWD, "out/../out/new2", AT_REMOVEDIR));
    /* op 15: open . relative to handle_18 (O_RDONLY|O_DIRECTORY|O_CLOEXEC), held as handle_20 */
    COUNT_CALL(T5_OP15, handle_20, openat(handle_18, ".", O_RDONLY|O_DIRECTORY|O_CLOEXEC));
    /* op 16: open <sandbox>/out (O_RDONLY|O_DIRECTORY|O_CLOEXEC), held as handle_21 */
    COUNT_CALL(T5_OP16, handle_21, openat(AT_FDCWD, absolute_path[2], O_RDONLY|O_DIRECTORY|O_CLOEXEC));
    /* op 17: open new1 relative to the current directory (O_RDWR|O_CREAT|O_TRUNC|O_CLOEXEC) */
    COUNT_CALL(T5_OP17, fd, openat(AT_FDCWD, "new1", O_RDWR|O_CREAT|O_TRUNC|O_CLOEXEC, 0644));
    close_handle(&fd);
    /* op 18: open out relative to the current directory (O_RDONLY|O_DIRECTORY|O_CLOEXEC), held as handle_22 */
    COUNT_CALL(T5_OP18, handle_22, openat(AT_FDCWD, "out", O_RDONLY|O_DIRECTORY|O_CLOEXEC));
    /* op 19: open . relative to handle_22 (O_RDONLY|O_DIRECTORY|O_CLOEXEC), held as handle_23 */
    COUNT_CALL(T5_OP19, handle_23, openat(handle_22, ".", O_RDONLY|O_DIRECTORY|O_CLOEXEC));
    /* op 20: rename new1 to out/new2, both relative to the current directory */
    COUNT_CALL(T5_OP20, rc, renameat(AT_FDCWD, "new1", AT_FDCWD, "out/new2"));
    /* op 21: rename new0 relative to the current directory to new1 relative to handle_18 */
    COUNT_CALL(T5_OP21, rc, renameat(AT_FDCWD, "new0", handle_18, "new1"));
    /* op 22: open out relative to the current directory (O_RDONLY|O_DIRECTORY|O_CLOEXEC), held as handle_24 */
    COUNT_CALL(T5_OP22, handle_24, openat(AT_FDCWD, "out", O_RDONLY|O_DIRECTORY|O_CLOEXEC));
    /* op 23: remove file <sandbox>/new0 */
    COUNT_CALL(T5_OP23, rc, unlinkat(AT_FDCWD, absolute_path[0], 0));
    /* op 24: open . relative to handle_21 (O_RDONLY|O_DIRECTORY|O_CLOEXEC) */
    COUNT_CALL(T5_OP24, fd, openat(handle_21, ".", O_RDONLY|O_DIRECTORY|O_CLOEXEC));
    close_handle(&fd);
    /* op 25: spin 7670 ns, then open main.c relative to the current directory (O_RDONLY|O_CLOEXEC), held as handle_25 */
    spin_ns(7670);
    COUNT_CALL(T5_OP25, handle_25, openat(AT_FDCWD, "main.c", O_RDONLY|O_CLOEXEC));
    /* op 26: open ../main.c relative to handle_23 (O_RDONLY|O_CLOEXEC), held as handle_26 */
    COUNT_CALL(T5_OP26, handle_26, openat(handle_23, "../main.c", O_RDONLY|O_CLOEXEC));
    /* op 27: open foo.h relative to the current directory (O_RDONLY|O_CLOEXEC), held as handle_27 */
    COUNT_CALL(T5_OP27, handle_27, openat(AT_FDCWD, "foo.h", O_RDONLY|O_CLOEXEC));
    /* op 28: spin 3419 ns, then open foo.h relative to the current directory (O_RDONLY|O_CLOEXEC) */
    spin_ns(3419);
    COUNT_CALL(T5_OP28, fd, openat(AT_FDCWD, "foo.h", O_RDONLY|O_CLOEXEC));
    close_handle(&fd);
    /* op 29: stat out relative to the current directory */
    COUNT_CALL(T5_OP29, rc, fstatat(AT_FDCWD, "out", &st, 0));
    /* op 30: make directory out/new0 relative to the current directory */
    COUNT_CALL(T5_OP30, rc, mkdirat(AT_FDCWD, "out/new0", 0755));
    /* op 31: open out relative to the current directory (O_RDONLY|O_DIRECTORY|O_CLOEXEC), held as handle_28 */
    COUNT_CALL(T5_OP31, handle_28, openat(AT_FDCWD, "out", O_RDONLY|O_DIRECTORY|O_CLOEXEC));
    /* op 32: close handle_28 */
    close_handle(&handle_28);
    /* op 33: close handle_27 */
    close_handle(&handle_27);
    /* op 34: close handle_26 */
    close_handle(&handle_26);
    /* op 35: close handle_25 */
    close_handle(&handle_25);
    /* op 36: close handle_24 */
    close_handle(&handle_24);
    /* op 37: close handle_23 */
    close_handle(&handle_23);
    /* op 38: close handle_22 */
    close_handle(&handle_22);
    /* op 39: close handle_21 */
    close_handle(&handle_21);
    /* op 40: close handle_20 */
    close_handle(&handle_20);
    /* op 41: close handle_19 */
    close_handle(&handle_19);
    /* op 42: close handle_18 */
    close_handle(&handle_18);
}

/* Thread 6, one round. */
static void thread_6(void)
{
    int handle_29 = -1;
    int handle_30 = -1;
    int handle_31 = -1;
    int handle_32 = -1;
    int handle_33 = -1;
    int fd;
    int rc;
    struct stat st;

    /* op 1: open new0 relative to the current directory (O_RDWR|O_CREAT|O_TRUNC|O_CLOEXEC) */
    COUNT_CALL(T6_OP1, fd, openat(AT_FDCWD, "new0", O_RDWR|O_CREAT|O_TRUNC|O_CLOEXEC, 0644));
    close_handle(&fd);
    /* op 2: open out relative to the current directory (O_RDONLY|O_DIRECTORY|O_CLOEXEC) */
    COUNT_CALL(T6_OP2, fd, openat(AT_FDCWD, "out", O_RDONLY|O_DIRECTORY|O_CLOEXEC));
    close_handle(&fd);
    /* op 3: open ./out relative to the current directory (O_RDONLY|O_DIRECTORY|O_CLOEXEC), held as handle_29 */
    COUNT_CALL(T6_OP3, handle_29, openat(AT_FDCWD, "./out", O_RDONLY|O_DIRECTORY|O_CLOEXEC));
    /* op 4: remove directory out/new0 relative to the current directory */
    COUNT_CALL(T6_OP4, rc, unlinkat(AT_FDCWD, "out/new0", AT_REMOVEDIR));
    /* op 5: open <sandbox>/out (O_RDONLY|O_DIRECTORY|O_CLOEXEC), held as handle_30 */
    COUNT_CALL(T6_OP5, handle_30, openat(AT_FDCWD, absolute_path[2], O_RDONLY|O_DIRECTORY|O_CLOEXEC));
    /* op 6: open out relative to the current directory (O_RDONLY|O_DIRECTORY|O_CLOEXEC), held as handle_31 */
    COUNT_CALL(T6_OP6, handle_31, openat(AT_FDCWD, "out", O_RDONLY|O_DIRECTORY|O_CLOEXEC));
    /* op 7: make directory new0 relative to the current directory */
    COUNT_CALL(T6_OP7, rc, mkdirat(AT_FDCWD, "new0", 0755));
    /* op 8: open . relative to d0 (O_RDONLY|O_DIRECTORY|O_CLOEXEC) */
    COUNT_CALL(T6_OP8, fd, openat(d0, ".", O_RDONLY|O_DIRECTORY|O_CLOEXEC));
    close_handle(&fd);
    /* op 9: open . relative to handle_30 (O_RDONLY|O_DIRECTORY|O_CLOEXEC) */
    COUNT_CALL(T6_OP9, fd, openat(handle_30, ".", O_RDONLY|O_DIRECTORY|O_CLOEXEC));
    close_handle(&fd);
    /* op 10: open <sandbox>/./out (O_RDONLY|O_DIRECTORY|O_CLOEXEC), held as handle_32 */
    COUNT_CALL(T6_OP10, handle_32, openat(AT_FDCWD, absolute_path[1], O_RDONLY|O_DIRECTORY|O_CLOEXEC));
    /* op 11: spin 2078 ns, then open <sandbox>/out (O_RDONLY|O_DIRECTORY|O_CLOEXEC), held as handle_33 */
    spin_ns(2078);
    COUNT_CALL(T6_OP11, handle_33, openat(AT_FDCWD, absolute_path[2], O_RDONLY|O_DIRECTORY|O_CLOEXEC));
    /* op 12: make directory out/new2 relative to the current directory */
    COUNT_CALL(T6_OP12, rc, mkdirat(AT_FDCWD, "out/new2", 0755));
    /* op 13: stat <sandbox>/out */
    COUNT_CALL(T6_OP13, rc, fstatat(AT_FDCWD, absolute_path[2], &st, 0));
    /* op 14: spin 1759 ns, then make directory new1 relative to the current directory */
    spin_ns(1759);
    COUNT_CALL(T6_OP14, rc, mkdirat(AT_FDCWD, "new1", 0755));
    /* op 15: open out/new0 relative to the current directory (O_RDWR|O_CREAT|O_CLOEXEC) */
    COUNT_CALL(T6_OP15, fd, openat(AT_FDCWD, "out/new0", O_RDWR|O_CREAT|O_CLOEXEC, 0644));
    close_handle(&fd);
    /* op 16: stat <sandbox>/inc/x */
    COUNT_CALL(T6_OP16, rc, fstatat(AT_FDCWD, absolute_path[8], &st, 0));
    /* op 17: wait at barrier 2 */
    spin_barrier_wait(&barrier_2);
    /* op 18: wait at barrier 17 */
    spin_barrier_wait(&barrier_17);
    /* op 19: close handle_33 */
    close_handle(&handle_33);
    /* op 20: close handle_32 */
    close_handle(&handle_32);
    /* op 21: close handle_31 */
    close_handle(&handle_31);
    /* op 22: close handle_30 */
    close_handle(&handle_30);
    /* op 23: close handle_29 */
    close_handle(&handle_29);
}

/* Thread 7, one round. */
static void thread_7(void)
{
    int handle_34 = -1;
    int handle_35 = -1;
    int handle_36 = -1;
    int handle_37 = -1;
    int handle_38 = -1;
    int handle_39 = -1;
    int handle_40 = -1;
    int handle_41 = -1;
    int fd;
    int rc;
    struct stat st;

    /* op 1: open out relative to the current directory (O_RDONLY|O_DIRECTORY|O_CLOEXEC) */
    COUNT_CALL(T7_OP1, fd, openat(AT_FDCWD, "out", O_RDONLY|O_DIRECTORY|O_CLOEXEC));
    close_handle(&fd);
    /* op 2: make directory new0 relative to the current directory */
    COUNT_CALL(T7_OP2, rc, mkdirat(AT_FDCWD, "new0", 0755));
    /* op 3: open out relative to the current directory (O_RDONLY|O_DIRECTORY|O_CLOEXEC), held as handle_34 */
    COUNT_CALL(T7_OP3, handle_34, openat(AT_FDCWD, "out", O_RDONLY|O_DIRECTORY|O_CLOEXEC));
    /* op 4: open b relative to the current directory (O_RDONLY|O_DIRECTORY|O_CLOEXEC) */
    COUNT_CALL(T7_OP4, fd, openat(AT_FDCWD, "b", O_RDONLY|O_DIRECTORY|O_CLOEXEC));
    close_handle(&fd);
    /* op 5: open out relative to the current directory (O_RDONLY|O_DIRECTORY|O_CLOEXEC) */
    COUNT_CALL(T7_OP5, fd, openat(AT_FDCWD, "out", O_RDONLY|O_DIRECTORY|O_CLOEXEC));
    close_handle(&fd);
    /* op 6: open b relative to the current directory (O_RDONLY|O_DIRECTORY|O_CLOEXEC) */
    COUNT_CALL(T7_OP6, fd, openat(AT_FDCWD, "b", O_RDONLY|O_DIRECTORY|O_CLOEXEC));
    close_handle(&fd);
    /* op 7: spin 8547 ns, then open <sandbox>/out (O_RDONLY|O_DIRECTORY|O_CLOEXEC), held as handle_35 */
    spin_ns(8547);
    COUNT_CALL(T7_OP7, handle_35, openat(AT_FDCWD, absolute_path[2], O_RDONLY|O_DIRECTORY|O_CLOEXEC));
    /* op 8: open .//out//new1 relative to the current directory (O_RDWR|O_CREAT|O_TRUNC|O_CLOEXEC) */
    COUNT_CALL(T7_OP8, fd, openat(AT_FDCWD, ".//out//new1", O_RDWR|O_CREAT|O_TRUNC|O_CLOEXEC, 0644));
    close_handle(&fd);
    /* op 9: wait at barrier 9 */
    spin_barrier_wait(&barrier_9);
    /* op 10: stat out relative to the current directory */
    COUNT_CALL(T7_OP10, rc, fstatat(AT_FDCWD, "out", &st, 0));
    /* op 11: wait at barrier 10 */
    spin_barrier_wait(&barrier_10);
    /* op 12: open b relative to the current directory (O_RDONLY|O_DIRECTORY|O_CLOEXEC), held as handle_36 */
    COUNT_CALL(T7_OP12, handle_36, openat(AT_FDCWD, "b", O_RDONLY|O_DIRECTORY|O_CLOEXEC));
    /* op 13: wait at barrier 18 */
    spin_barrier_wait(&barrier_18);
    /* op 14: open out relative to the current directory (O_RDONLY|O_DIRECTORY|O_CLOEXEC), held as handle_37 */
    COUNT_CALL(T7_OP14, handle_37, openat(AT_FDCWD, "out", O_RDONLY|O_DIRECTORY|O_CLOEXEC));
    /* op 15: open <sandbox>/out (O_RDONLY|O_DIRECTORY|O_CLOEXEC), held as handle_38 */
    COUNT_CALL(T7_OP15, handle_38, openat(AT_FDCWD, absolute_path[2], O_RDONLY|O_DIRECTORY|O_CLOEXEC));
    /* op 16: open out relative to the current directory (O_RDONLY|O_DIRECTORY|O_CLOEXEC), held as handle_39 */
    COUNT_CALL(T7_OP16, handle_39, openat(AT_FDCWD, "out", O_RDONLY|O_DIRECTORY|O_CLOEXEC));
    /* op 17: stat . relative to handle_35 */
    COUNT_CALL(T7_OP17, rc, fstatat(handle_35, ".", &st, 0));
    /* op 18: make directory out/new1 relative to the current directory */
    COUNT_CALL(T7_OP18, rc, mkdirat(AT_FDCWD, "out/new1", 0755));
    /* op 19: spin 18869 ns, then open out relative to the current directory (O_RDONLY|O_DIRECTORY|O_CLOEXEC), held as handle_40 */
    spin_ns(18869);
    COUNT_CALL(T7_OP19, handle_40, openat(AT_FDCWD, "out", O_RDONLY|O_DIRECTORY|O_CLOEXEC));
    /* op 20: stat . relative to handle_38 */
    COUNT_CALL(T7_OP20, rc, fstatat(handle_38, ".", &st, 0));
    /* op 21: open out relative to the current directory (O_RDONLY|O_DIRECTORY|O_CLOEXEC) */
    COUNT_CALL(T7_OP21, fd, openat(AT_FDCWD, "out", O_RDONLY|O_DIRECTORY|O_CLOEXEC));
    close_handle(&fd);
    /* op 22: open <sandbox>/b (O_RDONLY|O_DIRECTORY|O_CLOEXEC) */
    COUNT_CALL(T7_OP22, fd, openat(AT_FDCWD, absolute_path[9], O_RDONLY|O_DIRECTORY|O_CLOEXEC));
    close_handle(&fd);
    /* op 23: spin 18031 ns, then open ./out relative to the current directory (O_RDONLY|O_DIRECTORY|O_CLOEXEC) */
    spin_ns(18031);
    COUNT_CALL(T7_OP23, fd, openat(AT_FDCWD, "./out", O_RDONLY|O_DIRECTORY|O_CLOEXEC));
    close_handle(&fd);
    /* op 24: stat . relative to handle_40 */
    COUNT_CALL(T7_OP24, rc, fstatat(handle_40, ".", &st, 0));
    /* op 25: open ../new0 relative to handle_38 (O_RDWR|O_CREAT|O_TRUNC|O_CLOEXEC) */
    COUNT_CALL(T7_OP25, fd, openat(handle_38, "../new0", O_RDWR|O_CREAT|O_TRUNC|O_CLOEXEC, 0644));
    close_handle(&fd);
    /* op 26: open out relative to the current directory (O_RDONLY|O_DIRECTORY|O_CLOEXEC) */
    COUNT_CALL(T7_OP26, fd, openat(AT_FDCWD, "out", O_RDONLY|O_DIRECTORY|O_CLOEXEC));
    close_handle(&fd);
    /* op 27: make directory new2 relative to the current directory */
    COUNT_CALL(T7_OP27, rc, mkdirat(AT_FDCWD, "new2", 0755));
    /* op 28: make directory out/new1 relative to the current directory */
    COUNT_CALL(T7_OP28, rc, mkdirat(AT_FDCWD, "out/new1", 0755));
    /* op 29: open out relative to the current directory (O_RDONLY|O_DIRECTORY|O_CLOEXEC), held as handle_41 */
    COUNT_CALL(T7_OP29, handle_41, openat(AT_FDCWD, "out", O_RDONLY|O_DIRECTORY|O_CLOEXEC));
    /* op 30: spin 940 ns, then open <sandbox>/out (O_RDONLY|O_DIRECTORY|O_CLOEXEC) */
    spin_ns(940);
    COUNT_CALL(T7_OP30, fd, openat(AT_FDCWD, absolute_path[2], O_RDONLY|O_DIRECTORY|O_CLOEXEC));
    close_handle(&fd);
    /* op 31: spin 4622 ns, then stat . relative to handle_40 */
    spin_ns(4622);
    COUNT_CALL(T7_OP31, rc, fstatat(handle_40, ".", &st, 0));
    /* op 32: close handle_41 */
    close_handle(&handle_41);
    /* op 33: close handle_40 */
    close_handle(&handle_40);
    /* op 34: close handle_39 */
    close_handle(&handle_39);
    /* op 35: close handle_38 */
    close_handle(&handle_38);
    /* op 36: close handle_37 */
    close_handle(&handle_37);
    /* op 37: close handle_36 */
    close_handle(&handle_36);
    /* op 38: close handle_35 */
    close_handle(&handle_35);
    /* op 39: close handle_34 */
    close_handle(&handle_34);
}

/* Thread 8, one round. */
static void thread_8(void)
{
    int handle_42 = -1;
    int handle_43 = -1;
    int handle_44 = -1;
    int handle_45 = -1;
    int handle_46 = -1;
    int handle_47 = -1;
    int handle_48 = -1;
    int handle_49 = -1;
    int fd;
    int rc;
    struct stat st;

    /* op 1: stat out relative to the current directory */
    COUNT_CALL(T8_OP1, rc, fstatat(AT_FDCWD, "out", &st, 0));
    /* op 2: open <sandbox>/foo.h (O_RDONLY|O_CLOEXEC), held as handle_42 */
    COUNT_CALL(T8_OP2, handle_42, openat(AT_FDCWD, absolute_path[5], O_RDONLY|O_CLOEXEC));
    /* op 3: open . relative to d0 (O_RDONLY|O_DIRECTORY|O_CLOEXEC) */
    COUNT_CALL(T8_OP3, fd, openat(d0, ".", O_RDONLY|O_DIRECTORY|O_CLOEXEC));
    close_handle(&fd);
    /* op 4: open out relative to the current directory (O_RDONLY|O_DIRECTORY|O_CLOEXEC), held as handle_43 */
    COUNT_CALL(T8_OP4, handle_43, openat(AT_FDCWD, "out", O_RDONLY|O_DIRECTORY|O_CLOEXEC));
    /* op 5: spin 14718 ns, then open out relative to the current directory (O_RDONLY|O_DIRECTORY|O_CLOEXEC) */
    spin_ns(14718);
    COUNT_CALL(T8_OP5, fd, openat(AT_FDCWD, "out", O_RDONLY|O_DIRECTORY|O_CLOEXEC));
    close_handle(&fd);
    /* op 6: open out relative to the current directory (O_RDONLY|O_DIRECTORY|O_CLOEXEC), held as handle_44 */
    COUNT_CALL(T8_OP6, handle_44, openat(AT_FDCWD, "out", O_RDONLY|O_DIRECTORY|O_CLOEXEC));
    /* op 7: wait at barrier 4 */
    spin_barrier_wait(&barrier_4);
    /* op 8: open out relative to the current directory (O_RDONLY|O_DIRECTORY|O_CLOEXEC), held as handle_45 */
    COUNT_CALL(T8_OP8, handle_45, openat(AT_FDCWD, "out", O_RDONLY|O_DIRECTORY|O_CLOEXEC));
    /* op 9: wait at barrier 11 */
    spin_barrier_wait(&barrier_11);
    /* op 10: open out/new0 relative to the current directory (O_RDWR|O_CREAT|O_TRUNC|O_CLOEXEC) */
    COUNT_CALL(T8_OP10, fd, openat(AT_FDCWD, "out/new0", O_RDWR|O_CREAT|O_TRUNC|O_CLOEXEC, 0644));
    close_handle(&fd);
    /* op 11: wait at barrier 19 */
    spin_barrier_wait(&barrier_19);
    /* op 12: make directory new0 relative to handle_45 */
    COUNT_CALL(T8_OP12, rc, mkdirat(handle_45, "new0", 0755));
    /* op 13: open out relative to the current directory (O_RDONLY|O_DIRECTORY|O_CLOEXEC) */
    COUNT_CALL(T8_OP13, fd, openat(AT_FDCWD, "out", O_RDONLY|O_DIRECTORY|O_CLOEXEC));
    close_handle(&fd);
    /* op 14: make directory <sandbox>/out/new0 */
    COUNT_CALL(T8_OP14, rc, mkdirat(AT_FDCWD, absolute_path[7], 0755));
    /* op 15: spin 7851 ns, then open out relative to the current directory (O_RDONLY|O_DIRECTORY|O_CLOEXEC) */
    spin_ns(7851);
    COUNT_CALL(T8_OP15, fd, openat(AT_FDCWD, "out", O_RDONLY|O_DIRECTORY|O_CLOEXEC));
    close_handle(&fd);
    /* op 16: stat ../x relative to handle_43 */
    COUNT_CALL(T8_OP16, rc, fstatat(handle_43, "../x", &st, 0));
    /* op 17: stat . relative to d0 */
    COUNT_CALL(T8_OP17, rc, fstatat(d0, ".", &st, 0));
    /* op 18: open . relative to handle_43 (O_RDONLY|O_DIRECTORY|O_CLOEXEC), held as handle_46 */
    COUNT_CALL(T8_OP18, handle_46, openat(handle_43, ".", O_RDONLY|O_DIRECTORY|O_CLOEXEC));
    /* op 19: open foo.h relative to the current directory (O_RDWR|O_CLOEXEC) */
    COUNT_CALL(T8_OP19, fd, openat(AT_FDCWD, "foo.h", O_RDWR|O_CLOEXEC));
    close_handle(&fd);
    /* op 20: spin 9264 ns, then open out relative to the current directory (O_RDONLY|O_DIRECTORY|O_CLOEXEC), held as handle_47 */
    spin_ns(9264);
    COUNT_CALL(T8_OP20, handle_47, openat(AT_FDCWD, "out", O_RDONLY|O_DIRECTORY|O_CLOEXEC));
    /* op 21: rename out/new0 to new2, both relative to the current directory */
    COUNT_CALL(T8_OP21, rc, renameat(AT_FDCWD, "out/new0", AT_FDCWD, "new2"));
    /* op 22: stat . relative to handle_43 */
    COUNT_CALL(T8_OP22, rc, fstatat(handle_43, ".", &st, 0));
    /* op 23: open new1 relative to handle_44 (O_RDWR|O_CREAT|O_TRUNC|O_CLOEXEC) */
    COUNT_CALL(T8_OP23, fd, openat(handle_44, "new1", O_RDWR|O_CREAT|O_TRUNC|O_CLOEXEC, 0644));
    close_handle(&fd);
    /* op 24: open . relative to d0 (O_RDONLY|O_DIRECTORY|O_CLOEXEC), held as handle_48 */
    COUNT_CALL(T8_OP24, handle_48, openat(d0, ".", O_RDONLY|O_DIRECTORY|O_CLOEXEC));
    /* op 25: open out relative to the current directory (O_RDONLY|O_DIRECTORY|O_CLOEXEC), held as handle_49 */
    COUNT_CALL(T8_OP25, handle_49, openat(AT_FDCWD, "out", O_RDONLY|O_DIRECTORY|O_CLOEXEC));
    /* op 26: open <sandbox>/inc//x (O_RDWR|O_CLOEXEC) */
    COUNT_CALL(T8_OP26, fd, openat(AT_FDCWD, absolute_path[10], O_RDWR|O_CLOEXEC));
    close_handle(&fd);
    /* op 27: open <sandbox>/out (O_RDONLY|O_DIRECTORY|O_CLOEXEC) */
    COUNT_CALL(T8_OP27, fd, openat(AT_FDCWD, absolute_path[2], O_RDONLY|O_DIRECTORY|O_CLOEXEC));
    close_handle(&fd);
    /* op 28: open out relative to the current directory (O_RDONLY|O_DIRECTORY|O_CLOEXEC) */
    COUNT_CALL(T8_OP28, fd, openat(AT_FDCWD, "out", O_RDONLY|O_DIRECTORY|O_CLOEXEC));
    close_handle(&fd);
    /* op 29: spin 1993 ns, then open <sandbox>/out (O_RDONLY|O_DIRECTORY|O_CLOEXEC) */
    spin_ns(1993);
    COUNT_CALL(T8_OP29, fd, openat(AT_FDCWD, absolute_path[2], O_RDONLY|O_DIRECTORY|O_CLOEXEC));
    close_handle(&fd);
    /* op 30: spin 2355 ns, then make directory new2 relative to the current directory */
    spin_ns(2355);
    COUNT_CALL(T8_OP30, rc, mkdirat(AT_FDCWD, "new2", 0755));
    /* op 31: open new0 relative to the current directory (O_RDWR|O_CREAT|O_TRUNC|O_CLOEXEC) */
    COUNT_CALL(T8_OP31, fd, openat(AT_FDCWD, "new0", O_RDWR|O_CREAT|O_TRUNC|O_CLOEXEC, 0644));
    close_handle(&fd);
    /* op 32: stat out relative to the current directory */
    COUNT_CALL(T8_OP32, rc, fstatat(AT_FDCWD, "out", &st, 0));
    /* op 33: stat out relative to the current directory */
    COUNT_CALL(T8_OP33, rc, fstatat(AT_FDCWD, "out", &st, 0));
    /* op 34: open out relative to the current directory (O_RDONLY|O_DIRECTORY|O_CLOEXEC) */
    COUNT_CALL(T8_OP34, fd, openat(AT_FDCWD, "out", O_RDONLY|O_DIRECTORY|O_CLOEXEC));
    close_handle(&fd);
    /* op 35: close handle_49 */
    close_handle(&handle_49);
    /* op 36: close handle_48 */
    close_handle(&handle_48);
    /* op 37: close handle_47 */
    close_handle(&handle_47);
    /* op 38: close handle_46 */
    close_handle(&handle_46);
    /* op 39: close handle_45 */
    close_handle(&handle_45);
    /* op 40: close handle_44 */
    close_handle(&handle_44);
    /* op 41: close handle_43 */
    close_handle(&handle_43);
    /* op 42: close handle_42 */
    close_handle(&handle_42);
}

/* Thread 9, one round. */
static void thread_9(void)
{
    int handle_50 = -1;
    int handle_51 = -1;
    int handle_52 = -1;
    int handle_53 = -1;
    int handle_54 = -1;
    int handle_55 = -1;
    int fd;
    int rc;
    struct stat st;

    /* op 1: open out relative to the current directory (O_RDONLY|O_DIRECTORY|O_CLOEXEC), held as handle_50 */
    COUNT_CALL(T9_OP1, handle_50, openat(AT_FDCWD, "out", O_RDONLY|O_DIRECTORY|O_CLOEXEC));
    /* op 2: rename out//new2 to out/new0, both relative to the current directory */
    COUNT_CALL(T9_OP2, rc, renameat(AT_FDCWD, "out//new2", AT_FDCWD, "out/new0"));
    /* op 3: remove file new1 relative to the current directory */
    COUNT_CALL(T9_OP3, rc, unlinkat(AT_FDCWD, "new1", 0));
    /* op 4: open . relative to d0 (O_RDONLY|O_DIRECTORY|O_CLOEXEC) */
    COUNT_CALL(T9_OP4, fd, openat(d0, ".", O_RDONLY|O_DIRECTORY|O_CLOEXEC));
    close_handle(&fd);
    /* op 5: spin 5672 ns, then open <sandbox>/out (O_RDONLY|O_DIRECTORY|O_CLOEXEC) */
    spin_ns(5672);
    COUNT_CALL(T9_OP5, fd, openat(AT_FDCWD, absolute_path[2], O_RDONLY|O_DIRECTORY|O_CLOEXEC));
    close_handle(&fd);
    /* op 6: open ../b/new2 relative to d0 (O_RDWR|O_CREAT|O_TRUNC|O_CLOEXEC) */
    COUNT_CALL(T9_OP6, fd, openat(d0, "../b/new2", O_RDWR|O_CREAT|O_TRUNC|O_CLOEXEC, 0644));
    close_handle(&fd);
    /* op 7: stat <sandbox>/main.c */
    COUNT_CALL(T9_OP7, rc, fstatat(AT_FDCWD, absolute_path[11], &st, 0));
    /* op 8: open . relative to d0 (O_RDONLY|O_DIRECTORY|O_CLOEXEC), held as handle_51 */
    COUNT_CALL(T9_OP8, handle_51, openat(d0, ".", O_RDONLY|O_DIRECTORY|O_CLOEXEC));
    /* op 9: open . relative to handle_50 (O_RDONLY|O_DIRECTORY|O_CLOEXEC) */
    COUNT_CALL(T9_OP9, fd, openat(handle_50, ".", O_RDONLY|O_DIRECTORY|O_CLOEXEC));
    close_handle(&fd);
    /* op 10: open <sandbox>/out (O_RDONLY|O_DIRECTORY|O_CLOEXEC), held as handle_52 */
    COUNT_CALL(T9_OP10, handle_52, openat(AT_FDCWD, absolute_path[2], O_RDONLY|O_DIRECTORY|O_CLOEXEC));
    /* op 11: stat <sandbox>/out */
    COUNT_CALL(T9_OP11, rc, fstatat(AT_FDCWD, absolute_path[2], &st, 0));
    /* op 12: spin 12687 ns, then open out relative to the current directory (O_RDONLY|O_DIRECTORY|O_CLOEXEC) */
    spin_ns(12687);
    COUNT_CALL(T9_OP12, fd, openat(AT_FDCWD, "out", O_RDONLY|O_DIRECTORY|O_CLOEXEC));
    close_handle(&fd);
    /* op 13: open ./out relative to the current directory (O_RDONLY|O_DIRECTORY|O_CLOEXEC) */
    COUNT_CALL(T9_OP13, fd, openat(AT_FDCWD, "./out", O_RDONLY|O_DIRECTORY|O_CLOEXEC));
    close_handle(&fd);
    /* op 14: spin 971 ns, then open out//new1 relative to the current directory (O_RDWR|O_CREAT|O_CLOEXEC) */
    spin_ns(971);
    COUNT_CALL(T9_OP14, fd, openat(AT_FDCWD, "out//new1", O_RDWR|O_CREAT|O_CLOEXEC, 0644));
    close_handle(&fd);
    /* op 15: spin 1432 ns, then stat out relative to the current directory */
    spin_ns(1432);
    COUNT_CALL(T9_OP15, rc, fstatat(AT_FDCWD, "out", &st, 0));
    /* op 16: wait at barrier 3 */
    spin_barrier_wait(&barrier_3);
    /* op 17: open <sandbox>/out (O_RDONLY|O_DIRECTORY|O_CLOEXEC), held as handle_53 */
    COUNT_CALL(T9_OP17, handle_53, openat(AT_FDCWD, absolute_path[2], O_RDONLY|O_DIRECTORY|O_CLOEXEC));
    /* op 18: wait at barrier 12 */
    spin_barrier_wait(&barrier_12);
    /* op 19: spin 5218 ns, then remove file <sandbox>/new2 */
    spin_ns(5218);
    COUNT_CALL(T9_OP19, rc, unlinkat(AT_FDCWD, absolute_path[4], 0));
    /* op 20: wait at barrier 20 */
    spin_barrier_wait(&barrier_20);
    /* op 21: open .//out relative to the current directory (O_RDONLY|O_DIRECTORY|O_CLOEXEC), held as handle_54 */
    COUNT_CALL(T9_OP21, handle_54, openat(AT_FDCWD, ".//out", O_RDONLY|O_DIRECTORY|O_CLOEXEC));
    /* op 22: open out relative to the current directory (O_RDONLY|O_DIRECTORY|O_CLOEXEC), held as handle_55 */
    COUNT_CALL(T9_OP22, handle_55, openat(AT_FDCWD, "out", O_RDONLY|O_DIRECTORY|O_CLOEXEC));
    /* op 23: close handle_55 */
    close_handle(&handle_55);
    /* op 24: close handle_54 */
    close_handle(&handle_54);
    /* op 25: close handle_53 */
    close_handle(&handle_53);
    /* op 26: close handle_52 */
    close_handle(&handle_52);
    /* op 27: close handle_51 */
    close_handle(&handle_51);
    /* op 28: close handle_50 */
    close_handle(&handle_50);
}

static void (*const thread_round[THREAD_COUNT])(void) = { thread_1, thread_2, thread_3, thread_4, thread_5, thread_6, thread_7, thread_8, thread_9 };

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
