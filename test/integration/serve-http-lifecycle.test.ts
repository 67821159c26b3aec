import { Agent, request } from "node:http";
import { afterEach, describe, expect, it } from "vitest";
import { ConfigError } from "../../src/manager/errors.js";
import { type ServeHttp, type ServeHttpOptions, ServeListenError, type ServeRoutes, startServeHttp } from "../../src/serve/http.js";
import { rawRequest } from "../unit/serve/raw-http.js";

const servers: ServeHttp[] = [];
const releases: (() => void)[] = [];
afterEach(async () => {
  for (const release of releases.splice(0)) release();
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

type Answer = { status: number; body: unknown; outcome?: string };

/** A webhook handler that holds every delivery until released; `entered` resolves on each arrival. */
function heldHandler() {
  const waiting: (() => void)[] = [];
  let arrived: () => void = () => {};
  let entered = new Promise<void>((resolve) => (arrived = resolve));
  const release = () => waiting.splice(0).forEach((go) => go());
  releases.push(release);
  return {
    handle: () =>
      new Promise<Answer>((resolve) => {
        waiting.push(() => resolve({ status: 202, body: { outcome: "accepted", detail: "job queued" }, outcome: "accepted" }));
        arrived();
        entered = new Promise<void>((next) => (arrived = next));
      }),
    entered: () => entered,
    release,
  };
}

async function start(handle: NonNullable<ServeRoutes["webhook"]>["handle"], options: ServeHttpOptions = {}): Promise<ServeHttp> {
  const server = await startServeHttp({
    webhook: { maxBodyBytes: 1024, handle },
    metrics: async () => ({ contentType: "text/plain", text: "" }),
    healthz: () => ({ ok: true }),
    readyz: async () => ({ ok: true, checks: {} }),
  }, { port: 0, ...options });
  servers.push(server);
  return server;
}

const post = (url: string) => fetch(`${url}/webhook`, { method: "POST", body: "{}" });

describe("startServeHttp limits and lifecycle", () => {
  it("answers 503 with Retry-After once the in-flight webhook limit is reached, and takes deliveries again after", async () => {
    const held = heldHandler();
    const results: string[] = [];
    const server = await start(held.handle, { maxInFlightWebhooks: 1, onWebhookResult: (result) => results.push(result) });
    const entered = held.entered();
    const first = post(server.url);
    await entered;
    const second = await post(server.url);
    expect(second.status).toBe(503);
    expect(second.headers.get("retry-after")).toBe("30");
    expect(await second.json()).toStrictEqual({ outcome: "unavailable", detail: "too many deliveries in flight; redeliver later" });
    held.release();
    expect((await first).status).toBe(202);
    const third = post(server.url);
    await held.entered();
    held.release();
    expect((await third).status).toBe(202);
    expect(results).toStrictEqual(["overloaded", "accepted", "accepted"]);
  });

  it("answers 503 when the handler outlives its deadline, and keeps its slot until it settles", async () => {
    const held = heldHandler();
    const results: string[] = [];
    const server = await start(held.handle, { handlerTimeoutMs: 50, maxInFlightWebhooks: 1, onWebhookResult: (result) => results.push(result) });
    const late = await post(server.url);
    expect(late.status).toBe(503);
    expect(await late.json()).toStrictEqual({ outcome: "unavailable", detail: "the delivery took too long; redeliver later" });
    // The first handler is still running: the limit still counts it.
    expect((await post(server.url)).status).toBe(503);
    expect(results).toStrictEqual(["timeout", "overloaded"]);
  });

  it("answers 408 when a request's body stalls past requestTimeout", async () => {
    let called = false;
    const server = await start(async () => ((called = true), { status: 200, body: {} }), { requestTimeoutMs: 300 });
    const answer = await rawRequest(server.url, { method: "POST", path: "/webhook", headers: { "content-length": "100" }, chunks: ["{"], end: false });
    expect(answer.status).toBe(408);
    expect(called).toBe(false);
  });

  it("lets an in-flight request finish on close(), refusing new connections meanwhile, then resolves", async () => {
    const held = heldHandler();
    const server = await start(held.handle);
    const entered = held.entered();
    const inFlight = post(server.url);
    await entered;
    let closed = false;
    const closing = server.close().then(() => (closed = true));
    await expect(fetch(`${server.url}/healthz`)).rejects.toThrow();
    expect(closed).toBe(false);
    held.release();
    const response = await inFlight;
    expect(response.status).toBe(202);
    expect(response.headers.get("connection")).toBe("close");
    await closing;
    expect(closed).toBe(true);
  });

  it("closes idle keep-alive connections on close() instead of waiting for their timeout", async () => {
    const held = heldHandler();
    // Neither timeout would fire within the test's: only closing idle connections lets close() resolve.
    const server = await start(held.handle, { keepAliveTimeoutMs: 600_000, closeTimeoutMs: 600_000 });
    const agent = new Agent({ keepAlive: true });
    // Wrapped: resolving with the bare promise would wait for the socket to close.
    const { socketClosed } = await new Promise<{ socketClosed: Promise<void> }>((resolve, reject) => {
      const req = request(`${server.url}/healthz`, { agent }, (res) => {
        const socketClosed = new Promise<void>((done) => res.socket.once("close", () => done()));
        res.resume().on("end", () => resolve({ socketClosed }));
      });
      req.on("error", reject).end();
    });
    await server.close();
    await socketClosed;
    agent.destroy();
  });

  it("rejects with ServeListenError when the port is taken", async () => {
    const held = heldHandler();
    const first = await start(held.handle);
    await expect(start(held.handle, { port: first.port })).rejects.toBeInstanceOf(ServeListenError);
  });

  it("rejects bad options with a ConfigError naming each of them", async () => {
    const held = heldHandler();
    const failure = await start(held.handle, { port: 70_000, requestTimeoutMs: 1_000, headersTimeoutMs: 2_000, maxInFlightWebhooks: 0 }).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(ConfigError);
    expect((failure as ConfigError).problems.map((p) => p.path)).toStrictEqual(["port", "maxInFlightWebhooks", "headersTimeoutMs"]);
  });
});
