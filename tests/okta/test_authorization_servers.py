"""Okta's authorization servers and OIDC applications from the fixture (with Okta's defaults
filled in, `default` always there), and their discovery documents."""

from __future__ import annotations

import hashlib

import httpx
import pytest
from starlette.testclient import TestClient

from tests.okta.support import NOW, ORG, assert_error, assert_headers, not_found, seed

SHOP = {
    "id": "ausShop000000000d7x1",
    "name": "Shop",
    "audiences": ["https://api.shop.example"],
    "scopes": [
        {"name": "orders:read", "metadataPublish": "ALL_CLIENTS", "default": True},
        {"name": "orders:write"},
    ],
    "claims": [{"name": "tier", "claimType": "RESOURCE", "value": "gold"}],
    "policies": [
        {
            "name": "Backend",
            "clients": ["svc-orders"],
            "rules": [
                {"name": "Long", "priority": 2, "accessTokenLifetimeMinutes": 120},
                {"name": "Short", "priority": 1, "grantTypes": ["client_credentials"]},
            ],
        }
    ],
}
SERVICE = {
    "client_id": "svc-orders",
    "client_secret": "svc-orders-secret",
    "application_type": "service",
}
SPA = {
    "client_id": "spa-portal",
    "application_type": "browser",
    "redirect_uris": ["https://app.example.com/callback"],
    "post_logout_redirect_uris": ["https://app.example.com/"],
}
DEFAULT_RULE = {
    "name": "Default Policy Rule",
    "priority": 1,
    "grantTypes": [
        "authorization_code",
        "implicit",
        "refresh_token",
        "password",
        "client_credentials",
    ],
    "scopes": ["*"],
    "accessTokenLifetimeMinutes": 60,
    "refreshTokenLifetimeMinutes": 0,
    "refreshTokenWindowMinutes": 10080,
}
CLIENT_AUTH = [
    "client_secret_basic", "client_secret_post", "client_secret_jwt", "private_key_jwt", "none",
]  # fmt: skip
SYSTEM_SCOPES = ["openid", "profile", "email", "address", "phone", "offline_access", "device_sso"]


@pytest.fixture
def oauth(okta: TestClient) -> TestClient:
    seed(okta, {"okta": {"authorization_servers": [SHOP], "applications": [SERVICE, SPA]}})
    return okta


def view(client: TestClient, name: str, key: str) -> httpx.Response:
    return client.get(f"/_admin/views/okta/{name}", params={"key": key})


def metadata(response: httpx.Response) -> dict:
    """A discovery answer: JSON, with Okta's Date and request id, no rate limit headers
    and no cookies (no bucket holds these paths)."""
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/json"
    assert_headers(response, rate_limited_path=False)
    return response.json()


# --- the model ----------------------------------------------------------------------------


def test_default_is_there_without_a_fixture_as_okta_makes_it(okta: TestClient) -> None:
    server = view(okta, "authorizationServer", "default").json()
    assert server == {
        "id": "default",
        "name": "default",
        "description": "Default Authorization Server",
        "audiences": ["api://default"],
        "status": "ACTIVE",
        "scopes": [],
        "claims": [],
        "policies": [
            {
                "name": "Default Policy",
                "priority": 1,
                "clients": ["ALL_CLIENTS"],
                "rules": [DEFAULT_RULE],
            }
        ],
        # Made with the org (the first seed), as the Authorization Servers API shows it.
        "created": NOW.timestamp(),
        "lastUpdated": NOW.timestamp(),
    }
    assert view(okta, "authorizationServer", SHOP["id"]).status_code == 404


def test_a_seeded_server_gets_okta_defaults_and_rules_in_priority_order(oauth: TestClient) -> None:
    server = view(oauth, "authorizationServer", SHOP["id"]).json()
    assert (server["name"], server["audiences"], server["status"]) == (
        "Shop",
        ["https://api.shop.example"],
        "ACTIVE",
    )
    assert server["scopes"] == [
        {
            "name": "orders:read",
            "description": "orders:read",
            "default": True,
            "metadataPublish": "ALL_CLIENTS",
        },
        {
            "name": "orders:write",
            "description": "orders:write",
            "default": False,
            "metadataPublish": "NO_CLIENTS",
        },
    ]
    assert server["claims"] == [
        {
            "name": "tier",
            "claimType": "RESOURCE",
            "valueType": "EXPRESSION",
            "value": "gold",
            "alwaysIncludeInToken": True,
            "scopes": [],
        }
    ]
    (policy,) = server["policies"]
    assert (policy["name"], policy["clients"]) == ("Backend", ["svc-orders"])
    short, long = policy["rules"]
    assert short == {**DEFAULT_RULE, "name": "Short", "grantTypes": ["client_credentials"]}
    assert long == {
        **DEFAULT_RULE,
        "name": "Long",
        "priority": 2,
        "accessTokenLifetimeMinutes": 120,
    }


def test_applications_get_okta_defaults_by_type(oauth: TestClient) -> None:
    service = view(oauth, "application", "svc-orders")
    assert service.status_code == 200, service.text
    assert service.json() == {
        "client_id": "svc-orders",
        "client_secret_digest": hashlib.sha256(b"svc-orders-secret").hexdigest(),
        "jwks": None,
        "client_name": "svc-orders",
        "application_type": "service",
        "token_endpoint_auth_method": "client_secret_basic",
        "grant_types": ["client_credentials"],
        "response_types": ["token"],
        "redirect_uris": [],
        "post_logout_redirect_uris": [],
        "status": "ACTIVE",
        "refresh_token": {"rotation_type": "STATIC", "leeway": 30},
        # The Apps API's: a fixture's application has its client_id as its id.
        "id": "svc-orders",
        "created": NOW.timestamp(),
        "lastUpdated": NOW.timestamp(),
    }
    spa = view(oauth, "application", "spa-portal").json()
    assert spa["refresh_token"] == {"rotation_type": "ROTATE", "leeway": 30}
    assert spa["client_secret_digest"] is None
    assert spa["token_endpoint_auth_method"] == "none"
    assert (spa["grant_types"], spa["response_types"]) == (["authorization_code"], ["code"])
    assert spa["redirect_uris"] == SPA["redirect_uris"]
    assert spa["post_logout_redirect_uris"] == SPA["post_logout_redirect_uris"]
    assert view(oauth, "application", "nobody").status_code == 404


def test_a_seed_replaces_a_server_and_an_application_of_the_same_id(oauth: TestClient) -> None:
    seed(
        oauth,
        {
            "okta": {
                "authorization_servers": [{"id": SHOP["id"], "status": "INACTIVE"}],
                "applications": [{**SERVICE, "token_endpoint_auth_method": "client_secret_post"}],
            }
        },
    )
    server = view(oauth, "authorizationServer", SHOP["id"]).json()
    assert (server["status"], server["audiences"], server["scopes"]) == (
        "INACTIVE",
        [f"api://{SHOP['id']}"],
        [],
    )
    method = view(oauth, "application", "svc-orders").json()["token_endpoint_auth_method"]
    assert method == "client_secret_post"


@pytest.mark.parametrize(
    ("application", "why"),
    [
        (
            {"client_id": "web", "application_type": "web"},
            "'client_secret' is a required property - 'okta.applications.1'",
        ),
        (
            {**SPA, "token_endpoint_auth_method": "client_secret_post", "client_secret": "s"},
            "'browser' is not one of ['web', 'service']",
        ),
        ({**SPA, "client_secret": "s"}, "('client_secret' was unexpected)"),
        (
            {**SPA, "grant_types": ["client_credentials"]},
            "'client_credentials' is not one of",
        ),
    ],
)
def test_a_seed_with_an_application_okta_refuses_loads_none_and_says_why(
    okta: TestClient, application: dict, why: str
) -> None:
    response = okta.post("/_admin/seed", json={"okta": {"applications": [SERVICE, application]}})
    assert response.status_code == 400, response.text
    assert why in response.text
    assert view(okta, "application", "svc-orders").status_code == 404


def test_a_seed_with_a_bad_server_id_is_refused_by_the_schema(okta: TestClient) -> None:
    bad = {"okta": {"authorization_servers": [{"id": "shop"}]}}
    assert okta.post("/_admin/seed", json=bad).status_code == 400


# --- discovery ----------------------------------------------------------------------------


def test_the_org_server_metadata_is_under_the_org(okta: TestClient) -> None:
    body = metadata(okta.get("/okta/.well-known/openid-configuration"))
    base = f"{ORG}/oauth2/v1"
    assert body["issuer"] == ORG
    assert {name: body[name] for name in ENDPOINTS} == {
        "authorization_endpoint": f"{base}/authorize",
        "token_endpoint": f"{base}/token",
        "userinfo_endpoint": f"{base}/userinfo",
        "jwks_uri": f"{base}/keys",
        "introspection_endpoint": f"{base}/introspect",
        "revocation_endpoint": f"{base}/revoke",
        "end_session_endpoint": f"{base}/logout",
    }
    assert body["scopes_supported"] == [
        "openid", "email", "profile", "address", "phone", "offline_access", "groups",
    ]  # fmt: skip
    assert body["grant_types_supported"] == [
        "authorization_code", "implicit", "refresh_token", "password",
    ]  # fmt: skip
    assert body["id_token_signing_alg_values_supported"] == ["RS256"]
    assert body["code_challenge_methods_supported"] == ["S256"]
    assert body["response_modes_supported"] == [
        "query",
        "fragment",
        "form_post",
        "okta_post_message",
    ]
    assert body["token_endpoint_auth_methods_supported"] == CLIENT_AUTH
    same = metadata(
        okta.get("/okta/oauth2/v1/.well-known/openid-configuration", params={"client_id": "x"})
    )
    assert same == body


ENDPOINTS = (
    "authorization_endpoint",
    "token_endpoint",
    "userinfo_endpoint",
    "jwks_uri",
    "introspection_endpoint",
    "revocation_endpoint",
    "end_session_endpoint",
)


def test_a_custom_server_metadata_is_under_its_issuer(oauth: TestClient) -> None:
    issuer = f"{ORG}/oauth2/{SHOP['id']}"
    body = metadata(oauth.get(f"/okta/oauth2/{SHOP['id']}/.well-known/openid-configuration"))
    assert body["issuer"] == issuer
    assert body["jwks_uri"] == f"{issuer}/v1/keys"
    assert body["token_endpoint"] == f"{issuer}/v1/token"
    assert body["userinfo_endpoint"] == f"{issuer}/v1/userinfo"
    assert body["registration_endpoint"] == f"{ORG}/oauth2/v1/clients"
    # Published custom scopes follow the system scopes; unpublished ones stay out.
    assert body["scopes_supported"] == [*SYSTEM_SCOPES, "orders:read"]
    assert "client_credentials" in body["grant_types_supported"]
    assert "preferred_username" in body["claims_supported"]
    oauth_metadata = metadata(
        oauth.get(f"/okta/oauth2/{SHOP['id']}/.well-known/oauth-authorization-server")
    )
    assert "userinfo_endpoint" not in oauth_metadata
    assert "id_token_signing_alg_values_supported" not in oauth_metadata
    assert oauth_metadata["claims_supported"] == [
        "ver", "jti", "iss", "aud", "iat", "exp", "cid", "uid", "scp", "sub",
    ]  # fmt: skip
    assert {k: v for k, v in body.items() if k in oauth_metadata} == {
        **oauth_metadata,
        "claims_supported": body["claims_supported"],
    }


def test_default_has_metadata_without_a_fixture(okta: TestClient) -> None:
    body = metadata(okta.get("/okta/oauth2/default/.well-known/openid-configuration"))
    assert body["issuer"] == f"{ORG}/oauth2/default"
    assert body["scopes_supported"] == SYSTEM_SCOPES


@pytest.mark.parametrize("server_id", ["ausNobody00000000d7x", "v2", "inactive"])
@pytest.mark.parametrize("document", ["openid-configuration", "oauth-authorization-server"])
def test_an_unknown_or_inactive_server_is_a_404_naming_it(
    oauth: TestClient, server_id: str, document: str
) -> None:
    if server_id == "inactive":
        server_id = SHOP["id"]
        seed(oauth, {"okta": {"authorization_servers": [{**SHOP, "status": "INACTIVE"}]}})
    response = oauth.get(f"/okta/oauth2/{server_id}/.well-known/{document}")
    error = not_found(f"{server_id} (AuthorizationServer)")
    assert_error(response, 404, error, rate_limited_path=False)
