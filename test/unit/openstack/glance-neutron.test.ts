import { afterEach, describe, expect, it } from "vitest";
import { ConfigError, NotFoundError } from "../../../src/manager/errors.js";
import { OpenStackClient } from "../../../src/openstack/client.js";
import { serviceRequests, startServer, testCloud, type Handler, type TestServer } from "./_server.js";

let server: TestServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function client(handler: Handler) {
  server = await startServer(handler);
  return { c: new OpenStackClient({ cloud: testCloud(server.url), retry: { attempts: 1 } }), server };
}

async function rejection(promise: Promise<unknown>): Promise<Error> {
  const error = await promise.then(() => undefined, (e: unknown) => e);
  if (!(error instanceof Error)) throw new Error("expected a rejection");
  return error;
}

const UUID = "11111111-2222-3333-4444-555555555555";
const image = (id: string, name: string, status: string, created: string) => ({ id, name, status, created_at: created, visibility: "public" });

describe("Glance.findImage", () => {
  it("finds an image by id", async () => {
    const { c } = await client((req) => (req.path === `/image/v2/images/${UUID}` ? { body: image(UUID, "jammy", "active", "2025-01-01T00:00:00Z") } : undefined));
    expect(await c.glance.findImage(UUID)).toMatchObject({ id: UUID, name: "jammy" });
  });

  it("picks the newest active image of that name, following next links", async () => {
    const { c, server } = await client((req) => {
      if (req.path !== "/image/v2/images") return undefined;
      if (!req.query.get("marker")) {
        return { body: { images: [image("a", "jammy", "active", "2025-01-01T00:00:00Z"), image("b", "jammy", "queued", "2025-03-01T00:00:00Z")], next: "/v2/images?name=jammy&marker=b" } };
      }
      return { body: { images: [image("c", "jammy", "active", "2025-02-01T00:00:00Z")] } };
    });
    expect((await c.glance.findImage("jammy")).id).toBe("c");
    expect(serviceRequests(server).map((r) => r.query.toString())).toStrictEqual(["name=jammy&limit=1000", "name=jammy&marker=b"]);
  });

  it("lists the active images when no image has the name", async () => {
    const { c } = await client((req) => {
      if (req.query.get("name")) return { body: { images: [] } };
      return { body: { images: [image("x", "noble", "active", "2025-01-01T00:00:00Z"), image("y", "jammy", "active", "2025-01-01T00:00:00Z")] } };
    });
    const error = await rejection(c.glance.findImage("focal"));
    expect(error).toBeInstanceOf(NotFoundError);
    expect(error.message).toBe("image 'focal' not found in region RegionOne; available: jammy, noble");
  });

  it("says so when the image exists but is not active yet", async () => {
    const { c } = await client(() => ({ body: { images: [image("x", "jammy", "saving", "2025-01-01T00:00:00Z")] } }));
    expect((await rejection(c.glance.findImage("jammy"))).message).toContain("image 'jammy' exists but is not active (status: saving)");
  });

  it("reads Glance's plain-text 404 before falling back to the name", async () => {
    const { c, server } = await client((req) =>
      req.path.startsWith("/image/v2/images/") ? { status: 404, body: "404 Not Found\n\nNo image found with ID x\n\n" } : { body: { images: [image("z", "n", "active", "2025-01-01T00:00:00Z")] } },
    );
    expect((await c.glance.findImage(UUID)).id).toBe("z");
    expect(serviceRequests(server)).toHaveLength(2);
  });
});

describe("Neutron lookups", () => {
  it.each([
    ["a network by id", "/network/v2.0/networks/net-1", { network: { id: "net-1", name: "ci-net" } }, "findNetwork" as const],
    ["a security group by id", "/network/v2.0/security-groups/sg-1", { security_group: { id: "sg-1", name: "runners" } }, "findSecurityGroup" as const],
  ])("finds %s", async (_name, path, body, method) => {
    const ref = path.split("/").pop() ?? "";
    const { c } = await client((req) => (req.path === path ? { body } : undefined));
    expect((await c.neutron[method](ref)).id).toBe(ref);
  });

  it("finds a network by exact name when no id matches", async () => {
    const { c, server } = await client((req) => (req.query.get("name") === "ci-net" ? { body: { networks: [{ id: "n1", name: "ci-net" }] } } : undefined));
    expect(await c.neutron.findNetwork("ci-net")).toStrictEqual({ id: "n1", name: "ci-net" });
    expect(serviceRequests(server).map((r) => r.path)).toStrictEqual(["/network/v2.0/networks/ci-net", "/network/v2.0/networks"]);
  });

  it("refuses an ambiguous name", async () => {
    const { c } = await client((req) => (req.query.get("name") ? { body: { security_groups: [{ id: "a", name: "sg" }, { id: "b", name: "sg" }] } } : undefined));
    const error = await rejection(c.neutron.findSecurityGroup("sg"));
    expect(error).toBeInstanceOf(ConfigError);
    expect(error.message).toContain("security group name 'sg' is ambiguous (ids a, b); use an id");
  });

  it("lists the networks that exist when none matches", async () => {
    const { c } = await client((req) => {
      if (req.path !== "/network/v2.0/networks") return { status: 404, body: { NeutronError: { type: "NetworkNotFound", message: "Network x could not be found.", detail: "" } } };
      return { body: { networks: req.query.get("name") ? [] : [{ id: "1", name: "public" }, { id: "2", name: "ci-net" }] } };
    });
    expect((await rejection(c.neutron.findNetwork("prod-net"))).message).toBe("network 'prod-net' not found in region RegionOne; available: ci-net, public");
  });
});
