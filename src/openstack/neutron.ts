/** Neutron (network v2.0): find a network or a security group by id or name. */
import { z } from "zod";
import { CloudError, ConfigError } from "../manager/errors.js";
import { nextQuery, notFound } from "./_not-found.js";
import { parseBody } from "./_parse.js";
import type { KeystoneSession } from "./keystone.js";
import type { Network, SecurityGroup } from "./types.js";

const itemSchema = z.object({ id: z.string(), name: z.string().nullish() });
const linksSchema = z.array(z.object({ rel: z.string(), href: z.string() })).optional();

/** A Neutron collection the fleet looks things up in: its path and its JSON keys. */
interface Collection {
  kind: string;
  path: string;
  one: string;
  many: string;
}
const NETWORKS: Collection = { kind: "network", path: "/v2.0/networks", one: "network", many: "networks" };
const SECURITY_GROUPS: Collection = { kind: "security group", path: "/v2.0/security-groups", one: "security_group", many: "security_groups" };

/** Neutron calls of one client. */
export class Neutron {
  constructor(private readonly session: KeystoneSession) {}

  /** A network by id, else by exact name; ambiguity is a `ConfigError`, absence a `NotFoundError`. */
  findNetwork(ref: string): Promise<Network> {
    return this.find(NETWORKS, ref);
  }

  /** A security group by id, else by exact name (same rules as `findNetwork`). */
  findSecurityGroup(ref: string): Promise<SecurityGroup> {
    return this.find(SECURITY_GROUPS, ref);
  }

  // --- internal ---

  /** As openstacksdk `find_*`: GET by id first, then list with the exact `name` filter. */
  private async find(collection: Collection, ref: string): Promise<{ id: string; name: string }> {
    try {
      const response = await this.get(`${collection.path}/${encodeURIComponent(ref)}`);
      const what = `Neutron GET ${collection.path}/{id}`;
      const item = parseBody(itemSchema, parseBody(z.record(z.string(), z.unknown()), response.body, what)[collection.one], what);
      return { id: item.id, name: item.name ?? "" };
    } catch (error) {
      if (!(error instanceof CloudError && error.status === 404)) throw error;
    }
    const byName = await this.list(collection, { name: ref });
    if (byName.length > 1) {
      const ids = byName.map((n) => n.id).join(", ");
      throw new ConfigError([{ path: collection.kind, message: `${collection.kind} name '${ref}' is ambiguous (ids ${ids}); use an id` }]);
    }
    if (byName[0]) return byName[0];
    const all = await this.list(collection, {});
    throw notFound(collection.kind, ref, this.session.cloud, all.map((n) => n.name));
  }

  /** Items matching Neutron's exact-match filters, following pagination links when the cloud pages. */
  private async list(collection: Collection, filters: Record<string, string>): Promise<{ id: string; name: string }[]> {
    const what = `Neutron GET ${collection.path}`;
    const items: { id: string; name: string }[] = [];
    let query: Record<string, string> | undefined = filters;
    while (query) {
      const response = await this.get(collection.path, query);
      const page = parseBody(z.record(z.string(), z.unknown()), response.body, what);
      const rows = parseBody(z.array(itemSchema), page[collection.many], what);
      items.push(...rows.map((r) => ({ id: r.id, name: r.name ?? "" })));
      const links = parseBody(linksSchema, page[`${collection.many}_links`], what);
      const next = rows.length > 0 ? nextQuery(links?.find((l) => l.rel === "next")?.href) : undefined;
      query = next && { ...filters, ...next };
    }
    return items;
  }

  private async get(path: string, query?: Record<string, string>) {
    // Catalogs list Neutron's root, but some append /v2.0: the paths above carry the version.
    const baseUrl = (await this.session.endpoint("network")).replace(/\/v2\.0\/?$/, "");
    return this.session.send({ service: "Neutron", method: "GET", baseUrl, path, query });
  }
}
