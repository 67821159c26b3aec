import { createServer, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from "node:http";
import type { Socket } from "node:net";
import type { FaultSpec, SandboxService } from "./bridge.js";
import type { FaultInjector } from "./faults.js";
import type { RequestLog } from "./request-log.js";

/** One request as a sandbox route handler sees it. */
export interface SandboxRequest {
  method: string;
  /** Path without the query string, as sent (not percent-decoded). */
  path: string;
  /** Route parameters, percent-decoded. */
  params: Record<string, string>;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
  /** Parsed JSON body; undefined when there is none or it is not JSON (see `invalidJson`). */
  body: unknown;
  rawBody: string;
  /** True when a non-empty body failed to parse as JSON (services answer 400 in their own words). */
  invalidJson?: boolean;
}

/** A handler's answer; `body` is JSON-serialized unless it is a string. */
export interface SandboxResponse {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
  /** Destroy the connection instead of answering (a connection reset; logged with status 0). */
  reset?: boolean;
}

/** A route: method plus a template such as `/repos/{owner}/{repo}/actions/runners/{runner_id}`. */
export interface Route {
  method: string;
  pattern: string;
  handle(req: SandboxRequest): SandboxResponse | Promise<SandboxResponse>;
}

/** What {@link startHttpService} needs to serve one or more simulated services. */
export interface HttpServiceOptions {
  routes: Route[];
  /** Which service a path belongs to (for the log, faults and error shapes). */
  serviceOf(path: string): SandboxService;
  log: RequestLog;
  faults: FaultInjector;
  /** Answers a `status`/rate-limit fault (also used for unknown routes and handler crashes) in the service's error shape. */
  onFault(fault: FaultSpec, req: SandboxRequest): SandboxResponse;
  /** Delay added to every request (realistic latency for benchmarks). */
  latencyMs?: () => number;
  /** Record parsed JSON response bodies in the log (the GitHub side validates them against OpenAPI). */
  recordBodies?: boolean;
  host?: string;
  port?: number;
  /** Told about a handler that threw (the client gets a 500 in the service's shape). */
  onError?(error: unknown, req: SandboxRequest): void;
}

/** A running sandbox HTTP service. */
export interface HttpService {
  url: string;
  close(): Promise<void>;
}

interface CompiledRoute {
  route: Route;
  regex: RegExp;
  names: string[];
}

/** Compiles `{name}` placeholders into one-segment captures. */
export function compileRoute(route: Route): CompiledRoute {
  const names: string[] = [];
  const source = route.pattern
    .split(/(\{[^}]+\})/)
    .map((part) => {
      const m = /^\{([^}]+)\}$/.exec(part);
      if (m?.[1] === undefined) return part.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
      names.push(m[1]);
      return "([^/]+)";
    })
    .join("");
  return { route, regex: new RegExp(`^${source}$`), names };
}

/** Finds the route for a method and path, with decoded params. */
export function matchRoute(
  routes: CompiledRoute[],
  method: string,
  path: string,
): { route: Route; params: Record<string, string> } | undefined {
  for (const c of routes) {
    if (c.route.method.toUpperCase() !== method.toUpperCase()) continue;
    const m = c.regex.exec(path);
    if (m === null) continue;
    const params: Record<string, string> = {};
    c.names.forEach((name, i) => {
      params[name] = safeDecode(m[i + 1] ?? "");
    });
    return { route: c.route, params };
  }
  return undefined;
}

/**
 * Starts one HTTP server answering `routes`, with faults, latency and a request log. Order per
 * request: global latency, then the first matching fault (timeout: never answered, logged with
 * status 0; latency: extra delay, then the route; others: `onFault`), then the route or a 404.
 */
export async function startHttpService(options: HttpServiceOptions): Promise<HttpService> {
  const { routes, host = "127.0.0.1", port = 0 } = options;
  const compiled = routes.map(compileRoute);
  const sockets = new Set<Socket>();
  const timers = new Set<NodeJS.Timeout>();
  const sleep = (ms: number): Promise<void> =>
    ms <= 0
      ? Promise.resolve()
      : new Promise((resolve) => {
          const t = setTimeout(() => {
            timers.delete(t);
            resolve();
          }, ms);
          timers.add(t);
        });

  const server = createServer((req, res) => {
    void serve(req, res).catch(() => {
      if (!res.headersSent) res.writeHead(500).end();
    });
  });
  server.on("connection", (socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });

  async function serve(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const rawBody = await readBody(req);
    const url = new URL(req.url ?? "/", "http://sandbox.invalid");
    const method = (req.method ?? "GET").toUpperCase();
    const service = options.serviceOf(url.pathname);
    const matched = matchRoute(compiled, method, url.pathname);
    const sreq: SandboxRequest = {
      method,
      path: url.pathname,
      params: matched?.params ?? {},
      query: url.searchParams,
      headers: req.headers,
      body: undefined,
      rawBody,
    };
    if (rawBody.trim() !== "") {
      try {
        sreq.body = JSON.parse(rawBody) as unknown;
      } catch {
        sreq.invalidJson = true;
      }
    }
    const route = matched?.route.pattern ?? url.pathname;
    await sleep(options.latencyMs?.() ?? 0);
    const fault = options.faults.take(service, method, url.pathname);
    if (fault?.kind === "timeout") {
      // Logged with status 0. Never answer: the client must give up on its own. close() destroys the socket.
      options.log.record({ service, method, path: url.pathname, route, status: 0 });
      return;
    }
    if (fault?.kind === "latency") await sleep(fault.latencyMs ?? 1000);
    let answer: SandboxResponse;
    if (fault !== undefined && fault.kind !== "latency") answer = options.onFault(fault, sreq);
    else if (matched === undefined) answer = options.onFault({ service, kind: "status", status: 404 }, sreq);
    else {
      try {
        answer = await matched.route.handle(sreq);
      } catch (error) {
        options.onError?.(error, sreq);
        answer = options.onFault({ service, kind: "status", status: 500 }, sreq);
      }
    }
    if (answer.reset === true) {
      options.log.record({ service, method, path: url.pathname, route, status: 0 });
      req.socket.destroy();
      return;
    }
    const text = serialize(answer);
    const entry = { service, method, path: url.pathname, route, status: answer.status };
    options.log.record(
      options.recordBodies && text.json !== undefined ? { ...entry, responseBody: JSON.parse(text.json) as unknown } : entry,
    );
    if (res.destroyed) return;
    const headers: Record<string, string> = { ...answer.headers };
    if (text.body !== "" && !hasHeader(headers, "content-type")) {
      headers["content-type"] = text.json !== undefined ? "application/json; charset=utf-8" : "text/plain; charset=utf-8";
    }
    res.writeHead(answer.status, headers);
    res.end(text.body);
  }

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => resolve());
  });
  const address = server.address();
  const boundPort = typeof address === "object" && address !== null ? address.port : port;
  return {
    url: `http://${host}:${boundPort}`,
    close: () =>
      new Promise<void>((resolve) => {
        for (const t of timers) clearTimeout(t);
        timers.clear();
        server.close(() => resolve());
        // Held (timeout-fault) and keep-alive sockets would otherwise keep close() waiting forever.
        for (const s of sockets) s.destroy();
        server.closeAllConnections();
      }),
  };
}

// --- internal ---

function serialize(answer: SandboxResponse): { body: string; json?: string } {
  if (answer.body === undefined || answer.status === 204 || answer.status === 304) return { body: "" };
  if (typeof answer.body === "string") return { body: answer.body };
  const json = JSON.stringify(answer.body);
  return { body: json, json };
}

function hasHeader(headers: Record<string, string>, name: string): boolean {
  return Object.keys(headers).some((k) => k.toLowerCase() === name);
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    req.on("error", reject);
  });
}
