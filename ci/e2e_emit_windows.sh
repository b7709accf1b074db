#!/usr/bin/env bash
# The Windows C reproducers end to end, under Wine: for every corpus
# scenario (corpus/seed_held_relative.scn is the seed bug's), `openrace emit
# --lang c-win32` and `--lang c-nt` write a program that must compile with
# `x86_64-w64-mingw32-gcc -Wall -Wextra -Werror` and, run under Wine, exit 0
# ("not reproduced": Wine has no bind filter) and leave its directory empty.
# A scenario anchored on a directory handle has no c-win32 form: that emit
# must exit 2 with one line saying so. Last, a program must be able to
# report: a stat that has to succeed, pointed at a missing file, must print
# REPRODUCED and exit 1, under each dialect.
#   ci/e2e_emit_windows.sh OPENRACE [ROUNDS]
# OPENRACE is the Linux openrace (it only emits); ROUNDS per program
# (default 200). Wine runs in WINEPREFIX when it is set (ci/windows.sh sets
# it), else in a private prefix made and removed here.
set -euo pipefail
openrace=$(realpath -m "$1")
cd "$(dirname "$0")/.."
rounds=${2:-200}
fail() { echo "FAIL: $*" >&2; exit 1; }
[ -x "$openrace" ] || fail "no Linux openrace at $openrace (build it first: ci/build.sh)"
for tool in x86_64-w64-mingw32-gcc wine; do
  command -v "$tool" > /dev/null || fail "$tool not found (ci/windows.sh installs it)"
done

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
if [ -z "${WINEPREFIX:-}" ]; then
  export WINEPREFIX=$work/wineprefix WINEARCH=win64
  wineboot --init > /dev/null 2>&1 || true
fi
export WINEDEBUG=-all WINEDLLOVERRIDES="mscoree,mshtml="
run_dir=$work/run
mkdir "$run_dir"
windows_path() { printf 'Z:%s' "${1//\//\\}"; }

# Emits, compiles and runs one program; $3 is the exit status it must give.
check_program() {
  local source=$1 lang=$2 expected=$3 name
  name=$(basename "$source" .scn).$lang
  x86_64-w64-mingw32-gcc -std=c11 -O2 -Wall -Wextra -Werror \
    -o "$work/$name.exe" "$work/$name.c" 2> "$work/$name.log" ||
    { cat "$work/$name.log" >&2; fail "$name does not compile"; }
  local status=0
  timeout -k 10 300 wine "$work/$name.exe" "$(windows_path "$run_dir")" "$rounds" \
    > "$work/$name.out" 2>&1 || status=$?
  if [ "$status" -ne "$expected" ]; then
    cat "$work/$name.out" >&2
    fail "$name under Wine exited $status, expected $expected"
  fi
  [ -z "$(ls -A "$run_dir")" ] || fail "$name left files in its directory: $(ls -A "$run_dir")"
  echo "ok: $name: $(tail -n 1 "$work/$name.out")"
}

programs=0
for scenario in corpus/*.scn; do
  name=$(basename "$scenario" .scn)
  for lang in win32 nt; do
    status=0
    "$openrace" emit "$scenario" --lang "c-$lang" --out "$work/$name.$lang.c" \
      2> "$work/$name.$lang.err" || status=$?
    if [ "$status" -ne 0 ]; then
      # Only a handle-anchored scenario may be refused, and only by c-win32.
      if [ "$lang" = win32 ] && [ "$status" -eq 2 ] &&
         [ "$(wc -l < "$work/$name.$lang.err")" -eq 1 ] &&
         grep -q "anchored on handle .* has no Win32 form" "$work/$name.$lang.err"; then
        echo "ok: $name.$lang: refused, $(cat "$work/$name.$lang.err")"
        continue
      fi
      cat "$work/$name.$lang.err" >&2
      fail "emit $scenario --lang c-$lang exited $status"
    fi
    check_program "$scenario" "$lang" 0
    programs=$((programs + 1))
  done
done

# A program reports what it sees: both stats must succeed (the file is in
# the tree, nothing changes it); one is pointed at a missing file.
cat > "$work/must_succeed.scn" << 'SCN'
openrace-scenario 1
rounds 50
dir src
file src/here.h
thread
  barrier 1
  stat cwd:src/here.h
thread
  barrier 1
  stat cwd:src/here.h
SCN
for lang in win32 nt; do
  "$openrace" emit "$work/must_succeed.scn" --lang "c-$lang" --out "$work/must_succeed.$lang.c" 2> /dev/null
  # Only the call of thread 2 (the second stat) is changed.
  sed -i -E '/COUNT_(CALL|NT)\(T2_OP2/ s/here\.h/gone.h/' "$work/must_succeed.$lang.c"
  grep -q 'gone\.h' "$work/must_succeed.$lang.c" || fail "could not point the $lang stat elsewhere"
  check_program "$work/must_succeed.scn" "$lang" 1
  grep -q '^REPRODUCED: ' "$work/must_succeed.$lang.out" || fail "must_succeed.$lang: no REPRODUCED line"
  grep -Eq 'ERROR_FILE_NOT_FOUND|STATUS_OBJECT_NAME_NOT_FOUND' "$work/must_succeed.$lang.out" ||
    fail "must_succeed.$lang: the failure is not named"
done
echo "ok: $programs Windows reproducers compiled and ran clean under Wine; both dialects report a failure"
