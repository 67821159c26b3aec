import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { createScaleSetSource, type ScaleSetSource } from "../../../src/demand/scale-set-source.js";
import { createScaleSetAdapters, type ScaleSetAdapters } from "../../../src/github/scale-set-adapters.js";
import type { Logger } from "../../../src/manager/ports.js";
import { LoggingSink } from "../demand/scale-set-fakes.js";
import { FakeActions, PAT } from "./actions-fake.js";
import { repo } from "./actions-harness.js";

// Everything secret the fake hands out: the PAT, registration, admin (JWT), queue tokens, JIT configs.
const SECRET = /ghp_|REGTOKEN|QUEUETOKEN|JITCONFIG-SECRET|eyJ/;

let fake: FakeActions;
let adapters: ScaleSetAdapters;
let source: ScaleSetSource;
let lines: string[];
let sink: LoggingSink;
const until = (check: () => boolean) => vi.waitFor(() => expect(check()).toBe(true), { timeout: 5000, interval: 5 });

beforeEach(async () => {
  fake = new FakeActions();
  fake.pollHoldMs = 10;
  await fake.start();
  lines = [];
  const record = (level: string) => (message: string, fields?: Record<string, unknown>) => void lines.push(`${level} ${message} ${JSON.stringify(fields ?? {})}`);
  const logger: Logger = { debug: record("debug"), info: record("info"), warn: record("warn"), error: record("error") };
  adapters = createScaleSetAdapters({ auth: { token: PAT }, apiUrl: fake.url, path: repo, scaleSetName: "fleet", logger, actionsRetry: { minDelayMs: 1, retryAfterUnitMs: 1 }, retry: { retryAfterBaseMs: 1 } });
  sink = new LoggingSink([]);
  source = createScaleSetSource({ service: adapters.service, maxCapacity: 3, ownerName: "host-a", logger, backoff: { initialMs: 1, maxMs: 5 } });
});
afterEach(async () => {
  await source.stop();
  await fake.close();
});

describe("the scale-set listener on the Actions client", () => {
  it("creates the scale set, opens the session, acquires with the queue token and deletes the session on stop", async () => {
    await source.start(sink);
    expect(fake.scaleSets).toMatchObject([{ name: "fleet", runnerGroupId: 1, RunnerSetting: { disableUpdate: true } }]);
    fake.push([
      { messageType: "JobAvailable", runnerRequestId: 101, repositoryName: "widgets", ownerName: "acme", jobId: "5001", requestLabels: ["fleet"] },
      { messageType: "JobStarted", runnerRequestId: 100, repositoryName: "widgets", ownerName: "acme", jobId: "5000", runnerId: 9, runnerName: "fleet-0001" },
    ], { totalAssignedJobs: 2, totalRunningJobs: 1 });
    await until(() => fake.acquired.length === 1 && sink.events.length === 1);
    expect(fake.acquired).toStrictEqual([[101]]);
    expect(sink.events[0]).toMatchObject({ kind: "job-started", jobId: 5000, repository: "acme/widgets", runnerName: "fleet-0001" });
    expect(sink.snapshots.map((s) => s.assignedJobs)).toContain(2);
    expect(fake.messages).toHaveLength(0);
    const polls = fake.requests.filter((r) => r.method === "GET" && r.path.startsWith("/queue/"));
    expect(polls.every((p) => p.headers["x-scalesetmaxcapacity"] === "3")).toBe(true);
    await source.stop();
    expect(fake.session).toBeUndefined();
    expect(fake.calls().at(-1)).toBe("DELETE /tenant/123/_apis/runtime/runnerscalesets/1/sessions/session-1");
  });

  it("rides out an expired queue token, a 500 and a lost session, and never logs or throws a secret", async () => {
    await source.start(sink);
    fake.expireQueueToken();
    fake.push([{ messageType: "JobAvailable", runnerRequestId: 1, repositoryName: "widgets", ownerName: "acme" }]);
    await until(() => fake.acquired.length === 1);
    expect(fake.calls().filter((c) => c.startsWith("PATCH"))).toHaveLength(1);

    fake.fail("GET", /^\/queue\//, { status: 500, body: { typeName: "X", message: `leaked Authorization: Bearer ${fake.session?.token}` } }, 10);
    await until(() => lines.some((l) => l.includes("answered 500")));
    fake.session = undefined;
    await until(() => fake.session?.id === "session-2");
    fake.push([{ messageType: "JobAvailable", runnerRequestId: 2, repositoryName: "widgets", ownerName: "acme" }]);
    await until(() => fake.acquired.length === 2);

    const jit = await adapters.platform.createJitRunner("fleet-0001", []);
    expect(jit.jitConfig).toBe(fake.jitConfig);
    fake.fail("POST", /generatejitconfig$/, { status: 400, body: { typeName: "AgentExistsException", message: `encodedJITConfig: ${fake.jitConfig}` } });
    const error = (await adapters.platform.createJitRunner("fleet-0002", []).then(() => new Error("no error"), (e: unknown) => e)) as Error;
    expect(error).toMatchObject({ code: "actions_runner_exists" });
    expect(lines.length).toBeGreaterThan(0);
    for (const text of [...lines, error.message, source.status().detail]) expect(text).not.toMatch(SECRET);
  });
});
