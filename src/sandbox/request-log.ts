import type { LoggedRequest, SandboxService } from "./bridge.js";

/** Every request the simulated services answered, in order (for assertions and API-call counts). */
export class RequestLog {
  private readonly items: LoggedRequest[] = [];

  /** Appends one answered request. */
  record(entry: LoggedRequest): void {
    this.items.push(entry);
  }

  /** The logged requests, optionally only those of one service (a copy). */
  entries(service?: SandboxService): LoggedRequest[] {
    return service === undefined ? [...this.items] : this.items.filter((e) => e.service === service);
  }

  /** How many requests were logged, optionally only for one service. */
  count(service?: SandboxService): number {
    return service === undefined ? this.items.length : this.entries(service).length;
  }

  /** Forgets everything logged so far. */
  reset(): void {
    this.items.length = 0;
  }
}
