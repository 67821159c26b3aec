/**
 * In-process calls to the sandbox's Actions service on a manual clock, for the world-rule tests:
 * the token chain, a scale set with an open session, polls that acknowledge, and runners started
 * the way a booted VM starts them (side.hooks.runnerStarted).
 */
import type { CloudSideHooks } from "../../../src/sandbox/bridge.js";
import { createGitHubSide, type GitHubSide, type GitHubSideOptions } from "../../../src/sandbox/github-side.js";
import { compileRoute, matchRoute } from "../../../src/sandbox/http.js";

const BASE = "/_actions/tenant/1/";
const HOST = "127.0.0.1:1";

/** An answer with its JSON parsed (BOM stripped). */
export interface Reply {
  status: number;
  headers: Record<string, string>;
  json: unknown;
  text: string;
}

/** A job message of a polled body, loosely typed for assertions. */
export type JobMsg = Record<string, unknown> & { messageType: string; runnerRequestId: number };

/** One sandbox GitHub side with its Actions service, on a manual clock. */
export class ActionsHarness {
  t = 1_700_000_000_000;
  readonly side: GitHubSide;
  readonly exited: string[] = [];
  admin = "";
  private readonly routes;

  constructor(options: Partial<Omit<GitHubSideOptions, "now" | "hooks">> = {}) {
    const hooks: CloudSideHooks = { runnerExited: (vmId) => void this.exited.push(vmId), writeConsole: () => undefined };
    this.side = createGitHubSide({ onlineDelayMs: 0, ...options, actions: { longPollMs: 0, ...options.actions }, now: () => this.t, hooks });
    this.routes = this.side.routes.map(compileRoute);
  }

  /** Calls a route as startHttpService would; `path` may be absolute (a queue URL) and carry a query. */
  async call(method: string, path: string, opts: { body?: unknown; auth?: string; headers?: Record<string, string> } = {}): Promise<Reply> {
    const url = new URL(path, `http://${HOST}`);
    const matched = matchRoute(this.routes, method, url.pathname);
    if (matched === undefined) throw new Error(`no route for ${method} ${url.pathname}`);
    const headers: Record<string, string> = { host: HOST, ...(opts.auth === undefined ? {} : { authorization: opts.auth }), ...opts.headers };
    const rawBody = opts.body === undefined ? "" : JSON.stringify(opts.body);
    const res = await matched.route.handle({ method, path: url.pathname, params: matched.params, query: url.searchParams, headers, body: opts.body, rawBody });
    const text = typeof res.body === "string" ? res.body : res.body === undefined ? "" : JSON.stringify(res.body);
    const clean = text.replace(/^\uFEFF/, "");
    return { status: res.status, headers: res.headers ?? {}, text, json: clean === "" ? undefined : (JSON.parse(clean) as unknown) };
  }

  /** An Actions service call with the admin token and the api-version. */
  api(method: string, path: string, body?: unknown, auth = `Bearer ${this.admin}`): Promise<Reply> {
    const sep = path.includes("?") ? "&" : "?";
    return this.call(method, `${BASE}${path}${sep}api-version=6.0-preview`, { body, auth });
  }

  /** Runs the token chain for `configPath` (`acme`, `acme/app`) and keeps the admin token. */
  async register(configPath = "acme"): Promise<Reply> {
    const scope = configPath.includes("/") ? `repos/${configPath}` : `orgs/${configPath}`;
    const reg = await this.call("POST", `/${scope}/actions/runners/registration-token`, { auth: `Bearer ${this.side.token}` });
    const token = (reg.json as { token: string }).token;
    const answer = await this.call("POST", "/actions/runner-registration", { auth: `RemoteAuth ${token}`, body: { url: `https://github.com/${configPath}`, runner_event: "register" } });
    if (answer.status < 300) this.admin = (answer.json as { token: string }).token;
    return answer;
  }

  /** Creates a scale set and opens its session; returns both ids and the queue URL/token. */
  async scaleSetWithSession(name = "os-linux", labels?: string[]): Promise<{ id: number; queueUrl: string; queueToken: string; sessionId: string }> {
    const created = await this.api("POST", "_apis/runtime/runnerscalesets", { name, runnerGroupId: 1, ...(labels ? { labels: labels.map((l) => ({ name: l })) } : {}), RunnerSetting: { disableUpdate: true } });
    const id = (created.json as { id: number }).id;
    const session = (await this.api("POST", `_apis/runtime/runnerscalesets/${id}/sessions`, { ownerName: "host-1" })).json as Record<string, string>;
    return { id, queueUrl: session.messageQueueUrl ?? "", queueToken: session.messageQueueAccessToken ?? "", sessionId: session.sessionId ?? "" };
  }

  /** One poll; acknowledges the message unless `ack` is false. Returns its job messages and statistics. */
  async poll(q: { queueUrl: string; queueToken: string }, opts: { capacity?: number; ack?: boolean } = {}): Promise<{ status: number; jobs: JobMsg[]; statistics: Record<string, number> | undefined; messageId?: number }> {
    const headers: Record<string, string> = { accept: "application/json; api-version=6.0-preview", ...(opts.capacity === undefined ? {} : { "x-scalesetmaxcapacity": String(opts.capacity) }) };
    const res = await this.call("GET", q.queueUrl, { auth: `Bearer ${q.queueToken}`, headers });
    if (res.status !== 200) return { status: res.status, jobs: [], statistics: undefined };
    const m = res.json as { messageId: number; body: string; statistics: Record<string, number> };
    if (opts.ack !== false) await this.call("DELETE", `${q.queueUrl}/${m.messageId}`, { auth: `Bearer ${q.queueToken}` });
    return { status: 200, jobs: JSON.parse(m.body) as JobMsg[], statistics: m.statistics, messageId: m.messageId };
  }

  /** Polls (acknowledging) until nothing is left; every job message seen, in order. */
  async drain(q: { queueUrl: string; queueToken: string }, capacity?: number): Promise<JobMsg[]> {
    const all: JobMsg[] = [];
    for (let i = 0; i < 100; i += 1) {
      const got = await this.poll(q, capacity === undefined ? {} : { capacity });
      if (got.status !== 200) return all;
      all.push(...got.jobs);
    }
    throw new Error("the queue never drained");
  }

  /** Acquires runnerRequestIds with the queue token; the ids acquired. */
  async acquire(q: { id: number; queueToken: string }, ids: number[]): Promise<number[]> {
    const res = await this.call("POST", `${BASE}_apis/runtime/runnerscalesets/${q.id}/acquirejobs?api-version=6.0-preview`, { auth: `Bearer ${q.queueToken}`, body: ids });
    return (res.json as { value: number[] }).value;
  }

  /** Generates a JIT runner of the scale set and starts it as a booted VM would; returns its id. */
  async startRunner(scaleSetId: number, name: string, vmId = `vm-${name}`): Promise<number> {
    const res = await this.api("POST", `_apis/runtime/runnerscalesets/${scaleSetId}/generatejitconfig`, { name, workFolder: "_work" });
    const body = res.json as { runner: { id: number }; encodedJITConfig: string };
    if (!this.side.hooks.runnerStarted(vmId, body.encodedJITConfig)) throw new Error("the VM boot path refused the JIT config");
    return body.runner.id;
  }

  /** Moves the clock and applies every transition due. */
  advance(ms: number): void {
    this.t += ms;
    this.side.tick();
  }
}
