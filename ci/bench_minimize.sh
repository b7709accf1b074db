#!/usr/bin/env bash
# Minimizer benchmark (called by ci/bench.sh with one run of one build):
# `openrace minimize` of ci/bench/seed_in_6x24.scn (6 threads, 24 calls,
# holding the seed pattern) under the planted-bug emulator at p = 0.001,
# RUNS times per build, the builds alternating so that a machine that
# grows busier slows them alike. Per run: wall time, rounds, candidates,
# and the size of the result; per build, the median wall time. Each run's
# time is a draw (a candidate is judged on rounds until a failure at
# p = 0.001), spread 2-3x within one build: compare builds on 5 runs or
# more.
#   ci/bench_minimize.sh RUNS BUILD_DIR...   (each BUILD_DIR built)
set -euo pipefail
cd "$(dirname "$0")/.."
if [ $# -lt 2 ]; then
  echo "usage: ci/bench_minimize.sh RUNS BUILD_DIR..." >&2
  exit 2
fi
runs=$1
shift
. ci/bench_lib.sh
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
get() { sed -n "s/^ *\"$2\": \([0-9.a-z]*\),\{0,1\}$/\1/p" "$1" | head -n 1; }  # STATS KEY

for run in $(seq 1 "$runs"); do
  for build in "$@"; do
    one="$work/$run-$(echo "$build" | tr '/' '_')"
    mkdir -p "$one/dir"
    cp ci/bench/seed_in_6x24.scn "$one/in.scn"
    start=$(date +%s.%N)
    env LD_PRELOAD="$(bench_bin "$build" libopenrace_emulator.so)" OPENRACE_EMULATOR_ROOT="$one/dir" \
        OPENRACE_EMULATOR_RULES=held-relative OPENRACE_EMULATOR_ANCHORS=cwd \
        OPENRACE_EMULATOR_P=0.001 \
        "$(bench_bin "$build" openrace)" minimize "$one/in.scn" --dir "$one/dir" --time 5m \
          --out "$one/min.scn" > /dev/null 2> "$one/log" || true
    end=$(date +%s.%N)
    stats="$one/stats.json"
    if [ ! -f "$stats" ]; then
      cat "$one/log"; echo "  $build: the minimizer produced no stats.json" >&2; exit 1
    fi
    seconds=$(awk -v a="$start" -v b="$end" 'BEGIN { printf "%.1f", b - a }')
    echo "$seconds" >> "$work/times-$(echo "$build" | tr '/' '_')"
    printf "  %s run %s: wall time %s s (target < 180 s), rounds run %s, candidates %s; result: %s threads, %s calls, 1-minimal %s\n" \
      "$build" "$run" "$seconds" "$(get "$stats" minimize_rounds)" "$(get "$stats" candidates_tried)" \
      "$(get "$stats" threads)" "$(get "$stats" ops)" "$(get "$stats" one_minimal)"
  done
done
if [ "$runs" -gt 1 ]; then
  for build in "$@"; do
    printf "  %s: median wall time %s s over %s runs\n" "$build" \
      "$(median < "$work/times-$(echo "$build" | tr '/' '_')")" "$runs"
  done
fi
