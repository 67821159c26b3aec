import { describe, expect, it } from "vitest";
import type { FaultSpec } from "../../../src/sandbox/bridge.js";
import { FaultInjector } from "../../../src/sandbox/faults.js";
import { CloudWorld, type ServerInput } from "../../../src/sandbox/openstack-world.js";
import { startSandbox } from "../../../src/sandbox/index.js";

const nova: FaultSpec = { service: "compute", kind: "status", status: 503 };

/** Which of `n` identical requests the injector answers with a fault (their indexes). */
function hits(faults: FaultInjector, n: number, path = "/compute/v2.1/servers"): number[] {
  return Array.from({ length: n }, (_, i) => (faults.take("compute", "POST", path) ? i : -1)).filter((i) => i >= 0);
}

function makeWorld() {
  let clock = 1_700_000_000_000;
  const world = new CloudWorld({
    now: () => clock,
    hooks: { runnerStarted: () => true, vmGone: () => undefined },
    bootDelayMs: 100, shutdownDelayMs: 50, deleteDelayMs: 100, quota: { instances: 10_000 },
  });
  return { world, advance: (ms: number) => ((clock += ms), world.tick()) };
}

const input: ServerInput = {
  name: "vm", flavorId: "1", imageId: "img", networks: [{ id: "net", name: "runners-net" }], securityGroups: ["default"], keyName: null,
  metadata: {}, tags: [], userData: null, configDrive: false, description: null, projectId: "p", userId: "u",
};

/** Creates `n` servers, lets them boot, and returns which of them (by index) went to ERROR. */
function errored(world: CloudWorld, advance: (ms: number) => void, n: number): number[] {
  const servers = Array.from({ length: n }, () => world.createServer(input));
  advance(100);
  return servers.flatMap((s, i) => (s.status === "ERROR" ? [i] : []));
}

describe("FaultInjector with a rate", () => {
  it("affects about `rate` of the matching requests, and keeps going when no count is given", () => {
    const faults = new FaultInjector();
    faults.add({ ...nova, rate: 0.05 });
    const hit = hits(faults, 10_000);
    expect(hit.length).toBeGreaterThan(400);
    expect(hit.length).toBeLessThan(600);
    expect(faults.size()).toBe(1);
  });

  it("fails the same requests for the same seed and other ones for another seed", () => {
    const run = (seed?: number) => {
      const faults = new FaultInjector();
      faults.add({ ...nova, rate: 0.2, ...(seed === undefined ? {} : { seed }) });
      return hits(faults, 200);
    };
    expect(run()).toStrictEqual(run(1));
    expect(run(7)).toStrictEqual(run(7));
    expect(run(7)).not.toStrictEqual(run(1));
  });

  it.each([
    ["rate 0 affects nothing", 0, 0],
    ["rate 1 affects every request", 1, 50],
  ])("%s", (_name, rate, expected) => {
    const faults = new FaultInjector();
    faults.add({ ...nova, rate });
    expect(hits(faults, 50)).toHaveLength(expected);
  });

  it("stops after `count` affected requests", () => {
    const faults = new FaultInjector();
    faults.add({ ...nova, rate: 0.5, count: 3 });
    expect(hits(faults, 100)).toHaveLength(3);
    expect(faults.size()).toBe(0);
  });

  it("lets a request the draw spares go on to the next armed fault", () => {
    const faults = new FaultInjector();
    faults.add({ ...nova, rate: 0.5 });
    faults.add({ ...nova, status: 500, count: Infinity });
    const statuses = Array.from({ length: 100 }, () => faults.take("compute", "POST", "/compute/v2.1/servers")?.status);
    expect(new Set(statuses)).toStrictEqual(new Set([503, 500]));
  });

  it("draws only for requests the fault matches", () => {
    const faults = new FaultInjector();
    faults.add({ ...nova, rate: 0.3, path: "/servers$" });
    const mixed = Array.from({ length: 400 }, (_, i) => faults.take("compute", "POST", i % 2 ? "/compute/v2.1/servers" : "/compute/v2.1/flavors"));
    const alone = new FaultInjector();
    alone.add({ ...nova, rate: 0.3, path: "/servers$" });
    expect(mixed.filter((_, i) => i % 2).map(Boolean)).toStrictEqual(Array.from({ length: 200 }, () => Boolean(alone.take("compute", "POST", "/compute/v2.1/servers"))));
    expect(mixed.filter((_, i) => i % 2 === 0).every((f) => f === undefined)).toBe(true);
  });

  it.each([
    ["a rate above 1", { rate: 1.5 }, /rate must be a number from 0 to 1/],
    ["a negative rate", { rate: -0.1 }, /rate must be a number from 0 to 1/],
    ["a fractional seed", { rate: 0.1, seed: 1.5 }, /seed must be an integer/],
  ])("refuses %s when the fault is added", (_name, extra, message) => {
    expect(() => new FaultInjector().add({ ...nova, ...extra })).toThrow(message);
  });
});

describe("CloudWorld.setErrorRate", () => {
  it("sends about `rate` of new servers to ERROR with Nova's scheduling fault", () => {
    const { world, advance } = makeWorld();
    world.setErrorRate(0.03);
    const failed = errored(world, advance, 2000);
    expect(failed.length).toBeGreaterThan(30);
    expect(failed.length).toBeLessThan(90);
    const s = [...world.servers.values()][failed[0]!]!;
    expect(s.fault?.message).toBe("No valid host was found.");
  });

  it("fails the same servers for the same seed", () => {
    const run = (seed: number) => {
      const { world, advance } = makeWorld();
      world.setErrorRate(0.1, seed);
      return errored(world, advance, 300);
    };
    expect(run(3)).toStrictEqual(run(3));
    expect(run(3)).not.toStrictEqual(run(4));
  });

  it("turns off with rate 0 and leaves failNextServers working", () => {
    const { world, advance } = makeWorld();
    world.setErrorRate(1);
    expect(errored(world, advance, 5)).toHaveLength(5);
    world.setErrorRate(0);
    world.failNext = 1;
    expect(errored(world, advance, 5)).toStrictEqual([0]);
  });

  it("refuses a rate outside 0–1", () => {
    expect(() => makeWorld().world.setErrorRate(2)).toThrow(/error rate must be a number from 0 to 1/);
  });
});

describe("the sandbox's fault-rate controls", () => {
  it("answers about `rate` of Nova requests with the fault and fails servers at the set rate", async () => {
    const sandbox = await startSandbox({ bootDelayMs: 0, tickMs: 5 });
    try {
      sandbox.fault({ service: "compute", path: "/flavors", kind: "status", status: 503, rate: 0.5, seed: 2 });
      const statuses = [];
      for (let i = 0; i < 40; i++) statuses.push((await fetch(`${sandbox.openstackUrl}/compute/v2.1/flavors`)).status);
      expect(statuses.filter((s) => s === 503).length).toBeGreaterThan(5);
      expect(statuses.filter((s) => s === 503).length).toBeLessThan(35);
      expect(() => sandbox.failServersAtRate(-1)).toThrow(/error rate/);
    } finally {
      await sandbox.close();
    }
  });
});
