/** Response shapes recorded from Nova 26.2 (Zed) at microversion 2.91; the sandbox must show the same. */

/** The keys of `GET /servers/{id}` for a project member: an ACTIVE server with a port. */
export const SERVER_KEYS = [
  "OS-DCF:diskConfig", "OS-EXT-AZ:availability_zone", "OS-EXT-SRV-ATTR:hostname", "OS-EXT-STS:power_state", "OS-EXT-STS:task_state",
  "OS-EXT-STS:vm_state", "OS-SRV-USG:launched_at", "OS-SRV-USG:terminated_at", "accessIPv4", "accessIPv6", "addresses", "config_drive",
  "created", "description", "flavor", "hostId", "id", "image", "key_name", "links", "locked", "locked_reason", "metadata", "name",
  "os-extended-volumes:volumes_attached", "progress", "security_groups", "server_groups", "status", "tags", "tenant_id",
  "trusted_image_certificates", "updated", "user_id",
];

/** The keys only an admin sees besides those (extended server attributes, host status). */
export const ADMIN_ONLY_KEYS = [
  "OS-EXT-SRV-ATTR:host", "OS-EXT-SRV-ATTR:hypervisor_hostname", "OS-EXT-SRV-ATTR:instance_name", "OS-EXT-SRV-ATTR:kernel_id",
  "OS-EXT-SRV-ATTR:launch_index", "OS-EXT-SRV-ATTR:ramdisk_id", "OS-EXT-SRV-ATTR:reservation_id", "OS-EXT-SRV-ATTR:root_device_name",
  "OS-EXT-SRV-ATTR:user_data", "host_status",
];
