#!/usr/bin/env bash
# End-to-end: `openrace replay --junit --sarif`, the reports CI reads.
#  1. Three corpus files (one named with <&"') replayed with --check:
#     exit 0; the JUnit XML (parsed with python3's xml.etree) has a passing
#     test case per file with its rounds and outcome counts; the SARIF log
#     (parsed with json) has the required fields and no result; a total
#     line.
#  2. A broken expectation: exit 1; a <failure> for that file only, and a
#     SARIF result at the `# expect:` line that was not met.
#  3. Without --check, under the planted-bug emulator: the finding fails
#     the file, and its SARIF result points at the failing call's line.
#  4. On a terminal (script(1)), a progress line rewritten with \r; never
#     otherwise. A --junit whose directory is missing exits 2 at once.
#   ci/e2e_replay_reports.sh OPENRACE EMULATOR_LIB CORPUS_DIR
set -euo pipefail
openrace=$1 emulator=$2 corpus=$3
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
signature=open-invalid_parameter-EINVAL-transient-cwd
mkdir "$work/corpus" "$work/fs" "$work/reports"
cp "$corpus/create_race.scn" "$corpus/seed_held_relative.scn" "$work/corpus/"
cd "$work"

# check_reports JUNIT SARIF WANT: WANT is a Python dict literal
#   {file name: None (passes) or (rule, line, message part)}
check_reports() {
  python3 - "$@" <<'EOF'
import ast, json, sys
import xml.etree.ElementTree as ET
junit, sarif, want = sys.argv[1], sys.argv[2], ast.literal_eval(sys.argv[3])
def fail(message):
    sys.exit(f"FAIL: {message}")

root = ET.parse(junit).getroot()
suites = root.findall("testsuite")
if root.tag != "testsuites" or len(suites) != 1:
    fail(f"{junit}: not one <testsuite> in <testsuites>")
suite = suites[0]
cases = {c.get("name") + ".scn": c for c in suite.findall("testcase")}
if sorted(cases) != sorted(want):
    fail(f"{junit}: test cases {sorted(cases)}, expected {sorted(want)}")
failing = sum(1 for w in want.values() if w)
if (suite.get("tests"), suite.get("failures"), suite.get("errors")) != \
        (str(len(want)), str(failing), "0"):
    fail(f"{junit}: counts {suite.attrib}")
for name, case in cases.items():
    if case.get("classname") != "corpus" or \
            case.get("file") != f"corpus/{name}" or float(case.get("time")) <= 0:
        fail(f"{junit}: {name}: {case.attrib}")
    props = {p.get("name"): int(p.get("value"))
             for p in case.findall("properties/property")}
    outcomes = sum(v for k, v in props.items() if k.startswith("outcome."))
    if props.get("rounds", 0) <= 0 or outcomes < props["rounds"]:
        fail(f"{junit}: {name}: rounds and outcome counts {props}")
    failure = case.find("failure")
    if want[name] is None:
        if failure is not None or case.find("error") is not None:
            fail(f"{junit}: {name} should pass")
        continue
    rule, line, part = want[name]
    if failure is None or failure.get("type") != rule or \
            part not in failure.get("message") or f":{line}: " not in failure.text:
        fail(f"{junit}: {name}: expected a {rule} failure at line {line} "
             f"with '{part}'; got {None if failure is None else failure.attrib}")
    print(f"ok: <failure type={rule!r} message={failure.get('message')!r}>")

with open(sarif) as f:
    doc = json.load(f)
if doc.get("version") != "2.1.0" or len(doc.get("runs", [])) != 1:
    fail(f"{sarif}: not one SARIF 2.1.0 run")
run = doc["runs"][0]
driver = run["tool"]["driver"]
if driver.get("name") != "openrace" or not driver.get("version"):
    fail(f"{sarif}: driver {driver}")
rules = [r["id"] for r in driver.get("rules", [])]
results = run.get("results")
if results is None:
    fail(f"{sarif}: no results array")
expected = {f"corpus/{n}": w for n, w in want.items() if w}
if len(results) != len(expected):
    fail(f"{sarif}: {len(results)} results, expected {len(expected)}")
for r in results:
    loc = r["locations"][0]["physicalLocation"]
    uri = loc["artifactLocation"]["uri"]
    if uri not in expected:
        fail(f"{sarif}: a result for {uri}")
    rule, line, part = expected[uri]
    if r["ruleId"] != rule or rules[r["ruleIndex"]] != rule or \
            loc["region"]["startLine"] != line or part not in r["message"]["text"]:
        fail(f"{sarif}: {uri}: expected {rule} at line {line}; got {r}")
    print(f"ok: SARIF {rule} at {uri}:{line}")
print(f"ok: {junit} ({len(cases)} test cases) and {sarif} ({len(results)} results)")
EOF
}

# 1. Files that meet their expectations; one with a name XML must escape.
odd="odd & <name> \"'.scn"
cp corpus/create_race.scn "corpus/$odd"
"$openrace" replay corpus/create_race.scn corpus/seed_held_relative.scn "corpus/$odd" \
  --dir fs --check --emulator "$emulator" --rounds 1000 \
  --junit reports/pass.xml --sarif reports/pass.sarif > out.txt 2> err.txt ||
  { cat out.txt err.txt; fail "replay --check of good files"; }
cat out.txt
grep -q "^openrace replay: 3 files, 3 ok, 0 failed, 4000 rounds in [0-9.]*s$" out.txt ||
  fail "no total line"
if grep -q $'\r' err.txt; then fail "a progress line on stderr that is not a terminal"; fi
check_reports reports/pass.xml reports/pass.sarif \
  "{'create_race.scn': None, 'seed_held_relative.scn': None, '''$odd''': None}"
rm "corpus/$odd"

# 2. A broken expectation: the rule that does not plant this bug.
sed 's/under emulator rule held-relative$/under emulator rule mkdir-relative/' \
  corpus/seed_held_relative.scn > corpus/broken.scn
line=$(grep -n "^# expect: finding" corpus/broken.scn | cut -d: -f1)
status=0
"$openrace" replay corpus/create_race.scn corpus/broken.scn \
  --dir fs --check --emulator "$emulator" --rounds 300 \
  --junit reports/broken.xml --sarif reports/broken.sarif > out.txt 2>&1 || status=$?
cat out.txt
[ "$status" -eq 1 ] || fail "a broken expectation should exit 1 (exit $status)"
grep -q "^openrace replay: 2 files, 1 ok, 1 failed, " out.txt || fail "no total line"
check_reports reports/broken.xml reports/broken.sarif \
  "{'create_race.scn': None, 'broken.scn': ('expect-finding', $line, 'mkdir-relative; found nothing')}"

# 3. Without --check, under the emulator: the finding fails the file, at
# the line of the call that failed (thread 2's open of the held file).
call=$(grep -n "^  open cwd:src/a/foo.h" corpus/seed_held_relative.scn | cut -d: -f1)
[ -n "$call" ] || fail "no second open in seed_held_relative.scn"
status=0
env LD_PRELOAD="$emulator" OPENRACE_EMULATOR_ROOT="$work/fs" \
    OPENRACE_EMULATOR_RULES=held-relative OPENRACE_EMULATOR_P=0.05 \
    OPENRACE_EMULATOR_SEED=7 OPENRACE_EMULATOR_TRANSIENT=1 \
  "$openrace" replay corpus/seed_held_relative.scn --dir fs --rounds 1000 \
    --junit reports/found.xml --sarif reports/found.sarif > out.txt 2>&1 || status=$?
tail -3 out.txt
[ "$status" -eq 1 ] || fail "a replay that finds should exit 1 (exit $status)"
check_reports reports/found.xml reports/found.sarif \
  "{'seed_held_relative.scn': ('$signature', $call, 'found $signature')}"

# 4. On a terminal: the progress line. Not there when script(1) is absent.
if command -v script > /dev/null; then
  # stderr is the terminal script(1) makes; what it shows lands in tty.txt.
  script -qec "'$openrace' replay corpus/create_race.scn --dir fs --rounds 300 > /dev/null" \
    /dev/null > tty.txt < /dev/null || true
  grep -q $'\r\033\\[Kreplay 1/1 corpus/create_race.scn: [0-9]* rounds, 0 findings so far' tty.txt ||
    { od -c tty.txt | head -20; fail "no progress line on a terminal"; }
  echo "ok: a progress line on a terminal"
fi
status=0
"$openrace" replay corpus/create_race.scn --dir fs --junit no-such-dir/r.xml \
  > out.txt 2> err.txt || status=$?
[ "$status" -eq 2 ] && grep -q "no-such-dir is not a directory" err.txt &&
  [ ! -s out.txt ] || { cat out.txt err.txt; fail "--junit into a missing directory should exit 2 before replaying"; }
echo "ok: replay --junit --sarif"
