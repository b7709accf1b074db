#!/usr/bin/env bash
# Campaign throughput beside its anchors, side by side in one run (called by
# ci/bench.sh; the machine may be busy, so only ratios taken in the same
# repetition mean anything). Each repetition, on one tmpfs directory:
#  1. the bug report's reproducer (ci/bench/report_reproducer.c) with one
#     worker per CPU: opens/s;
#  2. `openrace run` with the default generator: calls/s (OUT/summary.json),
#     and its ratio to (1) (target >= 0.5);
#  3. `openrace campaign --jobs 1` and `--jobs 2`: calls/s and their ratio
#     (target >= 1.7 on 2 CPUs), and beside them the calls that met another
#     thread's call or live handle on a related path (contended_per_second:
#     the calls that can show a concurrency bug);
#  4. the share of the CPU inside the calls under test (target >= 0.5), as
#     each of those runs measured it itself (OUT/summary.json's
#     call_share_of_cpu: the thread CPU clock read around every call of one
#     round in 64, scaled to all rounds, over the process's CPU time);
#  5. with perf (linux-perf): `openrace run` and `openrace campaign --jobs
#     <CPUs>` again under `perf record`, and where their CPU samples fall:
#     inside the calls under test (the backend's PreparedCall::Call and the
#     closes of scenario handles), putting the tree back (Sandbox), the
#     oracle (Oracle::), waiting (futex, CpuRelax, sched_yield). perf's
#     unwinder loses the user stack of many samples taken inside a system
#     call (the caller of the libc wrapper is not found: seen for about
#     half of the openat samples), and those fall under "other"; so its
#     "in calls" is a lower bound, and (4) is the figure the target reads.
# Then the median of each figure over the repetitions.
#   ci/bench_throughput.sh [BUILD_DIR]
# OPENRACE_BENCH_TIME (default 10, seconds per run), OPENRACE_BENCH_REPEAT
# (default 3), OPENRACE_BENCH_TMPFS (default /dev/shm).
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build}
. ci/bench_lib.sh
openrace=$(bench_bin "$build" openrace)
seconds=${OPENRACE_BENCH_TIME:-10}
repeat=${OPENRACE_BENCH_REPEAT:-3}
tmpfs=${OPENRACE_BENCH_TMPFS:-/dev/shm}
cpus=$(nproc)
work=$(mktemp -d)
dir=$(mktemp -d "$tmpfs/openrace-bench.XXXXXX")
trap 'rm -rf "$work" "$dir"' EXIT
fs=$(stat -f -c %T "$dir")

gcc -std=c11 -O2 -Wall -Wextra -Werror -pthread -o "$work/report_reproducer" \
  ci/bench/report_reproducer.c
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", (b > 0 ? a / b : 0) }'; }
rate_of() { sed -n "s/^ *\"${2:-calls}_per_second\": \([0-9.e+]*\),\{0,1\}\$/\1/p" "$1" | head -n 1; }
# OUT/summary.json's call_share_of_cpu; "-" from a build that predates it.
call_share_of() {
  local v; v=$(sed -n 's/^ *"call_share_of_cpu": \([0-9.e+-]*\),\{0,1\}$/\1/p' "$1/summary.json" | head -n 1)
  if [ -n "$v" ]; then awk -v v="$v" 'BEGIN { printf "%.2f", v }'; else echo -; fi
}

# openrace run|campaign ARGS... into OUT; prints its calls/s and its
# contended calls/s (calls that met another thread's on a related path).
campaign_rate() {  # OUT COMMAND ARGS...
  local out=$1; shift
  rm -rf "$out" "$dir/c"; mkdir -p "$dir/c"
  local status=0
  "$openrace" "$@" --dir "$dir/c" --out "$out" --time "${seconds}s" --seed 1 \
    > "$out.stdout" 2> "$out.stderr" || status=$?
  local rate; rate=$(rate_of "$out/summary.json" 2>/dev/null || true)
  if [ "$status" -gt 1 ] || [ -z "$rate" ]; then
    cat "$out.stderr" >&2; echo "FAIL: openrace $* gave no calls_per_second (exit $status)" >&2; exit 1
  fi
  echo "$rate $(rate_of "$out/summary.json" contended)"
}

# The shares of perf samples (all threads of `openrace run`): inside the
# calls under test, restoring the tree, judging, waiting.
have_perf=0
if command -v perf > /dev/null && perf record -o "$work/probe.data" -- true > /dev/null 2>&1; then
  have_perf=1
fi
cpu_shares() {  # COMMAND ARGS...; prints "calls restore oracle waiting spin other"
  rm -rf "$work/perf-out" "$dir/c"; mkdir -p "$dir/c"
  perf record -q -F 199 --call-graph dwarf,8192 -o "$work/perf.data" -- \
    "$openrace" "$@" --dir "$dir/c" --out "$work/perf-out" --time "${seconds}s" \
    --seed 1 > /dev/null 2>&1 || true
  # A sample's stack, innermost frame first, is classified by the first of:
  # in a call under test (a PreparedCall::Call, or the close of a scenario
  # handle); putting the tree back; the oracle; waiting (a futex, a spin
  # before it, a yield, a spin outside RunRound); a scenario's spin offset or
  # the clock reads around the calls (the clock in RunRound); anything else
  # (the generator, the executor's bookkeeping, starting threads, the
  # process). Older executors' waits (SpinUntil, SpinThenSleep) count as
  # waiting too, so a before/after comparison is fair.
  perf script -i "$work/perf.data" -F comm,ip,sym 2> /dev/null | awk '
    function flush() {
      if (!n) return
      total++
      if (in_call) k["calls"]++
      else if (restore) k["restore"]++
      else if (oracle) k["oracle"]++
      else if (wait || (spin && !round)) k["waiting"]++
      else if (spin) k["spin"]++
      else k["other"]++
      n = in_call = restore = oracle = wait = spin = round = 0
    }
    /^[^ \t]/ { flush(); n = 1; next }          # a sample header: comm
    /^[ \t]*$/ { flush(); next }
    {
      if ($0 ~ /Call::Call|PosixBackend::Close/ && $0 !~ /CloseShared/) in_call = 1
      if ($0 ~ /CloseShared|Sandbox::|RestoreTree|Turnover/) restore = 1
      if ($0 ~ /Oracle::/) oracle = 1
      if ($0 ~ /futex|sched_yield|Await|WaitWhileEqual|WakeAllWaiters|ArriveAndWait|SpinUntil|SpinThenSleep/) wait = 1
      if ($0 ~ /CpuRelax|MonotonicNanos|clock_gettime/) spin = 1
      if ($0 ~ /RunRound/) round = 1
    }
    END {
      flush()
      if (!total) { print "0 0 0 0 0 0"; exit }
      printf "%.2f %.2f %.2f %.2f %.2f %.2f\n", k["calls"] / total, k["restore"] / total,
        k["oracle"] / total, k["waiting"] / total, k["spin"] / total, k["other"] / total
    }'
}

echo "== campaign throughput beside the report's reproducer ($dir: $fs, $cpus CPUs, ${seconds}s runs, $repeat repetitions, load average $(cut -d' ' -f1-3 /proc/loadavg))"
[ "$fs" = tmpfs ] || echo "  note: $dir is $fs, not tmpfs"
for ((i = 1; i <= repeat; i++)); do
  rm -rf "$dir/r"; mkdir -p "$dir/r"
  # It exits 1: no EINVAL (no emulator), which is the point here.
  "$work/report_reproducer" "$dir/r" "$cpus" "$seconds" > "$work/repro.txt" || true
  repro=$(sed -n 's/.* in \([0-9.]*\) s (\([0-9]*\) opens)$/\2 \1/p' "$work/repro.txt" |
          awk '{ printf "%.0f", $1 / $2 }')
  [ -n "$repro" ] || { cat "$work/repro.txt" >&2; echo "FAIL: the report's reproducer gave no rate" >&2; exit 1; }
  read -r run run_met <<< "$(campaign_rate "$work/run" run --no-minimize)"
  read -r jobs1 jobs1_met <<< "$(campaign_rate "$work/jobs1" campaign --jobs 1)"
  read -r jobs2 jobs2_met <<< "$(campaign_rate "$work/jobs2" campaign --jobs 2)"
  printf "  #%d reproducer %6.0f opens/s | run %6.0f calls/s, ratio %s | jobs 1 %6.0f, jobs 2 %6.0f, ratio %s\n" \
    "$i" "$repro" "$run" "$(ratio "$run" "$repro")" "$jobs1" "$jobs2" "$(ratio "$jobs2" "$jobs1")"
  printf "     contended calls/s (met another thread's): run %6.0f | jobs 1 %6.0f, jobs 2 %6.0f, ratio %s\n" \
    "$run_met" "$jobs1_met" "$jobs2_met" "$(ratio "$jobs2_met" "$jobs1_met")"
  run_share=$(call_share_of "$work/run")
  jobs2_share=$(call_share_of "$work/jobs2")
  printf "     CPU share inside the calls (summary.json): run %s | jobs 1 %s, jobs 2 %s\n" \
    "$run_share" "$(call_share_of "$work/jobs1")" "$jobs2_share"
  echo "$run_share" >> "$work/own_share_run"
  echo "$jobs2_share" >> "$work/own_share_jobs2"
  # The CPU of `run` (one process on every CPU) and of `campaign --jobs
  # $cpus` (one worker per CPU, each pinned to its own).
  for what in run campaign; do
    shares="- - - - - -"
    if [ "$have_perf" = 1 ]; then
      if [ "$what" = run ]; then shares=$(cpu_shares run --no-minimize)
      else shares=$(cpu_shares campaign --jobs "$cpus"); fi
    fi
    read -r calls restore oracle waiting spin other <<< "$shares"
    printf "     perf: CPU of %-8s in calls %s, restoring the tree %s, oracle %s, waiting %s, spin offsets and clock %s, other %s\n" \
      "$what:" "$calls" "$restore" "$oracle" "$waiting" "$spin" "$other"
    echo "$calls" >> "$work/calls_share_$what"
  done
  echo "$(ratio "$run" "$repro")" >> "$work/run_ratio"
  echo "$(ratio "$jobs2" "$jobs1")" >> "$work/jobs_ratio"
  echo "$(ratio "$jobs2_met" "$jobs1_met")" >> "$work/jobs_met_ratio"
done
share_of() { [ "$have_perf" = 1 ] && median < "$work/calls_share_$1" || echo "not measured: no usable perf (ci/install.sh linux-perf)"; }
own_share_of() {  # "-" when no run had it (a build that predates it)
  grep -qv '^-$' "$work/own_share_$1" || { echo -; return; }
  grep -v '^-$' "$work/own_share_$1" | median
}
printf "  median: run/reproducer %s (target >= 0.5), jobs 2 / jobs 1 %s (target >= 1.7 on 2 CPUs; contended calls %s)\n" \
  "$(median < "$work/run_ratio")" "$(median < "$work/jobs_ratio")" "$(median < "$work/jobs_met_ratio")"
printf "  median CPU share inside the calls: run %s, campaign --jobs 2 %s (target >= 0.5; summary.json); perf's lower bound: run %s, campaign %s\n" \
  "$(own_share_of run)" "$(own_share_of jobs2)" "$(share_of run)" "$(share_of campaign)"
