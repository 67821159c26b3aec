/**
 * Bad input through the real `pulumi` CLI: the runner pool's `check` fails `preview` (and `up`)
 * with a message that says what is wrong and what would be right, before anything is created.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Sandbox } from "../../src/sandbox/index.js";
import { expectNoSecret, initFleetStack, prefixOf, runnersOf, startE2eSandbox, vmsOf } from "../support/fleet-e2e.js";
import { ENGINE_BUILD_TIMEOUT_MS, ensurePulumiEngine } from "../support/pulumi-engine.js";
import { createFleetProject, POOL_TYPE, type PulumiProject } from "../support/pulumi-project.js";

let sandbox: Sandbox;
let project: PulumiProject;

beforeAll(async () => {
  await ensurePulumiEngine();
  [sandbox, project] = await Promise.all([startE2eSandbox(), createFleetProject()]);
}, ENGINE_BUILD_TIMEOUT_MS);

afterAll(async () => {
  await sandbox?.close();
  await project?.remove();
});

/** Requests that could have changed something (Keystone token requests are POSTs that create nothing). */
const writes = () => sandbox.requests().filter((r) => r.service !== "identity" && r.method !== "GET");

describe("bad input to a fleet", () => {
  it("`preview` and `up` fail with the flavor check's message listing the available flavors, and nothing is created, when the flavor does not exist", async () => {
    const stack = await initFleetStack(project, sandbox, "huge", { runners: 2, flavor: "m1.huge" });
    sandbox.resetRequests();

    const preview = await stack.failedPreview();

    const printed = preview.stdout + preview.stderr;
    expect(printed).toMatch(/flavor 'm1\.huge' not found[^\n]*; available: [^\n]*m1\.small/);
    expect(printed).toContain("ci-pool");

    const up = await stack.run(["up", "--yes", "--skip-preview"], { allowFailure: true });
    expect(up.code).not.toBe(0);
    expect(up.stdout + up.stderr).toContain("flavor 'm1.huge' not found");

    expect(vmsOf(sandbox, prefixOf("huge"))).toEqual([]);
    expect(runnersOf(sandbox, prefixOf("huge"))).toEqual([]);
    expect(writes()).toEqual([]);
    expect((await stack.resources()).filter((r) => r.type === POOL_TYPE)).toEqual([]);
    expectNoSecret(printed + up.stdout + up.stderr, sandbox, "the failed preview and up");
  });

  it("`preview` fails with the GitHub path check's message, without any API call, when the repository path is malformed", async () => {
    const stack = await initFleetStack(project, sandbox, "badpath", { runners: 2, repository: "acme/app/extra" });
    sandbox.resetRequests();

    const preview = await stack.failedPreview();

    const printed = preview.stdout + preview.stderr;
    expect(printed).toContain("'acme/app/extra' is not a GitHub path: use 'org' or 'owner/repo' or 'enterprise:slug'");
    expect(vmsOf(sandbox, prefixOf("badpath"))).toEqual([]);
    expect(runnersOf(sandbox, prefixOf("badpath"))).toEqual([]);
    // The path is checked before any name is looked up in the cloud.
    expect(sandbox.requests()).toEqual([]);
    expectNoSecret(printed, sandbox, "the failed preview");
  });

  it("`preview` reports every problem at once when the runner count is negative and the GitHub path is malformed", async () => {
    const stack = await initFleetStack(project, sandbox, "badboth", { runners: -1, repository: "https://github.com/acme/app" });
    sandbox.resetRequests();

    const preview = await stack.failedPreview();

    const printed = preview.stdout + preview.stderr;
    expect(printed).toContain("runners: must be ≥ 0");
    expect(printed).toContain("write the path without the URL, e.g. 'owner/repo'");
    expect(vmsOf(sandbox, prefixOf("badboth"))).toEqual([]);
    expect(sandbox.requests()).toEqual([]);
  });
});
