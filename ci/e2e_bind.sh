#!/usr/bin/env bash
# End-to-end: `openrace run --bind SRC:DST` on Linux runs the campaign
# through a bind mount that only the openrace process sees.
#   ci/e2e_bind.sh OPENRACE
# Checks: bad specs and `openrace bind` exit 2 with one line; as root, the
# campaign's sandbox appears in SRC while DST stays empty for everyone else,
# the mount is in openrace's mount namespace and not in ours, and nothing is
# left behind; without privilege (as nobody), one line that says root is
# needed. Not root: exits 77, which CTest reports as skipped.
set -uo pipefail
openrace=$1
if [ "$(id -u)" -ne 0 ]; then
  echo "SKIP: run --bind makes a mount namespace and needs root (CI runs as root)"
  exit 77
fi
work=$(mktemp -d)
openrace_pid=
cleanup() {
  [ -n "$openrace_pid" ] && kill "$openrace_pid" 2> /dev/null
  rm -rf "$work"
}
trap cleanup EXIT
chmod 755 "$work"
mkdir "$work/src" "$work/dst"
touch "$work/file"
failures=0
fail() { echo "FAIL: $*"; failures=$((failures + 1)); }

# expect STATUS PATTERN -- ARGS...: the exit status, stderr+stdout matching
# PATTERN, and for status 2 exactly one line on stderr.
expect() {
  local want=$1 pattern=$2; shift 3
  "$openrace" "$@" > "$work/out.txt" 2> "$work/err.txt"
  local got=$? lines
  lines=$(wc -l < "$work/err.txt")
  if [ "$got" -ne "$want" ] || ! grep -qE -- "$pattern" "$work/out.txt" "$work/err.txt" ||
     { [ "$want" -eq 2 ] && [ "$lines" -ne 1 ]; }; then
    fail "openrace $* -> exit $got (want $want), stderr $lines line(s):"
    cat "$work/err.txt" "$work/out.txt" | head -5
  else
    echo "ok: openrace $* -> $got"
  fi
}

expect 2 "is not SRC:DST" -- run --bind nocolon --time 1s
expect 2 "is not SRC:DST" -- run --bind ":$work/dst" --time 1s
expect 2 "is not SRC:DST" -- run --bind "$work/src:$work/a:b" --time 1s
expect 2 "the source $work/missing: No such file" -- run --bind "$work/missing:$work/dst" --time 1s
expect 2 "the target $work/file is not a directory" -- run --bind "$work/src:$work/file" --time 1s
expect 2 "--demo and --bind" -- run --demo --bind "$work/src:$work/dst"
expect 2 "openrace bind: needs exactly two" -- bind "$work/src"
expect 2 "on Linux use .mount --bind" -- bind "$work/src" "$work/dst"

# Without privilege: a copy nobody may run, so the build tree's permissions
# do not matter.
cp "$openrace" "$work/openrace-copy"
chmod 755 "$work/openrace-copy"
status=0
setpriv --reuid=65534 --regid=65534 --clear-groups \
  "$work/openrace-copy" run --bind "$work/src:$work/dst" --time 1s \
  --out "$work/out-nobody" > /dev/null 2> "$work/err.txt" || status=$?
if [ "$status" -eq 2 ] && [ "$(wc -l < "$work/err.txt")" -eq 1 ] &&
   grep -q -- "--bind needs root" "$work/err.txt"; then
  echo "ok: as nobody -> 2, $(cat "$work/err.txt")"
else
  fail "as nobody: exit $status (want 2 and one line saying root is needed):"
  cat "$work/err.txt"
fi

# As root: the campaign runs through the bind mount.
"$openrace" run --bind "$work/src:$work/dst" --time 6s --seed 5 \
  --out "$work/out" > "$work/run.txt" 2> "$work/run-err.txt" &
openrace_pid=$!
seen_sandbox=0 seen_mount=0 leaked=0
for _ in $(seq 1 50); do
  kill -0 "$openrace_pid" 2> /dev/null || break
  if compgen -G "$work/src/openrace-*" > /dev/null; then
    seen_sandbox=1
    # DST is empty as this shell sees it: the mount is openrace's alone.
    [ -n "$(ls -A "$work/dst")" ] && leaked=1
    grep -qF " $work/dst " /proc/self/mountinfo && leaked=1
    grep -qF " $work/dst " "/proc/$openrace_pid/mountinfo" 2> /dev/null && seen_mount=1
    break
  fi
  sleep 0.1
done
status=0
wait "$openrace_pid" || status=$?
openrace_pid=
[ "$status" -eq 0 ] || { fail "run --bind exited $status (want 0, no findings)"; cat "$work/run-err.txt" "$work/run.txt"; }
[ "$seen_sandbox" -eq 1 ] || fail "the campaign's sandbox never appeared in SRC"
[ "$seen_mount" -eq 1 ] || fail "DST was not a mount point in openrace's mount namespace"
[ "$leaked" -eq 0 ] || fail "the bind mount was visible outside openrace"
grep -qF "bind: $work/src on $work/dst (bind mount in a private mount namespace)" \
  "$work/run-err.txt" || fail "run --bind did not say what it mounted"
grep -q "no findings" "$work/run.txt" || fail "run --bind: no summary"
[ -z "$(ls -A "$work/src" "$work/dst" 2> /dev/null | grep -v ':$')" ] ||
  fail "left behind: $(ls -A "$work/src" "$work/dst")"
grep -qF " $work/dst " /proc/self/mountinfo && fail "DST is still a mount point"

if [ "$failures" -ne 0 ]; then
  echo "$failures failure(s)"
  exit 1
fi
echo "ok: run --bind"
