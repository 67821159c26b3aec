import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { CloudError, NotFoundError, QuotaError } from "../../src/manager/errors.js";
import { METADATA_KEYS } from "../../src/manager/ports.js";
import { CloudRunnerState } from "../../src/manager/types.js";
import { OpenStackClient } from "../../src/openstack/client.js";
import { OpenStackCloud, resolveServerConfig } from "../../src/openstack/cloud.js";
import { loadCloudConfig } from "../../src/openstack/clouds-yaml.js";
import { startSandbox, type Sandbox } from "../../src/sandbox/index.js";

let sandbox: Sandbox;
beforeAll(async () => {
  sandbox = await startSandbox({ bootDelayMs: 50, deleteDelayMs: 20 });
});
afterAll(async () => {
  await sandbox.close();
});
beforeEach(() => {
  sandbox.clearFaults();
  sandbox.setQuota({ instances: 10 });
  sandbox.resetRequests();
});

function client(cloud = "sandbox"): OpenStackClient {
  return new OpenStackClient({ cloud: loadCloudConfig({ cloudsYaml: sandbox.cloudsYaml, cloud, env: {} }), retry: { attempts: 3, baseDelayMs: 1 }, timeoutMs: 2000 });
}

function fleet(c: OpenStackClient, prefix: string): OpenStackCloud {
  return new OpenStackCloud({
    client: c, prefix, image: "ubuntu-24.04", flavor: "m1.small", network: "runners-net", securityGroups: ["default"],
    fingerprint: "fp", managerVersion: "test",
  });
}

const name = (prefix: string, n: number) => `${prefix}-${n.toString(16).padStart(12, "0")}`;

async function waitFor(cloud: OpenStackCloud, id: string, state: CloudRunnerState): Promise<void> {
  for (let i = 0; i < 100; i++) {
    if ((await cloud.getInstance(id))?.state === state) return;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error(`server ${id} never reached ${state}`);
}

describe("OpenStack client against the sandbox", () => {
  it.each([["password auth", "sandbox"], ["an application credential", "sandbox-appcred"]])("resolves the seeded image, flavor and network with %s", async (_name, cloud) => {
    const config = await resolveServerConfig(client(cloud), { image: "ubuntu-24.04", flavor: "m1.small", network: "runners-net", securityGroups: ["default"] });
    expect(config).toMatchObject({ flavorId: "1" });
    expect(config.imageId).toMatch(/^[0-9a-f-]{36}$/);
  });

  it("lists what exists when a flavor is unknown", async () => {
    const error = await client().nova.findFlavor("m1.huge").then(() => undefined, (e: unknown) => e);
    expect(error).toBeInstanceOf(NotFoundError);
    expect((error as Error).message).toBe("flavor 'm1.huge' not found in region RegionOne; available: m1.large, m1.medium, m1.small");
  });

  it("creates, lists, boots, reads the console of and deletes a runner VM", async () => {
    const cloud = fleet(client(), "itest-a");
    const created = await cloud.createInstance({ name: name("itest-a", 1), runnerId: 5, jitConfig: "not-a-real-jit" });
    const server = sandbox.servers().find((s) => s.id === created.id);
    expect(server?.metadata).toMatchObject({ [METADATA_KEYS.prefix]: "itest-a", [METADATA_KEYS.runnerId]: "5", [METADATA_KEYS.fingerprint]: "fp" });
    expect((await cloud.listInstances()).map((i) => [i.name, i.runnerId])).toStrictEqual([[name("itest-a", 1), 5]]);
    await waitFor(cloud, created.id, CloudRunnerState.Active);
    expect(typeof (await cloud.consoleOutput(created))).toBe("string");
    expect(await cloud.deleteInstance(created)).toBe("deleted");
    for (let i = 0; i < 100 && (await cloud.getInstance(created.id)); i++) await new Promise((r) => setTimeout(r, 20));
    expect(await cloud.deleteInstance(created)).toBe("gone");
  });

  it("reports a server Nova is still deleting as deleted, so it no longer counts as a runner", async () => {
    sandbox.setQuota({ instances: 10 });
    const cloud = fleet(client(), "gone");
    const created = await cloud.createInstance({ name: name("gone", 1), runnerId: 1, jitConfig: "x" });
    await cloud.deleteInstance(created);
    const listed = (await cloud.listInstances()).filter((i) => i.id === created.id);
    expect(listed.every((i) => i.state === CloudRunnerState.Deleted)).toBe(true);
  });

  it("keeps fleets with overlapping prefixes apart", async () => {
    const c = client();
    const [one, ten] = [fleet(c, "itest-1"), fleet(c, "itest-10")];
    await one.createInstance({ name: name("itest-1", 1), runnerId: 1, jitConfig: "j" });
    await ten.createInstance({ name: name("itest-10", 1), runnerId: 2, jitConfig: "j" });
    expect((await one.listInstances()).map((i) => i.name)).toStrictEqual([name("itest-1", 1)]);
    expect((await ten.listInstances()).map((i) => i.name)).toStrictEqual([name("itest-10", 1)]);
  });

  it("retries an idempotent list through a 503 but not a create", async () => {
    const c = client();
    const cloud = fleet(c, "itest-r");
    await cloud.serverConfig();
    sandbox.fault({ service: "compute", method: "GET", path: "/servers/detail", kind: "status", status: 503 });
    await expect(cloud.listInstances()).resolves.toStrictEqual([]);
    sandbox.fault({ service: "compute", method: "POST", path: "/servers$", kind: "status", status: 503 });
    const error = await cloud.createInstance({ name: name("itest-r", 1), runnerId: 1, jitConfig: "j" }).then(() => undefined, (e: unknown) => e);
    expect(error).toBeInstanceOf(CloudError);
    expect((error as CloudError).status).toBe(503);
    expect(sandbox.requests("compute").filter((r) => r.method === "POST" && r.path.endsWith("/servers"))).toHaveLength(1);
  });

  it("reports quota exhaustion as a QuotaError", async () => {
    sandbox.setQuota({ instances: 0 });
    const error = await fleet(client(), "itest-q").createInstance({ name: name("itest-q", 1), runnerId: 1, jitConfig: "j" }).then(() => undefined, (e: unknown) => e);
    expect(error).toBeInstanceOf(QuotaError);
    expect((error as Error).message).toContain("Quota exceeded for instances");
  });

  it("re-authenticates when the sandbox's short-lived tokens expire", async () => {
    sandbox.setTokenLifetime(1);
    const c = client();
    await c.nova.listServers("^nothing-");
    await new Promise((resolve) => setTimeout(resolve, 1100));
    await c.nova.listServers("^nothing-");
    expect(sandbox.requests("identity").filter((r) => r.method === "POST")).toHaveLength(2);
    sandbox.setTokenLifetime(3600);
  });
});
