"""The OAuth endpoints of Okta's authorization servers beyond client_credentials: the
password and refresh_token grants (rotation, leeway, reuse detection), client
authentication none and private_key_jwt, userinfo, introspect and revoke, on the org server
and on custom ones, with every error path answered as Okta answers it."""

from __future__ import annotations

import json
import time

import httpx
import jwt
import pytest
from cryptography.hazmat.primitives.serialization import load_pem_private_key
from jwt.algorithms import RSAAlgorithm
from starlette.testclient import TestClient

from tests.keypool import draw_rsa_keys_from_the_pool, pooled_rsa_pem
from tests.okta.support import (
    ANNA,
    BEN,
    LOCKOUT_ATTEMPTS,
    NOW,
    ORG,
    SUSPENDED,
    advance,
    assert_headers,
    seed,
)
from tests.okta.test_token import basic, refused, verified

SPA = {
    "client_id": "spa",
    "application_type": "browser",
    "grant_types": ["authorization_code", "password", "refresh_token"],
    "refresh_token": {"rotation_type": "ROTATE", "leeway": 10},
}
WEB = {
    "client_id": "web",
    "client_secret": "web-secret",
    "application_type": "web",
    "grant_types": ["password", "refresh_token"],  # STATIC by default
}
CODE_ONLY = {"client_id": "code-only", "application_type": "browser"}
SIGNER_PEM = pooled_rsa_pem()  # the service app's private key; its public half in jwks
PUBLIC_JWK = {
    **json.loads(RSAAlgorithm.to_jwk(load_pem_private_key(SIGNER_PEM.encode(), None).public_key())),
    "kid": "signer-1",
}
JWT_APP = {
    "client_id": "svc-jwt",
    "application_type": "service",
    "token_endpoint_auth_method": "private_key_jwt",
    "jwks": {"keys": [PUBLIC_JWK]},
}
SERVER = {
    "id": "default",
    "scopes": [{"name": "orders:read"}],
    "policies": [
        {
            "name": "P",
            "rules": [
                {
                    "name": "R",
                    "accessTokenLifetimeMinutes": 15,
                    "refreshTokenLifetimeMinutes": 120,
                    "refreshTokenWindowMinutes": 60,
                }
            ],
        }
    ],
}
USER_SCOPES = "openid profile email offline_access"
DEFAULT = f"{ORG}/oauth2/default/v1"
BAD_CREDENTIALS = "The credentials provided were invalid."
BAD_REFRESH = "The refresh token is invalid or expired."


@pytest.fixture
def oauth(okta: TestClient, monkeypatch: pytest.MonkeyPatch) -> TestClient:
    draw_rsa_keys_from_the_pool(monkeypatch)
    apps = [SPA, WEB, CODE_ONLY, JWT_APP]
    seed(okta, {"okta": {"authorization_servers": [SERVER], "applications": apps}})
    return okta


def granted(response: httpx.Response) -> dict:
    """A token answer's body, its headers checked."""
    assert response.status_code == 200, response.text
    assert response.headers["cache-control"] == "no-store"
    assert_headers(response, rate_limited_path=False)
    return response.json()


def post(client: TestClient, path: str, form: dict, headers: dict | None = None) -> httpx.Response:
    return client.post(f"/okta/oauth2/{path}", data=form, headers=headers or {})


def password(
    client: TestClient, user: dict = ANNA, server: str = "default/v1", **form: str
) -> httpx.Response:
    fields = {
        "grant_type": "password",
        "client_id": "spa",
        "username": user["login"],
        "password": user["password"],
        "scope": USER_SCOPES,
        **form,
    }
    return post(client, f"{server}/token", fields)


def refresh(client: TestClient, token: str, **form: str) -> httpx.Response:
    fields = {"grant_type": "refresh_token", "client_id": "spa", "refresh_token": token, **form}
    return post(client, "default/v1/token", fields)


def introspect(client: TestClient, token: str, server: str = "default/v1", **form: str) -> dict:
    response = post(client, f"{server}/introspect", {"token": token, "client_id": "spa", **form})
    assert response.status_code == 200, response.text
    assert response.headers["cache-control"] == "no-store"
    return response.json()


def revoke(client: TestClient, token: str, **form: str) -> None:
    response = post(client, "default/v1/revoke", {"token": token, "client_id": "spa", **form})
    assert response.status_code == 200, response.text
    assert response.content == b""


def userinfo(client: TestClient, token: str, server: str = "default/v1") -> httpx.Response:
    headers = {"Authorization": f"Bearer {token}"}
    return client.get(f"/okta/oauth2/{server}/userinfo", headers=headers)


def test_the_password_grant_of_a_public_client(oauth: TestClient) -> None:
    body = password(oauth).json()
    assert list(body) == [
        "token_type", "expires_in", "access_token", "scope", "refresh_token", "id_token",
    ]  # fmt: skip
    assert (body["expires_in"], body["scope"]) == (900, USER_SCOPES)
    access = verified(oauth, body["access_token"], server="default")
    assert (access["sub"], access["uid"], access["cid"]) == (ANNA["login"], ANNA["id"], "spa")
    assert access["auth_time"] == int(NOW.timestamp())
    ident = verified(oauth, body["id_token"], server="default")
    assert (ident["sub"], ident["aud"], ident["name"]) == (ANNA["id"], "spa", "Anna Lind")
    assert ident["preferred_username"] == ident["email"] == ANNA["login"]
    assert "nonce" not in ident  # no authorize request, no nonce


def test_the_org_server_serves_the_same_grants(oauth: TestClient) -> None:
    body = granted(password(oauth, server="v1", scope="openid email"))
    claims = jwt.decode(body["access_token"], options={"verify_signature": False})
    assert (claims["iss"], claims["aud"]) == (ORG, ORG)
    keys = oauth.get("/okta/oauth2/v1/keys").json()["keys"]
    kid = jwt.get_unverified_header(body["access_token"])["kid"]
    assert [key["kid"] for key in keys] == [kid]  # the org server's own key
    assert introspect(oauth, body["access_token"], server="v1")["iss"] == ORG
    assert userinfo(oauth, body["access_token"], server="v1").json() == {
        "sub": ANNA["id"], "email": ANNA["login"], "email_verified": True,
    }  # fmt: skip
    # a token of the org server is not the default server's
    assert introspect(oauth, body["access_token"]) == {"active": False}


@pytest.mark.parametrize(
    ("user", "secret"), [(ANNA, "wrong"), (SUSPENDED, SUSPENDED["password"]), (BEN, "")]
)
def test_the_password_grant_refuses_wrong_credentials_and_inactive_users(
    oauth: TestClient, user: dict, secret: str
) -> None:
    response = password(oauth, user, password=secret or "x")
    refused(response, 400, "invalid_grant", BAD_CREDENTIALS)


def test_the_password_grant_counts_towards_the_lockout(oauth: TestClient) -> None:
    for _ in range(LOCKOUT_ATTEMPTS):
        refused(password(oauth, password="wrong"), 400, "invalid_grant", BAD_CREDENTIALS)
    refused(password(oauth), 400, "invalid_grant", BAD_CREDENTIALS)  # locked out


def test_a_grant_the_app_does_not_allow_and_missing_parameters(oauth: TestClient) -> None:
    refused(
        password(oauth, client_id="code-only"),
        400,
        "unauthorized_client",
        "The client is not authorized to use the provided grant type. "
        "Configured grant types: [authorization_code].",
    )
    missing = post(oauth, "default/v1/token", {"grant_type": "password", "client_id": "spa"})
    assert missing.status_code == 400 and missing.json()["error"] == "invalid_request"
    no_token = post(oauth, "default/v1/token", {"grant_type": "refresh_token", "client_id": "spa"})
    assert no_token.status_code == 400 and no_token.json()["error"] == "invalid_request"
    unknown = "One or more scopes are not configured for the authorization server resource."
    refused(password(oauth, scope="openid nope"), 400, "invalid_scope", unknown)


@pytest.mark.parametrize(
    "form",
    [
        {"client_id": "nobody"},
        {"client_id": "spa", "client_secret": "a secret it has not"},
        {"client_id": "web"},  # a confidential client without its secret
    ],
)
def test_an_unknown_or_unauthenticated_client_is_invalid_client(
    oauth: TestClient, form: dict
) -> None:
    bad = "Client authentication failed. Either the client or the client credentials are invalid."
    refused(password(oauth, **form), 401, "invalid_client", bad)
    response = post(oauth, "default/v1/introspect", {"token": "x", **form})
    refused(response, 401, "invalid_client", bad)


def test_refresh_with_rotation_leeway_and_reuse_detection(oauth: TestClient) -> None:
    first = password(oauth).json()
    second = granted(refresh(oauth, first["refresh_token"]))
    assert second["refresh_token"] != first["refresh_token"]
    assert list(second) == [
        "token_type", "expires_in", "access_token", "scope", "refresh_token", "id_token",
    ]  # fmt: skip
    advance(oauth, 10)  # within the app's leeway, the rotated-out token still works
    third = granted(refresh(oauth, first["refresh_token"]))
    assert introspect(oauth, second["access_token"])["active"] is True
    advance(oauth, 1)  # past it, its reuse revokes the whole family
    refused(refresh(oauth, first["refresh_token"]), 400, "invalid_grant", BAD_REFRESH)
    for token in (third["refresh_token"], second["access_token"], third["access_token"]):
        assert introspect(oauth, token) == {"active": False}
    refused(refresh(oauth, third["refresh_token"]), 400, "invalid_grant", BAD_REFRESH)


def test_static_refresh_tokens_stay_and_scopes_narrow(oauth: TestClient) -> None:
    web = basic("web", "web-secret")
    form = {
        "grant_type": "password",
        "username": ANNA["login"],
        "password": ANNA["password"],
        "scope": USER_SCOPES,
    }
    first = granted(post(oauth, "default/v1/token", form, web))
    again = {"grant_type": "refresh_token", "refresh_token": first["refresh_token"]}
    second = granted(post(oauth, "default/v1/token", {**again, "scope": "openid"}, web))
    assert (second["refresh_token"], second["scope"]) == (first["refresh_token"], "openid")
    wider = post(oauth, "default/v1/token", {**again, "scope": "orders:read"}, web)
    assert wider.status_code == 400 and wider.json()["error"] == "invalid_scope"
    # another client cannot use it
    refused(refresh(oauth, first["refresh_token"]), 400, "invalid_grant", BAD_REFRESH)


def test_refresh_tokens_expire_in_emulated_time(oauth: TestClient) -> None:
    first = password(oauth).json()
    advance(oauth, 59 * 60)
    second = granted(refresh(oauth, first["refresh_token"]))  # the window starts again
    assert introspect(oauth, first["access_token"]) == {"active": False}  # 15 minutes
    advance(oauth, 59 * 60)
    third = granted(refresh(oauth, second["refresh_token"]))
    member = introspect(oauth, third["refresh_token"])
    assert member["exp"] == int(NOW.timestamp()) + 120 * 60  # the family's lifetime caps it
    advance(oauth, 2 * 60 + 1)
    refused(refresh(oauth, third["refresh_token"]), 400, "invalid_grant", BAD_REFRESH)


def test_introspect_answers_okta_members_for_each_kind(oauth: TestClient) -> None:
    body = password(oauth).json()
    now = int(NOW.timestamp())
    access = introspect(oauth, body["access_token"], token_type_hint="refresh_token")
    assert access == {
        "active": True,
        "scope": USER_SCOPES,
        "username": ANNA["login"],
        "exp": now + 900,
        "iat": now,
        "sub": ANNA["login"],
        "aud": "api://default",
        "iss": f"{ORG}/oauth2/default",
        "jti": access["jti"],
        "token_type": "Bearer",
        "client_id": "spa",
        "uid": ANNA["id"],
    }
    assert access["jti"].startswith("AT.")
    refresh_member = introspect(oauth, body["refresh_token"])
    assert refresh_member["jti"].startswith("oar") and refresh_member["exp"] == now + 3600
    ident = introspect(oauth, body["id_token"])
    assert (ident["sub"], ident["aud"], ident["exp"]) == (ANNA["id"], "spa", now + 3600)
    assert introspect(oauth, "not a token") == {"active": False}
    advance(oauth, 15 * 60)
    assert introspect(oauth, body["access_token"]) == {"active": False}  # expired


def test_revoke_an_access_token_alone_or_a_refresh_token_with_its_family(
    oauth: TestClient,
) -> None:
    body = password(oauth).json()
    revoke(oauth, body["access_token"], token_type_hint="access_token")
    assert introspect(oauth, body["access_token"]) == {"active": False}
    assert introspect(oauth, body["refresh_token"])["active"] is True
    fresh = granted(refresh(oauth, body["refresh_token"]))
    revoke(oauth, fresh["refresh_token"])
    assert introspect(oauth, fresh["access_token"]) == {"active": False}
    refused(refresh(oauth, fresh["refresh_token"]), 400, "invalid_grant", BAD_REFRESH)
    revoke(oauth, "whatever: 200 all the same")
    view = oauth.get(
        "/_admin/views/okta/userTokens", params={"key": ANNA["id"]}
    ).json()["tokens"]  # fmt: skip
    assert {token["kind"] for token in view} == {"access_token", "id_token", "refresh_token"}
    assert all(token["revoked"] for token in view)


def test_userinfo_by_scope_and_its_refusals(oauth: TestClient) -> None:
    body = password(oauth).json()
    info = userinfo(oauth, body["access_token"])
    assert info.status_code == 200, info.text
    assert_headers(info, rate_limited_path=False)
    assert info.json() == {
        "sub": ANNA["id"],
        "name": "Anna Lind",
        "locale": "sv_SE",
        "email": ANNA["login"],
        "preferred_username": ANNA["login"],
        "given_name": "Anna",
        "family_name": "Lind",
        "zoneinfo": "Europe/Stockholm",
        "updated_at": info.json()["updated_at"],
        "email_verified": True,
    }
    for token in (body["id_token"], "garbage", body["refresh_token"]):
        refused_token(userinfo(oauth, token), 401, "invalid_token", "The access token is invalid.")
    no_openid = password(oauth, scope="orders:read").json()["access_token"]
    refused_token(
        userinfo(oauth, no_openid),
        403,
        "insufficient_scope",
        "The access token must provide access to at least one of these scopes - profile, "
        "email, address or phone",
    )
    revoke(oauth, body["access_token"])
    refused_token(userinfo(oauth, body["access_token"]), 401, "invalid_token",
                  "The access token is invalid.")  # fmt: skip
    missing = oauth.get("/okta/oauth2/default/v1/userinfo")
    refused_token(missing, 401, "invalid_token", "The access token is invalid.")


def refused_token(response: httpx.Response, status: int, error: str, description: str) -> None:
    refused(response, status, error, description)
    challenge = f'Bearer error="{error}", error_description="{description}"'
    assert response.headers["www-authenticate"] == challenge


def assertion(key: str = SIGNER_PEM, kid: str = "signer-1", **changes: object) -> str:
    """A client_assertion of svc-jwt for the default server's token endpoint."""
    now = int(NOW.timestamp())
    claims = {
        "iss": "svc-jwt",
        "sub": "svc-jwt",
        "aud": f"{DEFAULT}/token",
        "iat": now,
        "exp": now + 300,
        "jti": f"jti-{time.perf_counter_ns()}",
        **changes,
    }
    claims = {name: value for name, value in claims.items() if value is not None}
    return jwt.encode(claims, key, algorithm="RS256", headers={"kid": kid})


def by_assertion(client: TestClient, token: str, **form: str) -> httpx.Response:
    fields = {
        "grant_type": "client_credentials",
        "scope": "orders:read",
        "client_assertion_type": "urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
        "client_assertion": token,
        **form,
    }
    return post(client, "default/v1/token", fields)


def test_private_key_jwt(oauth: TestClient) -> None:
    token = assertion()
    body = granted(by_assertion(oauth, token))
    assert verified(oauth, body["access_token"], server="default")["cid"] == "svc-jwt"
    replayed = by_assertion(oauth, token)
    refused(replayed, 401, "invalid_client", "The client_assertion token has already been used.")
    no_jti = assertion(jti=None)  # optional at Okta: nothing to replay then
    granted(by_assertion(oauth, no_jti))
    granted(by_assertion(oauth, no_jti))


@pytest.mark.parametrize(
    ("token", "description"),
    [
        (assertion(key=pooled_rsa_pem()), "The client_assertion signature is invalid."),
        (assertion(exp=int(NOW.timestamp()) - 1), "The client_assertion token is expired."),
        (
            assertion(aud=f"{ORG}/oauth2/v1/token"),
            "The client_assertion token is invalid: Audience doesn't match.",
        ),
        (
            assertion(sub="someone"),
            "The client_assertion token is invalid: sub must be the client_id.",
        ),
        ("not.a.jwt", "The client_assertion token is invalid."),
        (assertion(kid="another"), "The client_assertion JWT kid is invalid."),
        (
            assertion(exp=int(NOW.timestamp()) + 3601),
            "The client_assertion token has an expiration too far in the future.",
        ),
    ],
)
def test_a_bad_client_assertion_is_invalid_client(
    oauth: TestClient, token: str, description: str
) -> None:
    refused(by_assertion(oauth, token), 401, "invalid_client", description)


def test_an_assertion_of_another_type_or_with_a_secret(oauth: TestClient) -> None:
    wrong_type = by_assertion(oauth, assertion(), client_assertion_type="jwt")
    assert wrong_type.status_code == 400 and wrong_type.json()["error"] == "invalid_request"
    twice = by_assertion(oauth, assertion(), client_secret="x", client_id="svc-jwt")
    assert twice.status_code == 400 and twice.json()["error"] == "invalid_request"


def test_the_inspector_lists_live_oauth_tokens(oauth: TestClient) -> None:
    body = password(oauth).json()
    revoke(oauth, body["access_token"])
    state = oauth.get("/_admin/state/okta")
    assert state.status_code == 200, state.text
    oauth_kinds = {"access_token", "id_token", "refresh_token"}
    listed = [token for token in state.json()["tokens"] if token["kind"] in oauth_kinds]
    assert {(token["kind"], token["owner"]) for token in listed} == {
        ("id_token", ANNA["id"]),
        ("refresh_token", ANNA["id"]),
    }  # the revoked access token is gone
