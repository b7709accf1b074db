#!/usr/bin/env bash
# Benchmarks, printed as ratios so machines of different speed compare:
#  1. executor throughput (calls/s): (a) one thread opening one relative
#     path, (b) the seed pattern on two threads (64 reopens of the held
#     file), (b2) as the minimizer leaves it (one), each beside a plain C loop
#     of openat+close on the same file in the same run (target for (a):
#     at least 0.7 of the plain loop);
#  1b. the oracle (oracle_benchmark): microseconds to judge a round, kept
#     orders in use and the worst single round with none, beside the
#     round's own time, on the seed pattern and on generated scenarios of
#     2, 4 and 8 threads (target on the seed pattern: at most 0.2 of a
#     round);
#  2. the minimizer: rounds and wall time to minimize a 6-thread, 24-call
#     scenario holding the seed pattern, under the planted-bug emulator at
#     p = 0.001 (target: under 3 minutes on 2 cores; ci/bench_minimize.sh,
#     which also compares builds);
#  3. under Wine, when wine and mingw-w64 are installed (ci/windows.sh
#     installs them): the nt backend beside a plain NtCreateFile loop
#     (ci/bench_windows.sh, with its build in build-windows).
#  4. detection (ci/bench_detection.sh), on tmpfs: time to the first finding of the
#     seed bug by a blind campaign beside the bug report's own reproducer,
#     and `openrace campaign` calls/s with 1, 2 and 4 jobs;
#  5. throughput (ci/bench_throughput.sh), side by side, 3 times, on tmpfs:
#     `openrace run` beside the report's reproducer with one worker per CPU
#     (target >= 0.5), `campaign --jobs 2` beside `--jobs 1` (target >= 1.7
#     on 2 CPUs), and the share of the campaign's CPU inside the calls under
#     test (summary.json's call_share_of_cpu, with perf's breakdown beside
#     it; target >= 0.5).
# Also printed beside (1b): the fraction of seed-pattern rounds in which the
# reopen ran while the file was held, and of rounds in which two threads
# released together made their calls at the same time.
#   ci/bench.sh [BUILD_DIR]
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build}
ci/install.sh >/dev/null
ci/build.sh "$build" >/dev/null
. ci/bench_lib.sh
bin() { bench_bin "$build" "$1"; }

echo "== executor throughput (median of 5)"
# Two runs: the CSV reporter wants the same counters in every benchmark of
# one run, and only (b) and (c) count overlaps.
for filter in 'BM_(SeedPattern|Release)' '-BM_(SeedPattern|Release)'; do
  "$(bin executor_benchmark)" --benchmark_repetitions=5 --benchmark_filter="$filter" \
    --benchmark_report_aggregates_only=true --benchmark_format=csv 2>/dev/null
done |
  awk -F, '
    /_median"?,/ {
      name = $1; gsub(/"/, "", name); sub(/_median$/, "", name); sub(/\/real_time$/, "", name)
      for (i = 1; i <= NF; i++) {
        if (header[i] == "items_per_second") rate[name] = $i
        if (header[i] ~ /overlap/) overlap[name] = $i
      }
    }
    /^name,/ { for (i = 1; i <= NF; i++) header[i] = $i }
    END {
      plain = rate["BM_PlainOpenatLoop"]
      printf "  plain openat+close loop     %12.0f calls/s\n", plain
      printf "  (a) one thread, one path    %12.0f calls/s  ratio %.2f (target >= 0.70)\n", rate["BM_OpenCloseOneThread"], rate["BM_OpenCloseOneThread"] / plain
      printf "  (b) seed pattern, 2 threads %12.0f calls/s  ratio %.2f, reopen while held in %.3f of rounds\n", rate["BM_SeedPatternTwoThreads"], rate["BM_SeedPatternTwoThreads"] / plain, overlap["BM_SeedPatternTwoThreads"]
      printf "  (b2) seed pattern, minimal  %12.0f calls/s  ratio %.2f, reopen while held in %.3f of rounds (one call between barriers: the cost of the waits)\n", rate["BM_SeedPatternMinimal"], rate["BM_SeedPatternMinimal"] / plain, overlap["BM_SeedPatternMinimal"]
      printf "  (c) two threads released   %12.0f calls/s  their calls met in %.3f of rounds\n", rate["BM_ReleaseTwoThreads"], overlap["BM_ReleaseTwoThreads"]
      never = rate["BM_ReadBack/0"]
      printf "  (d) a changing round        %12.0f calls/s; its end state read back every 8th round %.2f of that (the default), every round %.2f\n", never, rate["BM_ReadBack/8"] / never, rate["BM_ReadBack/1"] / never
    }'

echo "== the oracle's cost per round, beside the round's own time (target on the seed pattern: share <= 0.20)"
"$(bin oracle_benchmark)" --benchmark_min_time=0.5 --benchmark_format=csv 2>/dev/null |
  awk -F, '
    /^name,/ { for (i = 1; i <= NF; i++) { header[i] = $i; gsub(/"/, "", header[i]) }; next }
    header[1] == "name" {
      name = $1; gsub(/"/, "", name); sub(/\/manual_time$/, "", name)
      for (i = 1; i <= NF; i++) v[header[i]] = $i
      printf "  %-22s judged %8.2f us/round (worst round, fresh oracle %8.2f us), round %8.2f us, share %.4f\n", name, v["judge_us"], v["worst_us"], v["round_us"], v["share"]
    }'

echo "== minimizing a 6-thread, 24-call scenario at p = 0.001"
ci/bench_minimize.sh 1 "$build"

if command -v wine > /dev/null && command -v x86_64-w64-mingw32-gcc > /dev/null; then
  ci/bench_windows.sh
else
  echo "== nt backend under Wine: skipped (no wine or mingw-w64; ci/windows.sh installs them)"
fi

ci/bench_detection.sh "$build"
ci/bench_throughput.sh "$build"
