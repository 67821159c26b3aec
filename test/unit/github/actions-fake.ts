/**
 * A small fake of GitHub's token chain and the Actions service (reference §1) on node:http
 * (127.0.0.1, random port): real HTTP for the Actions client tests. It records every request,
 * checks tokens per call (admin vs queue), requires api-version, and answers scripted faults first.
 */
import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";

export interface Recorded { method: string; path: string; query: URLSearchParams; headers: IncomingHttpHeaders; body: unknown }
export interface Reply { status: number; body?: unknown; text?: string; headers?: Record<string, string>; delayMs?: number }
interface Fault { method: string; path: RegExp; remaining: number; reply: Reply }
interface ScaleSet { id: number; name: string; runnerGroupId: number; labels: { type: string; name: string }[]; RunnerSetting?: unknown }
interface Session { id: string; scaleSetId: number; token: string }
export interface Message { messageId: number; messageType?: string; body: string; statistics?: Record<string, number> }

export const PAT = "ghp_fakepat0123456789abcdefghij";
const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString("base64url");

export class FakeActions {
  readonly requests: Recorded[] = [];
  readonly scaleSets: ScaleSet[] = [];
  readonly groups = [{ id: 1, name: "Default" }, { id: 5, name: "linux" }];
  readonly agents: { id: number; name: string; runnerScaleSetId: number; busy?: boolean }[] = [];
  readonly runners: { id: number; name: string; status: string; busy: boolean; labels: { name: string }[] }[] = [];
  readonly messages: Message[] = [];
  readonly acquired: number[][] = [];
  session: Session | undefined;
  /** Seconds the admin JWTs live (§1.2.4). */
  adminLifetimeSeconds = 3600;
  /** Prefix every JSON body with a UTF-8 BOM (§1.2.6). */
  bom = false;
  /** Answer the runner registration with 401 this many times first (§1.2.3). */
  registrationUnauthorized = 0;
  registrationTokens = 0;
  adminToken = "";
  jitConfig = "JITCONFIG-SECRET-BLOB-0123456789";
  /** How long an empty poll is held before its 202 (the real window is ~50 s, §1.6). */
  pollHoldMs = 0;
  url = "";
  #faults: Fault[] = [];
  #server: Server | undefined;
  #ids = { scaleSet: 0, session: 0, agent: 100, queue: 0 };

  async start(): Promise<string> {
    this.#server = createServer((req, res) => {
      let raw = "";
      req.on("data", (chunk: Buffer) => (raw += chunk.toString("utf8")));
      req.on("end", () => {
        const u = new URL(req.url ?? "/", this.url);
        const body = raw ? (JSON.parse(raw) as unknown) : undefined;
        const rec: Recorded = { method: req.method ?? "GET", path: u.pathname, query: u.searchParams, headers: req.headers, body };
        this.requests.push(rec);
        const reply = this.#fault(rec) ?? this.#route(rec);
        const send = () => {
          const text = reply.text ?? (reply.body === undefined ? "" : `${this.bom ? "\uFEFF" : ""}${JSON.stringify(reply.body)}`);
          const type = reply.text !== undefined ? "text/plain" : "application/json; charset=utf-8";
          res.writeHead(reply.status, { "content-type": type, ...reply.headers }).end(text);
        };
        if (reply.delayMs) setTimeout(send, reply.delayMs);
        else send();
      });
    });
    await new Promise<void>((resolve) => this.#server?.listen(0, "127.0.0.1", resolve));
    this.url = `http://127.0.0.1:${(this.#server.address() as AddressInfo).port}`;
    return this.url;
  }

  close(): Promise<void> {
    this.#server?.closeAllConnections();
    return new Promise((resolve) => (this.#server ? this.#server.close(() => resolve()) : resolve()));
  }

  /** Answers `reply` to the next `times` requests matching. */
  fail(method: string, path: RegExp, reply: Reply, times = 1): void {
    this.#faults.push({ method, path, remaining: times, reply });
  }

  /** Requests to the Actions service (not GitHub's REST API). */
  serviceCalls(): Recorded[] {
    return this.requests.filter((r) => r.path.startsWith("/tenant/") || r.path.startsWith("/queue/"));
  }

  calls(): string[] {
    return this.requests.map((r) => `${r.method} ${r.path}`);
  }

  /** Queues a job message batch with the given statistics. */
  push(jobs: object[], statistics: Record<string, number> = {}): number {
    const messageId = (this.messages.at(-1)?.messageId ?? 0) + 1;
    this.messages.push({ messageId, messageType: "RunnerScaleSetJobMessages", body: JSON.stringify(jobs), statistics });
    return messageId;
  }

  /** Rotates nothing but makes the queue refuse the current token (an expired queue token). */
  expireQueueToken(): void {
    if (this.session) this.session.token = `revoked-${this.session.token}`;
  }

  #fault(rec: Recorded): Reply | undefined {
    const fault = this.#faults.find((f) => f.remaining > 0 && f.method === rec.method && f.path.test(rec.path));
    if (!fault) return undefined;
    fault.remaining--;
    return fault.reply;
  }

  #route(r: Recorded): Reply {
    const auth = String(r.headers.authorization ?? "");
    if (/\/actions\/runners\/registration-token$/.test(r.path) && r.method === "POST") {
      if (!/^token /.test(auth)) return { status: 401, body: { message: "Bad credentials" } };
      return { status: 201, body: { token: `REGTOKEN${++this.registrationTokens}ABCDEFGHIJKLMNOP`, expires_at: "2030-01-01T00:00:00Z" } };
    }
    if (/^\/app\/installations\/\d+\/access_tokens$/.test(r.path)) return { status: 201, body: { token: "ghs_installationtoken0123456789abc", expires_at: "2030-01-01T00:00:00Z" } };
    if (r.path === "/actions/runner-registration") return this.#register(auth, r);
    if (/\/actions\/runners$/.test(r.path)) return { status: 200, body: { total_count: this.runners.length, runners: this.runners } };
    if (r.path.startsWith("/queue/")) return this.#queue(r, auth);
    if (!r.path.startsWith("/tenant/123/")) return { status: 404, body: { message: "Not Found" } };
    if (r.query.get("api-version") !== "6.0-preview") return { status: 400, body: { typeName: "VssVersionException", message: "api-version missing" } };
    const rest = r.path.slice("/tenant/123/".length);
    if (/^_apis\/runtime\/runnerscalesets\/\d+\/acquirejobs$/.test(rest)) {
      if (auth !== `Bearer ${this.session?.token}`) return { status: 401, text: "queue token required" };
      const ids = r.body as number[];
      this.acquired.push(ids);
      return { status: 200, body: { count: ids.length, value: ids } };
    }
    if (auth !== `Bearer ${this.adminToken}`) return { status: 401, text: "admin token required" };
    return this.#admin(r, rest);
  }

  #register(auth: string, r: Recorded): Reply {
    if (!auth.startsWith("RemoteAuth REGTOKEN")) return { status: 401, body: { message: "bad RemoteAuth" } };
    if (this.registrationUnauthorized > 0) return (this.registrationUnauthorized--, { status: 401, body: { message: "not valid yet" } });
    const now = Math.floor(Date.now() / 1000);
    this.adminToken = `${b64({ alg: "RS256" })}.${b64({ exp: now + this.adminLifetimeSeconds, iat: now, n: this.requests.length })}.c2ln`;
    void r;
    return { status: 201, body: { url: `${this.url}/tenant/123/`, token: this.adminToken } };
  }

  #admin(r: Recorded, rest: string): Reply {
    const stats = { totalAssignedJobs: 2, totalRunningJobs: 1 };
    if (rest === "_apis/runtime/runnergroups/") {
      const found = this.groups.filter((g) => g.name === r.query.get("groupName"));
      return { status: 200, body: { count: found.length, value: found } };
    }
    if (rest === "_apis/runtime/runnerscalesets" && r.method === "GET") {
      const found = this.scaleSets.filter((s) => s.name === r.query.get("name") && s.runnerGroupId === Number(r.query.get("runnerGroupId")));
      return { status: 200, body: { count: found.length, value: found } };
    }
    if (rest === "_apis/runtime/runnerscalesets" && r.method === "POST") {
      const set = { ...(r.body as ScaleSet), id: ++this.#ids.scaleSet };
      this.scaleSets.push(set);
      return { status: 200, body: set };
    }
    const m = /^_apis\/runtime\/runnerscalesets\/(\d+)(?:\/(sessions|generatejitconfig)(?:\/([^/]+))?)?$/.exec(rest);
    if (m) {
      const id = Number(m[1]);
      const set = this.scaleSets.find((s) => s.id === id);
      if (!set) return { status: 404, body: { typeName: "RunnerScaleSetNotFoundException", message: "no such scale set" } };
      if (!m[2] && r.method === "DELETE") return (this.scaleSets.splice(this.scaleSets.indexOf(set), 1), { status: 204 });
      if (!m[2] && r.method === "PATCH") return (Object.assign(set, r.body), { status: 200, body: set });
      if (m[2] === "generatejitconfig") {
        const { name } = r.body as { name: string };
        if (this.agents.some((a) => a.name === name)) return { status: 400, body: { typeName: "AgentExistsException", message: `runner ${name} exists` } };
        const agent = { id: ++this.#ids.agent, name, runnerScaleSetId: id };
        this.agents.push(agent);
        return { status: 200, body: { runner: agent, encodedJITConfig: this.jitConfig } };
      }
      if (r.method === "POST") {
        if (this.session) return { status: 409, body: { typeName: "TaskAgentSessionConflictException", message: "session exists" } };
        this.session = { id: `session-${++this.#ids.session}`, scaleSetId: id, token: `QUEUETOKEN${++this.#ids.queue}ABCDEFGHIJKLMNOPQRST` };
        return { status: 200, body: this.#sessionBody(stats) };
      }
      if (!this.session || this.session.id !== m[3]) return { status: 404, body: { typeName: "TaskAgentSessionExpiredException", message: "no session" } };
      if (r.method === "PATCH") return ((this.session.token = `QUEUETOKEN${++this.#ids.queue}ABCDEFGHIJKLMNOPQRST`), { status: 200, body: this.#sessionBody(stats) });
      return ((this.session = undefined), { status: 204 });
    }
    const a = /^_apis\/distributedtask\/pools\/0\/agents(?:\/(\d+))?$/.exec(rest);
    if (a) {
      if (!a[1]) {
        const found = this.agents.filter((x) => x.name === r.query.get("agentName"));
        return { status: 200, body: { count: found.length, value: found } };
      }
      const agent = this.agents.find((x) => x.id === Number(a[1]));
      if (!agent) return { status: 404, body: { typeName: "AgentNotFoundException", message: "no agent" } };
      if (r.method === "GET") return { status: 200, body: agent };
      if (agent.busy) return { status: 400, body: { typeName: "JobStillRunningException", message: "busy" } };
      return (this.agents.splice(this.agents.indexOf(agent), 1), { status: 204 });
    }
    return { status: 404, body: { message: `no route ${r.method} ${rest}` } };
  }

  #sessionBody(statistics: object): object {
    const s = this.session as Session;
    return { sessionId: s.id, ownerName: "host", messageQueueUrl: `${this.url}/queue/${s.id}`, messageQueueAccessToken: s.token, statistics };
  }

  #queue(r: Recorded, auth: string): Reply {
    const [, , sessionId, messageId] = r.path.split("/");
    if (!this.session || this.session.id !== sessionId) return { status: 404, text: "session gone" };
    if (auth !== `Bearer ${this.session.token}`) return { status: 401, text: "token expired" };
    if (r.method === "DELETE") {
      const index = this.messages.findIndex((m) => m.messageId === Number(messageId));
      if (index < 0) return { status: 404, text: "no message" };
      return (this.messages.splice(index, 1), { status: 204 });
    }
    const after = Number(r.query.get("lastMessageId") ?? 0);
    const next = this.messages.find((m) => m.messageId > after);
    return next ? { status: 200, body: next } : { status: 202, delayMs: this.pollHoldMs };
  }
}
