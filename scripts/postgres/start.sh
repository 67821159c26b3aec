#!/bin/bash
# A real PostgreSQL on 127.0.0.1 for the PostgreSQL demand store's tests (SPEC §9 "Durability"):
# Debian's `postgresql` package, a scratch cluster, no systemd.
#
#   scripts/postgres/start.sh   installs the package when no server is found (needs root), starts
#                               the cluster and prints its connection URL as the last stdout line
#   scripts/postgres/stop.sh    stops exactly that cluster
#
# Idempotent: a running cluster is left alone and its URL printed again. Concurrent callers (two
# test files) wait for each other on a lock file.
#   RUNNER_FLEET_POSTGRES_DIR   state directory (default /tmp/runner-fleet-postgres)
#   RUNNER_FLEET_POSTGRES_PORT  TCP port on 127.0.0.1 (default 55432)
#   RESET=1                     wipe the cluster and start from an empty one
# Auth: scram-sha-256 on 127.0.0.1 only (no other address listens); trust on the Unix socket,
# whose directory only the server's user can enter (provisioning uses it).
set -euo pipefail
source "$(dirname "$0")/lib.sh"
mkdir -p "$(dirname "$RF_PG_DIR")"
exec 9> "$RF_PG_DIR.lock"
flock 9

BIN=$(pg_bin || true)
if [ -z "$BIN" ]; then
  [ "$(id -u)" = 0 ] || die "no PostgreSQL server under /usr/lib/postgresql/*/bin: run this once as root to install Debian's postgresql package"
  # Without it, the package's postinst starts the default cluster (port 5432) through invoke-rc.d.
  [ -x /usr/sbin/policy-rc.d ] || { printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d; chmod +x /usr/sbin/policy-rc.d; }
  stamp "installing postgresql (apt)"
  mkdir -p "$RF_PG_DIR"
  [ "${APT_UPDATE:-1}" = 0 ] || apt-get update -q > "$RF_PG_DIR/apt-update.log" 2>&1 || { tail -5 "$RF_PG_DIR/apt-update.log" >&2; die "apt-get update failed"; }
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends postgresql > "$RF_PG_DIR/apt-install.log" 2>&1 \
    || { tail -30 "$RF_PG_DIR/apt-install.log" >&2; die "apt-get install postgresql failed (log: $RF_PG_DIR/apt-install.log)"; }
  BIN=$(pg_bin) || die "postgresql installed, but no initdb/pg_ctl/postgres under /usr/lib/postgresql/*/bin"
  stamp "installed $("$BIN/postgres" --version)"
fi

if [ "${RESET:-0}" = 1 ]; then
  running && as_server "$BIN/pg_ctl" -D "$DATA" stop -m fast -w > /dev/null
  rm -rf "$DATA"
fi

if ! running; then
  # Up, but not answering on this port (started with another RUNNER_FLEET_POSTGRES_PORT): restart it.
  if [ -f "$DATA/PG_VERSION" ] && as_server "$BIN/pg_ctl" -D "$DATA" status > /dev/null 2>&1; then
    stamp "restarting the cluster on port $RF_PG_PORT"
    as_server "$BIN/pg_ctl" -D "$DATA" stop -m fast -w > /dev/null
  fi
  mkdir -p "$RF_PG_DIR" "$RUN"
  [ -s "$RF_PG_DIR/password" ] || (umask 077; head -c 18 /dev/urandom | base64 | tr '+/' '-_' > "$RF_PG_DIR/password")
  chown -R "$(server_user)" "$RF_PG_DIR"
  chmod 700 "$RF_PG_DIR" "$RUN"
  if [ ! -f "$DATA/PG_VERSION" ]; then
    stamp "initdb $DATA"
    # C locale: byte order for text, as the SQLite store sorts; UTF8 for any label or name.
    as_server "$BIN/initdb" -D "$DATA" -U postgres -E UTF8 --locale=C -A trust > "$RF_PG_DIR/initdb.log" 2>&1 \
      || { cat "$RF_PG_DIR/initdb.log" >&2; die "initdb failed"; }
    as_server tee "$DATA/pg_hba.conf" > /dev/null <<HBA
local all all                trust
host  all all 127.0.0.1/32  scram-sha-256
HBA
  fi
  stamp "starting on $H:$RF_PG_PORT"
  # 9>&-: the server must not inherit the lock, or it would hold it for as long as it runs.
  as_server "$BIN/pg_ctl" -D "$DATA" -l "$LOGFILE" -w -t 60 start \
      -o "-c listen_addresses=$H -p $RF_PG_PORT -c unix_socket_directories=$RUN -c max_connections=200" > /dev/null 9>&- \
    || { tail -20 "$LOGFILE" >&2; die "the server did not start (log: $LOGFILE)"; }
fi

# The test role and its database, (re)provisioned every time so the password file stays the truth.
PW=$(cat "$RF_PG_DIR/password")
# On stdin, not argv, so the password never shows in ps; it is base64url, so it needs no quoting.
as_server "$BIN/psql" -q -X -v ON_ERROR_STOP=1 -h "$RUN" -p "$RF_PG_PORT" -U postgres -d postgres > /dev/null <<SQL \
  || die "provisioning the $ROLE role failed (log: $LOGFILE)"
\set pw '$PW'
SELECT format('CREATE ROLE %I LOGIN', '$ROLE') WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '$ROLE') \gexec
ALTER ROLE $ROLE PASSWORD :'pw';
SELECT format('CREATE DATABASE %I OWNER %I', '$ROLE', '$ROLE') WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = '$ROLE') \gexec
SQL
URL="postgres://$ROLE:$PW@$H:$RF_PG_PORT/$ROLE"
(umask 077; echo "$URL" > "$RF_PG_DIR/url")
stamp "ready: PostgreSQL $("$BIN/postgres" --version | awk '{print $3}') (log: $LOGFILE)"
echo "$URL"
