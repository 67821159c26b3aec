import { afterEach, describe, expect, it } from "vitest";
import { FaultInjector } from "../../../src/sandbox/faults.js";
import { startHttpService } from "../../../src/sandbox/http.js";
import { RequestLog } from "../../../src/sandbox/request-log.js";
import { type TestCloud, authed, call, digString, serverBody, startCloud, token } from "./openstack-fetch.js";

let cloud: TestCloud | undefined;
afterEach(async () => {
  await cloud?.close();
  cloud = undefined;
});

describe("the sandbox's HTTP plumbing on the OpenStack side", () => {
  it("logs every request with its route template and status", async () => {
    cloud = await startCloud();
    const api = authed(cloud, await token(cloud));
    const id = digString((await api("POST", "/compute/v2.1/servers", serverBody("log"))).body, "server.id");
    await api("GET", `/compute/v2.1/servers/${id}`);
    await api("GET", "/compute/v2.1/nowhere");
    expect(cloud.log.entries().map(({ service, method, route, status }) => ({ service, method, route, status }))).toStrictEqual([
      { service: "identity", method: "POST", route: "/identity/v3/auth/tokens", status: 201 },
      { service: "compute", method: "POST", route: "/compute/v2.1/servers", status: 202 },
      { service: "compute", method: "GET", route: "/compute/v2.1/servers/{id}", status: 200 },
      { service: "compute", method: "GET", route: "/compute/v2.1/nowhere", status: 404 },
    ]);
    expect(cloud.log.count("compute")).toBe(3);
  });

  it("answers an unknown route with 404 in the service's error shape", async () => {
    cloud = await startCloud();
    const nova = await call(`${cloud.side.url}/compute/v2.1/os-hypervisors`, "GET");
    expect(nova.body).toMatchObject({ itemNotFound: { code: 404 } });
    const neutron = await call(`${cloud.side.url}/network/v2.0/floatingips`, "GET");
    expect(neutron.body).toMatchObject({ NeutronError: { message: "The resource could not be found." } });
  });

  it("answers an injected status fault in Nova's shape, then recovers when its count is used up", async () => {
    cloud = await startCloud();
    const api = authed(cloud, await token(cloud));
    cloud.faults.add({ service: "compute", kind: "status", status: 503, method: "GET", path: "^/compute/v2.1/servers", count: 2 });
    for (let i = 0; i < 2; i++) {
      const res = await api("GET", "/compute/v2.1/servers/detail");
      expect(res.status).toBe(503);
      expect(res.body).toMatchObject({ serviceUnavailable: { code: 503 } });
    }
    expect((await api("GET", "/compute/v2.1/servers/detail")).status).toBe(200);
    cloud.faults.add({ service: "identity", kind: "status", status: 500 });
    const keystone = await call(`${cloud.side.authUrl}/auth/tokens`, "POST", {});
    expect(keystone.body).toMatchObject({ error: { code: 500, title: "Internal Server Error" } });
  });

  it("delays the answer when a latency fault matches", async () => {
    cloud = await startCloud();
    cloud.faults.add({ service: "image", kind: "latency", latencyMs: 150 });
    const started = Date.now();
    const res = await call(`${cloud.side.url}/image/`, "GET");
    expect(res.status).toBe(300);
    expect(Date.now() - started).toBeGreaterThanOrEqual(140);
  });

  it("never answers when a timeout fault matches, and still closes promptly", async () => {
    cloud = await startCloud();
    cloud.faults.add({ service: "network", kind: "timeout" });
    const err = await fetch(`${cloud.side.url}/network/`, { signal: AbortSignal.timeout(200) }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Error);
    expect((err as Error).name).toBe("TimeoutError");
    expect(cloud.log.entries()).toMatchObject([{ service: "network", status: 0 }]);
    const held = fetch(`${cloud.side.url}/network/`).catch(() => "closed");
    cloud.faults.add({ service: "network", kind: "timeout" });
    await new Promise((r) => setTimeout(r, 50));
    const closing = Date.now();
    await cloud.close();
    cloud = undefined;
    expect(Date.now() - closing).toBeLessThan(2000);
    void held;
  });

  it("adds the global latency and parses route params when a bare service is started", async () => {
    const log = new RequestLog();
    const service = await startHttpService({
      routes: [{ method: "GET", pattern: "/things/{name}", handle: (req) => ({ status: 200, body: { name: req.params["name"], q: req.query.get("q") } }) }],
      serviceOf: () => "github",
      log,
      faults: new FaultInjector(),
      onFault: (fault) => ({ status: fault.status ?? 500, body: { message: "fault" } }),
      latencyMs: () => 60,
      recordBodies: true,
    });
    try {
      const started = Date.now();
      const res = await call(`${service.url}/things/a%20b?q=1`, "GET");
      expect(Date.now() - started).toBeGreaterThanOrEqual(55);
      expect(res.body).toStrictEqual({ name: "a b", q: "1" });
      expect(log.entries()).toStrictEqual([
        { service: "github", method: "GET", path: "/things/a%20b", route: "/things/{name}", status: 200, responseBody: { name: "a b", q: "1" } },
      ]);
    } finally {
      await service.close();
    }
  });
});
