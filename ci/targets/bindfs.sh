#!/usr/bin/env bash
# Soak target: bindfs (FUSE), multithreaded, mirroring a directory on plain
# disk; the daemon runs inside the private mount and PID namespaces.
# Skipped when /dev/fuse is unavailable.
#   ci/targets/bindfs.sh DURATION OUT [SEED]   (see lib.sh)
# setup is called, and SOAK_DIR read, by lib.sh.
# shellcheck source=lib.sh disable=SC2034,SC2317
source "$(dirname "$0")/lib.sh"

setup() {
  soak_need_fuse
  soak_need bindfs
  mkdir -p "$SOAK_WORK/source"
  soak_fuse_daemon "$SOAK_WORK/mnt" \
    bindfs -f --multithreaded "$SOAK_WORK/source" "$SOAK_WORK/mnt"
  SOAK_DIR=$SOAK_WORK/mnt
}
soak_target bindfs setup "$@"
