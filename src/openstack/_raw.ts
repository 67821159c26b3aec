/** Untyped JSON/YAML values before validation. */

/** A parsed JSON or YAML mapping. */
export type RawMap = Record<string, unknown>;

/** True for a plain mapping (not an array, not null). */
export function isRawMap(value: unknown): value is RawMap {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
