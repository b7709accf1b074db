#!/usr/bin/env bash
# Soak target: xfs on a sparse loop image on plain disk (truncate +
# mkfs.xfs + mount -o loop, inside a private mount namespace). Skipped when
# the kernel has no xfs.
#   ci/targets/xfs.sh DURATION OUT [SEED]   (see lib.sh)
# setup is called, and SOAK_DIR read, by lib.sh.
# shellcheck source=lib.sh disable=SC2034,SC2317
source "$(dirname "$0")/lib.sh"

setup() {
  soak_kernel_has xfs || soak_skip "the kernel has no xfs (not in /proc/filesystems, modprobe xfs failed)"
  soak_need mkfs.xfs truncate
  soak_loop_image xfs 1G mkfs.xfs -q -f
  SOAK_DIR=$SOAK_WORK/mnt
}
soak_target xfs setup "$@"
