# Starts MariaDB, RabbitMQ, Keystone, Placement, Glance, Neutron and Nova on 127.0.0.1, without
# systemd, each in its own process group recorded in $PIDS; returns once a server can be
# scheduled. Sourced by setup.sh after lib.sh and configs.sh.
mkdir -p "$DATA"/{run,lock,keystone,glance/images,glance/staging,glance/tasks,nova,neutron,rabbitmq}

# --- MariaDB and RabbitMQ
if [ ! -d "$DATA/mysql/mysql" ]; then
  mariadb-install-db --no-defaults --user=root --datadir="$DATA/mysql" --auth-root-authentication-method=socket \
    > "$LOG/mariadb-install-db.log" 2>&1 || die "mariadb-install-db failed (log: $LOG/mariadb-install-db.log)"
fi
start_bg mariadb mariadbd --no-defaults --user=root --datadir="$DATA/mysql" \
  --bind-address=$H --port=3306 --socket="$SOCK" --pid-file="$DATA/run/mariadbd.pid" \
  --log-error="$LOG/mariadb.err" --skip-name-resolve --max-connections=500 \
  --innodb-buffer-pool-size=64M --innodb-log-file-size=32M --innodb-flush-log-at-trx-commit=0 \
  --character-set-server=utf8mb4 --collation-server=utf8mb4_general_ci

# epmd started explicitly (loopback only) so that it is a recorded process group too.
start_bg epmd epmd -address $H -port 4369
echo "[]." > "$DATA/rabbitmq/enabled_plugins"
# The rabbitmq-server wrapper would su to the rabbitmq user; run the real script as root instead.
start_bg rabbitmq env HOME="$DATA/rabbitmq" ERL_EPMD_ADDRESS=$H RABBITMQ_NODENAME=runnerfleet@localhost \
  RABBITMQ_NODE_IP_ADDRESS=$H RABBITMQ_NODE_PORT=5672 RABBITMQ_DIST_PORT=25672 \
  RABBITMQ_MNESIA_BASE="$DATA/rabbitmq/mnesia" RABBITMQ_LOG_BASE="$LOG/rabbitmq" \
  RABBITMQ_CONFIG_FILE="$ETC/rabbitmq.conf" RABBITMQ_ENABLED_PLUGINS_FILE="$DATA/rabbitmq/enabled_plugins" \
  RABBITMQ_PID_FILE="$DATA/run/rabbitmq.pid" \
  RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS="-kernel inet_dist_use_interface {127,0,0,1}" \
  RABBITMQ_CTL_ERL_ARGS="-kernel inet_dist_use_interface {127,0,0,1}" \
  /usr/lib/rabbitmq/bin/rabbitmq-server

wait_for "mariadb" 60 mariadb --no-defaults -S "$SOCK" -uroot -e 'select 1'
stamp "mariadb up"
mariadb --no-defaults -S "$SOCK" -uroot <<EOF
CREATE USER IF NOT EXISTS 'os'@'127.0.0.1' IDENTIFIED BY '$PW';
CREATE USER IF NOT EXISTS 'os'@'localhost' IDENTIFIED BY '$PW';
$(for d in keystone glance placement nova_api nova_cell0 nova neutron; do
    echo "CREATE DATABASE IF NOT EXISTS $d CHARACTER SET utf8mb4;"
    echo "GRANT ALL PRIVILEGES ON $d.* TO 'os'@'127.0.0.1'; GRANT ALL PRIVILEGES ON $d.* TO 'os'@'localhost';"
  done)
FLUSH PRIVILEGES;
EOF

# --- schema syncs, in parallel (no-ops but still ~20 s of CPU on a restart)
KC="--config-file $ETC/keystone.conf"
( keystone-manage $KC db_sync
  keystone-manage $KC fernet_setup --keystone-user root --keystone-group root
  keystone-manage $KC credential_setup --keystone-user root --keystone-group root
  keystone-manage $KC bootstrap --bootstrap-password "$PW" --bootstrap-region-id RegionOne \
    --bootstrap-admin-url http://$H:5000/v3/ --bootstrap-internal-url http://$H:5000/v3/ --bootstrap-public-url http://$H:5000/v3/
) > "$LOG/sync-keystone.log" 2>&1 &
j_ks=$!
glance-manage --config-file "$ETC/glance-api.conf" db_sync > "$LOG/sync-glance.log" 2>&1 &
j_gl=$!
placement-manage --config-file "$ETC/placement/placement.conf" db sync > "$LOG/sync-placement.log" 2>&1 &
j_pl=$!
( N="nova-manage --config-file $ETC/nova.conf"
  $N api_db sync
  cells=$($N cell_v2 list_cells 2>/dev/null || true)   # captured first: "| grep -q" + pipefail = SIGPIPE
  case "$cells" in *" cell0 "*) ;; *) $N cell_v2 map_cell0 --database_connection "$DB/nova_cell0" ;; esac
  case "$cells" in *" cell1 "*) ;; *) $N cell_v2 create_cell --name cell1 --verbose ;; esac
  $N db sync
) > "$LOG/sync-nova.log" 2>&1 &
j_nv=$!
neutron-db-manage --config-file "$ETC/neutron.conf" --config-file "$ETC/ml2_conf.ini" upgrade heads > "$LOG/sync-neutron.log" 2>&1 &
j_ne=$!

# --- Keystone and Placement under uwsgi. "Connection: close": uwsgi's --http-socket closes each
# connection anyway, and clients that reuse it get ECONNRESET (Debian's uwsgi ini warns of "error 104").
uwsgi_app() { # uwsgi_app NAME PORT WSGI_FILE
  start_bg "$1" "${UWSGI_ENV[@]}" uwsgi --plugin python3 --master --die-on-term --lazy-apps --enable-threads \
    --buffer-size 65535 --processes 1 --threads 4 --need-app --add-header "Connection: close" \
    --http-socket "$H:$2" --wsgi-file "$3" --logto "$LOG/$1-uwsgi.log"
}
wait $j_ks || { tail -20 "$LOG/sync-keystone.log"; die "keystone db sync/bootstrap failed"; }
stamp "keystone database ready"
UWSGI_ENV=(env OS_KEYSTONE_CONFIG_FILES="$ETC/keystone.conf"); uwsgi_app keystone 5000 /usr/bin/keystone-wsgi-public
wait_for "a keystone token" 120 has_token
stamp "first token"
/usr/bin/python3 "$HERE/bootstrap_catalog.py" "$PW" > "$LOG/bootstrap_catalog.log" 2>&1 \
  || { cat "$LOG/bootstrap_catalog.log"; die "catalog bootstrap failed"; }
stamp "catalog registered"

wait $j_pl || { tail -20 "$LOG/sync-placement.log"; die "placement db sync failed"; }
UWSGI_ENV=(env OS_PLACEMENT_CONFIG_DIR="$ETC/placement"); uwsgi_app placement 8778 /usr/bin/placement-api
wait $j_gl || { tail -20 "$LOG/sync-glance.log"; die "glance db sync failed"; }
start_bg glance-api glance-api --config-file "$ETC/glance-api.conf"
wait $j_ne || { tail -20 "$LOG/sync-neutron.log"; die "neutron db sync failed"; }
# PYTHONPATH: the ML2 driver runner_fleet_fakebind (pylib/), found through its dist-info entry point.
start_bg neutron-server env PYTHONPATH="$HERE/pylib" neutron-server --config-file "$ETC/neutron.conf" --config-file "$ETC/ml2_conf.ini"
wait $j_nv || { tail -20 "$LOG/sync-nova.log"; die "nova db sync failed"; }
stamp "database syncs done"
wait_for "rabbitmq" 60 port_open 5672

# --- Nova: conductor first (compute blocks 10 s and retries if no conductor answers its first ping)
NC="--config-file $ETC/nova.conf"
nova_started=$(date -u +%Y-%m-%dT%H:%M:%S)
start_bg nova-conductor nova-conductor $NC --log-file "$LOG/nova-conductor.log"
start_bg nova-scheduler nova-scheduler $NC --log-file "$LOG/nova-scheduler.log"
start_bg nova-api nova-api $NC --log-file "$LOG/nova-api.log"
wait_for "nova-api" 90 port_open 8774
start_bg nova-compute /usr/bin/python3 -c 'import sys; from nova.cmd.compute import main; sys.argv[0] = "nova-compute"; sys.exit(main())' \
  --config-file "$ETC/nova-compute.conf" --log-file "$LOG/nova-compute.log"
wait_for "placement" 60 port_open 8778
wait_for "glance" 60 port_open 9292
wait_for "neutron" 90 port_open 9696
stamp "API ports open"

# --- readiness: a heartbeat of THIS nova-compute (after a restart the old one may still look
# fresh while the new process is in its conductor back-off), then map the host into cell1.
TOK=$(admin_token)
compute_started() {
  curl -sf "http://$H:8774/v2.1/os-services?binary=nova-compute&host=$COMPUTE_HOST" -H "X-Auth-Token: $TOK" \
    | jq -e --arg t "$nova_started" '.services[] | select(.state == "up" and .updated_at >= $t)'
}
wait_for "the nova-compute heartbeat" 120 compute_started
nova-manage $NC cell_v2 discover_hosts > "$LOG/discover_hosts.log" 2>&1
hypervisor_up() {
  curl -sf "http://$H:8774/v2.1/os-hypervisors" -H "X-Auth-Token: $TOK" \
    | jq -e --arg h "$COMPUTE_HOST" '.hypervisors[] | select(.hypervisor_hostname == $h and .state == "up")'
}
wait_for "the hypervisor" 30 hypervisor_up
stamp "compute ready"
