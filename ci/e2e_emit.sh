#!/usr/bin/env bash
# End-to-end: `openrace emit` writes a C reproducer that compiles and, with
# the planted-bug emulator loaded, reproduces the seed bug.
#   ci/e2e_emit.sh OPENRACE EMULATOR_LIB SCENARIO
set -euo pipefail
openrace=$1 emulator=$2 scenario=$3
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

"$openrace" emit "$scenario" --lang c-posix > "$work/stdout.c" ||
  fail "emit to stdout exited $?"
"$openrace" emit "$scenario" --lang c-posix --out "$work/repro.c" 2> "$work/stderr" ||
  fail "emit --out exited $?"
cmp -s "$work/stdout.c" "$work/repro.c" || fail "stdout and --out differ"
grep -q '^int main' "$work/repro.c" || fail "no main in the reproducer"

# The Windows languages (compiled and run under Wine by e2e_emit_windows.sh).
"$openrace" emit "$scenario" --lang c-win32 > "$work/win32.c" || fail "c-win32 exited $?"
grep -q 'CreateFileW(' "$work/win32.c" || fail "c-win32 makes no CreateFileW call"
"$openrace" emit "$scenario" --lang c-nt > "$work/nt.c" || fail "c-nt exited $?"
grep -q 'nt_open(&' "$work/nt.c" || fail "c-nt makes no NtCreateFile call"
status=0
"$openrace" emit "$scenario" --lang pascal 2> "$work/bad.err" || status=$?
[ "$status" -eq 2 ] && grep -q "c-posix" "$work/bad.err" || fail "bad --lang: exit $status"

if ! command -v cc > /dev/null; then
  echo "ok: emitted (no C compiler here to build it)"
  exit 0
fi
cc -O2 -pthread -o "$work/repro" "$work/repro.c" || fail "the reproducer does not compile"
mkdir "$work/run"
"$work/repro" "$work/run" 300 > "$work/clean.txt" || {
  cat "$work/clean.txt"; fail "the reproducer failed without the emulator"; }
status=0
env LD_PRELOAD="$emulator" OPENRACE_EMULATOR_ROOT="$work/run" \
    OPENRACE_EMULATOR_RULES=held-relative OPENRACE_EMULATOR_P=0.05 \
    OPENRACE_EMULATOR_SEED=3 \
    "$work/repro" "$work/run" 3000 > "$work/emulated.txt" || status=$?
cat "$work/emulated.txt" | tail -3
[ "$status" -eq 1 ] && grep -q '^REPRODUCED' "$work/emulated.txt" ||
  fail "expected REPRODUCED and exit 1 under the emulator, got exit $status"
echo "ok: emitted, compiled, clean alone and reproduced under the emulator"
