/**
 * Per-client Bottleneck groups for plugin-throttling. The plugin's defaults are module-global
 * (shared by every Octokit in the process) and space writes 1 s apart, so 100 JIT requests take
 * 100 s and one fleet's burst stalls another's (reference §E gotcha 2; plugin-throttling
 * dist-bundle `createGroups`). GitHub's own guidance caps concurrency (100 requests) and JIT
 * generation is answered with secondary limits the plugin waits out, so writes need no spacing.
 *
 * Bottleneck is plugin-throttling's (and plugin-retry's) own dependency, hence always installed;
 * it is imported from there rather than re-implemented so that the plugin's job options
 * (priority, weight, expiration) keep their meaning.
 */
import Bottleneck from "bottleneck";

/** Limits for one client's groups. */
export interface LimiterOptions {
  /** Requests of this client in flight at once. */
  maxConcurrent: number;
  /** Minimum gap between two writes (POST, PATCH, PUT, DELETE), in milliseconds. */
  writeIntervalMs: number;
}

/** The groups plugin-throttling reads from its options (`global` and `auth` are untyped there). */
export function createLimiterGroups(options: LimiterOptions): {
  global: Bottleneck.Group;
  auth: Bottleneck.Group;
  write: Bottleneck.Group;
  search: Bottleneck.Group;
  notifications: Bottleneck.Group;
} {
  return {
    global: new Bottleneck.Group({ maxConcurrent: options.maxConcurrent }),
    auth: new Bottleneck.Group({ maxConcurrent: 1 }),
    write: new Bottleneck.Group({ minTime: options.writeIntervalMs }),
    // The plugin's values for the endpoints we never call, kept so nothing changes if we do.
    search: new Bottleneck.Group({ maxConcurrent: 1, minTime: 2000 }),
    notifications: new Bottleneck.Group({ maxConcurrent: 1, minTime: 3000 }),
  };
}
