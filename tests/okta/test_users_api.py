"""GET /api/v1/users/{userId} and /api/v1/users/me (read-only, Okta's user shape), and the
per-user mfaActive of the fixture."""

from __future__ import annotations

import pytest
from starlette.testclient import TestClient

from tests.okta.support import (
    ANNA,
    BEN,
    INVALID_TOKEN,
    NO_PERMISSION,
    ORG,
    READ_TOKEN,
    SSWS,
    SUSPENDED,
    USERS_TOKEN,
    advance,
    assert_error,
    assert_json,
    at,
    bearer,
    new_session,
    not_found,
    seed,
    session_token,
    sid_cookie,
)

USERS = "/okta/api/v1/users"
USER_KEYS = [
    "id",
    "status",
    "created",
    "activated",
    "statusChanged",
    "lastLogin",
    "lastUpdated",
    "passwordChanged",
    "profile",
    "credentials",
    "_links",
]


def expected_user(user: dict, last_login: str | None, **profile: str) -> dict:
    return {
        "id": user["id"],
        "status": user.get("status", "ACTIVE"),
        "created": at(),
        "activated": at(),
        "statusChanged": at(),
        "lastLogin": last_login,
        "lastUpdated": at(),
        "passwordChanged": at(),
        "profile": {
            "firstName": user["firstName"],
            "lastName": user["lastName"],
            "mobilePhone": None,
            "secondEmail": None,
            "login": user["login"],
            "email": user["login"],
            **profile,
        },
        "credentials": {"password": {}, "provider": {"type": "OKTA", "name": "OKTA"}},
        "_links": links(user["id"], user.get("status", "ACTIVE")),
    }


def links(user_id: str, status: str) -> dict:
    """A single user's links, as recorded from Okta, among the operations Sessim serves."""
    href = f"{ORG}/api/v1/users/{user_id}"
    names = {
        "ACTIVE": ["suspend", "expire_password", "self", "deactivate"],
        "SUSPENDED": ["unsuspend", "self", "deactivate"],
        "LOCKED_OUT": ["unlock", "self", "deactivate"],
    }[status]
    lifecycle = {"expire_password": "expirePassword"}
    return {
        lifecycle.get(name, name): {"href": href}
        if name == "self"
        else {"href": f"{href}/lifecycle/{name}", "method": "POST"}
        for name in names
    }


def test_get_user_by_id_as_the_users_api_returns_it(okta: TestClient) -> None:
    body = assert_json(okta.get(f"{USERS}/{ANNA['id']}", headers=SSWS), 200)
    assert list(body) == USER_KEYS
    assert body == expected_user(ANNA, None, locale="sv_SE", timeZone="Europe/Stockholm")


def test_last_login_is_the_last_authentication(okta: TestClient) -> None:
    advance(okta, 90)
    session_token(okta, BEN)
    body = assert_json(okta.get(f"{USERS}/{BEN['id']}", headers=SSWS), 200)
    defaults = {"locale": "en_US", "timeZone": "America/Los_Angeles"}
    assert body == expected_user(BEN, at(seconds=90), **defaults)


def test_get_user_by_login(okta: TestClient) -> None:
    body = assert_json(okta.get(f"{USERS}/{SUSPENDED['login']}", headers=SSWS), 200)
    assert (body["id"], body["status"]) == (SUSPENDED["id"], "SUSPENDED")


@pytest.mark.parametrize("user_id", ["00uUnknownUser000000", "nobody@example.com"])
def test_an_unknown_user_is_404(okta: TestClient, user_id: str) -> None:
    response = okta.get(f"{USERS}/{user_id}", headers=SSWS)
    assert_error(response, 404, not_found(f"{user_id} (User)"))


def test_get_user_needs_credentials_and_a_users_scope(okta: TestClient) -> None:
    url = f"{USERS}/{ANNA['id']}"
    assert_error(okta.get(url), 401, INVALID_TOKEN)
    assert_error(okta.get(url, headers=bearer(READ_TOKEN)), 403, NO_PERMISSION)
    assert assert_json(okta.get(url, headers=bearer(USERS_TOKEN)), 200)["id"] == ANNA["id"]


def test_the_current_user_through_the_cookie(okta: TestClient) -> None:
    session = new_session(okta)
    okta.cookies.clear()
    user_href = session["_links"]["user"]["href"]
    assert user_href == f"{ORG}/api/v1/users/me"
    response = okta.get(
        user_href.removeprefix("http://testserver"), headers=sid_cookie(session["id"])
    )
    body = assert_json(response, 200)
    assert body == expected_user(ANNA, at(), locale="sv_SE", timeZone="Europe/Stockholm")
    assert "set-cookie" not in response.headers  # the cookie's call keeps the cookie


@pytest.mark.parametrize("cookie", [None, "sid=102AAAAAAAAAAAAAAAAAAAAAA"])
def test_the_current_user_without_a_live_session_is_404(
    okta: TestClient, cookie: str | None
) -> None:
    headers = {**SSWS, **({"Cookie": cookie} if cookie else {})}
    assert_error(okta.get(f"{USERS}/me", headers=headers), 404, not_found("me (User)"))


def test_the_user_link_of_a_session_read_by_id_leads_to_the_user(okta: TestClient) -> None:
    session = new_session(okta)
    read = assert_json(okta.get(f"/okta/api/v1/sessions/{session['id']}", headers=SSWS), 200)
    href = read["_links"]["user"]["href"].removeprefix("http://testserver")
    assert assert_json(okta.get(href, headers=SSWS), 200)["id"] == ANNA["id"]


def test_mfa_active_is_a_per_user_fixture_field(okta: TestClient) -> None:
    assert new_session(okta)["mfaActive"] is False  # the default
    seed(okta, {"okta": {"users": [{**BEN, "mfaActive": True}]}})
    assert new_session(okta, BEN)["mfaActive"] is True
    assert new_session(okta)["mfaActive"] is False
