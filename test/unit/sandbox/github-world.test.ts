import { beforeEach, describe, expect, it } from "vitest";
import type { CloudSideHooks } from "../../../src/sandbox/bridge.js";
import { createGitHubSide, type GitHubSide } from "../../../src/sandbox/github-side.js";
import { compileRoute, matchRoute, type SandboxResponse } from "../../../src/sandbox/http.js";

/** Calls a GitHub-side route in process, as startHttpService would. */
async function call(side: GitHubSide, method: string, path: string, body?: unknown): Promise<SandboxResponse> {
  const [pathname = "", search = ""] = path.split("?");
  const matched = matchRoute(side.routes.map(compileRoute), method, pathname);
  if (matched === undefined) throw new Error(`no route for ${method} ${path}`);
  const headers = { host: "127.0.0.1:1", authorization: `token ${side.token}` };
  const query = new URLSearchParams(search);
  return matched.route.handle({ method, path: pathname, params: matched.params, query, headers, body, rawBody: JSON.stringify(body ?? "") });
}

function recorder(): CloudSideHooks & { exited: [string, number][]; console: [string, string][] } {
  const exited: [string, number][] = [];
  const lines: [string, string][] = [];
  return {
    exited,
    console: lines,
    runnerExited: (vmId, code) => void exited.push([vmId, code]),
    writeConsole: (vmId, line) => void lines.push([vmId, line]),
  };
}

let t: number;
let hooks: ReturnType<typeof recorder>;
let side: GitHubSide;

/** Registers a JIT runner in acme and starts it on `vmId`; it is online after the next tick. */
async function startRunner(name: string, vmId: string, labels = ["self-hosted", "linux"]): Promise<number> {
  const res = await call(side, "POST", "/orgs/acme/actions/runners/generate-jitconfig", { name, runner_group_id: 1, labels });
  const body = res.body as { runner: { id: number }; encoded_jit_config: string };
  expect(side.hooks.runnerStarted(vmId, body.encoded_jit_config)).toBe(true);
  return body.runner.id;
}

function advance(ms: number): void {
  t += ms;
  side.tick();
}

beforeEach(() => {
  t = 1_700_000_000_000;
  hooks = recorder();
  side = createGitHubSide({ now: () => t, hooks, onlineDelayMs: 0, busyLagMs: 30_000 });
});

describe("busy flag", () => {
  it("lists a runner as idle for busyLagMs after it took a job while DELETE answers 422", async () => {
    const id = await startRunner("r1", "vm-1");
    side.enqueueJob({ repository: "acme/app", durationMs: 120_000 });
    advance(10);
    expect(side.runners()[0]?.busy).toBe(true);
    const listed = await call(side, "GET", `/orgs/acme/actions/runners/${id}`);
    expect(listed.body).toMatchObject({ busy: false, status: "online" });
    const del = await call(side, "DELETE", `/orgs/acme/actions/runners/${id}`);
    expect(del.status).toBe(422);
    expect(del.body).toMatchObject({ message: expect.stringContaining("still running a job") });
    advance(30_000);
    expect((await call(side, "GET", `/orgs/acme/actions/runners/${id}`)).body).toMatchObject({ busy: true });
  });
});

describe("scheduler", () => {
  it("assigns queued jobs in FIFO order to runners whose labels cover them, case-insensitively", async () => {
    await startRunner("gpu", "vm-gpu", ["self-hosted", "Linux", "GPU"]);
    await startRunner("plain", "vm-plain");
    const a = side.enqueueJob({ repository: "acme/app", labels: ["self-hosted", "gpu"], durationMs: 5000 });
    const b = side.enqueueJob({ repository: "acme/app", labels: ["self-hosted", "gpu"], durationMs: 5000 });
    const c = side.enqueueJob({ repository: "acme/app", durationMs: 5000 });
    advance(1);
    const jobs = new Map(side.jobs().map((j) => [j.id, j]));
    expect(jobs.get(a.id)).toMatchObject({ status: "in_progress", runnerName: "gpu" });
    expect(jobs.get(b.id)).toMatchObject({ status: "queued" });
    expect(jobs.get(c.id)).toMatchObject({ status: "in_progress", runnerName: "plain" });
  });

  it("leaves a job queued when no runner serves its repository or labels", async () => {
    await startRunner("r1", "vm-1");
    const other = side.enqueueJob({ repository: "other/app" });
    const arm = side.enqueueJob({ repository: "acme/app", labels: ["self-hosted", "arm64"] });
    advance(1);
    expect(side.jobs().map((j) => j.status)).toEqual(["queued", "queued"]);
    expect([other.status, arm.status]).toEqual(["queued", "queued"]);
  });

  it("does not assign jobs to a runner before it is online", async () => {
    side = createGitHubSide({ now: () => t, hooks, onlineDelayMs: 500 });
    await startRunner("r1", "vm-1");
    side.enqueueJob({ repository: "acme/app" });
    advance(100);
    expect(side.jobs()[0]?.status).toBe("queued");
    advance(400);
    expect(side.jobs()[0]?.status).toBe("in_progress");
  });

  it("writes a pre-job marker to the VM console when a job starts", async () => {
    await startRunner("r1", "vm-1");
    const job = side.enqueueJob({ repository: "acme/app", workflow: "Build", event: "pull_request" });
    advance(1);
    const [vmId, line] = hooks.console[0] ?? [];
    expect(vmId).toBe("vm-1");
    const json = JSON.parse(String(line).replace("RUNNER_FLEET_MARKER pre-job ", "")) as Record<string, unknown>;
    expect(json).toStrictEqual({
      timestamp: Math.floor(t / 1000),
      workflow: "Build",
      repository: "acme/app",
      event: "pull_request",
      workflow_run_id: String(job.runId),
    });
  });
});

describe("job completion", () => {
  it.each([
    ["success", 0],
    ["failure", 1],
  ] as const)("deregisters the runner and calls runnerExited when a job ends in %s", async (conclusion, code) => {
    const id = await startRunner("r1", "vm-1");
    side.enqueueJob({ repository: "acme/app", durationMs: 1000, conclusion });
    advance(1);
    advance(999);
    expect(side.jobs()[0]?.status).toBe("in_progress");
    advance(1);
    expect(side.jobs()[0]).toMatchObject({ status: "completed", conclusion, runnerId: id });
    expect(side.runners()).toEqual([]);
    expect(hooks.exited).toEqual([["vm-1", code]]);
    expect((await call(side, "GET", `/orgs/acme/actions/runners/${id}`)).status).toBe(404);
  });
});

describe("vmGone", () => {
  it("fails the running job and keeps the runner registered, offline and not busy", async () => {
    const id = await startRunner("r1", "vm-1");
    side.enqueueJob({ repository: "acme/app", durationMs: 60_000 });
    advance(1);
    side.hooks.vmGone("vm-1");
    expect(side.jobs()[0]).toMatchObject({ status: "completed", conclusion: "failure" });
    expect(side.runners()[0]).toMatchObject({ id, status: "offline", busy: false, processAlive: false });
    expect(hooks.exited).toEqual([]);
    expect((await call(side, "DELETE", `/orgs/acme/actions/runners/${id}`)).status).toBe(204);
  });
});

describe("runner process", () => {
  it("refuses runnerStarted for garbage, a deleted runner, or a config already used by another VM", async () => {
    const res = await call(side, "POST", "/orgs/acme/actions/runners/generate-jitconfig", { name: "r1", runner_group_id: 1, labels: ["x"] });
    const { runner, encoded_jit_config: jit } = res.body as { runner: { id: number }; encoded_jit_config: string };
    expect(side.hooks.runnerStarted("vm-1", "bm90LWpzb24=")).toBe(false);
    expect(side.hooks.runnerStarted("vm-1", jit)).toBe(true);
    expect(side.hooks.runnerStarted("vm-2", jit)).toBe(false);
    await call(side, "DELETE", `/orgs/acme/actions/runners/${runner.id}`);
    expect(side.hooks.runnerStarted("vm-1", jit)).toBe(false);
  });

  it("calls runnerExited(vm, 0) when an idle started runner is deleted", async () => {
    const id = await startRunner("r1", "vm-1");
    advance(1);
    expect((await call(side, "DELETE", `/orgs/acme/actions/runners/${id}`)).status).toBe(204);
    expect(hooks.exited).toEqual([["vm-1", 0]]);
  });
});

describe("snapshot and restore", () => {
  it("round-trips runners, jobs, tokens, counters and the app key through JSON", async () => {
    const id = await startRunner("r1", "vm-1");
    side.enqueueJob({ repository: "acme/app", durationMs: 10_000 });
    side.enqueueJob({ repository: "other/app" });
    side.addToken("ghp_reader", { permissions: "read" });
    advance(1);
    const saved = JSON.parse(JSON.stringify(side.snapshot())) as unknown;

    const again = createGitHubSide({ now: () => t, hooks, onlineDelayMs: 0 });
    again.restore(saved);
    expect(again.runners()).toStrictEqual(side.runners());
    expect(again.jobs()).toStrictEqual(side.jobs());
    expect(again.token).toBe(side.token);
    expect(again.app).toStrictEqual(side.app);
    side = again;
    const next = await call(side, "POST", "/orgs/acme/actions/runners/generate-jitconfig", { name: "r2", runner_group_id: 1, labels: ["x"] });
    expect((next.body as { runner: { id: number } }).runner.id).toBe(id + 1);
    advance(10_000);
    expect(hooks.exited).toEqual([["vm-1", 0]]);
  });

  it("throws when restoring something that is not a snapshot", () => {
    expect(() => side.restore({ version: 2 })).toThrow(/not a snapshot/);
  });
});
