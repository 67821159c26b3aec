/**
 * A Keystone v3 session: one token shared by every service call, renewed shortly before it
 * expires and once after a 401, with concurrent callers sharing one in-flight authentication.
 */
import { z } from "zod";
import { CloudAuthError, CloudError, ConfigError } from "../manager/errors.js";
import { parseBody } from "./_parse.js";
import { request, type HttpOptions, type HttpRequest, type HttpResponse } from "./http.js";
import type { CloudAuth, CloudConfig, EndpointInterface, ServiceType } from "./types.js";

const endpointSchema = z.object({
  interface: z.string(),
  region_id: z.string().nullish(),
  region: z.string().nullish(),
  url: z.string(),
});
const tokenSchema = z.object({
  token: z.object({
    expires_at: z.string().optional(),
    issued_at: z.string().optional(),
    catalog: z.array(z.object({ type: z.string(), endpoints: z.array(endpointSchema) })).default([]),
  }),
});

/** A catalog entry: one service type and its endpoints. */
export type CatalogService = z.output<typeof tokenSchema>["token"]["catalog"][number];

/** An issued token, the local time to renew it at, and the catalog it came with. */
export interface Token {
  value: string;
  renewAt: number;
  catalog: CatalogService[];
}

/** Keystone's default token lifetime, assumed when a response omits `expires_at`. */
const DEFAULT_LIFETIME_MS = 3_600_000;

/** `auth_url` with `/v3` appended when it names no version (reference A.1: the simple rule). */
export function identityUrl(authUrl: string): string {
  const url = new URL(authUrl);
  const path = url.pathname.replace(/\/+$/, "");
  url.pathname = /\/v\d+(\.\d+)?$/.test(path) ? path.replace(/\/v\d+(\.\d+)?$/, "/v3") : `${path}/v3`;
  return url.toString().replace(/\/+$/, "");
}

/** The `POST /v3/auth/tokens` body; application credentials carry no scope (Keystone rejects one). */
export function authRequestBody(auth: CloudAuth): unknown {
  const ref = (id?: string, name?: string): Record<string, string> => (id ? { id } : { name: name ?? "" });
  const user = (): Record<string, unknown> =>
    auth.userId ? { id: auth.userId } : { name: auth.username ?? "", domain: ref(auth.userDomainId, auth.userDomainName) };
  if (auth.type === "application_credential") {
    const credential = auth.id ? { id: auth.id, secret: auth.secret } : { name: auth.name, secret: auth.secret, user: user() };
    return { auth: { identity: { methods: ["application_credential"], application_credential: credential } } };
  }
  const project = auth.projectId
    ? { id: auth.projectId }
    : { name: auth.projectName ?? "", domain: ref(auth.projectDomainId, auth.projectDomainName) };
  return {
    auth: {
      identity: { methods: ["password"], password: { user: { ...user(), password: auth.password } } },
      scope: { project },
    },
  };
}

/** How long before expiry to renew: a minute, or a tenth of a short lifetime. */
export function renewMargin(lifetimeMs: number): number {
  return Math.min(60_000, lifetimeMs / 10);
}

/** The URL of `type` for `iface` in `region` (any region when unset); a `ConfigError` says what the catalog has. */
export function selectEndpoint(
  catalog: CatalogService[],
  type: string,
  iface: EndpointInterface,
  region: string | undefined,
  cloudName: string,
): string {
  const match = catalog
    .filter((service) => service.type === type)
    .flatMap((service) => service.endpoints)
    .find((e) => e.interface.replace(/URL$/, "") === iface && (!region || e.region_id === region || e.region === region));
  if (match) return match.url;
  const has = catalog.map((s) => `${s.type} [${s.endpoints.map((e) => `${e.interface}/${e.region_id ?? e.region ?? "-"}`).join(", ")}]`);
  const where = `interface '${iface}'${region ? ` in region '${region}'` : ""}`;
  throw new ConfigError(
    [{ path: "region_name", message: `no '${type}' endpoint for ${where} in the service catalog of cloud '${cloudName}'; the catalog has: ${has.join("; ") || "nothing"}` }],
  );
}

/** Options of a session. */
export interface KeystoneSessionOptions {
  cloud: CloudConfig;
  http?: HttpOptions;
  /** Clock, injectable for tests. */
  now?: () => number;
}

/** Authenticates lazily and signs service calls with a shared, renewed token. */
export class KeystoneSession {
  readonly cloud: CloudConfig;
  private readonly http: HttpOptions;
  private readonly now: () => number;
  private current: Token | undefined;
  private pending: Promise<Token> | undefined;

  constructor(options: KeystoneSessionOptions) {
    this.cloud = options.cloud;
    this.http = options.http ?? {};
    this.now = options.now ?? Date.now;
  }

  /** A valid token: the cached one, the one being issued, or a new one. */
  async token(): Promise<Token> {
    if (this.current && this.now() < this.current.renewAt) return this.current;
    this.pending ??= this.authenticate().finally(() => {
      this.pending = undefined;
    });
    return this.pending;
  }

  /** The catalog URL of a service for the cloud's interface and region. */
  async endpoint(type: ServiceType): Promise<string> {
    const token = await this.token();
    return selectEndpoint(token.catalog, type, this.cloud.interface, this.cloud.regionName, this.cloud.name);
  }

  /** Sends `req` with the token; on a 401, re-authenticates once and resends. */
  async send(req: HttpRequest): Promise<HttpResponse> {
    const token = await this.token();
    try {
      return await request(signed(req, token), this.http);
    } catch (error) {
      if (!(error instanceof CloudAuthError) || error.status !== 401) throw error;
      // Only drop the token that failed: a concurrent caller may already hold a fresh one.
      if (this.current === token) this.current = undefined;
      return request(signed(req, await this.token()), this.http);
    }
  }

  private async authenticate(): Promise<Token> {
    const { cloud } = this;
    const secret = cloud.auth.type === "password" ? cloud.auth.password : cloud.auth.secret;
    const sentAt = this.now();
    let response: HttpResponse;
    try {
      response = await request(
        {
          service: "Keystone",
          method: "POST",
          baseUrl: identityUrl(cloud.authUrl),
          path: "/auth/tokens",
          body: authRequestBody(cloud.auth),
          idempotent: true, // issuing a token changes nothing visible, so a 5xx may be retried
          redact: [secret],
        },
        this.http,
      );
    } catch (error) {
      if (error instanceof CloudAuthError) {
        throw new CloudAuthError(`cloud '${cloud.name}': ${error.message}`, error.status, { cause: error, requestId: error.requestId });
      }
      throw error;
    }
    const value = response.headers.get("x-subject-token");
    if (!value) throw new CloudError(`Keystone POST /auth/tokens returned no X-Subject-Token header (cloud '${cloud.name}')`, response.status);
    const { token } = parseBody(tokenSchema, response.body, "Keystone POST /auth/tokens");
    // Lifetime from the server's own clock (expires − issued), so local clock skew does not matter.
    const expires = token.expires_at ? Date.parse(token.expires_at) : NaN;
    const issued = token.issued_at ? Date.parse(token.issued_at) : NaN;
    const lifetime = Number.isFinite(expires) ? expires - (Number.isFinite(issued) ? issued : sentAt) : DEFAULT_LIFETIME_MS;
    this.current = { value, renewAt: sentAt + lifetime - renewMargin(lifetime), catalog: token.catalog };
    return this.current;
  }
}

// --- internal ---

function signed(req: HttpRequest, token: Token): HttpRequest {
  return { ...req, headers: { ...req.headers, "x-auth-token": token.value } };
}
