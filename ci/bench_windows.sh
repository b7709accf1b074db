#!/usr/bin/env bash
# The Windows benchmark (issue 5 §6), under Wine: calls per second of the nt
# backend's one-thread round (64 opens of one relative file, as
# executor_benchmark.cc's BM_OpenCloseOneThread) beside a plain C loop of
# NtCreateFile (RootDirectory = the directory's handle) + NtClose on the same
# kind of path (ci/bench/nt_loop.c), and their ratio; medians of 5 runs of
# about 2 s each, the two measured alternately so load hits both alike.
#   ci/bench_windows.sh [BUILD_DIR]     (default: build-windows)
# Builds through ci/windows.sh (OPENRACE_WINDOWS_BUILD_ONLY=1: its mingw
# Abseil and Wine prefix, no tests). Under Wine every file call is a
# wineserver round trip, so both rates are far below real Windows; only the
# ratio means something.
set -euo pipefail
cd "$(dirname "$0")/.."
build=$(realpath -m "${1:-build-windows}")
OPENRACE_WINDOWS_BUILD_ONLY=1 ci/windows.sh "$build" > /dev/null
cmake --build "$build/openrace" -j "${OPENRACE_JOBS:-2}" \
  --target executor_windows_benchmark > /dev/null
x86_64-w64-mingw32-gcc -O2 -Wall -Wextra -Werror -std=c11 \
  -o "$build/nt_loop.exe" ci/bench/nt_loop.c

export WINEPREFIX=$build/wineprefix WINEDEBUG=-all WINEARCH=win64
export WINEDLLOVERRIDES="mscoree,mshtml="
windows_path() { printf 'Z:%s' "${1//\//\\}"; }
work=$(mktemp -d)
trap 'rm -rf "$work"; wineserver -k 2> /dev/null || true' EXIT
mkdir "$work/dir"
dir=$(windows_path "$work/dir")

repetitions=5
: > "$work/openrace.txt"
: > "$work/plain.txt"
for _ in $(seq "$repetitions"); do
  timeout -k 10 120 wine "$build/openrace/executor_windows_benchmark.exe" \
    "$dir" nt 2 1 | sed -n 's/^median \([0-9.]*\) calls\/s.*/\1/p' >> "$work/openrace.txt"
  timeout -k 10 120 wine "$build/nt_loop.exe" "$dir" 2 1 |
    sed -n 's/^median \([0-9.]*\) calls\/s.*/\1/p' >> "$work/plain.txt"
done
. ci/bench_lib.sh
openrace=$(median < "$work/openrace.txt")
plain=$(median < "$work/plain.txt")
if [ -z "$openrace" ] || [ -z "$plain" ] ||
   [ "$(wc -l < "$work/openrace.txt")" -ne "$repetitions" ] ||
   [ "$(wc -l < "$work/plain.txt")" -ne "$repetitions" ]; then
  echo "bench_windows.sh: a run gave no rate (openrace: $(tr '\n' ' ' < "$work/openrace.txt"), plain: $(tr '\n' ' ' < "$work/plain.txt"))" >&2
  exit 1
fi
echo "== nt backend under Wine (median of $repetitions)"
printf '  plain NtCreateFile+NtClose loop  %10.0f calls/s  (%s)\n' "$plain" "$(sort -n "$work/plain.txt" | tr '\n' ' ')"
printf '  nt backend, one thread, one path %10.0f calls/s  ratio %.2f  (%s)\n' \
  "$openrace" "$(awk -v a="$openrace" -v b="$plain" 'BEGIN { print a / b }')" \
  "$(sort -n "$work/openrace.txt" | tr '\n' ' ')"
