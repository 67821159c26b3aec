import { createHash } from "node:crypto";
import { stringify } from "yaml";

/** A UUID derived from a name, so seeded objects keep their ids across restarts without being persisted. */
export function stableId(name: string): string {
  const h = createHash("sha1").update(`runner-fleet-sandbox:${name}`).digest("hex");
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-5${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/**
 * The one domain and project of the simulated cloud: its member user with an application
 * credential, and an admin (for the contract tests' admin calls: os-resetState, os-quota-sets).
 */
export const IDENTITY = {
  domain: { id: "default", name: "Default" },
  user: { id: stableId("user").replaceAll("-", ""), name: "runner-fleet", password: "sandbox-password" },
  admin: { id: stableId("admin").replaceAll("-", ""), name: "admin", password: "sandbox-admin-password" },
  project: { id: stableId("project").replaceAll("-", ""), name: "runners" },
  appCredential: { id: stableId("app-credential").replaceAll("-", ""), name: "runner-fleet", secret: "sandbox-app-secret" },
  roles: [
    { id: stableId("role-member").replaceAll("-", ""), name: "member" },
    { id: stableId("role-reader").replaceAll("-", ""), name: "reader" },
  ],
  adminRoles: [
    { id: stableId("role-admin").replaceAll("-", ""), name: "admin" },
    { id: stableId("role-member").replaceAll("-", ""), name: "member" },
    { id: stableId("role-reader").replaceAll("-", ""), name: "reader" },
  ],
} as const;

/** A Nova flavor as seeded. */
export interface SeedFlavor {
  id: string;
  name: string;
  ram: number;
  vcpus: number;
  disk: number;
}

/** Seeded flavors; ids are the short strings devstack uses. */
export const FLAVORS: SeedFlavor[] = [
  { id: "1", name: "m1.small", ram: 2048, vcpus: 1, disk: 20 },
  { id: "2", name: "m1.medium", ram: 4096, vcpus: 2, disk: 40 },
  { id: "3", name: "m1.large", ram: 8192, vcpus: 4, disk: 80 },
];

/** A Glance image as seeded. */
export interface SeedImage {
  id: string;
  name: string;
  status: string;
  createdAt: string;
  size: number;
}

/** Seeded images, newest first (Glance's default sort is created_at desc). */
export const IMAGES: SeedImage[] = [
  { id: stableId("image-ubuntu-24.04"), name: "ubuntu-24.04", status: "active", createdAt: "2024-04-25T10:00:00Z", size: 614_000_000 },
  { id: stableId("image-ubuntu-22.04"), name: "ubuntu-22.04", status: "active", createdAt: "2022-04-21T10:00:00Z", size: 665_000_000 },
];

/** The seeded tenant network and its one subnet. */
export const NETWORK = {
  id: stableId("network-runners-net"),
  name: "runners-net",
  subnetId: stableId("subnet-runners-net"),
  cidrPrefix: "10.42.0.",
  createdAt: "2024-01-01T00:00:00Z",
} as const;

/** The project's default security group. */
export const SECURITY_GROUP = {
  id: stableId("security-group-default"),
  name: "default",
  description: "Default security group",
  createdAt: "2024-01-01T00:00:00Z",
} as const;

/** ISO 8601 without milliseconds, as Nova prints `created`/`updated`. */
export function isoSeconds(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, "Z");
}

/** ISO 8601 with microseconds and no zone, as Nova prints `OS-SRV-USG:launched_at`. */
export function isoMicros(ms: number): string {
  return new Date(ms).toISOString().replace(/\.(\d{3})Z$/, ".$1000");
}

/**
 * A clouds.yaml for the seeded users: cloud `sandbox` (password), `sandbox-appcred` (application
 * credential) and, last, `sandbox-admin` (the admin user, same project).
 */
export function cloudsYaml(authUrl: string): string {
  const common = { region_name: "RegionOne", interface: "public", identity_api_version: 3 };
  return stringify({
    clouds: {
      sandbox: {
        auth: {
          auth_url: authUrl,
          username: IDENTITY.user.name,
          password: IDENTITY.user.password,
          project_name: IDENTITY.project.name,
          user_domain_name: IDENTITY.domain.name,
          project_domain_name: IDENTITY.domain.name,
        },
        ...common,
      },
      "sandbox-appcred": {
        auth_type: "v3applicationcredential",
        auth: { auth_url: authUrl, application_credential_id: IDENTITY.appCredential.id, application_credential_secret: IDENTITY.appCredential.secret },
        ...common,
      },
      "sandbox-admin": {
        auth: {
          auth_url: authUrl,
          username: IDENTITY.admin.name,
          password: IDENTITY.admin.password,
          project_name: IDENTITY.project.name,
          user_domain_name: IDENTITY.domain.name,
          project_domain_name: IDENTITY.domain.name,
        },
        ...common,
      },
    },
  });
}
