"""The token endpoint of custom authorization servers: the client_credentials grant with
client_secret_basic and client_secret_post, access tokens as Okta mints them (verified with
pyjwt against the server's keys), and OAuth's errors."""

from __future__ import annotations

import base64

import httpx
import jwt
import pytest
from starlette.testclient import TestClient

from tests.conftest import ADMIN
from tests.keypool import draw_rsa_keys_from_the_pool
from tests.okta.support import NOW, ORG, assert_error, assert_headers, not_found, seed

SHOP = "ausShop000000000d7x1"
SERVERS = [
    {
        "id": SHOP,
        "audiences": ["https://api.shop.example"],
        "scopes": [
            {"name": "orders:read", "default": True},
            {"name": "orders:write"},
            {"name": "stock:read"},
        ],
        "claims": [
            {"name": "tier", "claimType": "RESOURCE", "value": "gold"},
            {
                "name": "writer",
                "value": "yes",
                "claimType": "RESOURCE",
                "conditions": {"scopes": ["orders:write"]},
            },
            {"name": "nickname", "claimType": "IDENTITY", "value": "not in access tokens"},
            {"name": "sub", "claimType": "RESOURCE", "value": "reserved: never replaces"},
        ],
        "policies": [
            {
                "name": "Backend",
                "clients": ["svc-basic"],
                "rules": [
                    {"name": "Stock", "scopes": ["stock:read"], "accessTokenLifetimeMinutes": 5},
                    {"name": "Rest", "accessTokenLifetimeMinutes": 30},
                ],
            },
            {"name": "Everyone", "rules": [{"name": "Any"}]},  # all clients, 60 minutes
        ],
    },
    {"id": "default", "scopes": [{"name": "api:read"}]},
]
BASIC_APP = {
    "client_id": "svc-basic",
    "client_secret": "basic-secret",
    "application_type": "service",
}
POST_APP = {
    "client_id": "svc-post",
    "client_secret": "post-secret",
    "application_type": "service",
    "token_endpoint_auth_method": "client_secret_post",
}
WEB_APP = {"client_id": "web", "client_secret": "web-secret", "application_type": "web"}
OFF = {**POST_APP, "client_id": "svc-off", "status": "INACTIVE"}
BAD_CLIENT = (
    "Client authentication failed. Either the client or the client credentials are invalid."
)


@pytest.fixture
def oauth(okta: TestClient, monkeypatch: pytest.MonkeyPatch) -> TestClient:
    draw_rsa_keys_from_the_pool(monkeypatch)
    apps = [BASIC_APP, POST_APP, WEB_APP, OFF]
    seed(okta, {"okta": {"authorization_servers": SERVERS, "applications": apps}})
    return okta


def basic(client_id: str, secret: str) -> dict[str, str]:
    pair = base64.b64encode(f"{client_id}:{secret}".encode()).decode()
    return {"Authorization": f"Basic {pair}"}


def token(
    client: TestClient, form: dict, headers: dict | None = None, server: str = SHOP
) -> httpx.Response:
    return client.post(f"/okta/oauth2/{server}/v1/token", data=form, headers=headers or {})


def granted(response: httpx.Response) -> dict:
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/json"
    assert (response.headers["cache-control"], response.headers["pragma"]) == (
        "no-store",
        "no-cache",
    )
    assert_headers(response, rate_limited_path=False)
    body = response.json()
    assert list(body) == ["token_type", "expires_in", "access_token", "scope"]
    assert body["token_type"] == "Bearer"
    return body


def refused(response: httpx.Response, status: int, error: str, description: str) -> None:
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/json"
    assert (response.headers["cache-control"], response.headers["pragma"]) == (
        "no-store",
        "no-cache",
    )
    assert_headers(response, rate_limited_path=False)
    assert response.json() == {"error": error, "error_description": description}


def verified(client: TestClient, access_token: str, server: str = SHOP) -> dict:
    """The token's claims, checked by pyjwt against the server's keys endpoint at NOW."""
    keys = client.get(f"/okta/oauth2/{server}/v1/keys").json()
    kid = jwt.get_unverified_header(access_token)["kid"]
    (key,) = [jwt.PyJWK(k) for k in keys["keys"] if k["kid"] == kid]
    return jwt.decode(
        access_token,
        key.key,
        algorithms=["RS256"],
        audience=jwt.decode(access_token, options={"verify_signature": False})["aud"],
        options={"verify_exp": False, "verify_iat": False},  # emulated time: checked below
    )


def test_client_secret_basic_gets_an_access_token_as_okta_mints_it(oauth: TestClient) -> None:
    body = granted(
        token(oauth, {"grant_type": "client_credentials"}, basic("svc-basic", "basic-secret"))
    )
    assert (body["expires_in"], body["scope"]) == (1800, "orders:read")  # the default scope
    claims = verified(oauth, body["access_token"])
    assert list(claims) == ["ver", "jti", "iss", "aud", "iat", "exp", "cid", "scp", "sub", "tier"]
    assert claims["ver"] == 1
    assert claims["jti"].startswith("AT.") and len(claims["jti"]) == 46
    assert claims["iss"] == f"{ORG}/oauth2/{SHOP}"
    assert claims["aud"] == "https://api.shop.example"
    assert claims["iat"] == int(NOW.timestamp())
    assert claims["exp"] == claims["iat"] + 1800
    assert (claims["cid"], claims["sub"], claims["scp"]) == (
        "svc-basic",
        "svc-basic",
        ["orders:read"],
    )
    assert claims["tier"] == "gold"  # and not the IDENTITY claim, nor a reserved one


def test_client_secret_post_and_the_first_matching_rule(oauth: TestClient) -> None:
    form = {
        "grant_type": "client_credentials",
        "client_id": "svc-post",
        "client_secret": "post-secret",
    }
    write = granted(token(oauth, {**form, "scope": "orders:write orders:read"}))
    assert (write["scope"], write["expires_in"]) == ("orders:write orders:read", 3600)  # Everyone
    assert verified(oauth, write["access_token"])["writer"] == "yes"
    stock = granted(token(oauth, {"grant_type": "client_credentials", "scope": "stock:read"},
                          basic("svc-basic", "basic-secret")))  # fmt: skip
    assert stock["expires_in"] == 300


def test_default_has_audience_api_default(oauth: TestClient) -> None:
    form = {"grant_type": "client_credentials", "scope": "api:read"}
    body = granted(token(oauth, form, basic("svc-basic", "basic-secret"), server="default"))
    claims = verified(oauth, body["access_token"], server="default")
    assert (claims["aud"], claims["iss"]) == ("api://default", f"{ORG}/oauth2/default")


def test_a_token_verifies_after_a_rotation(oauth: TestClient) -> None:
    body = granted(
        token(oauth, {"grant_type": "client_credentials"}, basic("svc-basic", "basic-secret"))
    )
    rotated = oauth.post(
        "/_admin/actions/okta/rotate-keys", json={"authServerId": SHOP}, headers=ADMIN
    )
    assert rotated.status_code == 200, rotated.text
    assert verified(oauth, body["access_token"])["cid"] == "svc-basic"
    after = granted(
        token(oauth, {"grant_type": "client_credentials"}, basic("svc-basic", "basic-secret"))
    )
    assert jwt.get_unverified_header(after["access_token"])["kid"] == rotated.json()["kid"]


CC = {"grant_type": "client_credentials"}


@pytest.mark.parametrize(
    ("form", "headers"),
    [
        (CC, basic("svc-basic", "wrong")),
        (CC, basic("nobody", "basic-secret")),
        (CC, {"Authorization": "Basic !!!"}),
        (CC, {}),
        ({**CC, "client_id": "svc-basic", "client_secret": "basic-secret"}, {}),  # registered basic
        (CC, basic("svc-post", "post-secret")),  # registered post
        ({**CC, "client_id": "svc-off", "client_secret": "post-secret"}, {}),  # inactive
        ({**CC, "client_id": "svc-post"}, {}),  # no secret
    ],
)
def test_a_client_that_fails_to_authenticate_is_invalid_client(
    oauth: TestClient, form: dict, headers: dict
) -> None:
    refused(token(oauth, form, headers), 401, "invalid_client", BAD_CLIENT)


def test_oauth_errors_of_grant_scope_and_policy(oauth: TestClient) -> None:
    svc = basic("svc-basic", "basic-secret")
    no_grant = token(oauth, {"scope": "orders:read"}, svc)
    refused(no_grant, 400, "invalid_request", "The grant_type parameter is required.")
    unsupported = "The authorization grant type is not supported by the authorization server."
    refused(token(oauth, {"grant_type": "magic"}, svc), 400, "unsupported_grant_type", unsupported)
    refused(
        token(oauth, CC, basic("web", "web-secret")),
        400,
        "unauthorized_client",
        "The client is not authorized to use the provided grant type. "
        "Configured grant types: [authorization_code].",
    )
    unknown = "One or more scopes are not configured for the authorization server resource."
    refused(token(oauth, {**CC, "scope": "openid"}, svc), 400, "invalid_scope", unknown)
    no_default = (
        "The authorization server resource does not have any configured default scopes, "
        "'scope' must be provided."
    )
    refused(token(oauth, CC, svc, server="default"), 400, "invalid_scope", no_default)
    two = token(oauth, {**CC, "client_secret": "basic-secret"}, svc)
    assert two.status_code == 400 and two.json()["error"] == "invalid_request"


def test_no_matching_rule_is_access_denied(oauth: TestClient) -> None:
    only_stock = {
        **SERVERS[0],
        "policies": [{"name": "P", "rules": [{"name": "R", "scopes": ["stock:read"]}]}],
    }
    seed(oauth, {"okta": {"authorization_servers": [only_stock]}})
    refused(
        token(oauth, CC, basic("svc-basic", "basic-secret")),
        400,
        "access_denied",
        "Policy evaluation failed for this request, please check the policy configurations.",
    )


def test_a_body_that_is_not_a_form_and_an_unknown_server(oauth: TestClient) -> None:
    response = oauth.post(f"/okta/oauth2/{SHOP}/v1/token", json=CC)
    assert response.status_code == 415, response.text
    assert response.json()["error"] == "invalid_request"
    missing = token(oauth, CC, basic("svc-basic", "basic-secret"), server="ausNobody00000000d7x")
    error = not_found("ausNobody00000000d7x (AuthorizationServer)")
    assert_error(missing, 404, error, rate_limited_path=False)
