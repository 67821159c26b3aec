/** Turns the component's credential args into the pool's secret `credentials` input. */
import * as pulumi from "@pulumi/pulumi";
import { stringify } from "yaml";
import type { PoolCredentials } from "./pool-inputs.js";
import type { FleetGitHubArgs, FleetOpenStackArgs, FleetOpenStackAuth } from "./fleet-args.js";

/** The cloud name given to a clouds.yaml built from `openstack.auth`. */
export const INLINE_CLOUD = "runner-fleet";

/** Every credential of the fleet, as one secret output. */
export function credentialsOf(github: pulumi.Unwrap<FleetGitHubArgs>, openstack: pulumi.Unwrap<FleetOpenStackArgs>): pulumi.Output<PoolCredentials> {
  const credentials: PoolCredentials = {};
  if (github.token) credentials.githubToken = github.token;
  if (github.app) credentials.githubApp = github.app;
  const cloudsYaml = openstack.cloudsYaml ?? (openstack.auth ? cloudsYamlOf(openstack.auth, openstack.region) : undefined);
  if (cloudsYaml) credentials.cloudsYaml = cloudsYaml;
  return pulumi.secret(credentials);
}

function cloudsYamlOf(auth: pulumi.Unwrap<FleetOpenStackAuth>, region: string | undefined): string {
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
