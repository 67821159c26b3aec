import { randomBytes } from "node:crypto";
import type { Route, SandboxRequest, SandboxResponse } from "./http.js";
import { novaError, unauthorized } from "./openstack-errors.js";
import { authenticate } from "./openstack-keystone.js";
import { serverAction } from "./openstack-nova-actions.js";
import { validateCreate } from "./openstack-nova-create.js";
import { listServers } from "./openstack-nova-list.js";
import { showQuota, updateQuota } from "./openstack-nova-quota.js";
import type { Microversion, NovaContext } from "./openstack-nova-context.js";
import { flavorView, microversionHeaders, novaLinks, requestedMicroversion, serverView } from "./openstack-nova-views.js";
import { FLAVORS } from "./openstack-seed.js";
import type { CloudWorld } from "./openstack-world.js";
import { createKeypair, deleteKeypair, hasKeypair, listKeypairs, showKeypair } from "./nova-keypairs.js";
import { showLimits } from "./nova-limits.js";
import { metadataHandlers } from "./nova-metadata.js";

/** What the Nova routes need. */
export interface NovaOptions {
  world: CloudWorld;
  baseUrl: () => string;
  /** Highest microversion offered, as its minor number (Zed: 93). */
  maxMicroversion: () => Microversion;
}

/**
 * Nova's compute API subset: version document, servers (with their metadata), console output,
 * flavors, keypairs, quota sets and limits.
 */
export function novaRoutes(options: NovaOptions): Route[] {
  const { world } = options;
  type Handler = (req: SandboxRequest, ctx: NovaContext) => SandboxResponse | Promise<SandboxResponse>;
  const route = (method: string, pattern: string, fn: Handler): Route => ({
    method,
    pattern: `/compute/v2.1${pattern}`,
    handle: async (req) => {
      const token = authenticate(world, req);
      if (token === undefined) return unauthorized();
      const mv = requestedMicroversion(req, options.maxMicroversion());
      if (typeof mv !== "number") return mv;
      const answer = await fn(req, { token, mv, base: options.baseUrl() });
      return { ...answer, headers: { ...microversionHeaders(mv), ...answer.headers } };
    },
  });
  const metadata = metadataHandlers(world);
  const version = (): SandboxResponse => ({ status: 200, body: { version: versionDoc(options.baseUrl(), options.maxMicroversion()) } });
  return [
    // The version document is served without authentication, like Nova's versions app.
    { method: "GET", pattern: "/compute/v2.1", handle: version },
    { method: "GET", pattern: "/compute/v2.1/", handle: version },
    route("POST", "/servers", (req, ctx) => {
      const input = validateCreate(req.body, ctx.mv, { projectId: ctx.token.projectId ?? "", userId: ctx.token.userId }, world.neutron);
      if ("status" in input) return input;
      // Nova looks the keypair up after image, groups and networks, before the quota (compute/api.py).
      if (input.keyName !== null && !hasKeypair(world, ctx.token.userId, input.keyName)) return novaError(400, "Invalid key_name provided.");
      const used = [...world.servers.values()].filter((s) => s.projectId === input.projectId).length;
      if (used + 1 > world.quota.instances) {
        return novaError(403, `Quota exceeded for instances: Requested 1, but already used ${used} of ${world.quota.instances} instances`);
      }
      const s = world.createServer(input);
      const body = {
        id: s.id,
        links: novaLinks(ctx.base, "servers", s.id),
        "OS-DCF:diskConfig": "MANUAL",
        // The create response names the groups even for a server without ports (mini-openstack §9).
        security_groups: (input.securityGroups ?? []).map((name) => ({ name })),
        adminPass: randomBytes(9).toString("base64url"),
      };
      return { status: 202, body: { server: body }, headers: { location: `${ctx.base}/compute/v2.1/servers/${s.id}` } };
    }),
    route("GET", "/servers", (req, ctx) => listServers(world, req, ctx, false)),
    route("GET", "/servers/detail", (req, ctx) => listServers(world, req, ctx, true)),
    route("GET", "/servers/{id}", (req, ctx) => {
      const s = world.servers.get(req.params["id"] ?? "");
      if (s === undefined) return novaError(404, `Instance ${req.params["id"] ?? ""} could not be found.`);
      return { status: 200, body: { server: serverView(s, ctx) } };
    }),
    route("DELETE", "/servers/{id}", (req) => {
      const s = world.servers.get(req.params["id"] ?? "");
      if (s === undefined) return novaError(404, `Instance ${req.params["id"] ?? ""} could not be found.`);
      world.deleteServer(s.id);
      return { status: 204 };
    }),
    route("POST", "/servers/{id}/action", (req, ctx) => serverAction(world, req, ctx)),
    route("GET", "/servers/{id}/metadata", metadata.index),
    route("POST", "/servers/{id}/metadata", metadata.create),
    route("PUT", "/servers/{id}/metadata", metadata.updateAll),
    route("GET", "/servers/{id}/metadata/{key}", metadata.show),
    route("PUT", "/servers/{id}/metadata/{key}", metadata.update),
    route("DELETE", "/servers/{id}/metadata/{key}", metadata.delete),
    route("POST", "/os-keypairs", (req, ctx) => createKeypair(world, req, ctx)),
    route("GET", "/os-keypairs", (req, ctx) => listKeypairs(world, req, ctx)),
    route("GET", "/os-keypairs/{name}", (req, ctx) => showKeypair(world, req, ctx)),
    route("DELETE", "/os-keypairs/{name}", (req, ctx) => deleteKeypair(world, req, ctx)),
    route("GET", "/limits", (req, ctx) => showLimits(world, req, ctx)),
    route("GET", "/os-quota-sets/{project_id}", (req, ctx) => showQuota(world, req, ctx)),
    route("PUT", "/os-quota-sets/{project_id}", (req, ctx) => updateQuota(world, req, ctx)),
    route("GET", "/flavors", (_req, ctx) => ({ status: 200, body: { flavors: FLAVORS.map((f) => flavorView(f, ctx.mv, ctx.base, false)) } })),
    route("GET", "/flavors/detail", (_req, ctx) => ({ status: 200, body: { flavors: FLAVORS.map((f) => flavorView(f, ctx.mv, ctx.base, true)) } })),
    route("GET", "/flavors/{id}", (req, ctx) => {
      const f = FLAVORS.find((x) => x.id === req.params["id"]);
      if (f === undefined) return novaError(404, `Flavor ${req.params["id"] ?? ""} could not be found.`);
      return { status: 200, body: { flavor: flavorView(f, ctx.mv, ctx.base, true) } };
    }),
  ];
}

// --- internal ---

function versionDoc(base: string, max: Microversion): Record<string, unknown> {
  return {
    id: "v2.1",
    status: "CURRENT",
    version: `2.${max}`,
    min_version: "2.1",
    updated: "2013-07-23T11:33:21Z",
    links: [
      { rel: "self", href: `${base}/compute/v2.1/` },
      { rel: "describedby", type: "text/html", href: "http://docs.openstack.org/" },
    ],
    "media-types": [{ base: "application/json", type: "application/vnd.openstack.compute+json;version=2.1" }],
  };
}
