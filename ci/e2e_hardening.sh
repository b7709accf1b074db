#!/usr/bin/env bash
# End-to-end: cleanup that always happens, and environment errors that are
# not findings (issue 12, §2 and §3).
#   ci/e2e_hardening.sh OPENRACE [EMULATOR_LIB]
# Checks:
#   - signals: `run` stopped by SIGHUP, SIGTERM, SIGINT, or two SIGINTs
#     exits 130 and leaves no sandbox; a campaign whose workers are stuck
#     (OPENRACE_CAMPAIGN_FAULT=hang) and that gets two SIGINTs ends at once
#     (no summary: the emergency path, not the unwinding) with 130, its
#     workers gone and their sandboxes removed;
#   - a 1,100-level tree planted in the sandbox is removed with
#     `ulimit -n 64`, and the run exits 130, not 0;
#   - sandboxes of killed runs (`openrace-<dead pid>-<hex>`) are swept at the
#     start of the next run on the same --dir, which says how many; a live
#     one, a link and names that only look alike are left alone;
#   - `run --demo` (with EMULATOR_LIB): its child dies with a parent killed
#     by SIGKILL and removes the demo's directories; a SIGINT to the parent
#     reaches the child at once (exit 130 within seconds, not a minute);
#   - as root, in a private mount namespace: on a nearly full tmpfs (its
#     inodes used up) `replay` and `run` exit 2 with one line naming ENOSPC,
#     write no finding, keep the finding already in OUT, and leave no
#     sandbox.
# Everything but the tmpfs part runs unprivileged; without root that part
# is skipped and the script exits 77 (CTest: skipped) if all else passed.
set -uo pipefail
openrace=$1
emulator=${2:-}
work=$(mktemp -d)
background=""
cleanup() {
  for pid in $background; do kill -9 "$pid" 2> /dev/null; done
  rm -rf "$work"
}
trap cleanup EXIT
failures=0
fail() { echo "FAIL: $*"; failures=$((failures + 1)); }
ok() { echo "ok: $*"; }

# Sandboxes (and anything else) left in a directory.
left_in() { find "$1" -mindepth 1 -maxdepth 1 | wc -l; }

# Waits until directory $1 holds at least $2 entries (up to 10 s).
wait_for_entries() {
  for _ in $(seq 200); do
    [ "$(left_in "$1")" -ge "$2" ] && return 0
    sleep 0.05
  done
  return 1
}

# A scenario that runs for a long time and changes nothing.
cat > "$work/long.scn" << 'EOF'
openrace-scenario 1
rounds 100000000
dir a
file a/f
thread
  stat cwd:a/f
  open cwd:a/f access=read
EOF

# --- signals ------------------------------------------------------------------
for signals in HUP TERM INT "INT INT"; do
  dir=$work/sig-${signals// /-}
  mkdir -p "$dir"
  "$openrace" run --dir "$dir" --out "$work/sig-out" --time 60s \
    > "$work/sig.out" 2> "$work/sig.err" &
  pid=$!
  background="$background $pid"
  wait_for_entries "$dir" 1 || fail "run made no sandbox in $dir"
  sleep 0.5
  for s in $signals; do kill -"$s" "$pid"; done
  wait "$pid"
  status=$?
  if [ "$status" -ne 130 ]; then
    fail "run stopped by SIG${signals// /+SIG} exited $status, expected 130"
  elif [ "$(left_in "$dir")" -ne 0 ]; then
    fail "run stopped by SIG${signals// /+SIG} left $(ls "$dir")"
  else
    ok "run stopped by SIG${signals// /+SIG}: exit 130, no sandbox left"
  fi
done

# Two SIGINTs to a campaign whose workers hang in their first scenario:
# unwinding would take the workers' --watchdog + 5 s (15 s), so only the
# second interrupt's emergency cleanups can end it now, and they must
# still remove the workers' sandboxes.
dir=$work/campaign-dir
mkdir -p "$dir"
OPENRACE_CAMPAIGN_FAULT=hang@0,hang@1 "$openrace" campaign --dir "$dir" \
  --out "$work/campaign-out" --jobs 2 --scenarios 10 \
  > "$work/campaign.out" 2> "$work/campaign.err" &
pid=$!
background="$background $pid"
wait_for_entries "$dir" 2 || fail "the campaign's workers made no sandboxes"
# Interrupted before it hangs, a worker unwinds at once: wait until both
# say (in their logs) that they hang, or the test races its own setup.
for _ in $(seq 200); do
  hung=$(cat "$work/campaign-out"/.campaign/worker-*.log 2> /dev/null |
         grep -c "injected fault hang" || true)
  [ "$hung" -ge 2 ] && break
  sleep 0.05
done
[ "$hung" -ge 2 ] || fail "the campaign's workers did not reach their hang"
workers=$(sed -n 's/^pid //p' "$work/campaign-out"/.campaign/shard-* 2> /dev/null)
kill -INT "$pid"
sleep 0.5
kill -INT "$pid"
wait "$pid"
status=$?
alive=""
for worker in $workers; do
  state=$(awk '{ print $3 }' "/proc/$worker/stat" 2> /dev/null) || continue
  [ "$state" != Z ] && alive="$alive $worker"
done
if [ "$status" -ne 130 ]; then
  fail "campaign stopped by two SIGINTs exited $status, expected 130"
elif grep -q "scenarios, .* calls in" "$work/campaign.out"; then
  fail "campaign stopped by two SIGINTs unwound instead of ending at once"
elif [ "$(left_in "$dir")" -ne 0 ]; then
  fail "campaign stopped by two SIGINTs left $(ls "$dir")"
elif [ -n "$alive" ]; then
  fail "workers survived the campaign:$alive"
else
  ok "campaign with stuck workers, two SIGINTs: exit 130 at once, no sandbox"
fi

# --- a deep tree with few descriptors -------------------------------------------
dir=$work/deep
mkdir -p "$dir"
(ulimit -n 64 && exec "$openrace" replay "$work/long.scn" --dir "$dir") \
  > "$work/deep.out" 2> "$work/deep.err" &
pid=$!
background="$background $pid"
if wait_for_entries "$dir" 1; then
  sandbox=$(find "$dir" -mindepth 1 -maxdepth 1 -name 'openrace-*')
  deep=$(printf 'd/%.0s' $(seq 1100))
  mkdir -p "$sandbox/$deep" && touch "$sandbox/${deep}f"
  kill -INT "$pid"
  wait "$pid"
  status=$?
  if [ "$status" -ne 130 ]; then
    fail "replay with a 1,100-level tree and ulimit -n 64 exited $status, expected 130"
    cat "$work/deep.err"
  elif [ "$(left_in "$dir")" -ne 0 ]; then
    fail "a 1,100-level tree with ulimit -n 64 was left behind"
  else
    ok "a 1,100-level tree removed with ulimit -n 64"
  fi
else
  fail "replay made no sandbox in $dir"
  cat "$work/deep.err"
fi

# --- stale sandboxes ------------------------------------------------------------
dir=$work/stale
mkdir -p "$dir" "$work/outside"
sh -c 'exit 0' &
dead=$!
wait "$dead"
mkdir -p "$dir/openrace-$dead-00beef/a/b" "$dir/openrace-$dead-c0ffee"
touch "$dir/openrace-$dead-00beef/a/b/f" "$work/outside/keep"
mkdir -p "$dir/openrace-$$-00beef" "$dir/openrace-$dead-00BEEF" "$dir/openrace-$dead-beef"
ln -s "$work/outside" "$dir/openrace-$dead-0000aa"
"$openrace" replay "$work/long.scn" --dir "$dir" --rounds 1 > /dev/null 2> "$work/stale.err"
status=$?
remaining=$(cd "$dir" && ls | sort | tr '\n' ' ')
expected=$(printf '%s\n' "openrace-$$-00beef" "openrace-$dead-00BEEF" \
  "openrace-$dead-beef" "openrace-$dead-0000aa" | sort | tr '\n' ' ')
if [ "$status" -ne 0 ]; then
  fail "replay after killed runs exited $status"; cat "$work/stale.err"
elif ! grep -qx "openrace: removed 2 sandboxes left by killed runs in $dir" "$work/stale.err"; then
  fail "the sweep did not say it removed 2: $(cat "$work/stale.err")"
elif [ "$remaining" != "$expected" ]; then
  fail "after the sweep $dir holds '$remaining', expected '$expected'"
elif [ ! -f "$work/outside/keep" ]; then
  fail "the sweep followed a link out of $dir"
else
  ok "2 stale sandboxes swept and said so; a live one, a link and look-alikes kept"
fi

# --- the demo -------------------------------------------------------------------
# The demo's child: the one process whose parent is $1.
child_of() { pgrep -P "$1" | head -n 1; }
running() {
  local state
  state=$(awk '{ print $3 }' "/proc/$1/stat" 2> /dev/null) || return 1
  [ "$state" != Z ]
}
if [ -n "$emulator" ]; then
  for how in KILL INT; do
    tmp=$work/demo-tmp-$how
    mkdir -p "$tmp"
    TMPDIR=$tmp OPENRACE_EMULATOR_LIB=$emulator "$openrace" run --demo \
      --out "$work/demo-out-$how" --time 60s \
      > "$work/demo.out" 2> "$work/demo.err" &
    pid=$!
    background="$background $pid"
    child=""
    for _ in $(seq 200); do
      child=$(child_of "$pid")
      [ -n "$child" ] && [ -n "$(find "$tmp" -mindepth 2 -name 'openrace-*' 2> /dev/null)" ] && break
      sleep 0.05
    done
    [ -n "$child" ] || { fail "the demo started no child"; continue; }
    sleep 1
    start=$SECONDS
    kill -"$how" "$pid"
    wait "$pid"
    status=$?
    for _ in $(seq 200); do running "$child" || break; sleep 0.05; done
    if running "$child"; then
      fail "demo: the child outlived its parent (SIG$how)"
    elif [ "$(left_in "$tmp")" -ne 0 ]; then
      fail "demo (SIG$how) left $(find "$tmp" -mindepth 1 | head -5 | tr '\n' ' ')"
    elif [ "$how" = INT ] && [ "$status" -ne 130 ]; then
      fail "demo stopped by SIGINT exited $status, expected 130"
    elif [ "$how" = INT ] && [ $((SECONDS - start)) -gt 20 ]; then
      fail "demo stopped by SIGINT took $((SECONDS - start))s"
    else
      ok "demo, parent sent SIG$how: the child ended and the demo's directories are gone"
    fi
  done
else
  echo "note: no EMULATOR_LIB given; the demo checks are skipped"
fi

# --- environment errors (root: a tmpfs in a private mount namespace) -----------
root_part=skipped
if [ "$(id -u)" -eq 0 ] && command -v unshare > /dev/null; then
  mkdir -p "$work/mnt" "$work/env-out/open-invalid_parameter-EINVAL-transient-cwd"
  out=$work/env-out
  finding=$out/open-invalid_parameter-EINVAL-transient-cwd
  echo 1 > "$finding/occurrences"
  cp "$work/long.scn" "$finding/found.scn"
  cat > "$work/create.scn" << 'EOF'
openrace-scenario 1
rounds 5
dir a
thread
  open cwd:a/x disp=create access=read|write
  open cwd:a/y disp=create access=read|write
EOF
  # Inside the namespace: a 64k tmpfs whose inodes are all used but $1;
  # then the command. Prints its status, its stderr and what is left.
  cat > "$work/full.sh" << 'EOF'
set -u
mnt=$1 free=$2; shift 2
mount -t tmpfs -o size=64k,nr_inodes=64 openrace-e2e "$mnt" || exit 99
mkdir "$mnt/under-test"
i=0
while touch "$mnt/fill$i" 2> /dev/null; do i=$((i + 1)); done
for k in $(seq 1 "$free"); do rm "$mnt/fill$k"; done
"$@" > /dev/null 2> "$mnt/../err"
echo "status $?"
echo "left $(find "$mnt/under-test" -mindepth 1 | wc -l)"
EOF
  check_full() {
    local what=$1 free=$2; shift 2
    local result status left lines
    result=$(unshare -m --propagation private bash "$work/full.sh" "$work/mnt" "$free" "$@")
    status=$(echo "$result" | sed -n 's/^status //p')
    left=$(echo "$result" | sed -n 's/^left //p')
    lines=$(wc -l < "$work/err")
    if [ "$status" = 99 ]; then
      fail "$what: cannot mount a tmpfs"
    elif [ "$status" != 2 ] || [ "$lines" -ne 1 ] ||
         ! grep -q "the file system under test is full (ENOSPC on " "$work/err"; then
      fail "$what: exit $status (want 2), $lines line(s) of stderr:"; cat "$work/err"
    elif [ "$left" != 0 ]; then
      fail "$what: left $left entries in the directory under test"
    else
      ok "$what: exit 2, $(cat "$work/err")"
    fi
  }
  check_full "replay on a full tmpfs" 2 \
    "$openrace" replay "$work/create.scn" --dir "$work/mnt/under-test"
  check_full "run on a full tmpfs" 1 \
    "$openrace" run --dir "$work/mnt/under-test" --out "$out" --scenarios 20
  grep -q "; no findings were lost: 1 written to $out$" "$work/err" ||
    fail "run on a full tmpfs did not say the finding in OUT was kept: $(cat "$work/err")"
  dirs=$(find "$out" -mindepth 1 -maxdepth 1 -type d | wc -l)
  [ "$dirs" -eq 1 ] && [ -s "$finding/found.scn" ] ||
    fail "OUT after the full tmpfs: $dirs finding directories (want the 1 kept)"
  root_part=ran
else
  echo "SKIP (part): the full-tmpfs checks mount a tmpfs in a private namespace and need root"
fi

if [ "$failures" -ne 0 ]; then
  echo "$failures check(s) failed"
  exit 1
fi
[ "$root_part" = ran ] || exit 77
echo "all hardening checks passed"
