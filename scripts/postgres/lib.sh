# Shared settings and helpers of start.sh / stop.sh (sourced, not run).
# Everything lives under $RUNNER_FLEET_POSTGRES_DIR (default /tmp/runner-fleet-postgres):
#   data/ the cluster, run/ its socket, server.log, password (the test role's, mode 600), url.
RF_PG_DIR=${RUNNER_FLEET_POSTGRES_DIR:-/tmp/runner-fleet-postgres}
RF_PG_PORT=${RUNNER_FLEET_POSTGRES_PORT:-55432}
export RUNNER_FLEET_POSTGRES_DIR=$RF_PG_DIR
# Debian's binaries, never a shim that is not the server's own version.
export PATH=/usr/local/sbin:/usr/sbin:/usr/bin:/sbin:/bin

H=127.0.0.1
DATA=$RF_PG_DIR/data
RUN=$RF_PG_DIR/run
LOGFILE=$RF_PG_DIR/server.log
ROLE=runner_fleet             # the role and database the tests use (not a superuser)

T0=${T0:-$(date +%s.%N)}
# stamp LABEL: seconds since the script started, on stderr (stdout's last line is the URL)
stamp() { awk -v a="$(date +%s.%N)" -v b="$T0" -v l="$1" 'BEGIN{printf "[postgres %5.1f s] %s\n", a-b, l}' >&2; }
die() { echo "FATAL: $*" >&2; exit 1; }

# pg_bin: the newest Debian server's bin directory (initdb, pg_ctl, postgres, psql), or nothing
pg_bin() {
  local d
  for d in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V -r); do
    [ -x "$d/initdb" ] && [ -x "$d/pg_ctl" ] && [ -x "$d/postgres" ] && { echo "$d"; return 0; }
  done
  return 1
}

# as_server CMD...: runs CMD as the cluster's owner. PostgreSQL refuses to run as root, so root
# uses the `postgres` system user that Debian's package creates; anyone else runs it as themselves.
as_server() {
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}
server_user() { if [ "$(id -u)" = 0 ]; then echo postgres; else id -un; fi; }

# running: the cluster in $DATA is up and answers on $H:$RF_PG_PORT
running() {
  [ -n "${BIN:-}" ] && [ -f "$DATA/PG_VERSION" ] || return 1
  as_server "$BIN/pg_ctl" -D "$DATA" status > /dev/null 2>&1 && "$BIN/pg_isready" -q -h "$H" -p "$RF_PG_PORT"
}
