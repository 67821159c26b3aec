/**
 * Wire constants of the Actions service and the config URL the runner registration names
 * (reference §1.1, §1.2.5). The scale set API is undocumented by GitHub: these follow the
 * official Go client (actions/scaleset) and ARC.
 */
import { ConfigError } from "../manager/errors.js";
import type { GitHubPath } from "../manager/types.js";
import { VERSION } from "../version.js";

/** The API version every Actions service call carries (query parameter, or Accept header on the queue). */
export const ACTIONS_API_VERSION = "6.0-preview";

/** GitHub's REST root when none is configured. */
export const DEFAULT_API_URL = "https://api.github.com";

/**
 * The config URL of a fleet (`https://HOST/ORG`, `https://HOST/ORG/REPO`,
 * `https://HOST/enterprises/ENT`, §1.1), derived from its REST root the way §1.1 derives the
 * root from the URL: `https://api.HOST` → `https://HOST`, `https://HOST/api/v3` (GHES) →
 * `https://HOST`; any other root (the sandbox) is taken as the host itself.
 */
export function configUrlOf(path: GitHubPath, apiUrl = DEFAULT_API_URL): string {
  let url: URL;
  try {
    url = new URL(apiUrl);
  } catch {
    throw new ConfigError([{ path: "github.apiUrl", message: `'${apiUrl}' is not a URL; GitHub Enterprise Server: 'https://HOST/api/v3'` }]);
  }
  const base = new URL(url.origin);
  const pathname = url.pathname.replace(/\/+$/, "");
  if (pathname.toLowerCase().endsWith("/api/v3")) {
    base.pathname = pathname.slice(0, -"/api/v3".length);
  } else if (isHostedApiHost(url.hostname)) {
    base.hostname = url.hostname.slice("api.".length);
  } else {
    base.pathname = pathname;
  }
  const root = base.toString().replace(/\/+$/, "");
  return `${root}/${pathSegments(path).map(encodeURIComponent).join("/")}`;
}

/** Identity of the caller as the Go client sends it: a JSON object in `User-Agent` (§1.2.5). */
export function actionsUserAgent(scaleSetId = 0, subsystem = "runner-fleet"): string {
  return JSON.stringify({
    system: "runner-fleet",
    version: VERSION,
    commit_sha: "",
    scale_set_id: scaleSetId,
    subsystem,
    build_version: VERSION,
    build_commit_sha: "",
    kind: "scaleset",
  });
}

// --- internal ---

// "Hosted" hosts whose API lives at `api.HOST` (§1.1): github.com, github.localhost, *.ghe.com.
function isHostedApiHost(hostname: string): boolean {
  if (!hostname.startsWith("api.")) return false;
  const host = hostname.slice("api.".length).toLowerCase();
  return host === "github.com" || host === "github.localhost" || host.endsWith(".ghe.com");
}

function pathSegments(path: GitHubPath): string[] {
  switch (path.kind) {
    case "repo":
      return [path.owner, path.repo];
    case "org":
      return [path.org];
    case "enterprise":
      return ["enterprises", path.enterprise];
  }
}
