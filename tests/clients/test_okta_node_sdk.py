"""Okta's Node SDK (@okta/okta-sdk-nodejs 8.1.0, unmodified) against Sessim on a real
uvicorn, through tests/clients/node/okta_users_flow.js: the users its own integration tests
create and clean up (createUser, activateUser, getUser, deactivateUser, deleteUser), parsed
into its models, and Okta's 404 after the delete thrown as its OktaApiError.

Needs node, and the SDK that `make node-clients` installs (npm ci in tests/clients/node);
skipped where either is missing."""

from __future__ import annotations

import json
import shutil
import subprocess

import httpx
import pytest

from tests.conftest import ROOT

NODE = ROOT / "tests" / "clients" / "node"
FLOW = NODE / "okta_users_flow.js"
INSTALLED = NODE / "node_modules" / "@okta" / "okta-sdk-nodejs" / "package.json"
API_TOKEN = "00SessimNodeSdkApiToken-0123456789"
LOGIN = "jane.doe-node@example.com"
PASSWORD = "Password150kta"

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(shutil.which("node") is None, reason="node is not installed"),
    pytest.mark.skipif(
        not INSTALLED.exists(), reason="the npm SDK is not installed: make node-clients"
    ),
]


def signs_in(base: str) -> int:
    credentials = {"username": LOGIN, "password": PASSWORD}
    return httpx.post(f"{base}/okta/api/v1/authn", json=credentials).status_code


def test_the_node_sdk_creates_activates_deactivates_and_deletes_a_user(live_server: str) -> None:
    seeded = httpx.post(f"{live_server}/_admin/seed", json={"okta": {"api_tokens": [API_TOKEN]}})
    assert seeded.status_code == 200, seeded.text
    command = ["node", str(FLOW), f"{live_server}/okta", API_TOKEN, LOGIN, PASSWORD]
    done = subprocess.run(command, capture_output=True, text=True, timeout=60, check=False)
    assert done.returncode == 0, done.stderr
    steps = json.loads(done.stdout)

    created = steps["create"]["result"]
    user_id = created["id"]
    assert user_id.startswith("00u") and len(user_id) == 20
    assert (created["status"], created["activated"]) == ("STAGED", None)
    assert created["profile"]["login"] == LOGIN and created["profile"]["firstName"] == "Jane"
    activation = steps["activate"]["result"]
    token = activation["activationToken"]
    assert activation["activationUrl"] == f"{live_server}/okta/tokens/{token}/verify"
    active = steps["active"]["result"]
    assert (active["id"], active["status"]) == (user_id, "ACTIVE")
    assert active["_links"]["self"]["href"] == f"{live_server}/okta/api/v1/users/{user_id}"
    assert steps["deactivate"] == {"result": None}  # the SDK resolves void on 200 {}
    assert steps["deactivated"]["result"]["status"] == "DEPROVISIONED"
    assert steps["delete"] == {"result": None}
    assert steps["deleted"] == {
        "error": {
            "status": 404,
            "errorCode": "E0000007",
            "errorSummary": f"Not found: Resource not found: {user_id} (User)",
            "name": "OktaApiError",
        }
    }
    # One user model: the deleted user's login signs in no more, and is free again.
    assert signs_in(live_server) == 401
