#!/usr/bin/env bash
# End-to-end: `openrace campaign` killed with SIGKILL loses nothing and goes
# on where it was.
#   ci/e2e_resume.sh OPENRACE EMULATOR_LIB
# With the planted-bug emulator (p = 0.01) and --jobs 2, a campaign of 16
# scenarios runs until the seed bug's found.scn appears; then the
# supervisor is killed with SIGKILL, in the middle of the minimization.
# Checked after the kill: no worker survives; every finding file written
# before the kill is still there and well-formed; summary.json parses.
# Then the same command on the same OUT: it ends with exit 1; the campaign
# has run each of the 16 scenarios once (the count went on, not from zero);
# the finding left unminimized now has minimized.scn and report.md; it has
# one directory; it was found once and taken over once (minimized by one
# worker of each supervisor, never twice).
set -euo pipefail
openrace=$1 emulator=$2
work=$(mktemp -d)
supervisor=""
cleanup() {
  [ -n "$supervisor" ] && kill -9 "$supervisor" 2> /dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
mkdir "$work/dir" "$work/control"
out=$work/out
signature=open-invalid_parameter-EINVAL-transient-cwd
finding=$out/$signature
fail() { echo "FAIL: $*" >&2; tail -n 20 "$out"/.campaign/worker-*.log >&2 || true; exit 1; }

campaign() {
  exec env LD_PRELOAD="$emulator" OPENRACE_EMULATOR_ROOT="$work/dir" \
      OPENRACE_EMULATOR_RULES=held-relative OPENRACE_EMULATOR_ANCHORS=cwd \
      OPENRACE_EMULATOR_P=0.01 OPENRACE_EMULATOR_SEED=11 \
      "$openrace" campaign --dir "$work/dir" --out "$out" --jobs 2 \
        --scenarios 16 --seed 3 --nomutations --minimize_time 20s \
        --control-dir "$work/control" "$@"
}

# `exec`, so that $! is the supervisor itself.
campaign > "$work/first.out" 2> "$work/first.err" &
supervisor=$!
# Scenarios finished, from the shards' checkpoints.
finished() { cat "$out"/.campaign/shard-* 2> /dev/null | awk '/^scenarios / { n += $2 } END { print n + 0 }'; }
# Kill once the finding is being minimized and the other worker has run a
# few scenarios more, so there is progress to go on from.
for _ in $(seq 900); do
  if [ -f "$finding/found.scn" ]; then
    [ "$(finished)" -ge 3 ] || [ -f "$finding/minimized.scn" ] && break
  fi
  kill -0 "$supervisor" 2> /dev/null || break
  sleep 0.1
done
[ -f "$finding/found.scn" ] || { cat "$work/first.err"; fail "no finding appeared"; }
# The minimization has started (found.scn is written first); kill now.
workers=$(sed -n 's/^pid //p' "$out"/.campaign/shard-*)
kill -9 "$supervisor"
before=$(finished)
wait "$supervisor" 2> /dev/null || true
supervisor=""
[ ! -f "$finding/minimized.scn" ] || echo "note: the minimization ended before the kill"

# Workers die with the supervisor (PR_SET_PDEATHSIG). A dead one may stay a
# zombie until its new parent reaps it: that is dead too.
running() {
  local state
  state=$(awk '{ print $3 }' "/proc/$1/stat" 2> /dev/null) || return 1
  [ -n "$state" ] && [ "$state" != Z ] && [ "$state" != X ]
}
for _ in $(seq 50); do
  alive=""
  for pid in $workers; do running "$pid" && alive="$alive $pid"; done
  [ -z "$alive" ] && break
  sleep 0.1
done
[ -z "$alive" ] || fail "workers survived the supervisor:$alive"

# What was written before the kill is there and whole.
(cd "$out" && find . -path ./.campaign -prune -o -type f -print | sort) > "$work/before"
python3 -m json.tool "$out/summary.json" > /dev/null || fail "summary.json does not parse"
python3 -m json.tool "$finding/stats.json" > /dev/null || fail "stats.json does not parse"
"$openrace" replay "$finding/found.scn" --dir "$work/dir" --rounds 1 > /dev/null ||
  [ $? -eq 1 ] || fail "found.scn does not parse"
[ "$before" -gt 0 ] || fail "no scenario had finished before the kill"
echo "killed after $before scenarios; files:"; cat "$work/before"

status=0
(campaign) > "$work/second.out" 2> "$work/second.err" || status=$?
cat "$work/second.out"
[ "$status" -eq 1 ] || { cat "$work/second.err"; fail "the resumed campaign exited $status, expected 1"; }
while read -r file; do
  [ -s "$out/$file" ] || [ "$(basename "$file")" = claim ] || fail "$file vanished or is empty"
done < "$work/before"
for f in found.scn minimized.scn report.md stats.json done; do
  [ -s "$finding/$f" ] || fail "$f missing after the resume"
done
python3 - "$out/summary.json" "$signature" << 'EOF' || fail "summary.json after the resume"
import json, sys
s = json.load(open(sys.argv[1]))
crashes = len(s["crashes"])
assert s["finished"] and not s["interrupted"], s
# Every index of the campaign ran once: the resumed run went on from the
# checkpoints (from zero it would have counted the early ones twice).
assert s["scenarios"] + crashes == 16, (s["scenarios"], crashes)
# Under the emulator the seed bug can have a consequence of its own (a
# create that failed leaves a later open without its file); the seed bug
# must be there.
assert sys.argv[2] in s["findings"], s["findings"]
assert s["findings"][sys.argv[2]] >= 1
assert sum(s["statuses"].values()) > 0 and s["statuses"]["ok"] > 0
EOF
dirs=$(find "$out" -maxdepth 1 -name "open-invalid_parameter-*" | wc -l)
[ "$dirs" -eq 1 ] || fail "$dirs directories for $signature"
found=$(cat "$out"/.campaign/worker-*.log | grep -c "^new finding $signature" || true)
taken=$(cat "$out"/.campaign/worker-*.log | grep -c "^taking over $signature" || true)
if [ -f "$work/before" ] && grep -q "$signature/minimized.scn" "$work/before"; then
  [ "$found" -eq 1 ] && [ "$taken" -eq 0 ] || fail "found $found times, taken over $taken times"
else
  [ "$found" -eq 1 ] && [ "$taken" -eq 1 ] || fail "found $found times, taken over $taken times (expected 1 and 1)"
fi
echo "ok: killed after $before scenarios, resumed to 16; $signature minimized once after a takeover"
