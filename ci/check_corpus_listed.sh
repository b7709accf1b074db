#!/usr/bin/env bash
# Every corpus/*.scn is a CTest test: listed in OPENRACE_CORPUS in
# CMakeLists.txt (sources are listed, never globbed). A file that
# `openrace corpus add` wrote and nobody listed fails here instead of
# going unreplayed.
#   ci/check_corpus_listed.sh [SOURCE_DIR]
set -euo pipefail
cd "${1:-$(dirname "$0")/..}"
missing=0
for scn in corpus/*.scn; do
  if ! sed -n '/^set(OPENRACE_CORPUS$/,/^)$/p' CMakeLists.txt | grep -qx "  $scn"; then
    echo "FAIL: $scn is not listed in OPENRACE_CORPUS in CMakeLists.txt"
    missing=1
  fi
done
[ "$missing" -eq 0 ] && echo "ok: every corpus/*.scn is a CTest test"
exit "$missing"
