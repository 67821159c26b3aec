#!/bin/bash
# A real, minimal OpenStack (Debian bookworm = Zed) on 127.0.0.1 for the contract tests: Keystone,
# Placement, Glance, Nova (api, conductor, scheduler, compute with the fake virt driver), Neutron
# (ML2, no agents), MariaDB and RabbitMQ, as background processes without systemd.
# Adapted from ../shared/tools/mini-openstack (measurements: ../shared/reference/mini-openstack.md).
#
#   sudo scripts/openstack/setup.sh     installs missing packages, starts, provisions, writes clouds.yaml
#   scripts/openstack/stop.sh           ends exactly the processes this started
#
# Idempotent: when the recorded processes are alive and Keystone and Nova answer, it only
# re-provisions (seconds); otherwise it stops what is left and starts again, keeping the data.
#   RESTART=1  restart even when running      RESET=1  also wipe the data (fresh databases)
#   RUNNER_FLEET_OPENSTACK_DIR  state directory (default /tmp/runner-fleet-openstack)
# Output: $RUNNER_FLEET_OPENSTACK_DIR/clouds.yaml (clouds demo, demo-appcred, admin), logs/, timings.
set -euo pipefail
T0=$(date +%s.%N)
source "$(dirname "$0")/lib.sh"
mkdir -p "$RF_DIR" "$LOG"
: > "$TIMINGS"

source "$HERE/packages.sh"

running() {
  [ -s "$PIDS" ] || return 1
  local name pid
  while read -r name pid; do group_alive "$pid" || return 1; done < "$PIDS"
  has_token && curl -sf -o /dev/null "http://$H:8774/v2.1/" && port_open 9696 && port_open 9292
}
if [ "${RESTART:-0}" = 0 ] && [ "${RESET:-0}" = 0 ] && running; then
  stamp "already running (pids in $PIDS); re-provisioning only"
else
  [ -s "$PIDS" ] && bash "$HERE/stop.sh"
  : > "$PIDS"
  rm -rf "$LOG.prev" && mv "$LOG" "$LOG.prev" && mkdir -p "$LOG"   # previous run's logs → logs.prev
  [ "${RESET:-0}" = 1 ] && rm -rf "$DATA"
  source "$HERE/configs.sh"
  source "$HERE/services.sh"
fi

/usr/bin/python3 "$HERE/provision.py" "$PW" "$RF_DIR/clouds.yaml" > "$LOG/provision.log" 2>&1 \
  || { cat "$LOG/provision.log"; die "provisioning failed"; }
chmod 600 "$RF_DIR/clouds.yaml"
stamp "ready: flavors, images, runners-net, default security group, application credential"
echo "clouds.yaml: $RF_DIR/clouds.yaml (clouds: demo, demo-appcred, admin)"
echo "run the contract tests: RUNNER_FLEET_OPENSTACK=real ./dev npx vitest run test/contract"
