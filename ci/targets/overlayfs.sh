#!/usr/bin/env bash
# Soak target: kernel overlayfs, the Docker/containerd layout: two read-only
# lower layers and an upper layer, all directories on plain disk, mounted in
# a private mount namespace. The campaign runs in merged/campaign, a
# directory that exists in both lower layers with other content beside it,
# so the campaign's first change there copies it up and its sandbox lives
# in a merged directory.
#   ci/targets/overlayfs.sh DURATION OUT [SEED]   (see lib.sh)
# setup is called, and SOAK_DIR read, by lib.sh.
# shellcheck source=lib.sh disable=SC2034,SC2317
source "$(dirname "$0")/lib.sh"

setup() {
  soak_kernel_has overlay || soak_fail "the kernel has no overlayfs"
  local l=$SOAK_WORK/layers
  mkdir -p "$l/lower1" "$l/lower2" "$l/upper" "$l/work"
  soak_fill_lower "$l/lower1" 1
  soak_fill_lower "$l/lower2" 2
  soak_mount -t overlay -o "lowerdir=$l/lower2:$l/lower1,upperdir=$l/upper,workdir=$l/work" \
    openrace-soak "$SOAK_WORK/mnt"
  SOAK_DIR=$SOAK_WORK/mnt/campaign
}
soak_target overlayfs setup "$@"
