/** Plain-fetch helpers for the sandbox's OpenStack tests (deliberately not src/openstack's client). */
import { FaultInjector } from "../../../src/sandbox/faults.js";
import { IMAGES, NETWORK } from "../../../src/sandbox/openstack-seed.js";
import { type OpenStackSide, type OpenStackSideOptions, startOpenStack } from "../../../src/sandbox/openstack-side.js";
import { RequestLog } from "../../../src/sandbox/request-log.js";

/** An answer as the tests look at it. */
export interface Answer {
  status: number;
  headers: Headers;
  /** Parsed JSON, or the text when the answer is not JSON; assert with toMatchObject or {@link dig}. */
  body: unknown;
}

/** The value at a dotted path (`server.id`, `servers.0.name`) of a parsed body. */
export function dig(value: unknown, path: string): unknown {
  return path.split(".").reduce<unknown>((v, k) => (typeof v === "object" && v !== null ? (v as Record<string, unknown>)[k] : undefined), value);
}

/** {@link dig} for a string value (a test fails loudly when it is not one). */
export function digString(value: unknown, path: string): string {
  const found = dig(value, path);
  if (typeof found !== "string") throw new Error(`${path} is not a string in ${JSON.stringify(value)}`);
  return found;
}

/** A simulated OpenStack on a manual clock, plus its log and faults. */
export interface TestCloud {
  side: OpenStackSide;
  log: RequestLog;
  faults: FaultInjector;
  /** Moves the manual clock forward. */
  advance(ms: number): void;
  close(): Promise<void>;
}

/** Starts the OpenStack side alone; the clock is manual unless `now` is given. */
export async function startCloud(options: Partial<OpenStackSideOptions> = {}): Promise<TestCloud> {
  let clock = Date.parse("2025-01-01T00:00:00Z");
  const log = new RequestLog();
  const faults = new FaultInjector();
  const side = await startOpenStack({ now: () => clock, log, faults, ...options });
  return { side, log, faults, advance: (ms) => (clock += ms), close: () => side.close() };
}

/** One request with a JSON body; the body is parsed when it is JSON. */
export async function call(url: string, method: string, body?: unknown, headers: Record<string, string> = {}): Promise<Answer> {
  const res = await fetch(url, {
    method,
    headers: { ...(body === undefined ? {} : { "content-type": "application/json" }), ...headers },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await res.text();
  const isJson = (res.headers.get("content-type") ?? "").includes("json") && text !== "";
  return { status: res.status, headers: res.headers, body: isJson ? (JSON.parse(text) as unknown) : text };
}

/** The password-auth request body for the seeded user and project. */
export function passwordAuth(password = "sandbox-password"): unknown {
  return {
    auth: {
      identity: { methods: ["password"], password: { user: { name: "runner-fleet", domain: { name: "Default" }, password } } },
      scope: { project: { name: "runners", domain: { name: "Default" } } },
    },
  };
}

/** A project-scoped token for the seeded user. */
export async function token(cloud: TestCloud): Promise<string> {
  const res = await call(`${cloud.side.authUrl}/auth/tokens`, "POST", passwordAuth());
  return res.headers.get("x-subject-token") ?? "";
}

/** Calls a path under the OpenStack server with a token (and compute microversion 2.93). */
export function authed(cloud: TestCloud, tok: string) {
  const headers = { "x-auth-token": tok, "openstack-api-version": "compute 2.93" };
  return (method: string, path: string, body?: unknown, extra: Record<string, string> = {}): Promise<Answer> =>
    call(`${cloud.side.url}${path}`, method, body, { ...headers, ...extra });
}

/** A valid create body for the seeded image, flavor and network. */
export function serverBody(name: string, extra: Record<string, unknown> = {}): { server: Record<string, unknown> } {
  return {
    server: {
      name,
      flavorRef: "1",
      imageRef: IMAGES[0]?.id,
      networks: [{ uuid: NETWORK.id }],
      ...extra,
    },
  };
}

/** Base64 user data that starts a runner with `jit`. */
export function userData(jit: string): string {
  return Buffer.from(`#!/bin/sh\nsu runner -c "cd /opt/actions-runner && ./run.sh --jitconfig '${jit}'"\n`).toString("base64");
}

/** Polls `probe` until it returns a defined value (generous timeout; no timed assertions). */
export async function until<T>(probe: () => Promise<T | undefined> | T | undefined, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error("condition not reached in time");
    await new Promise((r) => setTimeout(r, 20));
  }
}

