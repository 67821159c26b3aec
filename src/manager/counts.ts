/** Validation of counts passed to the manager. */
import { ConfigError } from "./errors.js";

/** Throws a ConfigError unless `value` is a whole number ≥ 0. */
export function assertCount(value: number, path: string): void {
  if (!Number.isSafeInteger(value) || value < 0) {
    throw new ConfigError([{ path, message: `must be a whole number of runners ≥ 0, got ${String(value)}` }]);
  }
}
