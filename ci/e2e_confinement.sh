#!/usr/bin/env bash
# End-to-end: no escape scenario (issue 12) reaches outside its sandbox.
# For each ESCAPES_DIR/*.scn, with a canary tree beside a temporary --dir
# and above it: `openrace replay` and `openrace emit --lang c-posix` both
# refuse it (exit 2, one line naming the reason), and the canary is byte for
# byte what it was, with nothing new beside the sandbox.
#   ci/e2e_confinement.sh OPENRACE ESCAPES_DIR
set -euo pipefail
openrace=$1 escapes=$2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

# Every file, directory and size under $1, with a checksum of each file.
listing() {
  (cd "$1" && find . -printf '%y %p %s %m\n' | LC_ALL=C sort &&
    find . -type f -print0 | LC_ALL=C sort -z | xargs -0 -r md5sum)
}

count=0
for scn in "$escapes"/*.scn; do
  name=$(basename "$scn")
  top="$work/$name"
  # The escapes climb one or two levels above the sandbox: the canary is in
  # --dir ($top/dir) and above it, and a level higher for good measure.
  mkdir -p "$top/up/dir/canary/tree/sub" "$top/up/canary/tree/sub"
  for d in "$top/up/dir/canary" "$top/up/canary"; do
    printf 'victim\n' > "$d/victim"
    printf 'tree\n' > "$d/tree/sub/f"
  done
  before=$(listing "$top")

  for run in replay emit; do
    status=0
    if [ "$run" = replay ]; then
      "$openrace" replay "$scn" --dir "$top/up/dir" --rounds 3 \
        > "$work/out" 2> "$work/err" || status=$?
    else
      "$openrace" emit "$scn" --lang c-posix > "$work/out" 2> "$work/err" ||
        status=$?
    fi
    [ "$status" -eq 2 ] || {
      cat "$work/err"; fail "$name: $run exited $status, expected 2"; }
    [ ! -s "$work/out" ] || fail "$name: $run wrote to stdout"
    [ "$(wc -l < "$work/err")" -eq 1 ] || {
      cat "$work/err"; fail "$name: $run said more than one line"; }
    grep -q "invalid scenario: line [0-9]*:[0-9]*: .*climbs out of" \
      "$work/err" || { cat "$work/err"; fail "$name: $run gave no reason"; }
  done

  after=$(listing "$top")
  [ "$before" = "$after" ] || {
    diff <(echo "$before") <(echo "$after") >&2 || true
    fail "$name: something outside the sandbox changed"; }
  count=$((count + 1))
done
[ "$count" -ge 10 ] || fail "only $count escape scenarios in $escapes"
echo "ok: $count escape scenarios refused by replay and emit, canary intact"
