/**
 * A `fetch` that counts every call it passes on, for `runner_fleet_api_calls_total`. Plugged into
 * `RuntimeOptions.openstackFetch` / `githubFetch`, it sees each attempt, retries included, and
 * changes nothing: request, response, body stream and abort signal go through untouched.
 */
import type { ApiService, ServeMetrics } from "./metrics.js";

/** Wraps `fetchImpl` so each call is counted by HTTP status, or "error" when it rejects (network, timeout, abort). */
export function countingFetch(service: ApiService, metrics: Pick<ServeMetrics, "countApiCall">, fetchImpl?: typeof fetch): typeof fetch {
  const counted = async (...args: Parameters<typeof fetch>): Promise<Response> => {
    let response: Response;
    try {
      // The global is looked up per call, so a fetch stubbed after wiring is still the one used.
      response = await (fetchImpl ?? globalThis.fetch)(...args);
    } catch (error) {
      count(metrics, service, "error");
      throw error;
    }
    count(metrics, service, response.status);
    return response;
  };
  return counted as typeof fetch;
}

// --- internal ---

// Counting is an observer: a metrics failure must never turn into a failed API call.
function count(metrics: Pick<ServeMetrics, "countApiCall">, service: ApiService, status: number | "error"): void {
  try {
    metrics.countApiCall(service, status);
  } catch {
    // Nothing to do: the call itself succeeded or failed on its own.
  }
}
