import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { queueSandboxJobs } from "../../../src/github/sandbox-jobs.js";
import { ConfigError, GitHubAuthError, NotFoundError } from "../../../src/manager/errors.js";
import { FaultInjector } from "../../../src/sandbox/faults.js";
import { createGitHubSide, type GitHubSide } from "../../../src/sandbox/github-side.js";
import { startHttpService, type HttpService } from "../../../src/sandbox/http.js";
import { RequestLog } from "../../../src/sandbox/request-log.js";

// The client of POST /_sandbox/jobs against the sandbox's GitHub side over real HTTP.

let side: GitHubSide;
let service: HttpService;

beforeAll(async () => {
  side = createGitHubSide({ now: Date.now, hooks: { runnerExited: () => {}, writeConsole: () => {} } });
  service = await startHttpService({ routes: side.routes, serviceOf: () => "github", log: new RequestLog(), faults: new FaultInjector(), onFault: side.onFault });
});
afterAll(async () => {
  await service.close();
});

const withToken = () => ({ auth: { token: side.token }, apiUrl: service.url });

describe("queueSandboxJobs", () => {
  it("queues the jobs and returns them in our shape", async () => {
    const jobs = await queueSandboxJobs(withToken(), { repository: "acme/app", count: 2, labels: ["self-hosted", "x"], workflow: "nightly" });
    expect(jobs).toEqual(
      Array(2).fill({ id: expect.any(Number), runId: expect.any(Number), repository: "acme/app", status: "queued", labels: ["self-hosted", "x"], workflow: "nightly" }),
    );
    expect(side.jobs().filter((j) => jobs.some((q) => q.id === j.id))).toHaveLength(2);
  });

  it("authenticates as a GitHub App through an installation token", async () => {
    const { appId, installationId, privateKey } = side.app;
    const jobs = await queueSandboxJobs({ auth: { appId, installationId, privateKey }, apiUrl: service.url }, { repository: "acme/app" });
    expect(jobs).toHaveLength(1);
  });

  it("throws a ConfigError listing each objection when the sandbox answers 422", async () => {
    const error = await queueSandboxJobs(withToken(), { repository: "acme", count: 0 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).problems).toEqual([
      { path: "", message: "repository must be 'owner/repo'" },
      { path: "", message: "count must be an integer from 1 to 100" },
    ]);
  });

  it("throws NotFoundError when the API has no such endpoint", async () => {
    const error = await queueSandboxJobs({ ...withToken(), apiUrl: `${service.url}/api/v3` }, { repository: "acme/app" }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NotFoundError);
    expect((error as NotFoundError).message).toBe(`${service.url}/api/v3 has no /_sandbox/jobs endpoint: it is not the runner-fleet sandbox`);
  });

  it("throws GitHubAuthError without the token when the token is rejected", async () => {
    const error = await queueSandboxJobs({ auth: { token: "ghp_rejected0123456789abcdef" }, apiUrl: service.url }, { repository: "acme/app" }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(GitHubAuthError);
    expect(String((error as Error).message)).not.toContain("ghp_rejected");
  });
});
