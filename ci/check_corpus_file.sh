#!/usr/bin/env bash
# Replays one corpus file and checks the expectations in its header:
#   # expect: clean
#       a replay of the file's own rounds finds nothing (exit 0)
#   # expect: finding SIGNATURE under emulator rule RULE
#       with the planted-bug emulator loaded (rule RULE, p = 0.05, rooted at
#       the replay directory) the replay reports SIGNATURE (exit 1)
# Usage: ci/check_corpus_file.sh OPENRACE EMULATOR_LIB FILE
set -euo pipefail
openrace=$1 emulator=$2 file=$3
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
checked=0

if grep -q '^# expect: clean' "$file"; then
  if ! "$openrace" replay "$file" --dir "$dir" > "$dir/clean.txt"; then
    cat "$dir/clean.txt"
    echo "FAIL: $file expected clean" >&2
    exit 1
  fi
  checked=$((checked + 1))
fi

while read -r signature rule; do
  status=0
  env LD_PRELOAD="$emulator" OPENRACE_EMULATOR_ROOT="$dir" \
      OPENRACE_EMULATOR_RULES="$rule" OPENRACE_EMULATOR_P=0.05 \
      OPENRACE_EMULATOR_SEED=7 \
      "$openrace" replay "$file" --dir "$dir" --json > "$dir/emulated.json" || status=$?
  if [ "$status" -ne 1 ] || ! grep -q "\"$signature\"" "$dir/emulated.json"; then
    cat "$dir/emulated.json"
    echo "FAIL: $file expected $signature under rule $rule (exit $status)" >&2
    exit 1
  fi
  checked=$((checked + 1))
done < <(sed -n 's/^# expect: finding \([^ ]*\) under emulator rule \([^ ]*\)$/\1 \2/p' "$file")

if [ "$checked" -eq 0 ]; then
  echo "FAIL: $file states no expectation (# expect: ...)" >&2
  exit 1
fi
echo "ok: $file ($checked expectation(s))"
