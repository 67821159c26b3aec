/** What the scale-set listener reports for `/readyz` and logs; never a token, only names and ids. */
import type { DemandSourceStatus, ScaleSetRef } from "./ports.js";

/** Where the listener is: holding the session, standing by, or (re)connecting. */
export type ListenerPhase = "new" | "connecting" | "active" | "standby" | "stopped";

/** The standby detail reported while another controller holds the session (reference §2). */
export const STANDBY_DETAIL = "standby: another controller holds the session";

/** The status of a listener in `phase`; `problem` is the last failure, cleared by a success. */
export function describeListener(phase: ListenerPhase, ref: ScaleSetRef | undefined, problem: string | undefined): DemandSourceStatus {
  const where = ref ? ` on scale set '${ref.name}' (id ${ref.id})` : "";
  switch (phase) {
    case "new":
      return { connected: false, detail: "scale-set listener not started" };
    case "stopped":
      return { connected: false, detail: "scale-set listener stopped" };
    case "standby":
      // Connected: the service answers, and this controller takes over when the session frees.
      return { connected: true, detail: STANDBY_DETAIL };
    case "active":
      return problem ? { connected: false, detail: `retrying${where}: ${problem}` } : { connected: true, detail: `listening${where}` };
    case "connecting":
      return { connected: false, detail: problem ? `connecting${where}: ${problem}` : `connecting${where}` };
  }
}
