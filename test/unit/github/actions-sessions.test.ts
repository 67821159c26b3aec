import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { QueueAuthError, SessionConflictError, SessionLostError } from "../../../src/demand/scale-set-errors.js";
import { ActionsScaleSetService } from "../../../src/github/scale-set-service.js";
import { FakeActions } from "./actions-fake.js";
import { clientOn } from "./actions-harness.js";

let fake: FakeActions;
let service: ActionsScaleSetService;
beforeEach(async () => {
  fake = new FakeActions();
  await fake.start();
  service = new ActionsScaleSetService({ client: clientOn(fake).client, name: "fleet", runnerGroup: "default", labels: ["linux"] });
});
afterEach(() => fake.close());

async function open() {
  const ref = await service.ensureScaleSet();
  return service.openSession(ref.id, "host-1");
}

describe("ActionsScaleSetService.ensureScaleSet", () => {
  it("creates the scale set once and finds it afterwards", async () => {
    const first = await service.ensureScaleSet();
    const again = await service.ensureScaleSet();
    expect(again).toStrictEqual(first);
    expect(fake.scaleSets).toHaveLength(1);
    expect(fake.serviceCalls().map((c) => c.method)).toStrictEqual(["GET", "POST", "GET"]);
  });

  it("updates the labels of a found scale set that has others", async () => {
    fake.scaleSets.push({ id: 4, name: "fleet", runnerGroupId: 1, labels: [{ type: "System", name: "old" }] });
    expect(await service.ensureScaleSet()).toStrictEqual({ id: 4, name: "fleet", runnerGroupId: 1 });
    expect(fake.scaleSets[0]?.labels).toStrictEqual([{ type: "System", name: "linux" }]);
  });
});

describe("ActionsScaleSetSession", () => {
  it("opens a session owned by the host name and holds its initial statistics", async () => {
    const session = await open();
    expect(session.id).toBe("session-1");
    expect(session.statistics).toMatchObject({ assignedJobs: 2, runningJobs: 1, idleRunners: 0 });
    expect(fake.serviceCalls().at(-1)?.body).toStrictEqual({ ownerName: "host-1" });
  });

  it("throws SessionConflictError while another listener holds the session", async () => {
    await open();
    await expect(open()).rejects.toBeInstanceOf(SessionConflictError);
  });

  it("long-polls with the queue token, the capacity header and api-version, sending lastMessageId only when above 0", async () => {
    const session = await open();
    fake.push([]);
    expect(await session.getMessage(0, 4)).toMatchObject({ id: 1 });
    expect(await session.getMessage(1, 3)).toBeUndefined();
    const polls = fake.requests.filter((r) => r.path.startsWith("/queue/"));
    expect(polls.map((p) => p.query.get("lastMessageId"))).toStrictEqual([null, "1"]);
    expect(polls.map((p) => p.headers["x-scalesetmaxcapacity"])).toStrictEqual(["4", "3"]);
    for (const poll of polls) {
      expect(poll.headers.authorization).toBe(`Bearer ${fake.session?.token}`);
      expect(poll.headers.accept).toBe("application/json; api-version=6.0-preview");
      expect(poll.query.get("api-version")).toBe("6.0-preview");
    }
  });

  it("reads the body as a JSON string of job messages and drops kinds it does not know", async () => {
    const session = await open();
    fake.push(
      [
        { messageType: "JobAvailable", runnerRequestId: 101, repositoryName: "app", ownerName: "acme", jobId: "77", requestLabels: ["linux"], queueTime: "2026-12-03T12:00:00Z" },
        { messageType: "JobStarted", runnerRequestId: 101, repositoryName: "app", ownerName: "acme", jobId: "77", runnerId: 5, runnerName: "fleet-1", runnerAssignTime: "2026-12-03T12:01:00Z", queueTime: "2026-12-03T12:00:00Z" },
        { messageType: "JobSomethingNew", runnerRequestId: 102 },
      ],
      { totalAssignedJobs: 3, totalRunningJobs: 1 },
    );
    const message = await session.getMessage(0, 10);
    expect(message?.statistics).toMatchObject({ assignedJobs: 3, runningJobs: 1 });
    expect(message?.jobs).toStrictEqual([
      { type: "JobAvailable", runnerRequestId: 101, jobId: "77", repository: "acme/app", labels: ["linux"], at: new Date("2026-12-03T12:00:00Z") },
      { type: "JobStarted", runnerRequestId: 101, jobId: "77", repository: "acme/app", labels: [], runnerId: 5, runnerName: "fleet-1", at: new Date("2026-12-03T12:01:00Z") },
    ]);
  });

  it("treats an empty body as a message without jobs", async () => {
    const session = await open();
    fake.messages.push({ messageId: 1, messageType: "RunnerScaleSetJobMessages", body: "", statistics: { totalAssignedJobs: 1 } });
    expect(await session.getMessage(0, 1)).toMatchObject({ id: 1, jobs: [], statistics: { assignedJobs: 1 } });
  });

  it("refreshes the session once on a 401 from the queue and retries with the new token", async () => {
    const session = await open();
    fake.push([]);
    fake.expireQueueToken();
    expect(await session.getMessage(0, 1)).toMatchObject({ id: 1 });
    expect(fake.calls().filter((c) => c.startsWith("PATCH"))).toStrictEqual(["PATCH /tenant/123/_apis/runtime/runnerscalesets/1/sessions/session-1"]);
  });

  it("throws QueueAuthError when the queue still refuses the token after the refresh", async () => {
    const session = await open();
    fake.fail("GET", /^\/queue\//, { status: 401, text: "expired" }, 2);
    await expect(session.getMessage(0, 1)).rejects.toBeInstanceOf(QueueAuthError);
    expect(fake.calls().filter((c) => c.startsWith("PATCH"))).toHaveLength(1);
  });

  it("throws SessionLostError when the service no longer knows the session", async () => {
    const session = await open();
    fake.session = undefined;
    await expect(session.getMessage(0, 1)).rejects.toBeInstanceOf(SessionLostError);
    await expect(session.refresh()).rejects.toBeInstanceOf(SessionLostError);
  });

  it("acknowledges a message by deleting {queueUrl}/{messageId} with the queue token", async () => {
    const session = await open();
    const id = fake.push([]);
    await session.deleteMessage(id);
    const ack = fake.requests.at(-1);
    expect(`${ack?.method} ${ack?.path}`).toBe(`DELETE /queue/session-1/${id}`);
    expect(ack?.headers.authorization).toBe(`Bearer ${fake.session?.token}`);
    expect(fake.messages).toHaveLength(0);
    await expect(session.deleteMessage(id)).resolves.toBeUndefined();
  });

  it("acquires jobs with the queue token, not the admin token, and returns the ids acquired", async () => {
    const session = await open();
    expect(await session.acquireJobs([101, 102])).toStrictEqual([101, 102]);
    const call = fake.requests.at(-1);
    expect(call?.path).toBe("/tenant/123/_apis/runtime/runnerscalesets/1/acquirejobs");
    expect(call?.body).toStrictEqual([101, 102]);
    expect(call?.headers.authorization).toBe(`Bearer ${fake.session?.token}`);
    expect(call?.headers.authorization).not.toBe(`Bearer ${fake.adminToken}`);
  });

  it("deletes the session so another listener can open one, and accepts a session already gone", async () => {
    const session = await open();
    await session.close();
    expect(fake.session).toBeUndefined();
    await expect(session.close()).resolves.toBeUndefined();
    await expect(open()).resolves.toMatchObject({ id: "session-2" });
  });
});
