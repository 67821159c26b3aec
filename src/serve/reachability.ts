/**
 * Whether GitHub and OpenStack answer, for `/readyz`: the last answer each gave to one of the
 * service's own calls (no probe of its own, so readiness costs no API call). Never a secret: only
 * statuses and times.
 */
import type { ReadinessCheck } from "./http.js";

type Service = "github" | "openstack";

/** The last status per service. */
export class Reachability {
  private readonly last = new Map<Service, { status: number | "error"; at: Date }>();

  /** Notes one call's outcome. */
  record(service: Service, status: number | "error"): void {
    this.last.set(service, { status, at: new Date() });
  }

  /** One check per service: ok when its last call got an answer that was not a server error or a refusal of the credentials. */
  checks(): Record<Service, ReadinessCheck> {
    const check = (service: Service): ReadinessCheck => {
      const last = this.last.get(service);
      if (!last) return { ok: false, detail: "no call answered yet" };
      const ok = last.status !== "error" && last.status < 500 && last.status !== 401 && last.status !== 403;
      const what = last.status === "error" ? "no answer (network error or timeout)" : `HTTP ${last.status}`;
      return { ok, detail: `last call ${what} at ${last.at.toISOString()}` };
    };
    return { github: check("github"), openstack: check("openstack") };
  }
}
