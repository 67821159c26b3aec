/** Logging in to the sandbox's OpenStack with plain fetch, the way any client reads its clouds.yaml and catalog. */
import { parse } from "yaml";
import type { Sandbox } from "../../src/sandbox/index.js";

/** A token and the public endpoints of the sandbox cloud's region. */
export interface SandboxLogin {
  token: string;
  compute: string;
  image: string;
  network: string;
}

/** Password auth with the sandbox's own clouds.yaml; throws unless Keystone answers 201. */
export async function loginToSandbox(sb: Sandbox): Promise<SandboxLogin> {
  const cfg = parse(sb.cloudsYaml) as { clouds: Record<string, { auth: Record<string, string>; region_name: string }> };
  const auth = cfg.clouds[sb.cloudName]?.auth ?? {};
  const res = await fetch(`${auth["auth_url"]}/auth/tokens`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({
      auth: {
        identity: {
          methods: ["password"],
          password: { user: { name: auth["username"], domain: { name: auth["user_domain_name"] }, password: auth["password"] } },
        },
        scope: { project: { name: auth["project_name"], domain: { name: auth["project_domain_name"] } } },
      },
    }),
  });
  if (res.status !== 201) throw new Error(`Keystone answered ${res.status} to the sandbox's own credentials`);
  const body = (await res.json()) as { token: { catalog: { type: string; endpoints: { interface: string; region_id: string; url: string }[] }[] } };
  const url = (type: string) =>
    body.token.catalog.find((s) => s.type === type)?.endpoints.find((e) => e.interface === "public" && e.region_id === cfg.clouds[sb.cloudName]?.region_name)?.url ?? "";
  return { token: res.headers.get("x-subject-token") ?? "", compute: url("compute"), image: url("image"), network: url("network") };
}
