#!/usr/bin/env bash
# Measures what the behaviour counters buy: executions of the scenario
# fuzzer until it first finds the planted bug (emulator rule held-relative),
# with the counters (OPENRACE_FUZZ_FEEDBACK=1) and without (=0), from an
# empty corpus, one libFuzzer run per seed; prints each run and the medians.
#
#   fuzz/measure_feedback.sh BUILD [SEEDS] [ROUNDS] [P] [SECONDS] [MODES]
#     BUILD    a libFuzzer build without sanitizers (the emulator is an
#              LD_PRELOAD library, which ASan does not mix with):
#                CC=clang CXX=clang++ cmake -S . -B BUILD -G Ninja \
#                  -DOPENRACE_LIBFUZZER=ON -DOPENRACE_FUZZ_SANITIZERS= \
#                  -DOPENRACE_BUILD_TESTS=OFF -DOPENRACE_BUILD_PROPS=OFF
#                cmake --build BUILD -j2 --target scenario_fuzzer openrace_emulator
#     SEEDS    libFuzzer seeds 1..SEEDS, or FIRST-LAST (default 7)
#     ROUNDS   OPENRACE_FUZZ_ROUNDS, rounds per input (default 50)
#     P        OPENRACE_EMULATOR_P (default 0.01)
#     SECONDS  give up on a run after this long (default 300); such a run
#              counts as ">N" (N = its executions) and sorts last
#     MODES    OPENRACE_FUZZ_FEEDBACK values to compare (default "1 0"; e.g.
#              "1 overlap 0")
set -euo pipefail
build=${1:?usage: fuzz/measure_feedback.sh BUILD [SEEDS] [ROUNDS] [P] [SECONDS]}
seeds=${2:-7}
case $seeds in *-*) first=${seeds%-*} last=${seeds#*-} ;; *) first=1 last=$seeds ;; esac
rounds=${3:-50}
p=${4:-0.01}
seconds=${5:-300}
modes=${6:-1 0}
fuzzer=$build/fuzz/scenario_fuzzer
emulator=$build/libopenrace_emulator.so
[ -x "$fuzzer" ] && [ -f "$emulator" ] || { echo "build $build lacks scenario_fuzzer or the emulator" >&2; exit 2; }

work=$(mktemp -d "${TMPDIR:-/tmp}/openrace-measure.XXXXXX")
trap 'rm -rf "$work"' EXIT

median() { sort -n | awk '{ v[NR] = $1 } END { if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

echo "rounds=$rounds p=$p seeds=$first..$last limit=${seconds}s"
for feedback in $modes; do
  results=()
  for seed in $(seq "$first" "$last"); do
    run=$work/f$feedback-s$seed
    mkdir -p "$run/root" "$run/corpus" "$run/artifacts"
    set +e
    (cd "$run" && LD_PRELOAD=$emulator OPENRACE_EMULATOR_ROOT=$run/root \
       OPENRACE_EMULATOR_P=$p OPENRACE_EMULATOR_RULES=held-relative \
       OPENRACE_DIR=$run/root OPENRACE_FINDINGS_DIR=$run/artifacts \
       OPENRACE_FUZZ_ROUNDS=$rounds OPENRACE_FUZZ_FEEDBACK=$feedback \
       "$fuzzer" -seed="$seed" -max_total_time="$seconds" -print_final_stats=1 \
         -artifact_prefix="$run/artifacts/" corpus >"$run/log" 2>&1)
    set -e
    n=$(sed -n 's/^scenario_fuzzer: finding .* after \([0-9]*\) executions.*/\1/p' "$run/log" | head -n 1)
    if [ -n "$n" ]; then
      sig=$(sed -n 's/^scenario_fuzzer: finding \([^ ]*\) .*/\1/p' "$run/log" | head -n 1)
      echo "feedback=$feedback seed=$seed executions=$n $sig"
      results+=("$n")
    else
      n=$(sed -n 's/^stat::number_of_executed_units: *//p' "$run/log" | tail -n 1)
      echo "feedback=$feedback seed=$seed executions=>${n:-?} (no finding in ${seconds}s)"
      results+=("999999999")
    fi
  done
  echo "feedback=$feedback median executions to the first finding: $(printf '%s\n' "${results[@]}" | median)"
done
