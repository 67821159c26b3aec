/**
 * The runner manager's OpenStack integration against the selected target (./target.ts), built with
 * createFleetManager; its GitHub side is always the sandbox's simulated GitHub. A real fake-driver
 * VM runs no cloud-init, so its runner never comes online: the fleets use an hour of grace and of
 * creation timeout, and no assertion depends on the runner being online.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createFleetManager, type FleetManager } from "../../src/fleet/create-runner-manager.js";
import { METADATA_KEYS } from "../../src/manager/ports.js";
import { CloudRunnerState } from "../../src/manager/types.js";
import type { OpenStackClient } from "../../src/openstack/client.js";
import { VERSION } from "../../src/version.js";
import { waitFor } from "../support/wait.js";
import { clientOf, deleteServers, nova, runPrefix, waitForStatus } from "./api.js";
import { createBareServer, REFS } from "./fleet.js";
import { openTarget, TIMEOUT_MS, type ContractTarget } from "./target.js";

let target: ContractTarget;
let member: OpenStackClient;
const run = runPrefix("m");

beforeAll(async () => {
  target = await openTarget({ shutdownDelayMs: 20, github: { onlineDelayMs: 20 } });
  member = clientOf(target);
}, TIMEOUT_MS);
afterAll(async () => {
  await deleteServers(target, member, `^${run}-`);
  await target.close();
}, TIMEOUT_MS);

/** A fleet `run-tag` on the target's OpenStack and the sandbox's GitHub. */
function fleet(tag: string): FleetManager & { prefix: string } {
  const prefix = `${run}-${tag}`;
  const built = createFleetManager(
    {
      prefix, runners: 0, ...REFS, graceSeconds: 3600, creationTimeoutSeconds: 3600,
      github: { path: "acme/app", token: target.sandbox.githubToken, apiUrl: target.sandbox.githubUrl },
      openstack: { cloudsYaml: target.cloudsYaml, cloud: target.clouds.member },
    },
    { env: {}, retryAfterBaseMs: 5 },
  );
  return { ...built, prefix };
}

const vmsOf = (prefix: string) => member.nova.listServers(`^${prefix}-`);
const runnersOf = (prefix: string) => target.sandbox.githubRunners().filter((r) => r.name.startsWith(`${prefix}-`));

/** Creates `n` runners and waits until the manager sees all their VMs ACTIVE. */
async function createActive(f: FleetManager, n: number): Promise<void> {
  expect(await f.manager.createRunners(n)).toHaveLength(n);
  await waitFor(`${n} ACTIVE VMs`, async () => (await f.manager.getRunners({ cloudStates: [CloudRunnerState.Active] })).length === n, target.patienceMs, 100);
}

/** Waits until the fleet has no VM and no GitHub runner left. */
async function waitEmpty(prefix: string): Promise<void> {
  await waitFor("no VM left", async () => (await vmsOf(prefix)).length === 0, target.patienceMs, 100);
  expect(runnersOf(prefix)).toStrictEqual([]);
}

describe(`a fleet on ${process.env["RUNNER_FLEET_OPENSTACK"] ?? "sandbox"} OpenStack`, { timeout: TIMEOUT_MS }, () => {
  it("creates runners whose VMs carry the fleet's metadata, and lists them", async () => {
    const f = fleet("c");
    await createActive(f, 2);
    const vms = await vmsOf(f.prefix);
    const runners = runnersOf(f.prefix);
    expect(vms.map((v) => v.name).sort()).toStrictEqual(runners.map((r) => r.name).sort());
    for (const vm of vms) {
      expect(vm.metadata).toStrictEqual({
        [METADATA_KEYS.prefix]: f.prefix,
        [METADATA_KEYS.runnerId]: String(runners.find((r) => r.name === vm.name)?.id),
        [METADATA_KEYS.fingerprint]: f.cloud.fingerprint,
        [METADATA_KEYS.version]: VERSION,
      });
    }
    const listed = await f.manager.getRunners();
    expect(listed.map((r) => [r.serverId, r.cloudState]).sort()).toStrictEqual(vms.map((v) => [v.id, CloudRunnerState.Active]).sort());
    expect(listed.every((r) => r.githubState !== undefined && r.runnerId !== undefined)).toBe(true);
  });

  it("cleans up a VM that went to ERROR together with its runner", async () => {
    const f = fleet("e");
    await createActive(f, 1);
    const [vm] = await vmsOf(f.prefix);
    // A VM that fails after scheduling: the admin-only os-resetState is how to get one on demand.
    await nova(clientOf(target, "admin"), "POST", `/servers/${vm?.id}/action`, { "os-resetState": { state: "error" } });
    await waitFor("the VM in ERROR", async () => (await f.manager.getRunners())[0]?.cloudState === CloudRunnerState.Error, target.patienceMs, 100);
    const report = await f.manager.cleanupWithReport();
    expect(report.outcomes).toMatchObject([{ name: vm?.name, reason: "vm-error", runner: "deleted", vm: "deleted" }]);
    await waitEmpty(f.prefix);
  });

  it("cleans up a VM that was powered off together with its runner", async () => {
    const f = fleet("s");
    await createActive(f, 1);
    const [vm] = await vmsOf(f.prefix);
    await nova(member, "POST", `/servers/${vm?.id}/action`, { "os-stop": null });
    await waitForStatus(target, member, vm?.id ?? "", "SHUTOFF");
    const report = await f.manager.cleanupWithReport();
    expect(report.outcomes).toMatchObject([{ name: vm?.name, reason: "vm-stopped", runner: "deleted", vm: "deleted" }]);
    await waitEmpty(f.prefix);
  });

  it("keeps the newest of two VMs with one name and deletes the older", async () => {
    const f = fleet("d");
    await createActive(f, 1);
    const [original] = await vmsOf(f.prefix);
    if (!original) throw new Error("no VM created");
    // Nova's `created` has whole seconds: a duplicate in the same second would not be newer.
    await waitFor("the next second", () => Date.now() >= original.created.getTime() + 1000);
    const config = await f.cloud.serverConfig();
    const duplicate = await createBareServer(member, original.name, config.imageId, config.flavorId);
    await waitFor("the duplicate listed", async () => (await vmsOf(f.prefix)).length === 2, target.patienceMs, 100);
    const report = await f.manager.cleanupWithReport();
    expect(report.outcomes).toMatchObject([{ name: original.name, reason: "duplicate-vm", runner: "none", vm: "deleted" }]);
    await waitFor("only the duplicate left", async () => (await vmsOf(f.prefix)).map((v) => v.id).join() === duplicate, target.patienceMs, 100);
    expect(runnersOf(f.prefix).map((r) => r.name)).toStrictEqual([original.name]);
  });

  it("deletes runners with their VMs", async () => {
    const f = fleet("x");
    await createActive(f, 2);
    const report = await f.manager.deleteRunnersWithReport(2);
    expect(report.outcomes.map((o) => [o.reason, o.runner, o.vm])).toStrictEqual([
      ["scale-down", "deleted", "deleted"],
      ["scale-down", "deleted", "deleted"],
    ]);
    await waitEmpty(f.prefix);
  });
});
