#!/usr/bin/env bash
# End-to-end: `openrace report FINDING_DIR` rebuilds report.md,
# timeline.svg and bisect.svg from a finding directory without running
# anything.
#   ci/e2e_report.sh OPENRACE FINDING_DIR
# FINDING_DIR is a complete finding written by `openrace run` (e2e_campaign.sh
# passes its own); it is copied, never changed. Checks:
#   - the rebuilt report.md, timeline.svg and bisect.svg (when the finding
#     was bisected, and then report.md links it) are byte-equal to run's;
#   - without minimized.scn and repro.c, a report of the rest is written
#     and both are named as missing;
#   - a directory that is not a finding directory, a malformed stats.json,
#     and bad usage exit 2 with one line.
set -euo pipefail
openrace=$1 finding=$2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
for f in found.scn minimized.scn stats.json report.md timeline.svg repro.c; do
  [ -s "$finding/$f" ] || fail "$finding/$f missing: not a complete finding"
done
signature=$(basename "$finding")

# 1. Byte-equal to what run wrote.
copy="$work/full/$signature"
mkdir -p "$work/full" && cp -r "$finding" "$copy"
rm "$copy/report.md" "$copy/timeline.svg"
rm -f "$copy/bisect.svg"
"$openrace" report "$copy" 2> "$work/full.err" || { cat "$work/full.err"; fail "report exited $?"; }
cmp "$finding/report.md" "$copy/report.md" || {
  diff "$finding/report.md" "$copy/report.md" | head -20; fail "report.md differs from run's"; }
cmp "$finding/timeline.svg" "$copy/timeline.svg" || fail "timeline.svg differs from run's"
if grep -q '^## What it is and is not' "$finding/report.md"; then
  [ -s "$finding/bisect.svg" ] || fail "a bisected finding without bisect.svg"
  grep -q '(bisect.svg)' "$finding/report.md" || fail "report.md does not link bisect.svg"
  cmp "$finding/bisect.svg" "$copy/bisect.svg" || fail "bisect.svg differs from run's"
else
  [ ! -e "$copy/bisect.svg" ] || fail "bisect.svg drawn for a finding without a bisection"
fi
grep -q 'not in the directory' "$work/full.err" && fail "a complete finding reported missing pieces"

# 2. Missing pieces: reported, and named.
part="$work/part/$signature"
mkdir -p "$work/part" && cp -r "$finding" "$part"
rm "$part/minimized.scn" "$part/repro.c"
"$openrace" report "$part" 2> "$work/part.err" || { cat "$work/part.err"; fail "report of a partial finding exited $?"; }
grep -q '^## Not in this finding directory' "$part/report.md" || fail "report.md does not say what is missing"
for piece in minimized.scn repro.c; do
  grep -q "^- $piece" "$part/report.md" || fail "report.md does not name $piece"
  grep -q "not in the directory: $piece" "$work/part.err" || fail "stderr does not name $piece"
done
grep -q '^## Scenario$' "$part/report.md" || fail "the found scenario is not shown"

# 3. Not a finding directory, malformed files, bad usage: exit 2, one line.
expect_usage_error() {  # NAME PATTERN ARGS...
  local name=$1 pattern=$2 status=0
  shift 2
  "$openrace" report "$@" > "$work/$name.out" 2> "$work/$name.err" || status=$?
  [ "$status" -eq 2 ] || fail "$name: expected exit 2, got $status"
  [ "$(wc -l < "$work/$name.err")" -eq 1 ] || fail "$name: expected one line: $(cat "$work/$name.err")"
  grep -q "$pattern" "$work/$name.err" || fail "$name: '$pattern' not in: $(cat "$work/$name.err")"
  [ ! -s "$work/$name.out" ] || fail "$name wrote to stdout"
}
mkdir "$work/empty"
expect_usage_error empty "not a finding directory" "$work/empty"
expect_usage_error absent "not a finding directory" "$work/absent"
expect_usage_error file "not a finding directory" "$finding/found.scn"
expect_usage_error usage "exactly one FINDING_DIR"
expect_usage_error two "exactly one FINDING_DIR" "$copy" "$part"
bad="$work/bad/$signature"
mkdir -p "$work/bad" && cp -r "$finding" "$bad"
printf '{\n  "rate": {\n' > "$bad/stats.json"
expect_usage_error bad_stats "stats.json: offset" "$bad"
cmp -s "$finding/report.md" "$bad/report.md" || fail "a failed report changed report.md"
echo "ok: report and pictures rebuilt byte-equal, partial finding reported, bad directories refused"
