/**
 * `runner-fleet serve` put together (ARC's app package): the store, the manager with counting
 * transports, the webhook source, the autoscaling loop, the periodic reconcile and the HTTP
 * listener. `stop()` is SIGTERM: stop taking demand, finish the cycle in flight, leave the runners
 * where they are (they are the fleet), close.
 */
import type { DemandSink } from "../demand/ports.js";
import type { DemandStore } from "../demand/store.js";
import { createFleetManager, type RuntimeOptions } from "../fleet/create-runner-manager.js";
import { createDemandAdapters } from "../fleet/demand-adapters.js";
import { ConfigError } from "../manager/errors.js";
import type { FleetSpec } from "../manager/spec.js";
import type { ServeConfig } from "./config.js";
import { AutoscaleController } from "./controller.js";
import { countingFetch } from "./counting-fetch.js";
import { startServeHttp } from "./http.js";
import { createServeLogger } from "./log.js";
import { createServeMetrics } from "./metrics.js";
import { Reachability } from "./reachability.js";
import { openStore } from "./store.js";
import { startReconcile } from "./reconcile.js";
import { RecentNames } from "./recent-names.js";
import { openWebhookDemand, type WebhookDemand } from "./webhook-demand.js";

/** What `startServe` runs. */
export interface ServeOptions {
  spec: FleetSpec;
  config: ServeConfig;
  env: Record<string, string | undefined>;
  cwd?: string;
  /** Transports to inject (the sandbox, tests); the listener's address comes from `config`. */
  runtime?: Pick<RuntimeOptions, "openstackFetch" | "githubFetch" | "timeoutMs" | "retryAfterBaseMs">;
  /** Where log lines go (default stderr). */
  logStream?: { write(line: string): unknown };
  /** Re-reads the fleet's autoscale settings (serve --stack after a `pulumi up`). */
  reload?: () => Promise<ServeConfig["autoscale"]>;
}

/** A running service. */
export interface RunningServe {
  url: string;
  controller: AutoscaleController;
  store: DemandStore;
  /** SIGTERM: stops taking demand, finishes what is in flight, closes; runners stay. */
  stop(): Promise<void>;
}

/** Starts the service; throws before anything listens when the config, the store or the hook is wrong. */
export async function startServe(o: ServeOptions): Promise<RunningServe> {
  const { spec, config } = o;
  const logger = createServeLogger({ format: config.serve.logFormat, ...(o.logStream ? { stream: o.logStream } : {}) });
  const metrics = createServeMetrics();
  const reachability = new Reachability();
  const counted = { countApiCall: (service: "github" | "openstack", status: number | "error") => (metrics.countApiCall(service, status), reachability.record(service, status)) };
  const runtime = {
    ...o.runtime,
    githubFetch: countingFetch("github", counted, o.runtime?.githubFetch),
    openstackFetch: countingFetch("openstack", counted, o.runtime?.openstackFetch),
  };
  let autoscale = config.autoscale;
  let controller: AutoscaleController | undefined;
  const fleet = createFleetManager(spec, { env: o.env, ...(o.cwd ? { cwd: o.cwd } : {}), logger, ...runtime, inFlightElsewhere: () => controller?.inFlight() ?? [] });
  const adapters = createDemandAdapters(spec, { ...runtime, logger, ...(config.serve.webhook?.url ? { hookUrl: config.serve.webhook.url } : {}) });
  const store = await openStore(config.serve.store, spec.prefix);
  const finished = new RecentNames(4096);
  controller = new AutoscaleController({
    manager: fleet.manager, store, owner: config.serve.id, logger, autoscale: () => autoscale,
    finishedRunners: () => finished.set, creationTimeoutSeconds: spec.creationTimeoutSeconds,
    metrics: {
      cycle: (seconds, _decision, states) => (metrics.observeReconcile(seconds), metrics.setRunners(states)),
      creations: (outcome, count) => metrics.countCreation(outcome, count),
      deletions: (outcome, count) => metrics.countDeletion(outcome, "idle-timeout", count),
    },
  });
  const sink: DemandSink = {
    async event(event) {
      if (event.kind === "job-started") {
        const job = await store.getJob(event.jobId);
        if (job?.queuedAt && job.startedAt) metrics.observeJobWait(Math.max(0, (job.startedAt.getTime() - job.queuedAt.getTime()) / 1000));
      }
      if (event.kind === "job-completed" && event.runnerName) finished.add(event.runnerName);
      controller?.request();
    },
    async snapshot() {
      controller?.request();
    },
  };
  let demand: WebhookDemand;
  try {
    if (!config.serve.webhook) throw new ConfigError([{ path: "autoscale.demand", message: `${config.serve.demand} demand is not served by this build` }]);
    demand = await openWebhookDemand(config.serve.webhook, { adapters, store, labels: fleet.manager.labels, logger });
    await controller.recover();
    await demand.source.start(sink);
  } catch (error) {
    await store.close();
    throw error;
  }
  const source = demand.source;
  const http = await startServeHttp(
    {
      webhook: demand.route,
      metrics: () => metrics.render(),
      healthz: () => ({ ok: true }),
      readyz: async () => {
        const checks = { ...reachability.checks(), demand: { ok: source.status().connected, detail: source.status().detail } };
        return { ok: Object.values(checks).every((c) => c.ok), checks };
      },
    },
    { host: config.serve.listen.host, port: config.serve.listen.port, logger, onWebhookResult: (result) => metrics.countWebhookDelivery(result) },
  ).catch(async (error: unknown) => {
    await source.stop();
    await store.close();
    throw error;
  });
  const loop = startReconcile({
    controller, store, manager: fleet.manager, jobs: adapters.jobs, sink, logger, metrics,
    ...(demand.deliveries ? { deliveries: demand.deliveries } : {}),
    ...(o.reload ? { reload: async () => void (autoscale = await o.reload!()) } : {}),
    reconcileSeconds: config.serve.reconcileSeconds, tickSeconds: config.serve.tickSeconds,
    fullReconcileNow: source.recovery?.status !== "done",
  });
  logger.info(`serve: ${spec.prefix} listening on ${http.url} (webhook, metrics, healthz, readyz); minIdle ${autoscale.minIdle}, max ${autoscale.max}`);
  let stopping: Promise<void> | undefined;
  return {
    url: http.url,
    controller,
    store,
    stop: () =>
      (stopping ??= (async () => {
        http.stopTaking();
        loop.stop();
        await source.stop();
        await controller.stop();
        await http.close();
        await store.close();
        logger.info(`serve: ${spec.prefix} stopped; its runners stay`);
      })()),
  };
}
