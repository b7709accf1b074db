#!/usr/bin/env bash
# End-to-end: `openrace bisect` tells what the planted seed bug is and is not.
#   ci/e2e_bisect.sh OPENRACE EMULATOR_LIB SCENARIO
# With the emulator's held-relative rule at p = 0.05 rooted at the bisect
# directory, and a control directory outside that root, the bisection of
# SCENARIO (corpus/seed_held_relative.scn) must show: failures as found;
# none with an absolute path, in the control directory, with one thread or
# with no held handle (the emulator cannot fire there); exit status 1.
set -euo pipefail
openrace=$1 emulator=$2 scenario=$3
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir "$work/dir" "$work/control"

status=0
env LD_PRELOAD="$emulator" OPENRACE_EMULATOR_ROOT="$work/dir" \
    OPENRACE_EMULATOR_RULES=held-relative OPENRACE_EMULATOR_P=0.05 \
    OPENRACE_EMULATOR_SEED=13 \
    "$openrace" bisect "$scenario" --dir "$work/dir" \
      --control-dir "$work/control" \
      > "$work/table.md" 2> "$work/stderr" || status=$?
cat "$work/table.md"

fail() { cat "$work/stderr"; echo "FAIL: $*" >&2; exit 1; }
[ "$status" -eq 1 ] || fail "expected exit status 1, got $status"
# The failures column of the row named $1, or "missing".
failures() {
  awk -F'|' -v name="$1" '
    { v = $2; gsub(/^ +| +$/, "", v) }
    v == name { f = $3; gsub(/ /, "", f); print f; found = 1 }
    END { if (!found) print "missing" }' "$work/table.md"
}
found=$(failures "as found")
[ "$found" != missing ] && [ "$found" -gt 0 ] ||
  fail "expected failures as found, got '$found'"
for row in "absolute path" "control directory" "one thread" "no held handle"; do
  got=$(failures "$row")
  [ "$got" = 0 ] || fail "expected 0 failures for '$row', got '$got'"
done
# Nothing is left behind in either directory.
[ -z "$(ls -A "$work/dir")" ] && [ -z "$(ls -A "$work/control")" ] ||
  fail "a sandbox was left behind: $(ls -AR "$work/dir" "$work/control")"
echo "ok: as found $found failures; absolute path, control directory, one thread and no held handle 0"
