"""Okta's OpenID Connect in a real headless Chromium with Okta's own browser SDK,
@okta/okta-auth-js 8.0.1 unmodified (tests/spa/okta-oidc.js, its bundle from `make
node-clients`), on a page at http://localhost:P2 whose issuer is Sessim's default
authorization server at http://localhost:P1 (another origin, trusted for CORS and
redirects through the Trusted Origins API):

- signInWithRedirect with PKCE: to Sessim's authorize, its sign-in page (no session yet),
  back to the page with a code that handleLoginRedirect redeems at the token endpoint;
- token.getWithoutPrompt and tokenManager.renew: prompt=none in the SDK's hidden iframe,
  answered by okta_post_message from the Okta session the sign-in opened;
- signOut: the access token revoked, Sessim's logout with the ID token, back to the page,
  the session ended (silent renewal then fails);
- and after the session is revoked through the Sessions API, silent renewal fails with
  login_required, as against Okta.

One Sessim process and one static server serve the module; each test its own browser.
Screenshots go to test-artifacts/okta-oidc/.
"""

from __future__ import annotations

import copy
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
import yaml
from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webdriver import WebDriver
from sessim.admin.fixtures import demo

from tests.browser import screenshot, static_origins, wait
from tests.conftest import sessim_process
from tests.test_spa_browser import (
    OKTA_AUTH_JS,
    PAGES,
    cookie,
    cors_refusals,
    leave_and_return,
    open_page,
    step,
)

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        not (OKTA_AUTH_JS / "package.json").exists(),
        reason="@okta/okta-auth-js is not installed: make node-clients",
    ),
]

DEMO = demo()
DANA = DEMO["okta"]["users"][0]
SSWS = {"Authorization": f"SSWS {DEMO['okta']['api_tokens'][0]}"}
PAGE = "okta-oidc.html"
LOGIN_REQUIRED = "The client specified not to prompt, but the user is not logged in."


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """tests/spa's pages and okta-auth-js's browser bundle on one origin."""
    folder = tmp_path_factory.mktemp("oidc-spa")
    for page in PAGES.iterdir():
        (folder / page.name).symlink_to(page)
    (folder / "okta-auth-js").symlink_to(OKTA_AUTH_JS / "dist")
    with static_origins(folder, 1) as (origin,):
        yield origin


@pytest.fixture(scope="module")
def sessim(site: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """Sessim on the demo fixture with the page's application (a public browser client, its
    redirect URIs the page) and the page's origin trusted through Okta's API, Okta at its
    root (`--root okta`): okta-auth-js takes the issuer's origin to be what comes before
    `/oauth2/`, and an iframe's message from any other origin is refused ("The request does
    not match client configuration"). Its base URL as the page reaches it, on localhost."""
    fixture = copy.deepcopy(DEMO)
    page = f"{site}/{PAGE}"
    fixture["okta"].setdefault("applications", []).append(
        {
            "client_id": "spa",
            "application_type": "browser",
            "grant_types": ["authorization_code", "refresh_token"],
            "redirect_uris": [page],
            "post_logout_redirect_uris": [page],
        }
    )
    seed = tmp_path_factory.mktemp("oidc-seed") / "fixture.yaml"
    seed.write_text(yaml.safe_dump(fixture))
    args = ("--seed", str(seed), "--root", "okta", "--no-access-log")
    with sessim_process("memory://", *args) as base:
        origin = {"name": "SPA", "origin": site, "scopes": [{"type": "CORS"}, {"type": "REDIRECT"}]}
        created = httpx.post(f"{base}/okta/api/v1/trustedOrigins", json=origin, headers=SSWS)
        assert created.status_code == 200, created.text
        yield base.replace("127.0.0.1", "localhost")


def shot(browser: WebDriver, name: str) -> Path:
    return screenshot(browser, "okta-oidc", name)


def loaded(browser: WebDriver, url: str) -> None:
    """Until the browser shows a fully loaded document at a URL starting with `url`."""
    wait(browser).until(
        lambda page: (
            page.current_url.startswith(url)
            and page.execute_script("return document.readyState") == "complete"
        )
    )


def sign_in_with_redirect(browser: WebDriver, sessim: str, site: str) -> dict:
    """signInWithRedirect, Sessim's sign-in page filled in, back on the page with a code that
    handleLoginRedirect redeems: what it stored."""
    open_page(browser, site, sessim, PAGE)
    step(browser, "oidc", "signInWithRedirect")
    loaded(browser, f"{sessim}/oauth2/default/v1/authorize?")
    form = wait(browser).until(lambda page: page.find_element(By.ID, "okta-sign-in"))
    shot(browser, "1-sign-in-page")
    form.find_element(By.ID, "okta-signin-username").send_keys(DANA["login"])
    form.find_element(By.ID, "okta-signin-password").send_keys(DANA["password"])
    form.find_element(By.ID, "okta-signin-submit").click()
    loaded(browser, f"{site}/{PAGE}?code=")
    assert step(browser, "oidc", "isLoginRedirect") == {"result": True}
    handled = step(browser, "oidc", "handleLoginRedirect")
    assert "result" in handled, handled
    assert browser.current_url == f"{site}/{PAGE}"  # restoreOriginalUri: the page, no code
    return handled["result"]


def session_of(sessim: str) -> str:
    """The id of the one live Okta session, as the Sessions API's admin view lists it."""
    response = httpx.get(f"{sessim}/_admin/state/okta")
    assert response.status_code == 200, response.text
    (session,) = response.json()["sessions"]
    return session["id"]


def test_sign_in_with_redirect_silent_renewal_and_sign_out(
    browser: WebDriver, sessim: str, site: str
) -> None:
    tokens = sign_in_with_redirect(browser, sessim, site)
    identity = tokens["idToken"]["claims"]
    assert (identity["sub"], identity["aud"]) == (DANA["id"], "spa")
    assert identity["iss"] == f"{sessim}/oauth2/default"
    assert identity["email"] == DANA["login"]
    assert tokens["accessToken"]["scopes"] == ["openid", "profile", "email"]
    assert tokens["accessToken"]["claims"]["uid"] == DANA["id"]
    sid = cookie(browser, "sid")
    assert sid is not None and sid["value"] == session_of(sessim)
    assert step(browser, "oidc", "isAuthenticated") == {"result": True}
    shot(browser, "2-signed-in")

    silent = step(browser, "oidc", "getWithoutPrompt")
    assert silent["result"]["idToken"]["claims"]["sub"] == DANA["id"], silent
    assert silent["result"]["idToken"]["claims"]["nonce"] != identity["nonce"]
    renewed = step(browser, "oidc", "renew", "accessToken")
    assert renewed["result"]["claims"]["uid"] == DANA["id"], renewed
    assert renewed["result"]["claims"]["jti"] != tokens["accessToken"]["claims"]["jti"]
    shot(browser, "3-renewed-silently")

    leave_and_return(browser, "oidc", "signOut", f"{site}/{PAGE}")
    logout = [e for e in httpx.get(f"{sessim}/_admin/journal", params={"limit": 50}).json()[
        "entries"] if e["operationId"] in ("logoutCustomAS", "revokeCustomAS")]  # fmt: skip
    assert [(e["operationId"], e["status"]) for e in reversed(logout)] == [
        ("revokeCustomAS", 200),
        ("logoutCustomAS", 302),
    ]
    assert httpx.get(f"{sessim}/_admin/state/okta").json()["sessions"] == []
    assert cookie(browser, "sid") is None
    open_page(browser, site, sessim, PAGE)
    after = step(browser, "oidc", "getWithoutPrompt")
    assert (after["errorCode"], after["error"]) == (
        "login_required",
        f"OAuthError: {LOGIN_REQUIRED}",
    )
    shot(browser, "4-signed-out")
    assert not cors_refusals(browser)


def test_silent_renewal_fails_once_the_session_is_revoked(
    browser: WebDriver, sessim: str, site: str
) -> None:
    sign_in_with_redirect(browser, sessim, site)
    session_id = session_of(sessim)
    revoked = httpx.delete(f"{sessim}/okta/api/v1/sessions/{session_id}", headers=SSWS)
    assert revoked.status_code == 204, revoked.text
    refused = step(browser, "oidc", "renew", "idToken")
    assert (refused["errorCode"], refused["error"]) == (
        "login_required",
        f"OAuthError: {LOGIN_REQUIRED}",
    )
    shot(browser, "5-renewal-refused-after-revocation")
    assert not cors_refusals(browser)
