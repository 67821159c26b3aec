import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { countingFetch } from "../../src/serve/counting-fetch.js";
import type { ApiService } from "../../src/serve/metrics.js";

let server: Server;
let base: string;
beforeAll(async () => {
  server = createServer((req, res) => {
    if (req.url === "/missing") return void res.writeHead(404).end();
    if (req.url === "/echo") return void req.pipe(res.writeHead(200, { "content-type": "text/plain" }));
    if (req.url === "/hang") return; // never answers: only an abort ends it
    res.writeHead(200, { "content-type": "application/json" }).end('{"ok":true}');
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

function recorder() {
  const calls: [ApiService, number | "error"][] = [];
  return { calls, metrics: { countApiCall: (service: ApiService, status: number | "error") => void calls.push([service, status]) } };
}

/** A port nothing listens on: bind one, then let it go. */
async function closedPort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, "127.0.0.1", resolve));
  const { port } = probe.address() as AddressInfo;
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return port;
}

describe("countingFetch", () => {
  it("counts a call by its HTTP status, 200 and 404 alike, and returns the response untouched", async () => {
    const { calls, metrics } = recorder();
    const fetch = countingFetch("github", metrics);
    const ok = await fetch(`${base}/ok`);
    expect(await ok.json()).toStrictEqual({ ok: true });
    expect((await fetch(`${base}/missing`)).status).toBe(404);
    expect(calls).toStrictEqual([["github", 200], ["github", 404]]);
  });

  it("counts a refused connection as \"error\" and rethrows the failure", async () => {
    const { calls, metrics } = recorder();
    const fetch = countingFetch("openstack", metrics);
    await expect(fetch(`http://127.0.0.1:${await closedPort()}/`)).rejects.toThrow(TypeError);
    expect(calls).toStrictEqual([["openstack", "error"]]);
  });

  it("passes the request body, the response stream and the abort signal through", async () => {
    const { calls, metrics } = recorder();
    const fetch = countingFetch("github", metrics);
    const echoed = await fetch(`${base}/echo`, { method: "POST", body: "ping" });
    expect(await echoed.text()).toBe("ping");
    const controller = new AbortController();
    const hanging = fetch(`${base}/hang`, { signal: controller.signal });
    controller.abort();
    await expect(hanging).rejects.toMatchObject({ name: "AbortError" });
    expect(calls).toStrictEqual([["github", 200], ["github", "error"]]);
  });

  it("uses the fetch it was given and still answers when recording throws", async () => {
    const given = async () => new Response("from the stub", { status: 201 });
    const fetch = countingFetch("github", { countApiCall: () => { throw new Error("metrics broke"); } }, given as typeof globalThis.fetch);
    const response = await fetch("http://nowhere.invalid/");
    expect(response.status).toBe(201);
    expect(await response.text()).toBe("from the stub");
  });
});
