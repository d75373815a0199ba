"""The inspector without a browser: its page and files, and GET /_admin/state/{vendor} per
vendor. tests/test_inspector_browser.py drives the page in Chromium."""

from __future__ import annotations

import contextlib
import re
import time
from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
from sessim.admin.fixtures import demo
from sessim.core.web.api import Api
from sessim.registry import VENDORS
from starlette.testclient import TestClient

from tests.conftest import ADMIN, AppFor, Reset

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


@pytest.mark.registry
def test_the_page_is_html_that_loads_only_its_own_files(app: TestClient) -> None:
    response = app.get("/_admin/")
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/html; charset=utf-8"
    assert "default-src 'none'" in response.headers["content-security-policy"]
    page = response.text
    assert page.startswith("<!doctype html>")
    links = re.findall(r'(?:src|href|action)="([^#"][^"]*)"', page)  # not the page's own #ids
    assert sorted(links) == [f"/_admin/assets/{name}" for name in sorted(ASSETS)]
    assert re.findall(r'href="(#[^"]*)"', page) == ["#journal"]  # the skip link
    assert not EXTERNAL.search(page)
    for vendor in VENDORS:
        assert f'<section class="vendor" data-vendor="{vendor}"' in page


def test_the_page_is_served_at_admin_with_and_without_the_slash(app: TestClient) -> None:
    bare = app.get("/_admin", follow_redirects=False)
    slashed = app.get("/_admin/", follow_redirects=False)
    assert bare.status_code == slashed.status_code == 200
    assert "location" not in bare.headers
    assert bare.headers["content-security-policy"] == slashed.headers["content-security-policy"]
    assert bare.text == slashed.text


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


@contextlib.contextmanager
def on_mount(client: TestClient, api: Api) -> Iterator[TestClient]:
    """The client with its base URL on the API's mount, as a contract's functions take it."""
    base = client.base_url
    client.base_url = base.join(api.base_path)
    try:
        yield client
    finally:
        client.base_url = base


def sign_in(client: TestClient, vendor: str) -> object:
    """The vendor's first demo user signed in, as its declaration's contract says."""
    api = VENDORS[vendor]
    assert api.contract.sign_in is not None, f"{vendor}'s contract declares no sign_in"
    with on_mount(client, api) as mounted:
        return api.contract.sign_in(DEMO_FIXTURE[vendor], mounted)


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


@pytest.mark.registry
@pytest.mark.parametrize("vendor", VENDORS)
def test_a_vendors_session_is_listed_after_a_login_until_it_expires(
    demo: TestClient, vendor: str
) -> None:
    assert state(demo, vendor)["sessions"] == []
    sign_in(demo, vendor)
    sessions = state(demo, vendor)["sessions"]
    assert len(sessions) == 1
    assert sessions[0]["owner"] in {user["id"] for user in state(demo, vendor)["users"]}
    lifetime = datetime.fromisoformat(sessions[0]["expiresAt"]).timestamp() - NOW.timestamp()
    assert lifetime > 0 and lifetime == int(lifetime)
    advance(demo, int(lifetime) - 1)  # listed until the instant it says it expires
    assert state(demo, vendor)["sessions"] == sessions
    advance(demo, 1)
    assert state(demo, vendor)["sessions"] == []


@pytest.mark.registry
def test_optimizely_lists_the_refresh_token_of_a_sign_in(demo: TestClient) -> None:
    sign_in(demo, "optimizely")
    listed = state(demo, "optimizely")
    refresh = [token for token in listed["tokens"] if token["kind"] == "refresh_token"]
    assert [token["owner"] for token in refresh] == [listed["sessions"][0]["owner"]]
    assert refresh[0]["expiresAt"] == at(2_592_000)


@pytest.mark.registry
def test_lists_are_bounded_and_the_latest_to_expire_come_first(demo: TestClient) -> None:
    first = sign_in(demo, "vestiaire")
    advance(demo, 60)
    second = sign_in(demo, "vestiaire")
    sessions = state(demo, "vestiaire")["sessions"]
    assert [s["id"] for s in sessions] == [second, first]
    assert [s["id"] for s in state(demo, "vestiaire", limit=1)["sessions"]] == [second]
    assert len(state(demo, "okta", limit=1)["users"]) == 1
    assert demo.get("/_admin/state/okta", params={"limit": 0}).status_code == 400


def changes(client: TestClient, **query: object) -> dict:
    response = client.get("/_admin/changes", params=query)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/json"
    return response.json()


def test_the_version_moves_with_a_vendor_call_the_clock_a_seed_and_a_reset(
    demo: TestClient,
) -> None:
    first = changes(demo)
    assert first["journaled"] is True
    assert changes(demo, since=first["version"])["version"] == first["version"]  # no wait
    assert changes(demo)["version"] == first["version"]  # its own reads change nothing
    state(demo, "okta")
    assert changes(demo)["version"] == first["version"]
    okta_login(demo)
    logged_in = changes(demo, since=first["version"], wait=5)["version"]  # at once
    assert logged_in != first["version"]
    advance(demo, 1)
    advanced = changes(demo)["version"]
    assert advanced != logged_in
    assert demo.post("/_admin/seed", json={"okta": {}}).status_code == 200
    seeded = changes(demo)["version"]
    assert seeded != advanced
    assert demo.post("/_admin/reset", headers=ADMIN).status_code == 204
    assert changes(demo)["version"] != seeded


def test_the_long_poll_holds_until_its_wait_when_nothing_changes(demo: TestClient) -> None:
    version = changes(demo)["version"]
    began = time.monotonic()
    assert changes(demo, since=version, wait=1)["version"] == version
    assert 0.9 <= time.monotonic() - began < 5


@pytest.mark.parametrize("wait", [-1, 11, "soon"])
def test_a_wait_out_of_bounds_is_a_400_problem(app: TestClient, wait: object) -> None:
    response = app.get("/_admin/changes", params={"wait": wait})
    assert response.status_code == 400
    assert response.headers["content-type"] == "application/problem+json"


def test_without_a_journal_the_version_says_requests_do_not_move_it(app_for: AppFor) -> None:
    assert changes(app_for(journal_size=0))["journaled"] is False


def test_a_session_in_detail_then_revoked_is_gone_from_okta_itself(demo: TestClient) -> None:
    session_id = okta_login(demo)
    dana = DEMO_FIXTURE["okta"]["users"][0]
    detail = demo.get(f"/_admin/state/okta/sessions/{session_id}")
    assert detail.status_code == 200, detail.text
    body = detail.json()
    assert body["id"] == session_id and body["owner"] == dana["id"]
    assert (body["createdAt"], body["expiresAt"]) == (at(0), at(7200))
    assert body["context"]["login"] == dana["login"]
    assert "endsAt" not in body  # Okta's default policy has no absolute cap
    assert (body["cookies"], body["headers"]) == ({"sid": session_id}, {})
    api_token = {"Authorization": f"SSWS {DEMO_FIXTURE['okta']['api_tokens'][0]}"}
    okta_session = f"/okta/api/v1/sessions/{session_id}"
    assert demo.get(okta_session, headers=api_token).status_code == 200
    revoked = demo.delete(f"/_admin/state/okta/sessions/{session_id}", headers=ADMIN)
    assert revoked.status_code == 204
    assert demo.get(okta_session, headers=api_token).status_code == 404
    assert state(demo, "okta")["sessions"] == []
    again = demo.delete(f"/_admin/state/okta/sessions/{session_id}", headers=ADMIN)
    assert again.status_code == 404
    assert again.json()["detail"] == f"okta holds no live session {session_id!r}"
    assert demo.get(f"/_admin/state/okta/sessions/{session_id}").status_code == 404


@pytest.mark.registry
@pytest.mark.parametrize("vendor", VENDORS)
def test_each_vendors_session_can_be_revoked_from_the_admin_api(
    demo: TestClient, vendor: str
) -> None:
    sign_in(demo, vendor)
    [listed] = state(demo, vendor)["sessions"]
    detail = demo.get(f"/_admin/state/{vendor}/sessions/{listed['id']}").json()
    assert (detail["owner"], detail["expiresAt"]) == (listed["owner"], listed["expiresAt"])
    assert set(detail["cookies"].values()) | set(detail["headers"].values()) <= {listed["id"]}
    assert (
        demo.delete(f"/_admin/state/{vendor}/sessions/{listed['id']}", headers=ADMIN).status_code
        == 204
    )
    assert state(demo, vendor)["sessions"] == []


def okta_authn(client: TestClient, password: str) -> int:
    login = DEMO_FIXTURE["okta"]["users"][0]["login"]
    body = {"username": login, "password": password}
    return client.post("/okta/api/v1/authn", json=body).status_code


def test_a_locked_out_user_shows_when_the_lock_ends_and_unlocks_from_the_admin_api(
    demo: TestClient,
) -> None:
    dana = DEMO_FIXTURE["okta"]["users"][0]
    while not [u for u in state(demo, "okta")["users"] if "lockedUntil" in u]:
        assert okta_authn(demo, "wrong") == 401
    [locked] = [user for user in state(demo, "okta")["users"] if "lockedUntil" in user]
    assert locked["id"] == dana["id"]
    assert datetime.fromisoformat(locked["lockedUntil"]) > NOW
    assert okta_authn(demo, dana["password"]) == 401  # locked
    unlocked = demo.post(f"/_admin/state/okta/users/{dana['id']}/unlock", headers=ADMIN)
    assert unlocked.status_code == 200, unlocked.text
    assert unlocked.json() == {"id": dana["id"], "login": dana["login"], "status": "ACTIVE"}
    assert okta_authn(demo, dana["password"]) == 200
    missing = demo.post("/_admin/state/okta/users/nobody/unlock", headers=ADMIN)
    assert missing.status_code == 404
    assert missing.json()["detail"] == "okta holds no user 'nobody'"


def test_a_deactivated_okta_user_loses_their_sessions_and_may_not_sign_in(
    demo: TestClient,
) -> None:
    session_id = okta_login(demo)
    dana = DEMO_FIXTURE["okta"]["users"][0]
    done = demo.post(f"/_admin/state/okta/users/{dana['id']}/deactivate", headers=ADMIN)
    assert done.status_code == 200, done.text
    assert done.json()["status"] == "DEPROVISIONED"
    assert state(demo, "okta")["sessions"] == []
    api_token = {"Authorization": f"SSWS {DEMO_FIXTURE['okta']['api_tokens'][0]}"}
    assert demo.get(f"/okta/api/v1/sessions/{session_id}", headers=api_token).status_code == 404
    user = demo.get(f"/okta/api/v1/users/{dana['id']}", headers=api_token)
    assert user.json()["status"] == "DEPROVISIONED"
    assert okta_authn(demo, dana["password"]) == 401


@pytest.mark.registry
def test_a_vendor_without_an_inactive_status_refuses_deactivation_with_a_409(
    demo: TestClient,
) -> None:
    user = state(demo, "vestiaire")["users"][0]
    refused = demo.post(f"/_admin/state/vestiaire/users/{user['id']}/deactivate", headers=ADMIN)
    assert refused.status_code == 409
    assert refused.json()["detail"] == "vestiaire has no inactive status for a user"
    assert state(demo, "vestiaire")["users"][0]["status"] == "ACTIVE"


@pytest.mark.registry
@pytest.mark.parametrize(
    ("vendor", "cookies", "headers"),
    [("sfcc", ["dwsid"], []), ("vestiaire", [], ["__session"]), ("optimizely", [], [])],
)
def test_a_session_names_what_carries_it(
    demo: TestClient, vendor: str, cookies: list[str], headers: list[str]
) -> None:
    sign_in(demo, vendor)
    [listed] = state(demo, vendor)["sessions"]
    detail = demo.get(f"/_admin/state/{vendor}/sessions/{listed['id']}").json()
    assert detail["cookies"] == dict.fromkeys(cookies, listed["id"])
    assert detail["headers"] == dict.fromkeys(headers, listed["id"])
