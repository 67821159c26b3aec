/** Neutron routers (the L3 extension): external gateway and add/remove_router_interface. */
import type { Route, SandboxResponse } from "./http.js";
import { bodyFields, type CallerOf, type Fields, type NeutronCaller, recordHandler, type ResourceKind } from "./neutron-crud.js";
import { badRequest, conflict, isAnswer, notFound } from "./neutron-errors.js";
import { firstError, flag, ownerOf, strings, text } from "./neutron-input.js";
import type { GatewayInfo, RouterRecord } from "./neutron-types.js";
import { routerView } from "./neutron-views.js";
import { neutronError } from "./openstack-errors.js";

const ATTRIBUTES = [
  "id", "name", "tenant_id", "admin_state_up", "status", "external_gateway_info", "description", "availability_zone_hints",
  "availability_zones", "routes", "flavor_id", "tags", "created_at", "updated_at", "revision_number", "project_id",
] as const;
const UPDATE_KEYS = ["name", "description", "admin_state_up", "external_gateway_info", "routes"];

/** The `routers` collection. */
export const ROUTERS: ResourceKind<RouterRecord> = {
  kind: "router",
  one: "router",
  path: "routers",
  attributes: ATTRIBUTES,
  createKeys: [...UPDATE_KEYS, "tenant_id", "project_id", "availability_zone_hints", "tags", "distributed", "ha", "flavor_id"],
  updateKeys: UPDATE_KEYS,
  items: (store) => store.routers,
  view: routerView,
  create(caller, fields) {
    const projectId = ownerOf(fields, caller);
    const name = text(fields, "name", "");
    const description = text(fields, "description", "");
    const adminStateUp = flag(fields, "admin_state_up", true);
    const tags = strings(fields, "tags");
    const error = firstError(projectId, name, description, adminStateUp, tags);
    if (error !== undefined) return error;
    const record: RouterRecord = {
      ...caller.store.standard({ name: name as string, description: description as string, projectId: projectId as string, tags: (tags as string[] | undefined) ?? [] }),
      adminStateUp: adminStateUp as boolean, gateway: null, routes: [],
    };
    const gateway = setGateway(caller, record, fields["external_gateway_info"]);
    if (gateway !== undefined) return gateway;
    caller.store.routers.set(record.id, record);
    return record;
  },
  update(caller, record, fields) {
    const name = text(fields, "name", record.name);
    const description = text(fields, "description", record.description);
    const adminStateUp = flag(fields, "admin_state_up", record.adminStateUp);
    const error = firstError(name, description, adminStateUp);
    if (error !== undefined) return error;
    if ("external_gateway_info" in fields) {
      const refused = setGateway(caller, record, fields["external_gateway_info"]);
      if (refused !== undefined) return refused;
    }
    Object.assign(record, { name, description, adminStateUp });
    if (Array.isArray(fields["routes"])) record.routes = fields["routes"] as RouterRecord["routes"];
    caller.store.touch(record);
    return undefined;
  },
  remove(caller, record) {
    const { store } = caller;
    if ([...store.ports.values()].some((p) => p.deviceId === record.id && p.deviceOwner === "network:router_interface")) {
      return conflict("RouterInUse", `Router ${record.id} still has ports`);
    }
    if (record.gateway !== null) store.ports.delete(record.gateway.portId);
    store.routers.delete(record.id);
    return undefined;
  },
};

/** `PUT /routers/{id}/add_router_interface` and `remove_router_interface`, by subnet_id or port_id. */
export function routerInterfaceRoutes(callerOf: CallerOf): Route[] {
  const base = "/network/v2.0/routers/{id}";
  return [
    { method: "PUT", pattern: `${base}/add_router_interface`, handle: recordHandler(ROUTERS, callerOf, (c, r, req) => addInterface(c, r, req.body)) },
    { method: "PUT", pattern: `${base}/remove_router_interface`, handle: recordHandler(ROUTERS, callerOf, (c, r, req) => removeInterface(c, r, req.body)) },
  ];
}

// --- internal ---

/** Sets, replaces or (with null/{}) clears the gateway; its port is tenant-less, as Neutron makes it. */
function setGateway(caller: NeutronCaller, router: RouterRecord, info: unknown): SandboxResponse | undefined {
  const { store } = caller;
  const wanted = info as { network_id?: unknown; enable_snat?: unknown } | null | undefined;
  if (router.gateway !== null && (wanted?.network_id === undefined || wanted.network_id !== router.gateway.networkId)) {
    store.ports.delete(router.gateway.portId);
    router.gateway = null;
  }
  if (wanted?.network_id === undefined) return undefined;
  const networkId = String(wanted.network_id);
  const network = store.networks.get(networkId);
  if (network === undefined) return notFound("network", networkId);
  if (!network.external) return neutronError(400, "BadRequest", `Bad router request: Network ${networkId} is not a valid external network.`);
  const enableSnat = wanted.enable_snat === undefined ? true : Boolean(wanted.enable_snat);
  if (router.gateway !== null) {
    router.gateway.enableSnat = enableSnat;
    return undefined;
  }
  const port = store.createPort({
    name: "", description: "", projectId: "", networkId, deviceId: router.id, deviceOwner: "network:router_gateway", fixedIps: undefined,
    securityGroups: [], adminStateUp: true, portSecurityEnabled: false, status: "ACTIVE", tags: [],
  });
  if (isAnswer(port)) return port;
  router.gateway = { networkId, enableSnat, portId: port.id } satisfies GatewayInfo;
  return undefined;
}

function interfaceBody(router: RouterRecord, portId: string, subnetId: string, networkId: string): SandboxResponse {
  return {
    status: 200,
    body: { id: router.id, tenant_id: router.projectId, port_id: portId, network_id: networkId, subnet_id: subnetId, subnet_ids: [subnetId], project_id: router.projectId },
  };
}

function addInterface(caller: NeutronCaller, router: RouterRecord, body: unknown): SandboxResponse {
  const { store } = caller;
  const fields = (body ?? {}) as Fields;
  if (fields["subnet_id"] === undefined && fields["port_id"] === undefined) return badRequest("Bad router request: Either subnet_id or port_id must be specified.");
  if (fields["port_id"] !== undefined) {
    const port = store.ports.get(String(fields["port_id"]));
    if (port === undefined) return notFound("port", String(fields["port_id"]));
    if (port.deviceId !== "") return conflict("PortInUse", `Unable to complete operation for network ${port.networkId}. The port ${port.id} is in use.`);
    Object.assign(port, { deviceId: router.id, deviceOwner: "network:router_interface", status: "ACTIVE", securityGroups: [] });
    store.touch(port);
    store.touch(router);
    return interfaceBody(router, port.id, port.fixedIps[0]?.subnet_id ?? "", port.networkId);
  }
  const subnetId = String(fields["subnet_id"]);
  const subnet = store.subnets.get(subnetId);
  if (subnet === undefined) return notFound("subnet", subnetId);
  if (subnet.gatewayIp === null) return neutronError(400, "BadRequest", `Bad router request: Subnet ${subnetId} does not have a gateway IP.`);
  const mine = [...store.ports.values()].filter((p) => p.deviceId === router.id && p.deviceOwner === "network:router_interface");
  if (mine.some((p) => p.fixedIps.some((f) => f.subnet_id === subnetId))) {
    return neutronError(400, "BadRequest", `Bad router request: Router already has a port on subnet ${subnetId}.`);
  }
  const port = store.createPort({
    name: "", description: "", projectId: router.projectId, networkId: subnet.networkId, deviceId: router.id, deviceOwner: "network:router_interface",
    fixedIps: [{ subnet_id: subnetId, ip_address: subnet.gatewayIp }], securityGroups: [], adminStateUp: true, portSecurityEnabled: undefined, status: "ACTIVE", tags: [],
  });
  if (isAnswer(port)) return port;
  store.touch(router);
  return interfaceBody(router, port.id, subnetId, subnet.networkId);
}

function removeInterface(caller: NeutronCaller, router: RouterRecord, body: unknown): SandboxResponse {
  const { store } = caller;
  const fields = (body ?? {}) as Fields;
  const mine = [...store.ports.values()].filter((p) => p.deviceId === router.id && p.deviceOwner === "network:router_interface");
  const port = fields["port_id"] !== undefined
    ? mine.find((p) => p.id === fields["port_id"])
    : mine.find((p) => p.fixedIps.some((f) => f.subnet_id === fields["subnet_id"]));
  if (port === undefined) {
    if (fields["port_id"] !== undefined) return neutronError(404, "RouterInterfaceNotFound", `Router ${router.id} does not have an interface with id ${String(fields["port_id"])}`);
    return neutronError(404, "RouterInterfaceNotFoundForSubnet", `Router ${router.id} has no interface on subnet ${String(fields["subnet_id"])}`);
  }
  store.ports.delete(port.id);
  store.touch(router);
  return interfaceBody(router, port.id, port.fixedIps[0]?.subnet_id ?? "", port.networkId);
}
