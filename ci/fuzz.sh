#!/usr/bin/env bash
# Builds the fuzz targets with clang, libFuzzer, AddressSanitizer and
# UndefinedBehaviorSanitizer, and runs each for SECONDS (default 60) from its
# seeds. Fails on any crash, leak, sanitizer report, timeout or finding.
#   ci/fuzz.sh [SECONDS]
# Environment: OPENRACE_FUZZ_BUILD (build directory, default build-fuzz),
# OPENRACE_JOBS (default 2), OPENRACE_FUZZ_TARGETS (default: all four).
#
# The scenario fuzzer runs on a clean file system, without the planted-bug
# emulator (ASan and an LD_PRELOAD library do not mix well): any finding is
# a false alarm of the oracle or a real file-system bug, and both are worth
# failing on. Artifacts of a failure are kept in BUILD/artifacts/TARGET/;
# turn one into a scenario file with
#   BUILD/fuzz/scenario_fuzzer --to-scn ARTIFACT > x.scn
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-60}
case $seconds in
  '' | *[!0-9]*) echo "usage: ci/fuzz.sh [SECONDS]" >&2; exit 2 ;;
esac
build=${OPENRACE_FUZZ_BUILD:-build-fuzz}
targets=(${OPENRACE_FUZZ_TARGETS:-scenario_fuzzer scenario_text_fuzzer signature_fuzzer json_reader_fuzzer emulator_config_fuzzer})
root=$PWD
case $build in /*) bin=$build/fuzz ;; *) bin=$root/$build/fuzz ;; esac

CC=clang CXX=clang++ cmake -S . -B "$build" -G Ninja \
  -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DOPENRACE_BUILD_FUZZERS=ON -DOPENRACE_LIBFUZZER=ON \
  -DOPENRACE_FUZZ_SANITIZERS=address,undefined \
  -DOPENRACE_BUILD_TESTS=OFF -DOPENRACE_BUILD_BENCHMARKS=OFF \
  -DOPENRACE_BUILD_PROPS=OFF -DOPENRACE_BUILD_EMULATOR=OFF >/dev/null
cmake --build "$build" -j "${OPENRACE_JOBS:-2}" --target "${targets[@]}"

work=$(mktemp -d "${TMPDIR:-/tmp}/openrace-fuzz.XXXXXX")
trap 'rm -rf "$work"' EXIT

export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1:handle_abort=1:symbolize=1
export UBSAN_OPTIONS=halt_on_error=1:abort_on_error=1:print_stacktrace=1

seeds_of() {
  case $1 in
    scenario_fuzzer | scenario_text_fuzzer) echo "$root/corpus $root/fuzz/seeds/$1" ;;
    *) echo "$root/fuzz/seeds/$1" ;;
  esac
}

failed=()
for target in "${targets[@]}"; do
  dir=$work/$target
  mkdir -p "$dir/corpus" "$dir/artifacts" "$dir/sandbox"
  echo "fuzz.sh: $target for ${seconds}s"
  # shellcheck disable=SC2046
  if ! (cd "$dir" &&
        OPENRACE_DIR=$dir/sandbox OPENRACE_FINDINGS_DIR=$dir/artifacts \
        "$bin/$target" \
          -max_total_time="$seconds" -timeout=30 -error_exitcode=77 \
          -timeout_exitcode=78 -print_final_stats=1 \
          -artifact_prefix="$dir/artifacts/" \
          "$dir/corpus" $(seeds_of "$target") >"$dir/log" 2>&1); then
    failed+=("$target")
    tail -n 60 "$dir/log" >&2
    mkdir -p "$build/artifacts/$target"
    cp -r "$dir/artifacts/." "$dir/log" "$build/artifacts/$target/"
    echo "fuzz.sh: $target FAILED; artifacts and log in $build/artifacts/$target/" >&2
  else
    execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$dir/log" | tail -n 1)
    echo "fuzz.sh: $target ok, ${execs:-?} executions, corpus $(ls "$dir/corpus" | wc -l) new inputs"
  fi
done

if ((${#failed[@]})); then
  echo "fuzz.sh: failed: ${failed[*]}" >&2
  exit 1
fi
echo "fuzz.sh: all ${#targets[@]} targets ran ${seconds}s each without a failure"
