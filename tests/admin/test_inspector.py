"""The inspector without a browser: its page and files, and GET /_admin/state/{vendor} per
vendor. tests/test_inspector_browser.py drives the page in Chromium."""

from __future__ import annotations

import base64
import re
from collections.abc import Callable
from datetime import UTC, datetime

import pytest
from sessim.admin.fixtures import demo
from sessim.registry import VENDORS
from starlette.testclient import TestClient

from tests.conftest import AppFor, Reset

NOW = datetime(2026, 3, 1, 10, 0, tzinfo=UTC)
DEMO_FIXTURE = demo()
ASSETS = {
    "inspector.js": "text/javascript; charset=utf-8",
    "inspector.css": "text/css; charset=utf-8",
    "favicon.svg": "image/svg+xml",
}
EXTERNAL = re.compile(r"(?i)\b(?:https?:|wss?:|ftp:)|//[a-z0-9.-]+\.[a-z]{2,}|@import|url\(")


@pytest.fixture
def demo(reset: Reset) -> TestClient:
    """The run's app reset, the demo fixture seeded, the clock frozen at NOW."""
    return reset(now=NOW, seed=DEMO_FIXTURE)


def test_the_page_is_html_that_loads_only_its_own_files(app: TestClient) -> None:
    response = app.get("/_admin/")
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/html; charset=utf-8"
    assert "default-src 'none'" in response.headers["content-security-policy"]
    page = response.text
    assert page.startswith("<!doctype html>")
    links = re.findall(r'(?:src|href|action)="([^"]*)"', page)
    assert sorted(links) == [f"/_admin/assets/{name}" for name in sorted(ASSETS)]
    assert not EXTERNAL.search(page)
    for vendor in VENDORS:
        assert f'<section class="vendor" data-vendor="{vendor}"' in page


@pytest.mark.parametrize("name", ["inspector.js", "inspector.css"])
def test_the_script_and_style_sheet_load_nothing_from_elsewhere(app: TestClient, name: str) -> None:
    response = app.get(f"/_admin/assets/{name}")
    assert response.status_code == 200
    assert not EXTERNAL.search(response.text)


def test_the_icon_names_only_the_svg_namespace(app: TestClient) -> None:
    icon = app.get("/_admin/assets/favicon.svg").text
    assert re.findall(r"https?://[^\"]*", icon) == ["http://www.w3.org/2000/svg"]


@pytest.mark.parametrize(("name", "media_type"), ASSETS.items())
def test_each_file_has_its_media_type(app: TestClient, name: str, media_type: str) -> None:
    response = app.get(f"/_admin/assets/{name}")
    assert response.status_code == 200
    assert response.headers["content-type"] == media_type
    assert response.content


@pytest.mark.parametrize("name", ["unknown.js", "inspector.html", "..%2Finspector.py", "x"])
def test_an_unknown_file_is_a_404_problem(app: TestClient, name: str) -> None:
    response = app.get(f"/_admin/assets/{name}")
    assert response.status_code == 404
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["status"] == 404


def test_an_unknown_vendor_is_a_404_problem(app: TestClient) -> None:
    response = app.get("/_admin/state/salesforce")
    assert response.status_code == 404
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["detail"] == "Sessim emulates no vendor 'salesforce'"


def test_with_an_admin_token_the_page_loads_and_the_state_needs_the_token(
    app_for: AppFor,
) -> None:
    client = app_for(admin_token="s3cret")
    assert client.get("/_admin/").status_code == 200
    assert client.get("/_admin/assets/inspector.js").status_code == 200
    assert client.get("/_admin/state/okta").status_code == 401
    authorized = {"Authorization": "Bearer s3cret"}
    assert client.get("/_admin/state/okta", headers=authorized).status_code == 200


def state(client: TestClient, vendor: str, **query: int) -> dict:
    response = client.get(f"/_admin/state/{vendor}", params=query)
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["vendor"] == vendor
    return body


def advance(client: TestClient, seconds: int) -> None:
    assert client.post("/_admin/clock/advance", json={"seconds": seconds}).status_code == 200


def at(seconds: int) -> str:
    """NOW plus seconds as the state endpoint writes instants."""
    return datetime.fromtimestamp(NOW.timestamp() + seconds, UTC).isoformat().replace("+00:00", "Z")


def okta_login(client: TestClient) -> str:
    """Dana's sessionToken, listed until spent on the session whose id this returns."""
    user = DEMO_FIXTURE["okta"]["users"][0]
    credentials = {"username": user["login"], "password": user["password"]}
    token = client.post("/okta/api/v1/authn", json=credentials).json()["sessionToken"]
    listed = state(client, "okta")["tokens"]
    assert listed == [
        {"id": token, "kind": "sessionToken", "owner": user["id"], "expiresAt": at(300)}
    ]
    api_token = {"Authorization": f"SSWS {DEMO_FIXTURE['okta']['api_tokens'][0]}"}
    session = client.post("/okta/api/v1/sessions", json={"sessionToken": token}, headers=api_token)
    assert session.status_code == 200, session.text
    return session.json()["id"]


def vestiaire_login(client: TestClient) -> str:
    user = DEMO_FIXTURE["vestiaire"]["users"][0]
    body = {"email": user["email"], "password": user["password"]}
    response = client.post("/vestiaire/sessions", json=body)
    assert response.status_code == 201, response.text
    return response.json()["data"]["id"]


def sfcc_login(client: TestClient) -> None:
    customer = DEMO_FIXTURE["sfcc"]["customers"][0]
    site = "/sfcc/s/RefArch/dw/shop/v20_8"
    client_id = {"x-dw-client-id": DEMO_FIXTURE["sfcc"]["clients"][0]["client_id"]}
    raw = f"{customer['login']}:{customer['password']}".encode()
    basic = {"Authorization": "Basic " + base64.b64encode(raw).decode()}
    auth = client.post(
        f"{site}/customers/auth", json={"type": "credentials"}, headers={**client_id, **basic}
    )
    assert auth.status_code == 200, auth.text
    bearer = {"Authorization": auth.headers["authorization"]}
    response = client.post(f"{site}/sessions", headers={**client_id, **bearer})
    assert response.status_code == 204, response.text


def optimizely_login(client: TestClient) -> None:
    section = DEMO_FIXTURE["optimizely"]
    user = section["users"][0]
    client_auth = f"{section['clients'][0]['client_id']}:{section['clients'][0]['client_secret']}"
    form = {
        "grant_type": "password",
        "username": user["userName"],
        "password": user["password"],
        "scope": "iscapi offline_access",
    }
    basic = {"Authorization": "Basic " + base64.b64encode(client_auth.encode()).decode()}
    tokens = client.post("/optimizely/identity/connect/token", data=form, headers=basic).json()
    bearer = {"Authorization": f"Bearer {tokens['access_token']}"}
    body = {"userName": user["userName"], "password": user["password"]}
    response = client.post("/optimizely/api/v1/sessions", json=body, headers=bearer)
    assert response.status_code == 200, response.text
    refresh = [t for t in state(client, "optimizely")["tokens"] if t["kind"] == "refresh_token"]
    assert [t["id"] for t in refresh] == [tokens["refresh_token"]]


def test_okta_lists_its_users_its_token_then_the_session_until_it_expires(
    demo: TestClient,
) -> None:
    users = state(demo, "okta")["users"]
    logins = {user["login"] for user in DEMO_FIXTURE["okta"]["users"]}
    assert {user["login"] for user in users} == logins
    assert {user["status"] for user in users} == {"ACTIVE"}
    session_id = okta_login(demo)
    listed = state(demo, "okta")
    assert listed["tokens"] == []  # spent
    dana = DEMO_FIXTURE["okta"]["users"][0]["id"]
    assert listed["sessions"] == [{"id": session_id, "owner": dana, "expiresAt": at(7200)}]
    advance(demo, 7200)
    assert state(demo, "okta")["sessions"] == []


LOGINS: dict[str, Callable[[TestClient], object]] = {
    "vestiaire": vestiaire_login,
    "sfcc": sfcc_login,
    "optimizely": optimizely_login,
}
LIFETIMES = {"vestiaire": 30 * 86_400, "sfcc": 30 * 60, "optimizely": 2_592_000}


@pytest.mark.parametrize("vendor", LOGINS)
def test_a_vendors_session_is_listed_after_a_login_and_not_after_expiry(
    demo: TestClient, vendor: str
) -> None:
    assert state(demo, vendor)["sessions"] == []
    LOGINS[vendor](demo)
    sessions = state(demo, vendor)["sessions"]
    assert len(sessions) == 1
    assert sessions[0]["expiresAt"] == at(LIFETIMES[vendor])
    assert sessions[0]["owner"] in {user["id"] for user in state(demo, vendor)["users"]}
    advance(demo, LIFETIMES[vendor])
    assert state(demo, vendor)["sessions"] == []


def test_lists_are_bounded_and_the_latest_to_expire_come_first(demo: TestClient) -> None:
    first = vestiaire_login(demo)
    advance(demo, 60)
    second = vestiaire_login(demo)
    sessions = state(demo, "vestiaire")["sessions"]
    assert [s["id"] for s in sessions] == [second, first]
    assert [s["id"] for s in state(demo, "vestiaire", limit=1)["sessions"]] == [second]
    assert len(state(demo, "okta", limit=1)["users"]) == 1
    assert demo.get("/_admin/state/okta", params={"limit": 0}).status_code == 400
