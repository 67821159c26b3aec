/** A tiny node:http webhook receiver for tests: records every request with its raw body and answers as told. */
import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { Socket } from "node:net";

/** One request the receiver got. */
export interface Received {
  headers: IncomingHttpHeaders;
  /** The body exactly as sent (signatures are over these bytes). */
  raw: string;
  /** The parsed JSON payload (form bodies are decoded first). */
  payload: Record<string, unknown>;
  event: string;
  guid: string;
  action: string | null;
}

/** How the receiver answers: a status, or "hang" to never answer. */
export type Answer = number | "hang";

/** A running receiver. */
export interface WebhookReceiver {
  url: string;
  received: Received[];
  /** Sets how the next requests are answered (default 200). */
  answer(with_: Answer): void;
  /** The `workflow_job` requests, in arrival order. */
  jobEvents(): Received[];
  close(): Promise<void>;
}

/** Starts a receiver on a free loopback port. */
export async function startReceiver(): Promise<WebhookReceiver> {
  const received: Received[] = [];
  const sockets = new Set<Socket>();
  let answer: Answer = 200;
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const raw = Buffer.concat(chunks).toString("utf8");
      const json = req.headers["content-type"] === "application/x-www-form-urlencoded" ? (new URLSearchParams(raw).get("payload") ?? "") : raw;
      const payload = JSON.parse(json) as Record<string, unknown>;
      const action = typeof payload.action === "string" ? payload.action : null;
      received.push({ headers: req.headers, raw, payload, event: String(req.headers["x-github-event"]), guid: String(req.headers["x-github-delivery"]), action });
      if (answer === "hang") return;
      res.writeHead(answer, { "content-type": "text/plain" }).end(answer < 300 ? "thanks" : "nope");
    });
  });
  server.on("connection", (s) => {
    sockets.add(s);
    s.on("close", () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  const port = typeof address === "object" && address !== null ? address.port : 0;
  return {
    url: `http://127.0.0.1:${port}/webhook`,
    received,
    answer: (a) => {
      answer = a;
    },
    jobEvents: () => received.filter((r) => r.event === "workflow_job"),
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const s of sockets) s.destroy();
      }),
  };
}
