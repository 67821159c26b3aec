import { afterEach, describe, expect, it } from "vitest";
import { type Sandbox, startSandbox } from "../../src/sandbox/index.js";
import { loginToSandbox } from "../support/sandbox-login.js";

// The two halves of the sandbox over real HTTP with plain fetch: a VM started with a JIT config
// from the simulated GitHub brings its runner online, runs one job and powers off.

let sandbox: Sandbox | undefined;
afterEach(async () => {
  await sandbox?.close();
  sandbox = undefined;
});

async function json(res: Response): Promise<Record<string, unknown>> {
  return (await res.json()) as Record<string, unknown>;
}

async function until<T>(probe: () => Promise<T | undefined> | T | undefined, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error("condition not reached in time");
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe("the sandbox's two halves together", () => {
  it("brings a runner online and powers its VM off when the job it ran has finished", async () => {
    sandbox = await startSandbox({ bootDelayMs: 50, shutdownDelayMs: 30, github: { onlineDelayMs: 20 } });
    const sb = sandbox;
    const gh = { authorization: `Bearer ${sb.githubToken}`, accept: "application/vnd.github+json", "content-type": "application/json" };
    const jit = await fetch(`${sb.githubUrl}/repos/acme/app/actions/runners/generate-jitconfig`, {
      method: "POST",
      headers: gh,
      body: JSON.stringify({ name: "it-0123456789ab", runner_group_id: 1, labels: ["self-hosted", "linux"] }),
    });
    expect(jit.status).toBe(201);
    const config = String((await json(jit))["encoded_jit_config"]);

    const os = await loginToSandbox(sb);
    const headers = { "x-auth-token": os.token, "content-type": "application/json", "openstack-api-version": "compute 2.93" };
    const images = (await json(await fetch(`${os.image}/v2/images?name=ubuntu-24.04`, { headers }))) as { images: { id: string }[] };
    const nets = (await json(await fetch(`${os.network}/v2.0/networks?name=runners-net`, { headers }))) as { networks: { id: string }[] };
    const script = `#!/bin/sh\nsu runner -s /bin/sh -c "cd /opt/actions-runner && ./run.sh --jitconfig '${config}'"\n`;
    const created = await fetch(`${os.compute}/servers`, {
      method: "POST",
      headers,
      body: JSON.stringify({
        server: {
          name: "it-0123456789ab",
          flavorRef: "1",
          imageRef: images.images[0]?.id,
          networks: [{ uuid: nets.networks[0]?.id }],
          user_data: Buffer.from(script).toString("base64"),
          tags: ["runner-fleet"],
        },
      }),
    });
    expect(created.status).toBe(202);
    const vmId = ((await json(created)) as { server: { id: string } }).server.id;

    const runner = await until(() => sb.githubRunners().find((r) => r.vmId === vmId && r.status === "online"));
    expect(runner.name).toBe("it-0123456789ab");
    sb.enqueueJob({ repository: "acme/app", durationMs: 50, workflow: "build" });
    await until(() => (sb.servers().find((s) => s.id === vmId)?.status === "SHUTOFF" ? true : undefined));
    expect(sb.jobs()[0]).toMatchObject({ status: "completed", conclusion: "success" });

    const consoleRes = await fetch(`${os.compute}/servers/${vmId}/action`, {
      method: "POST",
      headers,
      body: JSON.stringify({ "os-getConsoleOutput": { length: 50 } }),
    });
    const output = String((await json(consoleRes))["output"]);
    const kinds = output.split("\n").flatMap((l) => /RUNNER_FLEET_MARKER (\S+) /.exec(l)?.[1] ?? []);
    expect(kinds).toStrictEqual(["installed", "pre-job", "post-job"]);
    expect(output).toMatch(/RUNNER_FLEET_MARKER post-job \{"timestamp":\d+,"status":"normal"\}/);
  });

  it("starts with no options and accepts its application credential", async () => {
    sandbox = await startSandbox();
    const res = await fetch(`${sandbox.openstackAuthUrl}/auth/tokens`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ auth: { identity: { methods: ["application_credential"], application_credential: sandbox.appCredential } } }),
    });
    expect(res.status).toBe(201);
    expect(sandbox.cloudsYaml).toContain("region_name: RegionOne");
    sandbox.fault({ service: "compute", kind: "status", status: 500 });
    const nova = await fetch(`${sandbox.openstackUrl}/compute/v2.1/servers`, { headers: { "x-auth-token": res.headers.get("x-subject-token") ?? "" } });
    expect(nova.status).toBe(500);
    expect(sandbox.requests("compute")).toMatchObject([{ route: "/compute/v2.1/servers", status: 500 }]);
  });
});
