#!/usr/bin/env bash
# The Kubernetes manifest checker (ci/check_k8s.py), both ways:
#   ci/e2e_check_k8s.sh OPENRACE manifests
#       every manifest of ci/k8s/ passes, and together they hold the
#       Windows and Linux CronJobs, the Indexed Job and the merge.
#   ci/e2e_check_k8s.sh OPENRACE fixtures
#       the checker can fail: each ci/k8s/testdata/ fixture fails with the
#       problem its "# expect-error:" line names (valid_*.yaml must pass).
set -euo pipefail
openrace=$1 mode=$2
cd "$(dirname "$0")"
if [ "$mode" = manifests ]; then
  exec python3 check_k8s.py --openrace "$openrace" \
    --expect windows-cronjob,linux-cronjob,indexed-job,merge k8s/*.yaml
fi
failed=0
for fixture in k8s/testdata/*.yaml; do
  expected=$(sed -n 's/^# expect-error: //p' "$fixture")
  status=0
  output=$(python3 check_k8s.py --openrace "$openrace" "$fixture") || status=$?
  case "$expected" in
    none*)
      if [ "$status" -ne 0 ]; then
        echo "$output"; echo "FAIL: $fixture should pass"; failed=1
      fi ;;
    *)
      if [ "$status" -ne 1 ] || ! grep -qF -- "$expected" <<< "$output"; then
        echo "$output"; echo "FAIL: $fixture should fail with: $expected (exit $status)"; failed=1
      else
        echo "ok: $fixture: $(grep -F -- "$expected" <<< "$output" | head -n 1)"
      fi ;;
  esac
done
exit "$failed"
