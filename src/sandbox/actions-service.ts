/**
 * The simulated Actions service (the runner scale set API, reference §1 and §5 "Scale set API"):
 * the runner-registration step of the token chain, the service's routes below
 * `<github sandbox URL>/_actions/tenant/1/`, the rules tying it to the one world, and the
 * `/_sandbox/actions` controls. Created by the GitHub side, which serves its routes on its port.
 */
import type { GitHubWorld, JobDispatch } from "./github-world.js";
import type { JobAction } from "./github-jobs.js";
import type { SideContext } from "./github-guard.js";
import { DOCS, githubError } from "./github-http.js";
import type { SandboxJob } from "./github-state.js";
import { actionsControlRoutes, type ActionsControls } from "./actions-control.js";
import { ActionsFaults, faultDelayMs, type ActionsFault } from "./actions-faults.js";
import { queueOf, statisticsOf } from "./actions-messages.js";
import { queueRoutes } from "./actions-queue.js";
import { Waits, type ActionsContext } from "./actions-route.js";
import { runnerRoutes } from "./actions-runners.js";
import { scaleSetRoutes } from "./actions-scalesets.js";
import { sessionRoutes } from "./actions-sessions.js";
import { revokeAdminTokens, runnerRegistration } from "./actions-tokens.js";
import { resolveActionsOptions, type ActionsOptions } from "./actions-types.js";
import { ActionsWorld } from "./actions-world.js";
import type { Route, SandboxRequest, SandboxResponse } from "./http.js";

/** The service as the GitHub side holds it. */
export interface ActionsService {
  /** Every route: runner-registration, the service below its base path, and the controls. */
  routes(side: SideContext): Route[];
  /** What the world's scheduler asks before handing out jobs. */
  dispatch: JobDispatch;
  /** Told about every job transition (JobStarted, JobCompleted). */
  jobChanged(job: SandboxJob, action: JobAction): void;
  /** The state was replaced from a snapshot: sessions are dropped, as by a service restart. */
  restored(): void;
  controls: ActionsControls;
  /** Ends held polls at once. */
  close(): void;
}

/** Creates the service over the GitHub world. */
export function createActionsService(world: GitHubWorld, options: ActionsOptions = {}): ActionsService {
  const aw = new ActionsWorld(world, resolveActionsOptions(options));
  const ctx: ActionsContext = { aw, faults: new ActionsFaults(), waits: new Waits() };
  let failRegistrations = aw.options.failFirstRegistrations;
  for (const fault of options.faults ?? []) ctx.faults.add(fault);
  const dropSessions = (keep: (s: { scaleSetId: number }) => boolean): number => {
    const before = aw.state.sessions.length;
    aw.state.sessions = aw.state.sessions.filter(keep);
    aw.changed();
    return before - aw.state.sessions.length;
  };

  const controls: ActionsControls = {
    restart: () => dropSessions(() => false),
    expireSessions: (scaleSetId) => dropSessions((s) => scaleSetId !== undefined && s.scaleSetId !== scaleSetId),
    expireTokens(kind = "all") {
      if (kind !== "queue") revokeAdminTokens(aw.state);
      if (kind !== "admin") for (const s of aw.state.sessions) s.queueTokenExpiresAt = aw.now();
    },
    failNextRegistrations(count) {
      failRegistrations = count;
    },
    fault: (fault: ActionsFault) => ctx.faults.add(fault),
    clearFaults: () => ctx.faults.clear(),
    faults: () => ctx.faults.list(),
    configure({ faults, ...changes }) {
      for (const fault of faults ?? []) ctx.faults.add(fault);
      aw.options = resolveActionsOptions({ ...aw.options, ...changes });
      if (changes.failFirstRegistrations !== undefined) failRegistrations = changes.failFirstRegistrations;
      return { ...aw.options };
    },
    scaleSets: () =>
      aw.state.scaleSets.map((s) => {
        const session = aw.sessionOf(s.id);
        const queue = queueOf(aw.state, s.id);
        return {
          id: s.id,
          scope: s.scope,
          name: s.name,
          runnerGroupId: s.runnerGroupId,
          labels: s.labels.map((l) => l.name),
          session: session === undefined ? null : { sessionId: session.sessionId, ownerName: session.ownerName, maxCapacity: session.maxCapacity ?? null, polling: aw.polling.get(session.sessionId) ?? 0 },
          queue: { outbox: queue.outbox.length, unacknowledged: queue.messages.length },
          statistics: statisticsOf(aw.state, world.state, s.id),
        };
      }),
  };

  async function register(req: SandboxRequest): Promise<SandboxResponse> {
    const fault = ctx.faults.take("registration", req.method);
    if (fault !== undefined) {
      await ctx.waits.wait(faultDelayMs(fault));
      if (fault.kind === "reset") return { status: 0, reset: true };
      // This step is GitHub's REST API, so its faults take GitHub's error shape.
      const status = fault.status ?? 503;
      const retry = fault.retryAfterSeconds ?? (status === 429 || status === 503 ? 1 : undefined);
      if (fault.kind === "status") return githubError(status, undefined, DOCS.runners, retry === undefined ? {} : { "retry-after": String(retry) });
    }
    const failThisOne = failRegistrations > 0;
    if (failThisOne) failRegistrations -= 1;
    return runnerRegistration(req, { state: world.state, now: aw.now(), adminTokenLifetimeSeconds: aw.options.adminTokenLifetimeSeconds, failThisOne });
  }

  return {
    routes: (side) => [
      { method: "POST", pattern: "/actions/runner-registration", handle: register },
      ...scaleSetRoutes(ctx),
      ...sessionRoutes(ctx),
      ...queueRoutes(ctx),
      ...runnerRoutes(ctx),
      ...actionsControlRoutes(side, controls),
    ],
    dispatch: { beforeSchedule: (now) => aw.beforeSchedule(now), mayServe: (job, runner) => aw.mayServe(job, runner) },
    jobChanged: (job, action) => aw.jobChanged(job, action),
    restored: () => void dropSessions(() => false),
    controls,
    close: () => ctx.waits.close(),
  };
}
