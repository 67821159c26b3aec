/**
 * A raw node:http client for the serve tests: unlike fetch it can send headers without a body,
 * stall half-way and read an answer that arrives before the request is finished.
 */
import { type IncomingHttpHeaders, request } from "node:http";

/** A complete answer. */
export interface RawAnswer {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
}

/** What to send: `chunks` are written in order; the request is ended only with `end: true`. */
export interface RawRequest {
  method?: string;
  path: string;
  headers?: Record<string, string>;
  chunks?: (string | Buffer)[];
  end?: boolean;
}

/** Sends one request on a fresh connection and resolves with the answer, however early it comes. */
export function rawRequest(baseUrl: string, options: RawRequest): Promise<RawAnswer> {
  const { method = "GET", path, headers = {}, chunks = [], end = true } = options;
  const url = new URL(path, baseUrl);
  return new Promise((resolve, reject) => {
    let answered = false;
    const req = request(url, { method, headers, agent: false }, (res) => {
      answered = true;
      const parts: Buffer[] = [];
      res.on("data", (chunk: Buffer) => parts.push(chunk));
      res.on("end", () => {
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(parts).toString("utf8") });
        req.destroy();
      });
      res.on("error", reject);
    });
    // Once answered, the server may cut the connection while we are still writing: that is expected.
    req.on("error", (error) => {
      if (!answered) reject(error);
    });
    req.flushHeaders();
    for (const chunk of chunks) req.write(chunk);
    if (end) req.end();
  });
}
