/**
 * The sandbox checked by clients that are not ours: openstacksdk and PyGithub from PyPI (versions
 * pinned in test/python-clients/requirements.txt, installed by scripts/python-clients.sh), making
 * the everyday calls of a platform team's tooling over HTTP. These test the sandbox as a stand-in
 * for a real cloud and GitHub, never our own clients.
 */
import { execFile } from "node:child_process";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Sandbox } from "../../src/sandbox/index.js";
import { startFastSandbox } from "../support/sandbox-fleet.js";

const run = promisify(execFile);
const dir = join(import.meta.dirname, "..", "python-clients");
let sandbox: Sandbox;
let python: string;

async function check(script: string, ...args: string[]): Promise<Record<string, unknown>> {
  const s = sandbox;
  const env = {
    PATH: process.env.PATH ?? "",
    RF_OS_AUTH_URL: s.openstackAuthUrl,
    RF_OS_USERNAME: s.credentials.username,
    RF_OS_PASSWORD: s.credentials.password,
    RF_OS_PROJECT_NAME: s.credentials.projectName,
    RF_OS_USER_DOMAIN_NAME: s.credentials.userDomainName,
    RF_OS_PROJECT_DOMAIN_NAME: s.credentials.projectDomainName,
    RF_OS_APPLICATION_CREDENTIAL_ID: s.appCredential.id,
    RF_OS_APPLICATION_CREDENTIAL_SECRET: s.appCredential.secret,
    RF_IMAGE: "ubuntu-24.04",
    RF_FLAVOR: "m1.small",
    RF_NETWORK: "runners-net",
    RF_GITHUB_URL: s.githubUrl,
    RF_GITHUB_TOKEN: s.githubToken,
    RF_REPO: "acme/app",
  };
  const { stdout } = await run(python, [join(dir, script), ...args], { env, timeout: 120_000 }).catch((error: { stderr?: string; message: string }) => {
    throw new Error(`${script} ${args.join(" ")} failed: ${error.stderr?.slice(-3000) ?? error.message}`);
  });
  return JSON.parse(stdout.trim().split("\n").at(-1) ?? "{}") as Record<string, unknown>;
}

beforeAll(async () => {
  const installed = await run("bash", [join(dir, "..", "..", "scripts", "python-clients.sh")], { timeout: 300_000 });
  python = installed.stdout.trim().split("\n").at(-1) ?? "";
  sandbox = await startFastSandbox();
}, 320_000);

afterAll(async () => {
  await sandbox?.close();
});

describe("openstacksdk against the sandbox", () => {
  it("logs in with a password and lists flavors, images, networks and security groups", async () => {
    const seen = await check("openstack_checks.py", "password");
    expect(seen).toMatchObject({ token: true });
    expect(seen.flavors).toContain("m1.small");
    expect(seen.images).toContain("ubuntu-24.04");
    expect(seen.networks).toContain("runners-net");
    expect(seen.securityGroups).toContain("default");
  });

  it("logs in with an application credential and sees the same catalog", async () => {
    expect(await check("openstack_checks.py", "application-credential")).toEqual(await check("openstack_checks.py", "password"));
  });

  it("creates a server that stays ACTIVE, sets and reads its metadata, reads its console and deletes it", async () => {
    expect(await check("openstack_checks.py", "server")).toStrictEqual({
      status: "ACTIVE",
      metadata: { team: "platform", purpose: "check" },
      consoleIsText: true,
      addresses: ["runners-net"],
      deleted: true,
    });
    expect(sandbox.servers().filter((s) => s.name === "pyclient-vm" && s.status !== "DELETED")).toEqual([]);
  });

  it("reads absolute limits that match the instances in use", async () => {
    const seen = await check("openstack_checks.py", "limits");
    expect(seen.totalInstancesUsed).toBe(sandbox.servers().filter((s) => s.status !== "DELETED").length);
    expect(typeof seen.maxTotalInstances).toBe("number");
  });
});

describe("PyGithub against the sandbox", () => {
  it("gets the repository, a registration token and a JIT runner, lists and removes the runner, and reads the rate limit", async () => {
    const seen = await check("github_checks.py");
    expect(seen).toMatchObject({
      repo: "acme/app",
      registrationToken: true,
      jitConfig: true,
      listed: [{ name: "pyclient-runner", status: "offline", labels: expect.arrayContaining(["pyclient"]) }],
      removed: true,
      stillListed: false,
    });
    expect(seen.rateLimit).toMatchObject({ limit: expect.any(Number), remaining: expect.any(Number) });
  });
});
