/**
 * The RunnerFleet component under `pulumi.runtime.setMocks`: its children and their parents, the
 * pool's inputs (defaults, secrets), outputs, the optional @pulumi/openstack security group, and
 * the example programs. The providers themselves are never called under mocks (pool-*.test.ts).
 */
import { existsSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import * as pulumi from "@pulumi/pulumi";
import fc from "fast-check";
import { parse } from "yaml";
import { beforeAll, describe, expect, it } from "vitest";
import { PREFIX_PATTERN } from "../../../src/manager/naming.js";
import type { RunnerFleetArgs } from "../../../src/pulumi/fleet-args.js";
import { isSecret, only, reveal, startMocks, valueOf } from "./mocks.js";
import {
  APP_KEY, COUNTS, FLEET, type FleetModules, loadModules, NAMES, OPERATION, outputsOf, PASSWORD, POOL, poolInputs, ROOT, runUnderMocks,
  SEC_GROUP, SEC_GROUP_RULE, TOKEN, withoutCredentials,
} from "./mocks-fleet.js";
import { requiredConfigKeys, typeErrors } from "./mocks-programs.js";

let fleetModule: FleetModules;

beforeAll(async () => {
  fleetModule = await loadModules();
});

function required(overrides: Partial<RunnerFleetArgs> = {}): RunnerFleetArgs {
  return { runners: 2, image: "ubuntu-24.04", flavor: "m1.small", network: "runners-net", github: { path: "acme/app", token: pulumi.secret(TOKEN) }, ...overrides };
}

/** Builds a fleet named `ci` on stack `dev` (after whatever `args` registers) and waits for every registration. */
async function build(args: RunnerFleetArgs | ((os: FleetModules["openstack"]) => RunnerFleetArgs)) {
  const recording = await startMocks({ outputsOf });
  const fleet = new fleetModule.RunnerFleet("ci", typeof args === "function" ? args(fleetModule.openstack) : args);
  const resources = await recording.settled();
  return { fleet, resources, recording, fleetUrn: only(resources, FLEET).urn, pool: only(resources, POOL) };
}

const BASIC = { runners: "2", image: "ubuntu-24.04", flavor: "m1.small", network: "runners-net", githubPath: "acme/app", githubToken: TOKEN };
const CLOUDS_YAML = `clouds:\n  sandbox:\n    auth:\n      password: ${PASSWORD}\n`;
const SANDBOX = { githubUrl: "http://127.0.0.1:40001", githubToken: TOKEN, cloudsYaml: CLOUDS_YAML };
const runExample = (program: string, project: string, config: Record<string, string>, secrets: string[] = []) =>
  runUnderMocks(fleetModule, program, project, config, secrets);

describe("RunnerFleet children", () => {
  it("parents the runner pool to a runner-fleet:index:RunnerFleet when only the required args are given", async () => {
    const { resources, fleetUrn, pool } = await build(required());
    expect(resources.map((r) => r.type).sort()).toEqual([POOL, FLEET]);
    expect(pool).toMatchObject({ name: "ci-pool", parent: fleetUrn });
    expect(fleetUrn).toBe(`urn:pulumi:dev::proj::${FLEET}::ci`);
  });

  it.each([
    { given: "flush", args: { flush: { trigger: "t1", mode: "busy" as const } }, operations: { "ci-flush": { kind: "flush", trigger: "t1", mode: "busy" } } },
    { given: "cleanup", args: { cleanup: { trigger: "t2" } }, operations: { "ci-cleanup": { kind: "cleanup", trigger: "t2" } } },
    {
      given: "flush and cleanup",
      args: { flush: { trigger: "t1" }, cleanup: { trigger: "t2" } },
      operations: { "ci-flush": { kind: "flush", trigger: "t1" }, "ci-cleanup": { kind: "cleanup", trigger: "t2" } },
    },
  ])("adds FleetOperation children that depend on the pool when $given is given", async ({ args, operations }) => {
    const { resources, fleetUrn, pool } = await build(required(args));
    const ops = resources.filter((r) => r.type === OPERATION);
    expect(ops.map((r) => r.name).sort()).toEqual(Object.keys(operations).sort());
    for (const op of ops) {
      expect(op).toMatchObject({ parent: fleetUrn, additionalSecretOutputs: ["pool"] });
      expect(op.dependencies).toContain(pool.urn);
      expect(reveal(op.inputs)).toMatchObject(operations[op.name as keyof typeof operations] ?? {});
      // The operation builds its own manager from the pool's description, credentials included.
      expect(isSecret(op.inputs.pool)).toBe(true);
      expect(reveal(op.inputs.pool)).toMatchObject({ prefix: "dev-ci", credentials: { githubToken: TOKEN } });
    }
  });
});

describe("RunnerFleet pool inputs", () => {
  it("applies the defaults when only the required args are given", async () => {
    const { pool } = await build(required());
    expect(poolInputs(pool)).toEqual({
      prefix: "dev-ci",
      name: "dev-ci",
      runners: 2,
      image: "ubuntu-24.04",
      flavor: "m1.small",
      network: "runners-net",
      labels: [],
      securityGroups: [],
      github: { path: "acme/app" },
      openstack: {},
      vm: {},
      waitFor: "none",
      waitTimeoutSeconds: 600,
      destroyPolicy: { mode: "drain", timeoutSeconds: 600 },
      credentials: { githubToken: TOKEN },
    });
  });

  it("passes every given arg through", async () => {
    const given = required({
      prefix: "ci-small",
      labels: ["small"],
      securityGroups: ["default"],
      keyName: "ops",
      maxRunners: 5,
      createConcurrency: 3,
      waitFor: "online",
      waitTimeoutSeconds: 90,
      destroyPolicy: { mode: "force", timeoutSeconds: 30 },
      userData: { preJobScript: "echo hi", proxy: { http: "http://proxy:3128" } },
      metricsFile: "metrics.jsonl",
      github: { path: "acme", runnerGroup: "linux", apiUrl: "https://ghe.example/api/v3", token: pulumi.secret(TOKEN) },
      openstack: { cloud: "mycloud", region: "RegionTwo" },
    });
    const { pool } = await build(given);
    expect(poolInputs(pool)).toMatchObject({
      prefix: "ci-small",
      name: "ci-small",
      labels: ["small"],
      securityGroups: ["default"],
      keyName: "ops",
      maxRunners: 5,
      createConcurrency: 3,
      waitFor: "online",
      waitTimeoutSeconds: 90,
      destroyPolicy: { mode: "force", timeoutSeconds: 30 },
      vm: { preJobScript: "echo hi", proxy: { http: "http://proxy:3128" } },
      metricsFile: "metrics.jsonl",
      github: { path: "acme", runnerGroup: "linux", apiUrl: "https://ghe.example/api/v3" },
      openstack: { cloud: "mycloud", region: "RegionTwo" },
    });
  });

  it("passes autoscale through to the pool's inputs as plain values, every field an Input", async () => {
    const schedule = [{ days: "mon-fri", from: "08:00", to: "18:00", timezone: "Europe/Berlin", minIdle: 3 }];
    const { pool } = await build(required({ autoscale: { minIdle: pulumi.output(1), max: 10, idleTimeoutSeconds: pulumi.output(120), schedule: pulumi.output(schedule) } }));
    expect(poolInputs(pool)).toMatchObject({ runners: 2, autoscale: { minIdle: 1, max: 10, idleTimeoutSeconds: 120, schedule } });
    expect(isSecret(pool.inputs.autoscale)).toBe(false);
  });

  it("lets runners be left out when autoscale is given, leaving the floor to the pool's check", async () => {
    const { image, flavor, network, github } = required();
    const { pool, fleet } = await build({ image, flavor, network, github, autoscale: pulumi.output({ minIdle: 1, max: 10 }) });
    expect(poolInputs(pool)).not.toHaveProperty("runners");
    expect(poolInputs(pool).autoscale).toEqual({ minIdle: 1, max: 10 });
    expect(await valueOf(fleet.counts)).toEqual(COUNTS);
  });

  it("adds no autoscale input to a fixed fleet, so its state diffs as before", async () => {
    const { pool } = await build(required());
    expect(Object.keys(pool.inputs)).not.toContain("autoscale");
  });

  it("requires runners at the type level unless autoscale is given", () => {
    const { runners: _, ...shared } = required();
    // @ts-expect-error neither runners nor autoscale: the fleet would have no size
    const sizeless: RunnerFleetArgs = shared;
    const autoscaled: RunnerFleetArgs = { ...shared, autoscale: { minIdle: 0, max: 3 } };
    expect([sizeless, autoscaled].map((args) => "runners" in args)).toEqual([false, false]);
  });

  it("registers the pool with its provider module, which holds no secret", async () => {
    const { pool } = await build(required());
    const provider = pool.inputs.__provider;
    expect(typeof provider).toBe("string"); // a secret would arrive wrapped
    expect(provider).toContain('require("runner-fleet/pulumi-provider")');
    expect(provider).not.toContain(TOKEN);
  });
});

describe("RunnerFleet secrets", () => {
  it("keeps the GitHub token only under the pool's credentials input, which is secret", async () => {
    const { pool } = await build(required());
    expect(isSecret(pool.inputs.credentials)).toBe(true);
    expect(reveal(pool.inputs.credentials)).toEqual({ githubToken: TOKEN });
    expect(withoutCredentials(pool)).not.toContain(TOKEN);
  });

  it("keeps every other pool input plain, so previews and state stay readable", async () => {
    const { pool } = await build(required());
    const secret = Object.keys(pool.inputs).filter((k) => isSecret(pool.inputs[k]));
    expect(secret).toEqual(["credentials"]);
  });

  it("asks the engine to keep the pool's credentials output secret", async () => {
    const { pool } = await build(required());
    expect(pool.additionalSecretOutputs).toEqual(["credentials"]);
  });

  it("keeps a GitHub App's private key only under credentials", async () => {
    const app = { appId: 123, installationId: 456, privateKey: pulumi.secret(APP_KEY) };
    const { pool } = await build(required({ github: { path: "acme", app } }));
    expect(isSecret(pool.inputs.credentials)).toBe(true);
    expect(reveal(pool.inputs.credentials)).toEqual({ githubApp: { appId: 123, installationId: 456, privateKey: APP_KEY } });
    expect(withoutCredentials(pool)).not.toContain("unit-test-key");
  });

  it("turns openstack.auth into a clouds.yaml under credentials and points the pool at that cloud", async () => {
    const auth = { authUrl: "https://keystone.example/v3", username: "ci", password: pulumi.secret(PASSWORD), projectName: "runners" };
    const { pool } = await build(required({ openstack: { auth, region: "RegionOne" } }));
    const { cloudsYaml } = reveal(pool.inputs.credentials) as { cloudsYaml: string };
    expect(parse(cloudsYaml)).toEqual({
      clouds: {
        "runner-fleet": {
          auth: { auth_url: "https://keystone.example/v3", username: "ci", password: PASSWORD, project_name: "runners", user_domain_name: "Default", project_domain_name: "Default" },
          region_name: "RegionOne",
        },
      },
    });
    expect(poolInputs(pool).openstack).toEqual({ cloud: "runner-fleet", region: "RegionOne" });
    expect(withoutCredentials(pool)).not.toContain(PASSWORD);
  });

  it("keeps a clouds.yaml text only under credentials", async () => {
    const cloudsYaml = `clouds:\n  mycloud:\n    auth:\n      password: ${PASSWORD}\n`;
    const { pool } = await build(required({ openstack: { cloud: "mycloud", cloudsYaml: pulumi.secret(cloudsYaml) } }));
    expect(reveal(pool.inputs.credentials)).toEqual({ githubToken: TOKEN, cloudsYaml });
    expect(withoutCredentials(pool)).not.toContain(PASSWORD);
  });
});

describe("RunnerFleet outputs", () => {
  it("exposes the pool's prefix, runner names and counts and the operations' last runs, and registers them", async () => {
    const { fleet, recording, fleetUrn } = await build(required({ flush: { trigger: "t1" }, cleanup: { trigger: "t1" } }));
    expect(await valueOf(fleet.prefix)).toBe("dev-ci");
    expect(await valueOf(fleet.runnerNames)).toEqual(NAMES);
    expect(await valueOf(fleet.counts)).toEqual(COUNTS);
    expect(await valueOf(fleet.operations)).toEqual({
      flush: { trigger: "t1", kind: "flush", deletedVms: 1 },
      cleanup: { trigger: "t1", kind: "cleanup", deletedVms: 1 },
    });
    expect(Object.keys(recording.registeredOutputs(fleetUrn) ?? {}).sort()).toEqual(["counts", "operations", "prefix", "runnerNames"]);
  });

  it("reports no operations when neither flush nor cleanup is given", async () => {
    const { fleet } = await build(required());
    expect(await valueOf(fleet.operations)).toEqual({});
  });
});

describe("RunnerFleet with @pulumi/openstack", () => {
  it("creates an egress-only security group with an IPv4 and an IPv6 rule, children of the fleet, when createSecurityGroup is set", async () => {
    const { resources, fleetUrn } = await build(required({ createSecurityGroup: true }));
    const group = only(resources, SEC_GROUP, "ci-egress");
    expect(group).toMatchObject({ parent: fleetUrn, inputs: { deleteDefaultRules: true } });
    const rules = resources.filter((r) => r.type === SEC_GROUP_RULE);
    expect(rules.map((r) => ({ parent: r.parent, ...r.inputs }))).toEqual([
      { parent: fleetUrn, securityGroupId: "ci-egress-id", direction: "egress", ethertype: "IPv4" },
      { parent: fleetUrn, securityGroupId: "ci-egress-id", direction: "egress", ethertype: "IPv6" },
    ]);
  });

  it("appends the created group's id to the given security groups", async () => {
    const { resources, pool } = await build(required({ createSecurityGroup: true, securityGroups: ["default"] }));
    expect(poolInputs(pool).securityGroups).toEqual(["default", "ci-egress-id"]);
    expect(pool.dependencies).toContain(only(resources, SEC_GROUP).urn);
  });

  it("takes a network's id, a security group's name and a key pair's name as inputs and depends on them", async () => {
    const { resources, pool } = await build((os) => {
      const network = new os.networking.Network("runners", {});
      const group = new os.networking.SecGroup("runners", {});
      const key = new os.compute.Keypair("ops", { name: "ops-key", publicKey: "ssh-ed25519 AAAA unit@test" });
      return required({ network: network.id, securityGroups: [group.name], keyName: key.name });
    });
    expect(poolInputs(pool)).toMatchObject({ network: "runners-id", securityGroups: ["runners-3f9a1c"], keyName: "ops-key" });
    const urns = ["openstack:networking/network:Network", SEC_GROUP, "openstack:compute/keypair:Keypair"].map((t) => only(resources, t).urn);
    expect(pool.dependencies).toEqual(expect.arrayContaining(urns));
  });
});

describe("defaultPrefix", () => {
  it.each([
    { stack: "dev", name: "ci", prefix: "dev-ci" },
    { stack: "Prod", name: "Small_Runners", prefix: "prod-small-runners" },
    { stack: "dev", name: "ci.large", prefix: "dev-ci-large" },
    { stack: "dev", name: "a--b", prefix: "dev-a-b" },
    { stack: "a".repeat(50), name: "ci", prefix: "a".repeat(50) },
    { stack: "---", name: "___", prefix: "fleet" },
  ])("derives $prefix from stack $stack and name $name", ({ stack, name, prefix }) => {
    expect(fleetModule.defaultPrefix(stack, name)).toBe(prefix);
  });

  it("always yields a prefix the fleet spec accepts", () => {
    fc.assert(fc.property(fc.string(), fc.string(), (stack, name) => PREFIX_PATTERN.test(fleetModule.defaultPrefix(stack, name))));
  });
});

describe("the example programs", () => {
  it("examples/basic builds one fleet from stack config and wires flush and cleanup to the runner-fleet:* keys", async () => {
    const actions = { "runner-fleet:flushTrigger": "2024-06-01", "runner-fleet:flushMode": "busy", "runner-fleet:cleanupTrigger": "c1" };
    const { exports, resources } = await runExample("examples/basic/index.ts", "runner-fleet-basic", { ...BASIC, labels: '["small"]', ...actions }, ["githubToken"]);
    const pool = only(resources, POOL, "ci-pool");
    expect(poolInputs(pool)).toMatchObject({ prefix: "dev-ci", runners: 2, image: "ubuntu-24.04", flavor: "m1.small", network: "runners-net", labels: ["small"], github: { path: "acme/app" } });
    expect(reveal(pool.inputs.credentials)).toEqual({ githubToken: TOKEN });
    expect(reveal(only(resources, OPERATION, "ci-flush").inputs)).toMatchObject({ kind: "flush", trigger: "2024-06-01", mode: "busy" });
    expect(reveal(only(resources, OPERATION, "ci-cleanup").inputs)).toMatchObject({ kind: "cleanup", trigger: "c1" });
    expect(Object.keys(exports).sort()).toEqual(["counts", "operations", "prefix", "runnerNames"]);
  });

  it("examples/basic has both operations with empty triggers before any is set, so setting one later is an update, not a create", async () => {
    const { resources } = await runExample("examples/basic/index.ts", "runner-fleet-basic", BASIC, ["githubToken"]);
    const ops = resources.filter((r) => r.type === OPERATION).map((r) => reveal(r.inputs));
    expect(ops).toMatchObject([{ kind: "flush", trigger: "" }, { kind: "cleanup", trigger: "" }]);
  });

  it("examples/openstack-stack builds a network, subnet, router and security group and two fleets of different flavors on them", async () => {
    const config = { image: "ubuntu-24.04", externalNetworkId: "ext-net-id", githubPath: "acme", githubToken: TOKEN, "openstack:cloud": "mycloud" };
    const { resources } = await runExample("examples/openstack-stack/index.ts", "runner-fleet-openstack-stack", config, ["githubToken"]);
    const urn = (type: string) => only(resources, `openstack:networking/${type}`).urn;
    const pools = ["small", "large"].map((name) => only(resources, POOL, `${name}-pool`));
    expect(pools.map((p) => poolInputs(p).flavor)).toEqual(["m1.small", "m1.large"]);
    for (const pool of pools) {
      expect(poolInputs(pool)).toMatchObject({ network: "runners-id", securityGroups: ["runners-3f9a1c"], openstack: { cloud: "mycloud" } });
      expect(pool.dependencies).toEqual(expect.arrayContaining([urn("subnet:Subnet"), urn("secGroup:SecGroup")]));
    }
    for (const name of ["small", "large"]) {
      expect(only(resources, FLEET, name).dependencies).toContain(urn("routerInterface:RouterInterface"));
    }
    expect(resources.filter((r) => r.type === SEC_GROUP_RULE).map((r) => r.inputs.direction)).toEqual(["egress", "egress"]);
  });

  it.each([
    { program: "examples/sandbox/index.ts", project: "runner-fleet-sandbox" },
    { program: "pulumi/demo/index.ts", project: "runner-fleet-demo" },
  ])("$program points a fleet at the sandbox's GitHub URL, token and clouds.yaml from config", async ({ program, project }) => {
    const { resources } = await runExample(program, project, { ...SANDBOX, "runner-fleet:flushTrigger": "1" }, ["githubToken", "cloudsYaml"]);
    const pool = only(resources, POOL, "ci-pool");
    expect(poolInputs(pool)).toMatchObject({
      image: "ubuntu-24.04",
      flavor: "m1.small",
      network: "runners-net",
      github: { path: "acme/app", apiUrl: SANDBOX.githubUrl },
      openstack: { cloud: "sandbox" },
      waitFor: "online",
    });
    expect(reveal(pool.inputs.credentials)).toEqual({ githubToken: TOKEN, cloudsYaml: CLOUDS_YAML });
    expect(withoutCredentials(pool)).not.toContain(PASSWORD);
    expect(reveal(only(resources, OPERATION, "ci-flush").inputs)).toMatchObject({ trigger: "1" });
  });
});

describe("the example projects", () => {
  it.each([
    { dir: "examples/basic", name: "runner-fleet-basic" },
    { dir: "examples/openstack-stack", name: "runner-fleet-openstack-stack" },
    { dir: "examples/sandbox", name: "runner-fleet-sandbox" },
    { dir: ".", name: "runner-fleet-demo" },
  ])("$dir/Pulumi.yaml runs a nodejs program with refresh: always and declares the config it requires", ({ dir, name }) => {
    const project = parse(readFileSync(join(ROOT, dir, "Pulumi.yaml"), "utf8")) as {
      name: string;
      runtime: { name: string };
      main?: string;
      options?: { refresh?: string };
      config?: Record<string, unknown>;
    };
    expect(project).toMatchObject({ name, runtime: { name: "nodejs" }, options: { refresh: "always" } });
    const programDir = join(ROOT, dir, project.main ?? ".");
    const program = join(programDir, "index.ts");
    expect(existsSync(program)).toBe(true);
    expect(Object.keys(project.config ?? {})).toEqual(expect.arrayContaining(requiredConfigKeys(program)));
    // CommonJS (no "type": "module"), so Pulumi's ts-node loads it, with runner-fleet from this repository.
    const pkg = JSON.parse(readFileSync(join(programDir, "package.json"), "utf8")) as { type?: string; dependencies: Record<string, string> };
    expect(pkg.type).toBeUndefined();
    expect(resolve(programDir, (pkg.dependencies["runner-fleet"] ?? "").replace(/^file:/, ""))).toBe(resolve(ROOT));
  });

  it("type-check as CommonJS TypeScript against the library's types", () => {
    const programs = ["examples/basic", "examples/openstack-stack", "examples/sandbox", "pulumi/demo"].map((dir) => join(ROOT, dir, "index.ts"));
    const library = { "runner-fleet": join(ROOT, "src/index.ts"), "runner-fleet/pulumi": join(ROOT, "src/pulumi/index.ts") };
    expect(typeErrors(programs, library)).toEqual([]);
  }, 60_000);
});
