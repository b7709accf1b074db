#!/usr/bin/env bash
# Sets everything up from a fresh machine and passes the tests:
# installs the dependencies, builds, runs every CTest test (unit tests,
# end-to-end tests with the planted-bug emulator, the corpus replays), then
# a brief soak on real file-system stacks in private mount namespaces
# (zero false alarms: any finding fails it).
#   ci/test.sh [BUILD_DIR]
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build}
ci/install.sh
ci/build.sh "$build"
(cd "$build" && ctest --output-on-failure -j "${OPENRACE_JOBS:-2}" --timeout 900)
OPENRACE="$build/openrace" OPENRACE_SOAK_OUT="$build/soak" \
  ci/soak.sh 15s tmpfs ext4 overlayfs bind
