import { describe, expect, it } from "vitest";
import { conceal, isWireSecret, reveal, secretOf } from "../../../src/provider/secrets.js";

const SIG = "4dabf18193072939515e22adb298388d";
const wire = (value: unknown) => ({ [SIG]: "1b47061264138c4ac30d75fd1eb44270", value });

describe("secrets on the provider's wire", () => {
  it("takes every mark off, at any depth, and names the top-level keys that held one", () => {
    const { plain, secretKeys } = reveal({
      prefix: "ci",
      credentials: wire({ githubToken: "t0ken" }),
      pool: { github: { path: "acme/app" }, credentials: wire({ cloudsYaml: "clouds: {}" }) },
      labels: [wire("a"), "b"],
    });
    expect(plain).toEqual({ prefix: "ci", credentials: { githubToken: "t0ken" }, pool: { github: { path: "acme/app" }, credentials: { cloudsYaml: "clouds: {}" } }, labels: ["a", "b"] });
    expect([...secretKeys].sort()).toEqual(["credentials", "labels", "pool"]);
  });

  it("reveals nothing of an absent property map", () => {
    expect(reveal(undefined)).toEqual({ plain: {}, secretKeys: new Set() });
  });

  it("marks whole top-level values secret, and only those present", () => {
    const concealed = conceal({ prefix: "ci", credentials: { githubToken: "t0ken" } }, ["credentials", "missing"]);
    expect(concealed).toEqual({ prefix: "ci", credentials: wire({ githubToken: "t0ken" }) });
    expect(isWireSecret(concealed.credentials)).toBe(true);
  });

  it("never marks a value twice, and leaves undefined alone", () => {
    expect(secretOf(wire("x"))).toEqual(wire("x"));
    expect(secretOf(undefined)).toBeUndefined();
  });

  it("gives back what it took: conceal of reveal restores the marks on their keys", () => {
    const props = { credentials: wire({ githubToken: "t0ken" }), prefix: "ci" };
    const { plain, secretKeys } = reveal(props);
    expect(conceal(plain, secretKeys)).toEqual(props);
  });
});
