import type { FaultSpec, SandboxService } from "./bridge.js";
import { isRate, mulberry32 } from "./random.js";

interface ArmedFault {
  spec: FaultSpec;
  pattern: RegExp | undefined;
  remaining: number;
  /** Draws for `rate` faults; undefined when every matching request is affected. */
  draw: (() => number) | undefined;
}

/** Holds the faults to inject; each matching request consumes one use of the first armed fault. */
export class FaultInjector {
  private armed: ArmedFault[] = [];

  /**
   * Arms a fault; `count` defaults to 1 (Infinity with a `rate`) and may be Infinity (until
   * {@link clear}). Throws on a bad `path` pattern or `rate`, where the test author can see it.
   */
  add(spec: FaultSpec): void {
    if (spec.rate !== undefined && !isRate(spec.rate)) throw new Error(`fault rate must be a number from 0 to 1, got ${String(spec.rate)}`);
    if (spec.seed !== undefined && !Number.isSafeInteger(spec.seed)) throw new Error(`fault seed must be an integer, got ${String(spec.seed)}`);
    const remaining = spec.count ?? (spec.rate === undefined ? 1 : Infinity);
    if (!(remaining > 0)) return;
    const pattern = spec.path === undefined ? undefined : new RegExp(spec.path);
    const draw = spec.rate === undefined ? undefined : mulberry32(spec.seed ?? 1);
    this.armed.push({ spec, pattern, remaining, draw });
  }

  /** Disarms every fault. */
  clear(): void {
    this.armed = [];
  }

  /** How many faults are still armed. */
  size(): number {
    return this.armed.length;
  }

  /** Returns (and uses up once) the first armed fault matching this request whose draw hits, if any. */
  take(service: SandboxService, method: string, path: string): FaultSpec | undefined {
    const found = this.armed.find(
      (f) =>
        f.spec.service === service &&
        (f.spec.method === undefined || f.spec.method.toUpperCase() === method.toUpperCase()) &&
        (f.pattern === undefined || f.pattern.test(path)) &&
        // One draw per matching request, so the sequence depends only on the requests it saw.
        (f.draw === undefined || f.draw() < (f.spec.rate ?? 1)),
    );
    if (found === undefined) return undefined;
    found.remaining -= 1;
    if (found.remaining <= 0) this.armed = this.armed.filter((f) => f !== found);
    return found.spec;
  }
}
