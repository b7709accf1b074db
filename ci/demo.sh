#!/usr/bin/env bash
# Sets everything up from a fresh machine and runs the main job: a short
# campaign against a directory on the local disk with the planted-bug
# emulator loaded. openrace finds the planted bug, shrinks it and prints
# where its report is (exit status 1: a finding).
#   ci/demo.sh [extra openrace run flags]
set -euo pipefail
cd "$(dirname "$0")/.."
ci/install.sh
ci/build.sh build >/dev/null
set +e
build/openrace run --demo --out openrace-out "$@"
status=$?
set -e
case "$status" in
  1) echo "demo: findings are in $(pwd)/openrace-out" ;;
  0) echo "demo: the planted bug was not found this time" >&2; exit 1 ;;
  *) exit "$status" ;;
esac
