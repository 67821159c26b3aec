/**
 * `runner-fleet serve` put together (ARC's app package): the store, the manager with counting
 * transports, the webhook source, the autoscaling loop, the periodic reconcile and the HTTP
 * listener. `stop()` is SIGTERM: stop taking demand, finish the cycle in flight, leave the runners
 * where they are (they are the fleet), close. With `deleteScaleSet` the fleet goes instead: after
 * the session is deleted, its runners retire (a busy one only once its job is done, up to the
 * timeout) and its scale set is deleted; if a runner is still busy then, the scale set stays.
 */
import type { DemandSink, DemandSource, HookDeliveries } from "../demand/ports.js";
import type { DemandStore } from "../demand/store.js";
import { createFleetManager, type RuntimeOptions } from "../fleet/create-runner-manager.js";
import { createDemandAdapters, createScaleSetDemandAdapters } from "../fleet/demand-adapters.js";
import { scaleSetLabels } from "../fleet/scale-set-fleet.js";
import { describeLeft, retireScaleSet, type ScaleSetDeletion } from "../fleet/scale-set-deletion.js";
import { describeError } from "../manager/errors.js";
import type { Logger } from "../manager/ports.js";
import type { FleetSpec } from "../manager/spec.js";
import type { ServeConfig } from "./config.js";
import { AutoscaleController } from "./controller.js";
import { countingFetch } from "./counting-fetch.js";
import { startServeHttp, type WebhookRoute } from "./http.js";
import { createServeLogger } from "./log.js";
import { createServeMetrics } from "./metrics.js";
import { Reachability } from "./reachability.js";
import { openStore } from "./store.js";
import { startReconcile } from "./reconcile.js";
import { RecentNames } from "./recent-names.js";
import { openScaleSetDemand, type ScaleSetDemand } from "./scale-set-demand.js";
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
  /** SIGTERM: stops taking demand, finishes what is in flight, closes; runners stay unless `deleteScaleSet`. */
  stop(): Promise<ServeStopReport>;
}

/** What a stop did besides stopping: with `deleteScaleSet`, what became of the scale set. */
export interface ServeStopReport {
  scaleSet?: Omit<ScaleSetDeletion, "outcome"> & { outcome: ScaleSetDeletion["outcome"] | "failed"; reason?: string };
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
  const scaleSetAdapters = config.serve.scaleSet
    ? createScaleSetDemandAdapters(spec, { ...config.serve.scaleSet, labels: scaleSetLabels(config.serve.scaleSet.name, spec.labels) }, { ...runtime, logger })
    : undefined;
  const fleet = createFleetManager(spec, {
    env: o.env, ...(o.cwd ? { cwd: o.cwd } : {}), logger, ...runtime, inFlightElsewhere: () => controller?.inFlight() ?? [],
    ...(scaleSetAdapters ? { platform: scaleSetAdapters.platform } : {}),
  });
  const adapters = createDemandAdapters(spec, { ...runtime, logger, ...(config.serve.webhook?.url ? { hookUrl: config.serve.webhook.url } : {}) });
  const store = await openStore(config.serve.store, spec.prefix);
  const finished = new RecentNames(4096);
  let demand: ServedDemand;
  try {
    demand = scaleSetAdapters
      ? scaleSetServed(openScaleSetDemand(scaleSetAdapters, { store, maxCapacity: autoscale.max, owner: config.serve.id, logger }))
      : webhookServed(await openWebhookDemand(config.serve.webhook!, { adapters, store, labels: fleet.manager.labels, logger }));
  } catch (error) {
    await store.close();
    throw error;
  }
  controller = new AutoscaleController({
    manager: fleet.manager, store, owner: config.serve.id, logger, autoscale: () => autoscale,
    finishedRunners: () => finished.set, creationTimeoutSeconds: spec.creationTimeoutSeconds,
    ...(demand.waiting ? { waiting: demand.waiting } : {}),
    ...(demand.active ? { active: demand.active } : {}),
    metrics: {
      cycle: (seconds, _decision, states) => (metrics.observeReconcile(seconds), metrics.setRunners(states)),
      creations: (outcome, count) => metrics.countCreation(outcome, count),
      deletions: (outcome, count) => metrics.countDeletion(outcome, "idle-timeout", count),
    },
  });
  const inner: DemandSink = {
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
  const sink = demand.sink ? demand.sink(inner) : inner;
  const source = demand.source;
  try {
    await controller.recover();
    await source.start(sink);
  } catch (error) {
    await store.close();
    throw error;
  }
  const http = await startServeHttp(
    {
      ...(demand.route ? { webhook: demand.route } : {}),
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
    ...(o.reload ? { reload: async () => void ((autoscale = await o.reload!()), demand.maxCapacity?.(autoscale.max)) } : {}),
    reconcileSeconds: config.serve.reconcileSeconds, tickSeconds: config.serve.tickSeconds,
    fullReconcileNow: demand.fullReconcileNow(),
  });
  logger.info(`serve: ${spec.prefix} listening on ${http.url} (${demand.route ? "webhook, " : ""}metrics, healthz, readyz); demand from ${scaleSetAdapters ? `scale set '${config.serve.scaleSet!.name}'` : "webhooks"}; minIdle ${autoscale.minIdle}, max ${autoscale.max}`);
  let stopping: Promise<ServeStopReport> | undefined;
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
        const deletion = config.serve.deleteScaleSet && scaleSetAdapters
          ? await deleteOnStop({ manager: fleet.manager, scaleSet: scaleSetAdapters.service, name: config.serve.scaleSet!.name, timeoutSeconds: config.serve.deleteScaleSet.timeoutSeconds, pollSeconds: Math.min(5, config.serve.tickSeconds), logger })
          : undefined;
        await http.close();
        await store.close();
        logger.info(`serve: ${spec.prefix} stopped${deletion ? "" : "; its runners stay"}`);
        return deletion ? { scaleSet: deletion } : {};
      })()),
  };
}

// --- internal ---

/** `retireScaleSet` with its outcome logged; an API failure is an outcome too (the stop goes on). */
async function deleteOnStop(o: Parameters<typeof retireScaleSet>[0] & { logger: Logger }): Promise<NonNullable<ServeStopReport["scaleSet"]>> {
  const { logger, name } = o;
  logger.info(`serve: retiring the fleet's runners, then deleting scale set '${name}' (--delete-scale-set)`);
  const started = Date.now();
  try {
    const deletion = await retireScaleSet(o);
    if (deletion.outcome === "kept") logger.warn(`serve: scale set '${name}' stays: ${describeLeft(deletion.left)} after ${deletion.seconds} s; no job is killed to delete it: stop again with --delete-scale-set once they are done, or destroy the fleet`, { scaleSet: name, ...deletion.left });
    else logger.info(`serve: scale set '${name}' ${deletion.outcome === "deleted" ? "deleted" : "was already gone"}; no runner left`, { scaleSet: name, seconds: deletion.seconds });
    return deletion;
  } catch (error) {
    const reason = describeError(error);
    logger.error(`serve: scale set '${name}' could not be deleted: ${reason}; it stays`, { scaleSet: name });
    return { name, outcome: "failed", reason, left: { busy: 0, other: 0 }, seconds: Math.round((Date.now() - started) / 100) / 10 };
  }
}

/** One demand source as the service drives it, whichever it is. */
interface ServedDemand {
  source: DemandSource;
  route?: WebhookRoute;
  deliveries?: HookDeliveries;
  sink?: ScaleSetDemand["sink"];
  waiting?: ScaleSetDemand["waiting"];
  active?: () => boolean;
  maxCapacity?: (n: number) => void;
  /** Whether the periodic reconcile must run at once (recovery on start did not complete). */
  fullReconcileNow(): boolean;
}

function webhookServed(d: WebhookDemand): ServedDemand {
  return { source: d.source, route: d.route, ...(d.deliveries ? { deliveries: d.deliveries } : {}), fullReconcileNow: () => d.source.recovery?.status !== "done" };
}

function scaleSetServed(d: ScaleSetDemand): ServedDemand {
  // Statistics are absolute: the first message after the session opens is the whole picture.
  return { source: d.source, sink: d.sink, waiting: d.waiting, active: d.active, maxCapacity: (n) => d.source.setMaxCapacity(n), fullReconcileNow: () => false };
}
