import { createAppAuth } from "@octokit/auth-app";
import { Octokit } from "@octokit/rest";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FaultInjector } from "../../../src/sandbox/faults.js";
import { createGitHubSide, type GitHubSide } from "../../../src/sandbox/github-side.js";
import { startHttpService, type HttpService } from "../../../src/sandbox/http.js";
import { RequestLog } from "../../../src/sandbox/request-log.js";
import { validateGitHubResponse } from "../../support/github-openapi/validate.js";

// An ordinary Octokit, not src/github's client: what a GitHub App or a script asks first.
let side: GitHubSide;
let service: HttpService;
const log = new RequestLog();

beforeAll(async () => {
  side = createGitHubSide({ now: () => Date.now(), hooks: { runnerExited: () => {}, writeConsole: () => {} } });
  service = await startHttpService({ routes: side.routes, serviceOf: () => "github", log, faults: new FaultInjector(), onFault: side.onFault, recordBodies: true });
});
afterAll(async () => {
  side.close();
  await service.close();
});

describe("an Octokit client of the sandbox's GitHub", () => {
  it("finds the app's installation for a repository and works with its token", async () => {
    const app = new Octokit({ baseUrl: service.url, authStrategy: createAppAuth, auth: { appId: side.app.appId, privateKey: side.app.privateKey } });
    expect((await app.rest.apps.getAuthenticated()).data).toMatchObject({ id: side.app.appId });
    expect((await app.rest.apps.listInstallations()).data.map((i) => i.id)).toStrictEqual([side.app.installationId]);
    const { data: installation } = await app.rest.apps.getRepoInstallation({ owner: "acme", repo: "app" });
    const installed = new Octokit({ baseUrl: service.url, authStrategy: createAppAuth, auth: { appId: side.app.appId, privateKey: side.app.privateKey, installationId: installation.id } });
    expect((await installed.rest.repos.get({ owner: "acme", repo: "app" })).data).toMatchObject({ full_name: "acme/app", default_branch: "main" });
    expect((await installed.rest.orgs.get({ org: "acme" })).data).toMatchObject({ login: "acme" });
    expect((await installed.rest.rateLimit.get()).data.rate.used).toBe(2);
  });

  it("tells a personal access token whose it is", async () => {
    const user = new Octokit({ baseUrl: service.url, auth: side.token });
    expect((await user.rest.users.getAuthenticated()).data).toMatchObject({ login: "sandbox-user", type: "User" });
  });

  it("answered every call in GitHub's documented shapes", () => {
    const entries = log.entries("github");
    expect(entries.length).toBeGreaterThan(7);
    for (const entry of entries) validateGitHubResponse(entry);
  });
});
