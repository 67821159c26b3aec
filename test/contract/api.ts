/**
 * Helpers of the contract suites: clients of the target's clouds, a fetch recorder, and raw Nova
 * calls made through our own session (so error bodies go through the client's parsing too).
 */
import { OpenStackClient } from "../../src/openstack/client.js";
import { loadCloudConfig } from "../../src/openstack/clouds-yaml.js";
import type { HttpMethod, HttpResponse } from "../../src/openstack/http.js";
import { identityUrl } from "../../src/openstack/keystone.js";
import { waitFor } from "../support/wait.js";
import type { ContractTarget } from "./target.js";

/** One call as the recorder saw it. */
export interface RecordedCall {
  method: string;
  url: string;
  status: number;
  headers: Headers;
}

/** A fetch that records every call and its answer (without consuming the body). */
export function recorder(): { fetch: typeof fetch; calls: RecordedCall[] } {
  const calls: RecordedCall[] = [];
  const recording: typeof fetch = async (input, init) => {
    const response = await fetch(input, init);
    calls.push({ method: init?.method ?? "GET", url: String(input), status: response.status, headers: response.headers });
    return response;
  };
  return { fetch: recording, calls };
}

/** A client of one of the target's clouds. */
export function clientOf(
  target: ContractTarget,
  cloud: keyof ContractTarget["clouds"] = "member",
  extra: { fetch?: typeof fetch; now?: () => number } = {},
): OpenStackClient {
  const config = loadCloudConfig({ cloudsYaml: target.cloudsYaml, cloud: target.clouds[cloud], env: {} });
  return new OpenStackClient({ cloud: config, retry: { attempts: 3, baseDelayMs: 50 }, timeoutMs: 30_000, ...extra });
}

/** A raw Nova call at the client's negotiated microversion; non-2xx answers throw `CloudError`. */
export async function nova(client: OpenStackClient, method: HttpMethod, path: string, body?: unknown, query?: Record<string, string>): Promise<HttpResponse> {
  const [baseUrl, mv] = await Promise.all([client.session.endpoint("compute"), client.nova.microversion()]);
  const headers = { "openstack-api-version": `compute ${mv ?? "2.1"}` };
  return client.session.send({ service: "Nova", method, baseUrl, path, body, query, headers });
}

/** A server as Nova shows it to this client, or undefined once it is gone. */
export async function rawServer(client: OpenStackClient, id: string): Promise<Record<string, unknown> | undefined> {
  const server = await client.nova.getServer(id);
  if (!server) return undefined;
  return ((await nova(client, "GET", `/servers/${id}`)).body as { server: Record<string, unknown> }).server;
}

/** Waits until the server's status is one of `statuses` (and no task is pending); returns its view. */
export async function waitForStatus(target: ContractTarget, client: OpenStackClient, id: string, ...statuses: string[]): Promise<Record<string, unknown>> {
  return waitFor(`server ${id} to be ${statuses.join(" or ")}`, async () => {
    const s = await rawServer(client, id);
    return s && statuses.includes(String(s["status"])) && s["OS-EXT-STS:task_state"] === null ? s : undefined;
  }, target.patienceMs, 100);
}

/** Waits until Nova answers 404 for the server. */
export async function waitForGone(target: ContractTarget, client: OpenStackClient, id: string): Promise<void> {
  await waitFor(`server ${id} to be gone`, async () => (await client.nova.getServer(id)) === undefined, target.patienceMs, 100);
}

/** Deletes every server whose name matches the anchored `filter` and waits until they are gone. */
export async function deleteServers(target: ContractTarget, client: OpenStackClient, filter: string): Promise<void> {
  const servers = await client.nova.listServers(filter);
  await Promise.all(servers.map((s) => client.nova.deleteServer(s.id)));
  await Promise.all(servers.map((s) => waitForGone(target, client, s.id)));
}

/** The project the client's token is scoped to (Keystone `GET /v3/auth/tokens` of its own token). */
export async function projectIdOf(client: OpenStackClient): Promise<string> {
  const token = await client.session.token();
  const response = await client.session.send({
    service: "Keystone", method: "GET", baseUrl: identityUrl(client.cloud.authUrl), path: "/auth/tokens", headers: { "x-subject-token": token.value },
  });
  return (response.body as { token: { project: { id: string } } }).token.project.id;
}

/** Revokes the client's current token (`DELETE /v3/auth/tokens`, the token revoking itself). */
export async function revokeOwnToken(client: OpenStackClient): Promise<string> {
  const token = await client.session.token();
  await client.session.send({
    service: "Keystone", method: "DELETE", baseUrl: identityUrl(client.cloud.authUrl), path: "/auth/tokens", headers: { "x-subject-token": token.value },
  });
  return token.value;
}

/** A fleet-style server name: `prefix-` and 12 hex digits. */
export function serverName(prefix: string, n: number): string {
  return `${prefix}-${n.toString(16).padStart(12, "0")}`;
}

/** A prefix unique to this run, so leftovers of an interrupted run never match. */
export function runPrefix(tag: string): string {
  return `ct${tag}${Math.floor(Math.random() * 0xffff).toString(16).padStart(4, "0")}`;
}
