/**
 * The end of a soak: faults off, serve restarted with `minIdle: 0` so the fleet scales to zero,
 * then one `runner-fleet cleanup`, and what is left: orphan VMs and orphan GitHub runners.
 */
import type { RemoteSandbox } from "./remote-sandbox.js";
import { type BenchFleet, type CliProcess, runCli, startCli, writeFleet } from "./serve-process.js";
import { until } from "./serve-metrics.js";

/** What the drain left behind. */
export interface Drained {
  /** ms until the fleet had no VM and no GitHub runner, or undefined when it never got there. */
  zeroAfterMs: number | undefined;
  cleanupCode: number | null;
  orphanVms: number;
  orphanRunners: number;
}

/** Turns every fault off, drains `fleet` to zero through serve (stopping `running` first), cleans up once, counts. */
export async function drainAndClean(sb: RemoteSandbox, dir: string, fleet: BenchFleet, running: CliProcess, timeoutMs = 180_000): Promise<Drained> {
  await sb.ask("clearFaults", {});
  await sb.ask("serverErrorRate", { rate: 0 });
  await sb.ask("webhookFaults", { faults: {} });
  await running.stop("SIGTERM");
  const file = await writeFleet(dir, sb, { ...fleet, autoscale: { ...fleet.autoscale!, minIdle: 0, idleTimeoutSeconds: 1 } });
  const serve = await startCli(["serve", "--config", file], dir, "serving ");
  const started = Date.now();
  const empty = async () => {
    const now = await sb.ask("fleet", { prefix: fleet.prefix });
    return now.vms === 0 && now.runners === 0;
  };
  const reached = await until(empty, timeoutMs, 250);
  const zeroAfterMs = reached ? Date.now() - started : undefined;
  await serve.stop("SIGTERM");
  const cleanup = await runCli(["cleanup", "--config", file], dir);
  // Deleted VMs stay listed (task_state deleting) for the sandbox's delete delay.
  await until(empty, 5_000, 100);
  const left = await sb.ask("fleet", { prefix: fleet.prefix });
  return { zeroAfterMs, cleanupCode: cleanup.code, orphanVms: left.vms, orphanRunners: left.runners };
}
