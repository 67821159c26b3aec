/**
 * What a webhook delivery carries besides its payload: the signature headers over the exact body
 * bytes and GitHub's header set. HMAC with node:crypto, sharing nothing with the project's own
 * verifier (which uses @octokit/webhooks-methods).
 * https://docs.github.com/webhooks/using-webhooks/validating-webhook-deliveries
 */
import { createHmac } from "node:crypto";

/**
 * How signatures are sent for hooks with a secret: correct (both headers, as GitHub does), wrong
 * (both headers, computed with another key), missing (none), or only the legacy SHA-1 header.
 */
export type SignatureMode = "valid" | "invalid" | "missing" | "sha1-only";

/** The User-Agent of every delivery; GitHub's ends in a short hex build id. */
export const HOOKSHOT_USER_AGENT = "GitHub-Hookshot/4f3a9c2";

/** `sha256=` + hex HMAC-SHA256 of `body` keyed with `secret`, the `X-Hub-Signature-256` value. */
export function signSha256(secret: string, body: string | Buffer): string {
  return `sha256=${createHmac("sha256", secret).update(body).digest("hex")}`;
}

/** `sha1=` + hex HMAC-SHA1, the legacy `X-Hub-Signature` value GitHub still sends. */
export function signSha1(secret: string, body: string | Buffer): string {
  return `sha1=${createHmac("sha1", secret).update(body).digest("hex")}`;
}

/** Who a hook belongs to, for the `X-GitHub-Hook-Installation-Target-*` headers. */
export interface HookTarget {
  type: "repository" | "organization";
  id: number;
}

/** One attempt's headers, in GitHub's spelling; signatures only when the hook has a secret. */
export function deliveryHeaders(
  input: { guid: string; event: string; hookId: number; target: HookTarget; contentType: "json" | "form"; secret?: string },
  body: Buffer,
  mode: SignatureMode,
): Record<string, string> {
  const headers: Record<string, string> = {
    Accept: "*/*",
    "Content-Type": input.contentType === "json" ? "application/json" : "application/x-www-form-urlencoded",
    "User-Agent": HOOKSHOT_USER_AGENT,
    "X-GitHub-Delivery": input.guid,
    "X-GitHub-Event": input.event,
    "X-GitHub-Hook-ID": String(input.hookId),
    "X-GitHub-Hook-Installation-Target-ID": String(input.target.id),
    "X-GitHub-Hook-Installation-Target-Type": input.target.type,
  };
  // GitHub signs only when the hook has a secret; there is no header at all otherwise.
  if (input.secret === undefined || input.secret === "" || mode === "missing") return headers;
  const key = mode === "invalid" ? `${input.secret}-not` : input.secret;
  headers["X-Hub-Signature"] = signSha1(key, body);
  if (mode !== "sha1-only") headers["X-Hub-Signature-256"] = signSha256(key, body);
  return headers;
}

/** The bytes sent for a payload: the JSON itself, or `payload=<url-encoded JSON>` for form hooks. */
export function deliveryBody(json: string, contentType: "json" | "form"): Buffer {
  return Buffer.from(contentType === "json" ? json : `payload=${encodeURIComponent(json)}`, "utf8");
}
