"""The Authorization Servers API: servers (create, get, list, replace, activate, deactivate,
delete; `default` always there), their scopes, claims, access policies and policy rules
(create, list, get, delete), in Okta's shapes and ids, with SSWS and the
okta.authorizationServers scopes; over the fixture's servers, so that what the API adds is
in force at the token endpoint at once."""

from __future__ import annotations

import re

import pytest
from starlette.testclient import TestClient

from tests.okta.support import (
    NO_PERMISSION,
    NOT_WELL_FORMED,
    ORG,
    SSWS,
    advance,
    assert_error,
    assert_json,
    at,
    bearer,
    not_found,
    seed,
)
from tests.okta.test_apps_api import SERVICE, created, invalid_client, validation_failed
from tests.okta.test_token import basic, refused, verified

URL = "/okta/api/v1/authorizationServers"
ORDERS = {"name": "Orders API", "description": "Orders", "audiences": ["api://orders"]}
SERVER_KEYS = [
    "id",
    "name",
    "description",
    "audiences",
    "issuer",
    "issuerMode",
    "status",
    "created",
    "lastUpdated",
    "default",
    "_links",
]
TAKEN = "An object with this field already exists in the current organization"
NO_RULE = "Policy evaluation failed for this request, please check the policy configurations."


def ids_match(prefix: str, value: str) -> bool:
    return re.fullmatch(prefix + r"[A-Za-z0-9]{17}", value) is not None


def post(client: TestClient, path: str, body: dict, status: int = 201) -> dict:
    return assert_json(client.post(f"{URL}{path}", json=body, headers=SSWS), status)


def server_links(server_id: str, status: str) -> dict:
    href = f"{ORG}/api/v1/authorizationServers/{server_id}"
    operation = "deactivate" if status == "ACTIVE" else "activate"
    return {
        "self": {"href": href, "hints": {"allow": ["GET", "DELETE", "PUT"]}},
        operation: {"href": f"{href}/lifecycle/{operation}", "hints": {"allow": ["POST"]}},
    }


def token(client: TestClient, server_id: str, client_id: str, secret: str, **form: str):
    data = {"grant_type": "client_credentials", **form}
    headers = basic(client_id, secret)
    return client.post(f"/okta/oauth2/{server_id}/v1/token", data=data, headers=headers)


def set_up(okta: TestClient) -> tuple[dict, dict, dict, dict]:
    """A server with a scope, a policy for all clients and a client_credentials rule of 30
    minutes, and a service app: what an SDK integration test sets up."""
    server = post(okta, "", ORDERS)
    sid = server["id"]
    scope = post(okta, f"/{sid}/scopes", {"name": "orders:read", "description": "Read orders"})
    policy_body = {
        "type": "OAUTH_AUTHORIZATION_POLICY",
        "name": "Orders clients",
        "description": "Who gets orders tokens",
        "priority": 1,
        "conditions": {"clients": {"include": ["ALL_CLIENTS"]}},
    }
    policy = post(okta, f"/{sid}/policies", policy_body)
    rule_body = {
        "type": "RESOURCE_ACCESS",
        "name": "Services",
        "conditions": {
            "grantTypes": {"include": ["client_credentials"]},
            "scopes": {"include": ["orders:read"]},
        },
        "actions": {"token": {"accessTokenLifetimeMinutes": 30}},
    }
    rule = post(okta, f"/{sid}/policies/{policy['id']}/rules", rule_body)
    app = created(okta, SERVICE)
    return server, scope, policy, {**rule, "app": app}


def app_credentials(rule: dict) -> tuple[str, str]:
    oauth_client = rule["app"]["credentials"]["oauthClient"]
    return oauth_client["client_id"], oauth_client["client_secret"]


def test_a_server_set_up_by_the_api_issues_tokens_at_once(okta: TestClient) -> None:
    server, scope, policy, rule = set_up(okta)
    sid = server["id"]
    assert list(server) == SERVER_KEYS and ids_match("aus", sid)
    assert server["issuer"] == f"{ORG}/oauth2/{sid}"
    assert (server["status"], server["default"], server["issuerMode"]) == (
        "ACTIVE",
        False,
        "ORG_URL",
    )
    assert server["created"] == server["lastUpdated"] == at()
    assert server["_links"] == server_links(sid, "ACTIVE")
    assert ids_match("scp", scope["id"]) and scope["system"] is False
    assert (scope["default"], scope["metadataPublish"]) == (False, "NO_CLIENTS")
    assert ids_match("00p", policy["id"]) and policy["type"] == "OAUTH_AUTHORIZATION_POLICY"
    assert policy["conditions"] == {"clients": {"include": ["ALL_CLIENTS"]}}
    assert ids_match("0pr", rule["id"]) and rule["type"] == "RESOURCE_ACCESS"
    assert rule["actions"]["token"] == {
        "accessTokenLifetimeMinutes": 30,
        "refreshTokenLifetimeMinutes": 0,
        "refreshTokenWindowMinutes": 10080,
    }
    client_id, secret = app_credentials(rule)
    response = token(okta, sid, client_id, secret, scope="orders:read")
    assert response.status_code == 200, response.text
    assert response.json()["expires_in"] == 1800
    claims = verified(okta, response.json()["access_token"], server=sid)
    assert (claims["aud"], claims["scp"], claims["cid"]) == (
        "api://orders",
        ["orders:read"],
        client_id,
    )


def test_a_new_server_grants_nothing_until_a_rule_is_added(okta: TestClient) -> None:
    server = post(okta, "", ORDERS)
    post(okta, f"/{server['id']}/scopes", {"name": "orders:read"})
    app = created(okta, SERVICE)["credentials"]["oauthClient"]
    response = token(
        okta, server["id"], app["client_id"], app["client_secret"], scope="orders:read"
    )
    refused(response, 400, "access_denied", NO_RULE)


def test_deleting_the_rule_or_the_scope_takes_effect_at_once(okta: TestClient) -> None:
    server, scope, policy, rule = set_up(okta)
    sid, client_id, secret = server["id"], *app_credentials(rule)
    rule_url = f"{URL}/{sid}/policies/{policy['id']}/rules/{rule['id']}"
    assert assert_json(okta.get(rule_url, headers=SSWS), 200) == {
        key: value for key, value in rule.items() if key != "app"
    }
    assert okta.delete(rule_url, headers=SSWS).status_code == 204
    assert_error(
        okta.get(rule_url, headers=SSWS),
        404,
        not_found(f"{rule['id']} (AuthorizationServerPolicyRule)"),
    )
    refused(token(okta, sid, client_id, secret, scope="orders:read"), 400, "access_denied", NO_RULE)
    scope_url = f"{URL}/{sid}/scopes/{scope['id']}"
    assert assert_json(okta.get(scope_url, headers=SSWS), 200) == scope
    assert okta.delete(scope_url, headers=SSWS).status_code == 204
    assert assert_json(okta.get(f"{URL}/{sid}/scopes", headers=SSWS), 200) == []
    assert_error(okta.get(scope_url, headers=SSWS), 404, not_found(f"{scope['id']} (OAuth2Scope)"))


def test_claims_are_added_to_tokens_and_removed(okta: TestClient) -> None:
    server, _, _, rule = set_up(okta)
    sid, client_id, secret = server["id"], *app_credentials(rule)
    claim = post(
        okta,
        f"/{sid}/claims",
        {"name": "tier", "claimType": "RESOURCE", "valueType": "EXPRESSION", "value": "gold"},
    )
    assert ids_match("ocl", claim["id"])
    assert (claim["status"], claim["alwaysIncludeInToken"], claim["conditions"]) == (
        "ACTIVE",
        True,
        {"scopes": []},
    )
    access = token(okta, sid, client_id, secret, scope="orders:read").json()["access_token"]
    assert verified(okta, access, server=sid)["tier"] == "gold"
    assert assert_json(okta.get(f"{URL}/{sid}/claims", headers=SSWS), 200) == [claim]
    taken = okta.post(f"{URL}/{sid}/claims", json={**claim, "id": None}, headers=SSWS)
    validation_failed(taken, ("name", TAKEN))
    assert okta.delete(f"{URL}/{sid}/claims/{claim['id']}", headers=SSWS).status_code == 204
    access = token(okta, sid, client_id, secret, scope="orders:read").json()["access_token"]
    assert "tier" not in verified(okta, access, server=sid)


def test_policies_by_priority_and_their_rules(okta: TestClient) -> None:
    server, _, first, _ = set_up(okta)
    sid = server["id"]
    before = post(okta, f"/{sid}/policies", {"name": "Urgent", "priority": 1})
    after = post(okta, f"/{sid}/policies", {"name": "Fallback"})
    listed = assert_json(okta.get(f"{URL}/{sid}/policies", headers=SSWS), 200)
    assert [(p["id"], p["priority"]) for p in listed] == [
        (before["id"], 1),
        (first["id"], 2),
        (after["id"], 3),
    ]
    assert after["conditions"] == {"clients": {"include": ["ALL_CLIENTS"]}}
    rules_url = f"{URL}/{sid}/policies/{first['id']}/rules"
    (rule,) = assert_json(okta.get(rules_url, headers=SSWS), 200)
    assert rule["name"] == "Services"
    validation_failed(
        okta.post(rules_url, json={"name": "Services"}, headers=SSWS), ("name", TAKEN)
    )
    validation_failed(
        okta.post(f"{URL}/{sid}/policies", json={"name": "Urgent"}, headers=SSWS), ("name", TAKEN)
    )
    assert okta.delete(f"{URL}/{sid}/policies/{before['id']}", headers=SSWS).status_code == 204
    listed = assert_json(okta.get(f"{URL}/{sid}/policies", headers=SSWS), 200)
    assert [p["priority"] for p in listed] == [1, 2]
    missing = okta.get(f"{URL}/{sid}/policies/{before['id']}", headers=SSWS)
    assert_error(missing, 404, not_found(f"{before['id']} (AuthorizationServerPolicy)"))


def test_a_scope_name_taken_or_a_system_scope_is_e0000001(okta: TestClient) -> None:
    sid = post(okta, "", ORDERS)["id"]
    post(okta, f"/{sid}/scopes", {"name": "orders:read"})
    for name in ("orders:read", "openid"):
        response = okta.post(f"{URL}/{sid}/scopes", json={"name": name}, headers=SSWS)
        validation_failed(response, ("name", TAKEN))


def test_default_is_always_there_with_its_default_policy(okta: TestClient) -> None:
    (default,) = assert_json(okta.get(URL, headers=SSWS), 200)
    assert (default["id"], default["default"], default["audiences"]) == (
        "default",
        True,
        ["api://default"],
    )
    assert default["description"] == "Default Authorization Server"
    (policy,) = assert_json(okta.get(f"{URL}/default/policies", headers=SSWS), 200)
    assert policy["name"] == "Default Policy"
    (rule,) = assert_json(
        okta.get(f"{URL}/default/policies/{policy['id']}/rules", headers=SSWS), 200
    )
    assert rule["name"] == "Default Policy Rule"
    assert rule["conditions"]["scopes"] == {"include": ["*"]}
    # The ids of what Okta made are the same at every read.
    again = assert_json(okta.get(f"{URL}/default/policies/{policy['id']}", headers=SSWS), 200)
    assert again == policy


def test_fixture_servers_are_listed_with_their_items(okta: TestClient) -> None:
    shop = {
        "id": "ausShop0000000000d7x",
        "name": "Shop",
        "scopes": [{"name": "cart:write"}],
        "claims": [{"name": "tier", "claimType": "RESOURCE", "value": "gold"}],
    }
    seed(okta, {"okta": {"authorization_servers": [shop]}})
    advance(okta, 1)
    made = post(okta, "", ORDERS)
    listed = assert_json(okta.get(URL, headers=SSWS), 200)
    assert [server["id"] for server in listed] == [shop["id"], "default", made["id"]]
    (scope,) = assert_json(okta.get(f"{URL}/{shop['id']}/scopes", headers=SSWS), 200)
    assert scope["name"] == "cart:write" and ids_match("scp", scope["id"])
    assert (
        assert_json(okta.get(f"{URL}/{shop['id']}/scopes/{scope['id']}", headers=SSWS), 200)
        == scope
    )
    first = okta.get(f"{URL}?limit=1", headers=SSWS)
    assert first.headers.get_list("link") == [
        f'<{ORG}/api/v1/authorizationServers?limit=1>; rel="self"',
        f'<{ORG}/api/v1/authorizationServers?after={shop["id"]}&limit=1>; rel="next"',
    ]
    assert [s["id"] for s in assert_json(okta.get(f"{URL}?q=orders", headers=SSWS), 200)] == [
        made["id"]
    ]


def test_replace_lifecycle_and_delete(okta: TestClient) -> None:
    server, _, _, rule = set_up(okta)
    sid, client_id, secret = server["id"], *app_credentials(rule)
    advance(okta, 60)
    change = {**server, "name": "Orders v2", "audiences": ["api://orders/v2"], "status": "INACTIVE"}
    replaced = assert_json(okta.put(f"{URL}/{sid}", json=change, headers=SSWS), 200)
    assert (replaced["name"], replaced["audiences"], replaced["status"]) == (
        "Orders v2",
        ["api://orders/v2"],
        "ACTIVE",
    )
    assert (replaced["created"], replaced["lastUpdated"]) == (at(), at(minutes=1))
    access = token(okta, sid, client_id, secret, scope="orders:read").json()["access_token"]
    assert verified(okta, access, server=sid)["aud"] == "api://orders/v2"
    deactivated = okta.post(f"{URL}/{sid}/lifecycle/deactivate", headers=SSWS)
    assert deactivated.status_code == 204 and deactivated.content == b""
    got = assert_json(okta.get(f"{URL}/{sid}", headers=SSWS), 200)
    assert got["status"] == "INACTIVE" and got["_links"] == server_links(sid, "INACTIVE")
    unknown = not_found(f"{sid} (AuthorizationServer)")
    assert_error(token(okta, sid, client_id, secret), 404, unknown, rate_limited_path=False)
    assert okta.post(f"{URL}/{sid}/lifecycle/activate", headers=SSWS).status_code == 204
    assert token(okta, sid, client_id, secret, scope="orders:read").status_code == 200
    assert okta.delete(f"{URL}/{sid}", headers=SSWS).status_code == 204
    assert_error(okta.get(f"{URL}/{sid}", headers=SSWS), 404, unknown)
    assert_error(okta.get(f"{URL}/{sid}/scopes", headers=SSWS), 404, unknown)


@pytest.mark.parametrize(
    "path",
    [
        "/ausNobody0000000000x",
        "/ausNobody0000000000x/scopes/scpNobody",
        "/default/scopes/scpNobody0000000000x",
        "/default/claims/oclNobody0000000000x",
        "/default/policies/00pNobody0000000000x",
        "/default/policies/00pNobody0000000000x/rules",
    ],
)
def test_an_unknown_id_is_e0000007(okta: TestClient, path: str) -> None:
    response = okta.get(f"{URL}{path}", headers=SSWS)
    assert response.status_code == 404
    assert response.json()["errorCode"] == "E0000007"


@pytest.mark.parametrize(
    ("path", "body"),
    [
        ("", {"name": "No audience"}),
        ("", {"name": "", "audiences": ["api://x"]}),
        ("/default/scopes", {"name": "has space"}),
        ("/default/claims", {"name": "c", "claimType": "SOMETHING", "value": "v"}),
        ("/default/policies", {"name": "p", "priority": 0}),
    ],
)
def test_a_body_not_of_the_schema_is_not_well_formed(
    okta: TestClient, path: str, body: dict
) -> None:
    assert_error(okta.post(f"{URL}{path}", json=body, headers=SSWS), 400, NOT_WELL_FORMED)


def test_oauth_scopes_read_and_manage(okta: TestClient) -> None:
    tokens = [
        {"token": "as-read", "scopes": ["okta.authorizationServers.read"]},
        {"token": "as-manage", "scopes": ["okta.authorizationServers.manage"]},
    ]
    seed(okta, {"okta": {"oauth_tokens": tokens}})
    assert_json(okta.get(URL, headers=bearer("as-read")), 200)
    assert_error(okta.post(URL, json=ORDERS, headers=bearer("as-read")), 403, NO_PERMISSION)
    made = assert_json(okta.post(URL, json=ORDERS, headers=bearer("as-manage")), 201)
    denied = okta.delete(f"{URL}/{made['id']}", headers=bearer("as-read"))
    assert_error(denied, 403, NO_PERMISSION)
    assert_error(okta.get(URL), 401, ("E0000011", "Invalid token provided"))


def test_a_deactivated_app_is_still_refused_on_a_custom_server(okta: TestClient) -> None:
    server, _, _, rule = set_up(okta)
    client_id, secret = app_credentials(rule)
    okta.post(f"/okta/api/v1/apps/{client_id}/lifecycle/deactivate", headers=SSWS)
    invalid_client(token(okta, server["id"], client_id, secret, scope="orders:read"))


def test_the_bucket_is_authorization_servers(okta: TestClient) -> None:
    response = okta.get(URL, headers=SSWS)
    assert response.headers["x-rate-limit-limit"] == "100"
