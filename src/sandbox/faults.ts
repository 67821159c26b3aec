import type { FaultSpec, SandboxService } from "./bridge.js";

interface ArmedFault {
  spec: FaultSpec;
  pattern: RegExp | undefined;
  remaining: number;
}

/** Holds the faults to inject; each matching request consumes one use of the first armed fault. */
export class FaultInjector {
  private armed: ArmedFault[] = [];

  /** Arms a fault; `count` defaults to 1 and may be Infinity (until {@link clear}). */
  add(spec: FaultSpec): void {
    const remaining = spec.count ?? 1;
    if (!(remaining > 0)) return;
    // Compile once so a bad pattern fails at add() time, where the test author can see it.
    const pattern = spec.path === undefined ? undefined : new RegExp(spec.path);
    this.armed.push({ spec, pattern, remaining });
  }

  /** Disarms every fault. */
  clear(): void {
    this.armed = [];
  }

  /** How many faults are still armed. */
  size(): number {
    return this.armed.length;
  }

  /** Returns (and uses up once) the first armed fault matching this request, if any. */
  take(service: SandboxService, method: string, path: string): FaultSpec | undefined {
    const found = this.armed.find(
      (f) =>
        f.spec.service === service &&
        (f.spec.method === undefined || f.spec.method.toUpperCase() === method.toUpperCase()) &&
        (f.pattern === undefined || f.pattern.test(path)),
    );
    if (found === undefined) return undefined;
    found.remaining -= 1;
    if (found.remaining <= 0) this.armed = this.armed.filter((f) => f !== found);
    return found.spec;
  }
}
