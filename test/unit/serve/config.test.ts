import { describe, expect, it } from "vitest";
import { ConfigError } from "../../../src/manager/errors.js";
import { defaultStorePath, validateServeConfig, WEBHOOK_SECRET_ENV } from "../../../src/serve/config.js";

const problemsOf = (raw: { autoscale?: unknown; serve?: unknown }, env: Record<string, string> = {}) => {
  try {
    validateServeConfig(raw, "ci", env);
    return [];
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    return error.problems.map((p) => `${p.path}: ${p.message}`);
  }
};

describe("validateServeConfig", () => {
  it("applies the defaults: loopback listener, a store per fleet under the state dir, 60 s reconcile", () => {
    const config = validateServeConfig({ autoscale: { minIdle: 1, max: 5 }, serve: { webhook: { secret: "s" } } }, "ci", { HOME: "/home/u" });
    expect(config.serve).toMatchObject({ listen: { host: "127.0.0.1", port: 9180 }, store: "/home/u/.local/state/runner-fleet/ci.sqlite", reconcileSeconds: 60, logFormat: "text", webhook: { secret: "s", register: false } });
    expect(config.autoscale).toMatchObject({ minIdle: 1, max: 5 });
  });

  it("takes the webhook secret from the environment when the file has none", () => {
    expect(validateServeConfig({ autoscale: { minIdle: 0, max: 1 } }, "ci", { [WEBHOOK_SECRET_ENV]: "from-env" }).serve.webhook?.secret).toBe("from-env");
  });

  it("reports every problem at once, each saying what to do, before anything starts", () => {
    expect(problemsOf({ autoscale: { minIdle: 5, max: 2 }, serve: { listen: "everywhere", logFormat: "xml", webhook: { register: true } } })).toEqual([
      "autoscale.max: 2 is below minIdle (5): raise max or lower minIdle",
      "serve.listen: use host:port, e.g. 127.0.0.1:9180",
      "serve.logFormat: must be text or json",
      `serve.webhook.secret: GitHub signs webhook deliveries with a secret and serve refuses unsigned ones: set serve.webhook.secret or ${WEBHOOK_SECRET_ENV}, and the same secret on the GitHub hook (or use autoscale.demand: scale-set, which needs no inbound port)`,
      "serve.webhook.url: register needs the public URL GitHub delivers to (serve.webhook.url)",
    ]);
  });

  it("takes demand from the fleet's runner scale set when no webhook secret is configured, named after the fleet", () => {
    const config = validateServeConfig({ autoscale: { minIdle: 0, max: 3 } }, "ci", {});
    expect(config.serve).toMatchObject({ demand: "scale-set", scaleSet: { name: "ci" } });
    expect(config.serve.webhook).toBeUndefined();
  });

  it("takes the scale set's name and runner group from autoscale.scaleSet", () => {
    expect(validateServeConfig({ autoscale: { max: 3, demand: "scale-set", scaleSet: { name: "linux-x64", runnerGroup: "ci" } } }, "ci", { [WEBHOOK_SECRET_ENV]: "s" }).serve.scaleSet).toEqual({ name: "linux-x64", runnerGroup: "ci" });
  });

  it("asks for a webhook secret when autoscale.demand says webhook", () => {
    expect(problemsOf({ autoscale: { max: 3, demand: "webhook" } })[0]).toMatch(/^serve\.webhook\.secret: /);
  });

  it("asks for an autoscale section: serve has nothing to scale without one", () => {
    expect(problemsOf({ serve: { webhook: { secret: "s" } } })).toEqual(["autoscale: serve scales on demand: add `autoscale: { minIdle: 1, max: 10 }` to the fleet (see examples/fleet.yaml)"]);
  });

  it("keeps the store path under XDG_STATE_HOME when it is set", () => {
    expect(defaultStorePath("ci", { XDG_STATE_HOME: "/var/lib/x" })).toBe("/var/lib/x/runner-fleet/ci.sqlite");
  });
});

describe("examples/fleet.yaml", () => {
  it("carries autoscale and serve sections that serve accepts as documented", async () => {
    const { loadFleetFile } = await import("../../../src/cli/fleet-file.js");
    const { resolve } = await import("node:path");
    const env = { GITHUB_TOKEN: "ghp_x", [WEBHOOK_SECRET_ENV]: "s" };
    const { spec, sections } = await loadFleetFile(resolve("examples/fleet.yaml"), { cwd: process.cwd(), env });
    const config = validateServeConfig(sections, spec.prefix, env);
    expect(config.autoscale).toMatchObject({ minIdle: 1, max: 20, idleTimeoutSeconds: 300, schedule: [{ days: "mon-fri", minIdle: 5 }] });
    expect(config.serve).toMatchObject({ demand: "webhook", listen: { host: "127.0.0.1", port: 9180 }, logFormat: "json", webhook: { register: false } });
  });
});
