"""POST /okta/api/v1/authn: primary authentication, the sessionToken it issues, lockout."""

from __future__ import annotations

from datetime import timedelta

import pytest
from starlette.testclient import TestClient

from tests.okta.support import (
    ANNA,
    AUTHENTICATION_FAILED,
    BEN,
    LOCKOUT_ATTEMPTS,
    LOCKOUT_MINUTES,
    NOT_WELL_FORMED,
    NOW,
    ORG,
    SSWS,
    SUSPENDED,
    advance,
    assert_api_cookies,
    assert_error,
    assert_json,
    at,
    authn,
    create_session,
    freeze,
    set_settings,
)

AUTHN = "/okta/api/v1/authn"


def fail(client: TestClient, user: dict = ANNA, times: int = 1) -> None:
    """Sign in with a wrong password, `times` times, each a plain 401 E0000004."""
    for _ in range(times):
        assert_error(authn(client, user, password="wrong password"), 401, AUTHENTICATION_FAILED)


def test_success_carries_a_session_token_and_the_user(okta: TestClient) -> None:
    body = assert_json(authn(okta), 200)
    assert list(body) == ["expiresAt", "status", "sessionToken", "_embedded", "_links"]
    assert body["status"] == "SUCCESS"
    assert body["expiresAt"] == at(minutes=5)
    assert isinstance(body["sessionToken"], str) and len(body["sessionToken"]) >= 20
    assert body["_embedded"] == {
        "user": {
            "id": ANNA["id"],
            "passwordChanged": at(),  # seeded with the clock frozen at NOW
            "profile": {
                "login": ANNA["login"],
                "firstName": "Anna",
                "lastName": "Lind",
                "locale": "sv_SE",
                "timeZone": "Europe/Stockholm",
            },
        }
    }
    assert body["_links"] == {
        "cancel": {"href": f"{ORG}/api/v1/authn/cancel", "hints": {"allow": ["POST"]}}
    }
    assert_api_cookies(authn(okta))  # as recorded: authn clears the browser session too


def test_profile_defaults_to_okta_locale_and_time_zone(okta: TestClient) -> None:
    profile = assert_json(authn(okta, BEN), 200)["_embedded"]["user"]["profile"]
    assert profile == {
        "login": BEN["login"],
        "firstName": "Ben",
        "lastName": "Okafor",
        "locale": "en_US",
        "timeZone": "America/Los_Angeles",
    }


def test_expires_at_has_second_precision(okta: TestClient) -> None:
    freeze(okta, NOW + timedelta(seconds=7, milliseconds=750))
    assert assert_json(authn(okta), 200)["expiresAt"] == at(minutes=5, seconds=7)


def test_each_success_is_a_new_session_token(okta: TestClient) -> None:
    first = assert_json(authn(okta), 200)["sessionToken"]
    second = assert_json(authn(okta), 200)["sessionToken"]
    assert first != second


@pytest.mark.parametrize("login", [ANNA["login"].upper(), "Anna.Lind@Example.COM"])
def test_username_matches_case_insensitively(okta: TestClient, login: str) -> None:
    response = okta.post(AUTHN, json={"username": login, "password": ANNA["password"]})
    user = assert_json(response, 200)["_embedded"]["user"]
    assert user["id"] == ANNA["id"]
    assert user["profile"]["login"] == ANNA["login"]  # as stored, not as typed


def test_password_is_case_sensitive(okta: TestClient) -> None:
    response = authn(okta, password=ANNA["password"].upper())
    assert_error(response, 401, AUTHENTICATION_FAILED)


def test_documented_options_and_context_are_accepted(okta: TestClient) -> None:
    body = {
        "username": ANNA["login"],
        "password": ANNA["password"],
        "options": {"multiOptionalFactorEnroll": False, "warnBeforePasswordExpired": False},
        "context": {"deviceToken": "26q43Ak9Eh04p7H6Nnx0m69JqYOrfVBY"},
    }
    assert assert_json(okta.post(AUTHN, json=body), 200)["status"] == "SUCCESS"


def test_api_token_is_optional(okta: TestClient) -> None:
    body = {"username": ANNA["login"], "password": ANNA["password"]}
    assert assert_json(okta.post(AUTHN, json=body, headers=SSWS), 200)["status"] == "SUCCESS"


@pytest.mark.parametrize(
    ("username", "password"),
    [
        (ANNA["login"], "wrong password"),
        (ANNA["login"], ""),
        ("nobody@example.com", ANNA["password"]),
        (BEN["login"], ANNA["password"]),  # another user's password
    ],
)
def test_bad_credentials_are_401_authentication_failed(
    okta: TestClient, username: str, password: str
) -> None:
    response = okta.post(AUTHN, json={"username": username, "password": password})
    assert_error(response, 401, AUTHENTICATION_FAILED)


@pytest.mark.parametrize("show_lockout_failures", [False, True])
def test_a_user_who_is_not_active_cannot_authenticate(
    okta: TestClient, show_lockout_failures: bool
) -> None:
    set_settings(okta, show_lockout_failures=show_lockout_failures)
    assert_error(authn(okta, SUSPENDED), 401, AUTHENTICATION_FAILED)
    assert_error(authn(okta, SUSPENDED, password="wrong"), 401, AUTHENTICATION_FAILED)


def test_a_user_suspended_after_authn_cannot_redeem_the_token(okta: TestClient) -> None:
    token = assert_json(authn(okta), 200)["sessionToken"]
    okta.post("/_admin/seed", json={"okta": {"users": [{**ANNA, "status": "SUSPENDED"}]}})
    assert_error(create_session(okta, token), 401, AUTHENTICATION_FAILED)


# --- lockout ------------------------------------------------------------------------------


def test_fewer_failures_than_the_limit_do_not_lock(okta: TestClient) -> None:
    fail(okta, times=LOCKOUT_ATTEMPTS - 1)
    assert assert_json(authn(okta), 200)["status"] == "SUCCESS"


def test_lockout_hides_behind_authentication_failed_by_default(okta: TestClient) -> None:
    fail(okta, times=LOCKOUT_ATTEMPTS)
    assert_error(authn(okta), 401, AUTHENTICATION_FAILED)  # even the right password
    assert_json(authn(okta, BEN), 200)  # only Anna is locked


def test_lockout_shows_locked_out_when_the_policy_says_so(okta: TestClient) -> None:
    set_settings(okta, show_lockout_failures=True)
    fail(okta, times=LOCKOUT_ATTEMPTS)
    for password in (ANNA["password"], "wrong password"):
        body = assert_json(authn(okta, password=password), 200)
        assert body == {
            "status": "LOCKED_OUT",
            "_links": {
                "next": {
                    "name": "unlock",
                    "href": f"{ORG}/api/v1/authn/recovery/unlock",
                    "hints": {"allow": ["POST"]},
                }
            },
        }
        assert "sessionToken" not in body


def test_an_unknown_user_is_never_locked_out(okta: TestClient) -> None:
    set_settings(okta, show_lockout_failures=True)
    nobody = {"login": "nobody@example.com", "password": "whatever"}
    for _ in range(LOCKOUT_ATTEMPTS + 2):
        assert_error(authn(okta, nobody), 401, AUTHENTICATION_FAILED)


@pytest.mark.parametrize("show_lockout_failures", [False, True])
def test_the_lock_ends_after_lockout_minutes(okta: TestClient, show_lockout_failures: bool) -> None:
    set_settings(okta, show_lockout_failures=show_lockout_failures)
    fail(okta, times=LOCKOUT_ATTEMPTS)
    advance(okta, LOCKOUT_MINUTES * 60 - 1)
    locked = authn(okta)
    assert locked.status_code == (200 if show_lockout_failures else 401)
    assert "sessionToken" not in locked.json()
    advance(okta, 1)
    body = assert_json(authn(okta), 200)
    assert body["status"] == "SUCCESS"
    assert body["expiresAt"] == at(minutes=LOCKOUT_MINUTES + 5)


def test_lockout_follows_the_fixture_settings(okta: TestClient) -> None:
    set_settings(okta, lockout_attempts=1, lockout_minutes=2)
    fail(okta)
    assert_error(authn(okta), 401, AUTHENTICATION_FAILED)
    advance(okta, 120)
    assert_json(authn(okta), 200)


def test_lockout_attempts_zero_never_locks(okta: TestClient) -> None:
    set_settings(okta, lockout_attempts=0)
    fail(okta, times=12)
    assert_json(authn(okta), 200)


# --- unusable requests --------------------------------------------------------------------


@pytest.mark.parametrize(
    "content",
    [
        b"",
        b"{not json",
        b"[1, 2]",
        b'"a string"',
        b"{}",
        b'{"username": "anna.lind@example.com"}',
        b'{"password": "anna-secret-1"}',
        b'{"username": 5, "password": "anna-secret-1"}',
        b'{"username": "anna.lind@example.com", "password": "\xff\xfe"}',
    ],
)
def test_an_unusable_body_is_400_not_well_formed(okta: TestClient, content: bytes) -> None:
    response = okta.post(AUTHN, content=content, headers={"Content-Type": "application/json"})
    assert_error(response, 400, NOT_WELL_FORMED)


def test_json_with_a_charset_is_json(okta: TestClient) -> None:
    content = b'{"username": "anna.lind@example.com", "password": "anna-secret-1"}'
    headers = {"Content-Type": "application/json; charset=utf-8"}
    assert assert_json(okta.post(AUTHN, content=content, headers=headers), 200)["sessionToken"]


@pytest.mark.parametrize(
    ("content", "content_type"),
    [
        (
            b"username=anna.lind%40example.com&password=anna-secret-1",
            "application/x-www-form-urlencoded",
        ),
        (b'{"username": "anna.lind@example.com", "password": "anna-secret-1"}', "text/plain"),
    ],
)
def test_a_body_that_is_not_json_is_415(
    okta: TestClient, content: bytes, content_type: str
) -> None:
    response = okta.post(AUTHN, content=content, headers={"Content-Type": content_type})
    assert_error(response, 415, NOT_WELL_FORMED)
