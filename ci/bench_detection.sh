#!/usr/bin/env bash
# Detection benchmark (called by ci/bench.sh):
#  1. time to the first finding of the planted seed bug at p = 0.001: a
#     blind campaign (`openrace run --stop-after 1 --no-minimize`, seeds
#     1..15) beside the bug report's own reproducer ported to POSIX
#     (ci/bench/report_reproducer.c: worker threads open files by relative
#     path, a fresh thread reopens each while it is held), each under the
#     planted-bug emulator with the same rule, anchors and p, emulator seeds
#     1..15; medians, and the ratio campaign / reproducer. A campaign's time
#     is from its start to the moment found.scn was written; the
#     reproducer's from its start to its exit at the first EINVAL; both
#     include starting the process.
#  2. `openrace campaign` throughput with 1, 2 and 4 jobs (calls/s from
#     OUT/summary.json, 20 s each, no emulator), skipped with a line saying
#     so while the command does not exist.
#   ci/bench_detection.sh [BUILD_DIR]     (BUILD_DIR built; default build)
# Fifteen seeds, not five: both times are geometric draws (seeds need 1 to
# 27 scenarios), and the median of five moved from 3.4x to 14x between runs
# of one build.
# Both run on tmpfs (OPENRACE_BENCH_TMPFS, default /dev/shm), as
# ci/bench_throughput.sh's anchors do: on ext4 (this machine's /tmp) the
# reproducer's opens of existing files cost what they cost on tmpfs, but a
# campaign's creates, deletes and renames cost 3-4 times more (10 generated
# scenarios of seed 7: 0.77 s on tmpfs, 2.8 s on ext4), so its ratio there
# was 19-24x against 12-14x on tmpfs.
# OPENRACE_BENCH_SEEDS (default 1 to 15), OPENRACE_BENCH_CAMPAIGN_TIME
# (default 20s) and OPENRACE_BENCH_JOBS (default "1 2 4") shorten it.
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build}
. ci/bench_lib.sh
openrace=$(bench_bin "$build" openrace)
emulator=$(bench_bin "$build" libopenrace_emulator.so)
seeds=${OPENRACE_BENCH_SEEDS:-$(seq -s ' ' 1 15)}
p=0.001
tmpfs=${OPENRACE_BENCH_TMPFS:-/dev/shm}
work=$(mktemp -d)
runs=$(mktemp -d "$tmpfs/openrace-detect.XXXXXX")  # the directories under test
trap 'rm -rf "$work" "$runs"' EXIT

now() { date +%s.%N; }
under_emulator() {  # ROOT SEED COMMAND...
  local root=$1 seed=$2; shift 2
  env LD_PRELOAD="$emulator" OPENRACE_EMULATOR_ROOT="$root" \
      OPENRACE_EMULATOR_RULES=held-relative OPENRACE_EMULATOR_ANCHORS=cwd \
      OPENRACE_EMULATOR_P=$p OPENRACE_EMULATOR_SEED="$seed" "$@"
}

echo "== time to the first finding of the seed bug at p = $p (on $(stat -f -c %T "$runs"), load average $(cut -d' ' -f1-3 /proc/loadavg))"
gcc -std=c11 -O2 -Wall -Wextra -Werror -pthread -o "$work/report_reproducer" \
  ci/bench/report_reproducer.c
signature=open-invalid_parameter-EINVAL-transient-cwd
: > "$work/campaign.txt"
: > "$work/reproducer.txt"
for seed in $seeds; do
  run="$runs/run-$seed"
  mkdir -p "$run/dir"
  start=$(now)
  status=0
  under_emulator "$run/dir" "$seed" "$openrace" run --dir "$run/dir" \
    --out "$run/out" --seed "$seed" --stop-after 1 --no-minimize --time 10m \
    > "$run/stdout" 2> "$run/stderr" || status=$?
  found="$run/out/$signature/found.scn"
  if [ "$status" -ne 1 ] || [ ! -f "$found" ]; then
    cat "$run/stderr" >&2
    echo "FAIL: campaign seed $seed did not find $signature in 10m (exit $status)" >&2
    exit 1
  fi
  t=$(awk -v a="$start" -v b="$(date -r "$found" +%s.%N)" 'BEGIN { printf "%.3f", b - a }')
  scenarios=$(sed -n 's/^ *"scenarios": \([0-9]*\),$/\1/p' "$run/out/summary.json")
  echo "  campaign   seed $seed: $t s ($scenarios scenarios)"
  echo "$t" >> "$work/campaign.txt"

  mkdir -p "$run/repro"
  start=$(now)
  status=0
  under_emulator "$run/repro" "$seed" "$work/report_reproducer" "$run/repro" 4 600 \
    > "$run/repro.txt" || status=$?
  end=$(now)
  if [ "$status" -ne 0 ]; then
    cat "$run/repro.txt" >&2
    echo "FAIL: the report's reproducer found no EINVAL with seed $seed (exit $status)" >&2
    exit 1
  fi
  t=$(awk -v a="$start" -v b="$end" 'BEGIN { printf "%.3f", b - a }')
  echo "  reproducer seed $seed: $t s ($(cat "$run/repro.txt"))"
  echo "$t" >> "$work/reproducer.txt"
done
campaign=$(median < "$work/campaign.txt")
reproducer=$(median < "$work/reproducer.txt")
printf "  median: campaign %.3f s, report's reproducer %.3f s, ratio campaign/reproducer %.1f\n" \
  "$campaign" "$reproducer" "$(awk -v a="$campaign" -v b="$reproducer" 'BEGIN { print a / b }')"

echo "== openrace campaign throughput (no emulator, ${OPENRACE_BENCH_CAMPAIGN_TIME:-20s} each)"
probe=$("$openrace" campaign 2>&1 || true)
if grep -q "unknown command 'campaign'" <<< "$probe"; then
  echo "  skipped: this openrace has no campaign command yet"
  exit 0
fi
for jobs in ${OPENRACE_BENCH_JOBS:-1 2 4}; do
  out="$runs/campaign-$jobs"
  mkdir -p "$out/dir"
  status=0
  "$openrace" campaign --dir "$out/dir" --out "$out/out" --jobs "$jobs" \
    --time "${OPENRACE_BENCH_CAMPAIGN_TIME:-20s}" --seed 1 \
    > "$out/stdout" 2> "$out/stderr" || status=$?
  rate=$(sed -n 's/^ *"calls_per_second": \([0-9.e+]*\),\{0,1\}$/\1/p' "$out/out/summary.json" 2>/dev/null | head -n 1)
  if [ "$status" -gt 1 ] || [ -z "$rate" ]; then
    cat "$out/stderr" >&2
    echo "FAIL: openrace campaign --jobs $jobs gave no calls_per_second (exit $status)" >&2
    exit 1
  fi
  printf "  --jobs %s: %12.0f calls/s\n" "$jobs" "$rate"
done
