/**
 * Nova beyond what the fleet itself calls, as ordinary clients use it: keypairs, limits, server
 * metadata, a server's security groups, and a server that runs no runner. The same assertions
 * hold for the sandbox and for the real Nova of scripts/openstack (see ./target.ts).
 */
import { createHash } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { HttpMethod, HttpResponse } from "../../src/openstack/http.js";
import type { OpenStackClient } from "../../src/openstack/client.js";
import { resolveServerConfig, type ServerConfig } from "../../src/openstack/cloud.js";
import { identityUrl } from "../../src/openstack/keystone.js";
import { clientOf, deleteServers, nova, projectIdOf, rawServer, runPrefix, serverName, waitForGone, waitForStatus } from "./api.js";
import { waitFor } from "../support/wait.js";
import { REFS } from "./fleet.js";
import { openTarget, TIMEOUT_MS, type ContractTarget } from "./target.js";

let target: ContractTarget;
let member: OpenStackClient;
let config: ServerConfig;
let userId: string;
const prefix = runPrefix("n");
const keyNames: string[] = [];
// An ed25519 key made for these tests; its MD5 fingerprint is what Nova stores.
const PUBLIC_KEY = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIGKd2OQ8b5fHq0lJzq3C0rA9pDYH0kXc8x0kqZqkzJ6C contract";
const FINGERPRINT = "1d:4a:29:0b:61:06:2d:07:8c:63:89:05:34:64:86:30";

beforeAll(async () => {
  target = await openTarget();
  member = clientOf(target);
  config = await resolveServerConfig(member, REFS);
  userId = await userIdOf(member);
}, TIMEOUT_MS);
afterAll(async () => {
  await Promise.all(keyNames.map((k) => failure(novaAt(member, "2.91", "DELETE", `/os-keypairs/${k}`))));
  await deleteServers(target, member, `^${prefix}`);
  await target.close();
}, TIMEOUT_MS);

const failure = (promise: Promise<unknown>): Promise<unknown> => promise.then(() => undefined, (error: unknown) => error);
const refusal = (status: number, message: string) => expect.objectContaining({ status, message: expect.stringContaining(message) });
const keyName = (n: number) => {
  const name = `${prefix}-kp${n}`;
  keyNames.push(name);
  return name;
};

describe("keypairs", { timeout: TIMEOUT_MS }, () => {
  it("imports a public key, refuses its name twice, lists, shows and deletes it", async () => {
    const name = keyName(1);
    const created = await novaAt(member, "2.91", "POST", "/os-keypairs", { keypair: { name, public_key: PUBLIC_KEY } });
    expect(created.status).toBe(201);
    expect(created.body).toStrictEqual({ keypair: { type: "ssh", name, public_key: PUBLIC_KEY, fingerprint: FINGERPRINT, user_id: userId } });
    expect(await failure(novaAt(member, "2.91", "POST", "/os-keypairs", { keypair: { name, public_key: PUBLIC_KEY } }))).toEqual(
      refusal(409, `Key pair '${name}' already exists.`),
    );
    const listed = (await novaAt(member, "2.91", "GET", "/os-keypairs")).body as { keypairs: { keypair: { name: string } }[] };
    expect(listed.keypairs.find((k) => k.keypair.name === name)).toStrictEqual({ keypair: { name, public_key: PUBLIC_KEY, fingerprint: FINGERPRINT, type: "ssh" } });
    const shown = ((await novaAt(member, "2.91", "GET", `/os-keypairs/${name}`)).body as { keypair: Record<string, unknown> }).keypair;
    expect(shown).toMatchObject({ name, user_id: userId, deleted: false, deleted_at: null, updated_at: null, type: "ssh", id: expect.any(Number) });
    expect(shown["created_at"]).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}$/);
    expect((await novaAt(member, "2.91", "DELETE", `/os-keypairs/${name}`)).status).toBe(204);
    expect(await failure(novaAt(member, "2.91", "GET", `/os-keypairs/${name}`))).toEqual(refusal(404, `Keypair ${name} not found for user ${userId}`));
    expect(await failure(novaAt(member, "2.91", "DELETE", `/os-keypairs/${name}`))).toEqual(refusal(404, `Keypair ${name} not found for user ${userId}`));
  });

  it("generates a key and returns its private half once, up to 2.91", async () => {
    const name = keyName(2);
    const { keypair } = (await novaAt(member, "2.91", "POST", "/os-keypairs", { keypair: { name } })).body as { keypair: Record<string, string> };
    expect(Object.keys(keypair).sort()).toStrictEqual(["fingerprint", "name", "private_key", "public_key", "type", "user_id"]);
    expect(keypair["private_key"]).toMatch(/^-----BEGIN RSA PRIVATE KEY-----\n[\s\S]+\n-----END RSA PRIVATE KEY-----\n?$/);
    expect(keypair["public_key"]).toMatch(/^ssh-rsa [A-Za-z0-9+/]+=* Generated-by-Nova$/);
    const blob = Buffer.from(keypair["public_key"]?.split(" ")[1] ?? "", "base64");
    expect(keypair["fingerprint"]).toBe(createHash("md5").update(blob).digest("hex").match(/../g)?.join(":"));
    const shown = ((await novaAt(member, "2.91", "GET", `/os-keypairs/${name}`)).body as { keypair: Record<string, unknown> }).keypair;
    expect(shown).not.toHaveProperty("private_key");
    expect(await failure(novaAt(member, "2.92", "POST", "/os-keypairs", { keypair: { name: keyName(3) } }))).toEqual(refusal(400, "'public_key' is a required property"));
  });

  it("answers 2.1 clients without a type, with 200 on create and 202 on delete", async () => {
    const name = keyName(4);
    const created = await novaAt(member, "2.1", "POST", "/os-keypairs", { keypair: { name, public_key: PUBLIC_KEY } });
    expect(created.status).toBe(200);
    expect(created.body).toStrictEqual({ keypair: { name, public_key: PUBLIC_KEY, fingerprint: FINGERPRINT, user_id: userId } });
    const shown = ((await novaAt(member, "2.1", "GET", `/os-keypairs/${name}`)).body as { keypair: Record<string, unknown> }).keypair;
    expect(Object.keys(shown).sort()).toStrictEqual(["created_at", "deleted", "deleted_at", "fingerprint", "id", "name", "public_key", "updated_at", "user_id"]);
    expect((await novaAt(member, "2.1", "DELETE", `/os-keypairs/${name}`)).status).toBe(202);
  });

  it("pages keypairs by name from 2.35", async () => {
    const names = [keyName(5), keyName(6)];
    for (const name of names) await novaAt(member, "2.91", "POST", "/os-keypairs", { keypair: { name, public_key: PUBLIC_KEY } });
    const page = (await novaAt(member, "2.35", "GET", "/os-keypairs", undefined, { limit: "1", marker: names[0] ?? "" })).body as KeypairPage;
    expect(page.keypairs.map((k) => k.keypair.name)).toStrictEqual([names[1]]);
    // A full page links the next one, even when nothing follows.
    expect(new URL(page.keypairs_links?.[0]?.href ?? "http://x/").searchParams.get("marker")).toBe(names[1]);
    const all = (await novaAt(member, "2.34", "GET", "/os-keypairs", undefined, { limit: "1" })).body as KeypairPage;
    expect(all.keypairs.map((k) => k.keypair.name)).toEqual(expect.arrayContaining(names));
    expect(await failure(novaAt(member, "2.35", "GET", "/os-keypairs", undefined, { marker: `${prefix}-nope` }))).toEqual(refusal(400, `Marker ${prefix}-nope could not be found.`));
  });

  it.each([
    ["a key that does not parse", "2.91", { public_key: "ssh-rsa garbage" }, "Keypair data is invalid: failed to generate fingerprint"],
    ["a name with a slash", "2.92", { name: "a/b", public_key: PUBLIC_KEY }, "An invalid 'name' value was provided. The name must be: Only expected characters: [@._- 0123456789"],
    ["an unknown type", "2.91", { public_key: PUBLIC_KEY, type: "rsa" }, "Invalid input for field/attribute type. Value: rsa. 'rsa' is not one of ['ssh', 'x509']"],
    ["a type before 2.2", "2.1", { public_key: PUBLIC_KEY, type: "ssh" }, "Additional properties are not allowed ('type' was unexpected)"],
  ])("refuses %s with Nova's 400", async (_what, mv, fields, message) => {
    const error = await failure(novaAt(member, mv, "POST", "/os-keypairs", { keypair: { name: `${prefix}-bad`, ...fields } }));
    expect(error).toEqual(refusal(400, message));
  });

  it("refuses a server whose key_name names no keypair, and shows the one it was given", async () => {
    const body = (key: string) => ({ server: { name: serverName(`${prefix}-key`, 1), imageRef: config.imageId, flavorRef: config.flavorId, networks: "none", key_name: key } });
    expect(await failure(nova(member, "POST", "/servers", body(`${prefix}-missing`)))).toEqual(refusal(400, "Invalid key_name provided."));
    const name = keyName(7);
    await novaAt(member, "2.91", "POST", "/os-keypairs", { keypair: { name, public_key: PUBLIC_KEY } });
    const id = ((await nova(member, "POST", "/servers", body(name))).body as { server: { id: string } }).server.id;
    expect(await waitForStatus(target, member, id, "ACTIVE")).toMatchObject({ key_name: name });
  });
});

describe("limits", { timeout: TIMEOUT_MS }, () => {
  const limits = async (mv = "2.91") => ((await novaAt(member, mv, "GET", "/limits")).body as { limits: { rate: unknown[]; absolute: Record<string, number> } }).limits;

  it.each([
    ["2.91", []],
    ["2.1", ["maxImageMeta", "maxPersonality", "maxPersonalitySize", "maxSecurityGroupRules", "maxSecurityGroups", "maxTotalFloatingIps", "totalFloatingIpsUsed", "totalSecurityGroupsUsed"]],
  ])("shows the absolute limits Nova shows at %s, and no rate limits", async (mv, older) => {
    const { rate, absolute } = await limits(mv);
    expect(rate).toStrictEqual([]);
    const keys = ["maxServerGroupMembers", "maxServerGroups", "maxServerMeta", "maxTotalCores", "maxTotalInstances", "maxTotalKeypairs", "maxTotalRAMSize"];
    const used = ["totalCoresUsed", "totalInstancesUsed", "totalRAMUsed", "totalServerGroupsUsed"];
    expect(Object.keys(absolute).sort()).toStrictEqual([...keys, ...used, ...older].sort());
  });

  it("reports the project's quota as its limits", async () => {
    const project = await projectIdOf(member);
    const { quota_set: quota } = (await nova(member, "GET", `/os-quota-sets/${project}`)).body as { quota_set: Record<string, number> };
    expect((await limits()).absolute).toMatchObject({
      maxTotalInstances: quota["instances"], maxTotalCores: quota["cores"], maxTotalRAMSize: quota["ram"],
      maxTotalKeypairs: quota["key_pairs"], maxServerMeta: quota["metadata_items"], maxServerGroups: quota["server_groups"],
    });
    expect(await failure(novaAt(member, "2.91", "GET", "/limits", undefined, { tenant_id: project }))).toEqual(refusal(403, "os_compute_api:limits:other_project"));
    expect(await failure(novaAt(member, "2.91", "GET", "/limits", undefined, { bogus: "1" }))).toEqual(refusal(400, "Additional properties are not allowed ('bogus' was unexpected)"));
  });

  it("counts the project's servers with their flavors' cores and RAM", async () => {
    // Usage equals what the server list shows once no deletion is in flight (retried for that).
    const settled = (includes: (ids: string[]) => boolean) =>
      waitFor("limits to match the server list", async () => {
        const servers = ((await nova(member, "GET", "/servers/detail")).body as { servers: { id: string; flavor: { vcpus: number; ram: number } }[] }).servers;
        const { absolute } = await limits();
        const sum = (pick: (f: { vcpus: number; ram: number }) => number) => servers.reduce((n, s) => n + pick(s.flavor), 0);
        const matches = absolute["totalInstancesUsed"] === servers.length && absolute["totalCoresUsed"] === sum((f) => f.vcpus) && absolute["totalRAMUsed"] === sum((f) => f.ram);
        return matches && includes(servers.map((s) => s.id)) ? absolute : undefined;
      }, target.patienceMs, 250);
    const id = await bareServer(serverName(`${prefix}-lim`, 1));
    const withServer = await settled((ids) => ids.includes(id));
    await member.nova.deleteServer(id);
    await waitForGone(target, member, id);
    const without = await settled((ids) => !ids.includes(id));
    expect([withServer["totalInstancesUsed"], withServer["totalCoresUsed"], withServer["totalRAMUsed"]]).toStrictEqual([
      (without["totalInstancesUsed"] ?? 0) + 1, (without["totalCoresUsed"] ?? 0) + 1, (without["totalRAMUsed"] ?? 0) + 2048,
    ]);
  });
});

describe("server metadata", { timeout: TIMEOUT_MS }, () => {
  let id: string;
  beforeAll(async () => {
    id = await bareServer(serverName(`${prefix}-md`, 1), { metadata: { a: "1", b: "2" } });
    await waitForStatus(target, member, id, "ACTIVE");
  });
  const md = (method: HttpMethod, path = "", body?: unknown) => nova(member, method, `/servers/${id}/metadata${path}`, body).then((r) => [r.status, r.body]);

  it("reads, replaces, merges, sets and deletes items as Nova does", async () => {
    expect(await md("GET")).toStrictEqual([200, { metadata: { a: "1", b: "2" } }]);
    expect(await md("GET", "/a")).toStrictEqual([200, { meta: { a: "1" } }]);
    expect(await md("PUT", "", { metadata: { c: "3" } })).toStrictEqual([200, { metadata: { c: "3" } }]);
    expect(await md("POST", "", { metadata: { c: "33", d: "4" } })).toStrictEqual([200, { metadata: { c: "33", d: "4" } }]);
    expect(await md("PUT", "/e", { meta: { e: "5" } })).toStrictEqual([200, { meta: { e: "5" } }]);
    expect(await md("DELETE", "/e")).toStrictEqual([204, undefined]);
    expect((await rawServer(member, id))?.["metadata"]).toStrictEqual({ c: "33", d: "4" });
  });

  it.each([
    ["an item the server does not have", "GET", "/zz", undefined, 404, "Metadata item was not found"],
    ["deleting an item the server does not have", "DELETE", "/zz", undefined, 404, "Metadata item was not found"],
    ["a single-item PUT under another key", "PUT", "/e", { meta: { f: "5" } }, 400, "Request body and URI mismatch"],
    ["a single-item PUT with two items", "PUT", "/e", { meta: { e: "5", g: "1" } }, 400, "has too many properties"],
    ["a single-item PUT with none", "PUT", "/e", { meta: {} }, 400, "{} does not have enough properties"],
    ["a key Nova's pattern refuses", "PUT", "", { metadata: { "bad/key": "1" } }, 400, "'bad/key' does not match any of the regexes: '^[a-zA-Z0-9-_:. ]{1,255}$'"],
    ["a value that is not a string", "POST", "", { metadata: { k: 1 } }, 400, "Invalid input for field/attribute k. Value: 1. 1 is not of type 'string'"],
    ["a body without metadata", "PUT", "", { meta: { k: "1" } }, 400, "'metadata' is a required property"],
    ["more than 128 items", "POST", "", { metadata: Object.fromEntries(Array.from({ length: 129 }, (_, i) => [`k${i}`, "v"])) }, 403, "Maximum number of metadata items exceeds 128"],
  ] as const)("refuses %s", async (_what, method, path, body, status, message) => {
    expect(await failure(md(method, path, body))).toEqual(refusal(status, message));
  });

  it("answers 404 for the metadata of a server that does not exist", async () => {
    const missing = "8f4e2b6a-0c1d-4e5f-9a8b-7c6d5e4f3a2b";
    expect(await failure(nova(member, "GET", `/servers/${missing}/metadata`))).toEqual(refusal(404, `Instance ${missing} could not be found.`));
  });
});

describe("servers as ordinary clients see them", { timeout: TIMEOUT_MS }, () => {
  it("shows the security groups a server with a port was created with, by name", async () => {
    const server = { name: serverName(`${prefix}-sg`, 1), imageRef: config.imageId, flavorRef: config.flavorId, networks: [{ uuid: config.networkId }], security_groups: [{ name: config.securityGroupIds[0] }] };
    const created = (await nova(member, "POST", "/servers", { server })).body as { server: { id: string; security_groups: unknown } };
    const view = await waitForStatus(target, member, created.server.id, "ACTIVE");
    expect(view["security_groups"]).toStrictEqual([{ name: "default" }]);
  });

  it("shows every group a server was created with, a new one beside the default", async () => {
    const network = await member.session.endpoint("network");
    const neutron = (method: HttpMethod, path: string, body?: unknown) => member.session.send({ service: "Neutron", method, baseUrl: network, path, body });
    const group = ((await neutron("POST", "/v2.0/security-groups", { security_group: { name: `${prefix}-extra`, description: "contract" } })).body as { security_group: { id: string } }).security_group;
    try {
      const server = {
        name: serverName(`${prefix}-sg2`, 1), imageRef: config.imageId, flavorRef: config.flavorId, networks: [{ uuid: config.networkId }],
        security_groups: [{ name: "default" }, { name: `${prefix}-extra` }],
      };
      const id = ((await nova(member, "POST", "/servers", { server })).body as { server: { id: string } }).server.id;
      const view = await waitForStatus(target, member, id, "ACTIVE");
      expect((view["security_groups"] as { name: string }[]).map((g) => g.name).sort()).toStrictEqual(["default", `${prefix}-extra`].sort());
      await member.nova.deleteServer(id);
      await waitForGone(target, member, id);
    } finally {
      // The port goes a moment after the server; Neutron refuses to delete a group still in use (409).
      await waitFor("the group to be deleted", () => neutron("DELETE", `/v2.0/security-groups/${group.id}`).then(() => true, () => false), target.patienceMs, 500);
    }
  });

  it("keeps a server whose user data starts no runner ACTIVE", async () => {
    const userData = Buffer.from("#!/bin/sh\necho 'no runner here'\n").toString("base64");
    const id = await bareServer(serverName(`${prefix}-plain`, 1), { user_data: userData });
    await waitForStatus(target, member, id, "ACTIVE");
    // Longer than the sandbox takes to power off a VM whose runner exited.
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    expect(await rawServer(member, id)).toMatchObject({ status: "ACTIVE", "OS-EXT-STS:task_state": null, "OS-EXT-STS:power_state": 1 });
  });
});

// --- helpers ---

interface KeypairPage {
  keypairs: { keypair: { name: string } }[];
  keypairs_links?: { rel: string; href: string }[];
}

/** A raw Nova call at an explicit microversion. */
async function novaAt(client: OpenStackClient, mv: string, method: HttpMethod, path: string, body?: unknown, query?: Record<string, string>): Promise<HttpResponse> {
  const baseUrl = await client.session.endpoint("compute");
  return client.session.send({ service: "Nova", method, baseUrl, path, body, query, headers: { "openstack-api-version": `compute ${mv}` } });
}

/** A server without a port on the seeded image and flavor; returns its id. */
async function bareServer(name: string, extra: Record<string, unknown> = {}): Promise<string> {
  const server = { name, imageRef: config.imageId, flavorRef: config.flavorId, networks: "none", ...extra };
  return ((await nova(member, "POST", "/servers", { server })).body as { server: { id: string } }).server.id;
}

/** The user the client's token belongs to (Keystone `GET /v3/auth/tokens` of its own token). */
async function userIdOf(client: OpenStackClient): Promise<string> {
  const token = await client.session.token();
  const response = await client.session.send({
    service: "Keystone", method: "GET", baseUrl: identityUrl(client.cloud.authUrl), path: "/auth/tokens", headers: { "x-subject-token": token.value },
  });
  return (response.body as { token: { user: { id: string } } }).token.user.id;
}
