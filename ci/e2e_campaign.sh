#!/usr/bin/env bash
# End-to-end: a blind campaign finds the planted seed bug and shrinks it.
#   ci/e2e_campaign.sh OPENRACE EMULATOR_LIB finds
#       with the emulator at p = 0.01 rooted at the campaign directory, a
#       `run --time 240s` finds open-invalid_parameter-EINVAL-transient-cwd
#       as its ONE finding, minimizes it to two threads, one file, one held
#       open and one reopen, and pins the interleaving the bug needs (a
#       barrier between the held open and the reopen); it ends within its
#       budget; its report.md is rebuilt byte for byte by `openrace report`
#       (ci/e2e_report.sh). Then a `run --time 30s` with the emulator failing
#       relative opens through either anchor must end within 35 s with one
#       finding, the other anchor's signature (when seen) a variant of it.
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
# direction runs 60, still many more than the finding ever needed. The
# finding direction runs on a budget, and must keep it: --time is the end
# of the run, minimization and bisection included (a few seconds of grace).
limit=(--scenarios 60)
budget=240
[ "$mode" = outside ] || limit=(--time "${budget}s" --minimize_time 160s)

status=0
start=$(date +%s)
env LD_PRELOAD="$emulator" OPENRACE_EMULATOR_ROOT="$root" \
    OPENRACE_EMULATOR_RULES=held-relative OPENRACE_EMULATOR_ANCHORS=cwd \
    OPENRACE_EMULATOR_P=0.01 \
    OPENRACE_EMULATOR_SEED=11 \
    "$openrace" run --dir "$work/dir" --out "$work/out" "${limit[@]}" \
      --seed 3 --nomutations \
      --control-dir "$work/control" \
      > "$work/stdout" 2> "$work/stderr" || status=$?
elapsed=$(( $(date +%s) - start ))
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
echo "run --time ${budget}s took ${elapsed}s"
if [ "$elapsed" -gt $((budget + 10)) ]; then
  echo "FAIL: run --time ${budget}s took ${elapsed}s" >&2; exit 1
fi
# One bug, one finding: every other signature of it is a variant.
findings=$(find "$work/out" -mindepth 1 -maxdepth 1 -type d | wc -l)
if [ "$findings" -ne 1 ]; then
  ls "$work/out"; echo "FAIL: $findings finding directories; expected 1" >&2; exit 1
fi
minimizer_log() { grep -E '^  (start|accepted|refused|pinned|not pinned|final|1-minimal|partial|time budget|sandbox broken|going on|file system unusable|skipped|unrunnable)' "$work/stderr" >&2 || true; }
scn="$finding/minimized.scn"
cat "$scn"
count() { grep -cE "$1" "$scn" || true; }
threads=$(count '^thread$')
files=$(count '^file ')
held=$(count '^ *[A-Za-z_][A-Za-z0-9_]* = open ')
# The calls of the threads (indented); a `shared` directory handle the held
# open is anchored on is not a call, and the minimizer keeps anchors as they
# are (simplify.h: the anchor may be the trigger).
opens=$(count '^  ([A-Za-z_][A-Za-z0-9_]* = )?open ')
if [ "$threads" -ne 2 ] || [ "$files" -ne 1 ] || [ "$held" -ne 1 ] || [ "$opens" -ne 2 ]; then
  echo "FAIL: minimized to $threads threads, $files files, $held held opens, $opens opens;" \
       "expected 2, 1, 1, 2" >&2
  minimizer_log
  exit 1
fi
for f in found.scn stats.json report.md repro.c timeline.svg; do
  [ -s "$finding/$f" ] || { echo "FAIL: $finding/$f missing" >&2; exit 1; }
done
# The interleaving is pinned: the reopening thread waits at a barrier that
# the holding thread reaches only after its open, right before the reopen.
grep -q '"pinned": true' "$finding/stats.json" ||
  { minimizer_log; echo "FAIL: stats.json: not pinned" >&2; exit 1; }
awk '
  /^thread$/ { prev = ""; next }
  /^  open / { if (prev !~ /^  barrier [0-9]+$/) bad = 1; reopen = 1 }
  /^  [A-Za-z_][A-Za-z0-9_]* = open / { held = 1; getline after;
    if (after !~ /^  barrier [0-9]+$/) bad = 1; prev = after; next }
  { prev = $0 }
  END { exit !(reopen && held && !bad) }' "$scn" ||
  { minimizer_log; echo "FAIL: minimized.scn does not pin the held open before the reopen" >&2; exit 1; }
# Provenance: the emulator was loaded, and report.md says so at the top.
grep -q '"emulator": true' "$finding/stats.json" && grep -q '"scenario_index": ' "$finding/stats.json" ||
  { echo "FAIL: stats.json lacks the provenance" >&2; exit 1; }
grep -q '^> \*\*A planted bug.\*\*' "$finding/report.md" ||
  { echo "FAIL: report.md does not say the bug was planted" >&2; exit 1; }
# One rate: the report's and the bisection's "as found" row.
rate=$(grep -oE '^Rate: [0-9]+ of [0-9]+ rounds' "$finding/report.md" | awk '{print $2 "/" $4}')
as_found=$(grep -E '^\| as found \|' "$finding/report.md" | awk -F'|' '{gsub(/ /,""); print $3 "/" $4}')
if [ -z "$rate" ] || [ "$rate" != "$as_found" ]; then
  echo "FAIL: report rate $rate and 'as found' $as_found differ" >&2; exit 1
fi
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
echo "ok: found, minimized and pinned $signature, one finding, in ${elapsed}s"

# The budget once more, short, with the planted bug reachable through
# either anchor: the run ends by 30 s plus grace, with one finding; a
# signature of the other anchor is a variant of it.
mkdir "$work/dir2" "$work/control2"
status=0
start=$(date +%s)
env LD_PRELOAD="$emulator" OPENRACE_EMULATOR_ROOT="$work/dir2" \
    OPENRACE_EMULATOR_RULES=held-relative OPENRACE_EMULATOR_P=0.01 \
    OPENRACE_EMULATOR_SEED=11 \
    "$openrace" run --dir "$work/dir2" --out "$work/out2" --time 30s --seed 3 \
      --nomutations --control-dir "$work/control2" \
      > "$work/stdout2" 2> "$work/stderr2" || status=$?
elapsed=$(( $(date +%s) - start ))
echo "run --time 30s took ${elapsed}s (exit $status)"
if [ "$elapsed" -gt 35 ]; then
  tail -20 "$work/stderr2"; echo "FAIL: run --time 30s took ${elapsed}s" >&2; exit 1
fi
findings=$(find "$work/out2" -mindepth 1 -maxdepth 1 -type d | wc -l)
if [ "$status" -ne 1 ] || [ "$findings" -ne 1 ]; then
  ls "$work/out2"; echo "FAIL: $findings finding directories (exit $status); expected 1" >&2; exit 1
fi
dir2=$(find "$work/out2" -mindepth 1 -maxdepth 1 -type d)
for variant in "$dir2"/variant-*.scn; do
  [ -e "$variant" ] || continue
  name=$(basename "$variant" .scn); name=${name#variant-}
  grep -q "^| \`$name\` |" "$dir2/report.md" ||
    { echo "FAIL: variant $name not listed in report.md" >&2; exit 1; }
  echo "ok: variant $name of $(basename "$dir2")"
done
[ -s "$dir2/minimized.scn" ] ||
  { echo "FAIL: no minimized.scn (partial or not) after the budget" >&2; exit 1; }
echo "ok: run --time 30s kept its budget with one finding"
