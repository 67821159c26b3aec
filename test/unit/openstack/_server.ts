/**
 * A tiny OpenStack stand-in on 127.0.0.1:0 for narrow HTTP tests: Keystone and the Nova version
 * document are built in, everything else goes to the test's handler. Every request is recorded.
 */
import { createServer, type IncomingHttpHeaders } from "node:http";
import type { AddressInfo } from "node:net";
import type { CloudConfig } from "../../../src/openstack/types.js";

/** One request as the server saw it. */
export interface Recorded {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
  body: unknown;
}

/** A handler's answer: JSON unless `body` is a string; `hang` never answers (for timeouts). */
export interface Reply {
  status?: number;
  body?: unknown;
  headers?: Record<string, string>;
  hang?: boolean;
  /** Drop the connection without answering (a network error). */
  destroy?: boolean;
}

/** Handles requests that are not Keystone's; undefined means 404 itemNotFound. */
export type Handler = (req: Recorded, url: string) => Reply | undefined | Promise<Reply | undefined>;

/** Keystone behaviour knobs. */
export interface KeystoneKnobs {
  /** Token lifetime in seconds (default 3600). */
  lifetimeSeconds?: number;
  /** Nova's maximum microversion (default 2.93, as Zed). */
  novaMax?: string;
  /** Answer auth with this reply instead (e.g. 401). */
  authReply?: Reply;
  /** Region of every endpoint (default RegionOne). */
  region?: string;
}

/** A running stand-in. */
export interface TestServer {
  url: string;
  requests: Recorded[];
  /** Tokens issued so far (token-N). */
  tokens: () => number;
  close(): Promise<void>;
}

/** Starts the stand-in; `knobs` can be changed by the test while it runs. */
export async function startServer(handler: Handler = () => undefined, knobs: KeystoneKnobs = {}): Promise<TestServer> {
  const requests: Recorded[] = [];
  let issued = 0;
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      void (async () => {
        const url = new URL(req.url ?? "/", "http://x");
        const raw = Buffer.concat(chunks).toString("utf8");
        const rec: Recorded = { method: req.method ?? "", path: url.pathname, query: url.searchParams, headers: req.headers, body: raw ? (JSON.parse(raw) as unknown) : undefined };
        requests.push(rec);
        let reply: Reply | undefined;
        if (rec.path === "/identity/v3/auth/tokens" && rec.method === "POST") {
          reply = knobs.authReply ?? { status: 201, headers: { "x-subject-token": `token-${++issued}` }, body: tokenBody(base, knobs) };
        } else if (rec.path === "/compute/v2.1/" || rec.path === "/compute/v2.1") {
          reply = { body: { version: { id: "v2.1", status: "CURRENT", version: knobs.novaMax ?? "2.93", min_version: "2.1" } } };
        } else {
          reply = (await handler(rec, base)) ?? { status: 404, body: { itemNotFound: { code: 404, message: "Not found" } } };
        }
        if (reply.hang) return;
        if (reply.destroy) return void req.socket.destroy();
        const text = typeof reply.body === "string" ? reply.body : reply.body === undefined ? "" : JSON.stringify(reply.body);
        const type = typeof reply.body === "string" ? "text/plain" : "application/json";
        res.writeHead(reply.status ?? 200, { "content-type": type, ...reply.headers });
        res.end(text);
      })();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url: base,
    requests,
    tokens: () => issued,
    close: () => new Promise((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }),
  };
}

/** A password cloud pointing at the stand-in's Keystone. */
export function testCloud(url: string, overrides: Partial<CloudConfig> = {}): CloudConfig {
  return {
    name: "test",
    authUrl: `${url}/identity`,
    auth: { type: "password", username: "u", password: "s3cret-pw", projectName: "p", userDomainName: "Default", projectDomainName: "Default" },
    interface: "public",
    regionName: "RegionOne",
    ...overrides,
  };
}

/** Requests other than Keystone's and Nova's version document. */
export function serviceRequests(server: TestServer): Recorded[] {
  return server.requests.filter((r) => !r.path.startsWith("/identity") && r.path !== "/compute/v2.1/");
}

function tokenBody(base: string, knobs: KeystoneKnobs): unknown {
  const issuedAt = new Date();
  const expiresAt = new Date(issuedAt.getTime() + (knobs.lifetimeSeconds ?? 3600) * 1000);
  const region = knobs.region ?? "RegionOne";
  const endpoint = (type: string, path: string) => ({
    type,
    endpoints: [{ interface: "public", region_id: region, region, url: `${base}${path}` }],
  });
  return {
    token: {
      methods: ["password"],
      issued_at: issuedAt.toISOString(),
      expires_at: expiresAt.toISOString(),
      catalog: [endpoint("identity", "/identity/v3"), endpoint("compute", "/compute/v2.1"), endpoint("image", "/image"), endpoint("network", "/network")],
    },
  };
}
