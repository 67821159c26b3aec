import { randomBytes } from "node:crypto";
import type { Route, SandboxRequest, SandboxResponse } from "./http.js";
import { keystoneError, unauthorized } from "./openstack-errors.js";
import { IDENTITY, stableId } from "./openstack-seed.js";
import type { CloudWorld, TokenRecord } from "./openstack-world.js";

/** What the Keystone routes need to know about the deployment. */
export interface KeystoneOptions {
  world: CloudWorld;
  /** The OpenStack server's base URL (known only once it listens). */
  baseUrl: () => string;
  tokenLifetimeSeconds: () => number;
}

const SERVICES = [
  { type: "identity", name: "keystone", path: "/identity" },
  { type: "compute", name: "nova", path: "/compute/v2.1" },
  { type: "image", name: "glance", path: "/image" },
  { type: "network", name: "neutron", path: "/network" },
] as const;

/** The Keystone v3 catalog pointing at the sandbox's path prefixes. */
export function catalog(baseUrl: string): unknown[] {
  return SERVICES.map((s) => ({
    type: s.type,
    name: s.name,
    id: stableId(`service-${s.type}`).replaceAll("-", ""),
    endpoints: (["public", "internal", "admin"] as const).map((iface) => ({
      id: stableId(`endpoint-${s.type}-${iface}`).replaceAll("-", ""),
      interface: iface,
      region_id: "RegionOne",
      region: "RegionOne",
      url: `${baseUrl}${s.path}`,
    })),
  }));
}

/** True for a token of the seeded admin user (Nova's `rule:admin_api`). */
export function isAdmin(token: TokenRecord): boolean {
  return token.userId === IDENTITY.admin.id;
}

/** The valid, unexpired, project-scoped token a request carries, if any. */
export function authenticate(world: CloudWorld, req: SandboxRequest): TokenRecord | undefined {
  const id = req.headers["x-auth-token"];
  const token = typeof id === "string" ? world.tokens.get(id) : undefined;
  if (token === undefined || token.expiresAt <= world.now() || token.projectId === null) return undefined;
  return token;
}

/** Keystone's version documents and token API. */
export function keystoneRoutes(options: KeystoneOptions): Route[] {
  const { world, baseUrl } = options;
  const versionDoc = (): Record<string, unknown> => ({
    id: "v3.14",
    status: "stable",
    updated: "2020-04-07T00:00:00Z",
    links: [{ rel: "self", href: `${baseUrl()}/identity/v3/` }],
    "media-types": [{ base: "application/json", type: "application/vnd.openstack.identity-v3+json" }],
  });
  const versions = (): SandboxResponse => ({ status: 300, body: { versions: { values: [versionDoc()] } } });
  const version = (): SandboxResponse => ({ status: 200, body: { version: versionDoc() } });
  const issue = (req: SandboxRequest): SandboxResponse => {
    const outcome = checkAuth(req.body);
    if ("error" in outcome) return outcome.error;
    const t = world.now();
    const token: TokenRecord = {
      id: `gAAAAAB${randomBytes(90).toString("base64url")}`,
      userId: outcome.userId,
      projectId: outcome.scoped ? IDENTITY.project.id : null,
      methods: [outcome.method],
      issuedAt: t,
      expiresAt: t + options.tokenLifetimeSeconds() * 1000,
    };
    world.tokens.set(token.id, token);
    return { status: 201, headers: { "x-subject-token": token.id }, body: tokenBody(token, !req.query.has("nocatalog")) };
  };
  const subject = (req: SandboxRequest): TokenRecord | SandboxResponse => {
    if (authenticate(world, req) === undefined) return unauthorized();
    const id = req.headers["x-subject-token"];
    const token = typeof id === "string" ? world.tokens.get(id) : undefined;
    if (token === undefined || token.expiresAt <= world.now()) return keystoneError(404, `Could not find token: ${String(id)}.`);
    return token;
  };
  const tokenBody = (token: TokenRecord, withCatalog: boolean): unknown => ({
    token: {
      methods: token.methods,
      user: { id: userOf(token).id, name: userOf(token).name, domain: IDENTITY.domain, password_expires_at: null },
      audit_ids: [randomBytes(16).toString("base64url").slice(0, 22)],
      expires_at: keystoneTime(token.expiresAt),
      issued_at: keystoneTime(token.issuedAt),
      ...(token.projectId === null
        ? {}
        : {
            project: { id: IDENTITY.project.id, name: IDENTITY.project.name, domain: IDENTITY.domain },
            is_domain: false,
            roles: isAdmin(token) ? IDENTITY.adminRoles : IDENTITY.roles,
            ...(withCatalog ? { catalog: catalog(baseUrl()) } : {}),
          }),
      ...(token.methods.includes("application_credential")
        ? { application_credential: { id: IDENTITY.appCredential.id, name: IDENTITY.appCredential.name, restricted: true } }
        : {}),
    },
  });
  return [
    { method: "GET", pattern: "/identity", handle: versions },
    { method: "GET", pattern: "/identity/", handle: versions },
    { method: "GET", pattern: "/identity/v3", handle: version },
    { method: "GET", pattern: "/identity/v3/", handle: version },
    { method: "POST", pattern: "/identity/v3/auth/tokens", handle: issue },
    {
      method: "GET",
      pattern: "/identity/v3/auth/tokens",
      handle: (req) => {
        const found = subject(req);
        return "status" in found ? found : { status: 200, headers: { "x-subject-token": found.id }, body: tokenBody(found, !req.query.has("nocatalog")) };
      },
    },
    {
      method: "DELETE",
      pattern: "/identity/v3/auth/tokens",
      handle: (req) => {
        const found = subject(req);
        if ("status" in found) return found;
        world.tokens.delete(found.id);
        return { status: 204 };
      },
    },
  ];
}

// --- internal ---

type AuthOutcome = { method: string; scoped: boolean; userId: string } | { error: SandboxResponse };

function userOf(token: TokenRecord): { id: string; name: string } {
  return isAdmin(token) ? IDENTITY.admin : IDENTITY.user;
}

const DENIED = { error: unauthorized() };

function checkAuth(body: unknown): AuthOutcome {
  const auth = field(body, "auth");
  const identity = field(auth, "identity");
  const methods = field(identity, "methods");
  if (!Array.isArray(methods) || methods.length === 0) {
    return { error: keystoneError(400, "Invalid input for field 'identity': 'methods' is a required property") };
  }
  const scope = field(auth, "scope");
  if (methods.includes("application_credential")) {
    // keystone/auth/core.py _validate_and_normalize_scope_data
    if (scope !== undefined) return { error: keystoneError(400, "Application credentials cannot request a scope.") };
    const cred = field(identity, "application_credential");
    const byId = field(cred, "id") === IDENTITY.appCredential.id;
    const byName = field(cred, "name") === IDENTITY.appCredential.name && isOurs(field(cred, "user"), IDENTITY.user);
    if ((!byId && !byName) || field(cred, "secret") !== IDENTITY.appCredential.secret) return DENIED;
    return { method: "application_credential", scoped: true, userId: IDENTITY.user.id };
  }
  if (!methods.includes("password")) return DENIED;
  const user = field(field(identity, "password"), "user");
  const known = [IDENTITY.user, IDENTITY.admin].find((u) => isOurs(user, u) && field(user, "password") === u.password);
  if (known === undefined) return DENIED;
  if (scope === undefined) return { method: "password", scoped: false, userId: known.id };
  if (!isOurs(field(scope, "project"), IDENTITY.project)) return DENIED;
  return { method: "password", scoped: true, userId: known.id };
}

/** True when `ref` names `target` by id, or by name within the Default domain (by id or name). */
function isOurs(ref: unknown, target: { id: string; name: string }): boolean {
  if (field(ref, "id") !== undefined) return field(ref, "id") === target.id;
  const domain = field(ref, "domain");
  const domainOk = field(domain, "id") === IDENTITY.domain.id || field(domain, "name") === IDENTITY.domain.name;
  return field(ref, "name") === target.name && domainOk;
}

function field(value: unknown, key: string): unknown {
  return typeof value === "object" && value !== null ? (value as Record<string, unknown>)[key] : undefined;
}

/** Keystone prints times with microseconds and a Z. */
function keystoneTime(ms: number): string {
  return new Date(ms).toISOString().replace(/\.(\d{3})Z$/, ".$1000Z");
}
