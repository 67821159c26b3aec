"""PyGithub against the sandbox: the calls runner tooling makes.

Usage: python github_checks.py; RF_GITHUB_URL, RF_GITHUB_TOKEN and RF_REPO in the environment.
Prints one JSON object of what the client saw; the TypeScript test asserts on it.
"""
import json
import os

from github import Auth, Github

gh = Github(base_url=os.environ["RF_GITHUB_URL"], auth=Auth.Token(os.environ["RF_GITHUB_TOKEN"]), retry=None)
repo = gh.get_repo(os.environ["RF_REPO"])
requester = repo._requester  # PyGithub has no JIT or registration-token method of its own

_, registration = requester.requestJsonAndCheck("POST", f"{repo.url}/actions/runners/registration-token")
_, jit = requester.requestJsonAndCheck("POST", f"{repo.url}/actions/runners/generate-jitconfig", input={"name": "pyclient-runner", "runner_group_id": 1, "labels": ["pyclient"]})
listed = [r for r in repo.get_self_hosted_runners() if r.name == "pyclient-runner"]
removed = repo.remove_self_hosted_runner(jit["runner"]["id"])
after = [r.name for r in repo.get_self_hosted_runners()]
rate = gh.get_rate_limit()

print(json.dumps({
    "repo": repo.full_name,
    "registrationToken": bool(registration.get("token")) and "expires_at" in registration,
    "jitConfig": bool(jit.get("encoded_jit_config")),
    "listed": [{"name": r.name, "status": r.status, "labels": sorted(label["name"] for label in r.labels)} for r in listed],
    "removed": removed,
    "stillListed": "pyclient-runner" in after,
    "rateLimit": {"limit": rate.resources.core.limit, "remaining": rate.resources.core.remaining},
}))
