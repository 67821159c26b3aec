"""Idempotently registers the service catalog, the service user and the demo project.

Usage: python3 bootstrap_catalog.py PASSWORD   (after `keystone-manage bootstrap`, as admin)
"""
import sys

from keystoneauth1 import session
from keystoneauth1.identity import v3
from keystoneclient.v3 import client

H = "127.0.0.1"
pw = sys.argv[1]
auth = v3.Password(auth_url=f"http://{H}:5000/v3", username="admin", password=pw, project_name="admin",
                   user_domain_name="Default", project_domain_name="Default")
ks = client.Client(session=session.Session(auth=auth), interface="public")


def one(items):
    return items[0] if items else None


domain = ks.domains.get("default")
roles = {r.name: r for r in ks.roles.list()}
for name in ("admin", "member", "reader", "service"):
    roles[name] = roles.get(name) or ks.roles.create(name)


def project(name):
    return one(ks.projects.list(name=name, domain=domain)) or ks.projects.create(name, domain)


def user(name, proj, *role_names):
    u = one(ks.users.list(name=name, domain=domain)) or ks.users.create(name, domain=domain, password=pw, default_project=proj)
    for role in role_names:
        ks.roles.grant(roles[role], user=u, project=proj)
    return u


service, demo = project("service"), project("demo")
user("svc", service, "admin", "service")   # every service validates tokens and calls the others as svc
user("demo", demo, "member")               # the tenant the contract tests run as

SERVICES = [("nova", "compute", f"http://{H}:8774/v2.1"), ("placement", "placement", f"http://{H}:8778"),
            ("glance", "image", f"http://{H}:9292"), ("neutron", "network", f"http://{H}:9696")]
for name, kind, url in SERVICES:
    svc = one(ks.services.list(type=kind)) or ks.services.create(name, type=kind)
    have = {e.interface: e for e in ks.endpoints.list(service=svc)}
    for iface in ("public", "internal", "admin"):
        if iface not in have:
            ks.endpoints.create(svc, url, interface=iface, region="RegionOne")
        elif have[iface].url != url:
            ks.endpoints.update(have[iface], url=url)
    print("registered", kind, url)
