/**
 * Who holds a scale set's message session, read the way a person would: `GET /_sandbox/actions`
 * (the sandbox's view of the Actions service, admin token) and serve's own `/readyz`. The
 * failover bench times handovers with these, from the outside, never from serve's logs.
 */
import type { RemoteSandbox } from "./remote-sandbox.js";
import { sleep } from "./serve-metrics.js";

/** The session owner (serve's `id`) of scale set `name`, or null when no session is open. */
export async function sessionOwner(sb: RemoteSandbox, name: string): Promise<string | null> {
  const res = await fetch(`${sb.githubUrl}/_sandbox/actions`, { headers: { authorization: `token ${sb.githubToken}` } });
  const body = (await res.json()) as { scaleSets: { name: string; session: { ownerName: string } | null }[] };
  return body.scaleSets.find((s) => s.name === name)?.session?.ownerName ?? null;
}

/** When a handover happened, in ms after `since`: the old owner's session gone, the new owner's open. */
export interface Handover {
  freedMs: number | undefined;
  takenMs: number | undefined;
}

/** Polls every 100 ms until `to` holds the session (or `timeoutMs`), noting when `from` stopped holding it. */
export async function watchHandover(sb: RemoteSandbox, name: string, o: { from: string; to: string; since: number; timeoutMs: number }): Promise<Handover> {
  const result: Handover = { freedMs: undefined, takenMs: undefined };
  while (Date.now() - o.since < o.timeoutMs) {
    const owner = await sessionOwner(sb, name);
    const at = Date.now() - o.since;
    if (owner !== o.from) result.freedMs ??= at;
    if (owner === o.to) return { ...result, takenMs: at };
    await sleep(100);
  }
  return result;
}

/** Whether the serve listening on `port` says on /readyz that it stands by (another controller holds the session). */
export async function standingBy(port: number): Promise<boolean> {
  try {
    const res = await fetch(`http://127.0.0.1:${port}/readyz`);
    const body = (await res.json()) as { checks?: { demand?: { detail?: string } } };
    return body.checks?.demand?.detail?.includes("standby") ?? false;
  } catch {
    return false;
  }
}
