#!/usr/bin/env bash
# Soak target: ntfs-3g (FUSE; NTFS as Linux hosts see Windows disks) on a
# sparse 1 GiB image file on plain disk, formatted with mkntfs. The daemon
# runs in the foreground inside the private mount and PID namespaces.
# Skipped when /dev/fuse is unavailable.
#   ci/targets/ntfs-3g.sh DURATION OUT [SEED]   (see lib.sh)
# setup is called, and SOAK_DIR read, by lib.sh.
# shellcheck source=lib.sh disable=SC2034,SC2317
source "$(dirname "$0")/lib.sh"

setup() {
  soak_need_fuse
  soak_need ntfs-3g mkntfs
  local image=$SOAK_WORK/ntfs.img
  truncate -s 1G "$image" || soak_fail "truncate $image"
  # -F: a file, not a device; -Q: quick (no zeroing).
  mkntfs -F -Q -q "$image" > "$SOAK_WORK/mkfs.log" 2>&1 ||
    { cat "$SOAK_WORK/mkfs.log" >&2; soak_fail "mkntfs $image"; }
  soak_fuse_daemon "$SOAK_WORK/mnt" ntfs-3g -o no_detach "$image" "$SOAK_WORK/mnt"
  SOAK_DIR=$SOAK_WORK/mnt
}
soak_target ntfs-3g setup "$@"
