/**
 * A fleet's `autoscale` settings (SPEC §9) and their validation. `validateAutoscale` reports
 * every problem at once, each with its path and what to do, like `validateSpec`.
 */
import { z } from "zod";
import { ConfigError, type Problem } from "../manager/errors.js";
import { isTimeZone, parseClock, parseDays } from "./_window.js";

/** A recurring time window during which a different idle floor applies. */
export interface ScheduleWindow {
  /** Weekdays the window opens on: "mon-fri", "sat,sun", "mon"; ranges may wrap ("fri-mon"). */
  days: string;
  /** Opening time "HH:MM", inclusive. */
  from: string;
  /** Closing time "HH:MM" (or "24:00"), exclusive; before `from` means it closes the next day. */
  to: string;
  /** IANA time zone of `days`, `from` and `to`; "UTC" when absent. */
  timezone?: string;
  /** Idle runners to keep while the window is open. */
  minIdle: number;
}

/** How a fleet scales with demand: an idle floor, a ceiling, and when idle runners retire. */
export interface AutoscaleConfig {
  minIdle: number;
  max: number;
  idleTimeoutSeconds: number;
  /** The first open window's minIdle overrides `minIdle`. */
  schedule?: ScheduleWindow[];
  /**
   * Where `serve` learns of waiting jobs: GitHub's `workflow_job` webhooks (needs an inbound
   * port), or the fleet's runner scale set (an outbound long poll). Default: the scale set when no
   * webhook secret is configured, webhooks when one is. The policy itself never reads it.
   */
  demand?: "webhook" | "scale-set";
  /** The fleet's runner scale set (scale-set demand): its name (default: the fleet prefix) and runner group (default: the fleet's). */
  scaleSet?: { name?: string; runnerGroup?: string };
}

const count = z.number({ error: "must be a whole number ≥ 0" }).int("must be a whole number").min(0, "must be ≥ 0");
const atLeastOne = z.number({ error: "must be a whole number ≥ 1" }).int("must be a whole number");
const text = (example: string) => z.string({ error: `must be text like '${example}'` });
const clock = (endOfDay: boolean) =>
  text("08:00").refine((t) => parseClock(t, endOfDay) !== undefined, { error: (issue) => `'${String(issue.input)}' is not HH:MM` });
const isCount = (n: unknown): n is number => Number.isInteger(n) && (n as number) >= 0;
// Cross-field checks run even when another field is wrong, so every problem shows at once.
const always = { when: () => true };

const windowSchema = z
  .strictObject({
    days: text("mon-fri").refine((d) => parseDays(d) !== undefined, {
      error: (issue) => `'${String(issue.input)}' is not a day list: write e.g. 'mon-fri', 'sat,sun' or 'mon'`,
    }),
    from: clock(false),
    to: clock(true),
    timezone: text("Europe/Berlin")
      .refine(isTimeZone, { error: (issue) => `'${String(issue.input)}' is not an IANA time zone: write e.g. 'UTC' or 'Europe/Berlin'` })
      .optional(),
    minIdle: count,
  }, { error: "must be a window like { days: 'mon-fri', from: '08:00', to: '18:00', minIdle: 2 }" })
  .superRefine((w, ctx) => {
    if (typeof w !== "object" || w === null) return;
    const from = typeof w.from === "string" ? parseClock(w.from) : undefined;
    if (from !== undefined && typeof w.to === "string" && parseClock(w.to, true) === from) {
      ctx.addIssue({ code: "custom", path: ["to"], message: `equals from ('${w.from}'): the window is empty; for a whole day use 00:00 to 24:00` });
    }
  }, always);

/** Zod schema of `autoscale`: shapes, defaults (minIdle 0, idleTimeoutSeconds 300) and cross-field limits. */
export const autoscaleSchema = z
  .strictObject({
    minIdle: count.default(0),
    max: atLeastOne.min(1, "must be ≥ 1: a fleet that may never hold a runner serves nothing"),
    idleTimeoutSeconds: count.default(300),
    schedule: z.array(windowSchema, { error: "must be a list of windows" }).optional(),
    demand: z.enum(["webhook", "scale-set"], { error: "must be webhook or scale-set" }).optional(),
    scaleSet: z
      .strictObject({
        name: z.string().regex(/^[A-Za-z0-9._-]{1,100}$/, "use letters, digits, '.', '_' and '-' (at most 100)").optional(),
        runnerGroup: z.string().trim().min(1, "must not be empty").optional(),
      }, { error: "must be an object like { name: 'ci-linux' }" })
      .optional(),
  }, { error: "must be an object like { max: 10, minIdle: 1 }" })
  .superRefine((c, ctx) => {
    if (typeof c !== "object" || c === null || !isCount(c.max)) return;
    if (isCount(c.minIdle) && c.max < c.minIdle) {
      ctx.addIssue({ code: "custom", path: ["max"], message: `${c.max} is below minIdle (${c.minIdle}): raise max or lower minIdle` });
    }
    (Array.isArray(c.schedule) ? c.schedule : []).forEach((w, i) => {
      if (isCount(w?.minIdle) && w.minIdle > c.max) {
        const message = `${w.minIdle} is above max (${c.max}): raise max or lower this window's minIdle`;
        ctx.addIssue({ code: "custom", path: ["schedule", i, "minIdle"], message });
      }
    });
  }, always);

/** `autoscale` as a person writes it (fleet file, Pulumi args). */
export type AutoscaleConfigInput = z.input<typeof autoscaleSchema>;

/** Validates `input` and applies defaults; throws one `ConfigError` listing every problem under `path`. */
export function validateAutoscale(input: unknown, path = "autoscale"): AutoscaleConfig {
  const parsed = autoscaleSchema.safeParse(input, { reportInput: true });
  if (parsed.success) return parsed.data;
  throw new ConfigError(parsed.error.issues.map((issue) => toProblem(issue, path)));
}

// --- internal ---

function toProblem(issue: z.core.$ZodIssue, prefix: string): Problem {
  // Brackets for list indices, as people read paths: autoscale.schedule[1].from.
  const path = issue.path.reduce<string>((at, key) => (typeof key === "number" ? `${at}[${key}]` : at ? `${at}.${String(key)}` : String(key)), prefix);
  if (issue.code === "unrecognized_keys") {
    return { path, message: `unknown field${issue.keys.length > 1 ? "s" : ""} ${issue.keys.map((k) => `'${k}'`).join(", ")}` };
  }
  if (issue.code === "invalid_type" && issue.input === undefined) return { path, message: "is required" };
  return { path, message: issue.message };
}
