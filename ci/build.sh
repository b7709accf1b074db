#!/usr/bin/env bash
# Configures and builds openrace with its tests and benchmarks.
#   ci/build.sh [BUILD_DIR]   (default: build)
# Extra CMake arguments can be given in OPENRACE_CMAKE_ARGS.
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build}
# shellcheck disable=SC2086
cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo ${OPENRACE_CMAKE_ARGS:-}
# Two cores: more jobs only thrash.
cmake --build "$build" -j "${OPENRACE_JOBS:-2}"
