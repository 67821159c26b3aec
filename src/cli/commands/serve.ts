/**
 * `runner-fleet serve`: keeps the fleet matched to demand (SPEC §9) until SIGTERM or Ctrl-C, then
 * drains gracefully and exits 0 with the runners left in place. The fleet comes from a fleet file
 * (`--config`, with its `autoscale:` and `serve:` sections) or from a Pulumi stack's state
 * (`--stack`, re-read every few minutes so a `pulumi up` of autoscale takes effect). With
 * `--delete-scale-set` the stop removes the fleet's scale set too, after its runners (never a busy
 * one: if one is still busy at the timeout, the scale set stays and the exit code is 1).
 */
import { defineCommand } from "citty";
import { parseDuration } from "../duration.js";
import { ExitCode } from "../errors.js";
import { DEFAULT_FLEET_FILE } from "../fleet-file.js";
import { type CliIo, println } from "../io.js";
import { openFileFleet } from "../serve-fleet.js";
import { stackArgs, stackTarget } from "../stack-flags.js";

/** The `serve` command. */
export function serveCommand(io: CliIo) {
  return defineCommand({
    meta: { name: "serve", description: "Scale the fleet on demand (webhooks or a runner scale set), with /metrics, /healthz and /readyz, until SIGTERM" },
    args: {
      config: { type: "string", alias: "c", description: "Fleet file with autoscale: and serve: sections", valueHint: "fleet.yaml" },
      listen: { type: "string", description: "host:port of the listener (default 127.0.0.1:9180)", valueHint: "addr" },
      store: { type: "string", description: "Demand store: a SQLite file (default under ~/.local/state/runner-fleet) or postgres:// URL", valueHint: "path|url" },
      id: { type: "string", description: "This controller's id in a shared store (default host:port)", valueHint: "id" },
      "log-format": { type: "string", description: "text or json", valueHint: "format" },
      "register-webhook": { type: "string", description: "Create or update the GitHub hook delivering workflow_job to this public URL", valueHint: "url" },
      "delete-scale-set": { type: "boolean", description: "On SIGTERM, retire the fleet's runners (busy ones after their job) and delete its scale set", default: false },
      "delete-scale-set-timeout": { type: "string", description: "How long --delete-scale-set waits for busy runners before leaving the scale set (default 10m)", valueHint: "duration" },
      ...stackArgs,
    },
    async run({ args, rawArgs }): Promise<ExitCode> {
      const flags: Record<string, unknown> = {
        ...(args.listen ? { listen: args.listen } : {}),
        ...(args.store ? { store: args.store } : {}),
        ...(args.id ? { id: args.id } : {}),
        ...(args["log-format"] ? { logFormat: args["log-format"] } : {}),
        ...(args["register-webhook"] ? { webhook: { url: args["register-webhook"], register: true } } : {}),
        ...(args["delete-scale-set"] ? { deleteScaleSet: true } : {}),
        ...(args["delete-scale-set-timeout"] ? { deleteTimeoutSeconds: Math.ceil(parseDuration(args["delete-scale-set-timeout"], "--delete-scale-set-timeout") / 1000) } : {}),
      };
      const target = stackTarget(args, rawArgs, io, "serve");
      const opened = target ? await (await import("../serve-stack.js")).openStackFleet(target, flags, io) : await openFileFleet(args.config ?? DEFAULT_FLEET_FILE, flags, io);
      const { startServe } = await import("../../serve/service.js");
      const service = await startServe({ spec: opened.spec, config: opened.config, env: io.env, cwd: io.cwd, ...(io.runtime ? { runtime: io.runtime } : {}), logStream: io.stderr, ...(opened.reload ? { reload: opened.reload } : {}) });
      const deleting = opened.config.serve.deleteScaleSet;
      println(io.stdout, `serving ${opened.spec.prefix} on ${service.url} (Ctrl-C or SIGTERM drains and exits; ${deleting ? `then its runners retire and scale set '${opened.config.serve.scaleSet?.name ?? ""}' is deleted` : "runners stay"})`);
      await untilAborted(io.signal);
      const stopped = await service.stop();
      // Asked to delete the scale set and it stays (a runner still busy, or the service refused): not done.
      return stopped.scaleSet && (stopped.scaleSet.outcome === "kept" || stopped.scaleSet.outcome === "failed") ? ExitCode.Failed : ExitCode.Ok;
    },
  });
}

function untilAborted(signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    signal.addEventListener("abort", () => resolve(), { once: true });
  });
}
