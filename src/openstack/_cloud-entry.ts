/**
 * Turns one raw cloud entry (a clouds.yaml mapping, or the `OS_*` environment folded into one)
 * into a validated `CloudConfig`, collecting every problem. Messages name fields, never values,
 * so a password can never leak through them.
 */
import type { Problem } from "../manager/errors.js";
import { isRawMap, type RawMap } from "./_raw.js";
import type { CloudAuth, CloudConfig, EndpointInterface } from "./types.js";

/** Keys openstacksdk moves from the cloud's top level into `auth` (loader `_fix_backwards_auth_plugin`). */
const AUTH_KEYS = [
  "auth_url", "username", "user_id", "password", "project_name", "project_id", "tenant_name", "tenant_id",
  "user_domain_name", "user_domain_id", "project_domain_name", "project_domain_id", "domain_name", "domain_id",
  "default_domain", "application_credential_id", "application_credential_name", "application_credential_secret",
];

const INTERFACES: readonly EndpointInterface[] = ["public", "internal", "admin"];

/** How a field is spelled to the user: `auth.password` in a file, `OS_PASSWORD` in the environment. */
export type FieldNamer = (key: string, inAuth: boolean) => string;

/** Field names for a clouds.yaml entry. */
export const fileFieldNamer: FieldNamer = (key, inAuth) => (inAuth ? `auth.${key}` : key);

/** Field names for the `envvars` cloud. */
export const envFieldNamer: FieldNamer = (key) => `OS_${key.toUpperCase()}`;

/** Builds the cloud `name` from `raw`; `problems` is empty exactly when `config` is set. */
export function buildCloudConfig(
  name: string,
  raw: RawMap,
  field: FieldNamer,
  regionOverride?: string,
): { config?: CloudConfig; problems: Problem[] } {
  const problems: Problem[] = [];
  const problem = (key: string, inAuth: boolean, what: string, why?: string): void => {
    const path = `clouds.${name}.${fileFieldNamer(key, inAuth)}`;
    if (problems.some((p) => p.path === path)) return; // one problem per field is enough to act on
    problems.push({ path, message: `${field(key, inAuth)} ${what} for cloud '${name}'${why ? ` (${why})` : ""}` });
  };
  if (raw.auth !== undefined && !isRawMap(raw.auth)) problem("auth", false, "must be a mapping");
  const auth: RawMap = { ...(isRawMap(raw.auth) ? raw.auth : {}) };
  for (const key of AUTH_KEYS) if (auth[key] === undefined && raw[key] !== undefined) auth[key] = raw[key];

  const text = (source: RawMap, key: string, inAuth: boolean): string | undefined => {
    const value = source[key];
    if (value === undefined || value === null || value === "") return undefined;
    if (typeof value === "string" || typeof value === "number") return String(value);
    problem(key, inAuth, "must be a string");
    return undefined;
  };
  const a = (key: string): string | undefined => text(auth, key, true);

  const authUrl = a("auth_url");
  if (!authUrl) problem("auth_url", true, "is missing");
  else if (!URL.canParse(authUrl)) problem("auth_url", true, "is not an absolute URL", "e.g. https://keystone.example:5000/v3");

  const identityVersion = text(raw, "identity_api_version", false);
  if (identityVersion !== undefined && !identityVersion.startsWith("3")) {
    problem("identity_api_version", false, `is ${identityVersion}`, "only Keystone v3 is supported");
  }

  const iface = (text(raw, "interface", false) ?? "public").replace(/URL$/, "") as EndpointInterface;
  if (!INTERFACES.includes(iface)) problem("interface", false, "is not valid", `use one of ${INTERFACES.join(", ")}`);

  const regionName = regionOverride || text(raw, "region_name", false) || firstRegion(raw.regions);

  // `domain_*` and `default_domain` fill the user and project domains when those are not given.
  const domain = (kind: "user" | "project"): { name?: string; id?: string } => {
    const name = a(`${kind}_domain_name`);
    const id = a(`${kind}_domain_id`);
    if (name || id) return { name, id };
    const fallbackName = a("domain_name");
    return fallbackName ? { name: fallbackName } : { id: a("domain_id") ?? a("default_domain") };
  };
  const user = { username: a("username"), userId: a("user_id") };
  const ud = domain("user");
  const userDomain = { userDomainName: ud.name, userDomainId: ud.id };
  const needUserDomain = (): void => {
    if (user.username && !user.userId && !userDomain.userDomainName && !userDomain.userDomainId) {
      problem("user_domain_name", true, "(or user_domain_id) is missing", "needed with username");
    }
  };

  let cloudAuth: CloudAuth | undefined;
  const authType = (text(raw, "auth_type", false) ?? "password").toLowerCase();
  if (authType === "password" || authType === "v3password") {
    const password = a("password");
    if (!password) problem("password", true, "is missing");
    if (!user.username && !user.userId) problem("username", true, "(or user_id) is missing");
    needUserDomain();
    const projectName = a("project_name") ?? a("tenant_name");
    const projectId = a("project_id") ?? a("tenant_id");
    if (!projectName && !projectId) problem("project_name", true, "(or project_id) is missing");
    const pd = domain("project");
    const projectDomainName = pd.name;
    const projectDomainId = pd.id;
    if (projectName && !projectId && !projectDomainName && !projectDomainId) {
      problem("project_domain_name", true, "(or project_domain_id) is missing", "needed with project_name");
    }
    cloudAuth = clean<CloudAuth>({ type: "password", ...user, password: password ?? "", projectName, projectId, ...userDomain, projectDomainName, projectDomainId });
  } else if (authType === "v3applicationcredential" || authType === "applicationcredential") {
    const id = a("application_credential_id");
    const credName = a("application_credential_name");
    const secret = a("application_credential_secret");
    if (!secret) problem("application_credential_secret", true, "is missing");
    if (!id && !credName) problem("application_credential_id", true, "(or application_credential_name) is missing");
    if (!id && credName) {
      if (!user.username && !user.userId) problem("username", true, "(or user_id) is missing", "needed with application_credential_name");
      needUserDomain();
    }
    cloudAuth = clean<CloudAuth>({ type: "application_credential", id, name: id ? undefined : credName, ...(id ? {} : { ...user, ...userDomain }), secret: secret ?? "" });
  } else {
    problem("auth_type", false, `'${authType}' is not supported`, "use password or v3applicationcredential");
  }

  if (problems.length > 0 || !cloudAuth || !authUrl) return { problems };
  return { config: clean({ name, authUrl, auth: cloudAuth, regionName, interface: iface }), problems };
}

/** openstacksdk also takes `regions: [name | {name}]`; the first one is the default. */
function firstRegion(regions: unknown): string | undefined {
  if (!Array.isArray(regions)) return undefined;
  const first: unknown = regions[0];
  if (typeof first === "string") return first;
  if (isRawMap(first) && typeof first.name === "string") return first.name;
  return undefined;
}

/** Drops undefined fields so configs compare and print cleanly. */
function clean<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}
