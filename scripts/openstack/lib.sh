# Shared settings and helpers of setup.sh / stop.sh (sourced, not run).
# Everything lives under $RUNNER_FLEET_OPENSTACK_DIR (default /tmp/runner-fleet-openstack):
#   etc/ configs, logs/ service logs, data/ MariaDB, fernet keys, images, rabbit mnesia,
#   pids ("name pid" per started process group), clouds.yaml, timings.
RF_DIR=${RUNNER_FLEET_OPENSTACK_DIR:-/tmp/runner-fleet-openstack}
export RUNNER_FLEET_OPENSTACK_DIR=$RF_DIR
# Debian's python3 and tools, never a pyenv/nvm shim that lacks the OpenStack modules.
export PATH=/usr/local/sbin:/usr/sbin:/usr/bin:/sbin:/bin
# stevedore caches entry points under ~/.cache otherwise.
export XDG_CACHE_HOME=$RF_DIR/cache

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ETC=$RF_DIR/etc
LOG=$RF_DIR/logs
DATA=$RF_DIR/data
PIDS=$RF_DIR/pids
TIMINGS=$RF_DIR/timings
PW=secret                      # one password for every account: a loopback test rig only
H=127.0.0.1
DB="mysql+pymysql://os:$PW@$H:3306"
RABBIT="rabbit://guest:guest@$H:5672/"
SOCK=$DATA/run/mysqld.sock
COMPUTE_HOST=runner-fleet-compute1

T0=${T0:-$(date +%s.%N)}
# stamp LABEL: seconds since the script started, to stdout and $TIMINGS
stamp() { awk -v a="$(date +%s.%N)" -v b="$T0" -v l="$1" 'BEGIN{printf "[openstack %6.1f s] %s\n", a-b, l}' | tee -a "$TIMINGS"; }
die() { echo "FATAL: $*" >&2; exit 1; }

# start_bg NAME CMD...: own session (pgid == pid) so stop.sh can end the whole group; pid recorded
start_bg() {
  local name=$1; shift
  setsid "$@" >> "$LOG/$name.out" 2>&1 < /dev/null &
  echo "$name $!" >> "$PIDS"
}
# wait_for DESC SECONDS CMD...: polls CMD every 0.25 s
wait_for() {
  local desc=$1 n=$2 i; shift 2
  for ((i = 0; i < n * 4; i++)); do "$@" > /dev/null 2>&1 && return 0; sleep 0.25; done
  die "timeout after ${n}s waiting for $desc (logs: $LOG)"
}
port_open() { (exec 3<> "/dev/tcp/$H/$1") 2> /dev/null; }
# group_alive PGID: any process left in that process group
group_alive() { [ -n "$(ps -o pid= -g "$1" 2>/dev/null)" ]; }

# admin_token: a project-scoped admin token on stdout (empty when Keystone does not answer)
admin_token() {
  curl -si -m 10 -X POST "http://$H:5000/v3/auth/tokens" -H 'Content-Type: application/json' \
    -d '{"auth":{"identity":{"methods":["password"],"password":{"user":{"name":"admin","domain":{"name":"Default"},"password":"'$PW'"}}},"scope":{"project":{"name":"admin","domain":{"name":"Default"}}}}}' \
    | awk -F': ' 'tolower($1)=="x-subject-token"{print $2}' | tr -d '\r'
}
has_token() { [ -n "$(admin_token)" ]; }
