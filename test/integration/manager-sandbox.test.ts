import { afterEach, describe, expect, it } from "vitest";
import { FlushMode } from "../../src/manager/types.js";
import type { Sandbox } from "../../src/sandbox/index.js";
import { fleetOn, startFastSandbox } from "../support/sandbox-fleet.js";
import { loginToSandbox } from "../support/sandbox-login.js";
import { waitFor } from "../support/wait.js";

// The runner manager through the real OpenStack and GitHub adapters, over HTTP, against the sandbox.

let sandbox: Sandbox | undefined;
afterEach(async () => {
  await sandbox?.close();
  sandbox = undefined;
});

const vmsOf = (sb: Sandbox, prefix = "it") => sb.servers().filter((s) => s.name.startsWith(`${prefix}-`));
const runnersOf = (sb: Sandbox, prefix = "it") => sb.githubRunners().filter((r) => r.name.startsWith(`${prefix}-`));
const online = (sb: Sandbox, prefix = "it") => runnersOf(sb, prefix).filter((r) => r.status === "online").length;

describe("a fleet on the sandbox", () => {
  it("scales 0 → 5 → 2 → 0 and leaves no VM and no GitHub runner behind", async () => {
    sandbox = await startFastSandbox();
    const sb = sandbox;
    const { manager } = fleetOn(sb);
    expect((await manager.reconcile(5)).created).toHaveLength(5);
    await waitFor("5 runners online", () => online(sb) === 5);
    const down = await manager.reconcile(2);
    expect(down.deletions.filter((d) => d.vm === "deleted")).toHaveLength(3);
    await waitFor("2 VMs left", () => vmsOf(sb).length === 2);
    expect(runnersOf(sb)).toHaveLength(2);
    await manager.reconcile(0);
    await waitFor("no VM left", () => vmsOf(sb).length === 0);
    expect(runnersOf(sb)).toEqual([]);
  });

  it("never deletes a busy runner when scaling down softly while jobs arrive and GitHub's busy flag lags", async () => {
    sandbox = await startFastSandbox({ github: { busyLagMs: 60_000 } });
    const sb = sandbox;
    const { manager } = fleetOn(sb);
    await manager.reconcile(4);
    await waitFor("4 runners online", () => online(sb) === 4);
    for (let i = 0; i < 2; i++) sb.enqueueJob({ repository: "acme/app", durationMs: 1500 });
    await waitFor("2 jobs running", () => sb.jobs().filter((j) => j.status === "in_progress").length === 2);
    // GitHub still lists every runner as idle: only its 422 tells us which ones are busy.
    const report = await manager.reconcile(0);
    expect(report.deletions.filter((d) => d.runner === "busy" && d.vm === "kept")).toHaveLength(2);
    await waitFor("jobs done", () => sb.jobs().every((j) => j.status === "completed"), 10_000);
    expect(sb.jobs().map((j) => j.conclusion)).toEqual(["success", "success"]);
    await waitFor("consumed runners powered off", () => vmsOf(sb).every((s) => s.status === "SHUTOFF"));
    await manager.cleanup();
    await waitFor("no VM left", () => vmsOf(sb).length === 0);
    expect(runnersOf(sb)).toEqual([]);
  });

  it("flushes idle runners without killing a job that started between listing and deleting", async () => {
    sandbox = await startFastSandbox({ github: { busyLagMs: 60_000 } });
    const sb = sandbox;
    const { manager } = fleetOn(sb);
    await manager.reconcile(3);
    await waitFor("3 runners online", () => online(sb) === 3);
    sb.enqueueJob({ repository: "acme/app", durationMs: 1000 });
    await waitFor("a job running", () => sb.jobs().some((j) => j.status === "in_progress"));
    const report = await manager.flushRunnersWithReport(FlushMode.FlushIdle);
    expect(report.outcomes.filter((o) => o.vm === "deleted")).toHaveLength(2);
    expect(report.outcomes.filter((o) => o.runner === "busy")).toHaveLength(1);
    await waitFor("the job done", () => sb.jobs()[0]?.status === "completed", 10_000);
    expect(sb.jobs()[0]?.conclusion).toBe("success");
  });

  it("kills busy runners' jobs only when flushing busy, and removes their GitHub runners", async () => {
    sandbox = await startFastSandbox();
    const sb = sandbox;
    const { manager } = fleetOn(sb);
    await manager.reconcile(2);
    await waitFor("2 runners online", () => online(sb) === 2);
    sb.enqueueJob({ repository: "acme/app", durationMs: 60_000 });
    await waitFor("a job running", () => sb.jobs().some((j) => j.status === "in_progress"));
    await manager.flushRunners(FlushMode.FlushBusy);
    await waitFor("no VM left", () => vmsOf(sb).length === 0);
    expect(sb.jobs()[0]?.conclusion).toBe("failure");
    await manager.cleanup();
    expect(runnersOf(sb)).toEqual([]);
  });

  it("cleans an ERROR VM and its GitHub runner at once", async () => {
    sandbox = await startFastSandbox();
    const sb = sandbox;
    const { manager } = fleetOn(sb, { graceSeconds: 3600, creationTimeoutSeconds: 3600 });
    sb.failNextServers(1);
    await manager.createRunners(1);
    await waitFor("the VM in ERROR", () => vmsOf(sb)[0]?.status === "ERROR");
    const report = await manager.cleanupWithReport();
    expect(report.outcomes).toMatchObject([{ reason: "vm-error", runner: "deleted", vm: "deleted" }]);
    await waitFor("no VM left", () => vmsOf(sb).length === 0);
    expect(runnersOf(sb)).toEqual([]);
  });

  it("removes a dangling GitHub runner of the fleet and leaves another fleet's alone", async () => {
    sandbox = await startFastSandbox();
    const sb = sandbox;
    const { manager } = fleetOn(sb, { prefix: "app-1" });
    const neighbour = fleetOn(sb, { prefix: "app-10" }).manager;
    await neighbour.createRunners(1);
    await manager.createRunners(1);
    // Lose the fleet's VM behind the manager's back: its GitHub runner dangles.
    const [vm] = vmsOf(sb, "app-1");
    expect(vm).toBeDefined();
    await fetchCompute(sb, "DELETE", `/servers/${vm?.id}`);
    await waitFor("the VM gone", () => !sb.servers().some((s) => s.id === vm?.id));
    await manager.cleanup();
    expect(sb.githubRunners().map((r) => r.name).filter((n) => n.startsWith("app-1"))).toEqual(
      sb.servers().map((s) => s.name).filter((n) => n.startsWith("app-10-")),
    );
  });

  it("leaves no GitHub runner behind when VM creation fails", async () => {
    sandbox = await startFastSandbox();
    const sb = sandbox;
    const { manager } = fleetOn(sb);
    sb.fault({ service: "compute", method: "POST", path: "/servers$", kind: "status", status: 500, count: Infinity });
    const report = await manager.createRunnersWithReport(3);
    expect(report.created).toEqual([]);
    expect(report.failures).toHaveLength(3);
    expect(runnersOf(sb)).toEqual([]);
    expect(vmsOf(sb)).toEqual([]);
  });

  it("reports quota exhaustion per runner and keeps what it could create", async () => {
    sandbox = await startFastSandbox({ quota: { instances: 2 } });
    const sb = sandbox;
    const { manager } = fleetOn(sb);
    const report = await manager.createRunnersWithReport(4);
    expect(report.created).toHaveLength(2);
    expect(report.failures.map((f) => String(f.error))).toEqual([expect.stringMatching(/Quota exceeded/), expect.stringMatching(/Quota exceeded/)]);
    expect(runnersOf(sb)).toHaveLength(2);
  });

  it("honours GitHub's secondary rate limit and retries after retry-after", async () => {
    sandbox = await startFastSandbox();
    const sb = sandbox;
    const { manager } = fleetOn(sb);
    sb.fault({ service: "github", method: "POST", path: "generate-jitconfig", kind: "rate-limit-secondary", retryAfterSeconds: 1 });
    sb.resetRequests();
    expect(await manager.createRunners(1)).toHaveLength(1);
    const jits = sb.requests("github").filter((r) => r.route.endsWith("generate-jitconfig"));
    expect(jits.map((r) => r.status)).toEqual([403, 201]);
  });

  it("honours GitHub's primary rate limit", async () => {
    sandbox = await startFastSandbox();
    const sb = sandbox;
    const { manager } = fleetOn(sb);
    sb.fault({ service: "github", method: "GET", path: "/actions/runners$", kind: "rate-limit-primary", retryAfterSeconds: 1 });
    sb.resetRequests();
    await manager.getRunners();
    const lists = sb.requests("github").filter((r) => r.route.endsWith("/actions/runners"));
    expect(lists.map((r) => r.status)).toEqual([403, 200]);
  });

  it("re-authenticates with Keystone when the token expires mid-run", async () => {
    sandbox = await startFastSandbox({ tokenLifetimeSeconds: 1 });
    const sb = sandbox;
    const { manager } = fleetOn(sb);
    await manager.reconcile(1);
    await new Promise((resolve) => setTimeout(resolve, 1200));
    await manager.reconcile(1);
    const auths = sb.requests("identity").filter((r) => r.method === "POST");
    expect(auths.length).toBeGreaterThanOrEqual(2);
    expect(sb.requests("compute").filter((r) => r.status === 401)).toHaveLength(0);
  });

  it("writes metric events for runners that ran a job", async () => {
    sandbox = await startFastSandbox();
    const sb = sandbox;
    const { manager, metrics } = fleetOn(sb);
    await manager.reconcile(1);
    await waitFor("the runner online", () => online(sb) === 1);
    sb.enqueueJob({ repository: "acme/app", durationMs: 50, workflow: "build" });
    await waitFor("the VM powered off", () => vmsOf(sb)[0]?.status === "SHUTOFF");
    const stats = await manager.cleanup();
    expect(stats).toEqual({ runner_installed: 1, runner_start: 1, runner_stop: 1 });
    expect(metrics.events.find((e) => e.event === "runner_stop")).toMatchObject({
      flavor: "it", workflow: "build", repo: "acme/app", status: "normal", job_conclusion: "success",
    });
  });
});

/** A raw Nova call with the sandbox's own credentials, to act behind the manager's back. */
async function fetchCompute(sb: Sandbox, method: string, path: string): Promise<void> {
  const { token, compute } = await loginToSandbox(sb);
  const response = await fetch(`${compute}${path}`, { method, headers: { "x-auth-token": token } });
  if (!response.ok) throw new Error(`${method} ${path}: ${response.status}`);
}
