/**
 * The e2e flow of a fleet program in another Pulumi language (python-fleet and yaml-fleet e2e
 * tests): the example goes up on the sandbox with the real engine, scales, flushes through its
 * trigger, previews unchanged and is destroyed, and no sandbox secret shows in the state or the
 * CLI's output. One describe block per example; its tests run in order on one stack.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Sandbox } from "../../src/sandbox/index.js";
import { PLUGIN_OPERATION_TYPE, PLUGIN_POOL_TYPE } from "../../src/pulumi/type-tokens.js";
import { expectFleetGone, expectNoSecret, initFleetStack, names, prefixOf, startE2eSandbox, vmsOf, waitForFleet } from "./fleet-e2e.js";
import { createExampleProject, type SdkLanguage } from "./language-project.js";
import { ENGINE_BUILD_TIMEOUT_MS, ensurePulumiEngine } from "./pulumi-engine.js";
import type { FleetStack, PreviewJson, PreviewStep, PulumiProject } from "./pulumi-project.js";

/** Whether a step changes nothing: `same`, or a refresh that read back what the state holds. */
const isNoChange = (step: PreviewStep): boolean => {
  if (step.op === "same") return true;
  const read = step.newState as { outputs?: unknown } | undefined;
  return step.op === "refresh" && step.oldState?.outputs !== undefined && JSON.stringify(step.oldState.outputs) === JSON.stringify(read?.outputs);
};

/** A preview's changes as `<op> <resource name>`, the default provider's creation left out. */
export const changesOf = (preview: PreviewJson): string[] =>
  preview.steps.filter((s) => !isNoChange(s) && !(s.urn.includes("::pulumi:providers:") && s.op === "create")).map((s) => `${s.op} ${s.urn.split("::").at(-1)}`);

/** The component's plan lines in a preview's diagnostics (`<prefix>: plan: 2 → 3 runners (+1)`). */
const planLinesOf = (preview: PreviewJson): string[] =>
  (preview.diagnostics ?? []).flatMap((d) => d.message.split("\n")).filter((l) => l.includes(": plan: "));

interface Outputs {
  prefix: string;
  runnerNames: string[];
  counts: { total: number; idle: number; busy: number; offline: number };
  operations: { flush?: Record<string, unknown> };
}

/** The whole flow of examples/<example> with the real engine, as a describe block. */
export function describeLanguageFleet(example: "python-fleet" | "yaml-fleet", language: SdkLanguage, stackName: string): void {
  describe(`examples/${example} with the real engine on the sandbox`, () => {
    let sandbox: Sandbox;
    let project: PulumiProject;
    let stack: FleetStack;
    const prefix = prefixOf(stackName);
    const outputs = async () => (await stack.outputs()) as unknown as Outputs;

    beforeAll(async () => {
      await ensurePulumiEngine();
      sandbox = await startE2eSandbox();
      project = await createExampleProject(example, language);
      stack = await initFleetStack(project, sandbox, stackName, { runners: 2 });
    }, ENGINE_BUILD_TIMEOUT_MS);

    afterAll(async () => {
      await stack?.destroy().catch(() => undefined);
      await sandbox?.close();
      await project?.remove();
    });

    it("creates the fleet: 2 VMs with online GitHub runners in the sandbox, and the component's outputs", async () => {
      await stack.up();
      const vms = await waitForFleet(sandbox, prefix, 2);
      const types = (await stack.resources()).map((r) => r.type);
      expect(types).toEqual(expect.arrayContaining(["runner-fleet:index:RunnerFleet", PLUGIN_POOL_TYPE, PLUGIN_OPERATION_TYPE, "pulumi:providers:runner-fleet"]));
      const { prefix: outPrefix, runnerNames, counts } = await outputs();
      expect(outPrefix).toBe(prefix);
      expect([...runnerNames].sort()).toEqual(vms);
      expect(counts).toEqual({ total: 2, idle: 2, busy: 0, offline: 0 });
    });

    it("keeps the sandbox's credentials out of the exported state", async () => {
      expectNoSecret(await stack.exportText(), sandbox, "the exported state");
    });

    it("previews 2 → 3 runners as an update of the pool alone, and up adds one runner", async () => {
      const before = names(vmsOf(sandbox, prefix));
      await stack.config("runners", 3);
      const preview = await stack.preview();
      expect(changesOf(preview)).toEqual(["update ci-pool"]);
      expect(planLinesOf(preview)).toEqual([expect.stringContaining(`${prefix}: plan: 2 → 3 runners (+1)`)]);
      await stack.up();
      expect(await waitForFleet(sandbox, prefix, 3)).toEqual(expect.arrayContaining(before));
      expect((await outputs()).counts.total).toBe(3);
    });

    it("runs a flush once through runner-fleet:flushTrigger, replacing the idle runners", async () => {
      const before = names(vmsOf(sandbox, prefix));
      await stack.config("runner-fleet:flushTrigger", `${language}-flush-1`);
      expect(changesOf(await stack.preview())).toEqual(["update ci-flush"]);
      await stack.up();
      const after = await waitForFleet(sandbox, prefix, 3);
      expect(after.filter((name) => before.includes(name))).toEqual([]);
      expect((await outputs()).operations.flush).toMatchObject({ trigger: `${language}-flush-1`, mode: "idle", deletedVms: 3 });
    });

    it("previews the unchanged stack with no change, refresh included", async () => {
      expect(changesOf(await stack.preview())).toEqual([]);
      expect(changesOf(await stack.preview({ refresh: true }))).toEqual([]);
    });

    it("destroys the fleet, leaving no VM and no GitHub runner, and never printed a secret", async () => {
      await stack.destroy();
      await expectFleetGone(sandbox, prefix);
      expect(await stack.resources()).toEqual([]);
      expectNoSecret(project.transcript.join("\n"), sandbox, `the CLI's output for examples/${example}`);
    });
  });
}
