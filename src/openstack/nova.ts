/** Nova (compute): microversion negotiation, servers, console output and flavors. */
import { z } from "zod";
import { CloudError } from "../manager/errors.js";
import { nextQuery, notFound } from "./_not-found.js";
import { parseBody } from "./_parse.js";
import type { HttpMethod, HttpRequest, HttpResponse } from "./http.js";
import type { KeystoneSession } from "./keystone.js";
import type { CreateServerRequest, Flavor, NovaServer } from "./types.js";

/**
 * Highest microversion used: above it, server listing breaks (nova bug 2095364) and keypairs need
 * a public key (2.92); upstream caps here too (reference canonical §3.8).
 */
export const MICROVERSION_CAP = "2.91";
/** Nova's default `max_limit`: the largest page it returns. */
const PAGE_SIZE = 1000;

/** Compares `X.Y` microversions numerically (2.110 > 2.91). */
export function compareMicroversions(a: string, b: string): number {
  const [aMajor = 0, aMinor = 0] = a.split(".").map(Number);
  const [bMajor = 0, bMinor = 0] = b.split(".").map(Number);
  return aMajor - bMajor || aMinor - bMinor;
}

/** The microversion to use against a cloud whose maximum is `cloudMax`. */
export function chooseMicroversion(cloudMax: string, cap: string = MICROVERSION_CAP): string {
  return compareMicroversions(cloudMax, cap) < 0 ? cloudMax : cap;
}

/** Characters special in Nova's name filter (a Python/MySQL regex). */
const REGEX_SPECIALS = /[\\^$.|?*+()[\]{}]/g;

/**
 * Nova's anchored name filter for a fleet: `^prefix-`. `-` is literal outside a character class,
 * so it stays unescaped (`\-` is a syntax error in JavaScript `u`-mode regexes, which a simulator
 * may use).
 */
export function fleetNameFilter(prefix: string): string {
  return `^${prefix.replace(REGEX_SPECIALS, "\\$&")}-`;
}

const serverSchema = z.object({
  id: z.string(),
  name: z.string(),
  status: z.string(),
  "OS-EXT-STS:task_state": z.string().nullish(),
  created: z.string().optional(),
  metadata: z.record(z.string(), z.unknown()).nullish(),
  fault: z.object({ code: z.number().optional(), message: z.string() }).optional(),
});
const linksSchema = z.array(z.object({ rel: z.string(), href: z.string() })).optional();
const flavorSchema = z.object({
  id: z.string(),
  name: z.string(),
  vcpus: z.number().optional(),
  ram: z.number().optional(),
  disk: z.number().optional(),
});

/** Nova calls of one client; the microversion is negotiated once, on first use. */
export class Nova {
  private negotiated: Promise<string | undefined> | undefined;

  constructor(private readonly session: KeystoneSession) {}

  /** The microversion in use: min(cloud maximum, 2.91); undefined for a legacy v2.0 endpoint. */
  microversion(): Promise<string | undefined> {
    this.negotiated ??= this.negotiate().catch((error: unknown) => {
      this.negotiated = undefined; // a failed negotiation is retried by the next call
      throw error;
    });
    return this.negotiated;
  }

  /** Starts creating a server (202); only the documented keys are sent (Nova rejects others). */
  async createServer(req: CreateServerRequest): Promise<{ id: string }> {
    const server: Record<string, unknown> = {
      name: req.name,
      imageRef: req.imageRef,
      flavorRef: req.flavorRef,
      networks: req.networks.map(({ uuid }) => ({ uuid })),
    };
    if (req.securityGroups?.length) server.security_groups = req.securityGroups.map((name) => ({ name }));
    if (req.keyName) server.key_name = req.keyName;
    if (req.userData) server.user_data = req.userData;
    if (req.metadata) server.metadata = req.metadata;
    if (req.configDrive !== undefined) server.config_drive = req.configDrive;
    const redact = req.userData ? [req.userData] : [];
    const response = await this.call("POST", "/servers", { body: { server }, redact });
    return parseBody(z.object({ server: z.object({ id: z.string() }) }), response.body, "Nova POST /servers").server;
  }

  /**
   * Every server matching the name filter (a regex; see `fleetNameFilter`), all pages, each once.
   * Nova lists servers that are still building ahead of all others (compute/api.py get_all), so
   * while some build, a page after a marker can repeat one (dropped here) or miss one (seen on a
   * real Zed): pages are exact only for settled servers; one page holds 1000.
   */
  async listServers(nameFilter?: string, pageSize: number = PAGE_SIZE): Promise<NovaServer[]> {
    const servers: NovaServer[] = [];
    const seen = new Set<string>();
    const base = { name: nameFilter, limit: pageSize };
    let query: Record<string, string | number | undefined> | undefined = base;
    while (query) {
      const response = await this.call("GET", "/servers/detail", { query });
      const page = parseBody(z.object({ servers: z.array(serverSchema), servers_links: linksSchema }), response.body, "Nova GET /servers/detail");
      const fresh = page.servers.filter((s) => !seen.has(s.id));
      servers.push(...fresh.map(toServer));
      fresh.forEach((s) => seen.add(s.id));
      // Stop on a page that brings nothing new, so a misbehaving `next` link cannot loop forever.
      const next = fresh.length > 0 ? nextQuery(page.servers_links?.find((l) => l.rel === "next")?.href) : undefined;
      // Keep our filter even if a proxy rewrote the link without it.
      query = next && { ...base, ...next };
    }
    return servers;
  }

  /** One server; undefined when Nova no longer has it (404). */
  async getServer(id: string): Promise<NovaServer | undefined> {
    try {
      const response = await this.call("GET", `/servers/${encodeURIComponent(id)}`);
      return toServer(parseBody(z.object({ server: serverSchema }), response.body, "Nova GET /servers/{id}").server);
    } catch (error) {
      if (isNotFound(error)) return undefined;
      throw error;
    }
  }

  /** Deletes a server; `"gone"` when it did not exist (404). */
  async deleteServer(id: string): Promise<"deleted" | "gone"> {
    try {
      await this.call("DELETE", `/servers/${encodeURIComponent(id)}`);
      return "deleted";
    } catch (error) {
      if (isNotFound(error)) return "gone";
      throw error;
    }
  }

  /** The server's serial console log; the last `length` lines when given. */
  async consoleOutput(id: string, length?: number): Promise<string> {
    const body = { "os-getConsoleOutput": length === undefined ? {} : { length } };
    // A read-only action: safe to retry although it is a POST.
    const response = await this.call("POST", `/servers/${encodeURIComponent(id)}/action`, { body, idempotent: true });
    return parseBody(z.object({ output: z.string().nullable() }), response.body, "Nova os-getConsoleOutput").output ?? "";
  }

  /** A flavor by id, else by exact name (as openstacksdk `find_flavor`); `NotFoundError` lists the names. */
  async findFlavor(ref: string): Promise<Flavor> {
    try {
      const response = await this.call("GET", `/flavors/${encodeURIComponent(ref)}`);
      return parseBody(z.object({ flavor: flavorSchema }), response.body, "Nova GET /flavors/{id}").flavor;
    } catch (error) {
      if (!isNotFound(error)) throw error;
    }
    const flavors = await this.listFlavors();
    const match = flavors.find((f) => f.name === ref);
    if (match) return match;
    throw notFound("flavor", ref, this.session.cloud, flavors.map((f) => f.name));
  }

  /** Every flavor visible to the project, all pages. */
  async listFlavors(): Promise<Flavor[]> {
    const flavors: Flavor[] = [];
    let query: Record<string, string | number | undefined> | undefined = { limit: PAGE_SIZE };
    while (query) {
      const response = await this.call("GET", "/flavors/detail", { query });
      const page = parseBody(z.object({ flavors: z.array(flavorSchema), flavors_links: linksSchema }), response.body, "Nova GET /flavors/detail");
      flavors.push(...page.flavors);
      query = page.flavors.length > 0 ? nextQuery(page.flavors_links?.find((l) => l.rel === "next")?.href) : undefined;
    }
    return flavors;
  }

  // --- internal ---

  private async negotiate(): Promise<string | undefined> {
    const endpoint = await this.session.endpoint("compute");
    // Old catalogs put the project id after /v2.1; the version document lives at /v2.1 itself.
    const root = endpoint.replace(/(\/v2(\.1)?)(\/[^/?]*)?\/?$/, "$1");
    const response = await this.session.send({ service: "Nova", method: "GET", baseUrl: root, path: "/" });
    const doc = parseBody(z.object({ version: z.object({ version: z.string().optional() }) }), response.body, "Nova GET /");
    const max = doc.version.version;
    return max ? chooseMicroversion(max) : undefined;
  }

  private async call(method: HttpMethod, path: string, extra: Partial<HttpRequest> = {}): Promise<HttpResponse> {
    const [baseUrl, version] = await Promise.all([this.session.endpoint("compute"), this.microversion()]);
    const headers = version ? { "openstack-api-version": `compute ${version}`, "x-openstack-nova-api-version": version } : undefined;
    return this.session.send({ service: "Nova", method, baseUrl, path, headers, ...extra });
  }
}

// --- internal ---

function toServer(raw: z.output<typeof serverSchema>): NovaServer {
  const metadata = Object.fromEntries(Object.entries(raw.metadata ?? {}).filter((e): e is [string, string] => typeof e[1] === "string"));
  const created = raw.created ? new Date(raw.created) : new Date(0);
  const server: NovaServer = { id: raw.id, name: raw.name, status: raw.status.toUpperCase(), created, metadata };
  if (raw.fault) server.fault = raw.fault;
  const taskState = raw["OS-EXT-STS:task_state"];
  if (taskState) server.taskState = taskState;
  return server;
}

function isNotFound(error: unknown): boolean {
  return error instanceof CloudError && error.status === 404;
}
