"""Single-page apps on another origin, in a real headless Chromium: a static page served from
http://localhost:P2 (tests/spa/, served by tests/browser.py's static_origins) calls Sessim at
http://localhost:P1 (same site, another origin, plain HTTP) with fetch(..., {credentials:
"include"}) for each vendor: a log-in, a session read that relies on the cookie or token it
gave, and the log-out, the page's origin trusted the vendor's own way (an Okta trusted origin
created through the Trusted Origins API; the SFCC client's allowed_origins, the Optimizely
website's and the Vestiaire deployment's, by fixture). Vestiaire's apiv2 has no session read:
the page's token names another session, which reads its own without ending it (403 while it
lives, 401 once logged out). Okta's own browser SDK, @okta/okta-auth-js from npm (`make
node-clients`; its bundle served by the same static server), runs its session calls on
another page (skipped where it is not installed).

The same pages from an origin the vendor does not trust (http://localhost:P3) are refused as
the vendor refuses them: the page sees a network error (the browser's console says no
Access-Control-Allow-Origin header came), Sessim answered only the preflight, without CORS
headers, and its state did not change.

One Sessim process and one static server (two ports) serve the whole module; each test gets
a browser of its own (a clean cookie jar). Screenshots of each step go to test-artifacts/spa/.
"""

from __future__ import annotations

import copy
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import yaml
from selenium.common.exceptions import JavascriptException
from selenium.webdriver.remote.webdriver import WebDriver
from sessim.admin.fixtures import demo

from tests.browser import screenshot, static_origins, wait
from tests.conftest import ROOT, sessim_process

pytestmark = pytest.mark.browser

PAGES = ROOT / "tests" / "spa"
OKTA_AUTH_JS = ROOT / "tests" / "clients" / "node" / "node_modules" / "@okta" / "okta-auth-js"
DEMO = demo()
DANA = DEMO["okta"]["users"][0]
SSWS = {"Authorization": f"SSWS {DEMO['okta']['api_tokens'][0]}"}
JANE = DEMO["sfcc"]["customers"][0]
SFCC_CLIENT = DEMO["sfcc"]["clients"][0]["client_id"]
ISC = DEMO["optimizely"]["clients"][0]
BUYER = DEMO["optimizely"]["users"][0]
VESTIAIRE_USER = DEMO["vestiaire"]["users"][0]
NETWORK_ERROR = "TypeError: Failed to fetch"
# Each vendor's log-in step of tests/spa/flows.js and its arguments.
OKTA_LOGIN = ("okta", "authn", DANA["login"], DANA["password"])
SFCC_LOGIN = ("sfcc", "login", SFCC_CLIENT, JANE["login"], JANE["password"])
OPTIMIZELY_LOGIN = (
    "optimizely", "login", ISC["client_id"], ISC["client_secret"],
    BUYER["userName"], BUYER["password"],
)  # fmt: skip
VESTIAIRE_LOGIN = ("vestiaire", "login", VESTIAIRE_USER["email"], VESTIAIRE_USER["password"])
OCAPI = "/sfcc/s/RefArch/dw/shop/v20_8"


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[list[str]]:
    """tests/spa's pages and okta-auth-js's browser bundles (where `make node-clients`
    installed them) on two origins: [trusted, untrusted]."""
    folder = tmp_path_factory.mktemp("spa")
    for page in PAGES.iterdir():
        (folder / page.name).symlink_to(page)
    (folder / "okta-auth-js").symlink_to(OKTA_AUTH_JS / "dist")
    with static_origins(folder, 2) as origins:
        yield origins


@pytest.fixture(scope="module")
def sessim(site: list[str], tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """Sessim on the demo fixture, the trusted page's origin let in by each vendor's own
    setting (Okta's through its API); its base URL as the page reaches it, on localhost."""
    trusted = site[0]
    fixture = copy.deepcopy(DEMO)
    fixture["sfcc"]["clients"][0]["allowed_origins"] = [trusted]
    fixture["optimizely"]["websites"][0]["allowed_origins"] = [trusted]
    fixture["vestiaire"]["settings"]["allowed_origins"] = [trusted]
    seed = tmp_path_factory.mktemp("spa-seed") / "fixture.yaml"
    seed.write_text(yaml.safe_dump(fixture))
    with sessim_process("memory://", "--seed", str(seed), "--no-access-log") as base:
        origin = {
            "name": "SPA",
            "origin": trusted,
            "scopes": [{"type": "CORS"}, {"type": "REDIRECT"}],
        }
        created = httpx.post(f"{base}/okta/api/v1/trustedOrigins", json=origin, headers=SSWS)
        assert created.status_code == 200, created.text
        yield base.replace("127.0.0.1", "localhost")


def open_page(browser: WebDriver, origin: str, sessim: str, page: str = "flows.html") -> None:
    browser.get(f"{origin}/{page}?sessim={sessim}")
    wait(browser).until(
        lambda page: page.execute_script("return document.readyState") == "complete"
    )


def step(browser: WebDriver, vendor: str, name: str, *args: str) -> dict[str, Any]:
    """The page's step `name` of `vendor` (tests/spa/flows.js), as the page saw it."""
    return browser.execute_async_script(
        "const [vendor, name, ...rest] = arguments; const done = rest.pop();"
        "run(spa[vendor], name, ...rest).then(done);",
        vendor,
        name,
        *args,
    )


def leave_and_return(browser: WebDriver, vendor: str, name: str, back: str) -> None:
    """Runs a step that leaves the page for Sessim (a redirect), until the browser has
    loaded the page at `back` it ends on: a new document, not the one that left."""
    browser.execute_script("window.left = true")
    step(browser, vendor, name)

    def returned(page: WebDriver) -> bool:
        try:
            loaded = page.execute_script("return !window.left && document.readyState")
        except JavascriptException:  # asked while the document was being replaced
            return False
        return loaded == "complete" and page.current_url.startswith(back)

    wait(browser).until(returned)


def shot(browser: WebDriver, name: str) -> Path:
    return screenshot(browser, "spa", name)


def state(sessim: str, vendor: str) -> dict:
    response = httpx.get(f"{sessim}/_admin/state/{vendor}")
    assert response.status_code == 200, response.text
    return response.json()


def journal(sessim: str, **filters: str) -> list[dict]:
    """The journal's entries (of the operation `operationId`, ...), oldest first."""
    response = httpx.get(f"{sessim}/_admin/journal", params={"limit": 500, **filters})
    assert response.status_code == 200, response.text
    return list(reversed(response.json()["entries"]))


def journal_of(sessim: str, origin: str) -> list[tuple[str, str, int, str | None]]:
    """What Sessim answered the page on `origin`: (method, path, status, error code), each
    answer checked to carry no CORS header (the browser kept it from the page)."""
    entries = [e for e in journal(sessim) if e["request"]["headers"].get("origin") == origin]
    for entry in entries:
        assert "access-control-allow-origin" not in entry["response"]["headers"], entry
    return [(e["method"], e["path"], e["status"], e["errorCode"]) for e in entries]


def cors_refusals(browser: WebDriver) -> list[str]:
    """The console's reports of answers the browser kept from the page, since the last
    call (reading the console's log empties it)."""
    return [
        entry["message"]
        for entry in browser.get_log("browser")
        if "blocked by CORS policy" in entry["message"]
    ]


def cookie(browser: WebDriver, name: str) -> dict | None:
    """A cookie of localhost, the host of Sessim and of the page (cookies ignore ports)."""
    return next((c for c in browser.get_cookies() if c["name"] == name), None)


def test_okta_a_page_logs_in_reads_its_session_by_cookie_and_logs_out(
    browser: WebDriver, sessim: str, site: list[str]
) -> None:
    trusted = site[0]
    open_page(browser, trusted, sessim)
    authn = step(browser, *OKTA_LOGIN)
    assert authn["status"] == 200, authn
    assert authn["body"]["status"] == "SUCCESS"
    assert authn["body"]["_embedded"]["user"]["id"] == DANA["id"]
    # What the page may read: the safelisted headers and those Okta exposes, no others
    # (not its cookies, nor the uvicorn `server` header).
    assert set(authn["headers"]) == {
        "content-length",
        "content-type",
        "date",
        "x-okta-request-id",
        "x-rate-limit-limit",
        "x-rate-limit-remaining",
        "x-rate-limit-reset",
    }
    shot(browser, "okta-1-authn")

    # To the org and back with the session cookie.
    leave_and_return(browser, "okta", "cookie", f"{trusted}/flows.html")
    sid = cookie(browser, "sid")
    assert sid is not None
    read = step(browser, "okta", "read")
    assert read["status"] == 200, read
    assert read["body"]["id"] == sid["value"]
    assert (read["body"]["status"], read["body"]["userId"]) == ("ACTIVE", DANA["id"])
    shot(browser, "okta-2-session-read-by-cookie")

    logout = step(browser, "okta", "logout")
    assert logout["status"] == 204, logout
    gone = step(browser, "okta", "read")
    assert (gone["status"], gone["body"]["errorCode"]) == (404, "E0000007")
    shot(browser, "okta-3-logged-out")
    assert not cors_refusals(browser)


def test_sfcc_a_page_logs_in_reads_the_customer_by_session_cookies_and_logs_out(
    browser: WebDriver, sessim: str, site: list[str]
) -> None:
    trusted = site[0]
    open_page(browser, trusted, sessim)
    login = step(browser, *SFCC_LOGIN)
    assert login["status"] == 200, login
    assert login["body"]["customer_no"] == JANE["customer_no"]
    assert login["headers"]["authorization"].startswith("Bearer ")  # exposed: the JWT
    assert set(login["headers"]) == {"authorization", "content-length", "content-type"}
    shot(browser, "sfcc-1-credentials")

    bridge = step(browser, "sfcc", "bridge")
    assert bridge["status"] == 204, bridge
    assert cookie(browser, "dwsid") is not None
    read = step(browser, "sfcc", "read", SFCC_CLIENT)  # the cookies alone
    assert read["status"] == 200, read
    assert (read["body"]["auth_type"], read["body"]["customer_no"]) == (
        "registered",
        JANE["customer_no"],
    )
    shot(browser, "sfcc-2-customer-from-session-cookies")

    logout = step(browser, "sfcc", "logout")
    assert logout["status"] == 204, logout
    refused = step(browser, "sfcc", "refresh", SFCC_CLIENT)
    assert refused["status"] == 401, refused
    assert refused["body"]["fault"]["type"] == "InvalidAccessTokenException"
    shot(browser, "sfcc-3-logged-out")
    assert not cors_refusals(browser)


def test_optimizely_a_page_signs_in_reads_the_session_by_token_and_signs_out(
    browser: WebDriver, sessim: str, site: list[str]
) -> None:
    trusted = site[0]
    open_page(browser, trusted, sessim)
    login = step(browser, *OPTIMIZELY_LOGIN)
    assert login["status"] == 200, login
    assert (login["body"]["isAuthenticated"], login["body"]["userName"]) == (True, "buyer1")
    shot(browser, "optimizely-1-signed-in")

    read = step(browser, "optimizely", "read")
    assert read["status"] == 200, read
    assert (read["body"]["isAuthenticated"], read["body"]["userName"]) == (True, "buyer1")
    assert read["body"]["billTo"]["customerNumber"] == "C1001"
    shot(browser, "optimizely-2-session-read-by-token")

    logout = step(browser, "optimizely", "logout")
    assert logout["status"] == 204, logout
    after = step(browser, "optimizely", "read")
    assert (after["status"], after["body"]["isAuthenticated"]) == (200, False)
    shot(browser, "optimizely-3-signed-out")
    assert not cors_refusals(browser)


def test_vestiaire_a_page_logs_in_its_token_names_its_session_and_logs_out(
    browser: WebDriver, sessim: str, site: list[str]
) -> None:
    trusted = site[0]
    open_page(browser, trusted, sessim)
    login = step(browser, *VESTIAIRE_LOGIN)
    assert login["status"] == 201, login
    session_id = login["body"]["data"]["id"]
    assert login["body"]["data"]["userId"] == VESTIAIRE_USER["id"]
    kept = cookie(browser, "__session")  # HttpOnly: the browser keeps it, the page cannot read it
    assert kept is not None and kept["value"] == session_id and kept["httpOnly"]
    shot(browser, "vestiaire-1-logged-in")

    read = step(browser, "vestiaire", "read")
    assert read["status"] == 403, read  # the token's session lives, and is not that one
    assert read["body"]["errors"][0]["code"] == "forbidden"
    shot(browser, "vestiaire-2-session-read-by-token")

    logout = step(browser, "vestiaire", "logout")
    assert logout["status"] == 204, logout
    after = step(browser, "vestiaire", "read")
    assert after["status"] == 401, after
    assert after["body"]["errors"][0]["code"] == "unauthorized"
    shot(browser, "vestiaire-3-logged-out")
    assert not cors_refusals(browser)


# Each vendor's log-in from the untrusted page, and what Sessim answered its preflight (the
# browser sent nothing more): the 405 that OPTIONS gets anyway (Okta, Vestiaire), SFCC's
# 401 UnauthorizedOriginException, ASP.NET's 400 (Optimizely); none with a CORS header.
REFUSED_LOGINS = [
    (OKTA_LOGIN, ("/okta/api/v1/authn", 405, "E0000022")),
    (SFCC_LOGIN, (f"{OCAPI}/customers/auth", 401, "UnauthorizedOriginException")),
    (OPTIMIZELY_LOGIN, ("/optimizely/identity/connect/token", 400, None)),
    (VESTIAIRE_LOGIN, ("/vestiaire/sessions", 405, "method_not_allowed")),
]


def test_the_page_on_an_untrusted_origin_is_refused_by_every_vendor(
    browser: WebDriver, sessim: str, site: list[str]
) -> None:
    untrusted = site[1]
    open_page(browser, untrusted, sessim)
    for (vendor, name, *args), (path, status, code) in REFUSED_LOGINS:
        before = state(sessim, vendor)
        refused = step(browser, vendor, name, *args)
        assert refused["error"] == NETWORK_ERROR, refused
        assert "status" not in refused  # no answer reached the page
        assert journal_of(sessim, untrusted)[-1] == ("OPTIONS", path, status, code)
        assert state(sessim, vendor) == before
    shot(browser, "untrusted-refused-by-every-vendor")
    refusals = cors_refusals(browser)
    assert len(refusals) == len(REFUSED_LOGINS)
    assert all("No 'Access-Control-Allow-Origin' header" in text for text in refusals)
    assert len(journal_of(sessim, untrusted)) == len(REFUSED_LOGINS)  # the preflights alone


@pytest.mark.skipif(
    not (OKTA_AUTH_JS / "package.json").exists(),
    reason="@okta/okta-auth-js is not installed: make node-clients",
)
def test_okta_auth_js_signs_in_sets_the_cookie_reads_and_closes_the_session(
    browser: WebDriver, sessim: str, site: list[str]
) -> None:
    """Okta's own browser SDK (tests/spa/okta-sdk.js), then the same page from an untrusted
    origin: its sign-in fails as the SDK reports a CORS refusal, and a redirect back to it
    is refused with Okta's error page and no cookie."""
    trusted, untrusted = site
    open_page(browser, trusted, sessim, "okta-sdk.html")
    signed = step(browser, "sdk", "signIn", DANA["login"], DANA["password"])
    assert signed["result"]["status"] == "SUCCESS", signed
    assert signed["result"]["user"]["profile"]["login"] == DANA["login"]
    shot(browser, "okta-sdk-1-signInWithCredentials")

    leave_and_return(browser, "sdk", "setCookieAndRedirect", f"{trusted}/okta-sdk.html")
    redirect = journal(sessim, operationId="sessionCookieRedirect")[-1]
    assert redirect["status"] == 302
    assert redirect["query"].startswith("checkAccountSetupComplete=true&token=")
    sid = cookie(browser, "sid")
    assert sid is not None
    assert step(browser, "sdk", "exists") == {"result": True}
    session = step(browser, "sdk", "get")["result"]
    assert (session["id"], session["status"], session["userId"]) == (
        sid["value"],
        "ACTIVE",
        DANA["id"],
    )
    assert "x-okta-request-id" in session["headers"]  # exposed, as the SDK reads it
    shot(browser, "okta-sdk-2-session-exists-and-get")

    assert step(browser, "sdk", "close") == {"result": True}
    assert step(browser, "sdk", "exists") == {"result": False}
    assert step(browser, "sdk", "get") == {"result": {"status": "INACTIVE"}}
    assert step(browser, "sdk", "close") == {"result": False}  # E0000007: already closed
    assert sid["value"] not in {s["id"] for s in state(sessim, "okta")["sessions"]}
    shot(browser, "okta-sdk-3-closeSession")
    assert not cors_refusals(browser)

    open_page(browser, untrusted, sessim, "okta-sdk.html")
    before = state(sessim, "okta")
    refused = step(browser, "sdk", "signIn", DANA["login"], DANA["password"])
    # No answer reached the SDK: no status, no Okta error code.
    assert refused == {"error": "AuthApiError: Failed to fetch", "errorCode": None, "status": None}
    assert step(browser, "sdk", "exists") == {"result": False}
    assert state(sessim, "okta") == before
    shot(browser, "okta-sdk-4-untrusted-origin-refused")
    assert len(cors_refusals(browser)) == 2  # authn's preflight, sessions/me's answer

    # A sessionToken had elsewhere: the redirect back to this origin is refused.
    authn = httpx.post(
        f"{sessim}/okta/api/v1/authn",
        json={"username": DANA["login"], "password": DANA["password"]},
    )
    assert authn.status_code == 200, authn.text
    browser.execute_script("keep('sessionToken', arguments[0])", authn.json()["sessionToken"])
    leave_and_return(browser, "sdk", "setCookieAndRedirect", f"{sessim}/okta/login/")
    assert "The redirect URL is not a trusted origin of this org." in browser.page_source
    assert cookie(browser, "sid") is None
    shot(browser, "okta-sdk-5-untrusted-redirect-refused")
