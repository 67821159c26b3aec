/** The routes every Neutron resource has: list, show, create, update, delete and the tag sub-resource. */
import type { Route, SandboxRequest, SandboxResponse } from "./http.js";
import { badRequest, isAnswer, type NeutronKind, notFound } from "./neutron-errors.js";
import { listAnswer, pickFields } from "./neutron-query.js";
import { overQuota } from "./neutron-quota-limits.js";
import type { NeutronStore } from "./neutron-store.js";
import type { StandardRecord } from "./neutron-types.js";
import type { View } from "./neutron-views.js";
import { neutronError } from "./openstack-errors.js";

/** Who is asking: the token's project, and whether it is an admin's. */
export interface NeutronCaller {
  store: NeutronStore;
  projectId: string;
  admin: boolean;
}

/** A request body's resource object (`{"network": {…}}` → `{…}`). */
export type Fields = Record<string, unknown>;

/** One kind of resource: its names, its filterable attributes and what create/update/delete do to the store. */
export interface ResourceKind<R extends { id: string }> {
  kind: NeutronKind;
  /** The JSON key of one item; the collection key is `${one}s`. */
  one: string;
  /** The URL segment below /v2.0 (`security-groups`). */
  path: string;
  /** The view's keys: the attributes Neutron accepts as filters. */
  attributes: readonly string[];
  /** Keys a create body may carry, and the subset an update may change. */
  createKeys: readonly string[];
  updateKeys: readonly string[];
  items(store: NeutronStore): Map<string, R>;
  /** Whether a record of another project is visible to members anyway (shared and external networks). */
  public?(record: R): boolean;
  /** The record as the caller sees it (admins see a few more attributes, e.g. a port's binding). */
  view(store: NeutronStore, record: R, admin: boolean): View;
  create(caller: NeutronCaller, fields: Fields): R | SandboxResponse;
  /** Applies an update in place (and touches the record); an answer is a refusal. */
  update?(caller: NeutronCaller, record: R, fields: Fields): SandboxResponse | undefined;
  /** Removes the record (and what goes with it); an answer is a refusal such as a 409 in-use. */
  remove(caller: NeutronCaller, record: R): SandboxResponse | undefined;
}

/** Who asks, from a request (the entry authenticates first). */
export type CallerOf = (req: SandboxRequest) => NeutronCaller;

/** A handler of `<path>/{id}…` that gets the record, or Neutron's 404 when there is none. */
export function recordHandler<R extends { id: string }>(kind: ResourceKind<R>, callerOf: CallerOf, fn: (caller: NeutronCaller, record: R, req: SandboxRequest) => SandboxResponse) {
  return (req: SandboxRequest): SandboxResponse => {
    const caller = callerOf(req);
    const id = req.params["id"] ?? "";
    const record = kind.items(caller.store).get(id);
    return record === undefined || !isVisible(kind, caller, record) ? notFound(kind.kind, id) : fn(caller, record, req);
  };
}

/** Members see their project's records (and public ones); admins see every project's (neutron policy). */
export function isVisible<R extends { id: string }>(kind: ResourceKind<R>, caller: NeutronCaller, record: R): boolean {
  const owner = (record as { projectId?: unknown }).projectId;
  return caller.admin || owner === caller.projectId || (kind.public?.(record) ?? false);
}

/** The routes of one kind, under `/network/v2.0/<path>`; the tag routes come with {@link tagRoutes}. */
export function crudRoutes<R extends { id: string }>(kind: ResourceKind<R>, callerOf: CallerOf, selfUrl: () => string): Route[] {
  const base = `/network/v2.0/${kind.path}`;
  const many = `${kind.one}s`;
  const withRecord = (fn: (caller: NeutronCaller, record: R, req: SandboxRequest) => SandboxResponse) => recordHandler(kind, callerOf, fn);
  const shown = (caller: NeutronCaller, record: R, status = 200): SandboxResponse => ({ status, body: { [kind.one]: kind.view(caller.store, record, caller.admin) } });
  return [
    {
      method: "GET", pattern: base,
      handle: (req) => {
        const caller = callerOf(req);
        const views = [...kind.items(caller.store).values()].filter((r) => isVisible(kind, caller, r)).map((r) => kind.view(caller.store, r, caller.admin));
        return listAnswer(views, req.query, many, kind.attributes, `${selfUrl()}/network/v2.0/${kind.path}`);
      },
    },
    { method: "GET", pattern: `${base}/{id}`, handle: withRecord((c, r, req) => ({ status: 200, body: { [kind.one]: pickFields(kind.view(c.store, r, c.admin), req.query.getAll("fields")) } })) },
    {
      method: "POST", pattern: base,
      handle: (req) => {
        const caller = callerOf(req);
        const fields = bodyFields(req, kind.one, kind.createKeys);
        if (isAnswer(fields)) return fields;
        const over = overQuota(caller.store, caller.projectId, kind.kind);
        if (over !== undefined) return over;
        const created = kind.create(caller, fields);
        return isAnswer(created) ? created : shown(caller, created, 201);
      },
    },
    {
      method: "PUT", pattern: `${base}/{id}`,
      handle: withRecord((caller, record, req) => {
        const fields = bodyFields(req, kind.one, kind.createKeys);
        if (isAnswer(fields)) return fields;
        const readOnly = Object.keys(fields).find((k) => !kind.updateKeys.includes(k));
        if (readOnly !== undefined || kind.update === undefined) return badRequest(`Cannot update read-only attribute ${readOnly ?? Object.keys(fields)[0] ?? ""}`);
        return kind.update(caller, record, fields) ?? shown(caller, record);
      }),
    },
    { method: "DELETE", pattern: `${base}/{id}`, handle: withRecord((caller, record) => kind.remove(caller, record) ?? { status: 204 }) },
  ];
}

/** The resource object of a create/update body, with Neutron's 400s for a missing object or unknown keys. */
export function bodyFields(req: SandboxRequest, one: string, allowed: readonly string[]): Fields | SandboxResponse {
  const body = req.body as Record<string, unknown> | undefined;
  const fields = body?.[one];
  if (req.invalidJson === true || typeof fields !== "object" || fields === null || Array.isArray(fields)) {
    return badRequest(`Unable to find '${one}' in request body`);
  }
  const unknown = Object.keys(fields).filter((k) => !allowed.includes(k));
  if (unknown.length > 0) return badRequest(`Unrecognized attribute(s) '${unknown.join(", ")}'`);
  return fields as Fields;
}

/** The standard-attr-tag extension: `/<path>/{id}/tags[/{tag}]`; every change is one revision. */
export function tagRoutes<R extends StandardRecord>(kind: ResourceKind<R>, callerOf: CallerOf): Route[] {
  const base = `/network/v2.0/${kind.path}`;
  const withRecord = (fn: (caller: NeutronCaller, record: R, req: SandboxRequest) => SandboxResponse) => recordHandler(kind, callerOf, fn);
  const tagNotFound = (tag: string) => neutronError(404, "TagNotFound", `Tag ${tag} could not be found.`);
  return [
    { method: "GET", pattern: `${base}/{id}/tags`, handle: withRecord((_c, r) => ({ status: 200, body: { tags: [...r.tags] } })) },
    {
      method: "GET", pattern: `${base}/{id}/tags/{tag}`,
      handle: withRecord((_c, r, req) => (r.tags.includes(req.params["tag"] ?? "") ? { status: 204 } : tagNotFound(req.params["tag"] ?? ""))),
    },
    {
      method: "PUT", pattern: `${base}/{id}/tags`,
      handle: withRecord((c, r, req) => {
        const tags = (req.body as { tags?: unknown } | undefined)?.tags;
        if (!Array.isArray(tags) || !tags.every((t) => typeof t === "string" && t.length > 0 && t.length <= 255)) return badRequest("Invalid input for tags.");
        r.tags = [...new Set(tags as string[])];
        c.store.touch(r);
        return { status: 200, body: { tags: [...r.tags] } };
      }),
    },
    {
      method: "PUT", pattern: `${base}/{id}/tags/{tag}`,
      handle: withRecord((c, r, req) => {
        const tag = req.params["tag"] ?? "";
        if (!r.tags.includes(tag)) r.tags.push(tag);
        c.store.touch(r);
        // Zed answers 201 with a JSON null body.
        return { status: 201, body: "null", headers: { "content-type": "application/json" } };
      }),
    },
    {
      method: "DELETE", pattern: `${base}/{id}/tags`,
      handle: withRecord((c, r) => {
        r.tags = [];
        c.store.touch(r);
        return { status: 204 };
      }),
    },
    {
      method: "DELETE", pattern: `${base}/{id}/tags/{tag}`,
      handle: withRecord((c, r, req) => {
        const tag = req.params["tag"] ?? "";
        if (!r.tags.includes(tag)) return tagNotFound(tag);
        r.tags = r.tags.filter((t) => t !== tag);
        c.store.touch(r);
        return { status: 204 };
      }),
    },
  ];
}
