# Writes every service's configuration under $ETC (sourced by setup.sh after lib.sh).
# Nothing under /etc is edited: each service is pointed at these files on its command line.

authtoken() { cat <<EOF
[keystone_authtoken]
www_authenticate_uri = http://$H:5000/
auth_url = http://$H:5000/
auth_type = password
project_domain_name = Default
user_domain_name = Default
project_name = service
username = svc
password = $PW
region_name = RegionOne
# No in-process token cache: a revoked token is refused at once (the contract tests revoke a
# token to provoke the client's re-authentication on 401; with the default 300 s cache, Nova
# would keep accepting it).
token_cache_time = -1
EOF
}
svcauth() { # svcauth SECTION: the service user for Nova's calls to Placement and Neutron
cat <<EOF
[$1]
auth_type = password
auth_url = http://$H:5000/
project_domain_name = Default
user_domain_name = Default
project_name = service
username = svc
password = $PW
region_name = RegionOne
valid_interfaces = public
EOF
}

mkdir -p "$ETC/placement"
cat > "$ETC/keystone.conf" <<EOF
[DEFAULT]
log_file = $LOG/keystone.log
[database]
connection = $DB/keystone
[token]
provider = fernet
expiration = 14400
[fernet_tokens]
key_repository = $DATA/keystone/fernet-keys
[credential]
key_repository = $DATA/keystone/credential-keys
[cache]
# Without a cache one token validation costs ~730 SQL queries (1.5-2 s on 2 cores). The
# in-process cache is safe with a single uwsgi process; Keystone invalidates it on revocation.
enabled = true
backend = dogpile.cache.memory
EOF

cat > "$ETC/placement/placement.conf" <<EOF
[DEFAULT]
log_file = $LOG/placement.log
[placement_database]
connection = $DB/placement
[api]
auth_strategy = keystone
$(authtoken)
EOF

cat > "$ETC/glance-api.conf" <<EOF
[DEFAULT]
bind_host = $H
bind_port = 9292
workers = 1
log_file = $LOG/glance-api.log
enabled_backends = fs:file
[database]
connection = $DB/glance
[glance_store]
default_backend = fs
[fs]
filesystem_store_datadir = $DATA/glance/images
[os_glance_staging_store]
filesystem_store_datadir = $DATA/glance/staging
[os_glance_tasks_store]
filesystem_store_datadir = $DATA/glance/tasks
[paste_deploy]
flavor = keystone
config_file = /etc/glance/glance-api-paste.ini
[oslo_concurrency]
lock_path = $DATA/lock
$(authtoken)
EOF

# Quotas use Nova's default DbQuotaDriver (not the recipe's NoopQuotaDriver): the contract tests
# set a project quota through os-quota-sets and expect the 403 a real cloud gives.
cat > "$ETC/nova.conf" <<EOF
[DEFAULT]
transport_url = $RABBIT
compute_driver = fake.FakeDriver
host = $COMPUTE_HOST
my_ip = $H
enabled_apis = osapi_compute
osapi_compute_listen = $H
osapi_compute_listen_port = 8774
osapi_compute_workers = 1
state_path = $DATA/nova
heal_instance_info_cache_interval = -1
instance_usage_audit = false
[api]
auth_strategy = keystone
[api_database]
connection = $DB/nova_api
[database]
connection = $DB/nova
[conductor]
workers = 1
[scheduler]
workers = 1
discover_hosts_in_cells_interval = -1
[oslo_concurrency]
lock_path = $DATA/lock
[oslo_messaging_notifications]
driver = noop
[wsgi]
api_paste_config = /etc/nova/api-paste.ini
[vnc]
enabled = false
[glance]
region_name = RegionOne
$(authtoken)
$(svcauth placement)
$(svcauth neutron)
EOF
# nova-compute gets no database URLs, as in a real deployment ("No DB access allowed" otherwise).
sed '/^\[api_database\]/,/^\[/{/^connection/d}; /^\[database\]/,/^\[/{/^connection/d}' "$ETC/nova.conf" > "$ETC/nova-compute.conf"

cat > "$ETC/neutron.conf" <<EOF
[DEFAULT]
bind_host = $H
bind_port = 9696
core_plugin = ml2
service_plugins =
auth_strategy = keystone
transport_url = $RABBIT
api_workers = 1
rpc_workers = 1
rpc_state_report_workers = 1
notify_nova_on_port_status_changes = false
notify_nova_on_port_data_changes = false
state_path = $DATA/neutron
log_file = $LOG/neutron-server.log
api_paste_config = /etc/neutron/api-paste.ini
[database]
connection = $DB/neutron
[oslo_concurrency]
lock_path = $DATA/lock
[oslo_messaging_notifications]
driver = noop
$(authtoken)
EOF
cat > "$ETC/ml2_conf.ini" <<EOF
[ml2]
type_drivers = flat,vlan,vxlan,local
tenant_network_types = vxlan
mechanism_drivers = runner_fleet_fakebind
extension_drivers = port_security
[ml2_type_vxlan]
vni_ranges = 1:10000
[ml2_type_flat]
flat_networks = *
[securitygroup]
enable_security_group = true
EOF

cat > "$ETC/rabbitmq.conf" <<EOF
listeners.tcp.default = $H:5672
loopback_users.guest = true
vm_memory_high_watermark.absolute = 512MB
disk_free_limit.absolute = 50MB
log.console = false
EOF
