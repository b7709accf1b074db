#!/usr/bin/env bash
# Soak: an openrace campaign on each real file-system stack, one after the
# other, each built in a private mount namespace by ci/targets/<stack>.sh.
#
#   ci/soak.sh DURATION [STACK...]
#
# DURATION is per stack (openrace's --time: 20s, 2m, 10m). Stacks (default
# all): tmpfs ext4 xfs overlayfs bind bindfs fuse-overlayfs rclone. Needs
# root.
#
# Installs what it needs (ci/install.sh, ci/install-soak.sh), builds
# openrace if there is none (ci/build.sh), runs the campaigns and prints a
# table: stack, status, scenarios, calls, calls/s, findings; then, for each
# finding, where its found.scn and report.md are.
#
# Environment:
#   OPENRACE                    use this binary; do not install or build
#   OPENRACE_BUILD_DIR          build directory (default: build)
#   OPENRACE_SOAK_OUT           results (default: soak-out/<date-time>);
#                               OUT/<stack>/ holds summary.json, stack.txt
#                               and the findings; OUT/<stack>.log the log
#   OPENRACE_SOAK_SEED          campaign seed (default 1: every stack runs
#                               the same scenarios)
#   OPENRACE_SOAK_MINIMIZE_TIME budget to minimize one finding (default 60s;
#                               it adds to DURATION when there is a finding)
#   OPENRACE_SOAK_RCLONE_CACHE  rclone's --vfs-cache-mode for stack rclone:
#                               writes (default), off, minimal, full
#
# Exit status: 1 if any stack reported a finding (a false alarm of the
# oracle, or a real file-system bug: investigate it); else 2 if a stack that
# should work here could not be set up (or bad usage); else 0. A stack the
# machine cannot run (no xfs in the kernel, no /dev/fuse) is skipped with
# its reason and does not fail the soak.
set -euo pipefail
cd "$(dirname "$0")/.."
all_stacks=(tmpfs ext4 xfs overlayfs bind bindfs fuse-overlayfs rclone)

usage() {
  echo "usage: ci/soak.sh DURATION [STACK...]   stacks: ${all_stacks[*]}" >&2
  exit 2
}
[ $# -ge 1 ] || usage
duration=$1
shift
stacks=("$@")
((${#stacks[@]})) || stacks=("${all_stacks[@]}")
for s in "${stacks[@]}"; do
  [ -x "ci/targets/$s.sh" ] || { echo "ci/soak.sh: unknown stack '$s'" >&2; usage; }
done
[[ $duration =~ ^[0-9]+(\.[0-9]+)?(ns|us|ms|s|m|h)$ ]] ||
  { echo "ci/soak.sh: bad DURATION '$duration' (e.g. 20s, 2m, 10m)" >&2; usage; }
[ "$(id -u)" -eq 0 ] || { echo "ci/soak.sh: needs root (mount namespaces)" >&2; exit 2; }

if [ -z "${OPENRACE:-}" ]; then
  ci/install.sh
  ci/install-soak.sh
  build=${OPENRACE_BUILD_DIR:-build}
  if [ -x "$build/openrace" ]; then
    cmake --build "$build" --target openrace -j "${OPENRACE_JOBS:-2}"
  else
    ci/build.sh "$build"
  fi
  OPENRACE=$(cd "$build" && pwd)/openrace
else
  ci/install-soak.sh
fi
export OPENRACE

out=${OPENRACE_SOAK_OUT:-soak-out/$(date +%Y%m%d-%H%M%S)}
mkdir -p "$out"
out=$(cd "$out" && pwd)
seed=${OPENRACE_SOAK_SEED:-1}
echo "soak: $duration per stack, seed $seed, stacks: ${stacks[*]}; results in $out"

# The value of top-level key $1 in summary.json $2 (one key per line, as
# openrace writes it; plain grep/sed, no jq or python needed).
json_value() {
  grep -E "^ *\"$1\": " "$2" | head -1 | sed -E 's/^ *"[^"]*": *//; s/,? *$//'
}
# "signature count" lines of the findings object of summary.json $1.
json_findings() {
  { tr -d '\n' < "$1"; echo; } | sed -E 's/.*"findings": *\{([^}]*)\}.*/\1/' |
    tr ',' '\n' | sed -nE 's/^ *"([^"]+)": *([0-9]+) *$/\1 \2/p'
}

rows=()
any_finding=0 any_setup_failure=0 interrupted=0 target=""
# shellcheck disable=SC2317  # a trap handler
on_signal() {
  interrupted=1
  [ -z "$target" ] || kill -TERM "$target" 2> /dev/null || true
}
trap on_signal INT TERM
for s in "${stacks[@]}"; do
  if ((interrupted)); then
    rows+=("$s|not run (interrupted)|-|-|-|-")
    continue
  fi
  echo
  echo "=== $s ($duration) ==="
  rm -rf "${out:?}/$s"
  # In the background and in its own session, so that INT/TERM here is
  # passed on to it once, as TERM (a stack stops cleanly on the first, at
  # once on the second). Its output goes to the log, shown by tail.
  : > "$out/$s.log"  # before tail looks for it
  setsid "ci/targets/$s.sh" "$duration" "$out" "$seed" >> "$out/$s.log" 2>&1 &
  target=$!
  tail -n +1 --pid="$target" -f "$out/$s.log" &
  while :; do
    status=0
    wait "$target" || status=$?
    kill -0 "$target" 2> /dev/null || break
  done
  target=""
  wait  # for tail, which ends within a second of the target
  summary=$out/$s/summary.json
  scenarios=- calls=- rate=- findings=-
  if [ "$status" -eq 0 ] || [ "$status" -eq 1 ] || [ "$status" -eq 130 ]; then
    scenarios=$(json_value scenarios "$summary")
    calls=$(json_value calls "$summary")
    rate=$(printf '%.0f' "$(json_value calls_per_second "$summary")")
    findings=0
    while read -r sig n; do
      [ -n "$sig" ] || continue
      findings=$((findings + n))
    done < <(json_findings "$summary")
  fi
  case $status in
    0) state=ran ;;
    1) state="ran, FINDINGS"; any_finding=1 ;;
    77) state="skipped: $(cat "$out/$s/skipped" 2> /dev/null || echo '?')" ;;
    130) state="stopped early"; [ "$findings" = 0 ] || any_finding=1 ;;
    *) state="SETUP FAILED (exit $status; see $s.log)"; any_setup_failure=1 ;;
  esac
  ((interrupted)) && state="$state (interrupted)"
  rows+=("$s|$state|$scenarios|$calls|$rate|$findings")
done

{
  echo
  echo "soak: $duration per stack, seed $seed ($out)"
  printf '%-15s %-45s %10s %12s %8s %8s\n' stack status scenarios calls calls/s findings
  for row in "${rows[@]}"; do
    IFS='|' read -r s state scenarios calls rate findings <<< "$row"
    printf '%-15s %-45s %10s %12s %8s %8s\n' "$s" "$state" "$scenarios" "$calls" "$rate" "$findings"
  done
  for s in "${stacks[@]}"; do
    [ -f "$out/$s/summary.json" ] || continue
    while read -r sig n; do
      [ -n "$sig" ] || continue
      echo "finding on $s: $sig ($n scenario(s)): $out/$s/$sig/found.scn, $out/$s/$sig/report.md"
    done < <(json_findings "$out/$s/summary.json")
  done
} | tee "$out/table.txt"

if ((any_finding)); then
  echo "soak: findings — each is a false alarm of the oracle or a real file-system bug; investigate" >&2
  exit 1
fi
((any_setup_failure)) && exit 2
((interrupted)) && exit 130
exit 0
