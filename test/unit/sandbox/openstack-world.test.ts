import { describe, expect, it } from "vitest";
import { CloudWorld, type ServerInput } from "../../../src/sandbox/openstack-world.js";
import { userData } from "./openstack-fetch.js";

function makeWorld(accept = true) {
  let clock = 1_700_000_000_000;
  const calls: string[] = [];
  const world = new CloudWorld({
    now: () => clock,
    hooks: {
      runnerStarted: (vmId, jit) => {
        calls.push(`started ${vmId} ${jit}`);
        return accept;
      },
      vmGone: (vmId) => calls.push(`gone ${vmId}`),
    },
    bootDelayMs: 100,
    shutdownDelayMs: 50,
    deleteDelayMs: 100,
    quota: { instances: 10 },
  });
  return { world, calls, advance: (ms: number) => ((clock += ms), world.tick()) };
}

function input(userDataBase64: string | null): ServerInput {
  return {
    name: "vm",
    flavorId: "1",
    imageId: "img",
    networks: [{ id: "net", name: "runners-net" }],
    securityGroups: ["default"],
    keyName: null,
    metadata: {},
    tags: [],
    userData: userDataBase64,
    configDrive: false,
    description: null,
    projectId: "p",
    userId: "u",
  };
}

describe("the simulated cloud's VM lifecycle", () => {
  it("starts the runner with the JIT config from the user data when the VM boots", () => {
    const { world, calls, advance } = makeWorld();
    const s = world.createServer(input(userData("abc.DEF-123_=")));
    advance(99);
    expect(s.status).toBe("BUILD");
    advance(1);
    expect(s.status).toBe("ACTIVE");
    expect(calls).toStrictEqual([`started ${s.id} abc.DEF-123_=`]);
    expect(s.console.at(-1)).toBe(`RUNNER_FLEET_MARKER installed {"timestamp":${Math.floor((1_700_000_000_000 + 100) / 1000)}}`);
  });

  it("writes post-job and powers off when the runner exits", () => {
    const { world, calls, advance } = makeWorld();
    const s = world.createServer(input(userData("cfg")));
    advance(100);
    world.runnerExited(s.id, 0);
    expect(s.console.at(-1)).toMatch(/^RUNNER_FLEET_MARKER post-job \{"timestamp":\d+,"status":"normal"\}$/);
    advance(49);
    expect(s.status).toBe("ACTIVE");
    advance(1);
    expect(s.status).toBe("SHUTOFF");
    expect(calls.at(-1)).toBe(`gone ${s.id}`);
  });

  it("writes an abnormal post-job marker with the exit code when the runner fails", () => {
    const { world, advance } = makeWorld();
    const s = world.createServer(input(userData("cfg")));
    advance(100);
    world.runnerExited(s.id, 3);
    expect(s.console.at(-1)).toMatch(/"status":"abnormal","status_info":\{"code":3\}\}$/);
  });

  it("exits the runner at once when GitHub refuses the JIT config", () => {
    const { world, advance } = makeWorld(false);
    const s = world.createServer(input(userData("garbage")));
    advance(100);
    expect(s.console.at(-1)).toContain('"status":"abnormal"');
    advance(50);
    expect(s.status).toBe("SHUTOFF");
  });

  it("stays up without a runner when the user data has no JIT config, as when there is no user data", () => {
    const { world, calls, advance } = makeWorld();
    const noJit = world.createServer(input(Buffer.from("#!/bin/sh\necho hi\n").toString("base64")));
    const plain = world.createServer(input(null));
    advance(100);
    advance(60_000);
    expect([noJit.status, noJit.runner, plain.status, plain.runner]).toStrictEqual(["ACTIVE", "none", "ACTIVE", "none"]);
    expect(noJit.console.join("\n")).not.toContain("RUNNER_FLEET_MARKER");
    expect(calls).toStrictEqual([]);
  });

  it("tells GitHub the VM is gone once when it is deleted, and forgets it later", () => {
    const { world, calls, advance } = makeWorld();
    const s = world.createServer(input(userData("cfg")));
    advance(100);
    world.deleteServer(s.id);
    world.deleteServer(s.id);
    expect(calls.filter((c) => c.startsWith("gone"))).toHaveLength(1);
    world.runnerExited(s.id, 0);
    expect(s.console.join("\n")).not.toContain("post-job");
    advance(100);
    expect(world.servers.has(s.id)).toBe(false);
  });

  it("restores servers and counters when a snapshot is restored", () => {
    const { world, advance } = makeWorld();
    const s = world.createServer(input(userData("cfg")));
    world.failNext = 2;
    const snap = JSON.parse(JSON.stringify(world.snapshot())) as ReturnType<CloudWorld["snapshot"]>;
    const other = makeWorld();
    other.world.restore(snap);
    expect(other.world.servers.get(s.id)?.name).toBe("vm");
    expect(other.world.failNext).toBe(2);
    advance(100);
    expect(world.servers.get(s.id)?.status).toBe("ACTIVE");
  });
});
