#!/usr/bin/env bash
# The resident memory of a long campaign stays flat.
#   ci/campaign_memory.sh DURATION [OPENRACE]     (DURATION: 90s, 10m, 1h)
# Runs `openrace campaign --jobs 2` (no emulator) on a temporary directory
# for DURATION and samples, every 5 seconds from /proc, the total resident
# size of the supervisor and all its workers. Prints the total at 1 minute
# (at half of DURATION when it is shorter than 2 minutes), the largest
# after it, and the growth; fails when the growth exceeds 10 %.
# OPENRACE defaults to $OPENRACE, then build/openrace.
set -euo pipefail
duration=${1:?usage: ci/campaign_memory.sh DURATION [OPENRACE]}
openrace=${2:-${OPENRACE:-build/openrace}}
case $duration in
  *s) seconds=${duration%s} ;;
  *m) seconds=$((${duration%m} * 60)) ;;
  *h) seconds=$((${duration%h} * 3600)) ;;
  *) echo "campaign_memory.sh: '$duration' is not a duration like 90s or 10m" >&2; exit 2 ;;
esac
baseline_at=60
[ "$seconds" -lt 120 ] && baseline_at=$((seconds / 2))

work=$(mktemp -d)
supervisor=""
cleanup() {
  [ -n "$supervisor" ] && kill "$supervisor" 2> /dev/null || true
  wait 2> /dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
mkdir "$work/dir"

"$openrace" campaign --dir "$work/dir" --out "$work/out" --jobs 2 \
  --time "$duration" > "$work/stdout" 2> "$work/stderr" &
supervisor=$!

# Resident kB of a process and of every descendant of it.
tree_rss_kb() {
  local total=0 pid kb
  for pid in $1 $(pgrep -P "$1" || true); do
    kb=$(awk '/^VmRSS:/ { print $2 }' "/proc/$pid/status" 2> /dev/null || true)
    total=$((total + ${kb:-0}))
  done
  echo "$total"
}

start=$(date +%s)
baseline=0 peak=0
while kill -0 "$supervisor" 2> /dev/null; do
  sleep 5
  elapsed=$(($(date +%s) - start))
  rss=$(tree_rss_kb "$supervisor")
  [ "$rss" -gt 0 ] || continue
  if [ "$baseline" -eq 0 ] && [ "$elapsed" -ge "$baseline_at" ]; then
    baseline=$rss
    echo "campaign_memory: ${elapsed}s: ${rss} kB (baseline)"
  elif [ "$baseline" -gt 0 ] && [ "$rss" -gt "$peak" ]; then
    peak=$rss
    echo "campaign_memory: ${elapsed}s: ${rss} kB (new largest)"
  fi
done
status=0
wait "$supervisor" || status=$?
supervisor=""
cat "$work/stdout"
if [ "$status" -ne 0 ]; then
  cat "$work/stderr" >&2
  echo "FAIL: the campaign exited $status (expected 0: no findings)" >&2
  exit 1
fi
if [ "$baseline" -eq 0 ]; then
  echo "FAIL: the campaign ended before the baseline sample at ${baseline_at}s" >&2
  exit 1
fi
[ "$peak" -gt 0 ] || peak=$baseline
growth=$(awk -v b="$baseline" -v p="$peak" 'BEGIN { printf "%.1f", (p - b) * 100 / b }')
echo "campaign_memory: resident at ${baseline_at}s ${baseline} kB, largest after it ${peak} kB, growth ${growth} %"
if awk -v b="$baseline" -v p="$peak" 'BEGIN { exit !(p > b * 1.10) }'; then
  echo "FAIL: resident size grew by ${growth} % (limit 10 %)" >&2
  exit 1
fi
echo "ok: resident size flat within 10 %"
