/** Turns the component's credential args into the pool's secret `credentials` input. */
import type * as pulumi from "@pulumi/pulumi";
import type { PoolCredentials } from "./pool-inputs.js";
import type { FleetGitHubArgs, FleetOpenStackArgs, FleetOpenStackAuth } from "./fleet-args.js";

/** The cloud name given to a clouds.yaml built from `openstack.auth`. */
export const INLINE_CLOUD = "runner-fleet";

/** Every credential of the fleet (the caller makes it one secret output). */
export async function credentialsOf(github: pulumi.Unwrap<FleetGitHubArgs>, openstack: pulumi.Unwrap<FleetOpenStackArgs>): Promise<PoolCredentials> {
  const credentials: PoolCredentials = {};
  if (github.token) credentials.githubToken = github.token;
  if (github.app) credentials.githubApp = github.app;
  const cloudsYaml = openstack.cloudsYaml ?? (openstack.auth ? await cloudsYamlOf(openstack.auth, openstack.region) : undefined);
  if (cloudsYaml) credentials.cloudsYaml = cloudsYaml;
  return credentials;
}

async function cloudsYamlOf(auth: pulumi.Unwrap<FleetOpenStackAuth>, region: string | undefined): Promise<string> {
  // Loaded only for inline auth: every program loads this module, few use it.
  const { stringify } = await import("yaml");
  const appCredential = auth.applicationCredentialId !== undefined;
  const entry = {
    ...(appCredential ? { auth_type: "v3applicationcredential" } : {}),
    auth: appCredential
      ? { auth_url: auth.authUrl, application_credential_id: auth.applicationCredentialId, application_credential_secret: auth.applicationCredentialSecret }
      : {
          auth_url: auth.authUrl, username: auth.username, password: auth.password, project_name: auth.projectName,
          user_domain_name: auth.userDomainName ?? "Default", project_domain_name: auth.projectDomainName ?? "Default",
        },
    ...(region ? { region_name: region } : {}),
  };
  return stringify({ clouds: { [INLINE_CLOUD]: entry } });
}
