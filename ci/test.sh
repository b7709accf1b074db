#!/usr/bin/env bash
# Sets everything up from a fresh machine and passes the tests:
#  1. installs the dependencies, builds, and runs every CTest test: unit
#     tests, properties, fuzzer corpus replays, the corpus, and end-to-end
#     tests with the planted-bug emulator (the dashboard's in headless
#     Chromium, its screenshot in BUILD_DIR/artifacts/dashboard.png);
#  2. a brief soak on real file-system stacks in private mount namespaces
#     (zero false alarms: any finding fails it);
#  3. every fuzzer for a short time with ASan and UBSan (any crash fails);
#  4. the Windows build, cross-compiled with mingw-w64 and tested under Wine;
#  5. beside 2-4, ci/campaign_memory.sh 10m (a campaign's memory stays flat).
#   ci/test.sh [BUILD_DIR]
# OPENRACE_TEST_QUICK=1 stops after step 1.
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build}
ci/install.sh
ci/install-browser.sh  # chromium, for the dashboard's test in a real browser
ci/build.sh "$build"
(cd "$build" && ctest --output-on-failure -j "${OPENRACE_JOBS:-2}" --timeout 900)
[ "${OPENRACE_TEST_QUICK:-0}" = 1 ] && exit 0
# A 10-minute campaign whose resident size must stay flat, beside the rest.
ci/campaign_memory.sh 10m "$build/openrace" > "$build/campaign_memory.log" 2>&1 &
memory=$!
OPENRACE="$build/openrace" OPENRACE_SOAK_OUT="$build/soak" \
  ci/soak.sh 15s tmpfs ext4 overlayfs bind
OPENRACE_FUZZ_BUILD="$build-fuzz" ci/fuzz.sh 20
OPENRACE_LINUX="$build/openrace" OPENRACE_WINE_TIME=20s ci/windows.sh "$build-windows"
memory_status=0
wait "$memory" || memory_status=$?
cat "$build/campaign_memory.log"
exit "$memory_status"
