#!/usr/bin/env bash
# End-to-end: openrace as a package another project uses. Installs the
# build (`cmake --install`), checks what the package holds, then configures,
# builds and tests ci/consumer/ against it alone: find_package(openrace
# CONFIG), an RC_GTEST_PROP over openrace::rapidcheck's scenarios in a
# temporary directory, and openrace_add_corpus over two scenario files (one
# expects a finding under the emulator), each writing a JUnit report.
#   ci/e2e_package.sh BUILD_DIR CONSUMER_DIR
# Works in BUILD_DIR/package/ (emptied first; fixed paths, so ccache hits
# when the build uses it).
set -euo pipefail
build=$(realpath "$1") consumer=$(realpath "$2")
work=$build/package
rm -rf "$work"
mkdir -p "$work"
prefix=$work/prefix
fail() { echo "FAIL: $*" >&2; exit 1; }

cmake --install "$build" --prefix "$prefix" > "$work/install.log" ||
  { cat "$work/install.log"; fail "cmake --install"; }

# What the package holds, and what it must not.
for f in bin/openrace include/harness/run/sandbox.h \
         include/harness/scenario/scenario.h include/harness/campaign/campaign.h \
         include/harness/rapidcheck/generators.h; do
  [ -f "$prefix/$f" ] || fail "the package has no $f"
done
for stage in base scenario run judge repro report store campaign rapidcheck; do
  compgen -G "$prefix/lib*/libopenrace_$stage.a" > /dev/null ||
    fail "the package has no libopenrace_$stage.a"
done
compgen -G "$prefix/lib*/libopenrace_emulator.so" > /dev/null || fail "the package has no emulator"
compgen -G "$prefix/lib*/cmake/openrace/openraceConfig.cmake" > /dev/null || fail "no openraceConfig.cmake"
leaked=$(find "$prefix/include" \( -name internal -o -name testing -o -name cli -o -name '*_test*' -o -name '*.cc' \) -print)
[ -z "$leaked" ] || fail "the package holds what is not public: $leaked"
# Every header an installed header includes is in the package too (none
# needs an internal/ one).
grep -rhoE '#include "harness/[^"]+"' "$prefix/include" | sed 's/#include "//; s/"$//' |
  sort -u > "$work/included.txt"
while read -r h; do
  [ -f "$prefix/include/$h" ] || fail "an installed header includes $h, which the package lacks"
done < "$work/included.txt"
echo "ok: the package ($(find "$prefix" -type f | wc -l) files) in $prefix"

# The consumer project, against the package alone, with the build's
# compiler (and its ccache, if any).
cxx=$(sed -n 's/^CMAKE_CXX_COMPILER:[A-Z]*=//p' "$build/CMakeCache.txt")
launcher=$(sed -n 's/^CMAKE_CXX_COMPILER_LAUNCHER:[A-Z]*=//p' "$build/CMakeCache.txt")
args=(-G Ninja -DCMAKE_BUILD_TYPE=Release -DCMAKE_PREFIX_PATH="$prefix"
      -DCMAKE_CXX_COMPILER="$cxx")
[ -z "$launcher" ] || args+=(-DCMAKE_CXX_COMPILER_LAUNCHER="$launcher")
cmake -S "$consumer" -B "$work/consumer" "${args[@]}" > "$work/configure.log" 2>&1 ||
  { cat "$work/configure.log"; fail "the consumer does not configure"; }
grep -q "^openrace_DIR:PATH=$prefix/" "$work/consumer/CMakeCache.txt" ||
  fail "the consumer found an openrace other than $prefix: $(grep '^openrace_DIR' "$work/consumer/CMakeCache.txt")"
cmake --build "$work/consumer" -j 2 > "$work/build.log" 2>&1 ||
  { cat "$work/build.log"; fail "the consumer does not build"; }

cd "$work/consumer"
ctest -N > "$work/tests.txt"
for t in consumer.clean_create consumer.planted.held_relative \
         consumer.ConsumerFileSystemProps.TheOracleAllowsEveryOutcome \
         consumer.ConsumerScenarioProps.ScenariosRoundTripThroughText; do
  grep -q " $t\$" "$work/tests.txt" || { cat "$work/tests.txt"; fail "the consumer has no test $t"; }
done
[ "$(ctest -N -L consumer | grep -c 'Test *#')" -eq 2 ] ||
  fail "the corpus tests do not carry their label"
ctest --output-on-failure -j 2 || fail "the consumer's tests"
# openrace_add_corpus(... JUNIT_DIR junit): a passing JUnit report per test.
for t in consumer.clean_create consumer.planted.held_relative; do
  python3 - "$work/consumer/junit/$t.xml" <<'EOF' || fail "no good JUnit report from $t"
import sys, xml.etree.ElementTree as ET
suite = ET.parse(sys.argv[1]).getroot().find("testsuite")
assert (suite.get("tests"), suite.get("failures")) == ("1", "0"), suite.attrib
EOF
done
echo "ok: a project built against the installed openrace passes its tests"
