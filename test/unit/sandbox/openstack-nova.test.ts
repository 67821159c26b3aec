import { afterEach, describe, expect, it } from "vitest";
import { type TestCloud, authed, call, dig, digString, serverBody, startCloud, token, until, userData } from "./openstack-fetch.js";

let cloud: TestCloud | undefined;
afterEach(async () => {
  await cloud?.close();
  cloud = undefined;
});

async function setup(options: Parameters<typeof startCloud>[0] = {}) {
  cloud = await startCloud(options);
  return { c: cloud, api: authed(cloud, await token(cloud)) };
}

describe("the sandbox's Nova create", () => {
  it("answers 202 with Nova's create body when the request is valid", async () => {
    const { api } = await setup();
    const res = await api("POST", "/compute/v2.1/servers", serverBody("gha-1", { metadata: { fleet: "a" }, tags: ["runner-fleet"] }));
    expect(res.status).toBe(202);
    expect(Object.keys(dig(res.body, "server") as object).sort()).toStrictEqual(["OS-DCF:diskConfig", "adminPass", "id", "links", "security_groups"]);
    expect(res.headers.get("openstack-api-version")).toBe("compute 2.93");
    expect(res.headers.get("x-openstack-nova-api-version")).toBe("2.93");
  });

  it.each([
    ["an unknown key", { bogus: 1 }, "Additional properties are not allowed ('bogus' was unexpected)"],
    ["networks missing", { networks: undefined }, "'networks' is a required property"],
    ["an unknown flavor", { flavorRef: "99" }, "Invalid flavorRef provided."],
    ["an unknown image", { imageRef: "0b4a4a8f-1c2d-4e5f-8a9b-0c1d2e3f4a5b" }, "Image 0b4a4a8f-1c2d-4e5f-8a9b-0c1d2e3f4a5b could not be found."],
    ["an unknown network", { networks: [{ uuid: "0b4a4a8f-1c2d-4e5f-8a9b-0c1d2e3f4a5b" }] }, "Network 0b4a4a8f-1c2d-4e5f-8a9b-0c1d2e3f4a5b could not be found."],
    ["a bad metadata key", { metadata: { "a/b": "x" } }, "does not match"],
    ["a too long metadata value", { metadata: { k: "x".repeat(256) } }, "at most 255"],
    ["user data that is not base64", { user_data: "not base64!" }, "is not a 'base64'"],
    ["user data over 65535 characters", { user_data: "A".repeat(65536) }, "65535"],
    ["tags below 2.52", {}, "('tags' was unexpected)"],
  ])("answers 400 badRequest when the body has %s", async (name, extra, message) => {
    const { api } = await setup();
    const body = serverBody("gha-1", extra);
    const headers: Record<string, string> = name === "tags below 2.52" ? { "openstack-api-version": "compute 2.47" } : {};
    if (name === "tags below 2.52") body.server["tags"] = ["x"];
    const res = await api("POST", "/compute/v2.1/servers", JSON.parse(JSON.stringify(body)), headers);
    expect(res.status).toBe(400);
    expect(digString(res.body, "badRequest.message")).toContain(message);
    expect(dig(res.body, "badRequest.code")).toBe(400);
  });

  it("does not require networks when the microversion is below 2.37", async () => {
    const { api } = await setup();
    const res = await api("POST", "/compute/v2.1/servers", serverBody("old", { networks: undefined }), { "openstack-api-version": "compute 2.36" });
    expect(res.status).toBe(202);
  });

  it("answers 403 with Nova's quota message when the instances quota is used up", async () => {
    const { api } = await setup({ quota: { instances: 2 } });
    for (const n of [1, 2]) expect((await api("POST", "/compute/v2.1/servers", serverBody(`q-${n}`))).status).toBe(202);
    const res = await api("POST", "/compute/v2.1/servers", serverBody("q-3"));
    expect(res.status).toBe(403);
    expect(res.body).toStrictEqual({
      forbidden: { code: 403, message: "Quota exceeded for instances: Requested 1, but already used 2 of 2 instances" },
    });
  });

  it("answers 406 when the requested microversion is above the maximum", async () => {
    const { api } = await setup({ novaMaxMicroversion: "2.60" });
    const res = await api("GET", "/compute/v2.1/servers", undefined, { "openstack-api-version": "compute 2.61" });
    expect(res.status).toBe(406);
    const version = await call(`${cloud?.side.url}/compute/v2.1/`, "GET");
    expect(version.body).toMatchObject({ version: { id: "v2.1", version: "2.60", min_version: "2.1" } });
  });
});

describe("the sandbox's Nova servers", () => {
  it("goes from BUILD to ACTIVE when the boot delay has passed", async () => {
    const { api } = await setup({ now: Date.now, bootDelayMs: 80 });
    const id = digString((await api("POST", "/compute/v2.1/servers", serverBody("boot", { user_data: userData("cfg") }))).body, "server.id");
    expect(dig((await api("GET", `/compute/v2.1/servers/${id}`)).body, "server.status")).toBe("BUILD");
    const server = await until(async () => {
      const s = dig((await api("GET", `/compute/v2.1/servers/${id}`)).body, "server");
      return dig(s, "status") === "ACTIVE" ? s : undefined;
    });
    expect(server).toMatchObject({ "OS-EXT-STS:vm_state": "active", "OS-EXT-STS:power_state": 1, flavor: { original_name: "m1.small" } });
    expect(dig(server, "user_data")).toBeUndefined();
    expect(digString(server, "created")).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
  });

  it("filters names as a regular expression and pages with servers_links when limit is given", async () => {
    const { c, api } = await setup();
    for (const name of ["gha-a1", "gha-a2", "gha-a3", "other-a4"]) {
      await api("POST", "/compute/v2.1/servers", serverBody(name));
      c.advance(1000);
    }
    const all = await api("GET", "/compute/v2.1/servers/detail?name=%5Egha-a");
    expect((dig(all.body, "servers") as { name: string }[]).map((s) => s.name)).toStrictEqual(["gha-a3", "gha-a2", "gha-a1"]);
    const page1 = await api("GET", "/compute/v2.1/servers/detail?name=%5Egha-a&limit=2");
    expect((dig(page1.body, "servers") as { name: string }[]).map((s) => s.name)).toStrictEqual(["gha-a3", "gha-a2"]);
    const next = new URL(digString(page1.body, "servers_links.0.href"));
    expect(dig(page1.body, "servers_links.0.rel")).toBe("next");
    const page2 = await api("GET", `${next.pathname}${next.search}`);
    expect((dig(page2.body, "servers") as { name: string }[]).map((s) => s.name)).toStrictEqual(["gha-a1"]);
    expect(dig(page2.body, "servers_links")).toBeUndefined();
    const brief = await api("GET", "/compute/v2.1/servers?status=ACTIVE");
    expect(Object.keys((dig(brief.body, "servers") as object[])[0] ?? {}).sort()).toStrictEqual(["id", "links", "name"]);
    expect((await api("GET", "/compute/v2.1/servers?status=NOPE")).status).toBe(400);
  });

  it("returns the last lines of the console when os-getConsoleOutput has a length", async () => {
    const { c, api } = await setup({ bootDelayMs: 10 });
    const id = digString((await api("POST", "/compute/v2.1/servers", serverBody("con", { user_data: userData("cfg") }))).body, "server.id");
    const early = await api("POST", `/compute/v2.1/servers/${id}/action`, { "os-getConsoleOutput": { length: 2 } });
    expect(early.status).toBe(409);
    c.advance(20);
    c.side.tick();
    c.side.world.writeConsole(id, "hello from the job");
    const res = await api("POST", `/compute/v2.1/servers/${id}/action`, { "os-getConsoleOutput": { length: 2 } });
    expect(res.status).toBe(200);
    const lines = digString(res.body, "output").trimEnd().split("\n");
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(/^RUNNER_FLEET_MARKER installed \{"timestamp":\d+\}$/);
    expect(lines[1]).toBe("hello from the job");
    const all = await api("POST", `/compute/v2.1/servers/${id}/action`, { "os-getConsoleOutput": {} });
    expect(digString(all.body, "output")).toContain("Linux version");
  });

  it("answers 404 itemNotFound once a deleted server has gone", async () => {
    const { c, api } = await setup({ deleteDelayMs: 500 });
    const id = digString((await api("POST", "/compute/v2.1/servers", serverBody("del"))).body, "server.id");
    expect((await api("DELETE", `/compute/v2.1/servers/${id}`)).status).toBe(204);
    expect(dig((await api("GET", `/compute/v2.1/servers/${id}`)).body, "server.OS-EXT-STS:task_state")).toBe("deleting");
    c.advance(600);
    const res = await api("GET", `/compute/v2.1/servers/${id}`);
    expect(res.status).toBe(404);
    expect(res.body).toStrictEqual({ itemNotFound: { code: 404, message: `Instance ${id} could not be found.` } });
    expect((await api("DELETE", `/compute/v2.1/servers/${id}`)).status).toBe(404);
  });

  it("puts the next servers in ERROR with a fault when failures are injected", async () => {
    const { c, api } = await setup();
    c.side.world.failNext = 1;
    const bad = digString((await api("POST", "/compute/v2.1/servers", serverBody("bad"))).body, "server.id");
    const good = digString((await api("POST", "/compute/v2.1/servers", serverBody("good"))).body, "server.id");
    c.advance(1);
    const res = await api("GET", `/compute/v2.1/servers/${bad}`);
    expect(res.body).toMatchObject({ server: { status: "ERROR", fault: { code: 500, message: "No valid host was found." } } });
    expect(dig((await api("GET", `/compute/v2.1/servers/${good}`)).body, "server.status")).toBe("BUILD");
  });

  it("lists the seeded flavors and answers 404 when a flavor is unknown", async () => {
    const { api } = await setup();
    const detail = await api("GET", "/compute/v2.1/flavors/detail");
    expect((dig(detail.body, "flavors") as { id: string; name: string }[]).map((f) => [f.id, f.name])).toStrictEqual([
      ["1", "m1.small"],
      ["2", "m1.medium"],
      ["3", "m1.large"],
    ]);
    expect(dig((await api("GET", "/compute/v2.1/flavors/2")).body, "flavor.vcpus")).toBe(2);
    expect((await api("GET", "/compute/v2.1/flavors/m1.tiny")).status).toBe(404);
  });
});
