# shellcheck shell=bash
# lib.sh — the shared part of the soak targets (ci/targets/<stack>.sh).
# Sourced, not run. A target defines one function that builds its stack and
# then calls `soak_target STACK SETUP_FUNCTION "$@"`:
#
#   setup() {                       # runs inside the private namespace
#     soak_mount -t tmpfs -o size=1g openrace-soak "$SOAK_WORK/mnt"
#     SOAK_DIR=$SOAK_WORK/mnt       # where the campaign runs
#   }
#   soak_target tmpfs setup "$@"
#
# Every target is run as   ci/targets/<stack>.sh DURATION OUT [SEED]
# and runs `openrace run --dir <dir on the stack> --time DURATION
# --out OUT/<stack> --seed SEED` (plus `--control-dir <dir on plain disk>`
# when the openrace binary knows that flag).
#
# Environment:
#   OPENRACE                    the binary (default: build/openrace)
#   OPENRACE_SOAK_MINIMIZE_TIME budget to minimize one finding (default 60s)
#   OPENRACE_SOAK_EXTRA_ARGS    more `openrace run` flags (word-split)
#
# Isolation: the outer half of the script makes the work directory
# (mktemp -d, removed by an EXIT trap, also on failure) and re-runs the
# script inside `unshare --mount --propagation private --pid --fork
# --kill-child --mount-proc`. Every mount is made inside that namespace, so
# nothing is ever mounted in the host's namespace; the inner half unmounts
# and stops its daemons on exit, and if it is killed, the kernel kills every
# process of the PID namespace (FUSE daemons included) and the mounts die
# with the mount namespace.
#
# Exit status: 0 the campaign ran and found nothing; 1 it found something
# (see OUT/<stack>/); 2 the stack could not be set up, or openrace refused
# to run; 77 the stack is skipped on this machine (the reason is the last
# line printed and is in OUT/<stack>/skipped).

SOAK_EXIT_SKIP=77

soak_log() { echo "soak[$SOAK_STACK]: $*" >&2; }

# Setup failure of a stack that should work here.
soak_fail() {
  soak_log "setup failed: $*"
  exit 2
}

# The stack cannot run on this machine (kernel or device missing).
soak_skip() {
  mkdir -p "$SOAK_OUT/$SOAK_STACK"
  echo "$*" > "$SOAK_OUT/$SOAK_STACK/skipped"
  soak_log "skipped: $*"
  exit "$SOAK_EXIT_SKIP"
}

# Cleanup actions, run last-registered first by the inner EXIT trap.
SOAK_CLEANUP=()
soak_on_exit() { SOAK_CLEANUP+=("$*"); }

soak_run_cleanup() {
  local i
  for ((i = ${#SOAK_CLEANUP[@]} - 1; i >= 0; i--)); do
    eval "${SOAK_CLEANUP[i]}" || true
  done
  SOAK_CLEANUP=()
}

# soak_mount MOUNT_ARGS... MOUNTPOINT: mount (creating the mount point) and
# unmount on exit.
soak_mount() {
  local target=${!#}
  mkdir -p "$target"
  mount "$@" || soak_fail "mount $*"
  soak_on_exit "umount $(printf %q "$target")"
}

# True when the kernel supports file-system type $1, loading its module if
# need be.
soak_kernel_has() {
  grep -qw "$1" /proc/filesystems && return 0
  modprobe "$1" 2>/dev/null || true
  grep -qw "$1" /proc/filesystems
}

# soak_need COMMAND...: each command must exist (ci/install-soak.sh
# installs them).
soak_need() {
  local c
  for c in "$@"; do
    command -v "$c" > /dev/null || soak_fail "$c not found (run ci/install-soak.sh)"
  done
}

# FUSE stacks are skipped where /dev/fuse is missing or cannot be opened.
soak_need_fuse() {
  [ -c /dev/fuse ] || soak_skip "no /dev/fuse on this machine"
  { : < /dev/fuse; } 2> /dev/null || soak_skip "/dev/fuse cannot be opened"
  soak_kernel_has fuse || soak_skip "the kernel has no FUSE"
}

# soak_fuse_daemon MOUNTPOINT COMMAND...: starts a FUSE daemon in the
# foreground (as a background job), waits until MOUNTPOINT is a FUSE
# mount, and unmounts and stops it on exit.
soak_fuse_daemon() {
  local mnt=$1
  shift
  mkdir -p "$mnt"
  # Its own session: a signal to our process group must not stop it
  # under a running campaign.
  setsid "$@" > "$SOAK_WORK/fuse-daemon.log" 2>&1 &
  local pid=$! i
  soak_on_exit "umount $(printf %q "$mnt") 2>/dev/null || umount -l $(printf %q "$mnt"); kill $pid 2>/dev/null; wait $pid 2>/dev/null"
  for ((i = 0; i < 100; i++)); do
    if findmnt -n -o FSTYPE --mountpoint "$mnt" 2> /dev/null | grep -q '^fuse'; then
      return 0
    fi
    kill -0 "$pid" 2> /dev/null || break
    sleep 0.1
  done
  cat "$SOAK_WORK/fuse-daemon.log" >&2
  soak_fail "$1 did not mount $mnt"
}

# soak_loop_image FSTYPE SIZE MKFS... : makes a sparse image on plain disk,
# formats it, mounts it (-o loop, inside the namespace) at $SOAK_WORK/mnt.
soak_loop_image() {
  local fstype=$1 size=$2
  shift 2
  local image=$SOAK_WORK/$fstype.img
  [ -e /dev/loop-control ] || ls /dev/loop[0-9]* > /dev/null 2>&1 ||
    soak_fail "no loop devices (/dev/loop-control) on this machine"
  truncate -s "$size" "$image" || soak_fail "truncate $image"
  "$@" "$image" > "$SOAK_WORK/mkfs.log" 2>&1 ||
    { cat "$SOAK_WORK/mkfs.log" >&2; soak_fail "$* $image"; }
  soak_mount -t "$fstype" -o loop "$image" "$SOAK_WORK/mnt"
}

# Fills a lower layer with entries that exist before the campaign, so that
# the campaign's first changes in the merged view copy them up.
soak_fill_lower() {
  local lower=$1 tag=$2
  mkdir -p "$lower/campaign/pre-$tag/a/b" "$lower/campaign/shared/d"
  echo "$tag" > "$lower/campaign/pre-$tag/a/b/file"
  echo "$tag" > "$lower/campaign/shared/f-$tag"
  echo "$tag" > "$lower/campaign/shared/d/g-$tag"
}

# openrace knows flag --$1.
soak_openrace_has_flag() {
  local err
  err=$("$OPENRACE" run "--$1=/nonexistent" 2>&1 > /dev/null) || true
  ! grep -q "unknown flag" <<< "$err"
}

# The inner half's INT/TERM: stop openrace cleanly (it writes its summary
# and removes its sandbox) by forwarding one TERM; before openrace runs,
# stop at once (the EXIT trap cleans up).
SOAK_CHILD=""
soak_inner_signal() {
  if [ -n "$SOAK_CHILD" ]; then
    kill -TERM "$SOAK_CHILD" 2> /dev/null || true
    SOAK_CHILD=""
  else
    exit 143
  fi
}

soak_inner() {
  set -euo pipefail
  trap soak_run_cleanup EXIT
  # Bash as PID 1 of a namespace ignores signals it has no handler for.
  trap soak_inner_signal INT TERM

  SOAK_DIR=""
  SOAK_CONTROL_DIR=$SOAK_WORK/control  # plain disk, outside the stack
  mkdir -p "$SOAK_CONTROL_DIR"
  "$SOAK_SETUP"
  if [ -z "$SOAK_DIR" ] || [ ! -d "$SOAK_DIR" ]; then
    soak_fail "setup gave no campaign directory"
  fi

  local out=$SOAK_OUT/$SOAK_STACK
  mkdir -p "$out"
  {
    echo "stack: $SOAK_STACK"
    echo "campaign dir: $SOAK_DIR"
    findmnt -n -o SOURCE,FSTYPE,OPTIONS --target "$SOAK_DIR" || true
    "$OPENRACE" doctor --dir "$SOAK_DIR" || true
  } > "$out/stack.txt" 2>&1
  soak_log "$(findmnt -n -o FSTYPE,OPTIONS --target "$SOAK_DIR" | head -1) at $SOAK_DIR"

  local args=(run --dir "$SOAK_DIR" --time "$SOAK_DURATION" --out "$out"
              --seed "$SOAK_SEED"
              --minimize_time "${OPENRACE_SOAK_MINIMIZE_TIME:-60s}")
  if soak_openrace_has_flag control-dir; then
    args+=(--control-dir "$SOAK_CONTROL_DIR")
  else
    soak_log "note: this openrace has no --control-dir; running without it"
  fi
  # shellcheck disable=SC2206
  args+=(${OPENRACE_SOAK_EXTRA_ARGS:-})
  soak_log "openrace ${args[*]}"
  # openrace runs in its own session, so that it gets one TERM, forwarded
  # by us, and not also the terminal's Ctrl-C or a signal to our process
  # group (a second interrupt would end it at once, without its summary).
  local status=0 pid
  setsid "$OPENRACE" "${args[@]}" &
  pid=$! SOAK_CHILD=$!
  soak_wait "$pid" || status=$?
  SOAK_CHILD=""
  # The sandbox must be gone, whatever happened.
  local left
  left=$(find "$SOAK_DIR" -maxdepth 1 -name 'openrace-*' 2> /dev/null | head -3)
  [ -z "$left" ] || soak_log "warning: sandbox left behind: $left"
  # 130: stopped by our TERM before its time was up, with its summary.
  case $status in
    0 | 1 | 130) [ -f "$out/summary.json" ] || soak_fail "openrace wrote no $out/summary.json" ;;
    *) soak_fail "openrace run exited $status" ;;
  esac
  return "$status"
}

# soak_target STACK SETUP_FUNCTION DURATION OUT [SEED]
soak_target() {
  SOAK_STACK=$1 SOAK_SETUP=$2
  shift 2
  if [ "${OPENRACE_SOAK_INNER:-}" = 1 ]; then
    soak_inner
    exit $?
  fi
  set -euo pipefail
  if [ $# -lt 2 ] || [ $# -gt 3 ]; then
    echo "usage: $0 DURATION OUT [SEED]" >&2
    exit 2
  fi
  local repo
  repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
  export SOAK_STACK SOAK_DURATION=$1 SOAK_SEED=${3:-1}
  mkdir -p "$2"
  SOAK_OUT=$(cd "$2" && pwd)
  export SOAK_OUT
  OPENRACE=${OPENRACE:-$repo/build/openrace}
  [ -x "$OPENRACE" ] || soak_fail "no openrace binary at $OPENRACE (set OPENRACE or run ci/build.sh)"
  OPENRACE=$(cd "$(dirname "$OPENRACE")" && pwd)/$(basename "$OPENRACE")
  export OPENRACE
  [ "$(id -u)" -eq 0 ] || soak_fail "needs root (mount namespaces, mounts)"
  soak_need unshare mount umount findmnt setsid pgrep
  unshare --mount --propagation private true 2> /dev/null ||
    soak_fail "cannot make a private mount namespace (unshare -m)"

  SOAK_WORK=$(mktemp -d "${TMPDIR:-/tmp}/openrace-soak-$SOAK_STACK.XXXXXX")
  export SOAK_WORK
  # By the time this runs the namespace is gone, and its mounts with it;
  # --one-file-system guards against a mount that somehow survived.
  trap 'rm -rf --one-file-system "$SOAK_WORK"' EXIT
  # unshare blocks INT and TERM until its child ends and forwards nothing:
  # a first INT/TERM here goes to the namespace's init (the inner half) as
  # TERM, which stops openrace cleanly; a second one kills unshare, and with
  # it (--kill-child) every process of the namespace. Each level runs the
  # next in a new session, so each gets exactly one signal: from its parent.
  OPENRACE_SOAK_INNER=1 setsid unshare --mount --propagation private \
    --pid --fork --kill-child --mount-proc \
    bash "$0" "$@" &
  SOAK_NS=$!
  SOAK_SIGNALS=0
  trap soak_outer_signal INT TERM
  local status=0
  soak_wait "$SOAK_NS" || status=$?
  exit "$status"
}

soak_outer_signal() {
  if ((SOAK_SIGNALS++)); then
    kill -KILL "$SOAK_NS" 2> /dev/null || true
  else
    local init
    init=$(pgrep -P "$SOAK_NS" || true)
    if [ -n "$init" ]; then kill -TERM "$init" 2> /dev/null || true; fi
  fi
}

# soak_wait PID: waits until the background job PID has ended, also when a
# trapped signal interrupts `wait`; returns its exit status.
soak_wait() {
  local status
  while :; do
    status=0
    wait "$1" || status=$?
    kill -0 "$1" 2> /dev/null || return "$status"
  done
}
