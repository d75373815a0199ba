"""POST /identity/connect/token and the JWKS: grants, client auth, OAuth errors, expiry."""

from __future__ import annotations

import httpx
import jwt
import pytest
from starlette.testclient import TestClient

from tests.conftest import Reset
from tests.optimizely.conftest import NOW, SECRET, TOKEN, basic

JWKS = "/optimizely/identity/.well-known/openid-configuration/jwks"
FIXTURE = {
    "optimizely": {
        "clients": [{"client_id": "isc", "client_secret": SECRET}],
        "users": [{"userName": "Buyer1", "password": "secret-pw1"}],
        "settings": {"access_token_seconds": 600, "lockout_attempts": 3},
    }
}


@pytest.fixture
def opti(reset: Reset) -> TestClient:
    return reset(now=NOW, seed=FIXTURE)


def password_grant(client: TestClient, password: str = "secret-pw1", **extra: str):
    form = {
        "grant_type": "password",
        "username": "buyer1",
        "password": password,
        "scope": "iscapi offline_access",
        **extra,
    }
    return client.post(TOKEN, data=form, headers=basic())


def assert_oauth_error(response: httpx.Response, error: str) -> None:
    assert response.status_code == 400, response.text
    assert response.json()["error"] == error
    assert response.json()["error_description"]


def test_password_grant_issues_tokens(opti: TestClient) -> None:
    response = password_grant(opti)
    assert response.status_code == 200, response.text
    body = response.json()
    assert set(body) == {"access_token", "refresh_token", "expires_in", "token_type"}
    assert body["token_type"] == "Bearer"
    assert body["expires_in"] == 600
    header = jwt.get_unverified_header(body["access_token"])
    assert header["alg"] == "RS256" and header["kid"]


def test_jwks_verifies_the_access_token_with_plain_pyjwt(opti: TestClient) -> None:
    token = password_grant(opti).json()["access_token"]
    keys = opti.get(JWKS).json()["keys"]
    kid = jwt.get_unverified_header(token)["kid"]
    (jwk,) = [key for key in keys if key["kid"] == kid]
    public = jwt.PyJWK(jwk).key
    # The host clock is not the emulator's: expiry is judged by the admin clock elsewhere.
    claims = jwt.decode(token, public, algorithms=["RS256"], options={"verify_exp": False})
    assert claims["client_id"] == "isc"
    assert claims["scope"] == ["iscapi", "offline_access"]
    assert claims["exp"] - claims["iat"] == 600


def test_refresh_token_is_single_use(opti: TestClient) -> None:
    refresh = password_grant(opti).json()["refresh_token"]
    form = {"grant_type": "refresh_token", "refresh_token": refresh}
    first = opti.post(TOKEN, data=form, headers=basic())
    assert first.status_code == 200, first.text
    assert first.json()["refresh_token"] != refresh
    assert_oauth_error(opti.post(TOKEN, data=form, headers=basic()), "invalid_grant")
    # The new one works, with the client in the form instead of Basic auth.
    again = {**form, "refresh_token": first.json()["refresh_token"]}
    by_form = opti.post(TOKEN, data={**again, "client_id": "isc", "client_secret": SECRET})
    assert by_form.status_code == 200, by_form.text


def test_bad_client_is_invalid_client(opti: TestClient) -> None:
    form = {"grant_type": "password", "username": "buyer1", "password": "secret-pw1"}
    assert_oauth_error(opti.post(TOKEN, data=form, headers=basic(secret="x")), "invalid_client")
    assert_oauth_error(opti.post(TOKEN, data=form), "invalid_client")
    bad = {"Authorization": "Basic !!!"}
    assert_oauth_error(opti.post(TOKEN, data=form, headers=bad), "invalid_client")


def test_bad_grants(opti: TestClient) -> None:
    assert_oauth_error(password_grant(opti, "wrong"), "invalid_grant")
    weird = opti.post(TOKEN, data={"grant_type": "implicit"}, headers=basic())
    assert_oauth_error(weird, "unsupported_grant_type")
    missing = opti.post(TOKEN, data={"grant_type": "password"}, headers=basic())
    assert_oauth_error(missing, "invalid_request")


def test_lockout_refuses_the_right_password_until_it_ends(opti: TestClient) -> None:
    for _ in range(3):
        assert_oauth_error(password_grant(opti, "wrong"), "invalid_grant")
    assert_oauth_error(password_grant(opti), "invalid_grant")
    assert opti.post("/_admin/clock/advance", json={"seconds": 301}).status_code == 200
    assert password_grant(opti).status_code == 200


def test_other_errors_are_messages(opti: TestClient) -> None:
    response = opti.get("/optimizely/identity/nowhere")
    assert response.status_code == 404
    assert set(response.json()) == {"message"}


def test_expiry_follows_the_admin_clock(opti: TestClient) -> None:
    """Access tokens carry the admin clock's times; refresh tokens expire by it."""
    seed = {"optimizely": {"settings": {"refresh_token_seconds": 60}}}
    assert opti.post("/_admin/seed", json=seed).status_code == 200
    body = password_grant(opti).json()
    claims = jwt.decode(body["access_token"], options={"verify_signature": False})
    assert claims["iat"] == int(NOW.timestamp())
    assert claims["exp"] == int(NOW.timestamp()) + 600
    assert opti.post("/_admin/clock/advance", json={"seconds": 61}).status_code == 200
    form = {"grant_type": "refresh_token", "refresh_token": body["refresh_token"]}
    assert_oauth_error(opti.post(TOKEN, data=form, headers=basic()), "invalid_grant")
