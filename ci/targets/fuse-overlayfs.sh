#!/usr/bin/env bash
# Soak target: fuse-overlayfs (FUSE; rootless Podman's storage driver) with
# the same layers as overlayfs.sh, layers on plain disk, the daemon inside
# the private mount and PID namespaces. Skipped when /dev/fuse is
# unavailable.
#   ci/targets/fuse-overlayfs.sh DURATION OUT [SEED]   (see lib.sh)
# setup is called, and SOAK_DIR read, by lib.sh.
# shellcheck source=lib.sh disable=SC2034,SC2317
source "$(dirname "$0")/lib.sh"

setup() {
  soak_need_fuse
  soak_need fuse-overlayfs
  local l=$SOAK_WORK/layers
  mkdir -p "$l/lower1" "$l/lower2" "$l/upper" "$l/work"
  soak_fill_lower "$l/lower1" 1
  soak_fill_lower "$l/lower2" 2
  soak_fuse_daemon "$SOAK_WORK/mnt" fuse-overlayfs -f \
    -o "lowerdir=$l/lower2:$l/lower1,upperdir=$l/upper,workdir=$l/work" \
    "$SOAK_WORK/mnt"
  SOAK_DIR=$SOAK_WORK/mnt/campaign
}
soak_target fuse-overlayfs setup "$@"
