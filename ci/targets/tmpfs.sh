#!/usr/bin/env bash
# Soak target: a tmpfs, mounted in a private mount namespace.
#   ci/targets/tmpfs.sh DURATION OUT [SEED]   (see lib.sh)
# setup is called, and SOAK_DIR read, by lib.sh.
# shellcheck source=lib.sh disable=SC2034,SC2317
source "$(dirname "$0")/lib.sh"

setup() {
  soak_mount -t tmpfs -o size=1g,mode=0755 openrace-soak "$SOAK_WORK/mnt"
  SOAK_DIR=$SOAK_WORK/mnt
}
soak_target tmpfs setup "$@"
