/**
 * PostgreSQL failures in the store's terms. Every message names the server as `user@host:port/db`
 * and says what to check; the URL's password never appears in a message, and errors that could
 * carry it (a URL parse error echoes its input) are not kept as a cause.
 * SQLSTATE codes: https://www.postgresql.org/docs/current/errcodes-appendix.html
 */
import { describeError } from "../manager/errors.js";
import { DemandStoreError } from "./errors.js";

/** Where a store points, fit for messages, and the strings no message may contain. */
export interface PostgresTarget {
  /** `user@host:port/database schema S`. */
  where: string;
  user: string;
  secrets: string[];
}

/** Parses the store URL into a `PostgresTarget`; a malformed URL fails without being echoed. */
export function describeTarget(url: string, schema: string): PostgresTarget {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new DemandStoreError("demand_store_open", "the demand store URL is not a valid postgres://user:password@host:port/database URL (not shown: it may hold a password)");
  }
  if (parsed.protocol !== "postgres:" && parsed.protocol !== "postgresql:") {
    throw new DemandStoreError("demand_store_open", `the demand store URL must start with postgres:// (it starts with ${parsed.protocol}//)`);
  }
  const user = decodeURIComponent(parsed.username) || process.env["PGUSER"] || "(default user)";
  const host = parsed.searchParams.get("host") ?? (parsed.hostname || "localhost");
  const database = decodeURIComponent(parsed.pathname.slice(1)) || user;
  const secrets = [parsed.password, safeDecode(parsed.password), process.env["PGPASSWORD"] ?? ""].filter((s) => s.length > 0);
  return { where: `${user}@${host}:${parsed.port || 5432}/${database} schema ${schema}`, user, secrets };
}

/** Loads `pg` on first use, so nothing loads it unless a PostgreSQL store is opened. */
export async function loadPg(): Promise<typeof import("pg")> {
  try {
    return await import("pg");
  } catch (cause) {
    throw new DemandStoreError("demand_store_open", "the PostgreSQL demand store needs the pg package: npm install pg", { cause });
  }
}

/** Options the messages quote, so they can say which limit was hit. */
export interface Limits {
  busyTimeoutMs: number;
  statementTimeoutMs: number;
  connectTimeoutMs: number;
  poolSize: number;
}

/**
 * Turns what a pg call (connect or query) threw into a `DemandStoreError`: cannot connect or log
 * in → open; waited too long for a lock, a connection or the server → busy; anything else →
 * failed. Only pg calls are translated, so a caller's own error leaves a transaction unchanged.
 */
export function translatePgError(error: unknown, target: PostgresTarget, limits: Limits): DemandStoreError {
  if (error instanceof DemandStoreError) return error;
  const code = String((error as { code?: unknown }).code ?? "");
  const said = scrub(describeError(error), target.secrets);
  const fail = (kind: "demand_store_open" | "demand_store_busy" | "demand_store_failed", advice: string) =>
    new DemandStoreError(kind, scrub(`the PostgreSQL demand store ${target.where}: ${advice} (${said})`, target.secrets), { cause: error });
  switch (true) {
    case code.startsWith("28"):
      return fail("demand_store_open", `the server refused user ${target.user}: check the user and password in the store URL and pg_hba.conf`);
    case code === "3D000":
      return fail("demand_store_open", "the database does not exist: create it or fix the URL's database name");
    case code === "42501":
      return fail("demand_store_open", `user ${target.user} lacks a privilege: grant it CREATE on the database, or create the schema for it`);
    case code === "55P03" || code === "40001" || code === "40P01":
      return fail("demand_store_busy", `another controller held the store's lock for longer than ${limits.busyTimeoutMs} ms`);
    case code === "57014":
      return fail("demand_store_busy", `a statement ran past the ${limits.statementTimeoutMs} ms statement timeout`);
    case code === "25P03":
      return fail("demand_store_failed", `a transaction sat idle past ${limits.statementTimeoutMs} ms and the server ended it: keep transaction bodies short`);
    case code === "53300" || code === "57P03":
      return fail("demand_store_busy", "the server takes no more connections right now");
    case code === "ECONNREFUSED":
      return fail("demand_store_open", "nothing accepts connections there: is the server running, and are host and port right?");
    case code === "ENOTFOUND" || code === "EAI_AGAIN":
      return fail("demand_store_open", "the host name does not resolve: check the URL's host");
    case /SSL|certificate/i.test(said) || code.startsWith("ERR_TLS") || code.startsWith("CERT_") || code.startsWith("DEPTH_"):
      return fail("demand_store_open", "the TLS handshake failed: check sslmode and the server's certificate");
    case /connection timeout|ETIMEDOUT/i.test(`${said} ${code}`):
      return fail("demand_store_open", `the server did not answer within the ${limits.connectTimeoutMs} ms connect timeout: check host, port and firewalls`);
    case said.includes("timeout exceeded when trying to connect"):
      return fail("demand_store_busy", `all ${limits.poolSize} connections of this controller stayed busy past the ${limits.connectTimeoutMs} ms connect timeout`);
    case said.includes("Query read timeout"):
      return fail("demand_store_busy", `the server sent no answer within ${limits.statementTimeoutMs} ms`);
    case code.startsWith("08") || code.startsWith("57P") || code === "ECONNRESET" || code === "EPIPE" || /Connection terminated/i.test(said):
      return fail("demand_store_failed", "the connection to the server was lost; the next call reconnects");
    case /^[0-9A-Z]{5}$/.test(code):
      return fail("demand_store_failed", `the server failed a statement (SQLSTATE ${code})`);
    default:
      return fail("demand_store_failed", "the call failed");
  }
}

/** Whether `error` says the connection itself is broken, so the client must not go back to the pool. */
export function isConnectionBroken(error: unknown): boolean {
  const raw = error instanceof DemandStoreError ? error.cause : error;
  if (raw === undefined) return false;
  const code = String((raw as { code?: unknown } | null)?.code ?? "");
  return !/^[0-9A-Z]{5}$/.test(code) || code.startsWith("08") || code.startsWith("57P");
}

// --- internal ---

function scrub(text: string, secrets: string[]): string {
  return secrets.reduce((out, secret) => out.split(secret).join("***"), text);
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}
