#!/bin/bash
# CI entry point of the contract tests against a real OpenStack: setup (install + start), the
# contract suites with RUNNER_FLEET_OPENSTACK=real, then stop — always, also on failure or
# interrupt — and the tests' exit code. Service logs stay in $RUNNER_FLEET_OPENSTACK_DIR/logs.
#   KEEP_RUNNING=1  leave the services up afterwards (for re-running the tests by hand)
set -uo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
here="$root/scripts/openstack"
started=$(date +%s)
elapsed() { echo "$(( $(date +%s) - started )) s"; }

finish() {
  local code=$?
  trap - EXIT INT TERM
  if [ "${KEEP_RUNNING:-0}" = 1 ]; then echo "contract: services left running (KEEP_RUNNING=1)"; else bash "$here/stop.sh"; fi
  echo "contract: exit $code after $(elapsed)"
  exit $code
}
trap finish EXIT
trap 'exit 130' INT TERM

echo "contract: starting OpenStack"
bash "$here/setup.sh" || { echo "contract: setup failed after $(elapsed)"; exit 1; }
echo "contract: OpenStack ready after $(elapsed); running the contract suites"
cd "$root"
# One file at a time: the services use both cores, so parallel files finish no sooner (measured)
# and only make each server's lifecycle slower.
RUNNER_FLEET_OPENSTACK=real ./dev npx vitest run test/contract --no-file-parallelism
