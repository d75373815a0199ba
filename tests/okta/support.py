"""Helpers for the Okta tests: the fixture's accounts, calls that get a sessionToken or a
session, and assertions on Okta's headers, errors and Session bodies."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

import httpx
from starlette.testclient import TestClient

NOW = datetime(2026, 3, 1, 10, 0, tzinfo=UTC)  # every client starts frozen here
ORG_ID = "00o5essimTestOrg0d7x"
ORG = "http://testserver/okta"  # what Okta's links begin with: scheme, host and base path

API_TOKEN = "00sessim-test-api-token"
READ_TOKEN = "sessions-read-token"
MANAGE_TOKEN = "sessions-manage-token"
USERS_TOKEN = "users-manage-token"

ANNA = {
    "id": "00u5essimAnna000d7x1",
    "login": "anna.lind@example.com",
    "password": "anna-secret-1",
    "firstName": "Anna",
    "lastName": "Lind",
    "locale": "sv_SE",
    "timeZone": "Europe/Stockholm",
}
BEN = {  # no locale or timeZone: Okta's defaults apply
    "id": "00u5essimBen0000d7x2",
    "login": "ben.okafor@example.com",
    "password": "ben-secret-2",
    "firstName": "Ben",
    "lastName": "Okafor",
}
SUSPENDED = {
    "id": "00u5essimSusi000d7x3",
    "login": "susi.held@example.com",
    "password": "susi-secret-3",
    "firstName": "Susi",
    "lastName": "Held",
    "status": "SUSPENDED",
}
# The storefront the browser tests run on: trusted for CORS and for redirects back to it.
PORTAL = "https://app.example.com"
PORTAL_ORIGIN = {
    "id": "tosPortal0000000d7x1",
    "name": "Portal",
    "origin": PORTAL,
    "scopes": [{"type": "CORS"}, {"type": "REDIRECT"}],
}
LOCKOUT_ATTEMPTS = 3
LOCKOUT_MINUTES = 15
FIXTURE = {
    "okta": {
        "org_id": ORG_ID,
        "api_tokens": [API_TOKEN],
        "oauth_tokens": [
            {"token": READ_TOKEN, "scopes": ["okta.sessions.read"]},
            {"token": MANAGE_TOKEN, "scopes": ["okta.sessions.manage"]},
            {"token": USERS_TOKEN, "scopes": ["okta.users.manage"]},
        ],
        "users": [ANNA, BEN, SUSPENDED],
        "trusted_origins": [PORTAL_ORIGIN],
        "settings": {"lockout_attempts": LOCKOUT_ATTEMPTS, "lockout_minutes": LOCKOUT_MINUTES},
    }
}

SSWS = {"Authorization": f"SSWS {API_TOKEN}"}
SESSION_KEYS = [
    "id",
    "userId",
    "login",
    "createdAt",
    "expiresAt",
    "status",
    "lastPasswordVerification",
    "lastFactorVerification",
    "amr",
    "idp",
    "mfaActive",
    "_links",
]
SESSION_ID = re.compile(r"^102[A-Za-z0-9_-]{22}$")
ERROR_ID = re.compile(r"^oae[A-Za-z0-9_-]{22}$")
REQUEST_ID = re.compile(r"^[0-9a-f]{32}$")
IMF_FIXDATE = re.compile(r"^[A-Z][a-z]{2}, \d{2} [A-Z][a-z]{2} \d{4} \d{2}:\d{2}:\d{2} GMT$")
RATE_HEADERS = ("x-rate-limit-limit", "x-rate-limit-remaining", "x-rate-limit-reset")

AUTHENTICATION_FAILED = ("E0000004", "Authentication failed")
INVALID_TOKEN = ("E0000011", "Invalid token provided")
NOT_WELL_FORMED = ("E0000003", "The request body was not well-formed.")
NO_PERMISSION = ("E0000006", "You do not have permission to perform the requested action")
METHOD_NOT_SUPPORTED = ("E0000022", "The endpoint does not support the provided HTTP method")
RATE_LIMITED = ("E0000047", "API call exceeded rate limit due to too many requests.")


# --- time -----------------------------------------------------------------------------------


def okta_time(when: datetime) -> str:
    """Okta's timestamps: UTC, second precision, `.000Z`."""
    return when.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.000Z")


def at(*, minutes: float = 0, seconds: float = 0) -> str:
    """The Okta timestamp of NOW plus the given time."""
    return okta_time(NOW + timedelta(minutes=minutes, seconds=seconds))


def http_date(when: datetime) -> str:
    return format_datetime(when.astimezone(UTC), usegmt=True)


def freeze(client: TestClient, when: datetime = NOW) -> None:
    response = client.put("/_admin/clock", json={"now": when.isoformat(), "frozen": True})
    assert response.status_code == 200, response.text


def advance(client: TestClient, seconds: float) -> None:
    response = client.post("/_admin/clock/advance", json={"seconds": seconds})
    assert response.status_code == 200, response.text


def clock_now(client: TestClient) -> datetime:
    return datetime.fromisoformat(client.get("/_admin/clock").json()["now"])


# --- fixtures and credentials ---------------------------------------------------------------


def seed(client: TestClient, fixture: dict) -> None:
    response = client.post("/_admin/seed", json=fixture)
    assert response.status_code == 200, response.text


def set_settings(client: TestClient, **settings: object) -> None:
    seed(client, {"okta": {"settings": settings}})


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def sid_cookie(session_id: str) -> dict[str, str]:
    return {"Cookie": f"sid={session_id}"}


# --- calls ----------------------------------------------------------------------------------


def authn(
    client: TestClient, user: dict = ANNA, password: str | None = None, prefix: str = "/okta"
) -> httpx.Response:
    credentials = {"username": user["login"], "password": password or user["password"]}
    return client.post(f"{prefix}/api/v1/authn", json=credentials)


def session_token(client: TestClient, user: dict = ANNA, prefix: str = "/okta") -> str:
    response = authn(client, user, prefix=prefix)
    assert response.status_code == 200, response.text
    return response.json()["sessionToken"]


def create_session(
    client: TestClient,
    token: str,
    headers: dict[str, str] = SSWS,
    prefix: str = "/okta",
) -> httpx.Response:
    return client.post(f"{prefix}/api/v1/sessions", json={"sessionToken": token}, headers=headers)


def new_session(client: TestClient, user: dict = ANNA) -> dict:
    """Sign the user in and redeem the sessionToken: the new Session."""
    response = create_session(client, session_token(client, user))
    assert response.status_code == 200, response.text
    return response.json()


def sessions_url(session_id: str, prefix: str = "/okta") -> str:
    return f"{prefix}/api/v1/sessions/{session_id}"


def refresh_url(session_id: str, prefix: str = "/okta") -> str:
    return f"{sessions_url(session_id, prefix)}/lifecycle/refresh"


def get_session(
    client: TestClient, session_id: str, headers: dict[str, str] = SSWS
) -> httpx.Response:
    return client.get(sessions_url(session_id), headers=headers)


def refresh_session(
    client: TestClient, session_id: str, headers: dict[str, str] = SSWS
) -> httpx.Response:
    return client.post(refresh_url(session_id), headers=headers)


def revoke_session(
    client: TestClient, session_id: str, headers: dict[str, str] = SSWS
) -> httpx.Response:
    return client.delete(sessions_url(session_id), headers=headers)


def revoke_user_sessions(
    client: TestClient, user_id: str, headers: dict[str, str] = SSWS, query: str = ""
) -> httpx.Response:
    return client.delete(f"/okta/api/v1/users/{user_id}/sessions{query}", headers=headers)


# --- assertions -----------------------------------------------------------------------------


def assert_headers(response: httpx.Response, *, rate_limited_path: bool = True) -> None:
    """What every Okta response carries: Date, X-Okta-Request-Id and, on the paths of a
    rate limit bucket, X-Rate-Limit-Limit/Remaining/Reset as integers."""
    assert IMF_FIXDATE.match(response.headers["date"]), response.headers["date"]
    assert REQUEST_ID.match(response.headers["x-okta-request-id"])
    assert len(response.headers.get_list("x-okta-request-id")) == 1
    if rate_limited_path:
        for name in RATE_HEADERS:
            values = response.headers.get_list(name)
            assert len(values) == 1, (name, values)  # one value: Node's SDK chokes on a comma
            assert values[0].isdigit(), (name, values)
    else:
        assert not any(name in response.headers for name in RATE_HEADERS)
    _assert_cookies(response, rate_limited_path)


SESSION_CLEARED = ['sid="";Version=1;Path=/;Max-Age=0', 'xids="";Version=1;Path=/;Max-Age=0']
UI_CLEARED = [
    'autolaunch_triggered=""; Expires=Thu, 01 Jan 1970 00:00:10 GMT; Path=/',
    'activate_ca_modal_triggered=""; Expires=Thu, 01 Jan 1970 00:00:10 GMT; Path=/',
]
JSESSIONID = re.compile(r"^JSESSIONID=[0-9A-F]{32}; Path=/; Secure; HttpOnly$")


CURRENT_SESSION = re.compile(r"/api/v1/(sessions|users)/me(/|$)")
REFRESH_BY_ID = re.compile(r"/api/v1/sessions/(?!me/)[^/]+/lifecycle/refresh$")


def session_cookies(session: dict) -> list[str]:
    """What refreshSession by id sets, as recorded: `xids` (the second id that the
    session's `_links` name), then `sid`."""
    alias = session["_links"]["self"]["href"].rsplit("/", 1)[1]
    return [f"xids={alias};Version=1;Path=/;Secure", f"sid={session['id']};Version=1;Path=/;Secure"]


def assert_api_cookies(response: httpx.Response, session: list[str] = SESSION_CLEARED) -> None:
    """The cookies of a recorded Okta API call: the session cookies (cleared, unless given),
    the two UI cookies cleared, and a fresh JSESSIONID, one Set-Cookie header each."""
    cookies = response.headers.get_list("set-cookie")
    assert cookies[:-1] == [*session, *UI_CLEARED], cookies
    assert JSESSIONID.match(cookies[-1]), cookies


def _assert_cookies(response: httpx.Response, rate_limited_path: bool) -> None:
    """API calls on the bucket paths get Okta's cookies; the cookie-authenticated
    /sessions/me calls keep the caller's cookie, except a close, which clears it."""
    request = response.request
    if CURRENT_SESSION.search(request.url.path):
        closed = request.method == "DELETE" and response.status_code == 204
        assert response.headers.get_list("set-cookie") == (SESSION_CLEARED if closed else [])
    elif REFRESH_BY_ID.search(request.url.path) and response.status_code == 200:
        assert_api_cookies(response, session_cookies(response.json()))
    elif rate_limited_path:
        assert_api_cookies(response)
    else:
        assert "set-cookie" not in response.headers


def assert_json(response: httpx.Response, status: int) -> dict:
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/json"
    assert_headers(response)
    return response.json()


def assert_error(
    response: httpx.Response,
    status: int,
    error: tuple[str, str],
    *,
    rate_limited_path: bool = True,
) -> dict:
    """An Okta Error body with exactly this status, errorCode and errorSummary."""
    code, summary = error
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/json"
    assert_headers(response, rate_limited_path=rate_limited_path)
    body = response.json()
    assert list(body) == ["errorCode", "errorSummary", "errorLink", "errorId", "errorCauses"]
    assert body["errorCode"] == code
    assert body["errorSummary"] == summary
    assert body["errorLink"] == code
    assert ERROR_ID.match(body["errorId"]), body["errorId"]
    assert body["errorCauses"] == []
    return body


def not_found(name: str) -> tuple[str, str]:
    return ("E0000007", f"Not found: Resource not found: {name}")


def assert_session(
    body: dict,
    user: dict = ANNA,
    *,
    created_at: str,
    expires_at: str,
    password_verified_at: str | None = None,
) -> None:
    """A Session in Okta's key order for this user, with these times (links not checked)."""
    assert list(body) == SESSION_KEYS
    assert SESSION_ID.match(body["id"]), body["id"]
    assert body["userId"] == user["id"]
    assert body["login"] == user["login"]
    assert body["createdAt"] == created_at
    assert body["expiresAt"] == expires_at
    assert body["status"] == "ACTIVE"
    assert body["lastPasswordVerification"] == (password_verified_at or created_at)
    assert body["lastFactorVerification"] is None
    assert body["amr"] == ["pwd"]
    assert body["idp"] == {"id": ORG_ID, "type": "OKTA"}
    assert body["mfaActive"] is False


def current_links(user: dict = ANNA, org: str = ORG) -> dict:
    """The `_links` of a session reached through createSession or the cookie."""
    return {
        "self": {"href": f"{org}/api/v1/sessions/me", "hints": {"allow": ["GET", "DELETE"]}},
        "refresh": {
            "href": f"{org}/api/v1/sessions/me/lifecycle/refresh",
            "hints": {"allow": ["POST"]},
        },
        "user": {
            "href": f"{org}/api/v1/users/me",
            "name": f"{user['firstName']} {user['lastName']}",
            "hints": {"allow": ["GET"]},
        },
    }


def assert_links_by_id(body: dict, user: dict = ANNA, org: str = ORG) -> None:
    """A session read by id links to itself under a second opaque id, and to its user."""
    links = body["_links"]
    self_href = links["self"]["href"]
    alias = re.fullmatch(rf"{re.escape(org)}/api/v1/sessions/(102[A-Za-z0-9_-]{{22}})", self_href)
    assert alias, self_href
    assert alias.group(1) != body["id"]
    assert links["self"]["hints"] == {"allow": ["GET", "DELETE"]}
    assert links["refresh"] == {
        "href": f"{self_href}/lifecycle/refresh",
        "hints": {"allow": ["POST"]},
    }
    assert links["user"] == {
        "href": f"{org}/api/v1/users/{user['id']}",
        "name": f"{user['firstName']} {user['lastName']}",
        "hints": {"allow": ["GET"]},
    }
