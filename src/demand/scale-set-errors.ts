/**
 * The errors the scale-set port promises (src/demand/ports.ts `ScaleSetService`,
 * `ScaleSetSession`), so the listener can tell a held session, a lost one and a refused queue
 * token from any other failure. src/github/actions-sessions.ts throws them; codes are stable.
 */
import { FleetError } from "../manager/errors.js";

/** Stable codes of the scale-set session errors. */
export type ScaleSetErrorCode =
  /** 409 on session create: another listener holds the scale set's session (reference §1.5). */
  | "scale_set_session_conflict"
  /** 404 on a session or queue call: the session is gone (service restart, expiry; reference §2). */
  | "scale_set_session_lost"
  /** 401 from the queue that outlived the adapter's one refresh-and-retry (reference §1.6). */
  | "scale_set_queue_auth";

/** Base of the scale-set session errors; `requestId` is the service's, when it sent one. */
export class ScaleSetSessionError extends FleetError {
  readonly requestId: string | undefined;
  constructor(
    override readonly code: ScaleSetErrorCode,
    message: string,
    options?: { cause?: unknown; requestId?: string },
  ) {
    super(code, message, options);
    this.requestId = options?.requestId;
  }
}

/** Another listener holds the session of the scale set: wait as a hot standby. */
export class SessionConflictError extends ScaleSetSessionError {
  constructor(message: string, options?: { cause?: unknown; requestId?: string }) {
    super("scale_set_session_conflict", message, options);
  }
}

/** The message session no longer exists: open a new one. */
export class SessionLostError extends ScaleSetSessionError {
  constructor(message: string, options?: { cause?: unknown; requestId?: string }) {
    super("scale_set_session_lost", message, options);
  }
}

/** The queue refused the session's token even after a refresh: refresh again or replace the session. */
export class QueueAuthError extends ScaleSetSessionError {
  constructor(message: string, options?: { cause?: unknown; requestId?: string }) {
    super("scale_set_queue_auth", message, options);
  }
}
