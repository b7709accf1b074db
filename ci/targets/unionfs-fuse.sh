#!/usr/bin/env bash
# Soak target: unionfs-fuse with copy-on-write, a writable branch over a
# read-only one on plain disk (the campaign's directory exists in the
# read-only branch, so the campaign's changes copy it up). The daemon runs
# inside the private mount and PID namespaces. Skipped when /dev/fuse is
# unavailable.
#   ci/targets/unionfs-fuse.sh DURATION OUT [SEED]   (see lib.sh)
# setup is called, and SOAK_DIR read, by lib.sh.
# shellcheck source=lib.sh disable=SC2034,SC2317
source "$(dirname "$0")/lib.sh"

setup() {
  soak_need_fuse
  soak_need unionfs
  local l=$SOAK_WORK/layers
  mkdir -p "$l/lower" "$l/upper"
  soak_fill_lower "$l/lower" 1
  soak_fuse_daemon "$SOAK_WORK/mnt" unionfs -f -o cow \
    "$l/upper=RW:$l/lower=RO" "$SOAK_WORK/mnt"
  SOAK_DIR=$SOAK_WORK/mnt/campaign
}
soak_target unionfs-fuse setup "$@"
