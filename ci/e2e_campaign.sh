#!/usr/bin/env bash
# End-to-end: a blind campaign finds the planted seed bug and shrinks it.
#   ci/e2e_campaign.sh OPENRACE EMULATOR_LIB finds
#       with the emulator at p = 0.01 rooted at the campaign directory, a
#       campaign of at most 400 scenarios finds
#       open-invalid_parameter-EINVAL-transient-cwd and minimizes it to two
#       threads, one file, one held open and one reopen; its report.md is
#       rebuilt byte for byte by `openrace report` (ci/e2e_report.sh).
#   ci/e2e_campaign.sh OPENRACE EMULATOR_LIB outside
#       with the emulator loaded but rooted elsewhere, the same campaign
#       (60 scenarios) finds nothing.
set -euo pipefail
openrace=$1 emulator=$2 mode=$3
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir "$work/dir" "$work/elsewhere" "$work/control"
root="$work/dir"
[ "$mode" = outside ] && root="$work/elsewhere"

# Finding the bug takes a handful of scenarios at p = 0.01; the clean
# direction runs fewer, still many more than the finding ever needed.
scenarios=400
[ "$mode" = outside ] && scenarios=60

# The minimizer stops at a 1-minimal scenario, usually well inside a minute;
# its budget only bounds a slow machine (at ~100 rounds/s under load 90s ran
# out with a shared handle left), so it is generous here.
status=0
env LD_PRELOAD="$emulator" OPENRACE_EMULATOR_ROOT="$root" \
    OPENRACE_EMULATOR_RULES=held-relative OPENRACE_EMULATOR_ANCHORS=cwd \
    OPENRACE_EMULATOR_P=0.01 \
    OPENRACE_EMULATOR_SEED=11 \
    "$openrace" run --dir "$work/dir" --out "$work/out" --scenarios "$scenarios" \
      --seed 3 --stop_after 1 --minimize_time 240s --nomutations \
      --control-dir "$work/control" \
      > "$work/stdout" 2> "$work/stderr" || status=$?
cat "$work/stdout"

if [ "$mode" = outside ]; then
  if [ "$status" -ne 0 ]; then
    cat "$work/stderr"; echo "FAIL: expected no finding outside the root (exit $status)" >&2; exit 1
  fi
  echo "ok: no finding outside the emulator's root"
  exit 0
fi

signature=open-invalid_parameter-EINVAL-transient-cwd
finding="$work/out/$signature"
if [ "$status" -ne 1 ] || [ ! -f "$finding/minimized.scn" ]; then
  cat "$work/stderr"; ls -R "$work/out" || true
  echo "FAIL: expected $signature minimized (exit $status)" >&2; exit 1
fi
scn="$finding/minimized.scn"
cat "$scn"
count() { grep -cE "$1" "$scn" || true; }
threads=$(count '^thread$')
files=$(count '^file ')
held=$(count '^ *[A-Za-z_][A-Za-z0-9_]* = open ')
opens=$(count '(^| )open ')
if [ "$threads" -ne 2 ] || [ "$files" -ne 1 ] || [ "$held" -ne 1 ] || [ "$opens" -ne 2 ]; then
  echo "FAIL: minimized to $threads threads, $files files, $held held opens, $opens opens;" \
       "expected 2, 1, 1, 2" >&2
  exit 1
fi
for f in found.scn stats.json report.md repro.c timeline.svg; do
  [ -s "$finding/$f" ] || { echo "FAIL: $finding/$f missing" >&2; exit 1; }
done
# The report shows the bisection: relative fails, absolute and the control
# directory are clean; and the failing round as a timeline.
report="$finding/report.md"
row() { grep -E "^\| $1 \|" "$report" | head -n 1; }
if ! row 'as found' | grep -qE '^\| as found \| [1-9]' ||
   ! row 'absolute path' | grep -qE '\| 0 \|' ||
   ! row 'control directory' | grep -qE '\| 0 \|' ||
   ! grep -q '^## A failing round' "$report"; then
  cat "$report"; echo "FAIL: report.md lacks the bisection or the timeline" >&2; exit 1
fi
# The C reproducer compiles cleanly, reproduces under the emulator and is
# clean without it.
gcc -std=c11 -O2 -Wall -Wextra -Werror -pthread -o "$work/repro" "$finding/repro.c"
mkdir "$work/repro-dir"
status=0
env LD_PRELOAD="$emulator" OPENRACE_EMULATOR_ROOT="$work/repro-dir" \
    OPENRACE_EMULATOR_RULES=held-relative OPENRACE_EMULATOR_ANCHORS=cwd \
    OPENRACE_EMULATOR_P=0.05 "$work/repro" "$work/repro-dir" 20000 > "$work/repro.out" || status=$?
if [ "$status" -ne 1 ]; then
  cat "$work/repro.out"; echo "FAIL: repro.c did not reproduce under the emulator (exit $status)" >&2; exit 1
fi
"$work/repro" "$work/repro-dir" 2000 > "$work/repro.out" || {
  cat "$work/repro.out"; echo "FAIL: repro.c is not clean without the emulator" >&2; exit 1; }
# `openrace report` rebuilds this finding's report byte for byte.
bash "$(dirname "$0")/e2e_report.sh" "$openrace" "$finding"
echo "ok: found and minimized $signature"
