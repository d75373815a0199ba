"""A server-side app's OAuth 2.0 / OpenID Connect client, Authlib, unmodified against a real
Sessim: discovery, the authorization code with PKCE on a session signed in through authn
(the sessionToken at authorize, as Okta's direct sign-in), the password grant, refresh,
userinfo, introspect and revoke on a custom authorization server; a service app's
client_credentials with private_key_jwt (Authlib signs the assertion); access and ID
tokens verified against Sessim's `keys` with pyjwt's PyJWKClient, before and after a key
rotation. The live server checks its answers against the spec."""

from __future__ import annotations

import json
from collections.abc import Iterator

import httpx
import jwt
import pytest
from authlib.common.security import generate_token
from authlib.integrations.requests_client import OAuth2Session, OAuthError
from authlib.oauth2.rfc7523 import PrivateKeyJWT
from cryptography.hazmat.primitives.serialization import load_pem_private_key
from jwt.algorithms import RSAAlgorithm

from tests.keypool import pooled_rsa_pem

USER = {"id": "00u5essimAuthlib0d7x", "login": "ada@example.com", "password": "ada-secret-1",
        "firstName": "Ada", "lastName": "King"}  # fmt: skip
SIGNER_PEM = pooled_rsa_pem()
PUBLIC_JWK = {
    **json.loads(RSAAlgorithm.to_jwk(load_pem_private_key(SIGNER_PEM.encode(), None).public_key())),
    "kid": "svc-key-1",
}
WEB = {
    "client_id": "web-app",
    "client_secret": "web-app-secret",
    "application_type": "web",
    "grant_types": ["authorization_code", "password", "refresh_token"],
    "redirect_uris": ["https://app.example.com/callback"],
    "refresh_token": {"rotation_type": "ROTATE", "leeway": 0},
}
SERVICE = {
    "client_id": "svc-jwt",
    "application_type": "service",
    "token_endpoint_auth_method": "private_key_jwt",
    "jwks": {"keys": [PUBLIC_JWK]},
}
SERVER = {"id": "default", "scopes": [{"name": "orders:read"}]}
ADMIN = {"X-Sessim-Admin": "1"}


@pytest.fixture
def org(live_server: str) -> Iterator[str]:
    okta = {"users": [USER], "authorization_servers": [SERVER], "applications": [WEB, SERVICE]}
    response = httpx.post(f"{live_server}/_admin/seed", json={"okta": okta})
    assert response.status_code == 200, response.text
    yield live_server


def discovered(base: str) -> dict:
    """The default server's metadata, as an OIDC client reads it first."""
    response = httpx.get(f"{base}/okta/oauth2/default/.well-known/openid-configuration")
    assert response.status_code == 200, response.text
    return response.json()


def verified(keys: jwt.PyJWKClient, token: str, audience: str, issuer: str) -> dict:
    key = keys.get_signing_key_from_jwt(token)
    return jwt.decode(token, key.key, algorithms=["RS256"], audience=audience, issuer=issuer)


def test_a_web_apps_session_with_authlib(org: str) -> None:
    meta = discovered(org)
    issuer = meta["issuer"]
    keys = jwt.PyJWKClient(meta["jwks_uri"], cache_keys=True)
    session = OAuth2Session(
        "web-app", "web-app-secret", scope="openid profile email offline_access"
    )  # client_secret_basic, Authlib's default
    token = session.fetch_token(
        meta["token_endpoint"], grant_type="password",
        username=USER["login"], password=USER["password"],
    )  # fmt: skip
    assert token["token_type"] == "Bearer" and token["expires_in"] == 3600
    access = verified(keys, token["access_token"], "api://default", issuer)
    assert (access["sub"], access["uid"], access["cid"]) == (USER["login"], USER["id"], "web-app")
    ident = verified(keys, token["id_token"], "web-app", issuer)
    assert (ident["sub"], ident["name"], ident["email"]) == (USER["id"], "Ada King", USER["login"])

    info = session.get(meta["userinfo_endpoint"])
    assert info.status_code == 200, info.text
    assert info.json()["preferred_username"] == USER["login"]

    first_refresh = token["refresh_token"]
    refreshed = session.refresh_token(meta["token_endpoint"])
    assert refreshed["refresh_token"] != first_refresh  # ROTATE
    assert verified(keys, refreshed["access_token"], "api://default", issuer)["uid"] == USER["id"]
    with pytest.raises(OAuthError) as reused:  # leeway 0: reuse revokes the family
        session.refresh_token(meta["token_endpoint"], refresh_token=first_refresh)
    assert reused.value.error == "invalid_grant"

    inspected = session.introspect_token(
        meta["introspection_endpoint"], token=refreshed["access_token"]
    )
    assert inspected.json() == {"active": False}  # revoked with its family
    again = session.fetch_token(
        meta["token_endpoint"], grant_type="password",
        username=USER["login"], password=USER["password"],
    )  # fmt: skip
    live = session.introspect_token(meta["introspection_endpoint"], token=again["access_token"])
    assert live.json()["active"] is True and live.json()["username"] == USER["login"]
    revoked = session.revoke_token(
        meta["revocation_endpoint"], token=again["refresh_token"], token_type_hint="refresh_token"
    )
    assert (revoked.status_code, revoked.content) == (200, b"")
    gone = session.introspect_token(meta["introspection_endpoint"], token=again["access_token"])
    assert gone.json() == {"active": False}


def test_a_web_apps_sign_in_with_the_authorization_code_and_authlib(org: str) -> None:
    meta = discovered(org)
    keys = jwt.PyJWKClient(meta["jwks_uri"], cache_keys=True)
    session = OAuth2Session(
        "web-app", "web-app-secret", scope="openid profile offline_access",
        redirect_uri=WEB["redirect_uris"][0], code_challenge_method="S256",
    )  # fmt: skip
    verifier = generate_token(64)
    url, state = session.create_authorization_url(
        meta["authorization_endpoint"], code_verifier=verifier, nonce="n-0S6_WzA2Mj"
    )
    # The user signs in: authn hands out a sessionToken, which authorize redeems.
    authn = httpx.post(
        f"{org}/okta/api/v1/authn", json={"username": USER["login"], "password": USER["password"]}
    )
    assert authn.status_code == 200, authn.text
    back = httpx.get(f"{url}&sessionToken={authn.json()['sessionToken']}")
    assert back.status_code == 302, back.text
    callback = back.headers["location"]
    assert callback.startswith(WEB["redirect_uris"][0] + "?") and f"state={state}" in callback

    token = session.fetch_token(
        meta["token_endpoint"], authorization_response=callback, code_verifier=verifier
    )
    ident = verified(keys, token["id_token"], "web-app", meta["issuer"])
    assert (ident["sub"], ident["nonce"]) == (USER["id"], "n-0S6_WzA2Mj")
    assert ident["amr"] == ["pwd"] and "at_hash" in ident
    assert (
        verified(keys, token["access_token"], "api://default", meta["issuer"])["uid"] == USER["id"]
    )
    with pytest.raises(OAuthError) as replayed:  # a code is redeemed once
        session.fetch_token(
            meta["token_endpoint"], authorization_response=callback, code_verifier=verifier
        )
    assert replayed.value.error == "invalid_grant"
    refreshed = session.refresh_token(meta["token_endpoint"], refresh_token=token["refresh_token"])
    assert refreshed["refresh_token"] != token["refresh_token"]


def test_a_service_with_private_key_jwt_and_a_key_rotation(org: str) -> None:
    meta = discovered(org)
    # No cool-down between JWKS fetches (pyjwt's guard against a flood of unknown kids):
    # the rotation's new kid is fetched at once.
    keys = jwt.PyJWKClient(meta["jwks_uri"], cache_keys=True, cooldown_duration=0)
    session = OAuth2Session(
        "svc-jwt", SIGNER_PEM, token_endpoint_auth_method=PrivateKeyJWT(alg="RS256"),
        scope="orders:read",
    )  # fmt: skip
    before = session.fetch_token(meta["token_endpoint"], grant_type="client_credentials")
    claims = verified(keys, before["access_token"], "api://default", meta["issuer"])
    assert (claims["sub"], claims["scp"]) == ("svc-jwt", ["orders:read"])

    rotated = httpx.post(
        f"{org}/_admin/actions/okta/rotate-keys", json={"authServerId": "default"}, headers=ADMIN
    )
    assert rotated.status_code == 200, rotated.text
    after = session.fetch_token(meta["token_endpoint"], grant_type="client_credentials")
    assert jwt.get_unverified_header(after["access_token"])["kid"] == rotated.json()["kid"]
    # the new kid is fetched anew; the old key still verifies the token it signed
    assert (
        verified(keys, after["access_token"], "api://default", meta["issuer"])["cid"] == "svc-jwt"
    )
    assert (
        verified(keys, before["access_token"], "api://default", meta["issuer"])["cid"] == "svc-jwt"
    )
