/**
 * The token chain into the Actions service (reference §1.2): registration tokens remembered with
 * their scope, `POST /actions/runner-registration` trading one (RemoteAuth) for the service URL and
 * an admin JWT with a real `exp`, and the check every admin call makes on that JWT.
 */
import { createHmac, timingSafeEqual } from "node:crypto";
import { randomRunnerToken } from "./github-auth.js";
import { DOCS, githubError, iso, validationError } from "./github-http.js";
import type { GitHubWorldState } from "./github-state.js";
import { actionsBaseUrl, header, objectBody } from "./actions-http.js";
import { createActionsState, type ActionsState } from "./actions-types.js";
import type { SandboxRequest, SandboxResponse } from "./http.js";

const HOUR_MS = 3_600_000;

/** The Actions state inside the world's state, created on first use (older snapshots have none). */
export function actionsStateOf(state: GitHubWorldState): ActionsState {
  state.actions ??= createActionsState();
  return state.actions;
}

/** Issues a registration token for `scope` (§1.2.2: 201 `{token, expires_at}`), remembering the scope. */
export function issueRegistrationToken(state: GitHubWorldState, scope: string, now: number): SandboxResponse {
  const token = randomRunnerToken();
  const expiresAt = now + HOUR_MS;
  actionsStateOf(state).registrationTokens[token] = { scope, expiresAt };
  return { status: 201, body: { token, expires_at: iso(expiresAt) } };
}

/** What the registration answer needs beyond the request. */
export interface RegistrationContext {
  state: GitHubWorldState;
  now: number;
  adminTokenLifetimeSeconds: number;
  /** True when this registration must be refused once more (the "fresh token not valid yet" fault). */
  failThisOne: boolean;
}

/** `POST /actions/runner-registration` (§1.2.3). */
export function runnerRegistration(req: SandboxRequest, ctx: RegistrationContext): SandboxResponse {
  const token = /^\s*RemoteAuth\s+(\S+)\s*$/i.exec(header(req, "authorization") ?? "")?.[1];
  if (token === undefined) return githubError(401, "Requires authentication", DOCS.runners);
  const actions = actionsStateOf(ctx.state);
  const record = actions.registrationTokens[token];
  // Clients retry 401 here because a fresh registration token can take a moment to become valid.
  if (record === undefined || record.expiresAt <= ctx.now || ctx.failThisOne) return githubError(401, "Bad credentials", DOCS.runners);
  const body = objectBody(req);
  const scope = typeof body?.url === "string" ? scopeOfConfigUrl(body.url) : undefined;
  if (body?.runner_event !== "register" || scope === undefined) {
    return validationError('Invalid request: expected {"url": "<config URL: https://HOST/ORG[/REPO] or https://HOST/enterprises/ENT>", "runner_event": "register"}', DOCS.runners);
  }
  if (scope !== record.scope) return githubError(403, `The registration token is for ${record.scope}, not ${scope}`, DOCS.runners);
  const jwt = mintAdminToken(actions, scope, ctx.now, ctx.adminTokenLifetimeSeconds);
  // The scaleset test server answers 201; clients accept any 2xx.
  return { status: 201, body: { url: actionsBaseUrl(req), token: jwt, token_schema: "OAuthAccessToken" } };
}

/** The scope an admin JWT grants, or undefined when it is forged, expired or revoked. */
export function verifyAdminToken(actions: ActionsState, jwt: string, now: number): string | undefined {
  const [head = "", payload = "", signature = "", ...rest] = jwt.split(".");
  if (rest.length > 0 || payload === "") return undefined;
  const expected = sign(actions.jwtSecret, `${head}.${payload}`);
  const given = Buffer.from(signature);
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return undefined;
  let claims: Record<string, unknown>;
  try {
    claims = JSON.parse(Buffer.from(payload, "base64url").toString("utf8")) as Record<string, unknown>;
  } catch {
    return undefined;
  }
  const { exp, jti, scope } = claims;
  if (typeof exp !== "number" || typeof jti !== "number" || typeof scope !== "string") return undefined;
  if (exp * 1000 <= now || jti <= actions.adminRevokedThrough) return undefined;
  return scope;
}

/** Refuses every admin token issued so far (clients must run the token chain again). */
export function revokeAdminTokens(actions: ActionsState): void {
  actions.adminRevokedThrough = actions.counters.jti - 1;
}

/** A config URL's scope (§1.1: ORG, ORG/REPO or enterprises/ENT; any other depth is rejected). */
export function scopeOfConfigUrl(configUrl: string): string | undefined {
  let path: string;
  try {
    path = new URL(configUrl).pathname;
  } catch {
    return undefined;
  }
  const parts = path.split("/").filter((p) => p !== "").map((p) => decodeURIComponent(p).toLowerCase());
  if (parts.length === 2 && parts[0] === "enterprises") return `enterprises/${parts[1] ?? ""}`;
  if (parts.length === 2) return `repos/${parts[0] ?? ""}/${parts[1] ?? ""}`;
  if (parts.length === 1) return `orgs/${parts[0] ?? ""}`;
  return undefined;
}

// --- internal ---

function mintAdminToken(actions: ActionsState, scope: string, now: number, lifetimeSeconds: number): string {
  const iat = Math.floor(now / 1000);
  const claims = { iss: "https://sandbox.actions.invalid", aud: "vso:actions", scope, jti: actions.counters.jti++, iat, nbf: iat, exp: iat + lifetimeSeconds };
  const head = b64({ typ: "JWT", alg: "HS256" });
  const payload = b64(claims);
  return `${head}.${payload}.${sign(actions.jwtSecret, `${head}.${payload}`).toString()}`;
}

function b64(value: unknown): string {
  return Buffer.from(JSON.stringify(value), "utf8").toString("base64url");
}

function sign(secret: string, data: string): Buffer {
  return Buffer.from(createHmac("sha256", secret).update(data).digest("base64url"));
}
