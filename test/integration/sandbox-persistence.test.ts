import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { IMAGES, NETWORK } from "../../src/sandbox/openstack-seed.js";
import { type Sandbox, startSandbox } from "../../src/sandbox/index.js";

let sandbox: Sandbox | undefined;
const dirs: string[] = [];
afterEach(async () => {
  await sandbox?.close();
  sandbox = undefined;
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

async function passwordToken(sb: Sandbox): Promise<string> {
  const c = sb.credentials;
  const res = await fetch(`${sb.openstackAuthUrl}/auth/tokens`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({
      auth: {
        identity: { methods: ["password"], password: { user: { name: c.username, domain: { name: c.userDomainName }, password: c.password } } },
        scope: { project: { name: c.projectName, domain: { name: c.projectDomainName } } },
      },
    }),
  });
  return res.headers.get("x-subject-token") ?? "";
}

describe("the sandbox's state file", () => {
  it("keeps servers, tokens and the GitHub token when the sandbox is stopped and started again", async () => {
    const dir = mkdtempSync(join(tmpdir(), "sandbox-state-"));
    dirs.push(dir);
    const stateFile = join(dir, "state.json");
    sandbox = await startSandbox({ stateFile, bootDelayMs: 20 });
    const token = await passwordToken(sandbox);
    const headers = { "x-auth-token": token, "content-type": "application/json" };
    const created = await fetch(`${sandbox.openstackUrl}/compute/v2.1/servers`, {
      method: "POST",
      headers,
      body: JSON.stringify({ server: { name: "keep-me", flavorRef: "2", imageRef: IMAGES[0]?.id, networks: [{ uuid: NETWORK.id }] } }),
    });
    const id = ((await created.json()) as { server: { id: string } }).server.id;
    const githubToken = sandbox.githubToken;
    await sandbox.close();

    sandbox = await startSandbox({ stateFile });
    expect(sandbox.githubToken).toBe(githubToken);
    expect(sandbox.servers()).toMatchObject([{ id, name: "keep-me" }]);
    const res = await fetch(`${sandbox.openstackUrl}/compute/v2.1/servers/${id}`, { headers });
    expect(res.status).toBe(200);
    expect(((await res.json()) as { server: { name: string } }).server.name).toBe("keep-me");
  });
});
