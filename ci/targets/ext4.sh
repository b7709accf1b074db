#!/usr/bin/env bash
# Soak target: ext4 on a sparse loop image on plain disk (truncate +
# mkfs.ext4 + mount -o loop, inside a private mount namespace).
#   ci/targets/ext4.sh DURATION OUT [SEED]   (see lib.sh)
# setup is called, and SOAK_DIR read, by lib.sh.
# shellcheck source=lib.sh disable=SC2034,SC2317
source "$(dirname "$0")/lib.sh"

setup() {
  soak_need mkfs.ext4 truncate
  soak_kernel_has ext4 || soak_fail "the kernel has no ext4"
  soak_loop_image ext4 1G mkfs.ext4 -q -F
  SOAK_DIR=$SOAK_WORK/mnt
}
soak_target ext4 setup "$@"
