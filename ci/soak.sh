#!/usr/bin/env bash
# Soak: an openrace campaign on each real file-system stack, one after the
# other, each built in a private mount namespace by ci/targets/<stack>.sh,
# once per generator setting.
#
#   ci/soak.sh DURATION [STACK...]
#
# DURATION is per stack and setting (openrace's --time: 20s, 2m, 10m).
# Stacks (default: all that healthy file systems must pass): tmpfs ext4 xfs
# overlayfs bind bindfs fuse-overlayfs mergerfs unionfs-fuse gocryptfs
# ntfs-3g sshfs. Run by name only: rclone (1.60.1 has a known bug,
# findings/rclone-1.60.1/). Needs root.
#
# Generator settings (OPENRACE_SOAK_SETTINGS, default "default large"):
#   default  the generator's defaults (4 threads, 6 calls, depth 3)
#   large    16 threads, 32 calls each, depth 8: the largest at which the
#            oracle still judges every call (the search's bounds leave
#            larger histories unjudged; measured in the issue notes)
#   max      the largest the command line accepts (64 threads, 2047 calls,
#            depth 32): a test of robustness and the budget; its long
#            histories are mostly unjudged (search_bound)
#
# Installs what it needs (ci/install.sh, ci/install-soak.sh), builds
# openrace if there is none (ci/build.sh), runs the campaigns and prints a
# table: stack, setting, status, scenarios, calls, judged and unjudged
# calls, calls/s, findings; then the unjudged calls by reason, and for
# each finding where its found.scn and report.md are.
#
# Environment:
#   OPENRACE                    use this binary; do not install or build
#   OPENRACE_BUILD_DIR          build directory (default: build)
#   OPENRACE_SOAK_OUT           results (default: soak-out/<date-time>);
#                               OUT/<setting>/<stack>/ holds summary.json,
#                               stack.txt and the findings;
#                               OUT/<setting>/<stack>.log the log
#   OPENRACE_SOAK_SETTINGS      generator settings, in order (see above)
#   OPENRACE_SOAK_SEED          campaign seed (default 1: every stack runs
#                               the same scenarios)
#   OPENRACE_SOAK_MINIMIZE_TIME budget to minimize one finding (default 60s;
#                               it adds to DURATION when there is a finding)
#   OPENRACE_SOAK_RCLONE_CACHE  rclone's --vfs-cache-mode for stack rclone:
#                               writes (default), off, minimal, full
#
# Findings of known real bugs (ci/soak_known.txt: stack, signature pattern,
# where the bug is described) are listed as known and counted apart.
#
# Exit status: 1 if any stack reported another finding (a false alarm of the
# oracle, or a new file-system bug: investigate it); else 2 if a stack that
# should work here could not be set up (or bad usage); else 0. A stack the
# machine cannot run (no xfs in the kernel, no /dev/fuse) is skipped with
# its reason and does not fail the soak.
set -euo pipefail
cd "$(dirname "$0")/.."
all_stacks=(tmpfs ext4 xfs overlayfs bind bindfs fuse-overlayfs
            mergerfs unionfs-fuse gocryptfs ntfs-3g sshfs)
by_name_stacks=(rclone)

usage() {
  echo "usage: ci/soak.sh DURATION [STACK...]   stacks: ${all_stacks[*]};" \
       "by name only: ${by_name_stacks[*]}" >&2
  exit 2
}
# The `openrace run` flags of generator setting $1; fails on an unknown one.
setting_flags() {
  case $1 in
    default) echo "" ;;
    large) echo "--max-threads 16 --max-ops 32 --max-depth 8" ;;
    max) echo "--max-threads 64 --max-ops 2047 --max-depth 32" ;;
    *) return 1 ;;
  esac
}
read -r -a settings <<< "${OPENRACE_SOAK_SETTINGS:-default large}"
for g in "${settings[@]}"; do
  setting_flags "$g" > /dev/null ||
    { echo "ci/soak.sh: unknown setting '$g' in OPENRACE_SOAK_SETTINGS (default, large, max)" >&2; usage; }
done
((${#settings[@]})) || { echo "ci/soak.sh: OPENRACE_SOAK_SETTINGS is empty" >&2; usage; }
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
echo "soak: $duration per stack and setting, seed $seed, settings: ${settings[*]}, stacks: ${stacks[*]}; results in $out"

# The value of top-level key $1 in summary.json $2 (one key per line, as
# openrace writes it; plain grep/sed, no jq or python needed).
json_value() {
  grep -E "^ *\"$1\": " "$2" | head -1 | sed -E 's/^ *"[^"]*": *//; s/,? *$//'
}
# "name count" lines of the object at key $1 of summary.json $2 (the
# findings by signature, the unjudged calls by reason).
json_counts() {
  { tr -d '\n' < "$2"; echo; } | sed -E "s/.*\"$1\": *\\{([^}]*)\\}.*/\\1/" |
    tr ',' '\n' | sed -nE 's/^ *"([^"]+)": *([0-9]+) *$/\1 \2/p'
}

# Where the known bug of stack $1 with signature $2 is described; fails
# when it is not a known bug (ci/soak_known.txt).
known_bug() {
  local stack pattern where
  while read -r stack pattern where; do
    # shellcheck disable=SC2053  # the pattern is a glob
    [ "$stack" = "$1" ] && [[ $2 == $pattern ]] && { echo "$where"; return 0; }
  done < <(grep -vE '^\s*(#|$)' ci/soak_known.txt)
  return 1
}

rows=()
any_finding=0 any_setup_failure=0 interrupted=0 target=""
# shellcheck disable=SC2317  # a trap handler
on_signal() {
  interrupted=1
  [ -z "$target" ] || kill -TERM "$target" 2> /dev/null || true
}
trap on_signal INT TERM
for g in "${settings[@]}"; do
  mkdir -p "$out/$g"
  for s in "${stacks[@]}"; do
    if ((interrupted)); then
      rows+=("$s|$g|not run (interrupted)|-|-|-|-|-|-|-|-")
      continue
    fi
    echo
    echo "=== $s, setting $g ($duration) ==="
    rm -rf "${out:?}/$g/$s"
    # In the background and in its own session, so that INT/TERM here is
    # passed on to it once, as TERM (a stack stops cleanly on the first, at
    # once on the second). Its output goes to the log, shown by tail.
    log=$out/$g/$s.log
    : > "$log"  # before tail looks for it
    OPENRACE_SOAK_EXTRA_ARGS="$(setting_flags "$g") ${OPENRACE_SOAK_EXTRA_ARGS:-}" \
      setsid "ci/targets/$s.sh" "$duration" "$out/$g" "$seed" >> "$log" 2>&1 &
    target=$!
    tail -n +1 --pid="$target" -f "$log" &
    while :; do
      status=0
      wait "$target" || status=$?
      kill -0 "$target" 2> /dev/null || break
    done
    target=""
    wait  # for tail, which ends within a second of the target
    summary=$out/$g/$s/summary.json
    scenarios=- calls=- judged=- unjudged=- ends=- rate=- findings=- known=-
    if [ "$status" -eq 0 ] || [ "$status" -eq 1 ] || [ "$status" -eq 130 ]; then
      scenarios=$(json_value scenarios "$summary")
      calls=$(json_value calls "$summary")
      judged=$(json_value judged_calls "$summary")
      unjudged=$(json_value unjudged_calls "$summary")
      ends=$(json_value end_states_judged "$summary")
      rate=$(printf '%.0f' "$(json_value calls_per_second "$summary")")
      findings=0 known=0
      while read -r sig n; do
        [ -n "$sig" ] || continue
        if known_bug "$s" "$sig" > /dev/null; then
          known=$((known + n))
        else
          findings=$((findings + n))
        fi
      done < <(json_counts findings "$summary")
    fi
    case $status in
      0) state=ran ;;
      1) if [ "$findings" = 0 ]; then
           state="ran, known bugs only"
         else
           state="ran, FINDINGS"; any_finding=1
         fi ;;
      77) state="skipped: $(cat "$out/$g/$s/skipped" 2> /dev/null || echo '?')" ;;
      130) state="stopped early"; [ "$findings" = 0 ] || [ "$findings" = - ] || any_finding=1 ;;
      *) state="SETUP FAILED (exit $status; see $g/$s.log)"; any_setup_failure=1 ;;
    esac
    ((interrupted)) && state="$state (interrupted)"
    rows+=("$s|$g|$state|$scenarios|$calls|$judged|$unjudged|$ends|$rate|$findings|$known")
  done
done

{
  echo
  echo "soak: $duration per stack and setting, seed $seed ($out)"
  # "end states": rounds whose end state was read back and judged.
  format='%-15s %-8s %-38s %9s %11s %11s %9s %10s %8s %8s %6s\n'
  # shellcheck disable=SC2059  # the format is ours
  printf "$format" stack setting status scenarios calls judged unjudged "end states" calls/s findings known
  for row in "${rows[@]}"; do
    IFS='|' read -r s g state scenarios calls judged unjudged ends rate findings known <<< "$row"
    # shellcheck disable=SC2059
    printf "$format" "$s" "$g" "$state" "$scenarios" "$calls" "$judged" "$unjudged" "$ends" "$rate" "$findings" "$known"
  done
  for g in "${settings[@]}"; do
    for s in "${stacks[@]}"; do
      summary=$out/$g/$s/summary.json
      [ -f "$summary" ] || continue
      reasons=$(json_counts unjudged "$summary" | paste -sd ' ' -)
      [ -z "$reasons" ] || echo "unjudged on $s ($g), by reason: $reasons"
      while read -r sig n; do
        [ -n "$sig" ] || continue
        if where=$(known_bug "$s" "$sig"); then
          echo "known bug on $s ($g): $sig ($n scenario(s)), described in $where: $out/$g/$s/$sig/report.md"
        else
          echo "finding on $s ($g): $sig ($n scenario(s)): $out/$g/$s/$sig/found.scn, $out/$g/$s/$sig/report.md"
        fi
      done < <(json_counts findings "$summary")
    done
  done
} | tee "$out/table.txt"

if ((any_finding)); then
  echo "soak: findings — each is a false alarm of the oracle or a new file-system bug; investigate" >&2
  exit 1
fi
((any_setup_failure)) && exit 2
((interrupted)) && exit 130
exit 0
