import { afterEach, describe, expect, it } from "vitest";
import { IDENTITY } from "../../../src/sandbox/openstack-seed.js";
import { type TestCloud, authed, dig, startCloud, token } from "./openstack-fetch.js";
import { adminToken } from "./neutron-admin.js";

let cloud: TestCloud | undefined;
afterEach(async () => {
  await cloud?.close();
  cloud = undefined;
});

const project = IDENTITY.project.id;

describe("the sandbox's Neutron quotas", () => {
  it("shows Zed's defaults and the project's usage to a member", async () => {
    cloud = await startCloud();
    const api = authed(cloud, await token(cloud));
    expect(dig((await api("GET", `/network/v2.0/quotas/${project}`)).body, "quota")).toStrictEqual({
      network: 100, subnet: 100, subnetpool: -1, port: 500, rbac_policy: 10, security_group: 10, security_group_rule: 100, router: 10,
    });
    expect(dig((await api("GET", `/network/v2.0/quotas/${project}/details`)).body, "quota.security_group_rule")).toStrictEqual({ limit: 100, used: 4, reserved: 0 });
    expect((await api("GET", "/network/v2.0/quotas/other")).body).toStrictEqual({ NeutronError: { type: "PolicyNotAuthorized", message: "rule:get_quota is disallowed by policy", detail: "" } });
    expect((await api("PUT", `/network/v2.0/quotas/${project}`, { quota: { network: 5 } })).status).toBe(403);
  });

  it("answers 409 OverQuota past the security group quota until an admin raises it", async () => {
    cloud = await startCloud();
    const api = authed(cloud, await token(cloud));
    // The default group counts: nine more fill the quota of ten.
    for (let i = 1; i <= 9; i++) expect((await api("POST", "/network/v2.0/security-groups", { security_group: { name: `g${i}` } })).status).toBe(201);
    expect((await api("POST", "/network/v2.0/security-groups", { security_group: { name: "g10" } })).body).toStrictEqual({
      NeutronError: { type: "OverQuota", message: "Quota exceeded for resources: ['security_group'].", detail: "" },
    });
    const admin = authed(cloud, await adminToken(cloud));
    expect(dig((await admin("PUT", `/network/v2.0/quotas/${project}`, { quota: { security_group: 11 } })).body, "quota.security_group")).toBe(11);
    expect((await api("POST", "/network/v2.0/security-groups", { security_group: { name: "g10" } })).status).toBe(201);
    expect(dig(cloud.side.snapshot().neutron, "quotas")).toStrictEqual({ [project]: { security_group: 11 } });
    expect((await admin("DELETE", `/network/v2.0/quotas/${project}`)).status).toBe(204);
    expect(dig((await api("GET", `/network/v2.0/quotas/${project}`)).body, "quota.security_group")).toBe(10);
  });
});
