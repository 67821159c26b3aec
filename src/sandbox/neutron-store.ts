/** The simulated Neutron's records, the seed they start from, and the IP allocation every port goes through. */
import { randomBytes, randomUUID } from "node:crypto";
import type { SandboxResponse } from "./http.js";
import { conflict, invalidInput, isAnswer, notFound } from "./neutron-errors.js";
import { contains, firstFree, ipToInt, parseCidr } from "./neutron-ipam.js";
import { seedState } from "./neutron-seed.js";
import type {
  FixedIp, NetworkRecord, NeutronState, PortRecord, RouterRecord, RuleRecord, SecurityGroupRecord, StandardRecord, SubnetRecord,
} from "./neutron-types.js";
import { neutronError } from "./openstack-errors.js";

/** What a new port asks for; the store fills in its MAC and fixed IPs. */
export interface PortInput {
  name: string;
  description: string;
  projectId: string;
  networkId: string;
  deviceId: string;
  deviceOwner: string;
  /** Requested IPs (`[{subnet_id}]`, `[{ip_address}]`, both); undefined means one from the network's first subnet. */
  fixedIps: Partial<FixedIp>[] | undefined;
  securityGroups: string[] | undefined;
  adminStateUp: boolean;
  portSecurityEnabled: boolean | undefined;
  status: PortRecord["status"];
  tags: string[];
}

/** Networks, subnets, ports, security groups (and rules) and routers, by id, in creation order. */
export class NeutronStore {
  readonly networks = new Map<string, NetworkRecord>();
  readonly subnets = new Map<string, SubnetRecord>();
  readonly ports = new Map<string, PortRecord>();
  readonly groups = new Map<string, SecurityGroupRecord>();
  readonly rules = new Map<string, RuleRecord>();
  readonly routers = new Map<string, RouterRecord>();
  /** Quota limits an admin set, by project (the rest are Zed's defaults). */
  readonly quotas = new Map<string, Record<string, number>>();
  private nextStandardAttrId = 1;

  constructor(readonly now: () => number) {
    this.restore(undefined);
  }

  /** The standard attributes of a new record. */
  standard(fields: { name?: string; description?: string; projectId: string; tags?: string[] }, revision = 0): StandardRecord {
    const t = this.now();
    return { id: randomUUID(), name: fields.name ?? "", description: fields.description ?? "", projectId: fields.projectId, tags: fields.tags ?? [], createdAt: t, updatedAt: t, revision };
  }

  /** A changed record: revision_number + 1 and a new updated_at, as every Neutron write does. */
  touch(record: StandardRecord): void {
    record.revision += 1;
    record.updatedAt = this.now();
  }

  /** Neutron's global standard_attr_id sequence (visible on rules nested in a group). */
  standardAttrId(): number {
    return this.nextStandardAttrId++;
  }

  /** The project's security group named `default` (every project has one). */
  defaultGroupId(projectId: string): string | undefined {
    return [...this.groups.values()].find((g) => g.name === "default" && g.projectId === projectId)?.id;
  }

  /** A group by id, else by name within the project (how Nova resolves `security_groups: [{name}]`). */
  findGroup(ref: string, projectId: string): SecurityGroupRecord | undefined {
    return this.groups.get(ref) ?? [...this.groups.values()].find((g) => g.name === ref && g.projectId === projectId);
  }

  /** A network as Nova's create validation asks for it (neutron-side half of `NetworkLookup`). */
  networkOf(id: string): { id: string; name: string; subnets: number } | undefined {
    const n = this.networks.get(id);
    return n === undefined ? undefined : { id: n.id, name: n.name, subnets: this.subnetsOf(id).length };
  }

  /** The name of a group given by id or name, as Nova shows it in `security_groups`. */
  groupNameOf(ref: string, projectId: string): string | undefined {
    return this.findGroup(ref, projectId)?.name;
  }

  /** The subnets of a network, oldest first. */
  subnetsOf(networkId: string): SubnetRecord[] {
    return [...this.subnets.values()].filter((s) => s.networkId === networkId);
  }

  /** The ports of a network. */
  portsOf(networkId: string): PortRecord[] {
    return [...this.ports.values()].filter((p) => p.networkId === networkId);
  }

  /** Creates a port with its MAC and fixed IPs, or answers the error Neutron would. */
  createPort(input: PortInput): PortRecord | SandboxResponse {
    const network = this.networks.get(input.networkId);
    if (network === undefined) return notFound("network", input.networkId);
    const fixedIps = this.allocate(network, input.fixedIps);
    if (!Array.isArray(fixedIps)) return fixedIps;
    const portSecurity = input.portSecurityEnabled ?? network.portSecurityEnabled;
    // Router ports and ports without port security get no groups; others the project's default.
    const byDefault = portSecurity && !input.deviceOwner.startsWith("network:") ? [this.defaultGroupId(input.projectId)] : [];
    const port: PortRecord = {
      ...this.standard(input, 1),
      networkId: network.id,
      macAddress: `fa:16:3e:${randomBytes(3).toString("hex").match(/../g)?.join(":") ?? "00:00:00"}`,
      adminStateUp: input.adminStateUp,
      status: input.status,
      deviceId: input.deviceId,
      deviceOwner: input.deviceOwner,
      fixedIps,
      securityGroups: input.securityGroups ?? byDefault.filter((g): g is string => g !== undefined),
      portSecurityEnabled: portSecurity,
      allowedAddressPairs: [],
    };
    this.ports.set(port.id, port);
    return port;
  }

  /** New fixed IPs for an existing port (its current ones count as free); the port is unchanged on an error. */
  readdress(port: PortRecord, wanted: Partial<FixedIp>[]): SandboxResponse | undefined {
    const network = this.networks.get(port.networkId);
    if (network === undefined) return notFound("network", port.networkId);
    const before = port.fixedIps;
    port.fixedIps = [];
    const after = this.allocate(network, wanted);
    port.fixedIps = Array.isArray(after) ? after : before;
    return Array.isArray(after) ? undefined : after;
  }

  /**
   * The port Nova makes for a server on `networkId` (device_owner `compute:nova`, bound, so ACTIVE);
   * undefined when the network is gone or out of addresses.
   */
  attachServer(serverId: string, networkId: string, projectId: string, groupRefs: string[]): PortRecord | undefined {
    const groups = groupRefs.map((ref) => this.findGroup(ref, projectId)?.id).filter((g): g is string => g !== undefined);
    const port = this.createPort({
      name: "", description: "", projectId, networkId, deviceId: serverId, deviceOwner: "compute:nova", fixedIps: undefined,
      securityGroups: groups.length > 0 ? groups : undefined, adminStateUp: true, portSecurityEnabled: undefined, status: "ACTIVE", tags: [],
    });
    if (isAnswer(port)) return undefined;
    // Nova then binds it to the host (PUT /ports): the revision real Neutron shows is 3.
    port.revision = 3;
    return port;
  }

  /** Nova deleted the server: its ports go with it (deallocate_for_instance). */
  detachServer(serverId: string): void {
    for (const p of [...this.ports.values()]) {
      if (p.deviceId === serverId && p.deviceOwner.startsWith("compute:")) this.ports.delete(p.id);
    }
  }

  /** The persistable state. */
  snapshot(): NeutronState {
    return structuredClone({
      networks: [...this.networks.values()], subnets: [...this.subnets.values()], ports: [...this.ports.values()],
      securityGroups: [...this.groups.values()], rules: [...this.rules.values()], routers: [...this.routers.values()],
      nextStandardAttrId: this.nextStandardAttrId, quotas: Object.fromEntries(this.quotas),
    });
  }

  /** Replaces the state with a snapshot; none (a state file from before Neutron was writable) means the seed. */
  restore(state: NeutronState | undefined): void {
    for (const map of [this.networks, this.subnets, this.ports, this.groups, this.rules, this.routers]) map.clear();
    state ??= seedState();
    const fill = <T extends { id: string }>(map: Map<string, T>, items: T[]) => items.forEach((i) => map.set(i.id, structuredClone(i)));
    fill(this.networks, state.networks);
    fill(this.subnets, state.subnets);
    fill(this.ports, state.ports);
    fill(this.groups, state.securityGroups);
    fill(this.rules, state.rules);
    fill(this.routers, state.routers);
    this.nextStandardAttrId = state.nextStandardAttrId;
    this.quotas.clear();
    for (const [project, limits] of Object.entries(state.quotas ?? {})) this.quotas.set(project, { ...limits });
  }

  // --- internal ---

  /** Fixed IPs for a new port (Neutron's IPAM: requested ones checked, else the first free of a subnet). */
  private allocate(network: NetworkRecord, wanted: Partial<FixedIp>[] | undefined): FixedIp[] | SandboxResponse {
    const subnets = this.subnetsOf(network.id);
    const used = (subnetId: string) => new Set(this.portsOfSubnet(subnetId).flatMap((p) => p.fixedIps.filter((f) => f.subnet_id === subnetId).map((f) => f.ip_address)));
    const requests = wanted ?? (subnets.length > 0 ? [{}] : []);
    const result: FixedIp[] = [];
    for (const req of requests) {
      const subnet = req.subnet_id !== undefined ? subnets.find((s) => s.id === req.subnet_id)
        : req.ip_address !== undefined ? subnets.find((s) => contains(parseCidr(s.cidr) ?? { base: 0, prefix: 32, size: 0 }, ipToInt(req.ip_address ?? "") ?? -1))
        : subnets[0];
      if (subnet === undefined) {
        if (req.subnet_id !== undefined && !this.subnets.has(req.subnet_id)) return notFound("subnet", req.subnet_id);
        if (req.subnet_id !== undefined) return invalidInput(`Failed to create port on network ${network.id}, because fixed_ips included invalid subnet ${req.subnet_id}.`);
        return neutronError(400, "InvalidIpForNetwork", `IP address ${req.ip_address ?? ""} is not a valid IP for any of the subnets on the specified network.`);
      }
      const taken = new Set([...used(subnet.id), ...result.map((r) => r.ip_address)]);
      if (req.ip_address !== undefined) {
        if (taken.has(req.ip_address)) return conflict("IpAddressAlreadyAllocated", `IP address ${req.ip_address} already allocated in subnet ${subnet.id}`);
        result.push({ subnet_id: subnet.id, ip_address: req.ip_address });
        continue;
      }
      const ip = firstFree(subnet.allocationPools, taken);
      if (ip === undefined) return conflict("IpAddressGenerationFailure", `No more IP addresses available on network ${network.id}.`);
      result.push({ subnet_id: subnet.id, ip_address: ip });
    }
    return result;
  }

  private portsOfSubnet(subnetId: string): PortRecord[] {
    return [...this.ports.values()].filter((p) => p.fixedIps.some((f) => f.subnet_id === subnetId));
  }
}
