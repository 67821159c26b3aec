import { describe, expect, it } from "vitest";
import { cidrText, defaultPools, firstFree, intToIp, ipToInt, overlaps, parseCidr } from "../../../src/sandbox/neutron-ipam.js";

const cidr = (text: string) => {
  const c = parseCidr(text);
  if (c === undefined) throw new Error(`bad CIDR ${text}`);
  return c;
};

describe("the sandbox Neutron's IPv4 arithmetic", () => {
  it("round-trips dotted addresses and refuses octets above 255", () => {
    expect(intToIp(ipToInt("10.42.0.254") ?? 0)).toBe("10.42.0.254");
    expect(ipToInt("10.42.0.256")).toBeUndefined();
    expect(ipToInt("10.42.0")).toBeUndefined();
  });

  it.each([
    ["a /24", "10.77.0.0/24", "10.77.0.0/24", true],
    ["host bits set", "10.80.0.5/24", "10.80.0.0/24", false],
    ["a /32", "10.0.0.7/32", "10.0.0.7/32", true],
  ])("parses %s and clears host bits", (_what, text, normal, exact) => {
    const c = cidr(text);
    expect(cidrText(c)).toBe(normal);
    expect(c.exact).toBe(exact);
  });

  it.each(["10.0.0.0/33", "10.0.0.0", "10.0.0.0/8/8", "nope/24"])("refuses %s as a CIDR", (text) => {
    expect(parseCidr(text)).toBeUndefined();
  });

  it("finds overlapping CIDRs and tells neighbours apart", () => {
    expect(overlaps(cidr("10.77.0.0/28"), cidr("10.77.0.0/29"))).toBe(true);
    expect(overlaps(cidr("10.77.0.0/29"), cidr("10.77.0.8/29"))).toBe(false);
  });

  it.each([
    ["the default gateway", "10.77.0.0/28", "10.77.0.1", [{ start: "10.77.0.2", end: "10.77.0.14" }]],
    ["no gateway", "10.79.0.0/29", null, [{ start: "10.79.0.1", end: "10.79.0.6" }]],
    ["a gateway in the middle", "10.81.0.0/29", "10.81.0.3", [{ start: "10.81.0.1", end: "10.81.0.2" }, { start: "10.81.0.4", end: "10.81.0.6" }]],
  ])("computes the default pools around %s", (_what, text, gateway, pools) => {
    expect(defaultPools(cidr(text), gateway)).toStrictEqual(pools);
  });

  it("allocates the lowest free address of the pools, and none when they are used up", () => {
    const pools = [{ start: "10.0.0.2", end: "10.0.0.3" }, { start: "10.0.0.9", end: "10.0.0.9" }];
    expect(firstFree(pools, new Set(["10.0.0.2"]))).toBe("10.0.0.3");
    expect(firstFree(pools, new Set(["10.0.0.2", "10.0.0.3"]))).toBe("10.0.0.9");
    expect(firstFree(pools, new Set(["10.0.0.2", "10.0.0.3", "10.0.0.9"]))).toBeUndefined();
  });
});
