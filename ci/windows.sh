#!/usr/bin/env bash
# Cross-builds openrace for Windows with mingw-w64 and tests it under Wine.
#   ci/windows.sh [BUILD_DIR]        (default: build-windows)
# Idempotent; run as root (or with sudo) on a fresh Debian bookworm machine.
#
#  1. installs mingw-w64, Wine, CMake, Ninja, dpkg-dev and Debian's googletest
#     sources, and adds deb-src lines for the suites already configured;
#  2. builds Abseil (Debian's source package, `apt-get source abseil`) and
#     GoogleTest (/usr/src/googletest) for mingw into BUILD_DIR/deps, once:
#     a second run finds them there;
#  3. builds openrace.exe and openrace_tests.exe (static: no mingw DLLs);
#  4. under Wine (a private prefix in BUILD_DIR/wineprefix): runs the unit
#     tests, checks that `bind` and `run --bind` say in one line that
#     bindfltapi.dll is missing (Wine has no bind filter), runs the C
#     reproducers of the corpus (ci/e2e_emit_windows.sh), a campaign with
#     each Windows backend (nt, win32) that must find nothing, a 10-second
#     `openrace campaign --jobs 2` (worker processes) that must find
#     nothing, replays every `# expect: clean` corpus file, and checks that
#     every escape scenario (harness/scenario/testdata/escapes) is refused
#     with either backend.
#
# Environment:
#   OPENRACE_WINE_TIME    campaign length per backend (default 60s)
#   OPENRACE_WINE_ROUNDS  rounds per corpus replay (default 2000; `file`: the
#                         file's own)
#   OPENRACE_JOBS         build jobs (default 2)
#   OPENRACE_WINDOWS_BUILD_ONLY=1  stop after the build and the Wine prefix
#                         (ci/bench_windows.sh uses it)
#   OPENRACE_LINUX        the Linux openrace that emits the C reproducers
#                         (default build/openrace; ci/e2e_emit_windows.sh)
set -euo pipefail
cd "$(dirname "$0")/.."
src=$PWD
build=$(realpath -m "${1:-build-windows}")
jobs=${OPENRACE_JOBS:-2}
wine_time=${OPENRACE_WINE_TIME:-60s}
started=$(date +%s)
log() { printf 'windows.sh [%4ss] %s\n' "$(($(date +%s) - started))" "$*"; }

sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
export DEBIAN_FRONTEND=noninteractive

# --- 1. packages and the deb-src lines -----------------------------------------
# Debian's sources in deb822 (*.sources) or one-line form (sources.list); the
# deb-src twins name the same URIs, suites and components.
has_deb_src() {
  grep -Eqs '^[[:space:]]*deb-src[[:space:]]|^Types:.*deb-src' \
    /etc/apt/sources.list /etc/apt/sources.list.d/*.list /etc/apt/sources.list.d/*.sources
}
added_src=0
if ! has_deb_src; then
  log "adding deb-src lines"
  tmp=$(mktemp)
  for f in /etc/apt/sources.list.d/*.sources; do
    [ -e "$f" ] || continue
    # Each stanza with `Types: deb` again as `Types: deb-src`.
    awk 'BEGIN { RS = ""; ORS = "\n\n" }
         /(^|\n)Types:[^\n]*deb/ { sub(/Types:[^\n]*/, "Types: deb-src"); print }' "$f" >> "$tmp"
  done
  if [ -s "$tmp" ]; then
    $sudo install -m 644 "$tmp" /etc/apt/sources.list.d/openrace-deb-src.sources
  fi
  : > "$tmp"
  for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
    [ -e "$f" ] || continue
    sed -n 's/^[[:space:]]*deb[[:space:]]/deb-src /p' "$f" >> "$tmp"
  done
  if [ -s "$tmp" ]; then
    $sudo install -m 644 "$tmp" /etc/apt/sources.list.d/openrace-deb-src.list
  fi
  rm -f "$tmp"
  added_src=1
fi

packages=(mingw-w64 wine wine64 cmake ninja-build dpkg-dev googletest nlohmann-json3-dev ca-certificates)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
absl_src_cache=$build/deps/src
need_absl_src=1
compgen -G "$absl_src_cache/abseil-*/CMakeLists.txt" > /dev/null && need_absl_src=0
if ((${#missing[@]})) || ((added_src)) || ((need_absl_src)); then
  log "apt-get update"
  $sudo apt-get update -qq
fi
if ((${#missing[@]})); then
  log "installing ${missing[*]}"
  $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" > /dev/null
fi

# --- 2. Abseil and GoogleTest for mingw, cached in BUILD_DIR/deps ---------------
prefix=$build/deps/prefix
toolchain=$src/ci/mingw-toolchain.cmake
cross=(-G Ninja -DCMAKE_TOOLCHAIN_FILE="$toolchain"
       -DCMAKE_C_COMPILER=x86_64-w64-mingw32-gcc-posix
       -DCMAKE_CXX_COMPILER=x86_64-w64-mingw32-g++-posix
       -DCMAKE_CXX_STANDARD=20 -DCMAKE_BUILD_TYPE=Release
       -DCMAKE_INSTALL_PREFIX="$prefix")
mkdir -p "$absl_src_cache"

if [ ! -e "$prefix/.abseil-done" ]; then
  if ((need_absl_src)); then
    log "apt-get source abseil"
    # apt drops privileges to _apt for downloads; the cache dir must let it in.
    (cd "$absl_src_cache" && apt-get source -qq abseil 2>&1 | grep -v '^W: Download is performed unsandboxed' || true)
  fi
  absl_src=$(dirname "$(compgen -G "$absl_src_cache/abseil-*/CMakeLists.txt" | head -n1)")
  log "building Abseil from $absl_src"
  cmake -S "$absl_src" -B "$build/deps/abseil-build" "${cross[@]}" \
    -DABSL_PROPAGATE_CXX_STD=ON -DABSL_BUILD_TESTING=OFF -DBUILD_TESTING=OFF \
    -DABSL_ENABLE_INSTALL=ON > "$build/deps/abseil-configure.log"
  cmake --build "$build/deps/abseil-build" -j "$jobs" > "$build/deps/abseil-build.log"
  cmake --install "$build/deps/abseil-build" > /dev/null
  touch "$prefix/.abseil-done"
fi

if [ ! -e "$prefix/.googletest-done" ]; then
  log "building GoogleTest from /usr/src/googletest"
  cmake -S /usr/src/googletest -B "$build/deps/googletest-build" "${cross[@]}" \
    -DBUILD_GMOCK=ON -DINSTALL_GTEST=ON > "$build/deps/googletest-configure.log"
  cmake --build "$build/deps/googletest-build" -j "$jobs" > "$build/deps/googletest-build.log"
  cmake --install "$build/deps/googletest-build" > /dev/null
  touch "$prefix/.googletest-done"
fi

# nlohmann/json is header-only: its headers and CMake package copied into the
# prefix (pointing the cross build at /usr/include would mix glibc's headers
# with mingw's).
mkdir -p "$prefix/include" "$prefix/share/cmake"
cp -r /usr/include/nlohmann "$prefix/include/"
cp -r /usr/share/cmake/nlohmann_json "$prefix/share/cmake/"

# --- 3. openrace.exe and openrace_tests.exe -------------------------------------
log "building openrace for Windows"
cmake -S "$src" -B "$build/openrace" -G Ninja \
  -DCMAKE_TOOLCHAIN_FILE="$toolchain" -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DCMAKE_PREFIX_PATH="$prefix" \
  -Dabsl_DIR="$prefix/lib/cmake/absl" -DGTest_DIR="$prefix/lib/cmake/GTest" \
  -Dnlohmann_json_DIR="$prefix/share/cmake/nlohmann_json" \
  -DCMAKE_GTEST_DISCOVER_TESTS_DISCOVERY_MODE=PRE_TEST \
  -DOPENRACE_BUILD_TESTS=ON -DOPENRACE_BUILD_BENCHMARKS=ON \
  -DOPENRACE_BUILD_EMULATOR=OFF > "$build/openrace-configure.log"
cmake --build "$build/openrace" -j "$jobs" --target openrace openrace_tests

# --- 4. under Wine ---------------------------------------------------------------
export WINEPREFIX=$build/wineprefix WINEDEBUG=-all WINEARCH=win64
# No Mono or Gecko installer prompts: openrace needs neither.
export WINEDLLOVERRIDES="mscoree,mshtml="
if [ ! -e "$WINEPREFIX/system.reg" ]; then
  log "wineboot --init"
  wineboot --init > /dev/null 2>&1 || true
fi
wineserver -w 2> /dev/null || true
if [ "${OPENRACE_WINDOWS_BUILD_ONLY:-0}" = 1 ]; then
  log "built; OPENRACE_WINDOWS_BUILD_ONLY=1: nothing run"
  exit 0
fi

exe=$build/openrace/openrace.exe
tests=$build/openrace/openrace_tests.exe
# A Linux directory as Wine sees it (drive Z: is the Linux root).
windows_path() { printf 'Z:%s' "${1//\//\\}"; }

log "unit tests under Wine"
timeout -k 10 600 wine "$tests" --gtest_brief=1
log "C reproducers (emit --lang c-win32|c-nt) under Wine"
bash "$src/ci/e2e_emit_windows.sh" "${OPENRACE_LINUX:-$src/build/openrace}"

# A hung run must fail the script, not stall CI: the campaign's own time plus
# two minutes for setup, the last scenario and the cleanup.
seconds_of() {
  case $1 in
    *ms) echo 1 ;;
    *s) echo "${1%s}" ;;
    *m) echo $((${1%m} * 60)) ;;
    *h) echo $((${1%h} * 3600)) ;;
    *) echo 600 ;;
  esac
}
campaign_limit=$(($(seconds_of "$wine_time") + 120))

work=$build/wine-work
rm -rf "$work"
mkdir -p "$work/dir" "$work/out" "$work/bind-src" "$work/bind-dst"

# Wine has no bindfltapi.dll: both ways to make a mapping must say so in
# one line and exit 2 (BfSetupFilter itself is never run here).
for args in "bind $(windows_path "$work/bind-src") $(windows_path "$work/bind-dst")" \
            "run --bind $(windows_path "$work/bind-src"):$(windows_path "$work/bind-dst") --time 1s"; do
  log "openrace.exe $args"
  status=0
  # shellcheck disable=SC2086  # the arguments hold no spaces
  timeout -k 10 60 wine "$exe" $args > "$work/bind.txt" 2>&1 || status=$?
  if [ "$status" -ne 2 ] || [ "$(wc -l < "$work/bind.txt")" -ne 1 ] ||
     ! grep -q 'bindfltapi.dll is not on this system' "$work/bind.txt"; then
    cat "$work/bind.txt" >&2
    echo "FAIL: openrace.exe $args exited $status (expected 2 and one line naming bindfltapi.dll)" >&2
    exit 1
  fi
done
for backend in nt win32; do
  log "campaign, $backend backend, $wine_time"
  status=0
  timeout -k 10 "$campaign_limit" wine "$exe" run --dir "$(windows_path "$work/dir")" \
    --out "$(windows_path "$work/out/$backend")" \
    --backend "$backend" --time "$wine_time" || status=$?
  if [ "$status" -ne 0 ]; then
    echo "FAIL: the $backend campaign under Wine exited $status (expected 0: no findings)" >&2
    find "$work/out/$backend" -name found.scn -exec sh -c 'echo "== $1"; cat "$1"' _ {} \; >&2
    exit 1
  fi
done

log "campaign --jobs 2, 10s"
status=0
timeout -k 10 130 wine "$exe" campaign --dir "$(windows_path "$work/dir")" \
  --out "$(windows_path "$work/out/campaign")" --jobs 2 --time 10s || status=$?
[ "$status" -eq 0 ] || { echo "FAIL: the campaign under Wine exited $status (expected 0: no findings)" >&2; exit 1; }

# A corpus file anchored on a directory handle has no Win32 form (CreateFileW
# takes no directory handle): the win32 backend replays the others, the nt
# backend replays them all.
uses_handle_anchor() {
  grep -v '^#' "$1" | grep -Eo '[[:space:]][A-Za-z_][A-Za-z0-9_]*:' |
    grep -Evq '^[[:space:]](cwd|abs|dev|nt):$'
}
# Wine makes a round slow (a file call is a wineserver round trip): 2000
# rounds a file by default, `OPENRACE_WINE_ROUNDS=file` for the file's own.
replay_rounds=${OPENRACE_WINE_ROUNDS:-2000}
rounds=()
[ "$replay_rounds" != file ] && rounds=(--rounds "$replay_rounds")
replayed=0
for file in corpus/*.scn; do
  grep -q '^# expect: clean' "$file" || continue
  backends=(nt)
  uses_handle_anchor "$file" || backends=(win32 nt)
  for backend in "${backends[@]}"; do
    log "replay $file, $backend backend"
    status=0
    timeout -k 10 600 wine "$exe" replay "$(windows_path "$src/$file")" --dir "$(windows_path "$work/dir")" \
      --backend "$backend" "${rounds[@]}" > "$work/replay.txt" || status=$?
    if [ "$status" -ne 0 ]; then
      cat "$work/replay.txt" >&2
      echo "FAIL: $file with the $backend backend under Wine exited $status (expected clean)" >&2
      exit 1
    fi
    replayed=$((replayed + 1))
  done
done
# The escape scenarios (issue 12): refused by the validator before anything
# runs, with either backend, and nothing appears beside --dir.
escapes=0
mkdir -p "$work/escape/dir"
for file in harness/scenario/testdata/escapes/*.scn; do
  for backend in win32 nt; do
    status=0
    timeout -k 10 120 wine "$exe" replay "$(windows_path "$src/$file")" \
      --dir "$(windows_path "$work/escape/dir")" --backend "$backend" --rounds 3 \
      > "$work/replay.txt" 2>&1 || status=$?
    if [ "$status" -ne 2 ] || [ -n "$(ls -A "$work/escape/dir")" ] ||
       [ "$(ls -A "$work/escape")" != dir ]; then
      cat "$work/replay.txt" >&2; ls -laR "$work/escape" >&2
      echo "FAIL: escape $file with the $backend backend under Wine: exit $status (expected 2, refused) or files beside the sandbox" >&2
      exit 1
    fi
    escapes=$((escapes + 1))
  done
done
wineserver -k 2> /dev/null || true
log "ok: unit tests, bind without bindfltapi.dll, nt and win32 campaigns, $replayed clean corpus replays, $escapes escape replays refused under Wine"
