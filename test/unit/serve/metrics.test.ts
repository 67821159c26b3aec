import { describe, expect, it } from "vitest";
import { createServeMetrics } from "../../../src/serve/metrics.js";

const NAMES = [
  "runner_fleet_info", "runner_fleet_runners", "runner_fleet_queued_jobs", "runner_fleet_job_wait_seconds",
  "runner_fleet_runner_creations_total", "runner_fleet_runner_deletions_total", "runner_fleet_api_calls_total",
  "runner_fleet_reconcile_duration_seconds", "runner_fleet_webhook_deliveries_total",
];

/** The sample lines of one metric, without HELP/TYPE. */
function samples(text: string, name: string): string[] {
  return text.split("\n").filter((line) => line.startsWith(`${name}{`) || line.startsWith(`${name} `));
}

describe("createServeMetrics", () => {
  it("renders every runner-fleet metric and the process metrics in Prometheus text", async () => {
    const metrics = createServeMetrics({ version: "1.2.3" });
    const { contentType, text } = await metrics.render();
    expect(contentType).toMatch(/^text\/plain; version=0\.0\.4/);
    for (const name of NAMES) expect(text).toContain(`# TYPE ${name} `);
    expect(text).toContain("# TYPE process_cpu_user_seconds_total counter");
    expect(samples(text, "runner_fleet_info")).toStrictEqual(['runner_fleet_info{version="1.2.3"} 1']);
  });

  it("keeps process metrics out when asked, and two exporters in one process apart", async () => {
    const first = createServeMetrics({ processMetrics: false });
    const second = createServeMetrics({ processMetrics: false });
    first.setQueuedJobs(3);
    second.setQueuedJobs(5);
    expect(samples((await first.render()).text, "runner_fleet_queued_jobs")).toStrictEqual(["runner_fleet_queued_jobs 3"]);
    expect(samples((await second.render()).text, "runner_fleet_queued_jobs")).toStrictEqual(["runner_fleet_queued_jobs 5"]);
    expect((await first.render()).text).not.toContain("process_cpu_user_seconds_total");
  });

  it("sets every runner state at once, so a state no longer seen drops to 0", async () => {
    const metrics = createServeMetrics({ processMetrics: false });
    metrics.setRunners({ idle: 2, busy: 1, creating: 4 });
    metrics.setRunners({ busy: 3 });
    expect(samples((await metrics.render()).text, "runner_fleet_runners")).toStrictEqual([
      'runner_fleet_runners{state="idle"} 0', 'runner_fleet_runners{state="busy"} 3', 'runner_fleet_runners{state="starting"} 0',
      'runner_fleet_runners{state="creating"} 0', 'runner_fleet_runners{state="offline"} 0',
    ]);
  });

  it("counts creations, deletions, API calls and deliveries by their labels", async () => {
    const metrics = createServeMetrics({ processMetrics: false });
    metrics.countCreation("created", 2);
    metrics.countCreation("failed");
    metrics.countDeletion("deleted", "idle-timeout");
    metrics.countDeletion("kept_busy", "scale-down");
    metrics.countDeletion("failed");
    metrics.countApiCall("github", 201);
    metrics.countApiCall("openstack", "error");
    metrics.countWebhookDelivery("accepted");
    metrics.countWebhookDelivery("overloaded");
    const { text } = await metrics.render();
    expect(samples(text, "runner_fleet_runner_creations_total")).toStrictEqual([
      'runner_fleet_runner_creations_total{outcome="created"} 2', 'runner_fleet_runner_creations_total{outcome="failed"} 1',
    ]);
    expect(samples(text, "runner_fleet_runner_deletions_total")).toStrictEqual([
      'runner_fleet_runner_deletions_total{outcome="deleted",reason="idle-timeout"} 1',
      'runner_fleet_runner_deletions_total{outcome="kept_busy",reason="scale-down"} 1',
      'runner_fleet_runner_deletions_total{outcome="failed",reason="other"} 1',
    ]);
    expect(samples(text, "runner_fleet_api_calls_total")).toStrictEqual([
      'runner_fleet_api_calls_total{service="github",status="201"} 1', 'runner_fleet_api_calls_total{service="openstack",status="error"} 1',
    ]);
    expect(samples(text, "runner_fleet_webhook_deliveries_total")).toStrictEqual([
      'runner_fleet_webhook_deliveries_total{result="accepted"} 1', 'runner_fleet_webhook_deliveries_total{result="overloaded"} 1',
    ]);
  });

  it("records any value outside the known ones as \"other\", so label cardinality stays bounded", async () => {
    const metrics = createServeMetrics({ processMetrics: false });
    // Casts stand in for a bug or a hostile input reaching the recorder.
    for (let i = 0; i < 50; i += 1) metrics.countWebhookDelivery(`made-up-${i}`);
    metrics.countApiCall("gitlab" as "github", 7_000);
    metrics.countDeletion("vanished" as "deleted", "toString" as "scale-down");
    metrics.setRunners({ idle: 1, ...({ zombie: 2, ghost: 1 } as object) });
    const { text } = await metrics.render();
    expect(samples(text, "runner_fleet_webhook_deliveries_total")).toStrictEqual(['runner_fleet_webhook_deliveries_total{result="other"} 50']);
    expect(samples(text, "runner_fleet_api_calls_total")).toStrictEqual(['runner_fleet_api_calls_total{service="other",status="other"} 1']);
    expect(samples(text, "runner_fleet_runner_deletions_total")).toStrictEqual(['runner_fleet_runner_deletions_total{outcome="other",reason="other"} 1']);
    expect(samples(text, "runner_fleet_runners")).toContain('runner_fleet_runners{state="other"} 3');
  });

  it("observes job waits and reconcile durations into their histograms and ignores nonsense without throwing", async () => {
    const metrics = createServeMetrics({ processMetrics: false });
    metrics.observeJobWait(42);
    metrics.observeReconcile(0.3);
    metrics.observeJobWait(Number.NaN);
    metrics.observeReconcile(-1);
    metrics.countCreation("created", -5);
    metrics.setQueuedJobs(Number.POSITIVE_INFINITY);
    const { text } = await metrics.render();
    expect(text).toContain('runner_fleet_job_wait_seconds_bucket{le="45"} 1');
    expect(text).toContain('runner_fleet_job_wait_seconds_bucket{le="30"} 0');
    expect(text).toContain("runner_fleet_job_wait_seconds_count 1");
    expect(text).toContain('runner_fleet_reconcile_duration_seconds_bucket{le="0.5"} 1');
    expect(text).toContain("runner_fleet_reconcile_duration_seconds_count 1");
    expect(samples(text, "runner_fleet_runner_creations_total")).toStrictEqual([]);
    expect(samples(text, "runner_fleet_queued_jobs")).toStrictEqual(["runner_fleet_queued_jobs 0"]);
  });
});
