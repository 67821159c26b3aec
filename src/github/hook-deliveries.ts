/**
 * The demand room's `HookDeliveries` port on GitHub's REST API: the delivery attempts of the
 * repository or organization hook that sends this fleet its `workflow_job` events, and redelivery.
 * https://docs.github.com/en/rest/repos/webhooks#list-deliveries-for-a-repository-webhook
 * https://docs.github.com/en/rest/orgs/webhooks#list-deliveries-for-an-organization-webhook
 */
import type { DeliverySummary, HookDeliveries } from "../demand/ports.js";
import { ConfigError, NotFoundError } from "../manager/errors.js";
import { describeGitHubPath, formatGitHubPath, parseGitHubPath } from "../manager/github-path.js";
import { silentLogger, type Logger } from "../manager/ports.js";
import type { GitHubPath } from "../manager/types.js";
import type { GitHubClient } from "./client.js";
import { clientOf, hookScopeOf, listHooks, safeUrl, sendsWorkflowJobs, type GitHubClientSource, type HookScope } from "./_hooks.js";
import { translateNeeding } from "./_permissions.js";
import { parseDelivery } from "./_schemas.js";

/** Options of `createHookDeliveries`: a client (or its options), the fleet's path, and optionally its hook's URL. */
export type HookDeliveriesOptions = GitHubClientSource & {
  path: GitHubPath | string;
  /** The receiver's public URL: picks the hook whose `config.url` is exactly this. */
  hookUrl?: string;
  logger?: Logger;
};

/** Creates the `HookDeliveries` of a repository or organization hook (enterprises: every call throws `NotFoundError`). */
export function createHookDeliveries(options: HookDeliveriesOptions): GitHubHookDeliveries {
  return new GitHubHookDeliveries(options);
}

/** `HookDeliveries` on GitHub: reads the one active `workflow_job` hook of the path (the one at `hookUrl`, if given). */
export class GitHubHookDeliveries implements HookDeliveries {
  readonly #octokit: GitHubClient;
  readonly #path: GitHubPath;
  readonly #hookUrl: string | undefined;
  readonly #logger: Logger;
  #hookId: number | undefined;

  constructor(options: HookDeliveriesOptions) {
    this.#octokit = clientOf(options);
    this.#path = typeof options.path === "string" ? parseGitHubPath(options.path) : options.path;
    this.#hookUrl = options.hookUrl;
    this.#logger = options.logger ?? silentLogger;
  }

  /** Every attempt delivered at or after `since`, newest first; reads pages only until one reaches past `since`. */
  async listDeliveries(since: Date): Promise<DeliverySummary[]> {
    const scope = this.#scope();
    const hookId = await this.#findHook(scope);
    const found: DeliverySummary[] = [];
    const route = `GET ${scope.route}/hooks/{hook_id}/deliveries`;
    try {
      // paginate follows the `Link: rel="next"` URL as given, and that URL carries GitHub's opaque
      // `cursor` (plugin-paginate-rest iterator.js), so cursor pages need nothing of our own.
      for await (const page of this.#octokit.paginate.iterator(route, { ...scope.params, hook_id: hookId, per_page: 100 })) {
        const items = (page.data as unknown[]).map(parseDelivery);
        found.push(...items.filter((d) => d.deliveredAt >= since));
        // GitHub lists newest first: once a page reaches back past `since`, later pages are older still.
        if (items.some((d) => d.deliveredAt < since)) break;
      }
    } catch (error) {
      throw translateNeeding(error, { action: `listing the deliveries of hook ${hookId}`, path: this.#path }, scope.need);
    }
    return found.sort((a, b) => b.deliveredAt.getTime() - a.deliveredAt.getTime());
  }

  /** Asks GitHub to send attempt `id` again (202); the receiver sees the same `X-GitHub-Delivery`. */
  async redeliver(id: number): Promise<void> {
    const scope = this.#scope();
    const hookId = this.#hookId ?? (await this.#findHook(scope));
    try {
      await this.#octokit.request(`POST ${scope.route}/hooks/{hook_id}/deliveries/{delivery_id}/attempts`, {
        ...scope.params,
        hook_id: hookId,
        delivery_id: id,
      });
    } catch (error) {
      throw translateNeeding(error, { action: `redelivering delivery ${id} of hook ${hookId}`, path: this.#path }, scope.need);
    }
  }

  #scope(): HookScope {
    const scope = hookScopeOf(this.#path);
    if (scope) return scope;
    // NotFoundError, not an ApiError: recovery reports it as "unavailable" with this text rather
    // than as a permission problem, and leaves the gap to the periodic reconcile.
    throw new NotFoundError(
      "endpoint",
      formatGitHubPath(this.#path),
      `GitHub has no webhook deliveries API for ${describeGitHubPath(this.#path)}: only repository, organization ` +
        "and GitHub App hooks can be listed and redelivered",
    );
  }

  /** The id of the hook to read, remembered for `redeliver`. */
  async #findHook(scope: HookScope): Promise<number> {
    let hooks;
    try {
      hooks = (await listHooks(this.#octokit, scope)).filter(sendsWorkflowJobs);
    } catch (error) {
      throw translateNeeding(error, { action: "listing webhooks", path: this.#path }, scope.need);
    }
    const where = describeGitHubPath(this.#path);
    if (this.#hookUrl !== undefined) hooks = hooks.filter((hook) => hook.url === this.#hookUrl);
    const [hook, ...others] = hooks;
    if (hook === undefined) {
      const at = this.#hookUrl === undefined ? "" : ` at ${safeUrl(this.#hookUrl)}`;
      throw new NotFoundError("hook", formatGitHubPath(this.#path), `${where} has no active webhook${at} subscribed to workflow_job: register one with 'runner-fleet serve --register-webhook <public URL>'`);
    }
    if (others.length > 0) {
      // Redelivering another receiver's failed attempts would help nobody: make the choice explicit.
      throw new ConfigError([
        { path: "webhook.url", message: `${where} has ${hooks.length} active webhooks subscribed to workflow_job: give the receiver's public URL to pick one` },
      ]);
    }
    if (this.#hookId !== hook.id) this.#logger.debug("reading webhook deliveries", { path: formatGitHubPath(this.#path), hookId: hook.id });
    this.#hookId = hook.id;
    return hook.id;
  }
}
