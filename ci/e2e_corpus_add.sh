#!/usr/bin/env bash
# End-to-end: `openrace corpus add` of a finding that a short campaign made
# under the planted-bug emulator. The new corpus file passes
# `openrace replay --check` both ways it can be added: as a planted bug
# (clean without the emulator, the finding with it) and as a real bug
# (clean), and a wrong expectation fails it; without --emulator-rule an
# emulator finding is still recorded as planted; an existing file is never
# overwritten; bad names and directories are refused with one line and
# exit 2.
#   ci/e2e_corpus_add.sh OPENRACE EMULATOR_LIB
set -euo pipefail
openrace=$1 emulator=$2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
signature=open-invalid_parameter-EINVAL-transient-cwd
name=open_invalid_parameter_einval_transient_cwd
mkdir "$work/dir" "$work/corpus"

status=0
env LD_PRELOAD="$emulator" OPENRACE_EMULATOR_ROOT="$work/dir" \
    OPENRACE_EMULATOR_RULES=held-relative OPENRACE_EMULATOR_ANCHORS=cwd \
    OPENRACE_EMULATOR_P=0.01 OPENRACE_EMULATOR_SEED=5 \
    "$openrace" run --dir "$work/dir" --out "$work/out" --scenarios 400 \
      --seed 3 --stop-after 1 --minimize_time 30s --nomutations \
      > "$work/run.txt" 2>&1 || status=$?
finding="$work/out/$signature"
if [ "$status" -ne 1 ] || [ ! -f "$finding/minimized.scn" ]; then
  cat "$work/run.txt"; echo "FAIL: the campaign did not find and minimize $signature (exit $status)" >&2; exit 1
fi

# A planted bug: expects the finding under its rule, and clean without.
(cd "$work" && "$openrace" corpus add "$finding" --emulator-rule held-relative)
planted="$work/corpus/$name.scn"
cat "$planted"
grep -q "^# expect: finding $signature under emulator rule held-relative$" "$planted" ||
  { echo "FAIL: no finding expectation in $planted" >&2; exit 1; }
grep -q "^# scenario: minimized.scn" "$planted" ||
  { echo "FAIL: $planted does not say it holds the minimized scenario" >&2; exit 1; }
check() {  # FILE [ARGS...]: replay --check must pass
  "$openrace" replay "$@" --dir "$work/dir" --check --emulator "$emulator" > "$work/check.txt" ||
    { cat "$work/check.txt"; echo "FAIL: replay --check $1" >&2; exit 1; }
  cat "$work/check.txt"
}
check "$planted"
grep -q "^ok .*under emulator rule held-relative" "$work/check.txt" ||
  { echo "FAIL: replay --check did not check the finding under the emulator" >&2; exit 1; }

# A wrong expectation fails the check, with its line and a total.
sed 's/under emulator rule held-relative$/under emulator rule mkdir-relative/' "$planted" > "$work/wrong.scn"
status=0
"$openrace" replay "$work/wrong.scn" --dir "$work/dir" --check --emulator "$emulator" \
  --rounds 200 > "$work/check.txt" || status=$?
cat "$work/check.txt"
if [ "$status" -ne 1 ] || ! grep -q "^FAIL .*wrong.scn:[0-9]*: expected $signature under emulator rule mkdir-relative; found nothing" "$work/check.txt" ||
   ! grep -q "^replay --check: 1 of 2 expectation(s) in 1 file(s) met, 1 not met$" "$work/check.txt"; then
  echo "FAIL: a wrong expectation should fail replay --check with exit 1 (exit $status)" >&2; exit 1
fi

# Never overwritten: the same finding again is refused, the file unchanged.
before=$(cat "$planted")
status=0
"$openrace" corpus add "$finding" --corpus "$work/corpus" 2> "$work/err.txt" || status=$?
if [ "$status" -ne 2 ] || ! grep -q "exists; openrace never overwrites" "$work/err.txt" ||
   [ "$(cat "$planted")" != "$before" ]; then
  cat "$work/err.txt"; echo "FAIL: corpus add overwrote or did not refuse (exit $status)" >&2; exit 1
fi
echo "ok: $(cat "$work/err.txt")"

# Without --emulator-rule, a finding made with the emulator loaded (its
# stats.json says so) is still recorded as planted, never as a real bug.
grep -q '"emulator": true' "$finding/stats.json" ||
  { echo "FAIL: stats.json does not say the emulator was loaded" >&2; exit 1; }
"$openrace" corpus add "$finding" --corpus "$work/corpus" --name auto-planted > /dev/null
if ! grep -q "^# expect: finding $signature under emulator rule held-relative$" "$work/corpus/auto-planted.scn" ||
   grep -q "A real bug" "$work/corpus/auto-planted.scn"; then
  cat "$work/corpus/auto-planted.scn"; echo "FAIL: an emulator finding was not recorded as planted" >&2; exit 1
fi
# A real bug (no rule, no emulator): a clean replay is all it expects. The
# finding's stats.json is made to say the emulator was not loaded. This one
# was never minimized: it says so.
sed -i 's/"emulator": true/"emulator": false/' "$finding/stats.json"
rm "$finding/minimized.scn"
"$openrace" corpus add "$finding" --corpus "$work/corpus" --name real-bug > "$work/add.txt"
grep -q "never minimized" "$work/add.txt" || { cat "$work/add.txt"; echo "FAIL: no never-minimized note" >&2; exit 1; }
real="$work/corpus/real-bug.scn"
grep -q "^# scenario: found.scn as generated; the finding was never minimized$" "$real" ||
  { cat "$real"; echo "FAIL: $real does not say it was never minimized" >&2; exit 1; }
if grep -q "^# expect: finding" "$real" || ! grep -q "^# expect: clean$" "$real"; then
  cat "$real"; echo "FAIL: a real bug must expect a clean replay only" >&2; exit 1
fi
check "$real"

expect_usage() {  # MESSAGE ARGS...
  local message=$1 status=0; shift
  "$openrace" corpus "$@" > /dev/null 2> "$work/err.txt" || status=$?
  if [ "$status" -ne 2 ] || [ "$(wc -l < "$work/err.txt")" -ne 1 ] ||
     ! grep -qF -- "$message" "$work/err.txt"; then
    cat "$work/err.txt"; echo "FAIL: corpus $* should exit 2 with '$message' (exit $status)" >&2; exit 1
  fi
  echo "ok: $(cat "$work/err.txt")"
}
expect_usage "must be 1 to 100 letters" add "$finding" --corpus "$work/corpus" --name ../escape
expect_usage "is not a finding directory" add "$work/out" --corpus "$work/corpus"
expect_usage "does not exist" add "$finding" --corpus "$work/no-corpus"
expect_usage "is not one of" add "$finding" --corpus "$work/corpus" --emulator-rule held
expect_usage "usage: openrace corpus add" remove "$finding"
[ ! -e "$work/escape.scn" ] || { echo "FAIL: --name escaped the corpus directory" >&2; exit 1; }
echo "ok: corpus add"
