#!/usr/bin/env bash
# Soak target: mergerfs (FUSE; a union of branches, common on media and
# NAS hosts) over two branches on plain disk, both writable, new entries
# placed on the branch with the most free space; the campaign runs in a
# directory that exists in both branches. The daemon runs inside the
# private mount and PID namespaces. Skipped when /dev/fuse is unavailable.
#   ci/targets/mergerfs.sh DURATION OUT [SEED]   (see lib.sh)
# setup is called, and SOAK_DIR read, by lib.sh.
# shellcheck source=lib.sh disable=SC2034,SC2317
source "$(dirname "$0")/lib.sh"

setup() {
  soak_need_fuse
  soak_need mergerfs
  local b=$SOAK_WORK/branches
  mkdir -p "$b/one" "$b/two"
  soak_fill_lower "$b/one" 1
  soak_fill_lower "$b/two" 2
  # cache.files=off: no page cache, so every open reaches the daemon.
  soak_fuse_daemon "$SOAK_WORK/mnt" mergerfs -f \
    -o cache.files=off,category.create=mfs \
    "$b/one:$b/two" "$SOAK_WORK/mnt"
  SOAK_DIR=$SOAK_WORK/mnt/campaign
}
soak_target mergerfs setup "$@"
