/**
 * The Actions service (runner scale set API) the contract suite runs against, chosen by
 * RUNNER_FLEET_ACTIONS. Only `sandbox` exists: the sandbox's simulated service, in `./dev test`.
 * A second implementation (the Rust crate's emulator, a recorded GitHub) plugs in by returning
 * another ActionsTarget: the suite talks to it over HTTP only, and the few things a real service
 * cannot be told to do (queue a job, boot a runner, restart) are the target's controls.
 * ScaleSetWire is the suite's raw-`fetch` speaker of the wire format, written from the reference.
 */
import { IMAGES, NETWORK } from "../../src/sandbox/openstack-seed.js";
import { startSandbox, type Sandbox } from "../../src/sandbox/index.js";

/** A service to run the contract against. */
export interface ActionsTarget {
  kind: string;
  /** The GitHub REST API base (registration-token and runner-registration live there, §1.2). */
  apiUrl: string;
  /** A token the registration-token endpoints accept (`Authorization: Bearer`). */
  githubToken: string;
  /** The config URL (§1.1) of `path` (`acme`, `acme/app`, `enterprises/big`) on this target's host. */
  configUrl(path: string): string;
  /** The long-poll window the service was started with: a poll with nothing to say answers 202 after it. */
  longPollMs: number;
  /** Queues `count` jobs of `repository` with these `runs-on` labels, each running `durationMs` once started. */
  queueJobs(repository: string, labels: string[], count?: number, durationMs?: number): Promise<void>;
  /** Starts a runner from an `encodedJITConfig`, as a booted machine would (`run.sh --jitconfig`). */
  bootRunner(encodedJitConfig: string): Promise<void>;
  /** Restarts the service: every session is lost. */
  restart(): Promise<void>;
  close(): Promise<void>;
}

/** Opens the selected target. */
export async function openActionsTarget(): Promise<ActionsTarget> {
  const kind = process.env["RUNNER_FLEET_ACTIONS"] ?? "sandbox";
  if (kind !== "sandbox") throw new Error(`RUNNER_FLEET_ACTIONS must be 'sandbox' (the only target so far), not '${kind}'`);
  const longPollMs = 150;
  const sandbox = await startSandbox({ bootDelayMs: 10, github: { onlineDelayMs: 0, actions: { longPollMs } } });
  const control = (method: string, path: string, body: unknown) =>
    fetch(`${sandbox.githubUrl}${path}`, { method, headers: { authorization: `token ${sandbox.githubToken}`, "content-type": "application/json" }, body: JSON.stringify(body) }).then(expectOk);
  return {
    kind,
    apiUrl: sandbox.githubUrl,
    githubToken: sandbox.githubToken,
    configUrl: (path) => `${sandbox.githubUrl}/${path}`,
    longPollMs,
    queueJobs: async (repository, labels, count = 1, durationMs = 60_000) => void (await control("POST", "/_sandbox/jobs", { repository, labels, count, durationMs })),
    bootRunner: (jit) => bootVm(sandbox, jit),
    restart: async () => void (await control("POST", "/_sandbox/actions/restart", {})),
    close: () => sandbox.close(),
  };
}

/** An answer as the suite looks at it: raw bytes (for the BOM) and the JSON they hold. */
export interface Answer {
  status: number;
  headers: Headers;
  bytes: Uint8Array;
  json: Record<string, unknown> | undefined;
}

/** An open message session (§1.5). */
export interface Session {
  id: number;
  sessionId: string;
  queueUrl: string;
  token: string;
}

/** One element of a message's `body` (§1.7). */
export type JobMsg = Record<string, unknown> & { messageType: string; runnerRequestId: number };

/** The wire format of §1.2–§1.9 over raw `fetch`, holding the service URL and admin token. */
export class ScaleSetWire {
  private constructor(
    private readonly target: ActionsTarget,
    readonly service: string,
    readonly admin: string,
  ) {}

  /** Runs the token chain (§1.2 steps 2–3) for a config path (`acme`, `acme/app`, `enterprises/big`). */
  static async open(target: ActionsTarget, configPath: string): Promise<ScaleSetWire> {
    const bare = new ScaleSetWire(target, "", "");
    const scope = configPath.startsWith("enterprises/") ? configPath : configPath.includes("/") ? `repos/${configPath}` : `orgs/${configPath}`;
    const reg = await bare.registrationToken(scope);
    const answer = await bare.runnerRegistration(`RemoteAuth ${String(reg.json?.token)}`, target.configUrl(configPath));
    return new ScaleSetWire(target, String(answer.json?.url), String(answer.json?.token));
  }

  /** §1.2 step 2, with the headers the Go client sends. */
  registrationToken(scopePath: string): Promise<Answer> {
    const headers = { authorization: `Bearer ${this.target.githubToken}`, "content-type": "application/vnd.github.v3+json" };
    return fetch(`${this.target.apiUrl}/${scopePath}/actions/runners/registration-token`, { method: "POST", headers }).then(read);
  }

  /** §1.2 step 3. */
  runnerRegistration(auth: string | undefined, configUrl: string): Promise<Answer> {
    const headers: Record<string, string> = { "content-type": "application/json", ...(auth === undefined ? {} : { authorization: auth }) };
    return fetch(`${this.target.apiUrl}/actions/runner-registration`, { method: "POST", headers, body: JSON.stringify({ url: configUrl, runner_event: "register" }) }).then(read);
  }

  /** A service call (§1.2.5): the admin token (null: none) and api-version unless told otherwise. */
  call(method: string, path: string, opts: { body?: unknown; token?: string | null; apiVersion?: boolean } = {}): Promise<Answer> {
    const url = new URL(path, this.service);
    if (opts.apiVersion !== false) url.searchParams.set("api-version", "6.0-preview");
    const token = opts.token === undefined ? this.admin : opts.token;
    const headers: Record<string, string> = { "content-type": "application/json", ...(token === null ? {} : { authorization: `Bearer ${token}` }) };
    return fetch(url, { method, headers, ...(opts.body === undefined ? {} : { body: JSON.stringify(opts.body) }) }).then(read);
  }

  /** The session a create (or refresh) answered. */
  sessionOf(scaleSetId: number, json: Record<string, unknown> | undefined): Session {
    const s = (json ?? {}) as Record<string, string>;
    return { id: scaleSetId, sessionId: s.sessionId ?? "", queueUrl: s.messageQueueUrl ?? "", token: s.messageQueueAccessToken ?? "" };
  }

  /** One poll as §1.6 has it: lastMessageId only when > 0, api-version in Accept, the queue token. */
  poll(s: Session, opts: { lastMessageId?: number; capacity?: number; token?: string } = {}): Promise<Answer> {
    const url = new URL(s.queueUrl);
    if ((opts.lastMessageId ?? 0) > 0) url.searchParams.set("lastMessageId", String(opts.lastMessageId));
    const headers = { accept: "application/json; api-version=6.0-preview", authorization: `Bearer ${opts.token ?? s.token}`, "x-scalesetmaxcapacity": String(opts.capacity ?? 10) };
    return fetch(url, { headers }).then(read);
  }

  /** `DELETE {messageQueueUrl}/{messageId}` with the queue token and nothing else (§1.6). */
  ack(s: Session, messageId: unknown): Promise<Answer> {
    return fetch(`${s.queueUrl}/${String(messageId)}`, { method: "DELETE", headers: { authorization: `Bearer ${s.token}`, "content-type": "application/json" } }).then(read);
  }

  /** Polls and acknowledges until `done` holds for the job messages seen so far. */
  async collect(s: Session, done: (jobs: JobMsg[]) => boolean): Promise<JobMsg[]> {
    const seen: JobMsg[] = [];
    for (let i = 0; i < 200 && !done(seen); i += 1) {
      const res = await this.poll(s);
      if (res.status !== 200) continue;
      seen.push(...(JSON.parse(String(res.json?.body)) as JobMsg[]));
      if ((await this.ack(s, res.json?.messageId)).status !== 204) throw new Error(`acknowledging message ${String(res.json?.messageId)} failed`);
    }
    if (!done(seen)) throw new Error(`never saw the expected messages: ${JSON.stringify(seen.map((j) => j.messageType))}`);
    return seen;
  }
}


// --- internal ---


/** Reads an answer; §1.2.6: a body may begin with a UTF-8 BOM, which TextDecoder strips. */
async function read(res: Response): Promise<Answer> {
  const bytes = new Uint8Array(await res.arrayBuffer());
  const text = new TextDecoder("utf-8", { ignoreBOM: false }).decode(bytes);
  return { status: res.status, headers: res.headers, bytes, json: text === "" ? undefined : (JSON.parse(text) as Record<string, unknown>) };
}

async function expectOk(res: Response): Promise<Response> {
  if (!res.ok) throw new Error(`control call answered ${res.status}: ${await res.text()}`);
  return res;
}

/** Boots a VM on the sandbox's Nova whose user data runs the runner: the path a fleet's VMs take. */
async function bootVm(sandbox: Sandbox, jit: string): Promise<void> {
  const auth = {
    identity: { methods: ["password"], password: { user: { name: sandbox.credentials.username, domain: { name: sandbox.credentials.userDomainName }, password: sandbox.credentials.password } } },
    scope: { project: { name: sandbox.credentials.projectName, domain: { name: sandbox.credentials.projectDomainName } } },
  };
  const tokens = await fetch(`${sandbox.openstackAuthUrl}/auth/tokens`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ auth }) }).then(expectOk);
  const token = tokens.headers.get("x-subject-token") ?? "";
  const script = `#!/bin/sh\ncd /opt/runner && ./run.sh --jitconfig ${jit}\npoweroff\n`;
  const server = { name: `contract-${Date.now()}`, flavorRef: "1", imageRef: IMAGES[0]?.id, networks: [{ uuid: NETWORK.id }], user_data: Buffer.from(script).toString("base64") };
  await fetch(`${sandbox.openstackUrl}/compute/v2.1/servers`, { method: "POST", headers: { "content-type": "application/json", "x-auth-token": token }, body: JSON.stringify({ server }) }).then(expectOk);
}
