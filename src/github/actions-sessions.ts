/**
 * Message sessions and the message queue of a scale set (reference §1.5, §1.6, §1.8), as
 * single calls that map the statuses the listener acts on: 409 on create →
 * `SessionConflictError`, 404 → `SessionLostError`, 401 on a queue call → `QueueAuthError`.
 * The refresh-once on 401 is the session's (scale-set-session.ts).
 */
import type { ScaleSetMessage } from "../demand/ports.js";
import { QueueAuthError, SessionConflictError, SessionLostError } from "../demand/scale-set-errors.js";
import type { ActionsClient } from "./actions-client.js";
import { ACTIONS_API_VERSION } from "./actions-config.js";
import { actionsErrorFrom } from "./actions-errors.js";
import type { ActionsRequest } from "./actions-http.js";
import type { RawResponse } from "./actions-transport.js";
import { parseAcquired, parseMessage, parseSession, type WireSession } from "./actions-schemas.js";

const SCALE_SETS = "_apis/runtime/runnerscalesets";

/** Opens the scale set's session; 409 while another listener holds it (§1.5). */
export async function createSession(client: ActionsClient, scaleSetId: number, ownerName: string): Promise<WireSession> {
  const request: ActionsRequest = { method: "POST", path: `${SCALE_SETS}/${scaleSetId}/sessions`, body: { ownerName }, action: `opening a message session on scale set ${scaleSetId}` };
  const response = await client.http.send(request);
  if (response.status === 409) {
    throw new SessionConflictError(`another listener holds the message session of scale set ${scaleSetId} (409)`, { ...requestId(response) });
  }
  return parseSession(ok(response, request).text);
}

/** A new queue token for the session (PATCH, no body); 404 when the session is gone (§1.5). */
export async function refreshSession(client: ActionsClient, scaleSetId: number, sessionId: string): Promise<WireSession> {
  const request: ActionsRequest = { method: "PATCH", path: `${SCALE_SETS}/${scaleSetId}/sessions/${sessionId}`, action: "refreshing the message session" };
  return parseSession(ok(await client.http.send(request), request).text);
}

/** Deletes the session (204); a vanished session counts as deleted, as the Rust crate does (§1.5). */
export async function deleteSession(client: ActionsClient, scaleSetId: number, sessionId: string): Promise<void> {
  const request: ActionsRequest = { method: "DELETE", path: `${SCALE_SETS}/${scaleSetId}/sessions/${sessionId}`, action: "deleting the message session" };
  const response = await client.http.send(request);
  if (response.status !== 404) ok(response, request);
}

/** Long-polls the queue; undefined on 202 (nothing within the window, §1.6). */
export async function getMessage(
  client: ActionsClient,
  session: WireSession,
  o: { lastMessageId: number; maxCapacity: number; signal?: AbortSignal },
): Promise<{ message: ScaleSetMessage; dropped: number } | undefined> {
  const request: ActionsRequest = {
    method: "GET",
    path: session.queueUrl,
    // `lastMessageId` only when > 0 (§1.6); 0 would return the first message again.
    ...(o.lastMessageId > 0 ? { query: { lastMessageId: String(o.lastMessageId) } } : {}),
    token: session.token,
    headers: { accept: `application/json; api-version=${ACTIONS_API_VERSION}`, "x-scalesetmaxcapacity": String(Math.max(0, Math.floor(o.maxCapacity))) },
    timeoutMs: client.longPollTimeoutMs,
    action: "polling the message queue",
    ...(o.signal ? { signal: o.signal } : {}),
  };
  const response = queueStatus(await client.http.send(request), request);
  return response.status === 202 ? undefined : parseMessage(response.text);
}

/** Acknowledges a message (`DELETE {queueUrl}/{messageId}`, 204); already gone counts as done. */
export async function deleteMessage(client: ActionsClient, session: WireSession, messageId: number): Promise<void> {
  const url = new URL(session.queueUrl);
  url.pathname = `${url.pathname.replace(/\/+$/, "")}/${messageId}`;
  const request: ActionsRequest = { method: "DELETE", path: url.toString(), token: session.token, action: `acknowledging message ${messageId}` };
  const response = await client.http.send(request);
  // A 404 here is an ack already done (a redelivered message); a lost session shows on the next poll.
  if (response.status !== 404) queueStatus(response, request);
}

/** Acquires job requests with the QUEUE token, not the admin token (§1.8); the ids acquired. */
export async function acquireJobs(client: ActionsClient, scaleSetId: number, session: WireSession, ids: number[]): Promise<number[]> {
  const request: ActionsRequest = { method: "POST", path: `${SCALE_SETS}/${scaleSetId}/acquirejobs`, body: ids, token: session.token, action: `acquiring ${ids.length} jobs` };
  return parseAcquired(queueStatus(await client.http.send(request), request).text);
}

// --- internal ---

function ok(response: RawResponse, request: ActionsRequest): RawResponse {
  if (response.status === 404) throw new SessionLostError(`the Actions service no longer knows the session (404 while ${request.action})`, { ...requestId(response) });
  if (response.status < 200 || response.status > 299) throw actionsErrorFrom(response.status, response.text, response.headers, request.action);
  return response;
}

function queueStatus(response: RawResponse, request: ActionsRequest): RawResponse {
  if (response.status === 401) throw new QueueAuthError(`the message queue refused the session's token (401 while ${request.action})`, { ...requestId(response) });
  return ok(response, request);
}

function requestId(response: RawResponse): { requestId?: string } {
  const id = response.headers.get("x-github-request-id");
  return id ? { requestId: id } : {};
}
