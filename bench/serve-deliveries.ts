/**
 * `workflow_job` deliveries built and signed the way GitHub sends them, for benches that post
 * straight to serve's /webhook: the sandbox's own payload shapes and header set (GUID, event,
 * hook ids, HMAC-SHA256 and SHA-1 signatures over the exact body bytes).
 */
import { randomUUID } from "node:crypto";
import type { SandboxJob } from "../src/sandbox/index.js";
import { workflowJobPayload } from "../src/sandbox/github-webhook-payload.js";
import { deliveryBody, deliveryHeaders } from "../src/sandbox/github-webhook-signing.js";

/** One delivery ready to POST. */
export interface Delivery {
  headers: Record<string, string>;
  body: Buffer;
}

/** A signed `queued` delivery for job `id` of `repository` (a job GitHub would have just queued). */
export function queuedDelivery(secret: string, apiUrl: string, id: number, repository: string): Delivery {
  const now = Date.now();
  const job: SandboxJob = {
    id, runId: id + 1_000_000, repository, labels: ["self-hosted", "linux"], durationMs: 60_000, plannedConclusion: "success",
    workflow: "CI", event: "push", status: "queued", conclusion: null, createdAt: now,
  };
  const payload = workflowJobPayload(apiUrl, job, "queued", { repositoryId: 4242, organizationId: 4241 }, now);
  const body = deliveryBody(JSON.stringify(payload), "json");
  const headers = deliveryHeaders({ guid: randomUUID(), event: "workflow_job", hookId: 480_000_001, target: { type: "repository", id: 4242 }, contentType: "json", secret }, body, "valid");
  return { headers, body };
}

/** Posts a delivery; resolves to the status and how long serve took to answer. */
export async function post(url: string, delivery: Delivery): Promise<{ status: number; ms: number }> {
  const start = performance.now();
  try {
    const res = await fetch(url, { method: "POST", headers: delivery.headers, body: delivery.body });
    await res.arrayBuffer();
    return { status: res.status, ms: performance.now() - start };
  } catch {
    return { status: 0, ms: performance.now() - start };
  }
}
