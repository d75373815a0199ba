"""Okta's Node SDK (@okta/okta-sdk-nodejs 8.1.0, unmodified) against Sessim on a real
uvicorn, through tests/clients/node/okta_apps_flow.js: the OIDC application an integration
test sets up (createApplication, getApplication, listApplications, deactivateApplication,
deleteApplication), parsed into its models; the app's client_credentials token, verified
against the default server's keys; and Okta's 404 after the delete thrown as its
OktaApiError.

Needs node, and the SDK that `make node-clients` installs; skipped where either is missing."""

from __future__ import annotations

import json
import subprocess

import httpx
import jwt

from tests.clients.test_okta_node_sdk import NODE, pytestmark  # noqa: F401 - node and the SDK

FLOW = NODE / "okta_apps_flow.js"
API_TOKEN = "00SessimNodeSdkApiToken-0123456789"
SCOPE = "orders:read"


def claims(base: str, access_token: str) -> dict:
    keys = httpx.get(f"{base}/okta/oauth2/default/v1/keys").json()
    kid = jwt.get_unverified_header(access_token)["kid"]
    (key,) = [jwt.PyJWK(k) for k in keys["keys"] if k["kid"] == kid]
    return jwt.decode(
        access_token,
        key.key,
        algorithms=["RS256"],
        audience="api://default",
        issuer=f"{base}/okta/oauth2/default",
        options={"verify_exp": False, "verify_iat": False},  # Sessim's clock, not this one
    )


def test_the_node_sdk_sets_up_an_oidc_app_that_gets_tokens(live_server: str) -> None:
    server = {"id": "default", "scopes": [{"name": SCOPE}]}
    okta = {"api_tokens": [API_TOKEN], "authorization_servers": [server]}
    seeded = httpx.post(f"{live_server}/_admin/seed", json={"okta": okta})
    assert seeded.status_code == 200, seeded.text
    command = ["node", str(FLOW), f"{live_server}/okta", API_TOKEN, SCOPE]
    done = subprocess.run(command, capture_output=True, text=True, timeout=60, check=False)
    assert done.returncode == 0, done.stderr
    steps = json.loads(done.stdout)

    created = steps["create"]["result"]
    app_id = created["id"]
    assert app_id.startswith("0oa") and len(app_id) == 20
    assert (created["name"], created["signOnMode"], created["status"]) == (
        "oidc_client",
        "OPENID_CONNECT",
        "ACTIVE",
    )
    oauth_client = created["credentials"]["oauthClient"]
    assert oauth_client["client_id"] == app_id and len(oauth_client["client_secret"]) == 64
    got = steps["get"]["result"]
    assert got["settings"]["oauthClient"]["grant_types"] == ["client_credentials"]
    assert "client_secret" not in got["credentials"]["oauthClient"]
    assert steps["list"] == {"result": [app_id]}

    granted = steps["token"]["result"]
    assert granted["status"] == 200, granted
    token = claims(live_server, granted["body"]["access_token"])
    assert (token["cid"], token["scp"]) == (app_id, [SCOPE])

    assert steps["deactivate"] == {"result": None}
    assert steps["refused"]["result"]["status"] == 401
    assert steps["refused"]["result"]["body"]["error"] == "invalid_client"
    assert steps["delete"] == {"result": None}
    assert steps["deleted"] == {
        "error": {
            "status": 404,
            "errorCode": "E0000007",
            "errorSummary": f"Not found: Resource not found: {app_id} (AppInstance)",
            "name": "OktaApiError",
        }
    }
