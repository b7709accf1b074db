#!/usr/bin/env bash
# End-to-end: `openrace campaign` survives a worker that crashes, hangs or
# blows up its memory, records the scenario that did it, and ends normally.
#   ci/e2e_campaign_faults.sh OPENRACE
# OPENRACE_CAMPAIGN_FAULT makes a worker abort at scenario 2, hang at
# scenario 3 and allocate without end at scenario 5 (command_campaign_worker.cc).
# A campaign of 10 scenarios with --jobs 2 must exit 0 with exactly those
# three in OUT/crashes/ (each replayable, saying what happened), every
# other scenario run once, and the workers restarted three times in all.
set -euo pipefail
openrace=$1
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir "$work/dir"
out=$work/out

status=0
OPENRACE_CAMPAIGN_FAULT=abort@2,hang@3,alloc@5 timeout -k 5 170 \
  "$openrace" campaign --dir "$work/dir" --out "$out" --jobs 2 --scenarios 10 \
    --rounds 20 --watchdog 2s --worker-timeout 6s --worker-rss-limit 300M \
    > "$work/stdout" 2> "$work/stderr" || status=$?
cat "$work/stdout"
fail() { cat "$work/stderr" >&2; echo "FAIL: $*" >&2; exit 1; }
[ "$status" -eq 0 ] || fail "campaign exited $status, expected 0"

expect_crash() {
  local index=$1 what=$2 file=$out/crashes/$1.scn
  [ -f "$file" ] || fail "scenario $index not recorded in $file"
  head -n 1 "$file" | grep -Eq "^# crash: $what" ||
    fail "$file says '$(head -n 1 "$file")', expected '$what'"
  "$openrace" replay "$file" --dir "$work/dir" --rounds 1 > /dev/null ||
    fail "$file does not replay"
}
expect_crash 2 'signal 6 \(SIGABRT\)'
expect_crash 3 'hang: no heartbeat for [0-9]+s'
expect_crash 5 'memory: resident [0-9]+ MiB, over --worker-rss-limit \(300 MiB\)'
crashes=$(find "$out/crashes" -name '*.scn' | wc -l)
[ "$crashes" -eq 3 ] || fail "$crashes crash records, expected 3"

python3 - "$out/summary.json" << 'EOF' || fail "summary.json"
import json, sys
s = json.load(open(sys.argv[1]))
assert s["finished"] and not s["interrupted"], s
assert s["scenarios"] == 7, s["scenarios"]          # 10, less the 3 skipped
assert sorted(c["scenario"] for c in s["crashes"]) == [2, 3, 5], s["crashes"]
assert sum(w["restarts"] for w in s["workers"]) == 3, s["workers"]
assert s["findings"] == {}, s["findings"]
assert s["statuses"]["ok"] > 0, s["statuses"]
EOF
echo "ok: an abort, a hang and a memory blow-up survived and recorded"
