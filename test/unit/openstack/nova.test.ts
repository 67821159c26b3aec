import { afterEach, describe, expect, it } from "vitest";
import { NotFoundError } from "../../../src/manager/errors.js";
import { OpenStackClient } from "../../../src/openstack/client.js";
import { chooseMicroversion, compareMicroversions, fleetNameFilter } from "../../../src/openstack/nova.js";
import { serviceRequests, startServer, testCloud, type Handler, type KeystoneKnobs, type TestServer } from "./_server.js";

let server: TestServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function client(handler: Handler, knobs: KeystoneKnobs = {}) {
  server = await startServer(handler, knobs);
  return { nova: new OpenStackClient({ cloud: testCloud(server.url), retry: { attempts: 2, baseDelayMs: 1 } }).nova, server };
}

const serverJson = (id: string, name: string, extra: Record<string, unknown> = {}) => ({
  id, name, status: "ACTIVE", created: "2025-01-02T03:04:05Z", metadata: {}, ...extra,
});

describe("chooseMicroversion", () => {
  it.each([
    ["caps 2.110 (numerically above 2.91)", "2.110", "2.91"],
    ["caps 2.93 (Zed)", "2.93", "2.91"],
    ["caps 2.92", "2.92", "2.91"],
    ["keeps 2.91", "2.91", "2.91"],
    ["keeps 2.90", "2.90", "2.90"],
    ["keeps 2.1", "2.1", "2.1"],
  ])("%s", (_name, max, expected) => {
    expect(chooseMicroversion(max)).toBe(expected);
  });

  it("compares by number, not by string", () => {
    expect(compareMicroversions("2.110", "2.91")).toBeGreaterThan(0);
    expect(compareMicroversions("2.9", "2.10")).toBeLessThan(0);
  });
});

describe("fleetNameFilter", () => {
  it.each([
    ["a plain prefix", "ci", "^ci-"],
    ["a dashed prefix, leaving dashes literal", "app-1", "^app-1-"],
    ["regex metacharacters", "a.b*c+(d)[e]{f}|g?h^i$j\\k", "^a\\.b\\*c\\+\\(d\\)\\[e\\]\\{f\\}\\|g\\?h\\^i\\$j\\\\k-"],
  ])("anchors and escapes %s", (_name, prefix, expected) => {
    expect(fleetNameFilter(prefix)).toBe(expected);
    expect(new RegExp(expected, "u").test(`${prefix}-0123456789ab`)).toBe(true);
    expect(new RegExp(expected, "u").test(`x${prefix}-0123456789ab`)).toBe(false);
  });
});

describe("Nova", () => {
  it("negotiates the microversion once and sends both headers", async () => {
    const { nova, server } = await client(() => ({ body: { servers: [] } }), { novaMax: "2.110" });
    await nova.listServers();
    await nova.listServers();
    expect(server.requests.filter((r) => r.path === "/compute/v2.1/")).toHaveLength(1);
    const headers = serviceRequests(server).map((r) => [r.headers["openstack-api-version"], r.headers["x-openstack-nova-api-version"]]);
    expect(headers).toStrictEqual([["compute 2.91", "2.91"], ["compute 2.91", "2.91"]]);
  });

  it("sends only the documented create keys with the user data base64 as given", async () => {
    const { nova, server } = await client(() => ({ status: 202, body: { server: { id: "srv-1", adminPass: "x" } } }));
    const created = await nova.createServer({
      name: "ci-0123456789ab", imageRef: "img", flavorRef: "flv", networks: [{ uuid: "net" }], securityGroups: ["sg"],
      userData: "IyEvYmluL3No", metadata: { k: "v" }, configDrive: true,
    });
    expect(created).toStrictEqual({ id: "srv-1" });
    expect(serviceRequests(server)[0]?.body).toStrictEqual({
      server: {
        name: "ci-0123456789ab", imageRef: "img", flavorRef: "flv", networks: [{ uuid: "net" }], security_groups: [{ name: "sg" }],
        user_data: "IyEvYmluL3No", metadata: { k: "v" }, config_drive: true,
      },
    });
  });

  it("follows servers_links until the last page, keeping the name filter", async () => {
    const { nova, server } = await client((req, url) => {
      const marker = req.query.get("marker");
      if (!marker) return { body: { servers: [serverJson("1", "ci-000000000001")], servers_links: [{ rel: "next", href: `${url}/compute/v2.1/servers/detail?limit=1000&marker=1` }] } };
      if (marker === "1") return { body: { servers: [serverJson("2", "ci-000000000002")], servers_links: [{ rel: "next", href: `http://internal.host/v2.1/servers/detail?marker=2` }] } };
      return { body: { servers: [] } };
    });
    const servers = await nova.listServers("^ci-");
    expect(servers.map((s) => s.id)).toStrictEqual(["1", "2"]);
    expect(serviceRequests(server).map((r) => r.query.toString())).toStrictEqual([
      "name=%5Eci-&limit=1000",
      "name=%5Eci-&limit=1000&marker=1",
      "name=%5Eci-&limit=1000&marker=2",
    ]);
  });

  it("parses servers into typed values and keeps only string metadata", async () => {
    const { nova } = await client(() => ({
      body: { server: serverJson("1", "n", { status: "error", metadata: { a: "1", b: 2 }, fault: { code: 500, message: "No valid host" }, extra: "x" }) },
    }));
    expect(await nova.getServer("1")).toStrictEqual({
      id: "1", name: "n", status: "ERROR", created: new Date("2025-01-02T03:04:05Z"), metadata: { a: "1" }, fault: { code: 500, message: "No valid host" },
    });
  });

  it.each([
    ["getServer answers undefined", (n: Awaited<ReturnType<typeof client>>["nova"]) => n.getServer("x"), undefined],
    ["deleteServer answers gone", (n: Awaited<ReturnType<typeof client>>["nova"]) => n.deleteServer("x"), "gone"],
  ])("%s on a 404", async (_name, act, expected) => {
    const { nova } = await client(() => undefined);
    expect(await act(nova)).toBe(expected);
  });

  it("answers deleted when Nova accepts the delete", async () => {
    const { nova } = await client(() => ({ status: 204 }));
    expect(await nova.deleteServer("x")).toBe("deleted");
  });

  it("asks for the console output tail through the server action", async () => {
    const { nova, server } = await client(() => ({ body: { output: "line1\nline2\n" } }));
    expect(await nova.consoleOutput("srv", 50)).toBe("line1\nline2\n");
    expect(serviceRequests(server)[0]).toMatchObject({ method: "POST", path: "/compute/v2.1/servers/srv/action", body: { "os-getConsoleOutput": { length: 50 } } });
  });

  it("finds a flavor by id first", async () => {
    const { nova, server } = await client((req) => (req.path === "/compute/v2.1/flavors/f1" ? { body: { flavor: { id: "f1", name: "m1.small", vcpus: 1 } } } : undefined));
    expect(await nova.findFlavor("f1")).toStrictEqual({ id: "f1", name: "m1.small", vcpus: 1 });
    expect(serviceRequests(server)).toHaveLength(1);
  });

  it("finds a flavor by name in the detailed list when no id matches", async () => {
    const flavors = [{ id: "1", name: "m1.small" }, { id: "2", name: "m1.medium" }];
    const { nova } = await client((req) => (req.path === "/compute/v2.1/flavors/detail" ? { body: { flavors } } : undefined));
    expect(await nova.findFlavor("m1.medium")).toStrictEqual({ id: "2", name: "m1.medium" });
  });

  it("lists the flavors that exist when none matches", async () => {
    const flavors = [{ id: "2", name: "m1.medium" }, { id: "1", name: "m1.small" }];
    const { nova } = await client((req) => (req.path === "/compute/v2.1/flavors/detail" ? { body: { flavors } } : undefined));
    const error = await nova.findFlavor("m1.huge").then(() => undefined, (e: unknown) => e);
    expect(error).toBeInstanceOf(NotFoundError);
    expect((error as Error).message).toBe("flavor 'm1.huge' not found in region RegionOne; available: m1.medium, m1.small");
  });
});
