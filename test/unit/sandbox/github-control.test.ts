import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { FaultInjector } from "../../../src/sandbox/faults.js";
import { createGitHubSide, type GitHubSide } from "../../../src/sandbox/github-side.js";
import { startHttpService, type HttpService } from "../../../src/sandbox/http.js";
import { RequestLog } from "../../../src/sandbox/request-log.js";

// The sandbox's /_sandbox/jobs control endpoint, over real HTTP on loopback.

let t: number;
let side: GitHubSide;
let service: HttpService;

beforeEach(async () => {
  t = 1_700_000_000_000;
  side = createGitHubSide({ now: () => t, hooks: { runnerExited: () => {}, writeConsole: () => {} }, onlineDelayMs: 0 });
  const faults = new FaultInjector();
  service = await startHttpService({ routes: side.routes, serviceOf: () => "github", log: new RequestLog(), faults, onFault: side.onFault });
});
afterEach(async () => {
  await service.close();
});

interface Answer {
  status: number;
  body: { jobs: { id: number; run_id: number }[]; message?: string; errors?: string[] };
}

async function call(method: string, body?: unknown, auth: string | null = `token ${side.token}`): Promise<Answer> {
  const headers: Record<string, string> = { accept: "application/vnd.github+json", ...(auth === null ? {} : { authorization: auth }) };
  if (body !== undefined) headers["content-type"] = "application/json";
  const res = await fetch(`${service.url}/_sandbox/jobs`, { method, headers, body: typeof body === "string" ? body : JSON.stringify(body) });
  return { status: res.status, body: (await res.json()) as Answer["body"] };
}

describe("POST /_sandbox/jobs", () => {
  it("queues one job with GitHub's default labels when only the repository is given", async () => {
    const res = await call("POST", { repository: "acme/app" });
    expect(res.status).toBe(201);
    expect(res.body.jobs).toEqual([
      expect.objectContaining({
        id: expect.any(Number),
        run_id: expect.any(Number),
        repository: "acme/app",
        status: "queued",
        conclusion: null,
        labels: ["self-hosted", "linux"],
        workflow_name: "CI",
        event: "push",
        runner_name: null,
        created_at: "2023-11-14T22:13:20Z",
      }),
    ]);
    expect(side.jobs().map((j) => j.id)).toEqual(res.body.jobs.map((j) => j.id));
  });

  it("queues count jobs, each in its own run, with every field given", async () => {
    const body = { repository: "acme/app", count: 3, labels: ["self-hosted", "gpu"], durationMs: 5000, conclusion: "failure", workflow: "nightly", event: "schedule" };
    const res = await call("POST", body);
    expect(res.status).toBe(201);
    const { jobs } = res.body;
    expect(new Set(jobs.map((j) => j.id)).size).toBe(3);
    expect(new Set(jobs.map((j) => j.run_id)).size).toBe(3);
    expect(side.jobs()).toEqual(
      Array(3).fill(expect.objectContaining({ labels: ["self-hosted", "gpu"], durationMs: 5000, plannedConclusion: "failure", workflow: "nightly", event: "schedule" })),
    );
  });

  it.each([
    ["the repository is missing", {}, "repository must be 'owner/repo'"],
    ["the repository is an organization", { repository: "acme" }, "repository must be 'owner/repo'"],
    ["count is 0", { repository: "acme/app", count: 0 }, "count must be an integer from 1 to 100"],
    ["count is above 100", { repository: "acme/app", count: 101 }, "count must be an integer from 1 to 100"],
    ["count is a string", { repository: "acme/app", count: "2" }, "count must be an integer from 1 to 100"],
    ["labels are empty", { repository: "acme/app", labels: [] }, "labels must be 1 to 100 non-empty strings"],
    ["durationMs is negative", { repository: "acme/app", durationMs: -1 }, "durationMs must be an integer ≥ 0 (milliseconds)"],
    ["the conclusion is unknown", { repository: "acme/app", conclusion: "cancelled" }, "conclusion must be 'success' or 'failure'"],
    ["a key is misspelt", { repository: "acme/app", duration: 5 }, "unknown key 'duration'"],
    ["the body is an array", [{ repository: "acme/app" }], "the body must be a JSON object"],
  ])("answers 422 in GitHub's validation-error shape when %s", async (_, body, problem) => {
    const res = await call("POST", body);
    expect(res.status).toBe(422);
    expect(res.body).toEqual({
      message: expect.stringContaining(problem),
      documentation_url: expect.stringMatching(/^https:\/\/docs\.github\.com\//),
      errors: [expect.stringContaining(problem)],
      status: "422",
    });
    expect(side.jobs()).toEqual([]);
  });

  it("reports every problem of a body at once", async () => {
    const res = await call("POST", { repository: "nope", count: 500, conclusion: "maybe" });
    expect(res.status).toBe(422);
    expect(res.body.errors).toHaveLength(3);
    expect(res.body.message).toMatch(/^Invalid request to \/_sandbox\/jobs: repository .*; count .*; conclusion /);
  });

  it("answers 400 when the body is not JSON", async () => {
    expect(await call("POST", "{repository:")).toMatchObject({ status: 400, body: { message: "Problems parsing JSON" } });
  });

  it.each([
    ["no token", null, 401],
    ["a revoked token", "token ghp_unknown", 401],
    ["a read-only token", "token ghp_reader", 403],
  ])("refuses a caller with %s, as the runner endpoints do", async (_, auth, status) => {
    side.addToken("ghp_reader", { permissions: "read" });
    expect((await call("POST", { repository: "acme/app" }, auth)).status).toBe(status);
    expect((await call("GET", undefined, auth)).status).toBe(status);
    expect(side.jobs()).toEqual([]);
  });
});

describe("GET /_sandbox/jobs", () => {
  it("lists no jobs in a fresh sandbox", async () => {
    expect(await call("GET")).toEqual({ status: 200, body: { jobs: [] } });
  });

  it("shows a job's status, conclusion and runner as it runs to the end", async () => {
    const jitRes = await fetch(`${service.url}/repos/acme/app/actions/runners/generate-jitconfig`, {
      method: "POST",
      headers: { authorization: `token ${side.token}`, "content-type": "application/json" },
      body: JSON.stringify({ name: "r1", runner_group_id: 1, labels: ["self-hosted", "linux"] }),
    });
    const { encoded_jit_config: jit } = (await jitRes.json()) as { encoded_jit_config: string };
    expect(side.hooks.runnerStarted("vm-1", jit)).toBe(true);
    const id = (await call("POST", { repository: "acme/app", durationMs: 1000 })).body.jobs[0]?.id;

    side.tick();
    expect((await call("GET")).body.jobs).toEqual([expect.objectContaining({ id, status: "in_progress", conclusion: null, runner_name: "r1" })]);
    t += 1000;
    side.tick();
    expect((await call("GET")).body.jobs).toEqual([
      expect.objectContaining({ id, status: "completed", conclusion: "success", runner_name: "r1", completed_at: "2023-11-14T22:13:21Z" }),
    ]);
  });
});
