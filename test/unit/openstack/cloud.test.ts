import { afterEach, describe, expect, it } from "vitest";
import { ConfigError, NotFoundError } from "../../../src/manager/errors.js";
import { METADATA_KEYS } from "../../../src/manager/ports.js";
import { CloudRunnerState } from "../../../src/manager/types.js";
import { renderUserData } from "../../../src/manager/user-data.js";
import { OpenStackClient } from "../../../src/openstack/client.js";
import { cloudStateFromNovaStatus, OpenStackCloud, resolveServerConfig } from "../../../src/openstack/cloud.js";
import { serviceRequests, startServer, testCloud, type Handler, type Recorded, type TestServer } from "./_server.js";

let server: TestServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

/** Glance, Nova flavors and Neutron with one image, flavor, network and security group; servers from `servers`. */
function world(servers: unknown[] = [], extra: Handler = () => undefined): Handler {
  return (req: Recorded, url: string) => {
    switch (req.path) {
      case "/image/v2/images":
        return { body: { images: req.query.get("name") === "jammy" || !req.query.get("name") ? [{ id: "img-1", name: "jammy", status: "active" }] : [] } };
      case "/compute/v2.1/flavors/detail":
        return { body: { flavors: [{ id: "flv-1", name: "m1.small" }, { id: "flv-2", name: "m1.medium" }] } };
      case "/network/v2.0/networks":
        return { body: { networks: req.query.get("name") === "ci-net" || !req.query.get("name") ? [{ id: "net-1", name: "ci-net" }] : [] } };
      case "/network/v2.0/security-groups":
        return { body: { security_groups: [{ id: "sg-1", name: "runners" }] } };
      case "/compute/v2.1/servers/detail":
        return { body: { servers } };
      default:
        return extra(req, url);
    }
  };
}

async function fleet(handler: Handler, overrides: Partial<ConstructorParameters<typeof OpenStackCloud>[0]> = {}) {
  server = await startServer(handler);
  const client = new OpenStackClient({ cloud: testCloud(server.url), retry: { attempts: 1 } });
  const cloud = new OpenStackCloud({
    client, prefix: "app-1", image: "jammy", flavor: "m1.small", network: "ci-net", securityGroups: ["runners"],
    fingerprint: "fp-1", managerVersion: "0.1.0", ...overrides,
  });
  return { cloud, client, server };
}

const novaServer = (id: string, name: string, status = "ACTIVE", metadata: Record<string, unknown> = {}) => ({ id, name, status, created: "2025-05-01T00:00:00Z", metadata });

describe("cloudStateFromNovaStatus", () => {
  it.each([
    ["BUILD", CloudRunnerState.Created],
    ["REBUILD", CloudRunnerState.Created],
    ["ACTIVE", CloudRunnerState.Active],
    ["ERROR", CloudRunnerState.Error],
    ["SHUTOFF", CloudRunnerState.Stopped],
    ["STOPPED", CloudRunnerState.Stopped],
    ["DELETED", CloudRunnerState.Deleted],
    ["SOFT_DELETED", CloudRunnerState.Deleted],
    ["UNKNOWN", CloudRunnerState.Unknown],
    ["PAUSED", CloudRunnerState.Unexpected],
    ["SHELVED_OFFLOADED", CloudRunnerState.Unexpected],
    ["active", CloudRunnerState.Active],
  ])("maps %s to %s", (status, expected) => {
    expect(cloudStateFromNovaStatus(status)).toBe(expected);
  });
});

describe("OpenStackCloud", () => {
  it("refuses an invalid prefix at construction", async () => {
    await expect(fleet(world(), { prefix: "App_1" })).rejects.toBeInstanceOf(ConfigError);
  });

  it("creates a VM with resolved ids, base64 user data, fleet metadata and a config drive", async () => {
    const { cloud, server } = await fleet(world([], (req) => (req.method === "POST" ? { status: 202, body: { server: { id: "srv-1" } } } : undefined)));
    const instance = await cloud.createInstance({ name: "app-1-0123456789ab", runnerId: 42, jitConfig: "JIT-SECRET" });
    expect(instance).toMatchObject({ id: "srv-1", name: "app-1-0123456789ab", state: CloudRunnerState.Created, runnerId: 42, fingerprint: "fp-1" });
    const create = serviceRequests(server).find((r) => r.method === "POST");
    expect(create?.body).toStrictEqual({
      server: {
        name: "app-1-0123456789ab", imageRef: "img-1", flavorRef: "flv-1", networks: [{ uuid: "net-1" }], security_groups: [{ name: "sg-1" }],
        user_data: Buffer.from(renderUserData("JIT-SECRET"), "utf8").toString("base64"),
        metadata: { [METADATA_KEYS.prefix]: "app-1", [METADATA_KEYS.runnerId]: "42", [METADATA_KEYS.fingerprint]: "fp-1", [METADATA_KEYS.version]: "0.1.0" },
        config_drive: true,
      },
    });
  });

  it("resolves image, flavor and network once for many creations", async () => {
    const { cloud, server } = await fleet(world([], (req) => (req.method === "POST" ? { status: 202, body: { server: { id: "s" } } } : undefined)));
    await Promise.all([1, 2, 3].map((i) => cloud.createInstance({ name: `app-1-00000000000${i}`, runnerId: i, jitConfig: "j" })));
    expect(serviceRequests(server).filter((r) => r.path === "/image/v2/images")).toHaveLength(1);
    expect(serviceRequests(server).filter((r) => r.method === "POST")).toHaveLength(3);
  });

  it("fails in prepare, before any creation, when the flavor does not exist", async () => {
    const { cloud, server } = await fleet(world(), { flavor: "m1.huge" });
    await expect(cloud.prepare()).rejects.toThrow("flavor 'm1.huge' not found in region RegionOne; available: m1.medium, m1.small");
    expect(serviceRequests(server).filter((r) => r.method === "POST")).toHaveLength(0);
  });

  it("refuses to create a VM whose name it would not list", async () => {
    const { cloud } = await fleet(world());
    await expect(cloud.createInstance({ name: "app-10-0123456789ab", runnerId: 1, jitConfig: "j" })).rejects.toBeInstanceOf(ConfigError);
  });

  it("lists only exact fleet members and reads only the known metadata keys", async () => {
    const servers = [
      novaServer("1", "app-1-0123456789ab", "BUILD", { [METADATA_KEYS.runnerId]: "7", [METADATA_KEYS.fingerprint]: "fp-0", other: "x" }),
      novaServer("2", "app-1-aaaaaaaaaaaa", "SHUTOFF", { [METADATA_KEYS.runnerId]: "not-a-number" }),
      novaServer("3", "app-10-0123456789ab"),
      novaServer("4", "app-1-x-0123456789ab"),
    ];
    const { cloud, server } = await fleet(world(servers));
    expect(await cloud.listInstances()).toStrictEqual([
      { id: "1", name: "app-1-0123456789ab", state: CloudRunnerState.Created, createdAt: new Date("2025-05-01T00:00:00Z"), runnerId: 7, fingerprint: "fp-0" },
      { id: "2", name: "app-1-aaaaaaaaaaaa", state: CloudRunnerState.Stopped, createdAt: new Date("2025-05-01T00:00:00Z") },
    ]);
    expect(serviceRequests(server)[0]?.query.get("name")).toBe("^app-1-");
  });

  it("deletes by server id and answers gone for a missing server", async () => {
    const { cloud, server } = await fleet(world([], (req) => (req.path.endsWith("/srv-1") ? { status: 204 } : undefined)));
    const base = { name: "app-1-0123456789ab", state: CloudRunnerState.Active, createdAt: new Date() };
    expect(await cloud.deleteInstance({ ...base, id: "srv-1" })).toBe("deleted");
    expect(await cloud.deleteInstance({ ...base, id: "srv-2" })).toBe("gone");
    expect(serviceRequests(server).map((r) => `${r.method} ${r.path}`)).toStrictEqual(["DELETE /compute/v2.1/servers/srv-1", "DELETE /compute/v2.1/servers/srv-2"]);
  });

  it("answers an empty console while Nova has none (409)", async () => {
    const { cloud } = await fleet(world([], () => ({ status: 409, body: { conflictingRequest: { code: 409, message: "Instance x is not ready" } } })));
    expect(await cloud.consoleOutput({ id: "x", name: "app-1-0123456789ab", state: CloudRunnerState.Created, createdAt: new Date() })).toBe("");
  });

  it("gets one instance by id, or undefined once it is gone", async () => {
    const { cloud } = await fleet(world([], (req) => (req.path.endsWith("/srv-1") ? { body: { server: novaServer("srv-1", "app-1-0123456789ab", "ERROR") } } : undefined)));
    expect(await cloud.getInstance("srv-1")).toMatchObject({ id: "srv-1", state: CloudRunnerState.Error });
    expect(await cloud.getInstance("srv-2")).toBeUndefined();
  });
});

describe("resolveServerConfig", () => {
  it("resolves every reference to an id", async () => {
    const { client } = await fleet(world());
    expect(await resolveServerConfig(client, { image: "jammy", flavor: "m1.small", network: "ci-net", securityGroups: ["runners"] })).toStrictEqual({
      imageId: "img-1", flavorId: "flv-1", networkId: "net-1", securityGroupIds: ["sg-1"],
    });
  });

  it("throws the NotFoundError, listing what exists, when one thing is missing", async () => {
    const { client } = await fleet(world());
    const error = await resolveServerConfig(client, { image: "jammy", flavor: "m1.huge", network: "ci-net" }).then(() => undefined, (e: unknown) => e);
    expect(error).toBeInstanceOf(NotFoundError);
    expect((error as Error).message).toBe("flavor 'm1.huge' not found in region RegionOne; available: m1.medium, m1.small");
  });

  it("reports every missing thing at once", async () => {
    const { client } = await fleet(world());
    const error = await resolveServerConfig(client, { image: "focal", flavor: "m1.huge", network: "prod" }).then(() => undefined, (e: unknown) => e);
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).problems.map((p) => p.path)).toStrictEqual(["image", "flavor", "network"]);
  });
});
