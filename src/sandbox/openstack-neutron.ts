/** Neutron (network v2.0): networks, subnets, ports, security groups and rules, and routers over one store. */
import type { Route, SandboxRequest, SandboxResponse } from "./http.js";
import { crudRoutes, type NeutronCaller, type ResourceKind, tagRoutes } from "./neutron-crud.js";
import { noSuchResource } from "./neutron-errors.js";
import { EXTENSIONS } from "./neutron-extensions.js";
import { NETWORKS } from "./neutron-networks.js";
import { PORTS } from "./neutron-ports.js";
import { quotaRoutes } from "./neutron-quotas.js";
import { ROUTERS, routerInterfaceRoutes } from "./neutron-routers.js";
import { SECURITY_GROUP_RULES } from "./neutron-security-group-rules.js";
import { SECURITY_GROUPS } from "./neutron-security-groups.js";
import { SUBNETS } from "./neutron-subnets.js";
import type { StandardRecord } from "./neutron-types.js";
import { unauthorized } from "./openstack-errors.js";
import { authenticate, isAdmin } from "./openstack-keystone.js";
import type { CloudWorld } from "./openstack-world.js";

/** Neutron's routes; every one but the version document needs a project-scoped token. */
export function neutronRoutes(world: CloudWorld, baseUrl: () => string): Route[] {
  const callers = new WeakMap<SandboxRequest, NeutronCaller>();
  const callerOf = (req: SandboxRequest): NeutronCaller => {
    const caller = callers.get(req);
    if (caller === undefined) throw new Error("Neutron route reached without authentication");
    return caller;
  };
  const versions = (): SandboxResponse => ({
    status: 200,
    body: { versions: [{ id: "v2.0", status: "CURRENT", links: [{ href: `${baseUrl()}/network/v2.0/`, rel: "self" }] }] },
  });
  const standard = <R extends StandardRecord>(kind: ResourceKind<R>) => [...crudRoutes(kind, callerOf, baseUrl), ...tagRoutes(kind, callerOf)];
  const routes: Route[] = [
    { method: "GET", pattern: "/network/v2.0/extensions", handle: () => ({ status: 200, body: { extensions: EXTENSIONS } }) },
    {
      method: "GET",
      pattern: "/network/v2.0/extensions/{alias}",
      handle: (req) => {
        const extension = EXTENSIONS.find((e) => e.alias === req.params["alias"]);
        return extension === undefined ? noSuchResource() : { status: 200, body: { extension } };
      },
    },
    ...standard(NETWORKS),
    ...standard(SUBNETS),
    ...standard(PORTS),
    ...standard(SECURITY_GROUPS),
    ...standard(ROUTERS),
    ...crudRoutes(SECURITY_GROUP_RULES, callerOf, baseUrl),
    ...routerInterfaceRoutes(callerOf),
    ...quotaRoutes(callerOf),
  ];
  const authed = routes.map((route) => ({
    ...route,
    handle: (req: SandboxRequest) => {
      const token = authenticate(world, req);
      if (token === undefined) return unauthorized();
      callers.set(req, { store: world.neutron, projectId: token.projectId ?? "", admin: isAdmin(token) });
      return route.handle(req);
    },
  }));
  return [
    { method: "GET", pattern: "/network", handle: versions },
    { method: "GET", pattern: "/network/", handle: versions },
    ...authed,
  ];
}
