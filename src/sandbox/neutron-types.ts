/** The simulated Neutron's state as plain JSON data (persisted as is inside the cloud's state). */

/** What every Neutron resource carries: the standard attributes (description, tags, timestamps, revision). */
export interface StandardRecord {
  id: string;
  name: string;
  description: string;
  projectId: string;
  tags: string[];
  /** Epoch milliseconds; Neutron prints whole seconds. */
  createdAt: number;
  updatedAt: number;
  revision: number;
}

/** A network (`router:external` ones carry routers' gateways). */
export interface NetworkRecord extends StandardRecord {
  adminStateUp: boolean;
  shared: boolean;
  external: boolean;
  mtu: number;
  portSecurityEnabled: boolean;
  availabilityZoneHints: string[];
}

/** An IPv4 allocation pool, both ends included. */
export interface AllocationPool {
  start: string;
  end: string;
}

/** An IPv4 subnet of a network. */
export interface SubnetRecord extends StandardRecord {
  networkId: string;
  cidr: string;
  gatewayIp: string | null;
  allocationPools: AllocationPool[];
  enableDhcp: boolean;
  dnsNameservers: string[];
  hostRoutes: { destination: string; nexthop: string }[];
}

/** One fixed IP of a port. */
export interface FixedIp {
  subnet_id: string;
  ip_address: string;
}

/** A port; servers' ports have device_owner `compute:nova`, routers' `network:router_*`. */
export interface PortRecord extends StandardRecord {
  networkId: string;
  macAddress: string;
  adminStateUp: boolean;
  status: "ACTIVE" | "DOWN";
  deviceId: string;
  deviceOwner: string;
  fixedIps: FixedIp[];
  securityGroups: string[];
  portSecurityEnabled: boolean;
  allowedAddressPairs: { ip_address: string; mac_address: string }[];
}

/** A security group rule (never updated: Neutron has no PUT for rules). */
export interface RuleRecord {
  id: string;
  securityGroupId: string;
  projectId: string;
  direction: "ingress" | "egress";
  ethertype: "IPv4" | "IPv6";
  protocol: string | null;
  portRangeMin: number | null;
  portRangeMax: number | null;
  remoteIpPrefix: string | null;
  remoteGroupId: string | null;
  description: string | null;
  /** Neutron's standard_attr_id, shown only in the rules nested in a group. */
  standardAttrId: number;
  createdAt: number;
  updatedAt: number;
}

/** A security group; its rules are kept apart, by id. */
export interface SecurityGroupRecord extends StandardRecord {
  stateful: boolean;
}

/** A router's external gateway. */
export interface GatewayInfo {
  networkId: string;
  enableSnat: boolean;
  portId: string;
}

/** A router (the L3 extension, which the test cloud's Neutron lacks). */
export interface RouterRecord extends StandardRecord {
  adminStateUp: boolean;
  gateway: GatewayInfo | null;
  routes: { destination: string; nexthop: string }[];
}

/** Everything the simulated Neutron persists. */
export interface NeutronState {
  networks: NetworkRecord[];
  subnets: SubnetRecord[];
  ports: PortRecord[];
  securityGroups: SecurityGroupRecord[];
  rules: RuleRecord[];
  routers: RouterRecord[];
  nextStandardAttrId: number;
  /** Quota limits set by an admin, by project (absent in older state files). */
  quotas?: Record<string, Record<string, number>>;
}
