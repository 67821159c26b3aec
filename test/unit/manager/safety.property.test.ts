import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { CloudRunnerState, FlushMode } from "../../../src/manager/types.js";
import { fleet } from "../../fakes/fleet.js";

// Random fleets with GitHub's lagging busy flag, jobs arriving between our listing and our
// delete, other fleets sharing the project, and random VM ages: the safety rules must hold.

const alive = [CloudRunnerState.Active, CloudRunnerState.Created] as const;

const runnerArb = fc.record({
  vm: fc.boolean(),
  github: fc.boolean(),
  state: fc.constantFrom(CloudRunnerState.Active, CloudRunnerState.Created, CloudRunnerState.Error, CloudRunnerState.Stopped),
  online: fc.boolean(),
  listedBusy: fc.boolean(),
  trueBusy: fc.boolean(),
  /** A job lands on this runner after we listed it, before we delete it. */
  jobArrivesLate: fc.boolean(),
  ageSeconds: fc.integer({ min: 0, max: 3000 }),
});

const operationArb = fc.oneof(
  fc.record({ kind: fc.constant("soft-delete" as const), num: fc.integer({ min: 0, max: 12 }) }),
  fc.record({ kind: fc.constant("flush-idle" as const) }),
  fc.record({ kind: fc.constant("cleanup" as const) }),
);

const neighbourArb = fc.record({
  name: fc.constantFrom("ci-10-0123456789ab", "ci-1-x-0123456789ab", "ci-0123456789ab", "other-0123456789ab"),
  state: fc.constantFrom(CloudRunnerState.Active, CloudRunnerState.Error, CloudRunnerState.Stopped),
  online: fc.boolean(),
});

describe("runner manager safety", () => {
  it("never deletes the VM of a runner running a job in soft scale-down, FlushIdle or cleanup, nor touches another fleet", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(runnerArb, { maxLength: 10 }),
        fc.array(neighbourArb, { maxLength: 4 }),
        fc.array(operationArb, { minLength: 1, maxLength: 3 }),
        async (runners, neighbours, operations) => {
          const f = fleet("ci-1");
          const killedBusy: string[] = [];
          for (const r of runners) {
            if (!r.vm && !r.github) continue;
            // A runner that truly runs a job is registered and has a live VM.
            const trueBusy = r.trueBusy && r.vm && r.github && alive.includes(r.state as (typeof alive)[number]);
            const added = f.add({
              vm: r.vm, github: r.github, state: r.state, online: r.online || trueBusy, busy: r.listedBusy, trueBusy, ageSeconds: r.ageSeconds,
            });
            if (added.runner && r.jobArrivesLate && added.vm && alive.includes(r.state as (typeof alive)[number])) {
              const runner = added.runner;
              const previous = f.platform.beforeDelete;
              f.platform.beforeDelete = (target) => {
                previous?.(target);
                if (target.id === runner.id && runner.online) runner.trueBusy = true;
              };
            }
          }
          for (const n of neighbours) {
            f.cloud.add({ name: n.name, state: n.state, createdAt: f.ago(5000) });
            f.platform.add({ name: n.name, online: n.online });
          }
          const neighbourVms = [...f.cloud.vms.values()].filter((v) => !v.name.startsWith("ci-1-") || v.name.startsWith("ci-1-x"));
          const deleteInstance = f.cloud.deleteInstance.bind(f.cloud);
          f.cloud.deleteInstance = async (instance) => {
            const runner = instance.runnerId === undefined ? undefined : f.platform.runners.get(instance.runnerId);
            if (runner?.trueBusy) killedBusy.push(instance.name);
            return deleteInstance(instance);
          };
          for (const op of operations) {
            if (op.kind === "soft-delete") await f.manager.deleteRunners(op.num, { soft: true });
            else if (op.kind === "flush-idle") await f.manager.flushRunners(FlushMode.FlushIdle);
            else await f.manager.cleanup();
          }
          expect(killedBusy).toEqual([]);
          for (const vm of neighbourVms) expect(f.cloud.vms.has(vm.id)).toBe(true);
          for (const n of neighbours) expect(f.platform.byName(n.name)).toBeDefined();
        },
      ),
      { numRuns: 300 },
    );
  });

  it("leaves no orphan after one cleanup following any soft scale-down", async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(runnerArb, { maxLength: 8 }), fc.integer({ min: 0, max: 8 }), async (runners, num) => {
        const f = fleet("ci");
        for (const r of runners) {
          if (!r.vm && !r.github) continue;
          // Only a runner on a live VM can truly be running a job; the listed flag may say anything.
          const trueBusy = r.trueBusy && r.vm && alive.includes(r.state as (typeof alive)[number]);
          f.add({
            vm: r.vm, github: r.github, state: r.state, online: r.online || trueBusy, busy: r.listedBusy, trueBusy, ageSeconds: Math.max(r.ageSeconds, 61),
          });
        }
        await f.manager.deleteRunners(num, { soft: true });
        await f.manager.cleanup();
        const vmNames = new Set(f.vmNames());
        // Every GitHub runner left has a VM, and every VM left is alive and registered.
        for (const name of f.runnerNames()) expect(vmNames.has(name)).toBe(true);
        for (const vm of f.cloud.vms.values()) {
          expect(alive).toContain(vm.state);
          expect(f.platform.byName(vm.name)).toBeDefined();
        }
      }),
      { numRuns: 200 },
    );
  });
});
