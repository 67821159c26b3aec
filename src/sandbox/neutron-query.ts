/** Neutron's list query: attribute filters, tag filters, `fields`, sorting and limit/marker paging. */
import type { SandboxResponse } from "./http.js";
import { badRequest } from "./neutron-errors.js";
import type { View } from "./neutron-views.js";

/** Query parameters that are not attribute filters. */
const SPECIAL = new Set(["fields", "limit", "marker", "sort_key", "sort_dir", "page_reverse"]);
const TAG_FILTERS = new Set(["tags", "tags-any", "not-tags", "not-tags-any"]);
const TRUE = new Set(["true", "1", "yes", "on"]);

/** One page of a collection as Neutron answers `GET /v2.0/<path>`. */
export function listAnswer(views: View[], query: URLSearchParams, collection: string, attributes: readonly string[], selfUrl: string): SandboxResponse {
  const filters = [...new Set(query.keys())].filter((k) => !SPECIAL.has(k));
  // Zed validates filters (filter_validation = True): an unknown attribute is a 400.
  const unknown = filters.find((k) => !attributes.includes(k) && !TAG_FILTERS.has(k));
  if (unknown !== undefined) return badRequest(`['${unknown}'] is invalid attribute for filtering`);
  let items = views.filter((v) => filters.every((k) => matches(v, k, query.getAll(k))));
  const keys = query.getAll("sort_key");
  const dirs = query.getAll("sort_dir");
  if (keys.length !== dirs.length) {
    return badRequest("The number of sort_keys and sort_dirs must be same");
  }
  const limit = query.get("limit");
  if (keys.length > 0 || limit !== null) items = [...items].sort(byKeys(keys.length > 0 ? keys : ["id"], dirs));
  const body: Record<string, unknown> = {};
  if (limit !== null && /^\d+$/.test(limit) && Number(limit) > 0) {
    const marker = query.get("marker");
    const start = marker === null ? 0 : items.findIndex((v) => v["id"] === marker) + 1;
    const page = items.slice(start, start + Number(limit));
    const links: { rel: string; href: string }[] = [];
    const href = (id: unknown, reverse: boolean) => {
      const q = new URLSearchParams([...query.entries()].filter(([k]) => k !== "marker" && k !== "page_reverse"));
      q.append("marker", String(id));
      if (reverse) q.append("page_reverse", "True");
      return `${selfUrl}?${q.toString()}`;
    };
    if (start + page.length < items.length) links.push({ rel: "next", href: href(page.at(-1)?.["id"], false) });
    if (page.length > 0) links.push({ rel: "previous", href: href(page[0]?.["id"], true) });
    items = page;
    body[`${collection}_links`] = links;
  }
  return { status: 200, body: { [collection]: items.map((v) => pickFields(v, query.getAll("fields"))), ...body } };
}

/** The view trimmed to the asked `fields` (unknown ones are ignored, as Neutron does). */
export function pickFields(view: View, fields: string[]): View {
  if (fields.length === 0) return view;
  return Object.fromEntries(Object.entries(view).filter(([k]) => fields.includes(k)));
}

// --- internal ---

/** Whether the view matches one filter; repeated values are ORed (and tag lists may be comma-separated). */
function matches(view: View, key: string, values: string[]): boolean {
  if (TAG_FILTERS.has(key)) {
    const tags = new Set(view["tags"] as string[]);
    const wanted = values.flatMap((v) => v.split(","));
    const all = wanted.every((t) => tags.has(t));
    const any = wanted.some((t) => tags.has(t));
    return key === "tags" ? all : key === "tags-any" ? any : key === "not-tags" ? !all : !any;
  }
  const actual = view[key];
  return values.some((v) => {
    if (key === "fixed_ips") return matchesFixedIp(actual as Record<string, string>[], v);
    if (Array.isArray(actual)) return actual.some((a) => String(a) === v);
    if (typeof actual === "boolean") return actual === TRUE.has(v.toLowerCase());
    if (actual === null) return false;
    return String(actual) === v;
  });
}

/** `fixed_ips=ip_address=10.0.0.5` or `fixed_ips=subnet_id=<id>`. */
function matchesFixedIp(fixedIps: Record<string, string>[], value: string): boolean {
  const [k = "", v = ""] = value.split("=", 2);
  return fixedIps.some((f) => f[k] === v);
}

function byKeys(keys: string[], dirs: string[]) {
  return (a: View, b: View): number => {
    for (const [i, key] of keys.entries()) {
      const sign = dirs[i] === "desc" ? -1 : 1;
      const cmp = String(a[key] ?? "").localeCompare(String(b[key] ?? ""));
      if (cmp !== 0) return sign * cmp;
    }
    return String(a["id"]).localeCompare(String(b["id"]));
  };
}
