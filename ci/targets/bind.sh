#!/usr/bin/env bash
# Soak target: a bind mount of a directory on plain disk (what a Docker or
# Kubernetes hostPath volume is), made in a private mount namespace.
#   ci/targets/bind.sh DURATION OUT [SEED]   (see lib.sh)
# setup is called, and SOAK_DIR read, by lib.sh.
# shellcheck source=lib.sh disable=SC2034,SC2317
source "$(dirname "$0")/lib.sh"

setup() {
  mkdir -p "$SOAK_WORK/source"
  soak_mount --bind "$SOAK_WORK/source" "$SOAK_WORK/mnt"
  SOAK_DIR=$SOAK_WORK/mnt
}
soak_target bind setup "$@"
