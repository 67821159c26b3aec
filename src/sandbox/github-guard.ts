/**
 * What GitHub does before any handler runs: authentication (token, Bearer token or app JWT),
 * the primary rate limit with its `x-ratelimit-*` headers on every answer, and permissions.
 */
import type { KeyObject } from "node:crypto";
import { checkAppJwt, parseAuthorization } from "./github-auth.js";
import { DOCS, githubError } from "./github-http.js";
import { ANONYMOUS_LIMIT, chargePrimary, primaryExceeded } from "./github-ratelimit.js";
import type { TokenRecord } from "./github-state.js";
import type { GitHubWorld } from "./github-world.js";
import type { Route, SandboxRequest, SandboxResponse } from "./http.js";

/** What a route requires: nothing, any valid token, an admin token, or a GitHub App JWT. */
export type Access = "none" | "read" | "admin" | "app-jwt";

/** What the GitHub routes share. */
export interface SideContext {
  world: GitHubWorld;
  primaryLimit: number;
  jitPerMinute: number;
  /** The app's public key (derived from the private key, refreshed on restore). */
  appPublicKey(): KeyObject;
}

/** A route whose handler runs only after GitHub's checks pass. */
export function guarded(
  ctx: SideContext,
  access: Access,
  method: string,
  pattern: string,
  handle: (req: SandboxRequest) => SandboxResponse,
): Route {
  return {
    method,
    pattern,
    handle(req) {
      const checked = check(ctx, access, req);
      if ("status" in checked) return checked;
      const answer = req.invalidJson ? githubError(400, "Problems parsing JSON", DOCS.rest) : handle(req);
      return { ...answer, headers: { ...checked.headers, ...answer.headers } };
    },
  };
}

// --- internal ---

function check(ctx: SideContext, access: Access, req: SandboxRequest): SandboxResponse | { headers: Record<string, string> } {
  const { world } = ctx;
  const now = world.now();
  const header = req.headers.authorization;
  const auth = parseAuthorization(Array.isArray(header) ? header[0] : header);
  const anonymous = (): Record<string, string> => chargePrimary(world.state, "anonymous", ANONYMOUS_LIMIT, now).headers;

  let key = "anonymous";
  let record: TokenRecord | undefined;
  if (access === "app-jwt") {
    if (auth?.scheme !== "bearer") return githubError(401, "A JSON web token could not be decoded", DOCS.apps, anonymous());
    const reason = checkAppJwt(auth.credential, world.state.app, ctx.appPublicKey(), now);
    if (reason !== undefined) return githubError(401, reason, DOCS.apps, anonymous());
    key = `app:${world.state.app.appId}`;
  } else if (auth !== undefined) {
    record = world.state.tokens[auth.credential];
    const expired = record?.expiresAt !== undefined && record.expiresAt <= now;
    if (record === undefined || expired) return githubError(401, "Bad credentials", DOCS.rest, anonymous());
    key = auth.credential;
  } else if (access !== "none") {
    return githubError(401, "Requires authentication", DOCS.rest, anonymous());
  }

  const limit = key === "anonymous" ? ANONYMOUS_LIMIT : ctx.primaryLimit;
  const charge = chargePrimary(world.state, key, limit, now);
  if (charge.exceeded) return primaryExceeded(charge.headers, key === "anonymous" ? "127.0.0.1" : "user ID 1");
  // Runner endpoints need admin (org: admin:org / organization_self_hosted_runners: write).
  if (access === "admin" && record?.permissions !== "admin") {
    return githubError(403, "Resource not accessible by integration", DOCS.runners, charge.headers);
  }
  return { headers: charge.headers };
}
