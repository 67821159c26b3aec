import { afterEach, describe, expect, it } from "vitest";
import { NETWORK } from "../../../src/sandbox/openstack-seed.js";
import { type TestCloud, authed, dig, digString, startCloud, token } from "./openstack-fetch.js";

let cloud: TestCloud | undefined;
afterEach(async () => {
  await cloud?.close();
  cloud = undefined;
});

describe("the sandbox's Glance", () => {
  it("finds an image by exact name and pages with next when limit is given", async () => {
    cloud = await startCloud();
    const api = authed(cloud, await token(cloud));
    const byName = await api("GET", "/image/v2/images?name=ubuntu-24.04&status=active");
    expect((dig(byName.body, "images") as { name: string }[]).map((i) => i.name)).toStrictEqual(["ubuntu-24.04"]);
    expect((dig((await api("GET", "/image/v2/images?name=ubuntu")).body, "images") as unknown[]).length).toBe(0);
    const page1 = await api("GET", "/image/v2/images?limit=1");
    const next = digString(page1.body, "next");
    expect(next).toMatch(/^\/v2\/images\?limit=1&marker=/);
    const page2 = await api("GET", `/image${next}`);
    expect(dig(page2.body, "images.0.name")).toBe("ubuntu-22.04");
    const id = digString(page2.body, "images.0.id");
    expect((await api("GET", `/image/v2/images/${id}`)).body).toMatchObject({ id, name: "ubuntu-22.04", status: "active" });
  });

  it("answers 404 as an HTML page when the image is unknown", async () => {
    cloud = await startCloud();
    const res = await authed(cloud, await token(cloud))("GET", "/image/v2/images/nope");
    expect(res.status).toBe(404);
    expect(res.headers.get("content-type")).toContain("text/html");
    expect(res.body).toContain("No image found with ID nope");
  });
});

describe("the sandbox's Neutron", () => {
  it("filters networks and security groups by name and id", async () => {
    cloud = await startCloud();
    const api = authed(cloud, await token(cloud));
    expect(dig((await api("GET", "/network/v2.0/networks?name=runners-net")).body, "networks.0.id")).toBe(NETWORK.id);
    expect(dig((await api("GET", `/network/v2.0/networks?id=${NETWORK.id}`)).body, "networks.0.name")).toBe("runners-net");
    expect(dig((await api("GET", "/network/v2.0/networks?name=other")).body, "networks")).toStrictEqual([]);
    expect(dig((await api("GET", `/network/v2.0/networks/${NETWORK.id}`)).body, "network.subnets")).toHaveLength(1);
    const groups = await api("GET", "/network/v2.0/security-groups?name=default");
    expect(dig(groups.body, "security_groups.0.name")).toBe("default");
    expect(dig(groups.body, "security_groups.0.security_group_rules")).toHaveLength(4);
  });

  it("answers NeutronError bodies when a network is unknown or a filter is invalid", async () => {
    cloud = await startCloud();
    const api = authed(cloud, await token(cloud));
    expect((await api("GET", "/network/v2.0/networks/nope")).body).toStrictEqual({
      NeutronError: { type: "NetworkNotFound", message: "Network nope could not be found.", detail: "" },
    });
    expect((await api("GET", "/network/v2.0/networks?colour=red")).status).toBe(400);
  });
});
