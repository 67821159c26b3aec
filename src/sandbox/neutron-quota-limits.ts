/** Neutron's quota limits and usage, and the OverQuota a create meets past them. */
import type { SandboxResponse } from "./http.js";
import type { NeutronKind } from "./neutron-errors.js";
import type { NeutronStore } from "./neutron-store.js";
import { neutronError } from "./openstack-errors.js";

/** Zed's defaults ([quotas] in neutron.conf); `router` because the sandbox serves the L3 extension. */
export const DEFAULT_QUOTAS: Record<string, number> = {
  network: 100, subnet: 100, subnetpool: -1, port: 500, rbac_policy: 10, security_group: 10, security_group_rule: 100, router: 10,
};

/** The 409 Neutron answers when a create would exceed the project's quota; undefined when it fits. */
export function overQuota(store: NeutronStore, projectId: string, kind: NeutronKind): SandboxResponse | undefined {
  const limit = limitsOf(store, projectId)[kind] ?? -1;
  if (limit < 0 || usage(store, projectId, kind) < limit) return undefined;
  return neutronError(409, "OverQuota", `Quota exceeded for resources: ['${kind}'].`);
}

/** A project's limits: the defaults with what an admin set. */
export function limitsOf(store: NeutronStore, projectId: string): Record<string, number> {
  return { ...DEFAULT_QUOTAS, ...store.quotas.get(projectId) };
}

/** How many of a resource the project has (router gateway ports belong to no project and count nowhere). */
export function usage(store: NeutronStore, projectId: string, resource: string): number {
  const maps: Record<string, Map<string, { projectId: string }>> = {
    network: store.networks, subnet: store.subnets, port: store.ports, security_group: store.groups, security_group_rule: store.rules, router: store.routers,
  };
  return [...(maps[resource]?.values() ?? [])].filter((r) => r.projectId === projectId).length;
}
