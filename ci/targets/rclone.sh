#!/usr/bin/env bash
# Soak target: rclone mount (FUSE) of rclone's local-directory backend over
# a directory on plain disk, with rclone's VFS cache in a chosen mode; the
# daemon runs inside the private mount and PID namespaces. Skipped when
# /dev/fuse is unavailable.
#   ci/targets/rclone.sh DURATION OUT [SEED]   (see lib.sh)
#
# The mount is, as a user would make it with no configuration file:
#   rclone mount --config /dev/null SOURCE MNT --vfs-cache-mode MODE
#     --cache-dir WORK/rclone-cache --log-file OUT/rclone/rclone.log
#
# Environment:
#   OPENRACE_SOAK_RCLONE_CACHE  the VFS cache mode: writes (the default),
#                               off, minimal or full (rclone's
#                               --vfs-cache-mode). The stack is named
#                               `rclone` whatever the mode; stack.txt and
#                               the log say which mode ran.
#   OPENRACE_SOAK_RCLONE_ARGS   more `rclone mount` flags (word-split)
#
# rclone's own log (level NOTICE: its errors and warnings) is kept in
# OUT/rclone/rclone.log, for the report of a finding.
# setup is called, and SOAK_DIR read, by lib.sh.
# shellcheck source=lib.sh disable=SC2034,SC2317
source "$(dirname "$0")/lib.sh"

setup() {
  soak_need_fuse
  soak_need rclone
  local mode=${OPENRACE_SOAK_RCLONE_CACHE:-writes}
  case $mode in
    off | minimal | writes | full) ;;
    *) soak_fail "OPENRACE_SOAK_RCLONE_CACHE=$mode: expected off, minimal, writes or full" ;;
  esac
  mkdir -p "$SOAK_WORK/source" "$SOAK_WORK/rclone-cache" "$SOAK_OUT/$SOAK_STACK"
  local extra=()
  # shellcheck disable=SC2206
  extra=(${OPENRACE_SOAK_RCLONE_ARGS:-})
  soak_log "rclone $(rclone version 2> /dev/null | head -1 | sed 's/^rclone //'), --vfs-cache-mode $mode ${extra[*]}"
  echo "rclone --vfs-cache-mode $mode ${extra[*]}" > "$SOAK_OUT/$SOAK_STACK/rclone-mode.txt"
  soak_fuse_daemon "$SOAK_WORK/mnt" \
    rclone mount --config /dev/null "$SOAK_WORK/source" "$SOAK_WORK/mnt" \
    --vfs-cache-mode "$mode" --cache-dir "$SOAK_WORK/rclone-cache" \
    --log-file "$SOAK_OUT/$SOAK_STACK/rclone.log" "${extra[@]}"
  SOAK_DIR=$SOAK_WORK/mnt
}
soak_target rclone setup "$@"
