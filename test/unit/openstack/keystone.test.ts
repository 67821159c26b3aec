import { afterEach, describe, expect, it } from "vitest";
import { CloudAuthError, ConfigError } from "../../../src/manager/errors.js";
import { authRequestBody, identityUrl, KeystoneSession, renewMargin, selectEndpoint, type CatalogService } from "../../../src/openstack/keystone.js";
import { startServer, testCloud, type Handler, type KeystoneKnobs, type TestServer } from "./_server.js";

let server: TestServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function session(handler: Handler = () => ({ body: {} }), knobs: KeystoneKnobs = {}, now?: () => number) {
  server = await startServer(handler, knobs);
  const s = new KeystoneSession({ cloud: testCloud(server.url), http: { retry: { attempts: 2, baseDelayMs: 1 } }, now });
  return { s, server };
}

const get = (s: KeystoneSession, baseUrl: string) => s.send({ service: "Nova", method: "GET", baseUrl, path: "/servers" });

describe("identityUrl", () => {
  it.each([
    ["appends /v3 to a bare host", "https://k.example:5000", "https://k.example:5000/v3"],
    ["appends /v3 after a path prefix", "https://k.example/identity/", "https://k.example/identity/v3"],
    ["keeps /v3", "https://k.example:5000/v3/", "https://k.example:5000/v3"],
    ["moves a v2.0 URL to v3", "https://k.example:5000/v2.0", "https://k.example:5000/v3"],
  ])("%s", (_name, input, expected) => {
    expect(identityUrl(input)).toBe(expected);
  });
});

describe("authRequestBody", () => {
  it.each([
    [
      "a project-scoped password auth by names",
      { type: "password", username: "u", password: "p", projectName: "ci", userDomainName: "Default", projectDomainName: "Default" } as const,
      {
        auth: {
          identity: { methods: ["password"], password: { user: { name: "u", domain: { name: "Default" }, password: "p" } } },
          scope: { project: { name: "ci", domain: { name: "Default" } } },
        },
      },
    ],
    [
      "a password auth by ids",
      { type: "password", userId: "uid", password: "p", projectId: "pid" } as const,
      { auth: { identity: { methods: ["password"], password: { user: { id: "uid", password: "p" } } }, scope: { project: { id: "pid" } } } },
    ],
    [
      "an unscoped application credential by id",
      { type: "application_credential", id: "ac", secret: "s" } as const,
      { auth: { identity: { methods: ["application_credential"], application_credential: { id: "ac", secret: "s" } } } },
    ],
    [
      "an unscoped application credential by name and owner",
      { type: "application_credential", name: "ac", username: "u", userDomainId: "default", secret: "s" } as const,
      {
        auth: {
          identity: { methods: ["application_credential"], application_credential: { name: "ac", secret: "s", user: { name: "u", domain: { id: "default" } } } },
        },
      },
    ],
  ])("builds %s", (_name, auth, expected) => {
    expect(authRequestBody(auth)).toStrictEqual(expected);
  });
});

describe("renewMargin", () => {
  it.each([
    ["a minute for an hour-long token", 3_600_000, 60_000],
    ["a tenth of a 5-minute token", 300_000, 30_000],
    ["a tenth of a 2-second sandbox token", 2_000, 200],
  ])("is %s", (_name, lifetime, expected) => {
    expect(renewMargin(lifetime)).toBe(expected);
  });
});

describe("selectEndpoint", () => {
  const catalog: CatalogService[] = [
    {
      type: "compute",
      endpoints: [
        { interface: "internal", region_id: "RegionOne", url: "http://internal/compute" },
        { interface: "public", region_id: "RegionOne", url: "http://r1/compute" },
        { interface: "public", region_id: "RegionTwo", url: "http://r2/compute" },
      ],
    },
    { type: "image", endpoints: [{ interface: "public", region_id: "RegionOne", url: "http://r1/image" }] },
  ];

  it.each([
    ["by interface and region", "compute", "public", "RegionTwo", "http://r2/compute"],
    ["the internal interface", "compute", "internal", "RegionOne", "http://internal/compute"],
    ["the first match when no region is set", "compute", "public", undefined, "http://r1/compute"],
  ] as const)("selects %s", (_name, type, iface, region, expected) => {
    expect(selectEndpoint(catalog, type, iface, region, "ci")).toBe(expected);
  });

  it("throws a ConfigError listing the catalog when nothing matches", () => {
    expect(() => selectEndpoint(catalog, "network", "public", "RegionOne", "ci")).toThrow(ConfigError);
    expect(() => selectEndpoint(catalog, "network", "public", "RegionOne", "ci")).toThrow(
      "region_name: no 'network' endpoint for interface 'public' in region 'RegionOne' in the service catalog of cloud 'ci'; the catalog has: compute [internal/RegionOne, public/RegionOne, public/RegionTwo]; image [public/RegionOne]",
    );
  });
});

describe("KeystoneSession", () => {
  it("authenticates once and reuses the token across calls", async () => {
    const { s, server } = await session();
    await get(s, server.url);
    await get(s, server.url);
    expect(server.tokens()).toBe(1);
    expect(server.requests.filter((r) => r.path === "/servers").map((r) => r.headers["x-auth-token"])).toStrictEqual(["token-1", "token-1"]);
  });

  it("sends the project-scoped password body to {auth_url}/v3/auth/tokens", async () => {
    const { s, server } = await session();
    await s.token();
    expect(server.requests[0]).toMatchObject({ method: "POST", path: "/identity/v3/auth/tokens", body: { auth: { scope: { project: { name: "p" } } } } });
  });

  it("shares one in-flight authentication between concurrent callers", async () => {
    const { s, server } = await session();
    await Promise.all(Array.from({ length: 5 }, () => get(s, server.url)));
    expect(server.tokens()).toBe(1);
  });

  it("re-authenticates shortly before the token expires", async () => {
    let clock = 1_000_000;
    const { s, server } = await session(undefined, { lifetimeSeconds: 10 }, () => clock);
    await get(s, server.url);
    clock += 8_900; // lifetime 10 s, margin 1 s: still valid
    await get(s, server.url);
    expect(server.tokens()).toBe(1);
    clock += 200; // inside the margin
    await get(s, server.url);
    expect(server.tokens()).toBe(2);
  });

  it("re-authenticates exactly once on a 401 from a service and resends", async () => {
    let rejected = 0;
    const { s, server } = await session((req) => {
      if (req.headers["x-auth-token"] === "token-1") {
        rejected++;
        return { status: 401, body: { error: { code: 401, title: "Unauthorized", message: "expired" } } };
      }
      return { body: { ok: true } };
    });
    const response = await get(s, server.url);
    expect(response.body).toStrictEqual({ ok: true });
    expect(rejected).toBe(1);
    expect(server.tokens()).toBe(2);
  });

  it("gives up after one re-authentication when the service keeps answering 401", async () => {
    const { s, server } = await session(() => ({ status: 401, body: { error: { code: 401, message: "no" } } }));
    await expect(get(s, server.url)).rejects.toBeInstanceOf(CloudAuthError);
    expect(server.tokens()).toBe(2);
    expect(server.requests.filter((r) => r.path === "/servers")).toHaveLength(2);
  });

  it("names the cloud and hides the password when Keystone rejects the credentials", async () => {
    const authReply = { status: 401, headers: { "x-openstack-request-id": "req-k" }, body: { error: { code: 401, title: "Unauthorized", message: "The request you have made requires authentication." } } };
    const { s } = await session(undefined, { authReply });
    const error = await s.token().then(() => undefined, (e: unknown) => e);
    expect(error).toBeInstanceOf(CloudAuthError);
    expect((error as Error).message).toBe(
      "cloud 'test': Keystone POST /auth/tokens failed (401): The request you have made requires authentication. [request req-k]; check the cloud's credentials (clouds.yaml auth or OS_* variables)",
    );
    expect((error as Error).message).not.toContain("s3cret-pw");
  });

  it("resolves service endpoints from the token's catalog", async () => {
    const { s, server } = await session();
    expect(await s.endpoint("compute")).toBe(`${server.url}/compute/v2.1`);
  });

  it("fails with the catalog's contents when the region has no endpoint", async () => {
    server = await startServer(undefined, {});
    const s = new KeystoneSession({ cloud: testCloud(server.url, { regionName: "Mars" }) });
    await expect(s.endpoint("compute")).rejects.toThrow(/no 'compute' endpoint for interface 'public' in region 'Mars'.*the catalog has: identity \[public\/RegionOne\]/);
  });
});
