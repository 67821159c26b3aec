/**
 * The provider round trip, without the engine: in a project that installed runner-fleet from
 * `npm pack`, take the `__provider` text a RunnerFleet registers, load it as
 * @pulumi/pulumi/cmd/dynamic-provider does (`requireFromString(text).handler()`), and have the
 * loaded provider create and delete runners in the sandbox. Create and delete run in two
 * processes, as they would months apart: delete loads the text stored in the state.
 */
import { lstatSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { PoolOutputs } from "../../src/pulumi/pool-inputs.js";
import type { Sandbox } from "../../src/sandbox/index.js";
import { type ConsumerProject, createConsumerProject } from "../support/consumer-project.js";
import { poolInputsFor, startFastSandbox } from "../support/sandbox-fleet.js";
import { waitFor } from "../support/wait.js";

// What the provider host does (cmd/dynamic-provider/index.js `getProvider`): requireFromString
// with no filename, so a `require` in the text resolves from the process's cwd.
const LOAD = `
const path = require("node:path");
const requireFromString = require(require.resolve("require-from-string", { paths: [path.dirname(require.resolve("@pulumi/pulumi/package.json"))] }));
const load = (text) => requireFromString(text).handler();
const input = JSON.parse(require("node:fs").readFileSync(0, "utf8"));
const done = (value) => process.stdout.write(JSON.stringify(value));
`;

// Builds a RunnerFleet under mocks to take the texts it registers, then check + create with the
// loaded pool provider.
const CREATE = `${LOAD}
const pulumi = require("@pulumi/pulumi");
(async () => {
  const registered = {};
  await pulumi.runtime.setMocks({
    newResource: (a) => { registered[a.type] = a.inputs.__provider; return { id: a.name, state: a.inputs }; },
    call: (a) => a.inputs,
  }, "consumer", "dev");
  const { RunnerFleet } = require("runner-fleet/pulumi");
  new RunnerFleet("ci", { runners: 1, image: "i", flavor: "f", network: "n", github: { path: "acme/app", token: pulumi.secret("ghp_token_of_the_program") }, flush: { trigger: "" } });
  await pulumi.runtime.disconnect();

  const text = registered["pulumi-nodejs:dynamic/runner-fleet:RunnerPool"];
  const pool = load(text);
  const news = { ...input, __provider: text };
  const checked = await pool.check({}, news);
  const created = checked.failures.length === 0 ? await pool.create(checked.inputs) : undefined;
  const operation = registered["pulumi-nodejs:dynamic/runner-fleet:FleetOperation"];
  const operationChecked = await load(operation).check({}, { kind: "flush", trigger: "", pool: checked.inputs });
  done({ text, operation, operationFailures: operationChecked.failures, failures: checked.failures, created });
})().catch((e) => { console.error(e); process.exit(1); });
`;

// A later `pulumi refresh` and `pulumi destroy`: a fresh provider process loads the text stored
// in the state, reads the fleet, then deletes it.
const DELETE = `${LOAD}
(async () => {
  const pool = load(input.text);
  const read = await pool.read(input.id, input.outs);
  await pool.delete(input.id, read.props);
  done({ observed: read.props.observed, deleted: true });
})().catch((e) => { console.error(e); process.exit(1); });
`;

interface Created {
  text: string;
  operation: string;
  operationFailures: unknown[];
  failures: { property: string; reason: string }[];
  created?: { id: string; outs: PoolOutputs };
}

let sandbox: Sandbox;
let consumer: ConsumerProject;

beforeAll(async () => {
  [sandbox, consumer] = await Promise.all([startFastSandbox(), createConsumerProject()]);
}, 300_000);

afterAll(async () => {
  await Promise.all([sandbox?.close(), consumer?.remove()]);
});

describe("the runner pool's provider module, in a project that installed runner-fleet from npm pack", () => {
  it("creates 2 runners in the sandbox and deletes them again, from text that is small, secret-free and machine-independent", async () => {
    const inputs = poolInputsFor(sandbox, { prefix: "roundtrip", name: "roundtrip", destroyPolicy: { mode: "force", timeoutSeconds: 30 } });
    const secrets = [sandbox.githubToken, sandbox.credentials.password, sandbox.appCredential.secret, sandbox.cloudsYaml];
    const ours = (name: string) => name.startsWith("roundtrip-");

    // Installed from the tarball: a real directory under node_modules, so the text's require() is the only link.
    expect(lstatSync(join(consumer.dir, "node_modules/runner-fleet")).isSymbolicLink()).toBe(false);

    const first = await consumer.node(CREATE, inputs);
    const result = JSON.parse(first.stdout) as Created;
    expect(result.failures).toEqual([]);

    // The texts: what the state stores as __provider, plain strings (a secret would arrive wrapped).
    for (const text of [result.text, result.operation]) {
      expect(typeof text).toBe("string");
      expect(Buffer.byteLength(text)).toBeLessThan(2048);
      expect(text).toContain('require("runner-fleet/pulumi-provider")');
      for (const secret of [...secrets, "ghp_token_of_the_program"]) expect(text).not.toContain(secret);
      for (const path of ["/work/", "/tmp/", homedir(), consumer.dir]) expect(text).not.toContain(path);
    }
    expect(result.operationFailures).toEqual([]);

    // What the loaded provider did.
    const vms = sandbox.servers().filter((s) => ours(s.name));
    expect(vms).toHaveLength(2);
    expect(sandbox.githubRunners().filter((r) => ours(r.name))).toHaveLength(2);
    expect(result.created?.outs.runnerNames).toEqual(vms.map((s) => s.name).sort());
    expect(result.created?.outs.observed.total).toBe(2);

    const second = await consumer.node(DELETE, { text: result.text, id: result.created?.id, outs: result.created?.outs });
    expect(JSON.parse(second.stdout)).toEqual({ observed: { total: 2, idle: expect.any(Number), busy: 0, offline: expect.any(Number) }, deleted: true });
    await waitFor("the sandbox to list no VM of the fleet", () => sandbox.servers().filter((s) => ours(s.name)).length === 0);
    expect(sandbox.githubRunners().filter((r) => ours(r.name))).toEqual([]);

    // Nor did the provider's log lines carry a secret.
    for (const secret of secrets) expect(first.stderr + second.stderr).not.toContain(secret);
  }, 120_000);
});
