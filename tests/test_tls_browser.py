"""A page on another site logs in through Okta in a real headless Chromium, with the `sid`
cookie that Okta sets `Secure; SameSite=None` for a browser: authn by fetch, the
sessionCookieRedirect navigation (as okta-auth-js's setCookieAndRedirect does it) back to
the page, the session read by `GET /api/v1/sessions/me` with credentials, and the logout.

The page is http://127.0.0.1:P (a static server in the test); Okta is another site. The
browser allows third-party cookies, as a developer must for any cross-site cookie (this
Chromium blocks them by default: its credentialed cross-site calls then carry no cookie,
whatever the cookie's attributes). Against:

- Sessim on HTTPS with its self-signed certificate (https://localhost:Q): the cookie is
  kept and sent; this is what a page must do for a host that is not the loopback.
- Sessim on plain HTTP at http://localhost:R: also kept, as loopback counts as a secure
  origin for a `Secure` cookie.
- the same plain-HTTP Sessim under another name (http://sessim.test:R, mapped to the
  loopback by the browser's resolver): refused, as a `Secure` cookie from a plain-HTTP
  host is, so the page sees no session.

Screenshots of each step are in test-artifacts/tls/.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlencode

import pytest
import sessim
from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webdriver import WebDriver
from selenium.webdriver.support import expected_conditions
from sessim.admin.fixtures import demo

from tests.browser import chromium, screenshot, static_origins, wait

pytestmark = pytest.mark.browser

OTHER_NAME = "sessim.test"  # a name that is not the loopback, for the browser alone
PAGE = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>A page on another site</title>
<style>pre { white-space: pre-wrap; overflow-wrap: anywhere; }</style></head>
<body><h1>A page on another site</h1><p id="where"></p><pre id="log"></pre>
<script>document.getElementById("where").textContent = location.href;</script>
</body></html>"""
# Each step is a fetch from the page, with credentials as okta-auth-js sends them; its
# status and body are shown on the page (for the screenshot) and handed back.
FETCH = """
const [url, method, body, done] = arguments;
const options = {method, credentials: "include", headers: {Accept: "application/json"}};
if (body !== null) {
  options.headers["Content-Type"] = "application/json";
  options.body = JSON.stringify(body);
}
fetch(url, options)
  .then(async (answer) => {
    const text = await answer.text();
    const result = {status: answer.status, body: text ? JSON.parse(text) : null};
    document.getElementById("log").textContent +=
      `${method} ${url}\\n  ${answer.status} ${text.slice(0, 160)}\\n`;
    done(result);
  })
  .catch((error) => done({status: 0, error: String(error)}));
"""


@contextlib.contextmanager
def page_server(folder: Path) -> Iterator[str]:
    """The page's origin, http://127.0.0.1:<free port>, served until the block ends."""
    (folder / "index.html").write_text(PAGE)
    with static_origins(folder, 1, host="127.0.0.1") as [origin]:
        yield origin


def fixture(page: str) -> dict:
    """The demo's Okta, trusting the page for CORS and as a redirect target."""
    okta = demo()["okta"]
    scopes = [{"type": "CORS"}, {"type": "REDIRECT"}]
    origin = {"name": "Cross-site page", "origin": page, "scopes": scopes}
    return {"okta": {**okta, "trusted_origins": [origin]}}


def call(browser: WebDriver, url: str, method: str = "GET", body: dict | None = None) -> dict:
    return browser.execute_async_script(FETCH, url, method, body)


def sid_cookies(browser: WebDriver, okta: str) -> list[dict]:
    """The `sid` cookies the browser holds for Okta's URL (Chromium's own view, over CDP)."""
    cookies = browser.execute_cdp_cmd("Network.getCookies", {"urls": [okta]})["cookies"]
    return [cookie for cookie in cookies if cookie["name"] == "sid"]


def sign_in(browser: WebDriver, page: str, okta: str, shots: str) -> dict:
    """authn from the page, then the sessionCookieRedirect navigation back to it: the
    session the page then reads with its cookie (the fetch's status and body)."""
    browser.get(f"{page}/")
    user = demo()["okta"]["users"][0]
    credentials = {"username": user["login"], "password": user["password"]}
    authn = call(browser, f"{okta}/api/v1/authn", "POST", credentials)
    assert authn["status"] == 200, authn
    assert authn["body"]["status"] == "SUCCESS"
    screenshot(browser, "tls", f"{shots}-1-authn")
    back = f"{page}/?signed-in"
    query = urlencode({"token": authn["body"]["sessionToken"], "redirectUrl": back})
    browser.execute_script(
        "window.location.assign(arguments[0])", f"{okta}/login/sessionCookieRedirect?{query}"
    )
    wait(browser).until(expected_conditions.url_to_be(back))
    wait(browser).until(expected_conditions.text_to_be_present_in_element((By.ID, "where"), back))
    session = call(browser, f"{okta}/api/v1/sessions/me")
    screenshot(browser, "tls", f"{shots}-2-session-read")
    return session


def test_a_cross_site_page_signs_in_reads_the_session_and_signs_out(tmp_path: Path) -> None:
    resolver = f"--host-resolver-rules=MAP {OTHER_NAME} 127.0.0.1"
    allowed = {"profile.cookie_controls_mode": 0}  # third-party cookies allowed
    with (
        page_server(tmp_path) as page,
        sessim.running(tls=True, apis=["okta"], seed=fixture(page)) as https,
        sessim.running(apis=["okta"], seed=fixture(page)) as plain,
    ):
        browser = chromium("--ignore-certificate-errors", resolver, prefs=allowed)
        try:
            secure = https.okta.replace("127.0.0.1", "localhost")
            loopback = plain.okta.replace("127.0.0.1", "localhost")
            for okta, shots in [(secure, "https-localhost"), (loopback, "http-localhost")]:
                session = sign_in(browser, page, okta, shots)
                assert session["status"] == 200, session
                assert session["body"]["login"] == demo()["okta"]["users"][0]["login"]
                [sid] = sid_cookies(browser, okta)
                assert sid["value"] == session["body"]["id"]
                assert (sid["domain"], sid["path"]) == ("localhost", "/")
                assert (sid["secure"], sid["sameSite"], sid["httpOnly"]) == (True, "None", False)
                assert call(browser, f"{okta}/api/v1/sessions/me", "DELETE")["status"] == 204
                assert sid_cookies(browser, okta) == []  # the clearing cookie came cross-site
                assert call(browser, f"{okta}/api/v1/sessions/me")["status"] == 404
                screenshot(browser, "tls", f"{shots}-3-signed-out")

            elsewhere = plain.okta.replace("127.0.0.1", OTHER_NAME)
            refused = sign_in(browser, page, elsewhere, "http-other-host")
            assert refused["status"] == 404, refused  # no cookie came back: no session
            assert refused["body"]["errorCode"] == "E0000007"
            assert sid_cookies(browser, elsewhere) == []
        finally:
            browser.quit()
