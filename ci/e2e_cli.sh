#!/usr/bin/env bash
# The command's contract with scripts: exit 0 / 1 / 2, and one clear line
# for every bad usage, bad input or unusable environment.
#   ci/e2e_cli.sh OPENRACE
set -uo pipefail
openrace=$1
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
failures=0

# expect STATUS PATTERN -- ARGS...: the exit status, and stderr+stdout
# containing PATTERN (for status 2: exactly one line on stderr).
expect() {
  local want=$1 pattern=$2; shift 3
  "$openrace" "$@" > "$work/out" 2> "$work/err"
  local got=$?
  local lines
  lines=$(wc -l < "$work/err")
  if [ "$got" -ne "$want" ] || ! grep -qE -- "$pattern" "$work/out" "$work/err" ||
     { [ "$want" -eq 2 ] && [ "$lines" -ne 1 ]; }; then
    echo "FAIL: openrace $* -> exit $got (want $want), stderr $lines line(s):"
    cat "$work/err" "$work/out" | head -5
    failures=$((failures + 1))
  else
    echo "ok: openrace $* -> $got"
  fi
}

printf 'openrace-scenario 1\nfile f\nthread\n  open cwd:f disp=opne\n' > "$work/bad.scn"
printf 'openrace-scenario 1\nfile f\nthread\n  open cwd:../../etc/passwd\n' > "$work/escape.scn"
printf 'openrace-scenario 1\nrounds 50\nfile f\nthread\n  open cwd:f\n' > "$work/good.scn"
touch "$work/file"

expect 0 '--control_dir' -- --help
expect 2 'unknown flag --bogus' -- run --bogus
expect 2 "bad value 'soon' for --time" -- run --dir "$work" --time soon
expect 2 'run needs --dir' -- run
expect 2 'does not exist' -- run --dir "$work/missing" --time 1s
expect 2 'not a directory' -- run --dir "$work/file" --time 1s
expect 2 'unknown command' -- frobnicate
expect 2 'line 4:19: .*opne' -- replay "$work/bad.scn" --dir "$work"
expect 2 'climbs above the sandbox root' -- replay "$work/escape.scn" --dir "$work"
expect 2 'cannot open' -- replay "$work/nothing.scn" --dir "$work"
expect 0 '1 finding|0 finding' -- replay "$work/good.scn" --dir "$work"
expect 0 'fs type' -- doctor --dir "$work"
expect 0 'openat\(AT_FDCWD, "f"' -- emit "$work/good.scn" --lang c-posix
# Nothing was left behind in --dir by any of them.
leftover=$(find "$work" -maxdepth 1 -name 'openrace-*' | wc -l)
if [ "$leftover" -ne 0 ]; then
  echo "FAIL: $leftover sandbox(es) left in $work"; failures=$((failures + 1))
fi
[ "$failures" -eq 0 ] || { echo "$failures failure(s)"; exit 1; }
echo "ok: the command's exit statuses and messages"
