"""openstacksdk against the sandbox: everyday calls a platform team's tooling makes.

Usage: python openstack_checks.py <check>; connection details in the environment (RF_OS_AUTH_URL,
RF_OS_USERNAME, …, RF_OS_APPLICATION_CREDENTIAL_ID/_SECRET: not OS_*, which openstacksdk would also read,
and would add a project scope to the application credential; RF_IMAGE, RF_FLAVOR, RF_NETWORK). Prints one JSON object of
what the client saw; the TypeScript test asserts on it. Any client error fails the process.
"""
import json
import os
import sys

import openstack


def password():
    return openstack.connect(
        auth_url=os.environ["RF_OS_AUTH_URL"],
        username=os.environ["RF_OS_USERNAME"],
        password=os.environ["RF_OS_PASSWORD"],
        project_name=os.environ["RF_OS_PROJECT_NAME"],
        user_domain_name=os.environ["RF_OS_USER_DOMAIN_NAME"],
        project_domain_name=os.environ["RF_OS_PROJECT_DOMAIN_NAME"],
    )


def catalog(conn):
    return {
        "token": bool(conn.auth_token),
        "flavors": sorted(f.name for f in conn.compute.flavors()),
        "images": sorted(i.name for i in conn.image.images()),
        "networks": sorted(n.name for n in conn.network.networks()),
        "securityGroups": sorted(g.name for g in conn.network.security_groups()),
    }


def check_password():
    return catalog(password())


def check_application_credential():
    conn = openstack.connect(
        auth_type="v3applicationcredential",
        auth_url=os.environ["RF_OS_AUTH_URL"],
        application_credential_id=os.environ["RF_OS_APPLICATION_CREDENTIAL_ID"],
        application_credential_secret=os.environ["RF_OS_APPLICATION_CREDENTIAL_SECRET"],
    )
    return catalog(conn)


def check_server():
    conn = password()
    image = conn.image.find_image(os.environ["RF_IMAGE"], ignore_missing=False)
    flavor = conn.compute.find_flavor(os.environ["RF_FLAVOR"], ignore_missing=False)
    network = conn.network.find_network(os.environ["RF_NETWORK"], ignore_missing=False)
    server = conn.compute.create_server(name="pyclient-vm", image_id=image.id, flavor_id=flavor.id, networks=[{"uuid": network.id}])
    server = conn.compute.wait_for_server(server, status="ACTIVE", wait=60, interval=0.2)
    conn.compute.set_server_metadata(server, team="platform", purpose="check")
    metadata = conn.compute.get_server_metadata(server).metadata
    console = conn.compute.get_server_console_output(server)
    again = conn.compute.get_server(server.id)
    conn.compute.delete_server(server)
    conn.compute.wait_for_delete(server, wait=60, interval=0.2)
    return {
        "status": again.status,
        "metadata": metadata,
        "consoleIsText": isinstance(console.get("output"), str),
        "addresses": sorted(again.addresses.keys()),
        "deleted": conn.compute.find_server(server.id) is None,
    }


def check_limits():
    conn = password()
    limits = conn.compute.get_limits()
    return {"maxTotalInstances": limits.absolute.instances, "totalInstancesUsed": limits.absolute.instances_used}


CHECKS = {"password": check_password, "application-credential": check_application_credential, "server": check_server, "limits": check_limits}

if __name__ == "__main__":
    print(json.dumps(CHECKS[sys.argv[1]]()))
