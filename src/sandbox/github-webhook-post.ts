/**
 * One delivery attempt over HTTP, as GitHub makes it: a POST that must be answered within the
 * timeout (10 s on github.com), a 2xx counting as "OK", nothing retried. node:http rather than
 * fetch, so the receiver sees exactly GitHub's headers and no browser-style extras.
 * https://docs.github.com/webhooks/using-webhooks/best-practices-for-using-webhooks#respond-within-10-seconds
 */
import { request as httpRequest, type IncomingMessage } from "node:http";
import { request as httpsRequest } from "node:https";
import { performance } from "node:perf_hooks";

/** What an attempt got back. */
export interface PostResult {
  /** The HTTP status, 0 when there was no response. */
  statusCode: number;
  /** "OK" for a 2xx, otherwise GitHub-style failure text. */
  status: string;
  /** Seconds from the request to the end of the response (or the failure). */
  duration: number;
  headers: Record<string, string> | null;
  payload: string | null;
}

/** GitHub's webhook timeout on github.com (GHES waits 30 s). */
export const DELIVERY_TIMEOUT_MS = 10_000;

// The recorded response body is cut here; receivers answer webhooks with a few bytes.
const MAX_RESPONSE_CHARS = 16_384;

/** POSTs `body` to `url`; never throws, every outcome is a result. */
export function postWebhook(
  url: string,
  headers: Record<string, string>,
  body: Buffer,
  options: { timeoutMs: number; insecure: boolean; signal: AbortSignal },
): Promise<PostResult> {
  const started = performance.now();
  const seconds = (): number => Math.round(performance.now() - started) / 1000;
  return new Promise((resolve) => {
    let done = false;
    const finish = (result: Omit<PostResult, "duration">): void => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      options.signal.removeEventListener("abort", onAbort);
      resolve({ ...result, duration: seconds() });
    };
    const failed = (status: string): void => finish({ statusCode: 0, status, headers: null, payload: null });
    const target = new URL(url);
    const send = target.protocol === "https:" ? httpsRequest : httpRequest;
    // A fresh connection per attempt (agent: false), as Hookshot opens one per delivery.
    const req = send(target, {
      method: "POST",
      headers: { ...headers, "Content-Length": String(body.length) },
      agent: false,
      rejectUnauthorized: !options.insecure,
    });
    const timer = setTimeout(() => {
      failed("timed out");
      req.destroy();
    }, options.timeoutMs);
    timer.unref();
    const onAbort = (): void => {
      failed("aborted: the sandbox is closing");
      req.destroy();
    };
    options.signal.addEventListener("abort", onAbort);
    req.on("error", (err: NodeJS.ErrnoException) => failed(failureText(err)));
    req.on("response", (res: IncomingMessage) => {
      let text = "";
      res.setEncoding("utf8");
      res.on("data", (chunk: string) => {
        if (text.length < MAX_RESPONSE_CHARS) text += chunk.slice(0, MAX_RESPONSE_CHARS - text.length);
      });
      res.on("error", (err: NodeJS.ErrnoException) => failed(failureText(err)));
      res.on("end", () => {
        const code = res.statusCode ?? 0;
        const ok = code >= 200 && code < 300;
        finish({ statusCode: code, status: ok ? "OK" : `Invalid HTTP Response: ${code}`, headers: flatHeaders(res), payload: text });
      });
    });
    req.end(body);
  });
}

// --- internal ---

function failureText(err: NodeJS.ErrnoException): string {
  switch (err.code) {
    case "ECONNREFUSED":
      return "connection refused";
    case "ECONNRESET":
      return "connection reset by peer";
    case "ENOTFOUND":
    case "EAI_AGAIN":
      return "failed to resolve host";
    default:
      return err.message === "" ? "failed to connect to host" : err.message;
  }
}

function flatHeaders(res: IncomingMessage): Record<string, string> {
  return Object.fromEntries(Object.entries(res.headers).map(([k, v]) => [k, Array.isArray(v) ? v.join(", ") : (v ?? "")]));
}
