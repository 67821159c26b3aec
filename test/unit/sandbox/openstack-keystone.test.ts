import { afterEach, describe, expect, it } from "vitest";
import { IDENTITY } from "../../../src/sandbox/openstack-seed.js";
import { type TestCloud, authed, call, dig, passwordAuth, startCloud, token } from "./openstack-fetch.js";

let cloud: TestCloud | undefined;
afterEach(async () => {
  await cloud?.close();
  cloud = undefined;
});

const appCredAuth = (secret: string, scope?: unknown) => ({
  auth: {
    identity: { methods: ["application_credential"], application_credential: { id: IDENTITY.appCredential.id, secret } },
    ...(scope === undefined ? {} : { scope }),
  },
});

describe("the sandbox's Keystone", () => {
  it("issues a project-scoped token with a catalog when the password is right", async () => {
    cloud = await startCloud();
    const res = await call(`${cloud.side.authUrl}/auth/tokens`, "POST", passwordAuth());
    expect(res.status).toBe(201);
    expect(res.headers.get("x-subject-token")).toMatch(/^gAAAAAB/);
    expect(res.body).toMatchObject({
      token: { methods: ["password"], project: { name: "runners", domain: { id: "default" } }, user: { name: "runner-fleet" } },
    });
    const catalog = dig(res.body, "token.catalog") as { type: string; endpoints: { interface: string; region_id: string; url: string }[] }[];
    expect(catalog.map((s) => s.type).sort()).toStrictEqual(["compute", "identity", "image", "network"]);
    const compute = catalog.find((s) => s.type === "compute");
    expect(compute?.endpoints.map((e) => e.interface).sort()).toStrictEqual(["admin", "internal", "public"]);
    expect(compute?.endpoints[0]).toMatchObject({ region_id: "RegionOne", url: `${cloud.side.url}/compute/v2.1` });
  });

  it("accepts users, projects and domains by id when they are given by id", async () => {
    cloud = await startCloud();
    const res = await call(`${cloud.side.authUrl}/auth/tokens`, "POST", {
      auth: {
        identity: { methods: ["password"], password: { user: { id: IDENTITY.user.id, password: IDENTITY.user.password } } },
        scope: { project: { id: IDENTITY.project.id } },
      },
    });
    expect(res.status).toBe(201);
  });

  it("omits the catalog when asked with ?nocatalog", async () => {
    cloud = await startCloud();
    const res = await call(`${cloud.side.authUrl}/auth/tokens?nocatalog`, "POST", passwordAuth());
    expect(res.status).toBe(201);
    expect(dig(res.body, "token.catalog")).toBeUndefined();
    expect(dig(res.body, "token.project.name")).toBe("runners");
  });

  it("answers 401 in Keystone's error shape when the password is wrong", async () => {
    cloud = await startCloud();
    const res = await call(`${cloud.side.authUrl}/auth/tokens`, "POST", passwordAuth("nope"));
    expect(res.status).toBe(401);
    expect(res.body).toStrictEqual({
      error: { code: 401, title: "Unauthorized", message: "The request you have made requires authentication." },
    });
  });

  it("issues a token scoped to the credential's project when an application credential is used", async () => {
    cloud = await startCloud();
    const res = await call(`${cloud.side.authUrl}/auth/tokens`, "POST", appCredAuth(IDENTITY.appCredential.secret));
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      token: { methods: ["application_credential"], project: { id: IDENTITY.project.id }, application_credential: { id: IDENTITY.appCredential.id } },
    });
  });

  it("rejects an application credential with 400 when it requests a scope", async () => {
    cloud = await startCloud();
    const res = await call(`${cloud.side.authUrl}/auth/tokens`, "POST", appCredAuth(IDENTITY.appCredential.secret, { project: { name: "runners" } }));
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ error: { code: 400, message: "Application credentials cannot request a scope." } });
  });

  it("answers 401 when the application credential secret is wrong", async () => {
    cloud = await startCloud();
    expect((await call(`${cloud.side.authUrl}/auth/tokens`, "POST", appCredAuth("wrong"))).status).toBe(401);
  });

  it("refuses a token with 401 once it has expired", async () => {
    cloud = await startCloud({ tokenLifetimeSeconds: 60 });
    const tok = await token(cloud);
    const api = authed(cloud, tok);
    expect((await api("GET", "/compute/v2.1/servers")).status).toBe(200);
    cloud.advance(61_000);
    const res = await api("GET", "/compute/v2.1/servers");
    expect(res.status).toBe(401);
    expect(res.body).toMatchObject({ error: { code: 401, title: "Unauthorized" } });
    expect((await api("GET", "/image/v2/images")).status).toBe(401);
  });

  it("answers 401 on every service when there is no token", async () => {
    cloud = await startCloud();
    for (const path of ["/compute/v2.1/servers/detail", "/image/v2/images", "/network/v2.0/networks"]) {
      expect((await call(`${cloud.side.url}${path}`, "GET")).status).toBe(401);
    }
  });

  it("serves the version documents when the unversioned and v3 URLs are fetched", async () => {
    cloud = await startCloud();
    const root = await call(`${cloud.side.url}/identity`, "GET");
    expect(root.status).toBe(300);
    expect(dig(root.body, "versions.values.0.id")).toBe("v3.14");
    const v3 = await call(cloud.side.authUrl, "GET");
    expect(v3.status).toBe(200);
    expect(dig(v3.body, "version.status")).toBe("stable");
  });

  it("validates and revokes a token when asked with X-Subject-Token", async () => {
    cloud = await startCloud();
    const tok = await token(cloud);
    const headers = { "x-auth-token": tok, "x-subject-token": tok };
    expect((await call(`${cloud.side.authUrl}/auth/tokens`, "GET", undefined, headers)).status).toBe(200);
    expect((await call(`${cloud.side.authUrl}/auth/tokens`, "DELETE", undefined, headers)).status).toBe(204);
    expect((await authed(cloud, tok)("GET", "/compute/v2.1/servers")).status).toBe(401);
  });
});
