/**
 * Credentials of the simulated GitHub: personal access tokens, installation tokens, and the
 * RS256 JWTs a GitHub App signs to exchange for an installation token.
 */
import { createPublicKey, generateKeyPairSync, randomBytes, verify, type KeyObject } from "node:crypto";
import type { SandboxApp } from "./github-state.js";

const ALPHANUMERIC = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

/** A random token in GitHub's format: `ghp_` (PAT) or `ghs_` (installation) plus 36 alphanumerics. */
export function randomToken(prefix: string, length = 36, alphabet = ALPHANUMERIC): string {
  const bytes = randomBytes(length);
  let out = prefix;
  for (const b of bytes) out += alphabet[b % alphabet.length];
  return out;
}

/** A registration/remove token like GitHub's (29 uppercase alphanumerics). */
export function randomRunnerToken(): string {
  return randomToken("A", 28, "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789");
}

/** A fresh 2048-bit RSA key in PKCS#1 PEM, the format GitHub hands out for app keys. */
export function generateAppPrivateKey(): string {
  const { privateKey } = generateKeyPairSync("rsa", {
    modulusLength: 2048,
    privateKeyEncoding: { type: "pkcs1", format: "pem" },
    publicKeyEncoding: { type: "spki", format: "pem" },
  });
  return privateKey;
}

/** The public half of an app's private key (what GitHub keeps to verify app JWTs). */
export function appPublicKey(app: SandboxApp): KeyObject {
  return createPublicKey(app.privateKey);
}

/** The scheme and credential of an `Authorization` header (`token X`, `Bearer X`). */
export function parseAuthorization(header: string | undefined): { scheme: "token" | "bearer"; credential: string } | undefined {
  const m = /^\s*(token|bearer)\s+(\S+)\s*$/i.exec(header ?? "");
  if (m?.[1] === undefined || m[2] === undefined) return undefined;
  return { scheme: m[1].toLowerCase() === "token" ? "token" : "bearer", credential: m[2] };
}

/**
 * Checks an app JWT the way GitHub documents it: RS256, signed by the app's key, `iss` = app id,
 * not expired, at most 10 minutes long. Returns why it is refused, or undefined when it is good.
 * `iat` is not compared with the sandbox clock: tests may run the sandbox on a fake clock while
 * Octokit signs with the wall clock.
 * https://docs.github.com/apps/creating-github-apps/authenticating-with-a-github-app/generating-a-json-web-token-jwt-for-a-github-app
 */
export function checkAppJwt(jwt: string, app: SandboxApp, publicKey: KeyObject, nowMs: number): string | undefined {
  const parts = jwt.split(".");
  if (parts.length !== 3) return "A JSON web token could not be decoded";
  const [headerB64 = "", payloadB64 = "", signatureB64 = ""] = parts;
  const header = decodeJson(headerB64);
  const payload = decodeJson(payloadB64);
  if (header === undefined || payload === undefined) return "A JSON web token could not be decoded";
  if (header.alg !== "RS256") return "A JSON web token could not be decoded";
  const signed = verify(
    "RSA-SHA256",
    Buffer.from(`${headerB64}.${payloadB64}`),
    publicKey,
    Buffer.from(signatureB64, "base64url"),
  );
  if (!signed) return "A JSON web token could not be decoded";
  if (String(payload.iss) !== String(app.appId)) return "'Issuer' claim ('iss') must be an Integer";
  const { iat, exp } = payload;
  if (typeof exp !== "number" || typeof iat !== "number") return "A JSON web token could not be decoded";
  if (exp * 1000 <= nowMs) return "'Expiration time' claim ('exp') must be a numeric value representing the future time at which the assertion expires";
  if (exp - iat > 600 + 60) return "'Expiration time' claim ('exp') is too far in the future";
  return undefined;
}

function decodeJson(b64: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(Buffer.from(b64, "base64url").toString("utf8"));
    return typeof value === "object" && value !== null ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}
