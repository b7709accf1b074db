#!/usr/bin/env bash
# Soak target: gocryptfs (FUSE; an encrypted overlay, names encrypted too,
# so every path the campaign uses is translated) over a cipher directory on
# plain disk, with a throwaway password. The daemon runs inside the private
# mount and PID namespaces. Skipped when /dev/fuse is unavailable.
#   ci/targets/gocryptfs.sh DURATION OUT [SEED]   (see lib.sh)
# setup is called, and SOAK_DIR read, by lib.sh.
# shellcheck source=lib.sh disable=SC2034,SC2317
source "$(dirname "$0")/lib.sh"

setup() {
  soak_need_fuse
  soak_need gocryptfs
  local cipher=$SOAK_WORK/cipher
  mkdir -p "$cipher"
  echo openrace-soak > "$SOAK_WORK/password"
  # -scryptn 10: a cheap key derivation; the key guards nothing here.
  gocryptfs -q -init -scryptn 10 -passfile "$SOAK_WORK/password" "$cipher" \
    > "$SOAK_WORK/gocryptfs-init.log" 2>&1 ||
    { cat "$SOAK_WORK/gocryptfs-init.log" >&2; soak_fail "gocryptfs -init"; }
  soak_fuse_daemon "$SOAK_WORK/mnt" gocryptfs -f -q \
    -passfile "$SOAK_WORK/password" "$cipher" "$SOAK_WORK/mnt"
  SOAK_DIR=$SOAK_WORK/mnt
}
soak_target gocryptfs setup "$@"
