/**
 * Nova's `os-keypairs`: import or generate (the private key is returned once), list (pages from
 * 2.35), show and delete, per user, with Nova's microversion differences (`type` from 2.2, 201/204
 * from 2.2, `user_id` for admins from 2.10, `public_key` required from 2.92).
 * Source: nova/api/openstack/compute/keypairs.py and its schemas and views (Zed).
 */
import type { SandboxRequest, SandboxResponse } from "./http.js";
import { novaError, pyStr } from "./openstack-errors.js";
import { isAdmin } from "./openstack-keystone.js";
import type { NovaContext } from "./openstack-nova-context.js";
import { isoMicros } from "./openstack-seed.js";
import type { CloudWorld, KeypairRecord } from "./openstack-world.js";
import { generateSshKeyPair, sshFingerprint, x509Fingerprint } from "./nova-ssh-keys.js";

/** nova/conf/quota.py `key_pairs` (per user). */
export const KEYPAIR_QUOTA = 100;
const MAX_LIMIT = 1000;
const SAFE_20 = "_- 0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";
const SAFE_292 = "@._- 0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";

/** `POST /os-keypairs`: imports `public_key`, or generates a key and returns its private half once. */
export async function createKeypair(world: CloudWorld, req: SandboxRequest, ctx: NovaContext): Promise<SandboxResponse> {
  const input = validateKeypairBody(req.body, ctx.mv);
  if ("status" in input) return input;
  const userId = input.userId ?? ctx.token.userId;
  if (userId !== ctx.token.userId && !isAdmin(ctx.token)) return policy("create");
  const owned = [...world.keypairs.values()].filter((k) => k.userId === userId).length;
  if (owned + 1 > KEYPAIR_QUOTA) return novaError(403, "Quota exceeded, too many key pairs.");
  let privateKey: string | undefined;
  let publicKey = input.publicKey;
  let fingerprint: string | undefined;
  if (publicKey === undefined) {
    // Generating x509 certificates (WinRM) is not simulated; ssh keys are what runner fleets use.
    if (input.type === "x509") return novaError(400, "Keypair data is invalid: generating x509 keypairs is not simulated by the sandbox");
    ({ privateKey, publicKey, fingerprint } = await generateSshKeyPair());
  } else {
    fingerprint = input.type === "ssh" ? sshFingerprint(publicKey) : x509Fingerprint(publicKey);
    if (fingerprint === undefined) return novaError(400, "Keypair data is invalid: failed to generate fingerprint");
  }
  const key = `${userId}/${input.name}`;
  if (world.keypairs.has(key)) return novaError(409, `Key pair '${input.name}' already exists.`);
  const id = Math.max(0, ...[...world.keypairs.values()].map((k) => k.id)) + 1;
  const record: KeypairRecord = { id, userId, name: input.name, type: input.type, publicKey, fingerprint, createdAt: world.now() };
  world.keypairs.set(key, record);
  const body: Record<string, unknown> = {};
  if (privateKey !== undefined) body["private_key"] = privateKey;
  if (ctx.mv >= 2) body["type"] = record.type;
  Object.assign(body, { name: record.name, public_key: record.publicKey, fingerprint: record.fingerprint, user_id: record.userId });
  return { status: ctx.mv >= 2 ? 201 : 200, body: { keypair: body } };
}

/** `GET /os-keypairs`: the user's keypairs by name, each wrapped in `keypair`; `limit`/`marker` from 2.35. */
export function listKeypairs(world: CloudWorld, req: SandboxRequest, ctx: NovaContext): SandboxResponse {
  const userId = queryUser(req, ctx);
  if (typeof userId !== "string") return userId;
  const unknown = unknownParam(req, ctx.mv >= 35 ? ["user_id", "limit", "marker"] : ["user_id"], ctx.mv);
  if (unknown !== undefined) return unknown;
  let keys = [...world.keypairs.values()].filter((k) => k.userId === userId).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  let limit: number | undefined;
  if (ctx.mv >= 35) {
    const limitText = req.query.get("limit");
    const marker = req.query.get("marker");
    if (limitText !== null && !/^\d+$/.test(limitText)) return novaError(400, "limit param must be an integer");
    if (marker !== null) {
      const at = keys.findIndex((k) => k.name === marker);
      if (at < 0) return novaError(400, `Marker ${marker} could not be found.`);
      keys = keys.slice(at + 1);
    }
    limit = Math.min(MAX_LIMIT, limitText === null ? MAX_LIMIT : Number(limitText) || MAX_LIMIT);
    keys = keys.slice(0, limit);
  }
  const keypairs = keys.map((k) => ({ keypair: { name: k.name, public_key: k.publicKey, fingerprint: k.fingerprint, ...(ctx.mv >= 2 ? { type: k.type } : {}) } }));
  const body: Record<string, unknown> = { keypairs };
  // Nova links a next page whenever a page is full (common.ViewBuilder._get_collection_links).
  const last = keys.at(-1);
  if (limit !== undefined && keys.length === limit && last !== undefined) {
    const query = new URLSearchParams({ ...Object.fromEntries(req.query), limit: String(limit), marker: last.name });
    body["keypairs_links"] = [{ rel: "next", href: `${ctx.base}/compute/v2.1/os-keypairs?${query.toString()}` }];
  }
  return { status: 200, body };
}

/** `GET /os-keypairs/{name}`: one keypair with its database fields. */
export function showKeypair(world: CloudWorld, req: SandboxRequest, ctx: NovaContext): SandboxResponse {
  const found = findKeypair(world, req, ctx, "show");
  if ("status" in found) return found;
  const k = found;
  const body: Record<string, unknown> = {
    name: k.name, public_key: k.publicKey, fingerprint: k.fingerprint, user_id: k.userId,
    created_at: isoMicros(Math.floor(k.createdAt / 1000) * 1000), deleted: false, deleted_at: null, id: k.id, updated_at: null,
  };
  if (ctx.mv >= 2) body["type"] = k.type;
  return { status: 200, body: { keypair: body } };
}

/** `DELETE /os-keypairs/{name}`: 202 at 2.1, 204 from 2.2. */
export function deleteKeypair(world: CloudWorld, req: SandboxRequest, ctx: NovaContext): SandboxResponse {
  const found = findKeypair(world, req, ctx, "delete");
  if ("status" in found) return found;
  world.keypairs.delete(`${found.userId}/${found.name}`);
  return { status: ctx.mv >= 2 ? 204 : 202 };
}

/** Whether `userId` owns a keypair called `name` (a server's `key_name` must name one). */
export function hasKeypair(world: CloudWorld, userId: string, name: string): boolean {
  return world.keypairs.has(`${userId}/${name}`);
}

// --- internal ---

interface KeypairInput {
  name: string;
  type: "ssh" | "x509";
  publicKey?: string;
  userId?: string;
}

function validateKeypairBody(body: unknown, mv: number): KeypairInput | SandboxResponse {
  if (!isObject(body)) return novaError(400, `${pyStr(body ?? null, true)} is not of type 'object'`);
  const extraTop = Object.keys(body).find((k) => k !== "keypair");
  if (extraTop !== undefined) return novaError(400, `Additional properties are not allowed ('${extraTop}' was unexpected)`);
  const kp = body["keypair"];
  if (kp === undefined) return novaError(400, "'keypair' is a required property");
  const invalid = (field: string, value: unknown, problem: string) => novaError(400, `Invalid input for field/attribute ${field}. Value: ${pyStr(value)}. ${problem}`);
  if (!isObject(kp)) return invalid("keypair", kp, `${pyStr(kp, true)} is not of type 'object'`);
  const allowed = ["name", "public_key", ...(mv >= 2 ? ["type"] : []), ...(mv >= 10 ? ["user_id"] : [])];
  const extra = Object.keys(kp).find((k) => !allowed.includes(k));
  if (extra !== undefined) return invalid("keypair", kp, `Additional properties are not allowed ('${extra}' was unexpected)`);
  for (const key of mv >= 92 ? ["name", "public_key"] : ["name"]) {
    if (!(key in kp)) return invalid("keypair", kp, `'${key}' is a required property`);
  }
  const { name, public_key: publicKey, type = "ssh", user_id: userId } = kp;
  if (typeof name !== "string") return invalid("name", name, `${pyStr(name, true)} is not of type 'string'`);
  if (name.length < 1) return invalid("name", name, "'' is too short");
  if (name.length > 255) return invalid("name", name, `'${name}' is too long`);
  if (name.trim() !== name) return invalidName("printable characters. Can not start or end with whitespace.");
  const safe = mv >= 92 ? SAFE_292 : SAFE_20;
  if ([...name].some((c) => !safe.includes(c))) return invalidName(`Only expected characters: [${safe}]`);
  if (type !== "ssh" && type !== "x509") return invalid("type", type, `${pyStr(type, true)} is not one of ['ssh', 'x509']`);
  if (publicKey !== undefined && typeof publicKey !== "string") return invalid("public_key", publicKey, `${pyStr(publicKey, true)} is not of type 'string'`);
  if (userId !== undefined && typeof userId !== "string") return invalid("user_id", userId, `${pyStr(userId, true)} is not of type 'string'`);
  return { name, type, ...(publicKey === undefined ? {} : { publicKey }), ...(userId === undefined ? {} : { userId }) };
}

function findKeypair(world: CloudWorld, req: SandboxRequest, ctx: NovaContext, action: string): KeypairRecord | SandboxResponse {
  const userId = queryUser(req, ctx, action);
  if (typeof userId !== "string") return userId;
  const unknown = unknownParam(req, ["user_id"], ctx.mv);
  if (unknown !== undefined) return unknown;
  const name = req.params["name"] ?? "";
  return world.keypairs.get(`${userId}/${name}`) ?? novaError(404, `Keypair ${name} not found for user ${userId}`);
}

/** The user a request is about: `?user_id=` (2.10+, someone else's only for admins) or the token's. */
function queryUser(req: SandboxRequest, ctx: NovaContext, action = "index"): string | SandboxResponse {
  const asked = ctx.mv >= 10 ? req.query.get("user_id") : null;
  if (asked === null || asked === ctx.token.userId) return ctx.token.userId;
  return isAdmin(ctx.token) ? asked : policy(action);
}

/** From 2.75 the query schemas forbid unknown parameters. */
function unknownParam(req: SandboxRequest, known: string[], mv: number): SandboxResponse | undefined {
  if (mv < 75) return undefined;
  const unknown = [...req.query.keys()].find((k) => !known.includes(k));
  return unknown === undefined ? undefined : novaError(400, `Additional properties are not allowed ('${unknown}' was unexpected)`);
}

function policy(action: string): SandboxResponse {
  return novaError(403, `Policy doesn't allow os_compute_api:os-keypairs:${action} to be performed.`);
}

function invalidName(reason: string): SandboxResponse {
  return novaError(400, `An invalid 'name' value was provided. The name must be: ${reason}`);
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}
