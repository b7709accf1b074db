#!/usr/bin/env bash
# End-to-end: a blind `openrace run` finds a planted bug that the exact
# oracle judges and the per-call rules could not (a wrong success; a racy
# status beside a sibling's create).
#   ci/e2e_planted.sh OPENRACE EMULATOR_LIB excl-create-wins
#       an exclusive create (O_CREAT|O_EXCL) of an existing file opens it:
#       found as open-ok-0-unexpected-cwd and minimized to at most two
#       threads and two calls.
#   ci/e2e_planted.sh OPENRACE EMULATOR_LIB sibling-create-enoent
#       an open of an existing file fails with ENOENT while another thread
#       creates a sibling: found as open-not_found-ENOENT-<verdict>-<anchor>
#       (not minimized: at its rate that takes minutes). The anchor (the
#       first open the rule hit) and the verdict (whether the retry was hit
#       too) are timing's choice; any is the bug (SameBug, bisect.h).
#   ci/e2e_planted.sh OPENRACE EMULATOR_LIB rename-lost
#       a rename answers success and does nothing: found as a wrong success
#       (*-ok-0-*) and minimized to at most two threads and three calls, a
#       rename among them. Which shows first is timing's choice: the rename
#       itself, `lost` when only the state the round left shows it (one
#       thread: mkdir, rename) or `unexpected` when the answers do (two
#       renames of one source that both succeed); or a later call of the
#       round whose success the lost rename made wrong, in a round whose end
#       state was not read (seen in a fresh-clone run: open-ok-0-unexpected-abs,
#       a supersede after the rename, minimized to 2 threads, 3 calls).
set -euo pipefail
openrace=$1 emulator=$2 rule=$3
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir "$work/dir"

case "$rule" in
  excl-create-wins)
    signature=open-ok-0-unexpected-cwd
    flags=(--rounds 20 --minimize_time 30s) ;;
  sibling-create-enoent)
    signature='open-not_found-ENOENT-*'
    flags=(--rounds 50 --no-minimize) ;;
  rename-lost)
    signature='*-ok-0-*'
    flags=(--rounds 20 --minimize_time 30s) ;;
  *) echo "unknown rule $rule" >&2; exit 2 ;;
esac

status=0
env LD_PRELOAD="$emulator" OPENRACE_EMULATOR_ROOT="$work/dir" \
    OPENRACE_EMULATOR_RULES="$rule" OPENRACE_EMULATOR_P=1 \
    OPENRACE_EMULATOR_SEED=5 \
    "$openrace" run --dir "$work/dir" --out "$work/out" --scenarios 100 \
      --seed 1 --stop_after 1 "${flags[@]}" \
      > "$work/stdout" 2> "$work/stderr" || status=$?
cat "$work/stdout"
# shellcheck disable=SC2206  # the signature may be a pattern
found=("$work"/out/$signature)
finding=${found[0]}
if [ "$status" -ne 1 ] || [ ! -f "$finding/found.scn" ]; then
  cat "$work/stderr"; ls -R "$work/out" || true
  echo "FAIL: expected $signature under $rule (exit $status)" >&2; exit 1
fi
# The minimized scenario: at most `max_threads` threads and `max_calls`
# calls, with at least one call that matches `needed` (the call the rule
# hits).
case "$rule" in
  excl-create-wins) max_threads=2 max_calls=2 needed='open .*disp=create' ;;
  rename-lost) max_threads=2 max_calls=3 needed='rename ' ;;
  *) max_threads= ;;
esac
if [ -n "$max_threads" ]; then
  scn="$finding/minimized.scn"
  [ -f "$scn" ] || { cat "$work/stderr"; echo "FAIL: not minimized" >&2; exit 1; }
  cat "$scn"
  threads=$(grep -c '^thread$' "$scn" || true)
  calls=$(grep -cE '^ +(open|mkdir|stat|delete|rename) ' "$scn" || true)
  hit=$(grep -cE "^ +$needed" "$scn" || true)
  if [ "$threads" -gt "$max_threads" ] || [ "$calls" -gt "$max_calls" ] || [ "$hit" -lt 1 ]; then
    echo "FAIL: minimized to $threads threads, $calls calls, $hit matching" \
         "'$needed'; expected at most $max_threads, at most $max_calls, at least 1" >&2
    exit 1
  fi
fi
echo "ok: $rule found blind as $(basename "$finding")"
