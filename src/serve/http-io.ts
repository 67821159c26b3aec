/**
 * node:http helpers for the serve listener: JSON answers, a body reader that stops at a limit,
 * refusals that never read the body, and a deadline for handlers.
 */
import type { IncomingMessage, ServerResponse } from "node:http";

// After refusing a body, the client may still be sending: keep draining (discarding) for a while
// so it can read our answer before the socket goes, then cut it (a bounded "lingering close").
const LINGER_MS = 2_000;

/** What reading a request body came to; chunks past the limit are never kept. */
export type BodyRead = { kind: "body"; body: Buffer } | { kind: "too-large" } | { kind: "aborted" };

/** Extra headers for an answer, and whether the connection ends after it. */
export interface AnswerOptions {
  headers?: Record<string, string>;
  close?: boolean;
}

/** Sends a JSON answer unless one was already sent (a late handler must not write twice). */
export function sendJson(res: ServerResponse, status: number, body: unknown, options: AnswerOptions = {}): void {
  if (res.headersSent || res.destroyed) return;
  // Serialized before any header is written, so a body that cannot be serialized still gets a 500.
  const text = JSON.stringify(body) ?? "{}";
  sendText(res, status, "application/json; charset=utf-8", text, options);
}

/** Sends a text answer with the listener's fixed safety headers. */
export function sendText(res: ServerResponse, status: number, contentType: string, text: string, options: AnswerOptions = {}): void {
  if (res.headersSent || res.destroyed) return;
  res.writeHead(status, {
    "content-type": contentType,
    "content-length": String(Buffer.byteLength(text)),
    "cache-control": "no-store",
    "x-content-type-options": "nosniff",
    ...(options.close ? { connection: "close" } : {}),
    ...options.headers,
  });
  res.end(text);
}

/** Answers without reading (the rest of) the body: it is discarded as it arrives and the connection closed. */
export function refuseUnread(req: IncomingMessage, res: ServerResponse, status: number, body: unknown, headers?: Record<string, string>): void {
  // Flowing with no data listener drops chunks: nothing of the body is buffered.
  req.resume();
  res.once("finish", () => {
    const socket = req.socket;
    const timer = setTimeout(() => socket.destroy(), LINGER_MS);
    timer.unref();
    socket.once("close", () => clearTimeout(timer));
  });
  sendJson(res, status, body, { close: true, ...(headers ? { headers } : {}) });
}

/** Reads the body into memory, giving up as soon as it passes `maxBytes`. */
export function readBody(req: IncomingMessage, maxBytes: number): Promise<BodyRead> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let settled = false;
    const finish = (read: BodyRead) => {
      if (settled) return;
      settled = true;
      req.off("data", onData);
      chunks.length = 0;
      resolve(read);
    };
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > maxBytes) return finish({ kind: "too-large" });
      chunks.push(chunk);
    };
    req.on("data", onData);
    req.once("end", () => finish({ kind: "body", body: Buffer.concat(chunks, size) }));
    req.once("error", () => finish({ kind: "aborted" }));
    req.once("close", () => finish({ kind: "aborted" }));
  });
}

/** The work's value, or `timedOut` after `ms`; the work keeps running and its rejection still propagates if first. */
export function withDeadline<T>(work: Promise<T>, ms: number): Promise<{ timedOut: false; value: T } | { timedOut: true }> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => resolve({ timedOut: true }), ms);
    work.then(
      (value) => {
        clearTimeout(timer);
        resolve({ timedOut: false, value });
      },
      (error: unknown) => {
        clearTimeout(timer);
        reject(error);
      },
    );
  });
}
