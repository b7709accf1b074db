#!/usr/bin/env bash
# End-to-end: `openrace merge` of two real campaign outputs (two shards of
# a short campaign under the planted-bug emulator, seeds 1 and 2): one
# directory per signature, counts and totals summed, the more complete copy
# kept, a second merge of the same shards counting nothing twice, and bad
# inputs refused with one line and exit 2.
#   ci/e2e_merge.sh OPENRACE EMULATOR_LIB
set -euo pipefail
openrace=$1 emulator=$2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
signature=open-invalid_parameter-EINVAL-transient-cwd

json_number() {  # FILE KEY: the first "KEY": number of FILE
  sed -n "s/^ *\"$2\": \([0-9.e+]*\),\{0,1\}$/\1/p" "$1" | head -n 1
}
# A signature's occurrences as OUT/summary.json reports them (how the
# store keeps them on disk is its own business).
count() { sed -n "s/^ *\"$signature\": \([0-9]*\),\{0,1\}$/\1/p" "$1/summary.json" | head -n 1; }

for shard in 1 2; do
  mkdir -p "$work/dir-$shard"
  status=0
  env LD_PRELOAD="$emulator" OPENRACE_EMULATOR_ROOT="$work/dir-$shard" \
      OPENRACE_EMULATOR_RULES=held-relative OPENRACE_EMULATOR_ANCHORS=cwd \
      OPENRACE_EMULATOR_P=0.01 OPENRACE_EMULATOR_SEED=$shard \
      "$openrace" run --dir "$work/dir-$shard" --out "$work/shard-$shard" \
        --scenarios 40 --seed "$shard" --no-minimize --nomutations \
        > "$work/run-$shard.txt" 2>&1 || status=$?
  if [ "$status" -ne 1 ] || [ ! -f "$work/shard-$shard/$signature/found.scn" ]; then
    cat "$work/run-$shard.txt"; echo "FAIL: shard $shard found no $signature (exit $status)" >&2; exit 1
  fi
done
# Shard 2's copy is the more complete one (as if it had been minimized).
cp "$work/shard-2/$signature/found.scn" "$work/shard-2/$signature/minimized.scn"
echo "# shard 2" >> "$work/shard-2/$signature/minimized.scn"

"$openrace" merge "$work/shard-1" "$work/shard-2" --out "$work/merged"
expected=$(( $(count "$work/shard-1") + $(count "$work/shard-2") ))
scenarios=$(( $(json_number "$work/shard-1/summary.json" scenarios) +
              $(json_number "$work/shard-2/summary.json" scenarios) ))
calls=$(( $(json_number "$work/shard-1/summary.json" calls) +
          $(json_number "$work/shard-2/summary.json" calls) ))
check_merged() {
  local what=$1
  [ "$(count "$work/merged")" -eq "$expected" ] ||
    { echo "FAIL ($what): $(count "$work/merged") occurrences, expected $expected" >&2; exit 1; }
  [ "$(json_number "$work/merged/summary.json" scenarios)" -eq "$scenarios" ] ||
    { cat "$work/merged/summary.json"; echo "FAIL ($what): scenarios not $scenarios" >&2; exit 1; }
  [ "$(json_number "$work/merged/summary.json" calls)" -eq "$calls" ] ||
    { cat "$work/merged/summary.json"; echo "FAIL ($what): calls not $calls" >&2; exit 1; }
  "$openrace" merge "$work/merged" --out "$work/check-$what" > "$work/check.txt"
  grep -q "$signature  new, $expected occurrence(s)" "$work/check.txt" ||
    { cat "$work/check.txt"; echo "FAIL ($what): the merged store does not count $expected" >&2; exit 1; }
  tail -n 1 "$work/merged/$signature/minimized.scn" | grep -q '^# shard 2$' ||
    { echo "FAIL ($what): the merged copy is not shard 2's, the more complete" >&2; exit 1; }
  "$openrace" replay "$work/merged/$signature/found.scn" --dir "$work/dir-1" --rounds 10 > /dev/null ||
    { echo "FAIL ($what): the merged found.scn does not replay" >&2; exit 1; }
}
check_merged first
echo "ok: merged $expected occurrences over $scenarios scenarios"

# The same shards again, one of them named twice: nothing counted twice.
"$openrace" merge "$work/shard-2" "$work/shard-1" "$work/shard-1/" --out "$work/merged" > /dev/null
check_merged second
echo "ok: merging again counts nothing twice"

# Bad inputs: exit 2 with one line, and nothing written.
mkdir "$work/empty"
expect_usage() {  # MESSAGE ARGS...
  local message=$1 status=0; shift
  "$openrace" merge "$@" > "$work/out.txt" 2> "$work/err.txt" || status=$?
  if [ "$status" -ne 2 ] || [ "$(wc -l < "$work/err.txt")" -ne 1 ] ||
     ! grep -qF -- "$message" "$work/err.txt"; then
    cat "$work/err.txt"; echo "FAIL: merge $* should exit 2 with '$message' (exit $status)" >&2; exit 1
  fi
  echo "ok: $(cat "$work/err.txt")"
}
expect_usage "is not a finding output" "$work/empty" --out "$work/m2"
expect_usage "does not exist" "$work/shard-1" "$work/nowhere" --out "$work/m2"
expect_usage "is the merge output itself" "$work/shard-1" --out "$work/shard-1"
expect_usage "not a merge output" "$work/shard-2" --out "$work/shard-1"
expect_usage "openrace merge: needs --out MERGED" "$work/shard-1"
expect_usage "at least one campaign output" --out "$work/m2"
[ ! -e "$work/m2" ] || { echo "FAIL: a refused merge wrote $work/m2" >&2; exit 1; }
echo "ok: merge"
