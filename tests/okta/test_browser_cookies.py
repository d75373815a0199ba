"""Okta's cookies as a browser gets them: `SameSite=None` and `Secure` on every one (release
notes 2019.10.0: "all relevant cookies" for the browsers that take SameSite=None), so that a
page on another site may send them back; SDKs and browsers that misread SameSite=None get
the recorded cookies unchanged."""

from __future__ import annotations

import re
from urllib.parse import urlencode

import pytest
from starlette.testclient import TestClient

from tests.okta.support import (
    SESSION_CLEARED,
    SSWS,
    UI_CLEARED,
    authn,
    create_session,
    refresh_url,
    session_token,
    set_settings,
    sid_cookie,
)

CHROME = (
    "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/131.0.0.0 Safari/537.36"
)
FIREFOX = "Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0"
CHROME_ON_IOS_12 = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 12_4 like Mac OS X) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) CriOS/76.0.3809.81 Mobile/15E148 Safari/605.1"
)
PYTHON_SDK = "okta-sdk-python/2.9.13 python/3.12.1 Linux/6.1.0"
BROWSER_CLEARED = [f"{cookie};Secure;SameSite=None" for cookie in SESSION_CLEARED]
JSESSIONID = re.compile(r"^JSESSIONID=[0-9A-F]{32}; Path=/; Secure; HttpOnly; SameSite=None$")
REDIRECT = "/okta/login/sessionCookieRedirect"
APP = "https://app.example.com/home"


def browser_sid(okta: TestClient, user_agent: str) -> tuple[str, str]:
    """The sessionCookieRedirect exchange, from this user agent: the Set-Cookie and the id."""
    query = urlencode({"token": session_token(okta), "redirectUrl": APP})
    answer = okta.get(
        f"{REDIRECT}?{query}", headers={"User-Agent": user_agent}, follow_redirects=False
    )
    assert answer.status_code == 302, answer.text
    [cookie] = answer.headers.get_list("set-cookie")
    return cookie, cookie.split(";", 1)[0].removeprefix("sid=")


@pytest.mark.parametrize("user_agent", [CHROME, FIREFOX])
def test_a_browser_gets_every_cookie_cross_site(okta: TestClient, user_agent: str) -> None:
    agent = {"User-Agent": user_agent}
    cookies = authn(okta).headers.get_list("set-cookie")  # the test client's own agent
    assert cookies[:4] == [*SESSION_CLEARED, *UI_CLEARED]

    cookie, session_id = browser_sid(okta, user_agent)
    assert cookie == f"sid={session_id}; Path=/; Secure; SameSite=None"
    okta.cookies.clear()
    credentials = {"username": "anna@example.com", "password": "wrong"}
    cookies = okta.post("/okta/api/v1/authn", json=credentials, headers=agent)
    assert cookies.headers.get_list("set-cookie")[:-1] == [
        *BROWSER_CLEARED,
        *(f"{cookie}; Secure; SameSite=None" for cookie in UI_CLEARED),
    ]
    assert JSESSIONID.match(cookies.headers.get_list("set-cookie")[-1])
    closed = okta.delete("/okta/api/v1/sessions/me", headers={**agent, **sid_cookie(session_id)})
    assert closed.status_code == 204
    assert closed.headers.get_list("set-cookie") == BROWSER_CLEARED


def test_refresh_by_id_sets_the_browser_session_cross_site(okta: TestClient) -> None:
    session = create_session(okta, session_token(okta)).json()
    refreshed = okta.post(refresh_url(session["id"]), headers={**SSWS, "User-Agent": CHROME})
    assert refreshed.status_code == 200, refreshed.text
    assert refreshed.headers.get_list("set-cookie")[1] == (
        f"sid={session['id']};Version=1;Path=/;Secure;SameSite=None"
    )


@pytest.mark.parametrize("user_agent", [CHROME_ON_IOS_12, PYTHON_SDK])
def test_others_get_the_recorded_cookies(okta: TestClient, user_agent: str) -> None:
    cookie, session_id = browser_sid(okta, user_agent)
    assert cookie == f"sid={session_id}; Path=/"
    okta.cookies.clear()
    closed = okta.delete(
        "/okta/api/v1/sessions/me", headers={"User-Agent": user_agent, **sid_cookie(session_id)}
    )
    assert closed.headers.get_list("set-cookie") == SESSION_CLEARED


def test_a_refusal_before_the_api_carries_the_browser_cookies(okta: TestClient) -> None:
    """A 429 answered by the rate-limit edge, outside the API, is written the same way."""
    set_settings(okta, rate_limits={"authn": 1}, rate_limit_window_seconds=60)
    assert authn(okta).status_code == 200
    refused = okta.post("/okta/api/v1/authn", json={}, headers={"User-Agent": CHROME})
    assert refused.status_code == 429, refused.text
    assert refused.headers.get_list("set-cookie")[:2] == BROWSER_CLEARED
    assert JSESSIONID.match(refused.headers.get_list("set-cookie")[-1])
