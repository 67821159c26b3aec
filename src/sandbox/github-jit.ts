/**
 * The sandbox's `encoded_jit_config`: opaque to everyone else (as GitHub's is), base64 of a JSON
 * object naming the runner and carrying a random secret that only this side checks.
 */
import { randomBytes } from "node:crypto";

/** What a JIT config carries. */
export interface JitPayload {
  runnerId: number;
  name: string;
  secret: string;
}

/** A new random JIT secret. */
export function newJitSecret(): string {
  return randomBytes(18).toString("hex");
}

/** Encodes a JIT config; standard base64 fits the user-data pattern `[A-Za-z0-9+/=_.-]+`. */
export function encodeJitConfig(payload: JitPayload): string {
  return Buffer.from(JSON.stringify({ v: 1, ...payload }), "utf8").toString("base64");
}

/** Decodes a JIT config, or undefined for anything this sandbox did not issue. */
export function decodeJitConfig(encoded: string): JitPayload | undefined {
  try {
    const value: unknown = JSON.parse(Buffer.from(encoded, "base64").toString("utf8"));
    if (typeof value !== "object" || value === null) return undefined;
    const { runnerId, name, secret } = value as Record<string, unknown>;
    if (typeof runnerId !== "number" || typeof name !== "string" || typeof secret !== "string") return undefined;
    return { runnerId, name, secret };
  } catch {
    return undefined;
  }
}
