"""Okta in a browser on another origin: preflights and CORS headers on the operations Okta
marks isCorsEnabled, for ACTIVE trusted origins with the CORS scope only; and
sessionCookieRedirect's check of redirectUrl against the org and the REDIRECT origins."""

from __future__ import annotations

from urllib.parse import urlencode

import httpx
import pytest
from starlette.testclient import TestClient

from tests.conftest import assert_no_cors
from tests.conftest import preflight as browser_preflight
from tests.okta.support import (
    ANNA,
    PORTAL,
    PORTAL_ORIGIN,
    SSWS,
    assert_error,
    assert_json,
    authn,
    create_session,
    new_session,
    not_found,
    seed,
    session_token,
    sid_cookie,
)

ME = "/okta/api/v1/sessions/me"
AUTHN = "/okta/api/v1/authn"
ORIGINS = "/okta/api/v1/trustedOrigins"
REDIRECT = "/okta/login/sessionCookieRedirect"
EXPOSED = (
    "Date, Link, X-Okta-Edge-Log, X-Okta-Request-Id, X-Rate-Limit-Limit, "
    "X-Rate-Limit-Remaining, X-Rate-Limit-Reset"
)
# What okta-auth-js sends on its authn and session calls (lib/http/request.ts).
AUTH_JS_HEADERS = "accept,content-type,x-okta-user-agent-extended"
CORS_ONLY = {"name": "CORS only", "origin": "https://spa.example.com", "scopes": [{"type": "CORS"}]}
REDIRECT_ONLY = {
    "name": "Redirect only",
    "origin": "https://back.example.com",
    "scopes": [{"type": "REDIRECT"}],
}
UNTRUSTED = "https://evil.example.com"


def preflight(client: TestClient, path: str, origin: str, method: str = "POST") -> httpx.Response:
    return browser_preflight(client, path, origin, method, AUTH_JS_HEADERS)


def assert_cors(response: httpx.Response, origin: str = PORTAL) -> None:
    """An answer a page on `origin` may read, with its credentials."""
    assert response.headers["access-control-allow-origin"] == origin
    assert response.headers["access-control-allow-credentials"] == "true"
    assert response.headers["access-control-expose-headers"] == EXPOSED
    assert response.headers["vary"] == "Origin"


@pytest.mark.parametrize(
    ("path", "method", "allowed"),
    [
        (AUTHN, "POST", "POST"),
        (ME, "GET", "GET, DELETE"),
        (f"{ME}/lifecycle/refresh", "POST", "POST"),
        ("/okta/api/v1/users/me", "GET", "GET"),
        ("/okta/api/v1/authn/recovery/unlock", "POST", "POST"),
    ],
)
def test_a_preflight_from_a_trusted_origin_is_answered(
    okta: TestClient, path: str, method: str, allowed: str
) -> None:
    response = preflight(okta, path, PORTAL, method)
    assert response.status_code == 200, response.text
    assert response.content == b""
    assert response.headers["access-control-allow-origin"] == PORTAL
    assert response.headers["access-control-allow-credentials"] == "true"
    assert response.headers["access-control-allow-methods"] == allowed
    assert response.headers["access-control-allow-headers"] == AUTH_JS_HEADERS
    assert response.headers["access-control-max-age"] == "3600"
    assert response.headers["vary"] == "Origin"
    assert "set-cookie" not in response.headers  # before the edge: no API cookies, no bucket
    assert "x-rate-limit-limit" not in response.headers


def refusals(client: TestClient) -> list[str]:
    """Origins that must get no CORS answer: untrusted, trusted for redirects only, a
    trusted origin with a path or trailing slash, and a deactivated CORS origin."""
    seed(client, {"okta": {"trusted_origins": [CORS_ONLY, REDIRECT_ONLY]}})
    listed = client.get(ORIGINS, params={"q": "CORS only"}, headers=SSWS).json()
    client.post(f"{ORIGINS}/{listed[0]['id']}/lifecycle/deactivate", headers=SSWS)
    return [UNTRUSTED, REDIRECT_ONLY["origin"], f"{PORTAL}/", PORTAL.upper(), CORS_ONLY["origin"]]


def test_a_preflight_from_any_other_origin_gets_okta_405_without_cors(okta: TestClient) -> None:
    for origin in refusals(okta):
        response = preflight(okta, AUTHN, origin)
        assert response.status_code == 405, origin
        assert response.json()["errorCode"] == "E0000022"
        assert_no_cors(response)


def test_an_operation_okta_does_not_enable_gets_no_cors(okta: TestClient) -> None:
    """The Sessions API by id and the Trusted Origins API are not CORS-enabled at Okta."""
    session = new_session(okta)
    for path in (f"/okta/api/v1/sessions/{session['id']}", ORIGINS):
        assert preflight(okta, path, PORTAL, "GET").status_code == 405
        response = okta.get(path, headers={**SSWS, "Origin": PORTAL})
        assert response.status_code == 200
        assert_no_cors(response)
    created = create_session(okta, session_token(okta), {**SSWS, "Origin": PORTAL})
    assert created.status_code == 200
    assert_no_cors(created)


def test_answers_to_a_trusted_origin_carry_cors_headers_errors_included(
    okta: TestClient,
) -> None:
    """The okta-auth-js flow from the page: authn, then /sessions/me with the cookie."""
    signed_in = okta.post(
        AUTHN,
        json={"username": ANNA["login"], "password": ANNA["password"]},
        headers={"Origin": PORTAL},
    )
    assert_json(signed_in, 200)
    assert_cors(signed_in)
    failed = authn(okta, password="wrong", prefix="/okta")
    assert_no_cors(failed)  # no Origin: a server's call, no CORS headers
    refused = okta.post(
        AUTHN, json={"username": ANNA["login"], "password": "wrong"}, headers={"Origin": PORTAL}
    )
    assert_error(refused, 401, ("E0000004", "Authentication failed"))
    assert_cors(refused)
    session = new_session(okta)
    mine = okta.get(ME, headers={**sid_cookie(session["id"]), "Origin": PORTAL})
    assert_json(mine, 200)
    assert_cors(mine)
    none = okta.get(ME, headers={"Origin": PORTAL})
    assert_error(none, 404, not_found("me (Session)"))
    assert_cors(none)


def test_answers_to_other_origins_are_the_same_without_cors_headers(okta: TestClient) -> None:
    session = new_session(okta)
    for origin in refusals(okta):
        response = okta.get(ME, headers={**sid_cookie(session["id"]), "Origin": origin})
        assert response.json()["id"] == session["id"], origin
        assert_no_cors(response)
        assert "vary" not in response.headers


def test_a_trusted_origin_made_through_the_api_is_trusted_at_once(okta: TestClient) -> None:
    assert_no_cors(okta.get(ME, headers={"Origin": CORS_ONLY["origin"]}))
    made = okta.post(ORIGINS, json=CORS_ONLY, headers=SSWS).json()
    assert_cors(okta.get(ME, headers={"Origin": CORS_ONLY["origin"]}), CORS_ONLY["origin"])
    okta.post(f"{ORIGINS}/{made['id']}/lifecycle/deactivate", headers=SSWS)
    assert_no_cors(okta.get(ME, headers={"Origin": CORS_ONLY["origin"]}))
    okta.post(f"{ORIGINS}/{made['id']}/lifecycle/activate", headers=SSWS)
    assert_cors(okta.get(ME, headers={"Origin": CORS_ONLY["origin"]}), CORS_ONLY["origin"])
    moved = {**CORS_ONLY, "origin": "https://spa2.example.com"}
    assert okta.put(f"{ORIGINS}/{made['id']}", json=moved, headers=SSWS).status_code == 200
    assert_no_cors(okta.get(ME, headers={"Origin": CORS_ONLY["origin"]}))
    assert_cors(okta.get(ME, headers={"Origin": moved["origin"]}), moved["origin"])
    assert okta.delete(f"{ORIGINS}/{made['id']}", headers=SSWS).status_code == 204
    assert_no_cors(okta.get(ME, headers={"Origin": moved["origin"]}))


def exchange(client: TestClient, redirect_url: str) -> tuple[httpx.Response, str]:
    token = session_token(client)
    query = urlencode({"token": token, "redirectUrl": redirect_url})
    return client.get(f"{REDIRECT}?{query}", follow_redirects=False), token


@pytest.mark.parametrize(
    "url",
    [
        f"{PORTAL}/callback?x=1",
        "http://testserver/okta/app/UserHome",
        "/app/UserHome",
        f"{REDIRECT_ONLY['origin']}/",
    ],
)
def test_the_redirect_goes_to_the_org_or_a_trusted_redirect_origin(
    okta: TestClient, url: str
) -> None:
    seed(okta, {"okta": {"trusted_origins": [REDIRECT_ONLY]}})
    response, _token = exchange(okta, url)
    assert response.status_code == 302, response.text
    assert response.headers["location"] == url
    assert response.headers["set-cookie"].startswith("sid=102")


@pytest.mark.parametrize(
    "url",
    [
        f"{UNTRUSTED}/",
        f"{CORS_ONLY['origin']}/",  # trusted for CORS, not for redirects
        "//evil.example.com/x",
        "/\\evil.example.com",
        "https://app.example.com.evil.example.com/",
        "javascript:alert(1)",
    ],
)
def test_any_other_redirect_is_okta_error_page_and_the_token_stays_live(
    okta: TestClient, url: str
) -> None:
    seed(okta, {"okta": {"trusted_origins": [CORS_ONLY]}})
    response, token = exchange(okta, url)
    assert response.status_code == 403, response.text
    assert response.headers["content-type"].startswith("text/html")
    assert "403" in response.text
    assert "location" not in response.headers
    assert "set-cookie" not in response.headers
    assert create_session(okta, token).status_code == 200  # unspent


def test_a_deactivated_redirect_origin_is_no_longer_a_destination(okta: TestClient) -> None:
    okta.post(f"{ORIGINS}/{PORTAL_ORIGIN['id']}/lifecycle/deactivate", headers=SSWS)
    assert exchange(okta, f"{PORTAL}/home")[0].status_code == 403
