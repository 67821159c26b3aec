/**
 * The `serve:` section of a fleet file (or the flags of `runner-fleet serve`): where to listen,
 * the webhook secret, the store, the loop's periods. Validated with the fleet's `autoscale:`
 * before anything starts; every problem is reported at once and says what to do.
 */
import { homedir, hostname } from "node:os";
import { join } from "node:path";
import { z } from "zod";
import { type AutoscaleConfig, validateAutoscale } from "../autoscale/config.js";
import { scaleSetName } from "../fleet/scale-set-fleet.js";
import { ConfigError, type Problem } from "../manager/errors.js";

/** How long a stop with `deleteScaleSet` waits for busy runners (as `pulumi destroy`'s drain). */
export const DEFAULT_DELETE_TIMEOUT_SECONDS = 600;

/** Where `serve` listens by default: loopback only, so exposing it is a deliberate act. */
export const DEFAULT_LISTEN = "127.0.0.1:9180";

/** The environment variable that may hold the webhook secret (kept out of files and process lists). */
export const WEBHOOK_SECRET_ENV = "RUNNER_FLEET_WEBHOOK_SECRET";

const seconds = (min: number) => z.number({ error: "must be a number of seconds" }).int("must be a whole number").min(min, `must be ≥ ${min}`);

const serveSchema = z.strictObject({
  listen: z.string().regex(/^[^\s:]+:\d{1,5}$/, "use host:port, e.g. 127.0.0.1:9180").optional(),
  id: z.string().regex(/^[A-Za-z0-9._:-]{1,100}$/, "use letters, digits, '.', '_', ':' and '-'").optional(),
  store: z.string().min(1, "must be a file path or a postgres:// URL").optional(),
  webhook: z
    .strictObject({
      secret: z.string().min(1, "must not be empty").optional(),
      /** Public URL GitHub delivers to; with `register`, serve creates or updates the hook itself. */
      url: z.url({ protocol: /^https?$/, error: "must be an http(s) URL" }).optional(),
      register: z.boolean().optional(),
    })
    .optional(),
  reconcileSeconds: seconds(1).optional(),
  tickSeconds: seconds(1).optional(),
  logFormat: z.enum(["text", "json"], { error: "must be text or json" }).optional(),
  /** On a graceful stop, retire the fleet's runners and delete its scale set (normally the `--delete-scale-set` flag). */
  deleteScaleSet: z.boolean({ error: "must be true or false" }).optional(),
  deleteTimeoutSeconds: seconds(0).optional(),
});

/** The serve section as written. */
export type ServeSectionInput = z.input<typeof serveSchema>;

/** How one `serve` process runs, defaults applied. */
export interface ServeSettings {
  listen: { host: string; port: number };
  /** This controller's id in shared claims: stable across restarts, distinct per controller. */
  id: string;
  /** A SQLite file path, or a postgres:// URL. */
  store: string;
  /** Where demand comes from (autoscale.demand; default: webhooks when a secret is set, else the scale set). */
  demand: "webhook" | "scale-set";
  /** With webhook demand. */
  webhook?: { secret: string; url?: string; register: boolean };
  /** With scale-set demand: the scale set's name (default: the fleet prefix) and runner group. */
  scaleSet?: { name: string; runnerGroup?: string };
  /**
   * With scale-set demand: on a graceful stop, after the session is deleted, retire the fleet's
   * runners (busy ones once their job is done, up to `timeoutSeconds`) and delete the scale set.
   */
  deleteScaleSet?: { timeoutSeconds: number };
  reconcileSeconds: number;
  tickSeconds: number;
  logFormat: "text" | "json";
}

/** A validated serve configuration: the policy and the process settings. */
export interface ServeConfig {
  autoscale: AutoscaleConfig;
  serve: ServeSettings;
}

/**
 * Validates `autoscale:` and `serve:` (fleet file sections, flags merged over them) for fleet
 * `prefix`; throws a ConfigError with every problem.
 */
export function validateServeConfig(raw: { autoscale?: unknown; serve?: unknown }, prefix: string, env: Record<string, string | undefined>): ServeConfig {
  const problems: Problem[] = [];
  let autoscale: AutoscaleConfig | undefined;
  if (raw.autoscale === undefined) problems.push({ path: "autoscale", message: "serve scales on demand: add `autoscale: { minIdle: 1, max: 10 }` to the fleet (see examples/fleet.yaml)" });
  else autoscale = collect(problems, () => validateAutoscale(raw.autoscale));
  const parsed = serveSchema.safeParse(raw.serve ?? {});
  if (!parsed.success) problems.push(...parsed.error.issues.map((i) => ({ path: ["serve", ...i.path.map(String)].join("."), message: i.message })));
  const section = parsed.success ? parsed.data : {};
  // The cross-field rules read the raw section, so another field's problem does not hide or fake them.
  const webhook = (raw.serve as { webhook?: { secret?: unknown; url?: unknown; register?: unknown } } | undefined)?.webhook;
  const secret = section.webhook?.secret ?? (typeof webhook?.secret === "string" && webhook.secret !== "" ? webhook.secret : undefined) ?? env[WEBHOOK_SECRET_ENV];
  // Without a secret no webhook can be trusted, and none is needed: the scale set polls outbound.
  const demand = autoscale?.demand ?? (secret || webhook !== undefined ? "webhook" : "scale-set");
  if (demand === "webhook" && !secret) {
    problems.push({ path: "serve.webhook.secret", message: `GitHub signs webhook deliveries with a secret and serve refuses unsigned ones: set serve.webhook.secret or ${WEBHOOK_SECRET_ENV}, and the same secret on the GitHub hook (or use autoscale.demand: scale-set, which needs no inbound port)` });
  }
  if (webhook?.register === true && webhook.url === undefined) problems.push({ path: "serve.webhook.url", message: "register needs the public URL GitHub delivers to (serve.webhook.url)" });
  const deleting = (raw.serve as { deleteScaleSet?: unknown; deleteTimeoutSeconds?: unknown } | undefined) ?? {};
  if (deleting.deleteScaleSet === true && demand === "webhook") problems.push({ path: "serve.deleteScaleSet", message: "webhook demand has no scale set to delete: it needs scale-set demand (autoscale.demand: scale-set, or no webhook secret)" });
  if (deleting.deleteTimeoutSeconds !== undefined && deleting.deleteScaleSet !== true) problems.push({ path: "serve.deleteTimeoutSeconds", message: "only applies with deleteScaleSet (--delete-scale-set)" });
  const [host = "", port = ""] = (section.listen ?? DEFAULT_LISTEN).split(/:(?=\d+$)/);
  if (Number(port) > 65535) problems.push({ path: "serve.listen", message: `port ${port} is above 65535` });
  if (problems.length > 0 || !autoscale) throw new ConfigError(problems);
  return {
    autoscale,
    serve: {
      listen: { host, port: Number(port) },
      id: section.id ?? `${hostname()}:${port}`,
      store: section.store ?? defaultStorePath(prefix, env),
      demand,
      ...(demand === "webhook" && secret ? { webhook: { secret, ...(section.webhook?.url ? { url: section.webhook.url } : {}), register: section.webhook?.register ?? false } } : {}),
      ...(demand === "scale-set" ? { scaleSet: { name: scaleSetName(prefix, autoscale), ...(autoscale.scaleSet?.runnerGroup ? { runnerGroup: autoscale.scaleSet.runnerGroup } : {}) } } : {}),
      ...(demand === "scale-set" && section.deleteScaleSet ? { deleteScaleSet: { timeoutSeconds: section.deleteTimeoutSeconds ?? DEFAULT_DELETE_TIMEOUT_SECONDS } } : {}),
      reconcileSeconds: section.reconcileSeconds ?? 60,
      tickSeconds: section.tickSeconds ?? 15,
      logFormat: section.logFormat ?? "text",
    },
  };
}

/** `$XDG_STATE_HOME/runner-fleet/<prefix>.sqlite` (default `~/.local/state`): one store per fleet. */
export function defaultStorePath(prefix: string, env: Record<string, string | undefined>): string {
  return join(env["XDG_STATE_HOME"] || join(env["HOME"] || homedir(), ".local", "state"), "runner-fleet", `${prefix}.sqlite`);
}

function collect<T>(problems: Problem[], fn: () => T): T | undefined {
  try {
    return fn();
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    problems.push(...error.problems);
    return undefined;
  }
}
