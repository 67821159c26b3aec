import { beforeEach, describe, expect, it } from "vitest";
import { ActionsHarness, type JobMsg } from "./actions-harness.js";

let h: ActionsHarness;
beforeEach(async () => {
  h = new ActionsHarness();
  expect((await h.register("acme")).status).toBe(201);
});

const types = (jobs: JobMsg[]) => jobs.map((j) => j.messageType);
const jobOf = (id: string) => h.side.jobs().find((j) => String(j.id) === id);

describe("routing queued jobs between scale sets and REST runners", () => {
  it("offers a job as JobAvailable when the scale set's labels and name cover its runs-on labels, case-insensitively", async () => {
    const q = await h.scaleSetWithSession("os-linux", ["os-linux", "GPU"]);
    const job = h.side.enqueueJob({ repository: "acme/app", labels: ["OS-Linux", "gpu"] });
    h.advance(1);
    const [offer] = await h.drain(q);
    expect(offer).toMatchObject({ messageType: "JobAvailable", jobId: String(job.id), repositoryName: "app", ownerName: "acme", requestLabels: ["OS-Linux", "gpu"] });
  });

  it("leaves a job to REST runners when no scale set covers its labels or none has an open session", async () => {
    const q = await h.scaleSetWithSession("os-linux");
    await h.api("DELETE", `_apis/runtime/runnerscalesets/${q.id}/sessions/${q.sessionId}`);
    const reg = await h.call("POST", "/orgs/acme/actions/runners/generate-jitconfig", { auth: `token ${h.side.token}`, body: { name: "rest-1", runner_group_id: 1, labels: ["os-linux"] } });
    expect(h.side.hooks.runnerStarted("vm-rest", (reg.json as { encoded_jit_config: string }).encoded_jit_config)).toBe(true);
    const job = h.side.enqueueJob({ repository: "acme/app", labels: ["os-linux"] });
    h.advance(1);
    expect(jobOf(String(job.id))).toMatchObject({ status: "in_progress", runnerName: "rest-1" });
  });

  it("never lets a REST runner take a routed job, nor a scale-set runner take a job that was not routed to it", async () => {
    const q = await h.scaleSetWithSession("os-linux", ["os-linux", "self-hosted", "linux"]);
    await h.call("POST", "/orgs/acme/actions/runners/generate-jitconfig", { auth: `token ${h.side.token}`, body: { name: "rest-1", runner_group_id: 1, labels: ["os-linux"] } }).then((r) => {
      h.side.hooks.runnerStarted("vm-rest", (r.json as { encoded_jit_config: string }).encoded_jit_config);
    });
    await h.startRunner(q.id, "ss-1");
    const routed = h.side.enqueueJob({ repository: "acme/app", labels: ["os-linux"] });
    h.advance(1);
    // Offered, not yet acquired: nobody may run it.
    expect(jobOf(String(routed.id))?.status).toBe("queued");
    await h.api("DELETE", `_apis/runtime/runnerscalesets/${q.id}/sessions/${q.sessionId}`);
    const unrouted = h.side.enqueueJob({ repository: "acme/app", labels: ["os-linux"] });
    h.advance(1);
    expect(jobOf(String(unrouted.id))).toMatchObject({ status: "in_progress", runnerName: "rest-1" });
    expect(jobOf(String(routed.id))?.status).toBe("queued");
  });
});

describe("job lifecycle through a scale set", () => {
  it("sends JobAvailable, JobAssigned, JobStarted and JobCompleted with state-derived statistics along the way", async () => {
    const q = await h.scaleSetWithSession();
    const job = h.side.enqueueJob({ repository: "acme/app", labels: ["os-linux"], durationMs: 1000 });
    h.advance(1);
    const offered = await h.poll(q);
    expect(offered.statistics).toMatchObject({ totalAvailableJobs: 1, totalAssignedJobs: 0 });
    expect(await h.acquire(q, [offered.jobs[0]?.runnerRequestId ?? 0])).toHaveLength(1);
    const assigned = await h.poll(q);
    expect(types(assigned.jobs)).toEqual(["JobAssigned"]);
    expect(assigned.statistics).toMatchObject({ totalAvailableJobs: 0, totalAcquiredJobs: 1, totalAssignedJobs: 1, totalRunningJobs: 0 });
    const runnerId = await h.startRunner(q.id, "ss-1");
    h.advance(1);
    const started = await h.poll(q);
    expect(started.jobs[0]).toMatchObject({ messageType: "JobStarted", runnerId, runnerName: "ss-1", jobId: String(job.id) });
    expect(started.statistics).toEqual({
      totalAvailableJobs: 0, totalAcquiredJobs: 0, totalAssignedJobs: 1, totalRunningJobs: 1,
      totalRegisteredRunners: 1, totalBusyRunners: 1, totalIdleRunners: 0,
    });
    h.advance(1000);
    const completed = await h.poll(q);
    expect(completed.jobs[0]).toMatchObject({ messageType: "JobCompleted", result: "succeeded", runnerId, runnerName: "ss-1" });
    expect(completed.statistics).toMatchObject({ totalAssignedJobs: 0, totalRegisteredRunners: 0 });
    expect(h.exited).toEqual(["vm-ss-1"]);
  });

  it("reports a job that failed on its runner as JobCompleted with result failed", async () => {
    const q = await h.scaleSetWithSession();
    h.side.enqueueJob({ repository: "acme/app", labels: ["os-linux"], durationMs: 10, conclusion: "failure" });
    h.advance(1);
    await h.acquire(q, (await h.drain(q)).map((j) => j.runnerRequestId));
    await h.startRunner(q.id, "ss-1");
    h.advance(1);
    h.advance(10);
    expect((await h.drain(q)).find((j) => j.messageType === "JobCompleted")).toMatchObject({ result: "failed" });
  });
});

describe("assignment timeout", () => {
  beforeEach(async () => {
    h = new ActionsHarness({ actions: { assignmentTimeoutMs: 5000 } });
    await h.register("acme");
  });

  it("cancels an assignment no runner took and re-offers the job under a new runnerRequestId", async () => {
    const q = await h.scaleSetWithSession();
    h.side.enqueueJob({ repository: "acme/app", labels: ["os-linux"] });
    h.advance(1);
    const first = (await h.drain(q))[0]?.runnerRequestId ?? 0;
    await h.acquire(q, [first]);
    h.advance(5000);
    const after = await h.drain(q);
    expect(types(after)).toEqual(["JobAssigned", "JobCompleted", "JobAvailable"]);
    expect(after[1]).toMatchObject({ result: "canceled", runnerRequestId: first });
    expect(after[2]?.runnerRequestId).not.toBe(first);
    // The stale request id can no longer be acquired; the new one can.
    expect(await h.acquire(q, [first])).toEqual([]);
    expect(await h.acquire(q, [after[2]?.runnerRequestId ?? 0])).toHaveLength(1);
  });

  it("re-offers a job 3 times and fails it when the fourth assignment also times out", async () => {
    const q = await h.scaleSetWithSession();
    const job = h.side.enqueueJob({ repository: "acme/app", labels: ["os-linux"] });
    h.advance(1);
    let offers = 0;
    let pending = (await h.drain(q)).filter((j) => j.messageType === "JobAvailable");
    while (pending.length > 0) {
      offers += 1;
      await h.acquire(q, pending.map((j) => j.runnerRequestId));
      h.advance(5000);
      pending = (await h.drain(q)).filter((j) => j.messageType === "JobAvailable");
    }
    expect(offers).toBe(4);
    expect(jobOf(String(job.id))).toMatchObject({ status: "completed", conclusion: "failure" });
  });

  it("waits longer before cancelling each re-offered assignment when assignmentTimeoutGrowth is above 1", async () => {
    h.side.actions.configure({ assignmentTimeoutGrowth: 2 });
    const q = await h.scaleSetWithSession();
    h.side.enqueueJob({ repository: "acme/app", labels: ["os-linux"] });
    h.advance(1);
    await h.acquire(q, [(await h.drain(q))[0]?.runnerRequestId ?? 0]);
    h.advance(5000);
    const reoffer = (await h.drain(q)).find((j) => j.messageType === "JobAvailable");
    await h.acquire(q, [reoffer?.runnerRequestId ?? 0]);
    h.advance(5000);
    expect(types(await h.drain(q))).toEqual(["JobAssigned"]);
    h.advance(5000);
    expect(types(await h.drain(q))).toEqual(["JobCompleted", "JobAvailable"]);
  });
});

describe("X-ScaleSetMaxCapacity", () => {
  it("never assigns more jobs than the capacity the last poll declared, and assigns more once some finish", async () => {
    const q = await h.scaleSetWithSession();
    for (let i = 0; i < 3; i += 1) h.side.enqueueJob({ repository: "acme/app", labels: ["os-linux"], durationMs: 100 });
    h.advance(1);
    const ids = (await h.drain(q, 2)).map((j) => j.runnerRequestId);
    const acquired = await h.acquire(q, ids);
    expect(acquired).toEqual(ids.slice(0, 2));
    await h.startRunner(q.id, "ss-1");
    h.advance(1);
    h.advance(100);
    const left = ids.filter((id) => !acquired.includes(id));
    await h.drain(q, 2);
    expect(await h.acquire(q, left)).toEqual(left);
  });
});
