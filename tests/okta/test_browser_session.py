"""GET /login/sessionCookieRedirect: the browser's sessionToken-to-cookie exchange, and the
/sessions/me operations reached with the cookie it sets, as a browser reaches them."""

from __future__ import annotations

import re
from urllib.parse import urlencode

import httpx
import pytest
from starlette.testclient import TestClient

from tests.okta.support import (
    BEN,
    ERROR_ID,
    REQUEST_ID,
    SESSION_CLEARED,
    advance,
    assert_json,
    assert_session,
    at,
    create_session,
    current_links,
    new_session,
    session_token,
    sid_cookie,
)

REDIRECT = "/okta/login/sessionCookieRedirect"
APP = "https://app.example.com/portal/home?tab=1"
ME = "/okta/api/v1/sessions/me"
BROWSER_SID = re.compile(r"^sid=(102[A-Za-z0-9_-]{22}); Path=/$")


def exchange(client: TestClient, token: str, **extra: str) -> httpx.Response:
    query = urlencode({"token": token, "redirectUrl": APP, **extra})
    return client.get(f"{REDIRECT}?{query}", follow_redirects=False)


def assert_redirect(response: httpx.Response) -> list[str]:
    """A 302 to the redirectUrl with Okta's request id and no rate limit headers (the path
    is in no bucket); the Set-Cookie values it carries."""
    assert response.status_code == 302, response.text
    assert response.headers["location"] == APP
    assert REQUEST_ID.match(response.headers["x-okta-request-id"])
    assert "x-rate-limit-limit" not in response.headers
    assert response.content == b""
    return response.headers.get_list("set-cookie")


def browser_sid(client: TestClient, token: str, **extra: str) -> str:
    cookies = assert_redirect(exchange(client, token, **extra))
    assert len(cookies) == 1, cookies
    match = BROWSER_SID.match(cookies[0])
    assert match, cookies
    return match[1]


def test_the_exchange_sets_sid_and_me_works_with_it(okta: TestClient) -> None:
    session_id = browser_sid(okta, session_token(okta))
    okta.cookies.clear()
    body = assert_json(okta.get(ME, headers=sid_cookie(session_id)), 200)
    assert body["id"] == session_id
    assert_session(body, created_at=at(), expires_at=at(minutes=120))
    assert body["_links"] == current_links()

    advance(okta, 600)
    refreshed = assert_json(
        okta.post(f"{ME}/lifecycle/refresh", headers=sid_cookie(session_id)), 200
    )
    assert refreshed["expiresAt"] == at(minutes=130)
    closed = okta.delete(ME, headers=sid_cookie(session_id))
    assert closed.status_code == 204
    assert closed.headers.get_list("set-cookie") == SESSION_CLEARED
    assert okta.get(ME, headers=sid_cookie(session_id)).status_code == 404


def test_a_browser_keeps_the_cookie_and_follows_the_redirect(okta: TestClient) -> None:
    """As okta-auth-js does it: setCookieAndRedirect (with its checkAccountSetupComplete),
    then session.get() with credentials; httpx keeps the cookie like a browser."""
    token = session_token(okta)
    okta.cookies.clear()
    query = urlencode({"checkAccountSetupComplete": "true", "token": token, "redirectUrl": APP})
    assert okta.get(f"{REDIRECT}?{query}", follow_redirects=False).status_code == 302
    assert okta.cookies.get("sid") is not None
    body = assert_json(okta.get(ME), 200)
    assert body["id"] == okta.cookies.get("sid")
    okta.cookies.clear()


@pytest.mark.parametrize("how", ["spent", "unknown", "expired", "used by createSession"])
def test_a_token_that_is_not_live_makes_no_session(okta: TestClient, how: str) -> None:
    token = session_token(okta)
    if how == "spent":
        browser_sid(okta, token)
    elif how == "unknown":
        token = "20111" + "x" * 50
    elif how == "expired":
        advance(okta, 300)
    else:
        assert create_session(okta, token).status_code == 200
    okta.cookies.clear()
    assert assert_redirect(exchange(okta, token)) == []
    assert okta.get(ME).status_code == 404


def test_a_live_sid_is_kept_and_the_token_left_unspent(okta: TestClient) -> None:
    """Classic Engine ignores a sessionToken when the browser already has a session."""
    anna = new_session(okta)["id"]
    token = session_token(okta, BEN)
    okta.cookies.clear()
    query = urlencode({"token": token, "redirectUrl": APP})
    kept = okta.get(f"{REDIRECT}?{query}", headers=sid_cookie(anna), follow_redirects=False)
    assert assert_redirect(kept) == []
    assert create_session(okta, token).json()["login"] == BEN["login"]  # still live


def test_a_dead_sid_does_not_stop_the_exchange(okta: TestClient) -> None:
    query = urlencode({"token": session_token(okta), "redirectUrl": APP})
    response = okta.get(
        f"{REDIRECT}?{query}", headers=sid_cookie("102" + "A" * 22), follow_redirects=False
    )
    assert BROWSER_SID.match(assert_redirect(response)[0])


@pytest.mark.parametrize("missing", ["token", "redirectUrl"])
def test_token_and_redirect_url_are_required(okta: TestClient, missing: str) -> None:
    query = urlencode({k: v for k, v in {"token": "t", "redirectUrl": APP}.items() if k != missing})
    response = okta.get(f"{REDIRECT}?{query}", follow_redirects=False)
    assert response.status_code == 400
    body = response.json()
    assert body["errorCode"] == body["errorLink"] == "E0000001"
    assert ERROR_ID.match(body["errorId"])
    assert "set-cookie" not in response.headers


@pytest.mark.parametrize("url", ["https://app.example.com/a b", "https://bücher.example/", ""])
def test_a_redirect_url_that_is_no_url_is_400(okta: TestClient, url: str) -> None:
    query = urlencode({"token": session_token(okta), "redirectUrl": url})
    response = okta.get(f"{REDIRECT}?{query}", follow_redirects=False)
    assert response.status_code == 400, response.text
    assert response.json()["errorCode"] == "E0000001"
    assert "location" not in response.headers
