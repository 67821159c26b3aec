/** Neutron's quota API: a project's limits, the `details` view with usage, the defaults, and admin updates. */
import type { Route, SandboxRequest, SandboxResponse } from "./http.js";
import type { CallerOf, NeutronCaller } from "./neutron-crud.js";
import { DEFAULT_QUOTAS, limitsOf, usage } from "./neutron-quota-limits.js";
import { neutronError } from "./openstack-errors.js";

/** `/v2.0/quotas/{project_id}` with `/details` and `/default`; reading another project's or writing is admin-only. */
export function quotaRoutes(callerOf: CallerOf): Route[] {
  const base = "/network/v2.0/quotas/{project_id}";
  const guarded = (rule: string, fn: (caller: NeutronCaller, projectId: string, body: unknown) => SandboxResponse) => (req: SandboxRequest) => {
    const caller = callerOf(req);
    const projectId = req.params["project_id"] ?? "";
    const own = projectId === caller.projectId && rule === "get_quota";
    if (!caller.admin && !own) return neutronError(403, "PolicyNotAuthorized", `rule:${rule} is disallowed by policy`);
    return fn(caller, projectId, req.body);
  };
  return [
    { method: "GET", pattern: base, handle: guarded("get_quota", (c, p) => ({ status: 200, body: { quota: limitsOf(c.store, p) } })) },
    { method: "GET", pattern: `${base}/default`, handle: guarded("get_quota", () => ({ status: 200, body: { quota: { ...DEFAULT_QUOTAS } } })) },
    {
      method: "GET", pattern: `${base}/details`,
      handle: guarded("get_quota", (c, p) => {
        const quota = Object.fromEntries(Object.entries(limitsOf(c.store, p)).map(([k, limit]) => [k, { limit, used: usage(c.store, p, k), reserved: 0 }]));
        return { status: 200, body: { quota } };
      }),
    },
    {
      method: "PUT", pattern: base,
      handle: guarded("update_quota", (c, p, body) => {
        const asked = (body as { quota?: Record<string, unknown> } | undefined)?.quota;
        if (typeof asked !== "object" || asked === null) return neutronError(400, "HTTPBadRequest", "Unable to find 'quota' in request body");
        const bad = Object.entries(asked).find(([k, v]) => !(k in DEFAULT_QUOTAS) || !Number.isInteger(Number(v)) || Number(v) < -1);
        if (bad !== undefined) return neutronError(400, "HTTPBadRequest", `Invalid input for ${bad[0]}. Reason: '${String(bad[1])}' is not a valid quota.`);
        c.store.quotas.set(p, { ...c.store.quotas.get(p), ...Object.fromEntries(Object.entries(asked).map(([k, v]) => [k, Number(v)])) });
        return { status: 200, body: { quota: limitsOf(c.store, p) } };
      }),
    },
    {
      method: "DELETE", pattern: base,
      handle: guarded("delete_quota", (c, p) => {
        c.store.quotas.delete(p);
        return { status: 204 };
      }),
    },
  ];
}
