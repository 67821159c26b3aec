/** Errors of the demand room; each code is stable so `serve` can map it to a status or a metric. */
import { FleetError } from "../manager/errors.js";

/** Stable codes of `DemandStoreError`. */
export type DemandStoreErrorCode =
  /** The file could not be opened or its schema set up (path, permissions, Node without SQLite). */
  | "demand_store_open"
  /** Another process held the write lock for longer than the busy timeout. */
  | "demand_store_busy"
  /** SQLite itself failed (disk full, I/O error, a damaged file). */
  | "demand_store_failed"
  /** The store was used after `close()`. */
  | "demand_store_closed"
  /** The file was written by a newer runner-fleet (its schema version is unknown here). */
  | "demand_store_schema";

/** The demand store failed; the webhook answers 503 so GitHub marks the delivery failed. */
export class DemandStoreError extends FleetError {
  constructor(
    override readonly code: DemandStoreErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(code, message, options);
  }
}
