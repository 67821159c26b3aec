#!/bin/bash
# Stops exactly the processes setup.sh started, by the process groups recorded in $PIDS: each
# was started with setsid (pgid == pid), so TERM reaches uwsgi, neutron and nova-api workers and
# rabbit's beam.smp. Waits up to 15 s, then KILLs what is left. OpenStack services stop first,
# then RabbitMQ, epmd and MariaDB. Does nothing when nothing is recorded.
set -uo pipefail
source "$(dirname "$0")/lib.sh"
[ -s "$PIDS" ] || { echo "openstack: nothing recorded in $PIDS"; exit 0; }

stop_groups() { # stop_groups NAME=PGID...
  local item live=()
  for item in "$@"; do
    if group_alive "${item#*=}"; then kill -TERM -- "-${item#*=}" 2>/dev/null; live+=("$item"); fi
  done
  [ ${#live[@]} -gt 0 ] || return 0
  echo "openstack: stopping ${live[*]%%=*}"
  local i any
  for ((i = 0; i < 60; i++)); do
    any=0
    for item in "${live[@]}"; do group_alive "${item#*=}" && any=1; done
    [ $any = 0 ] && return 0
    sleep 0.25
  done
  for item in "${live[@]}"; do
    group_alive "${item#*=}" && { echo "openstack: ${item%%=*} still alive after 15 s: KILL"; kill -KILL -- "-${item#*=}" 2>/dev/null; }
  done
  return 0
}

infra=() services=()
while read -r name pid; do
  [ -n "${pid:-}" ] || continue
  case "$name" in mariadb|rabbitmq|epmd) infra+=("$name=$pid") ;; *) services+=("$name=$pid") ;; esac
done < "$PIDS"
[ ${#services[@]} -gt 0 ] && stop_groups "${services[@]}"
[ ${#infra[@]} -gt 0 ] && stop_groups "${infra[@]}"
mv "$PIDS" "$PIDS.stopped"
echo "openstack: stopped"
