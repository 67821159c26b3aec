/**
 * GitHub's response conventions: `basic-error` / `validation-error-simple` bodies with a
 * `documentation_url`, ISO timestamps, and `page`/`per_page` pagination with a `Link` header.
 */
import { STATUS_CODES } from "node:http";
import type { SandboxRequest, SandboxResponse } from "./http.js";

/** Documentation pages GitHub cites in its error bodies. */
export const DOCS = {
  rest: "https://docs.github.com/rest",
  runners: "https://docs.github.com/rest/actions/self-hosted-runners",
  runnerGroups: "https://docs.github.com/rest/actions/self-hosted-runner-groups",
  jobs: "https://docs.github.com/rest/actions/workflow-jobs",
  apps: "https://docs.github.com/rest/apps/apps#create-an-installation-access-token-for-an-app",
  primaryRateLimit: "https://docs.github.com/rest/overview/rate-limits-for-the-rest-api#about-the-primary-rate-limit",
  secondaryRateLimit: "https://docs.github.com/rest/overview/rate-limits-for-the-rest-api#about-secondary-rate-limits",
  repoHooks: "https://docs.github.com/rest/repos/webhooks",
  orgHooks: "https://docs.github.com/rest/orgs/webhooks",
} as const;

/** A `basic-error` answer, e.g. 404 `{"message":"Not Found",…,"status":"404"}`. */
export function githubError(
  status: number,
  message = STATUS_CODES[status] ?? "Error",
  documentationUrl: string = DOCS.rest,
  headers?: Record<string, string>,
): SandboxResponse {
  return { status, body: { message, documentation_url: documentationUrl, status: String(status) }, headers };
}

/** A 422 `validation-error-simple` answer. */
export function validationError(message: string, documentationUrl: string, errors?: string[]): SandboxResponse {
  const body = { message, documentation_url: documentationUrl, ...(errors ? { errors } : {}), status: "422" };
  return { status: 422, body };
}

/** Epoch milliseconds → GitHub's `2024-01-01T00:00:00Z` (no fraction). */
export function iso(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, "Z");
}

/** The URL the client used to reach the sandbox, for `url` fields and `Link` headers. */
export function baseUrlOf(req: SandboxRequest): string {
  return `http://${req.headers.host ?? "127.0.0.1"}`;
}

/** One page of `items` as GitHub slices it (`per_page` ≤ 100, default 30; `page` from 1). */
export function paginate<T>(req: SandboxRequest, items: T[]): { page: T[]; headers: Record<string, string> } {
  const perPage = clamp(intParam(req.query.get("per_page")) ?? 30, 1, 100);
  const current = Math.max(1, intParam(req.query.get("page")) ?? 1);
  const last = Math.max(1, Math.ceil(items.length / perPage));
  const page = items.slice((current - 1) * perPage, current * perPage);
  if (last === 1) return { page, headers: {} };
  const link = (n: number, rel: string): string => {
    const query = new URLSearchParams(req.query);
    query.set("per_page", String(perPage));
    query.set("page", String(n));
    return `<${baseUrlOf(req)}${req.path}?${query.toString()}>; rel="${rel}"`;
  };
  // GitHub lists prev/next/last/first, each only where it leads somewhere.
  const rels = [
    current > 1 ? link(Math.min(current - 1, last), "prev") : undefined,
    current < last ? link(current + 1, "next") : undefined,
    current < last ? link(last, "last") : undefined,
    current > 1 ? link(1, "first") : undefined,
  ].filter((l): l is string => l !== undefined);
  return { page, headers: { link: rels.join(", ") } };
}

/** A positive integer path/query parameter, or undefined. */
export function intParam(value: string | null | undefined): number | undefined {
  if (value === null || value === undefined || !/^\d+$/.test(value)) return undefined;
  const n = Number(value);
  return Number.isSafeInteger(n) ? n : undefined;
}

function clamp(n: number, lo: number, hi: number): number {
  return Math.min(hi, Math.max(lo, n));
}
