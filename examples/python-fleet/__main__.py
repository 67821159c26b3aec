"""A fleet on the runner-fleet sandbox from Python: examples/sandbox's program, through the
generated `runner_fleet` SDK and the provider plugin. Flush and cleanup are stack actions, with
the same keys as in TypeScript: `pulumi config set runner-fleet:flushTrigger <new value>`, then
`pulumi up`, runs a flush once."""

import pulumi
import runner_fleet

config = pulumi.Config()
actions = pulumi.Config("runner-fleet")

fleet = runner_fleet.RunnerFleet(
    "ci",
    runners=config.get_int("runners") or 3,
    # What the sandbox seeds (src/sandbox/openstack-seed.ts).
    image="ubuntu-24.04",
    flavor="m1.small",
    network="runners-net",
    labels=["sandbox"],
    github=runner_fleet.FleetGitHubArgs(
        path=config.get("repository") or "acme/app",
        api_url=config.require("githubUrl"),
        token=config.require_secret("githubToken"),
    ),
    openstack=runner_fleet.FleetOpenStackArgs(
        clouds_yaml=config.require_secret("cloudsYaml"),
        cloud=config.get("cloud") or "sandbox",
    ),
    # The sandbox boots a VM in about a second: let `up` show the runners online.
    wait_for="online",
    wait_timeout_seconds=120,
    destroy_policy=runner_fleet.FleetDestroyPolicyArgs(mode="drain", timeout_seconds=60),
    # Always present with an empty trigger, so that setting one later is a change (which runs the
    # action once) rather than the creation of the operation (which runs nothing).
    flush=runner_fleet.FleetFlushArgs(trigger=actions.get("flushTrigger") or "", mode=actions.get("flushMode")),
    cleanup=runner_fleet.FleetCleanupArgs(trigger=actions.get("cleanupTrigger") or ""),
)

pulumi.export("prefix", fleet.prefix)
pulumi.export("runnerNames", fleet.runner_names)
pulumi.export("counts", fleet.counts)
pulumi.export("operations", fleet.operations)
