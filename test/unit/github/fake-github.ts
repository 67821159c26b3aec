/**
 * A small fake of GitHub's runner REST API on `node:http` (127.0.0.1, random port) for the
 * client and platform tests: real HTTP, real Octokit stack, no mocking library. It records every
 * request, counts POSTs in flight, and answers scripted faults before its normal routes.
 */
import { verify } from "node:crypto";
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

export interface FakeRunner {
  id: number;
  name: string;
  status: "online" | "offline";
  busy: boolean;
  labels: string[];
}

export interface RecordedRequest {
  method: string;
  /** Path and query as received (including any GHES prefix). */
  url: string;
  headers: IncomingHttpHeaders;
  body: unknown;
}

export interface Reply {
  status: number;
  headers?: Record<string, string>;
  body?: unknown;
  /** Wait this long before answering (timeouts). */
  delayMs?: number;
}

interface Fault {
  method: string;
  path: RegExp;
  remaining: number;
  reply: Reply;
}

export interface FakeGitHubOptions {
  /** GHES-style prefix such as "/api/v3"; requests without it get 404. */
  prefix?: string;
  /** The PAT it accepts (`authorization: token …`). */
  token?: string;
  /** PEM public key of the GitHub App; enables `POST /app/installations/{id}/access_tokens`. */
  appPublicKey?: string;
  /** Delay before answering a POST, so that concurrent POSTs overlap. */
  postLatencyMs?: number;
}

export class FakeGitHub {
  readonly requests: RecordedRequest[] = [];
  readonly runners: FakeRunner[] = [];
  readonly groups: { id: number; name: string }[] = [{ id: 1, name: "Default" }];
  readonly jobs = new Map<number, { runner_name: string | null; created_at: string; started_at: string | null; conclusion: string | null }[]>();
  maxPostsInFlight = 0;
  #postsInFlight = 0;
  #nextRunnerId = 1;
  #installationTokens = 0;
  readonly #faults: Fault[] = [];
  readonly #server: Server;
  readonly #options: Required<Omit<FakeGitHubOptions, "appPublicKey">> & { appPublicKey?: string };
  #origin = "";

  constructor(options: FakeGitHubOptions = {}) {
    this.#options = { prefix: "", token: "ghp_faketoken0123456789", postLatencyMs: 0, ...options };
    this.#server = createServer((req, res) => void this.#handle(req, res));
  }

  /** Starts listening; resolves to the API base URL (with the prefix). */
  async start(): Promise<string> {
    await new Promise<void>((resolve) => this.#server.listen(0, "127.0.0.1", resolve));
    const { port } = this.#server.address() as AddressInfo;
    this.#origin = `http://127.0.0.1:${port}`;
    return this.#origin + this.#options.prefix;
  }

  async close(): Promise<void> {
    this.#server.closeAllConnections();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }

  /** Adds `count` runners named `${prefix}-${i}`. */
  addRunners(count: number, prefix = "runner"): void {
    for (let i = 0; i < count; i++) {
      this.runners.push({ id: this.#nextRunnerId++, name: `${prefix}-${i}`, status: "online", busy: false, labels: ["self-hosted"] });
    }
  }

  /** Answers the next `count` requests matching method and path with `reply`. */
  fail(method: string, path: RegExp, reply: Reply, count = 1): void {
    this.#faults.push({ method, path, remaining: count, reply });
  }

  /** The recorded requests as "METHOD path" lines (prefix and query stripped). */
  calls(): string[] {
    return this.requests.map((r) => `${r.method} ${r.url.slice(this.#options.prefix.length).split("?")[0]}`);
  }

  async #handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const text = Buffer.concat(chunks).toString("utf8");
    const body: unknown = text ? JSON.parse(text) : undefined;
    const method = req.method ?? "GET";
    const url = req.url ?? "/";
    this.requests.push({ method, url, headers: req.headers, body });
    const isPost = method === "POST";
    if (isPost) this.maxPostsInFlight = Math.max(this.maxPostsInFlight, ++this.#postsInFlight);
    try {
      if (isPost && this.#options.postLatencyMs > 0) await new Promise((r) => setTimeout(r, this.#options.postLatencyMs));
      const reply = this.#route(method, url, req.headers, body);
      if (reply.delayMs) await new Promise((r) => setTimeout(r, reply.delayMs));
      if (!res.destroyed) this.#send(res, reply);
    } finally {
      if (isPost) this.#postsInFlight--;
    }
  }

  #send(res: ServerResponse, reply: Reply): void {
    const headers: Record<string, string> = { "x-github-request-id": "FAKE:0001", ...reply.headers };
    if (reply.body !== undefined) headers["content-type"] = "application/json; charset=utf-8";
    res.writeHead(reply.status, headers);
    res.end(reply.body === undefined ? undefined : JSON.stringify(reply.body));
  }

  #route(method: string, rawUrl: string, headers: IncomingHttpHeaders, body: unknown): Reply {
    const url = new URL(rawUrl, this.#origin);
    if (!url.pathname.startsWith(this.#options.prefix)) return notFound();
    const path = url.pathname.slice(this.#options.prefix.length);
    const fault = this.#faults.find((f) => f.remaining > 0 && f.method === method && f.path.test(path));
    if (fault) {
      fault.remaining--;
      return fault.reply;
    }
    const auth = headers.authorization ?? "";
    const tokenRoute = /^\/app\/installations\/(\d+)\/access_tokens$/.exec(path);
    if (tokenRoute && method === "POST") return this.#installationToken(auth);
    const accepted = [`token ${this.#options.token}`, ...Array.from({ length: this.#installationTokens }, (_, i) => `token ghs_installation${i}`)];
    if (!accepted.includes(auth)) return { status: 401, body: { message: "Bad credentials", documentation_url: "https://docs.github.com/rest" } };

    const scope = "(?:/repos/[^/]+/[^/]+|/orgs/[^/]+|/enterprises/[^/]+)";
    if (method === "GET" && new RegExp(`^${scope}/actions/runners$`).test(path)) {
      return this.#page(url, "runners", this.runners.map(toApiRunner));
    }
    if (method === "GET" && new RegExp(`^(?:/orgs/[^/]+|/enterprises/[^/]+)/actions/runner-groups$`).test(path)) {
      return this.#page(url, "runner_groups", this.groups.map((g) => ({ ...g, visibility: "all", default: g.id === 1 })));
    }
    if (method === "POST" && new RegExp(`^${scope}/actions/runners/generate-jitconfig$`).test(path)) {
      return this.#jit(body);
    }
    const del = new RegExp(`^${scope}/actions/runners/(\\d+)$`).exec(path);
    if (method === "DELETE" && del) {
      const index = this.runners.findIndex((r) => r.id === Number(del[1]));
      if (index < 0) return notFound();
      if (this.runners[index]?.busy) return { status: 422, body: { message: "Bad request - Runner is still running a job" } };
      this.runners.splice(index, 1);
      return { status: 204 };
    }
    const jobs = /^\/repos\/[^/]+\/[^/]+\/actions\/runs\/(\d+)\/jobs$/.exec(path);
    if (method === "GET" && jobs) {
      const list = this.jobs.get(Number(jobs[1]));
      return list ? this.#page(url, "jobs", list) : notFound();
    }
    return notFound();
  }

  #jit(body: unknown): Reply {
    const input = body as { name?: string; runner_group_id?: number; labels?: string[] };
    if (input.runner_group_id === undefined) {
      return { status: 422, body: { message: "Invalid input: object is missing required key: runner_group_id." } };
    }
    if (!this.groups.some((g) => g.id === input.runner_group_id)) return notFound();
    if (this.runners.some((r) => r.name === input.name)) return { status: 409, body: { message: "Already exists" } };
    const runner: FakeRunner = { id: this.#nextRunnerId++, name: input.name ?? "", status: "offline", busy: false, labels: input.labels ?? [] };
    this.runners.push(runner);
    const config = Buffer.from(JSON.stringify({ id: runner.id, name: runner.name })).toString("base64");
    return { status: 201, body: { runner: toApiRunner(runner), encoded_jit_config: config } };
  }

  #installationToken(auth: string): Reply {
    const jwt = /^bearer (.+)$/i.exec(auth)?.[1];
    if (!this.#options.appPublicKey || !jwt || !verifyJwt(jwt, this.#options.appPublicKey)) {
      return { status: 401, body: { message: "A JSON web token could not be decoded" } };
    }
    const token = `ghs_installation${this.#installationTokens++}`;
    return { status: 201, body: { token, expires_at: new Date(Date.now() + 3_600_000).toISOString(), permissions: {} } };
  }

  #page(url: URL, key: string, items: unknown[]): Reply {
    const perPage = Math.min(Number(url.searchParams.get("per_page") ?? 30), 100);
    const page = Number(url.searchParams.get("page") ?? 1);
    const last = Math.max(1, Math.ceil(items.length / perPage));
    const headers: Record<string, string> = {};
    if (page < last) {
      const link = (n: number) => {
        const next = new URL(url);
        next.searchParams.set("page", String(n));
        return `<${next.toString()}>`;
      };
      headers.link = `${link(page + 1)}; rel="next", ${link(last)}; rel="last"`;
    }
    return { status: 200, headers, body: { total_count: items.length, [key]: items.slice((page - 1) * perPage, page * perPage) } };
  }
}

function toApiRunner(r: FakeRunner) {
  return { id: r.id, name: r.name, os: "linux", status: r.status, busy: r.busy, labels: r.labels.map((name, id) => ({ id, name, type: "custom" })) };
}

function notFound(): Reply {
  return { status: 404, body: { message: "Not Found", documentation_url: "https://docs.github.com/rest" } };
}

function verifyJwt(jwt: string, publicKey: string): boolean {
  const [header, payload, signature] = jwt.split(".");
  if (!header || !payload || !signature) return false;
  return verify("RSA-SHA256", Buffer.from(`${header}.${payload}`), publicKey, Buffer.from(signature, "base64url"));
}
