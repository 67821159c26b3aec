/**
 * The token chain of the Actions service (reference §1.2): the fleet's credential (a PAT, or an
 * App installation token minted by the Octokit's App auth) → a registration token → `POST
 * {api}/actions/runner-registration` with `RemoteAuth` → the service URL and an admin JWT. The
 * chain runs again when fewer than 60 s of the JWT remain (§1.2.4). Tokens never reach a log or error.
 */
import type { GitHubPath } from "../manager/types.js";
import { silentLogger, type Logger } from "../manager/ports.js";
import type { GitHubClient } from "./client.js";
import { translateGitHubError } from "./errors.js";
import { actionsErrorFrom, unexpectedResponse } from "./actions-errors.js";
import { actionsUserAgent, configUrlOf, DEFAULT_API_URL } from "./actions-config.js";
import { ActionsTransport, type TransportOptions } from "./actions-transport.js";
import { parseRegistration } from "./actions-schemas.js";

/** Where to send Actions service calls, and the admin token to send. */
export interface ActionsCredentials {
  serviceUrl: string;
  token: string;
  /** When the admin token expires (its `exp` claim), in epoch milliseconds. */
  expiresAt: number;
}

/** Options of `ActionsAuth`. */
export interface ActionsAuthOptions extends TransportOptions {
  /** The fleet's Octokit (PAT or App installation): it asks for the registration token. */
  octokit: GitHubClient;
  path: GitHubPath;
  /** The REST root the Octokit uses (default https://api.github.com). */
  apiUrl?: string;
  /** The config URL to register (default derived from `path` and `apiUrl`, §1.1). */
  configUrl?: string;
  /** Per call (default 30 s). */
  timeoutMs?: number;
  /** Retries of a 401/403 from the runner registration (default 5, as old ARC). */
  registrationRetries?: number;
  now?: () => number;
  logger?: Logger;
}

/** Re-register when fewer than this many milliseconds of the admin token remain (§1.2.4). */
export const ADMIN_TOKEN_MARGIN_MS = 60_000;

/** Holds the admin token and renews it through the whole chain when it is about to expire. */
export class ActionsAuth {
  readonly #o: ActionsAuthOptions;
  readonly #transport: ActionsTransport;
  readonly #apiUrl: string;
  readonly #configUrl: string;
  readonly #now: () => number;
  #current: ActionsCredentials | undefined;
  #pending: Promise<ActionsCredentials> | undefined;

  constructor(options: ActionsAuthOptions) {
    this.#o = options;
    this.#apiUrl = (options.apiUrl ?? DEFAULT_API_URL).replace(/\/+$/, "");
    this.#configUrl = options.configUrl ?? configUrlOf(options.path, this.#apiUrl);
    this.#now = options.now ?? Date.now;
    // Old ARC: 500 ms·2^n plus jitter, capped at 20 s (§1.2.3).
    this.#transport = new ActionsTransport({ ...options, retry: { minDelayMs: 500, maxDelayMs: 20_000, jitter: true, ...options.retry } });
  }

  /** The config URL the runner registration names. */
  get configUrl(): string {
    return this.#configUrl;
  }

  /** Valid credentials: the held ones, or fresh ones when none are held or < 60 s remain. */
  async credentials(): Promise<ActionsCredentials> {
    const current = this.#current;
    if (current && current.expiresAt - this.#now() >= ADMIN_TOKEN_MARGIN_MS) return current;
    // One chain at a time: concurrent callers share it.
    this.#pending ??= this.#register().finally(() => (this.#pending = undefined));
    return this.#pending;
  }

  /** Forgets the admin token (the service refused it), so the next call runs the chain. */
  invalidate(): void {
    this.#current = undefined;
  }

  async #register(): Promise<ActionsCredentials> {
    const registrationToken = await this.#registrationToken();
    const retries = this.#o.registrationRetries ?? 5;
    const action = "registering with the Actions service";
    // A fresh registration token can take a moment to become valid: 401/403 are retried (§1.2.3).
    const response = await this.#transport.send(
      `${this.#apiUrl}/actions/runner-registration`,
      () => ({
        method: "POST",
        headers: { authorization: `RemoteAuth ${registrationToken}`, "content-type": "application/json", "user-agent": actionsUserAgent() },
        body: JSON.stringify({ url: this.#configUrl, runner_event: "register" }),
      }),
      { timeoutMs: this.#o.timeoutMs ?? 30_000, action, alsoRetry: (s) => s === 401 || s === 403, retry: { maxRetries: retries } },
    );
    if (response.status < 200 || response.status > 299) throw actionsErrorFrom(response.status, response.text, response.headers, action);
    const { url, token } = parseRegistration(response.text);
    const credentials = { serviceUrl: url.replace(/\/+$/, ""), token, expiresAt: expiryOf(token) };
    this.#current = credentials;
    (this.#o.logger ?? silentLogger).debug("registered with the Actions service", { configUrl: this.#configUrl, expiresAt: new Date(credentials.expiresAt).toISOString() });
    return credentials;
  }

  async #registrationToken(): Promise<string> {
    const { route, params } = scopeOf(this.#o.path);
    try {
      const response = await this.#o.octokit.request(`POST ${route}/actions/runners/registration-token`, {
        ...params,
        headers: { "content-type": "application/vnd.github.v3+json" },
      });
      const token = (response.data as { token?: unknown }).token;
      if (typeof token !== "string" || token === "") throw unexpectedResponse("registration token", "no token");
      return token;
    } catch (error) {
      throw translateGitHubError(error, { action: "getting a runner registration token", path: this.#o.path });
    }
  }
}

/** The `exp` claim of a JWT in epoch ms, read without verifying the signature (§1.2.4). */
export function expiryOf(jwt: string): number {
  const payload = jwt.split(".")[1];
  let exp: unknown;
  try {
    exp = (JSON.parse(Buffer.from(payload ?? "", "base64url").toString("utf8")) as { exp?: unknown }).exp;
  } catch {
    exp = undefined;
  }
  if (typeof exp !== "number" || !Number.isFinite(exp)) throw unexpectedResponse("admin token", "not a JWT with an exp claim");
  return exp * 1000;
}

// --- internal ---

function scopeOf(path: GitHubPath): { route: string; params: Record<string, string> } {
  switch (path.kind) {
    case "repo":
      return { route: "/repos/{owner}/{repo}", params: { owner: path.owner, repo: path.repo } };
    case "org":
      return { route: "/orgs/{org}", params: { org: path.org } };
    case "enterprise":
      return { route: "/enterprises/{enterprise}", params: { enterprise: path.enterprise } };
  }
}
