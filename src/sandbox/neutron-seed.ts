/** What the simulated Neutron starts with: `runners-net`, its subnet and the project's `default` group. */
import type { NeutronState, RuleRecord } from "./neutron-types.js";
import { IDENTITY, NETWORK, SECURITY_GROUP, stableId } from "./openstack-seed.js";

/** The seed, with the ids earlier (read-only) versions of the sandbox showed, as scripts/openstack/provision.py mirrors it. */
export function seedState(): NeutronState {
  const project = IDENTITY.project.id;
  const t = Date.parse(NETWORK.createdAt);
  const base = { description: "", projectId: project, tags: [], createdAt: t, updatedAt: t };
  // The default group: all egress, and ingress from members of the group itself (Neutron's default).
  const rules: RuleRecord[] = ([["egress", "IPv4", null], ["egress", "IPv6", null], ["ingress", "IPv4", SECURITY_GROUP.id], ["ingress", "IPv6", SECURITY_GROUP.id]] as const).map(
    ([direction, ethertype, remote], i) => ({
      id: stableId(`sg-rule-${direction}-${ethertype}`), securityGroupId: SECURITY_GROUP.id, projectId: project, direction, ethertype, protocol: null,
      portRangeMin: null, portRangeMax: null, remoteIpPrefix: null, remoteGroupId: remote, description: null, standardAttrId: i + 1, createdAt: t, updatedAt: t,
    }),
  );
  return {
    networks: [{
      ...base, id: NETWORK.id, name: NETWORK.name, revision: 2, adminStateUp: true, shared: false, external: false, mtu: 1450,
      portSecurityEnabled: true, availabilityZoneHints: [],
    }],
    subnets: [{
      ...base, id: NETWORK.subnetId, name: "runners-subnet", revision: 0, networkId: NETWORK.id, cidr: `${NETWORK.cidrPrefix}0/24`,
      gatewayIp: `${NETWORK.cidrPrefix}1`, allocationPools: [{ start: `${NETWORK.cidrPrefix}2`, end: `${NETWORK.cidrPrefix}254` }],
      enableDhcp: true, dnsNameservers: [], hostRoutes: [],
    }],
    ports: [],
    securityGroups: [{ ...base, id: SECURITY_GROUP.id, name: SECURITY_GROUP.name, description: SECURITY_GROUP.description, revision: 1, stateful: true }],
    rules,
    routers: [],
    nextStandardAttrId: rules.length + 1,
  };
}
