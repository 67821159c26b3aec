/** The sandbox's admin token, for the Neutron tests' admin-only calls (external networks, quotas, other projects). */
import { IDENTITY } from "../../../src/sandbox/openstack-seed.js";
import { call, type TestCloud } from "./openstack-fetch.js";

/** A project-scoped token of the seeded admin. */
export async function adminToken(c: TestCloud): Promise<string> {
  const body = {
    auth: {
      identity: { methods: ["password"], password: { user: { name: IDENTITY.admin.name, domain: { name: "Default" }, password: IDENTITY.admin.password } } },
      scope: { project: { name: IDENTITY.project.name, domain: { name: "Default" } } },
    },
  };
  return (await call(`${c.side.authUrl}/auth/tokens`, "POST", body)).headers.get("x-subject-token") ?? "";
}
