#!/usr/bin/env bash
# The command's contract with scripts: exit 0 / 1 / 2 / 130, one clear line
# for every bad usage, bad input or unusable environment, and a flag table
# per command (help that shows only the command's flags; a flag it does
# not take is an error).
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

# help_shows ARGS -- PRESENT... -- ABSENT...: exit 0, stdout holds each
# PRESENT and none of ABSENT.
help_shows() {
  local args=() present=() absent=()
  while [ "$1" != -- ]; do args+=("$1"); shift; done; shift
  while [ "$1" != -- ]; do present+=("$1"); shift; done; shift
  absent=("$@")
  local got=0 bad=""
  "$openrace" "${args[@]}" > "$work/out" 2> "$work/err" || got=$?
  [ "$got" -eq 0 ] || bad="exit $got"
  for p in "${present[@]}"; do grep -qF -- "$p" "$work/out" || bad="$bad, no '$p'"; done
  for a in "${absent[@]}"; do grep -qF -- "$a" "$work/out" && bad="$bad, has '$a'"; done
  if [ -n "$bad" ]; then
    echo "FAIL: openrace ${args[*]}: $bad"; head -5 "$work/err"; failures=$((failures + 1))
  else
    echo "ok: openrace ${args[*]} shows its own flags only"
  fi
}

printf 'openrace-scenario 1\nfile f\nthread\n  stat cwd:f spin=4294967295\n' > "$work/spin.scn"

# Help: the commands, one line each; a command's own flags and example.
expect 0 'openrace help COMMAND' -- --help
expect 0 '^  doctor ' -- help
help_shows help run -- '--stop-after N' '--watchdog D (default: 10s)' 'example:' 'openrace run --dir' -- '--lang' '--worker-timeout' '--emulator-rule'
help_shows run --help -- '--stop-after N' 'example:' -- '--lang' '--corpus'
help_shows help doctor -- '--dir DIR' '--json' 'openrace doctor --dir' -- '--rounds' '--time' '--out'
help_shows emit -h -- '--lang c-posix|c-win32|c-nt' -- '--dir' '--json'
help_shows help --json -- '"schema": 1' '"name": "campaign"' '"name": "worker-rss-limit"' -- 'campaign-worker'
expect 0 '^openrace [0-9]+\.[0-9]+\.[0-9]+$' -- --version
expect 0 '^openrace [0-9]+\.[0-9]+\.[0-9]+$' -- version
# A flag the command does not take, an unknown one, the nearest name.
expect 2 '^openrace doctor: unknown flag --lang \(doctor takes --dir, --json\)$' -- doctor --lang c-nt --rounds 5
expect 2 '^openrace emit: unknown flag --rounds' -- emit "$work/good.scn" --rounds 5
expect 2 'unknown flag --bogus' -- run --bogus
expect 2 'unknown flag --tme; did you mean --time\?' -- run --dir "$work" --tme 1s
expect 2 "unknown command 'rnu'; did you mean run\\?" -- rnu
expect 2 'the command comes first' -- --dir "$work" run
# Values, checked before anything runs.
expect 2 "bad value 'soon' for --time" -- run --dir "$work" --time soon
expect 2 "bad value '10' for --time: a duration needs a unit: write 10s" -- run --dir "$work" --time 10
expect 2 "bad value '-5s' for --time: must not be negative" -- run --dir "$work" --time -5s
expect 2 "bad value '0s' for --watchdog: must be at least 100ms" -- replay "$work/good.scn" --dir "$work" --watchdog 0s
expect 2 "bad value '50ms' for --watchdog: must be at least 100ms" -- run --dir "$work" --watchdog=50ms
expect 2 "bad value '100000' for --jobs: must be 0 to 256" -- campaign --dir "$work" --jobs 100000
expect 2 "bad value '65' for --max-threads: must be 2 to 64" -- run --dir "$work" --max-threads 65
expect 2 "bad value '5000' for --max-ops: must be 1 to 2047" -- run --dir "$work" --max_ops 5000
expect 2 "bad value 'fat' for --backend" -- replay "$work/good.scn" --dir "$work" --backend fat
expect 2 'spin 4294967295 ns; expected at most 10000000' -- replay "$work/spin.scn" --dir "$work"
expect 2 'spin 4294967295 ns; expected at most 10000000' -- emit "$work/spin.scn"
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
# interrupted CMD ARGS...: SIGINT once its sandbox exists in $work/int
# gives exit 130 (not 0: a script must not read it as a clean run), and
# the sandbox is gone.
interrupted() {
  rm -rf "$work/int" "$work/int-out"; mkdir "$work/int"
  "$openrace" "$@" --dir "$work/int" --out "$work/int-out" --time 60s \
    > "$work/out" 2> "$work/err" &
  local pid=$! got=0 i
  for i in $(seq 1 200); do
    compgen -G "$work/int/openrace-*" > /dev/null && break
    sleep 0.05
  done
  kill -INT "$pid"
  for i in $(seq 1 300); do kill -0 "$pid" 2> /dev/null || break; sleep 0.1; done
  kill -0 "$pid" 2> /dev/null && { kill -9 "$pid"; echo "FAIL: openrace $1 did not stop within 30s of SIGINT"; }
  wait "$pid" || got=$?
  if [ "$got" -ne 130 ] || [ -n "$(ls -A "$work/int")" ]; then
    echo "FAIL: openrace $* interrupted -> exit $got (want 130), left: $(ls -A "$work/int")"
    head -5 "$work/err"; failures=$((failures + 1))
  else
    echo "ok: openrace $* interrupted -> 130"
  fi
}
interrupted run
interrupted campaign --jobs 1

# Nothing was left behind in --dir by any of them.
leftover=$(find "$work" -maxdepth 1 -name 'openrace-*' | wc -l)
if [ "$leftover" -ne 0 ]; then
  echo "FAIL: $leftover sandbox(es) left in $work"; failures=$((failures + 1))
fi
[ "$failures" -eq 0 ] || { echo "$failures failure(s)"; exit 1; }
echo "ok: the command's exit statuses and messages"
