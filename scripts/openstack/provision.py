"""Idempotently creates what the contract tests need and writes clouds.yaml.

Usage: python3 provision.py PASSWORD CLOUDS_YAML_PATH   (once the services are ready)

It mirrors the sandbox's seed (src/sandbox/openstack-seed.ts) so one suite asserts the same
names on both: flavors m1.small/medium/large, images ubuntu-24.04/22.04, network runners-net,
security group default. Plus an admin-only flavor no host can fit (a real NoValidHost) and an
application credential of the demo user.
"""
import sys

from keystoneauth1 import session
from keystoneauth1.identity import v3

H = "127.0.0.1"
AUTH_URL = f"http://{H}:5000/v3"
pw, clouds_path = sys.argv[1], sys.argv[2]
MV = {"OpenStack-API-Version": "compute 2.79"}


def sess(user, project):
    return session.Session(auth=v3.Password(auth_url=AUTH_URL, username=user, password=pw, project_name=project,
                                            user_domain_name="Default", project_domain_name="Default"))


def call(s, service, method, path, **kw):
    r = s.request(path, method, endpoint_filter={"service_type": service, "interface": "public"}, raise_exc=False, **kw)
    if r.status_code >= 400:
        sys.exit(f"{service} {method} {path}: {r.status_code} {r.text[:300]}")
    return r.json() if r.content and r.headers.get("content-type", "").startswith("application/json") else None


admin, demo = sess("admin", "admin"), sess("demo", "demo")

# Flavors as the sandbox seeds them, and one whose RAM no (fake) hypervisor has: its servers fail
# scheduling and end in ERROR without a host, where Nova answers console requests with 409.
# Private, so the demo project's flavor list matches the sandbox's.
have = {f["name"] for f in call(admin, "compute", "GET", "/flavors?is_public=None", headers=MV)["flavors"]}
for fid, name, ram, vcpus, disk, public in [("1", "m1.small", 2048, 1, 20, True), ("2", "m1.medium", 4096, 2, 40, True),
                                             ("3", "m1.large", 8192, 4, 80, True),
                                             ("rf-unschedulable", "rf.unschedulable", 2_000_000_000, 1, 1, False)]:
    if name not in have:
        body = {"flavor": {"id": fid, "name": name, "ram": ram, "vcpus": vcpus, "disk": disk, "os-flavor-access:is_public": public}}
        call(admin, "compute", "POST", "/flavors", json=body, headers=MV)
        print("flavor", name)

# Public 1 MiB raw images (no VM ever reads them: Nova's fake driver only pretends to boot).
for name in ("ubuntu-22.04", "ubuntu-24.04"):
    images = call(admin, "image", "GET", f"/v2/images?name={name}")["images"]
    if any(i["status"] == "active" for i in images):
        continue
    for broken in images:  # an upload interrupted by an earlier run
        call(admin, "image", "DELETE", f"/v2/images/{broken['id']}")
    image = call(admin, "image", "POST", "/v2/images",
                 json={"name": name, "disk_format": "raw", "container_format": "bare", "visibility": "public"})
    call(admin, "image", "PUT", f"/v2/images/{image['id']}/file", data=b"\0" * 1048576,
         headers={"Content-Type": "application/octet-stream"})
    print("image", name)

# The demo project's network; listing security groups makes Neutron create its `default` group.
nets = call(demo, "network", "GET", "/v2.0/networks?name=runners-net")["networks"]
if not nets:
    net = call(demo, "network", "POST", "/v2.0/networks", json={"network": {"name": "runners-net"}})["network"]
    call(demo, "network", "POST", "/v2.0/subnets", json={"subnet": {"name": "runners-subnet", "network_id": net["id"],
                                                                   "ip_version": 4, "cidr": "10.42.0.0/24"}})
    print("network runners-net")
groups = call(demo, "network", "GET", "/v2.0/security-groups?name=default")["security_groups"]
if len(groups) != 1:
    sys.exit(f"expected one 'default' security group in project demo, found {len(groups)}")

# Quotas: reset demo's (a contract test lowers it and restores it; a crash must not leave it low)
# and lift admin's, whose quota would otherwise refuse the unschedulable flavor before scheduling.
demo_project = demo.get_project_id()
call(admin, "compute", "PUT", f"/os-quota-sets/{demo_project}", headers=MV,
     json={"quota_set": {"instances": 20, "cores": 40, "ram": 204800, "force": True}})
call(admin, "compute", "PUT", f"/os-quota-sets/{admin.get_project_id()}", headers=MV,
     json={"quota_set": {"instances": -1, "cores": -1, "ram": -1}})

# A fresh application credential of the demo user (its secret is only ever shown at creation).
demo_user = demo.get_user_id()
creds = demo.request(f"{AUTH_URL}/users/{demo_user}/application_credentials?name=runner-fleet-contract", "GET").json()
for cred in creds["application_credentials"]:
    demo.request(f"{AUTH_URL}/users/{demo_user}/application_credentials/{cred['id']}", "DELETE")
cred = demo.request(f"{AUTH_URL}/users/{demo_user}/application_credentials", "POST",
                    json={"application_credential": {"name": "runner-fleet-contract"}}).json()["application_credential"]

COMMON = f"""    region_name: RegionOne
    interface: public
    identity_api_version: 3
"""
with open(clouds_path, "w") as out:
    out.write(f"""# Written by scripts/openstack/provision.py; the loopback test rig only.
clouds:
  demo:
    auth:
      auth_url: {AUTH_URL}
      username: demo
      password: {pw}
      project_name: demo
      user_domain_name: Default
      project_domain_name: Default
{COMMON}  demo-appcred:
    auth_type: v3applicationcredential
    auth:
      auth_url: {AUTH_URL}
      application_credential_id: {cred['id']}
      application_credential_secret: {cred['secret']}
{COMMON}  admin:
    auth:
      auth_url: {AUTH_URL}
      username: admin
      password: {pw}
      project_name: admin
      user_domain_name: Default
      project_domain_name: Default
{COMMON}""")
print("wrote", clouds_path)
