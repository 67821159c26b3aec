/** Builds Actions clients on the fake with waits shrunk to nothing and the waits recorded. */
import { createOctokit } from "../../../src/github/client.js";
import { ActionsClient, type ActionsClientOptions } from "../../../src/github/actions-client.js";
import type { GitHubPath } from "../../../src/manager/types.js";
import { type FakeActions, PAT } from "./actions-fake.js";

export const repo: GitHubPath = { kind: "repo", owner: "acme", repo: "widgets" };

/** A client of `fake`; `waits` collects every backoff the transport asked for. */
export function clientOn(fake: FakeActions, options: Partial<ActionsClientOptions> = {}): { client: ActionsClient; waits: number[] } {
  const waits: number[] = [];
  const octokit = options.octokit ?? createOctokit({ auth: { token: PAT }, apiUrl: fake.url, retry: { retryAfterBaseMs: 1 }, throttle: { retryAfterBaseMs: 1 } });
  const client = new ActionsClient({
    path: repo,
    apiUrl: fake.url,
    sleep: async (ms) => void waits.push(ms),
    random: () => 0,
    ...options,
    octokit,
  });
  return { client, waits };
}
