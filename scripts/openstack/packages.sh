# Installs the Debian (bookworm = OpenStack Zed) packages that are missing, with progress.
# Sourced by setup.sh after lib.sh. About 360 packages, 140 MB, 2.5 min on 2 cores, mostly
# dpkg configure and py3compile, so caching the .debs saves little.
# nova-compute is not installed (it pulls libvirt and qemu): compute runs from python3-nova.
PKGS="keystone nova-api nova-conductor nova-scheduler nova-common placement-api glance-api
      neutron-server rabbitmq-server mariadb-server python3-pymysql uwsgi uwsgi-plugin-python3 curl jq"

[ "$(id -u)" = 0 ] || die "run as root (apt, MariaDB and RabbitMQ data directories)"
if [ ! -x /usr/sbin/policy-rc.d ]; then
  # Without it, postinsts (keystone's under set -e) try to start services through invoke-rc.d.
  printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d
  chmod +x /usr/sbin/policy-rc.d
fi
missing=""
for p in $PKGS; do
  [ "$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null)" = "install ok installed" ] || missing="$missing $p"
done
if [ -n "$missing" ]; then
  stamp "installing:$missing"
  # Package lists may be stale or absent on a fresh machine; skip with APT_UPDATE=0.
  [ "${APT_UPDATE:-1}" = 0 ] || apt-get update -q > "$RF_DIR/apt-update.log" 2>&1 || { tail -5 "$RF_DIR/apt-update.log"; die "apt-get update failed"; }
  total=$(apt-get install -s --no-install-recommends $missing 2>/dev/null | grep -c '^Inst' || true)
  stamp "apt: $total packages to install"
  # APT_ARCHIVES=/empty/dir forces a full download (to time a machine with a cold apt cache).
  archives=${APT_ARCHIVES:-/var/cache/apt/archives}
  mkdir -p "$archives/partial"
  # Progress lines as packages download, unpack and configure; the full output goes to apt-install.log.
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends \
      -o Dir::Cache::Archives="$archives" $missing 2>&1 \
    | tee "$RF_DIR/apt-install.log" \
    | awk -v total="$total" -v t0="$T0" '
        function now() { "date +%s.%N" | getline t; close("date +%s.%N"); return t - t0 }
        /^Get:/ { g++; if (g % 40 == 0) { printf "[openstack %6.1f s] apt: downloaded %d/%d\n", now(), g, total; fflush() } }
        /^Fetched/ { printf "[openstack %6.1f s] apt: %s\n", now(), $0; fflush() }
        /^Unpacking/ { u++; if (u % 80 == 0) { printf "[openstack %6.1f s] apt: unpacked %d/%d\n", now(), u, total; fflush() } }
        /^Setting up/ { s++; if (s % 40 == 0) { printf "[openstack %6.1f s] apt: configured %d/%d\n", now(), s, total; fflush() } }' \
    || { tail -30 "$RF_DIR/apt-install.log"; die "apt-get install failed (log: $RF_DIR/apt-install.log)"; }
fi
stamp "packages present"
