import { afterEach, describe, expect, it } from "vitest";
import { createJobLookup } from "../../src/github/job-lookup.js";
import { GitHubAuthError } from "../../src/manager/errors.js";
import { startSandbox, type Sandbox } from "../../src/sandbox/index.js";
import { fleetOn } from "../support/sandbox-fleet.js";
import { waitFor } from "../support/wait.js";

// GitHubJobLookup over real HTTP against the sandbox: a job queued, taken by a runner the fleet
// manager started, and finished, looked up at each step; the sandbox clock moves only when told.

let t = 1_700_000_000_000;
let sandbox: Sandbox | undefined;
afterEach(async () => {
  await sandbox?.close();
  sandbox = undefined;
});

const lookupOn = (sb: Sandbox, token = sb.githubToken) => createJobLookup({ auth: { token }, apiUrl: sb.githubUrl, retry: { retryAfterBaseMs: 5 } });

describe("GitHubJobLookup on the sandbox", () => {
  it("reports a job queued, then in progress, then completed", async () => {
    sandbox = await startSandbox({ now: () => t, bootDelayMs: 0, shutdownDelayMs: 0, github: { onlineDelayMs: 0 } });
    const sb = sandbox;
    const lookup = lookupOn(sb);
    const running = sb.enqueueJob({ repository: "acme/app", durationMs: 60_000 });
    expect(await lookup.jobStatus("acme/app", running.id)).toBe("queued");

    await fleetOn(sb).manager.reconcile(1);
    await waitFor("the job to start", () => sb.jobs().find((j) => j.id === running.id)?.status === "in_progress");
    // The only runner is busy, so this one waits.
    const waiting = sb.enqueueJob({ repository: "acme/app" });
    expect(await lookup.jobStatus("acme/app", running.id)).toBe("in_progress");
    expect(await lookup.jobStatus("acme/app", waiting.id)).toBe("queued");

    t += 60_000;
    await waitFor("the job to end", () => sb.jobs().find((j) => j.id === running.id)?.status === "completed");
    expect(await lookup.jobStatus("acme/app", running.id)).toBe("completed");
    expect(await lookup.jobStatus("acme/app", waiting.id)).toBe("queued");
  });

  it.each([
    { name: "an unknown job id", repository: "acme/app", id: 987_654 },
    { name: "a job of another repository", repository: "acme/other", id: undefined },
  ])("reports $name as gone", async ({ repository, id }) => {
    sandbox = await startSandbox();
    const job = sandbox.enqueueJob({ repository: "acme/app" });
    expect(await lookupOn(sandbox).jobStatus(repository, id ?? job.id)).toBe("gone");
  });

  it("reads jobs with a read-only token and names the permission when the token is unknown", async () => {
    sandbox = await startSandbox();
    const job = sandbox.enqueueJob({ repository: "acme/app" });
    sandbox.addToken("ghp_reader", { permissions: "read" });
    expect(await lookupOn(sandbox, "ghp_reader").jobStatus("acme/app", job.id)).toBe("queued");
    const refused = lookupOn(sandbox, "ghp_nobody").jobStatus("acme/app", job.id);
    await expect(refused).rejects.toBeInstanceOf(GitHubAuthError);
    await expect(lookupOn(sandbox, "ghp_nobody").jobStatus("acme/app", job.id)).rejects.toThrow(/401.*Actions: read/);
  });
});
