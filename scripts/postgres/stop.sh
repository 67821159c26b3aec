#!/bin/bash
# Stops exactly the cluster start.sh started (pg_ctl on its data directory, fast mode: open
# sessions are rolled back). Keeps the data for the next start; RESET=1 on start.sh wipes it.
set -uo pipefail
source "$(dirname "$0")/lib.sh"
BIN=$(pg_bin || true)
[ -n "$BIN" ] && [ -f "$DATA/PG_VERSION" ] || { echo "postgres: no cluster in $DATA"; exit 0; }
if as_server "$BIN/pg_ctl" -D "$DATA" status > /dev/null 2>&1; then
  as_server "$BIN/pg_ctl" -D "$DATA" stop -m fast -w -t 30 > /dev/null || die "pg_ctl stop failed (log: $LOGFILE)"
  echo "postgres: stopped $DATA"
else
  echo "postgres: $DATA is not running"
fi
