"""Salesforce's npm OCAPI client (commercecloud-ocapi-client 0.2.0, unmodified) against
Sessim on a real uvicorn, through tests/clients/node/ocapi_flow.js: it sends every PUT as
POST + `x-dw-http-method-override: PUT` (its default), keeps the JWT it gets as a default
lower-case `authorization` header, and parses faults from their body.

Needs node, and the client that `make node-clients` installs (npm ci in tests/clients/node);
skipped where either is missing."""

from __future__ import annotations

import json
import shutil
import subprocess

import httpx
import pytest

from tests.conftest import ROOT
from tests.sfcc.support import CLIENT_ID, FIXTURE, JANE, customer_info

NODE = ROOT / "tests" / "clients" / "node"
FLOW = NODE / "ocapi_flow.js"
INSTALLED = NODE / "node_modules" / "commercecloud-ocapi-client" / "package.json"

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(shutil.which("node") is None, reason="node is not installed"),
    pytest.mark.skipif(
        not INSTALLED.exists(), reason="the npm client is not installed: make node-clients"
    ),
]


@pytest.fixture
def steps(live_server: str) -> dict:
    seeded = httpx.post(f"{live_server}/_admin/seed", json=FIXTURE)
    assert seeded.status_code == 200, seeded.text
    base = f"{live_server}/sfcc/s/RefArch/dw/shop/v20_8"
    command = ["node", str(FLOW), base, CLIENT_ID, JANE["login"], JANE["password"]]
    done = subprocess.run(command, capture_output=True, text=True, timeout=60, check=False)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def journal(base: str, operation_id: str) -> dict:
    response = httpx.get(f"{base}/_admin/journal", params={"operationId": operation_id})
    assert response.status_code == 200, response.text
    (entry,) = response.json()["entries"]
    return entry


def test_the_npm_client_runs_a_shoppers_calls(steps: dict, live_server: str) -> None:
    guest = steps["guest"]
    assert guest["status"] == 200
    assert guest["headers"]["content-type"] == "application/json;charset=UTF-8"
    assert guest["body"]["auth_type"] == "guest"
    guest_id = guest["body"]["customer_id"]
    token = guest["headers"]["authorization"].removeprefix("Bearer ")
    assert customer_info(token)["customer_id"] == guest_id
    assert steps["basket"]["body"]["customer_info"] == {"customer_id": guest_id}
    address = steps["billingAddress"]
    assert address["status"] == 200
    assert address["body"]["billing_address"] == {
        "first_name": "Jane",
        "last_name": "Doe",
        "city": "Burlington",
        "country_code": "US",
    }
    bridge = steps["bridge"]
    assert bridge["status"] == 204 and bridge["body"] is None
    names = sorted(line.split("=", 1)[0] for line in bridge["headers"]["set-cookie"])
    assert names[0].startswith("dwanonymous_") and names[2] == "dwsid"
    assert steps["wrongPassword"] == {
        "fault": {
            "type": "AuthenticationFailedException",
            "message": "Customer authentication based on 'credentials' failed.",
            "arguments": {"credentialType": "credentials"},
        }
    }
    login, refresh = steps["login"], steps["refresh"]
    assert (login["status"], login["body"]["customer_no"]) == (200, "00005001")
    assert refresh["body"]["customer_id"] == login["body"]["customer_id"]
    assert steps["refreshedToken"] == refresh["headers"]["authorization"]
    assert steps["logout"]["status"] == 204
    refused = steps["afterLogout"]["fault"]
    assert refused["type"] == "InvalidAccessTokenException"
    assert refused["arguments"] == {"accessToken": steps["refreshedToken"].removeprefix("Bearer ")}


def test_its_put_arrives_as_a_post_with_the_override_and_is_journaled_as_a_put(
    steps: dict, live_server: str
) -> None:
    entry = journal(live_server, "putBasketsByIDBillingAddress")
    assert (entry["method"], entry["status"]) == ("PUT", 200)
    assert entry["request"]["headers"]["x-dw-http-method-override"] == "PUT"
    logout = journal(live_server, "deleteCustomersAuth")  # the client's DELETE stays one
    assert (logout["method"], logout["status"]) == ("DELETE", 204)
    assert "x-dw-http-method-override" not in logout["request"]["headers"]
