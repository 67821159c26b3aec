/** Response keys recorded from Neutron 21 (Zed) for a project member; the sandbox must show the same. */

/** `GET /v2.0/networks/{id}`. */
export const NETWORK_KEYS = [
  "admin_state_up", "availability_zone_hints", "availability_zones", "created_at", "description", "id", "ipv4_address_scope", "ipv6_address_scope",
  "mtu", "name", "port_security_enabled", "project_id", "revision_number", "router:external", "shared", "status", "subnets", "tags", "tenant_id",
  "updated_at",
];

/** `GET /v2.0/subnets/{id}`. */
export const SUBNET_KEYS = [
  "allocation_pools", "cidr", "created_at", "description", "dns_nameservers", "enable_dhcp", "gateway_ip", "host_routes", "id", "ip_version",
  "ipv6_address_mode", "ipv6_ra_mode", "name", "network_id", "project_id", "revision_number", "service_types", "subnetpool_id", "tags", "tenant_id",
  "updated_at",
];

/** `GET /v2.0/ports/{id}` (the binding:host_id/profile/vif_* attributes are admin-only). */
export const PORT_KEYS = [
  "admin_state_up", "allowed_address_pairs", "binding:vnic_type", "created_at", "description", "device_id", "device_owner", "extra_dhcp_opts",
  "fixed_ips", "id", "mac_address", "name", "network_id", "port_security_enabled", "project_id", "revision_number", "security_groups", "status",
  "tags", "tenant_id", "updated_at",
];

/** What an admin sees of a port besides those. */
export const ADMIN_PORT_KEYS = ["binding:host_id", "binding:profile", "binding:vif_details", "binding:vif_type"];

/** `GET /v2.0/security-groups/{id}`. */
export const SECURITY_GROUP_KEYS = [
  "created_at", "description", "id", "name", "project_id", "revision_number", "security_group_rules", "shared", "stateful", "tags", "tenant_id",
  "updated_at",
];

/** `GET /v2.0/security-group-rules/{id}`. */
export const RULE_KEYS = [
  "created_at", "description", "direction", "ethertype", "id", "normalized_cidr", "port_range_max", "port_range_min", "project_id", "protocol",
  "remote_address_group_id", "remote_group_id", "remote_ip_prefix", "revision_number", "security_group_id", "tenant_id", "updated_at",
];

/** A rule nested in its group shows two keys more. */
export const NESTED_RULE_KEYS = [...RULE_KEYS, "standard_attr_id", "tags"].sort();
