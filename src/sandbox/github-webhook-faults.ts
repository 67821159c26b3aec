/**
 * Delivery faults the simulated GitHub can inject, with seeded randomness so a test sees the same
 * losses, duplicates and reorderings on every run. Each original delivery draws four numbers in a
 * fixed order (loss, duplicate, reorder, delay), whatever the rates, so one seed gives one story.
 * Redeliveries draw nothing: they reach the receiver as they are.
 */
import type { SignatureMode } from "./github-webhook-signing.js";
import { mulberry32 } from "./random.js";

/** The faults of webhook delivery; every field is optional, and omitted ones mean "none". */
export interface WebhookFaults {
  /** Share of deliveries recorded as failed ("timed out", status_code 0) without reaching the receiver. */
  lossRate?: number;
  /** Share of deliveries sent twice (same GUID, both recorded). */
  duplicateRate?: number;
  /** Share of a job's queued/in_progress deliveries held back until the job's next delivery has been sent. */
  reorderRate?: number;
  /** Extra wait before sending, in ms: a number or a [min, max] range drawn per delivery. */
  delayMs?: number | [number, number];
  /** Seed of the random draws (default 1); setting faults restarts the sequence. */
  seed?: number;
  /** How hooks with a secret are signed (default "valid"). */
  signature?: SignatureMode;
}

/** The faults with every default filled in. */
export type ResolvedFaults = Required<Omit<WebhookFaults, "delayMs">> & { delayMs: [number, number] };

/** What happens to one original delivery. */
export interface DeliveryPlan {
  lost: boolean;
  duplicate: boolean;
  reorder: boolean;
  delayMs: number;
}

/** The keys {@link parseWebhookFaults} knows. */
export const FAULT_KEYS = ["lossRate", "duplicateRate", "reorderRate", "delayMs", "seed", "signature"] as const;

/** Checks faults from options or a control request, reporting every problem. */
export function parseWebhookFaults(input: unknown): ResolvedFaults | { errors: string[] } {
  if (typeof input !== "object" || input === null || Array.isArray(input)) return { errors: ["webhook faults must be a JSON object"] };
  const f = input as Record<string, unknown>;
  const errors = Object.keys(f)
    .filter((k) => !(FAULT_KEYS as readonly string[]).includes(k))
    .map((k) => `unknown key '${k}' (known: ${FAULT_KEYS.join(", ")})`);
  const rate = (key: string): number => {
    const v = f[key] ?? 0;
    if (typeof v === "number" && v >= 0 && v <= 1) return v;
    errors.push(`${key} must be a number from 0 to 1`);
    return 0;
  };
  const lossRate = rate("lossRate");
  const duplicateRate = rate("duplicateRate");
  const reorderRate = rate("reorderRate");
  const delay = f.delayMs ?? 0;
  const range = typeof delay === "number" ? [delay, delay] : delay;
  const delayOk = Array.isArray(range) && range.length === 2 && range.every((n) => Number.isSafeInteger(n) && (n as number) >= 0) && (range[0] as number) <= (range[1] as number);
  if (!delayOk) errors.push("delayMs must be an integer ≥ 0 or a [min, max] pair of them with min ≤ max");
  const seed = f.seed ?? 1;
  if (!Number.isSafeInteger(seed)) errors.push("seed must be an integer");
  const signature = f.signature ?? "valid";
  if (!["valid", "invalid", "missing", "sha1-only"].includes(signature as string)) errors.push('signature must be "valid", "invalid", "missing" or "sha1-only"');
  if (errors.length > 0) return { errors };
  return {
    lossRate,
    duplicateRate,
    reorderRate,
    delayMs: delayOk ? (range as [number, number]) : [0, 0],
    seed: seed as number,
    signature: signature as SignatureMode,
  };
}

/** Rolls the dice for each original delivery. */
export class FaultDice {
  private next: () => number;

  constructor(public readonly faults: ResolvedFaults) {
    this.next = mulberry32(faults.seed);
  }

  /** The fate of the next original delivery. */
  plan(): DeliveryPlan {
    const [loss, duplicate, reorder, delay] = [this.next(), this.next(), this.next(), this.next()];
    const [min, max] = this.faults.delayMs;
    return {
      lost: loss < this.faults.lossRate,
      duplicate: duplicate < this.faults.duplicateRate,
      reorder: reorder < this.faults.reorderRate,
      delayMs: min + Math.floor(delay * (max - min + 1)),
    };
  }
}
