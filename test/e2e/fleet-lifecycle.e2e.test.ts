/**
 * A fleet's whole life through the real `pulumi` CLI (on-disk program, language host, the
 * dynamic-provider launcher, a local file backend): preview, up, an unchanged preview that makes
 * no API call, the exported state's secrets, and a draining destroy. The sandbox runs in this
 * process; the provider process reaches it over loopback HTTP.
 */
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Sandbox } from "../../src/sandbox/index.js";
import {
  expectFleetGone,
  expectNoSecret,
  initFleetStack,
  jobsEnded,
  liveVmsOf,
  names,
  onlineRunnersOf,
  prefixOf,
  runnersOf,
  startE2eSandbox,
  startJobs,
  vmsOf,
} from "../support/fleet-e2e.js";
import { ENGINE_BUILD_TIMEOUT_MS, ensurePulumiEngine } from "../support/pulumi-engine.js";
import { createFleetProject, FLEET_TYPE, type FleetStack, OPERATION_TYPE, opsOf, POOL_TYPE, type PulumiProject } from "../support/pulumi-project.js";

let sandbox: Sandbox;
let project: PulumiProject;
let stack: FleetStack;
const prefix = prefixOf("life");

beforeAll(async () => {
  await ensurePulumiEngine();
  [sandbox, project] = await Promise.all([startE2eSandbox(), createFleetProject()]);
  stack = await initFleetStack(project, sandbox, "life", { runners: 3 });
}, ENGINE_BUILD_TIMEOUT_MS);

afterAll(async () => {
  await stack?.destroy().catch(() => undefined);
  await sandbox?.close();
  await project?.remove();
});

describe("a fleet's life through the pulumi CLI", () => {
  it("`preview` shows the fleet, its runner pool and its two operations as creates, and creates nothing, when the fleet is new", async () => {
    const preview = await stack.preview();

    expect(opsOf(preview, FLEET_TYPE)).toEqual(["create"]);
    expect(opsOf(preview, POOL_TYPE)).toEqual(["create"]);
    expect(opsOf(preview, OPERATION_TYPE)).toEqual(["create", "create"]);
    expect(preview.changeSummary).toEqual({ create: 5 }); // with the stack itself
    const pool = preview.steps.find((s) => s.newState?.type === POOL_TYPE);
    expect(pool?.newState?.inputs).toMatchObject({ prefix, runners: 3, flavor: "m1.small", github: { path: "acme/life" } });
    // check() looked the names up (GETs), nothing more.
    expect(vmsOf(sandbox, prefix)).toEqual([]);
    expect(runnersOf(sandbox, prefix)).toEqual([]);
    expect(sandbox.requests().filter((r) => r.service !== "identity" && r.method !== "GET")).toEqual([]);
  });

  it("`up` creates 3 runners that are online in the sandbox when it returns (waitFor: online)", async () => {
    await stack.up();

    const outputs = (await stack.outputs()) as { prefix: string; runnerNames: string[]; counts: Record<string, number> };
    expect(outputs.prefix).toBe(prefix);
    expect(outputs.counts).toEqual({ total: 3, idle: 3, busy: 0, offline: 0 });
    expect(names(liveVmsOf(sandbox, prefix))).toEqual(outputs.runnerNames);
    expect(names(onlineRunnersOf(sandbox, prefix))).toEqual(outputs.runnerNames);
    expect(vmsOf(sandbox, prefix).map((vm) => vm.status)).toEqual(["ACTIVE", "ACTIVE", "ACTIVE"]);
  });

  it("`preview` shows no change and makes no API call when the fleet is unchanged and refresh is off", async () => {
    sandbox.resetRequests();

    const preview = await stack.preview({ refresh: false });

    expect(preview.changeSummary).toEqual({ same: 5 });
    expect(preview.steps.filter((s) => s.op !== "same")).toEqual([]);
    expect(sandbox.requests()).toEqual([]);
  });

  it("`preview --refresh` reads the fleet but still shows no change when nothing drifted", async () => {
    sandbox.resetRequests();

    const preview = await stack.preview({ refresh: true });

    expect(preview.changeSummary).toEqual({ same: 5 });
    // The refresh read the runners (GETs only): reading changes nothing.
    expect(sandbox.requests().length).toBeGreaterThan(0);
    expect(sandbox.requests().filter((r) => r.service !== "identity" && r.method !== "GET")).toEqual([]);
  });

  it("the exported state holds no plaintext token, password or clouds.yaml when exported by default or with --show-secrets=false", async () => {
    for (const showSecrets of [undefined, false]) {
      const text = await stack.exportText(showSecrets === undefined ? {} : { showSecrets });
      expectNoSecret(text, sandbox, `pulumi stack export${showSecrets === undefined ? "" : " --show-secrets=false"}`);
      // The credentials are in the state, encrypted: an object with a ciphertext, not the values.
      const pool = (JSON.parse(text) as { deployment: { resources: { type: string; outputs?: Record<string, unknown> }[] } }).deployment.resources.find((r) => r.type === POOL_TYPE);
      expect(pool?.outputs?.credentials).toMatchObject({ ciphertext: expect.any(String) });
    }
    // The stack's config file holds them encrypted too.
    expectNoSecret(await readFile(join(project.dir, "Pulumi.life.yaml"), "utf8"), sandbox, "Pulumi.life.yaml");
    // Sanity: the secrets are there for whoever asks with the passphrase, so the checks above can fail.
    expect(await stack.exportText({ showSecrets: true })).toContain(sandbox.githubToken);
  });

  it("`destroy` lets the busy runner's job finish, then leaves no VM and no GitHub runner of the fleet, when a job is running", async () => {
    const [job] = await startJobs(sandbox, "life", 1, 12_000);

    await stack.destroy();

    const [ended] = await jobsEnded(sandbox, [job!]);
    expect(ended).toMatchObject({ status: "completed", conclusion: "success" });
    await expectFleetGone(sandbox, prefix);
    const left = (await stack.resources()).filter((r) => [FLEET_TYPE, POOL_TYPE, OPERATION_TYPE].includes(r.type));
    expect(left).toEqual([]);
  });

  it("no output of the CLI shows a token, password or clouds.yaml when previews, updates and destroy print the provider's logs", () => {
    expect(project.transcript.join("").length).toBeGreaterThan(0);
    expectNoSecret(project.transcript.join("\n"), sandbox, "the CLI's output");
  });
});
