/** The "not found; here is what exists" error shared by the Nova, Glance and Neutron lookups. */
import { NotFoundError } from "../manager/errors.js";
import type { CloudConfig } from "./types.js";

/** How many names a message lists before summarizing the rest. */
const MAX_LISTED = 20;

/** `kind 'ref' not found in region R; available: a, b` (names sorted, deduplicated, capped). */
export function notFound(kind: string, ref: string, cloud: Pick<CloudConfig, "regionName">, names: string[]): NotFoundError {
  const unique = [...new Set(names.filter((n) => n !== ""))].sort();
  const listed = unique.slice(0, MAX_LISTED).join(", ");
  const more = unique.length > MAX_LISTED ? ` and ${unique.length - MAX_LISTED} more` : "";
  const region = cloud.regionName ? ` in region ${cloud.regionName}` : "";
  return new NotFoundError(kind, ref, `${kind} '${ref}' not found${region}; available: ${listed || "none"}${more}`);
}

/** The query of a pagination link (Nova `*_links`, Glance `next`), applied to our own endpoint. */
export function nextQuery(href: string | undefined): Record<string, string> | undefined {
  if (!href) return undefined;
  // Links may carry an internal host name behind a proxy, so only their query is reused.
  const url = new URL(href, "http://placeholder");
  return Object.fromEntries(url.searchParams.entries());
}
