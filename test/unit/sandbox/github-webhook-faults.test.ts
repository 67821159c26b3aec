import { describe, expect, it } from "vitest";
import { FaultDice, parseWebhookFaults, type ResolvedFaults } from "../../../src/sandbox/github-webhook-faults.js";

function resolved(input: unknown): ResolvedFaults {
  const parsed = parseWebhookFaults(input);
  if ("errors" in parsed) throw new Error(parsed.errors.join("; "));
  return parsed;
}

describe("webhook fault settings", () => {
  it("fills in no faults, seed 1 and valid signatures when nothing is set", () => {
    expect(resolved({})).toStrictEqual({ lossRate: 0, duplicateRate: 0, reorderRate: 0, delayMs: [0, 0], seed: 1, signature: "valid" });
  });

  it("takes a single delay as a range of one value", () => {
    expect(resolved({ delayMs: 40 }).delayMs).toStrictEqual([40, 40]);
  });

  it("reports every problem at once", () => {
    const parsed = parseWebhookFaults({ lossRate: -0.1, duplicateRate: "1", delayMs: [5], seed: 1.5, signature: "forged", typo: true });
    expect("errors" in parsed && parsed.errors).toStrictEqual([
      "unknown key 'typo' (known: lossRate, duplicateRate, reorderRate, delayMs, seed, signature)",
      "lossRate must be a number from 0 to 1",
      "duplicateRate must be a number from 0 to 1",
      "delayMs must be an integer ≥ 0 or a [min, max] pair of them with min ≤ max",
      "seed must be an integer",
      'signature must be "valid", "invalid", "missing" or "sha1-only"',
    ]);
  });
});

describe("webhook fault dice", () => {
  it("tells the same story twice from the same seed", () => {
    const faults = resolved({ lossRate: 0.3, duplicateRate: 0.3, reorderRate: 0.3, delayMs: [0, 100], seed: 7 });
    const story = (): unknown[] => {
      const dice = new FaultDice(faults);
      return Array.from({ length: 50 }, () => dice.plan());
    };
    expect(story()).toStrictEqual(story());
  });

  it("tells another story from another seed", () => {
    const plans = (seed: number): boolean[] => {
      const dice = new FaultDice(resolved({ lossRate: 0.5, seed }));
      return Array.from({ length: 50 }, () => dice.plan().lost);
    };
    expect(plans(1)).not.toStrictEqual(plans(2));
  });

  it("loses about the share it is told to and keeps delays inside the range", () => {
    const dice = new FaultDice(resolved({ lossRate: 0.25, delayMs: [10, 20], seed: 3 }));
    const plans = Array.from({ length: 2000 }, () => dice.plan());
    const lost = plans.filter((p) => p.lost).length / plans.length;
    expect(lost).toBeGreaterThan(0.2);
    expect(lost).toBeLessThan(0.3);
    expect(plans.every((p) => p.delayMs >= 10 && p.delayMs <= 20)).toBe(true);
    expect(new Set(plans.map((p) => p.delayMs)).size).toBe(11);
  });

  it("never faults at rate 0 and always faults at rate 1", () => {
    const none = new FaultDice(resolved({}));
    const all = new FaultDice(resolved({ lossRate: 1, duplicateRate: 1, reorderRate: 1 }));
    expect(Array.from({ length: 100 }, () => none.plan()).some((p) => p.lost || p.duplicate || p.reorder)).toBe(false);
    expect(Array.from({ length: 100 }, () => all.plan()).every((p) => p.lost && p.duplicate && p.reorder)).toBe(true);
  });
});
