#!/usr/bin/env bash
# End-to-end: `openrace dashboard` over real outputs, loaded in a real
# browser.
#   ci/e2e_dashboard.sh OPENRACE EMULATOR_LIB ARTIFACTS_DIR
# Under the planted-bug emulator: night-1, an `openrace run` that finds the
# seed bug and minimizes it (a short budget: partial or whole), bisects and
# reports it; night-2, an `openrace campaign --jobs 2` that finds it again
# in both shards (the emulator's retries failing too, as
# open-invalid_parameter-EINVAL-unexpected-cwd or -transient-cwd, whichever
# comes first, the other its variant), not minimized; merged, the two
# merged. Then the
# dashboard of all three, checked on disk (ci/check_dashboard.py: every
# link of every page resolves to a file of the site, every finding of the
# outputs is listed once), then loaded from disk in headless Chromium: the
# DOM it builds lists every finding, has no script, draws the bisection
# and the progress charts; a screenshot of the index goes to
# ARTIFACTS_DIR/dashboard.png.
# Without Chromium (chromium, chromium-browser or google-chrome, or
# $OPENRACE_CHROMIUM) the browser part is skipped (exit 77), except in CI
# (CI=true), where that fails: ci/install-browser.sh installs it.
set -euo pipefail
openrace=$1 emulator=$2 artifacts=$3
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir "$work/dir-1" "$work/dir-2" "$work/control"
signature=open-invalid_parameter-EINVAL-transient-cwd

emulate() {  # ROOT SEED P TRANSIENT COMMAND...
  local root=$1 seed=$2 p=$3 transient=$4; shift 4
  env LD_PRELOAD="$emulator" OPENRACE_EMULATOR_ROOT="$root" \
      OPENRACE_EMULATOR_RULES=held-relative OPENRACE_EMULATOR_ANCHORS=cwd \
      OPENRACE_EMULATOR_P="$p" OPENRACE_EMULATOR_TRANSIENT="$transient" \
      OPENRACE_EMULATOR_SEED="$seed" "$@"
}
expect_found() {  # NAME STATUS LOG [SIGNATURE...]: one of them found
  local name=$1 status=$2 log=$3 found=0; shift 3
  [ $# -gt 0 ] || set -- "$signature"
  for s in "$@"; do [ -f "$work/$name/$s/found.scn" ] && found=1; done
  if [ "$status" -ne 1 ] || [ "$found" -ne 1 ]; then
    cat "$log"; echo "FAIL: $name found none of $* (exit $status)" >&2; exit 1
  fi
}

status=0
emulate "$work/dir-1" 11 0.05 1 "$openrace" run --dir "$work/dir-1" --out "$work/night-1" \
  --scenarios 400 --seed 3 --stop_after 1 --minimize_time 10s --nomutations \
  --control-dir "$work/control" > "$work/night-1.log" 2>&1 || status=$?
expect_found night-1 "$status" "$work/night-1.log"
[ -f "$work/night-1/$signature/minimized.scn" ] ||
  { cat "$work/night-1.log"; echo "FAIL: night-1 did not minimize $signature" >&2; exit 1; }
status=0
emulate "$work/dir-2" 5 0.5 0 "$openrace" campaign --dir "$work/dir-2" --out "$work/night-2" \
  --jobs 2 --scenarios 16 --seed 5 --no-minimize --nomutations \
  > "$work/night-2.log" 2>&1 || status=$?
expect_found night-2 "$status" "$work/night-2.log" "$signature" \
  open-invalid_parameter-EINVAL-unexpected-cwd
"$openrace" merge "$work/night-1" "$work/night-2" --out "$work/merged" > /dev/null

"$openrace" dashboard "$work/night-1" "$work/night-2" "$work/merged" \
  --out "$work/site" > "$work/dashboard.log"
cat "$work/dashboard.log"
# Every signature directory of the outputs.
expected=$(for d in "$work"/night-*/*/found.scn; do basename "$(dirname "$d")"; done |
           sort -u | paste -sd, -)
python3 "$here/check_dashboard.py" "$work/site" --expect "$expected"
grep -q '"series"' "$work/night-2/summary.json" ||
  { echo "FAIL: the campaign's summary.json has no progress series" >&2; exit 1; }

# Bad usage: one line, exit 2, nothing written.
expect_usage() {  # MESSAGE ARGS...
  local message=$1 status=0; shift
  "$openrace" dashboard "$@" > /dev/null 2> "$work/err.txt" || status=$?
  if [ "$status" -ne 2 ] || [ "$(wc -l < "$work/err.txt")" -ne 1 ] ||
     ! grep -qF -- "$message" "$work/err.txt"; then
    cat "$work/err.txt"; echo "FAIL: dashboard $* should exit 2 with '$message' (exit $status)" >&2; exit 1
  fi
}
mkdir "$work/empty"
expect_usage "needs --out SITE" "$work/night-1"
expect_usage "at least one campaign output" --out "$work/s2"
expect_usage "is not a finding output" "$work/empty" --out "$work/s2"
expect_usage "holds other files" "$work/night-1" --out "$work/night-2"
[ ! -e "$work/s2" ] || { echo "FAIL: a refused dashboard wrote $work/s2" >&2; exit 1; }
echo "ok: the site's links resolve and it lists $expected"

# --- in a browser ------------------------------------------------------------
browser=${OPENRACE_CHROMIUM:-}
for candidate in chromium chromium-browser google-chrome; do
  [ -n "$browser" ] && break
  browser=$(command -v "$candidate" || true)
done
if [ -z "$browser" ]; then
  if [ "${CI:-}" = true ]; then
    echo "FAIL: no Chromium in CI (ci/install-browser.sh installs Debian's chromium)" >&2
    exit 1
  fi
  echo "skip: no Chromium (install Debian's chromium, or set OPENRACE_CHROMIUM)"
  exit 77
fi
chrome() {  # ARGS... (headless, from disk, no profile of the user's)
  timeout 120 "$browser" --headless --no-sandbox --disable-gpu \
    --disable-dev-shm-usage --no-first-run --disable-extensions \
    --user-data-dir="$work/profile" --hide-scrollbars "$@" 2> "$work/chrome.err" || {
      cat "$work/chrome.err"; echo "FAIL: $browser $* failed" >&2; exit 1; }
}
chrome --dump-dom "file://$work/site/index.html" > "$work/index.dom"
chrome --dump-dom "file://$work/site/findings/$signature/index.html" > "$work/finding.dom"
chrome --dump-dom "file://$work/site/outputs/night-2.html" > "$work/output.dom"
python3 "$here/check_dashboard.py" "$work/site" --expect "$expected" \
  --dom "$work/index.dom" --page-dom "$work/finding.dom:bisect" \
  --page-dom "$work/output.dom:progress"
mkdir -p "$artifacts"
rm -f "$artifacts/dashboard.png"
chrome --window-size=1280,900 --screenshot="$artifacts/dashboard.png" \
  "file://$work/site/index.html" > /dev/null
if [ "$(head -c 8 "$artifacts/dashboard.png" | od -An -tx1 | tr -d ' \n')" != 89504e470d0a1a0a ] ||
   [ "$(wc -c < "$artifacts/dashboard.png")" -lt 10000 ]; then
  echo "FAIL: no screenshot in $artifacts/dashboard.png" >&2; exit 1
fi
echo "ok: Chromium lists every finding and draws the charts; screenshot $artifacts/dashboard.png"
