"""The Okta Sessions API through HTTP: createSession, the session by id, /sessions/me,
revokeUserSessions, credentials and scopes, and errors for unknown paths and methods."""

from __future__ import annotations

from datetime import timedelta
from functools import partial

import httpx
import pytest
from sessim.okta.contract import UNLIMITED
from starlette.testclient import TestClient

from tests.conftest import ADMIN, RACE_ROUNDS, race_requests
from tests.okta.support import (
    ANNA,
    API_TOKEN,
    AUTHENTICATION_FAILED,
    BEN,
    ERROR_ID,
    FIXTURE,
    INVALID_TOKEN,
    MANAGE_TOKEN,
    METHOD_NOT_SUPPORTED,
    NO_PERMISSION,
    NOT_WELL_FORMED,
    NOW,
    ORG_ID,
    READ_TOKEN,
    SESSION_CLEARED,
    SESSION_ID,
    SSWS,
    SUSPENDED,
    USERS_TOKEN,
    advance,
    assert_api_cookies,
    assert_error,
    assert_headers,
    assert_json,
    assert_links_by_id,
    assert_session,
    at,
    authn,
    bearer,
    create_session,
    current_links,
    freeze,
    get_session,
    new_session,
    not_found,
    refresh_session,
    refresh_url,
    revoke_session,
    revoke_user_sessions,
    seed,
    session_token,
    sessions_url,
    set_settings,
    sid_cookie,
)

SESSIONS = "/okta/api/v1/sessions"
ME = "/okta/api/v1/sessions/me"
ME_REFRESH = "/okta/api/v1/sessions/me/lifecycle/refresh"
CURRENT_NOT_FOUND = not_found("me (Session)")
UNKNOWN_ID = "102AAAAAAAAAAAAAAAAAAAAAA"


def app_session(session_id: str) -> tuple[str, str]:
    return not_found(f"{session_id} (AppSession)")


# --- createSession ------------------------------------------------------------------------


def test_create_session_redeems_the_session_token(okta: TestClient) -> None:
    response = create_session(okta, session_token(okta))
    body = assert_json(response, 200)
    assert_session(body, created_at=at(), expires_at=at(minutes=120))
    assert body["_links"] == current_links()
    assert_api_cookies(response)  # an API caller gets no sid cookie: it is cleared


def test_ssws_without_a_space_is_accepted(okta: TestClient) -> None:
    response = create_session(okta, session_token(okta), {"Authorization": f"SSWS{API_TOKEN}"})
    assert SESSION_ID.match(assert_json(response, 200)["id"])


def test_session_times_have_second_precision(okta: TestClient) -> None:
    freeze(okta, NOW + timedelta(milliseconds=999))
    body = assert_json(create_session(okta, session_token(okta)), 200)
    assert (body["createdAt"], body["expiresAt"]) == (at(), at(minutes=120))


def test_last_password_verification_is_the_authn_time(okta: TestClient) -> None:
    token = session_token(okta)
    advance(okta, 90)
    body = assert_json(create_session(okta, token), 200)
    assert_session(
        body,
        created_at=at(seconds=90),
        expires_at=at(minutes=120, seconds=90),
        password_verified_at=at(),
    )


def test_each_session_has_its_own_id(okta: TestClient) -> None:
    ids = {new_session(okta)["id"] for _ in range(3)}
    assert len(ids) == 3


def test_sessions_belong_to_the_user_who_signed_in(okta: TestClient) -> None:
    body = new_session(okta, BEN)
    assert_session(body, BEN, created_at=at(), expires_at=at(minutes=120))
    assert body["_links"] == current_links(BEN)


def test_expiry_follows_the_session_idle_minutes_setting(okta: TestClient) -> None:
    set_settings(okta, session_idle_minutes=15)
    body = new_session(okta)
    assert body["expiresAt"] == at(minutes=15)
    advance(okta, 15 * 60 - 1)
    assert_json(get_session(okta, body["id"]), 200)
    advance(okta, 1)
    assert_error(get_session(okta, body["id"]), 404, app_session(body["id"]))


def test_max_lifetime_caps_the_first_expiry(okta: TestClient) -> None:
    set_settings(okta, session_max_lifetime_minutes=45)
    assert new_session(okta)["expiresAt"] == at(minutes=45)


def test_org_id_is_made_up_and_kept_when_the_fixture_has_none(okta: TestClient) -> None:
    okta.post("/_admin/reset", headers=ADMIN)
    freeze(okta)
    seed(okta, {"okta": {key: value for key, value in FIXTURE["okta"].items() if key != "org_id"}})
    first, second = new_session(okta)["idp"], new_session(okta)["idp"]
    assert first["type"] == "OKTA"
    assert first["id"] != ORG_ID
    assert first["id"].startswith("00o") and len(first["id"]) == 20 and first["id"].isalnum()
    assert second == first


def test_a_session_token_works_once(okta: TestClient) -> None:
    token = session_token(okta)
    assert_json(create_session(okta, token), 200)
    assert_error(create_session(okta, token), 401, AUTHENTICATION_FAILED)


def test_a_session_token_expires_after_five_minutes(okta: TestClient) -> None:
    early, late = session_token(okta), session_token(okta)
    advance(okta, 299)
    assert_json(create_session(okta, early), 200)
    advance(okta, 2)
    assert_error(create_session(okta, late), 401, AUTHENTICATION_FAILED)


def test_a_session_token_expires_at_its_expires_at(okta: TestClient) -> None:
    token = session_token(okta)
    advance(okta, 300)
    assert_error(create_session(okta, token), 401, AUTHENTICATION_FAILED)


@pytest.mark.parametrize("token", ["20111unknown", "", "x" * 300])
def test_an_unknown_session_token_is_401(okta: TestClient, token: str) -> None:
    assert_error(create_session(okta, token), 401, AUTHENTICATION_FAILED)


def test_a_failed_create_does_not_spend_the_token(okta: TestClient) -> None:
    token = session_token(okta)
    assert_error(create_session(okta, token, {}), 401, INVALID_TOKEN)
    assert_json(create_session(okta, token), 200)


@pytest.mark.parametrize(
    "content",
    [b"", b"{not json", b"{}", b"[]", b'{"sessionToken": 5}', b'{"sessionToken": null}'],
)
def test_an_unusable_create_body_is_400(okta: TestClient, content: bytes) -> None:
    headers = {**SSWS, "Content-Type": "application/json"}
    assert_error(okta.post(SESSIONS, content=content, headers=headers), 400, NOT_WELL_FORMED)


def test_a_create_body_that_is_not_json_is_415(okta: TestClient) -> None:
    headers = {**SSWS, "Content-Type": "application/x-www-form-urlencoded"}
    response = okta.post(SESSIONS, content=b"sessionToken=abc", headers=headers)
    assert_error(response, 415, NOT_WELL_FORMED)


@pytest.mark.parametrize("token", [READ_TOKEN, MANAGE_TOKEN, USERS_TOKEN])
def test_create_session_takes_an_api_token_only(okta: TestClient, token: str) -> None:
    redeemable = session_token(okta)
    assert_error(create_session(okta, redeemable, bearer(token)), 401, INVALID_TOKEN)
    assert_json(create_session(okta, redeemable), 200)  # the token was not spent


# --- credentials ----------------------------------------------------------------------------

BAD_CREDENTIALS = [
    {},
    {"Authorization": ""},
    {"Authorization": "SSWS wrong"},
    {"Authorization": "SSWSwrong"},
    {"Authorization": "SSWS"},
    {"Authorization": "SSWS "},
    {"Authorization": "Bearer unknown"},
    {"Authorization": "Bearer"},
    {"Authorization": f"Bearer {API_TOKEN}"},  # an API token presented as an access token
    {"Authorization": f"SSWS {READ_TOKEN}"},  # an access token presented as an API token
    {"Authorization": "Basic x"},
    {"Authorization": API_TOKEN},
]


@pytest.mark.parametrize("headers", BAD_CREDENTIALS)
def test_bad_credentials_are_401_invalid_token(okta: TestClient, headers: dict) -> None:
    session_id = new_session(okta)["id"]
    assert_error(create_session(okta, session_token(okta), headers), 401, INVALID_TOKEN)
    assert_error(get_session(okta, session_id, headers), 401, INVALID_TOKEN)
    assert_error(refresh_session(okta, session_id, headers), 401, INVALID_TOKEN)
    assert_error(revoke_session(okta, session_id, headers), 401, INVALID_TOKEN)
    assert_error(revoke_user_sessions(okta, ANNA["id"], headers), 401, INVALID_TOKEN)
    assert_json(get_session(okta, session_id), 200)  # nothing happened to it


def test_credentials_are_checked_before_the_session(okta: TestClient) -> None:
    assert_error(get_session(okta, UNKNOWN_ID, {}), 401, INVALID_TOKEN)


def test_sessions_read_scope_reads_but_does_not_manage(okta: TestClient) -> None:
    session_id = new_session(okta)["id"]
    assert_json(get_session(okta, session_id, bearer(READ_TOKEN)), 200)
    assert_error(refresh_session(okta, session_id, bearer(READ_TOKEN)), 403, NO_PERMISSION)
    assert_error(revoke_session(okta, session_id, bearer(READ_TOKEN)), 403, NO_PERMISSION)
    assert_error(revoke_user_sessions(okta, ANNA["id"], bearer(READ_TOKEN)), 403, NO_PERMISSION)
    assert_json(get_session(okta, session_id), 200)  # still alive


def test_sessions_manage_scope_refreshes_and_revokes(okta: TestClient) -> None:
    session_id = new_session(okta)["id"]
    assert_json(refresh_session(okta, session_id, bearer(MANAGE_TOKEN)), 200)
    assert revoke_session(okta, session_id, bearer(MANAGE_TOKEN)).status_code == 204
    assert_error(get_session(okta, session_id), 404, app_session(session_id))


def test_revoke_user_sessions_needs_users_manage(okta: TestClient) -> None:
    session_id = new_session(okta)["id"]
    denied = revoke_user_sessions(okta, ANNA["id"], bearer(MANAGE_TOKEN))
    assert_error(denied, 403, NO_PERMISSION)
    assert_json(get_session(okta, session_id), 200)
    assert revoke_user_sessions(okta, ANNA["id"], bearer(USERS_TOKEN)).status_code == 204
    assert_error(get_session(okta, session_id), 404, app_session(session_id))


def test_users_manage_scope_does_not_manage_sessions_by_id(okta: TestClient) -> None:
    session_id = new_session(okta)["id"]
    assert_error(get_session(okta, session_id, bearer(USERS_TOKEN)), 403, NO_PERMISSION)
    assert_error(revoke_session(okta, session_id, bearer(USERS_TOKEN)), 403, NO_PERMISSION)


# --- getSession, refreshSession, revokeSession -----------------------------------------------


def test_get_session_by_id(okta: TestClient) -> None:
    created = new_session(okta)
    advance(okta, 60)
    body = assert_json(get_session(okta, created["id"]), 200)
    assert_session(body, created_at=at(), expires_at=at(minutes=120))  # reading does not slide
    assert body["id"] == created["id"]
    assert_links_by_id(body)


def test_each_session_links_to_its_own_alias(okta: TestClient) -> None:
    first, second = new_session(okta)["id"], new_session(okta)["id"]
    aliases = {
        assert_json(get_session(okta, session_id), 200)["_links"]["self"]["href"]
        for session_id in (first, second)
    }
    assert len(aliases) == 2


def test_get_session_with_ssws_without_a_space(okta: TestClient) -> None:
    session_id = new_session(okta)["id"]
    body = assert_json(get_session(okta, session_id, {"Authorization": f"SSWS{API_TOKEN}"}), 200)
    assert body["id"] == session_id


def test_a_session_expires_after_the_idle_timeout(okta: TestClient) -> None:
    session_id = new_session(okta)["id"]
    advance(okta, 120 * 60 - 1)
    assert_json(get_session(okta, session_id), 200)
    advance(okta, 2)
    not_found_ = app_session(session_id)
    assert_error(get_session(okta, session_id), 404, not_found_)
    assert_error(refresh_session(okta, session_id), 404, not_found_)
    assert_error(revoke_session(okta, session_id), 404, not_found_)


def test_refresh_slides_expires_at(okta: TestClient) -> None:
    session_id = new_session(okta)["id"]
    advance(okta, 30 * 60)
    body = assert_json(refresh_session(okta, session_id), 200)
    assert_session(body, created_at=at(), expires_at=at(minutes=150))
    assert_links_by_id(body)
    assert assert_json(get_session(okta, session_id), 200)["expiresAt"] == at(minutes=150)
    advance(okta, 119 * 60)  # 149 minutes after creation: past the first expiry, alive
    assert_json(get_session(okta, session_id), 200)
    advance(okta, 60)
    assert_error(get_session(okta, session_id), 404, app_session(session_id))


def test_refresh_reads_no_body_and_no_content_type(okta: TestClient) -> None:
    """Okta's Python SDK sends an empty application/octet-stream body with refresh."""
    session_id = new_session(okta)["id"]
    headers = {**SSWS, "Content-Type": "application/octet-stream"}
    assert_json(okta.post(refresh_url(session_id), content=b"", headers=headers), 200)
    headers = {**SSWS, "Content-Type": "application/json"}
    assert_json(okta.post(refresh_url(session_id), content=b"not json", headers=headers), 200)


def test_refresh_never_passes_the_max_lifetime(okta: TestClient) -> None:
    set_settings(okta, session_max_lifetime_minutes=150)
    session_id = new_session(okta)["id"]
    assert assert_json(get_session(okta, session_id), 200)["expiresAt"] == at(minutes=120)
    advance(okta, 60 * 60)
    assert assert_json(refresh_session(okta, session_id), 200)["expiresAt"] == at(minutes=150)
    advance(okta, 89 * 60)
    assert assert_json(refresh_session(okta, session_id), 200)["expiresAt"] == at(minutes=150)
    advance(okta, 60)
    assert_error(refresh_session(okta, session_id), 404, app_session(session_id))


def test_refresh_never_moves_expires_at_backwards(okta: TestClient) -> None:
    session_id = new_session(okta)["id"]
    set_settings(okta, session_idle_minutes=10)
    advance(okta, 60)
    assert assert_json(refresh_session(okta, session_id), 200)["expiresAt"] == at(minutes=120)
    assert new_session(okta)["expiresAt"] == at(minutes=11)  # new sessions take the new idle


def test_revoke_session(okta: TestClient) -> None:
    session_id = new_session(okta)["id"]
    other_id = new_session(okta)["id"]
    response = revoke_session(okta, session_id)
    assert response.status_code == 204
    assert response.content == b""
    assert "content-type" not in response.headers
    assert_headers(response)
    not_found_ = app_session(session_id)
    assert_error(get_session(okta, session_id), 404, not_found_)
    assert_error(refresh_session(okta, session_id), 404, not_found_)
    assert_error(revoke_session(okta, session_id), 404, not_found_)
    assert_error(okta.get(ME, headers=sid_cookie(session_id)), 404, CURRENT_NOT_FOUND)
    assert_json(get_session(okta, other_id), 200)  # only that one


def test_revoke_with_the_headers_of_okta_python_sdk_2(okta: TestClient) -> None:
    """PY2 sends Content-Type: application/json (and no body) on DELETE and GET."""
    session_id = new_session(okta)["id"]
    headers = {**SSWS, "Content-Type": "application/json", "Content-Length": "0"}
    assert_json(okta.get(sessions_url(session_id), headers=headers), 200)
    assert okta.delete(sessions_url(session_id), headers=headers).status_code == 204


@pytest.mark.parametrize("session_id", [UNKNOWN_ID, "l7FbDVqS8zHSy65uJD85", "me-not"])
def test_an_unknown_session_is_404(okta: TestClient, session_id: str) -> None:
    not_found_ = app_session(session_id)
    assert_error(get_session(okta, session_id), 404, not_found_)
    assert_error(refresh_session(okta, session_id), 404, not_found_)
    assert_error(revoke_session(okta, session_id), 404, not_found_)


def test_an_id_with_a_line_break_is_404_in_okta_format(okta: TestClient) -> None:
    response = okta.get(f"{SESSIONS}/%0A", headers=SSWS)
    assert response.status_code == 404
    assert response.json()["errorCode"] == "E0000007"
    assert response.json()["errorSummary"].startswith("Not found: Resource not found: ")


# --- /sessions/me ---------------------------------------------------------------------------


def test_current_session_through_the_cookie(okta: TestClient) -> None:
    session_id = new_session(okta)["id"]
    okta.cookies.clear()
    advance(okta, 30 * 60)
    body = assert_json(okta.get(ME, headers=sid_cookie(session_id)), 200)
    assert_session(body, created_at=at(), expires_at=at(minutes=120))
    assert body["id"] == session_id
    assert body["_links"] == current_links()

    refreshed = assert_json(okta.post(ME_REFRESH, headers=sid_cookie(session_id)), 200)
    assert_session(refreshed, created_at=at(), expires_at=at(minutes=150))
    assert refreshed["_links"] == current_links()

    closed = okta.delete(ME, headers=sid_cookie(session_id))
    assert closed.status_code == 204
    assert closed.content == b""
    assert "content-type" not in closed.headers
    assert_headers(closed)
    assert closed.headers.get_list("set-cookie") == SESSION_CLEARED
    assert_error(get_session(okta, session_id), 404, app_session(session_id))


def test_current_session_ignores_the_api_token(okta: TestClient) -> None:
    session_id = new_session(okta)["id"]
    okta.cookies.clear()
    assert_error(okta.get(ME, headers=SSWS), 404, CURRENT_NOT_FOUND)
    headers = {**sid_cookie(session_id), "Authorization": "SSWS wrong"}
    assert assert_json(okta.get(ME, headers=headers), 200)["id"] == session_id


def test_create_session_clears_the_browser_session_as_okta_does(okta: TestClient) -> None:
    """Recorded: createSession answers an API caller with sid and xids cleared, never set."""
    created = create_session(okta, session_token(okta))
    cookies = created.headers.get_list("set-cookie")
    assert cookies[:2] == SESSION_CLEARED
    assert not any(created.json()["id"] in cookie for cookie in cookies)


def test_refresh_by_id_sets_sid_and_xids_which_work_on_me(okta: TestClient) -> None:
    """Recorded: the one API-token call that sets the browser session."""
    session = new_session(okta)
    refreshed = refresh_session(okta, session["id"])
    body = assert_json(refreshed, 200)
    alias = body["_links"]["self"]["href"].rsplit("/", 1)[1]
    assert refreshed.headers.get_list("set-cookie")[:2] == [
        f"xids={alias};Version=1;Path=/;Secure",
        f"sid={session['id']};Version=1;Path=/;Secure",
    ]
    assert alias != session["id"]
    okta.cookies.clear()
    sid = refreshed.headers.get_list("set-cookie")[1].split(";", 1)[0]
    assert assert_json(okta.get(ME, headers={"Cookie": sid}), 200)["id"] == session["id"]


@pytest.mark.parametrize("status", [401, 404])
def test_refresh_by_id_that_fails_clears_the_session_cookies(okta: TestClient, status: int) -> None:
    headers = SSWS if status == 404 else {"Authorization": "SSWS wrong"}
    response = refresh_session(okta, UNKNOWN_ID, headers)
    assert response.status_code == status
    assert_api_cookies(response)


@pytest.mark.parametrize(
    "cookie", [None, "sid=", f"sid={UNKNOWN_ID}", "other=1", "sid=%0A", "idx=abc"]
)
def test_current_session_without_a_live_cookie_is_404(okta: TestClient, cookie: str | None) -> None:
    new_session(okta)
    okta.cookies.clear()
    headers = {} if cookie is None else {"Cookie": cookie}
    assert_error(okta.get(ME, headers=headers), 404, CURRENT_NOT_FOUND)
    assert_error(okta.post(ME_REFRESH, headers=headers), 404, CURRENT_NOT_FOUND)
    assert_error(okta.delete(ME, headers=headers), 404, CURRENT_NOT_FOUND)


@pytest.mark.parametrize("how", ["revoked", "expired", "closed"])
def test_current_session_with_a_dead_cookie_is_404(okta: TestClient, how: str) -> None:
    session_id = new_session(okta)["id"]
    okta.cookies.clear()
    if how == "revoked":
        assert revoke_session(okta, session_id).status_code == 204
    elif how == "expired":
        advance(okta, 120 * 60)
    else:
        assert okta.delete(ME, headers=sid_cookie(session_id)).status_code == 204
    headers = sid_cookie(session_id)
    assert_error(okta.get(ME, headers=headers), 404, CURRENT_NOT_FOUND)
    assert_error(okta.post(ME_REFRESH, headers=headers), 404, CURRENT_NOT_FOUND)
    assert_error(okta.delete(ME, headers=headers), 404, CURRENT_NOT_FOUND)


# --- revokeUserSessions ---------------------------------------------------------------------


def test_revoke_user_sessions_ends_only_that_users_sessions(okta: TestClient) -> None:
    annas = [new_session(okta)["id"] for _ in range(3)]
    bens = new_session(okta, BEN)["id"]
    response = revoke_user_sessions(okta, ANNA["id"])
    assert response.status_code == 204
    assert response.content == b""
    assert "content-type" not in response.headers
    assert_headers(response)
    for session_id in annas:
        assert_error(get_session(okta, session_id), 404, app_session(session_id))
    assert_json(get_session(okta, bens), 200)
    assert new_session(okta)["id"] not in annas  # Anna can sign in again


@pytest.mark.parametrize(
    "query", ["", "?oauthTokens=true", "?oauthTokens=false&forgetDevices=false"]
)
def test_revoke_user_sessions_takes_the_documented_flags(okta: TestClient, query: str) -> None:
    session_id = new_session(okta)["id"]
    assert revoke_user_sessions(okta, ANNA["id"], query=query).status_code == 204
    assert_error(get_session(okta, session_id), 404, app_session(session_id))


def test_revoke_user_sessions_without_sessions_is_204(okta: TestClient) -> None:
    assert revoke_user_sessions(okta, SUSPENDED["id"]).status_code == 204
    assert revoke_user_sessions(okta, BEN["id"]).status_code == 204


@pytest.mark.parametrize("user_id", ["00uNoSuchUser000d7x9", "nobody"])
def test_revoke_sessions_of_an_unknown_user_is_404(okta: TestClient, user_id: str) -> None:
    assert_error(revoke_user_sessions(okta, user_id), 404, not_found(f"{user_id} (User)"))


@pytest.mark.parametrize(
    ("query", "name", "value"),
    [
        ("?oauthTokens=notabool", "oauthTokens", "notabool"),
        ("?forgetDevices=maybe", "forgetDevices", "maybe"),
    ],
)
def test_a_bad_query_parameter_is_400_api_validation_failed(
    okta: TestClient, query: str, name: str, value: str
) -> None:
    session_id = new_session(okta)["id"]
    response = revoke_user_sessions(okta, ANNA["id"], query=query)
    body = assert_json(response, 400)
    assert body["errorCode"] == body["errorLink"] == "E0000001"
    assert body["errorSummary"] == f"Api validation failed: {name}"
    cause = f"{name}: '{value}' is not of type 'boolean'"
    assert body["errorCauses"] == [{"errorSummary": cause}]
    assert_json(get_session(okta, session_id), 200)  # nothing was revoked


# --- routing --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("method", "path", "allow"),
    [
        ("PUT", f"{SESSIONS}/{UNKNOWN_ID}", "GET, DELETE"),
        ("PATCH", f"{SESSIONS}/{UNKNOWN_ID}", "GET, DELETE"),
        ("POST", f"{SESSIONS}/{UNKNOWN_ID}", "GET, DELETE"),
        ("GET", SESSIONS, "POST"),
        ("DELETE", SESSIONS, "POST"),
        ("GET", f"{SESSIONS}/{UNKNOWN_ID}/lifecycle/refresh", "POST"),
        ("PUT", ME, "GET, DELETE"),
        ("GET", ME_REFRESH, "POST"),
        ("GET", "/okta/api/v1/authn", "POST"),
        ("GET", f"/okta/api/v1/users/{ANNA['id']}/sessions", "DELETE"),
    ],
)
def test_a_method_a_path_does_not_have_is_405_with_allow(
    okta: TestClient, method: str, path: str, allow: str
) -> None:
    response = okta.request(method, path, headers=SSWS)
    assert_error(response, 405, METHOD_NOT_SUPPORTED)
    assert response.headers["allow"] == allow


def test_put_does_not_extend_a_session(okta: TestClient) -> None:
    """Okta's deprecated PUT /sessions/{id} is not served; the session is untouched."""
    session_id = new_session(okta)["id"]
    advance(okta, 60)
    assert okta.put(sessions_url(session_id), headers=SSWS).status_code == 405
    assert assert_json(get_session(okta, session_id), 200)["expiresAt"] == at(minutes=120)


@pytest.mark.parametrize(
    ("method", "path", "rate_limited_path"),
    [
        ("GET", "/okta/api/v1/groups", False),
        ("GET", "/okta/nothing", False),
        # authn paths Sessim does not serve (the unlock flow and cancel are: test_recovery_api).
        ("POST", "/okta/api/v1/authn/recovery/password", True),
        ("POST", "/okta/api/v1/authn/factors", True),
    ],
)
def test_an_unknown_path_is_404_in_okta_format(
    okta: TestClient, method: str, path: str, rate_limited_path: bool
) -> None:
    response = okta.request(method, path, headers=SSWS)
    assert response.status_code == 404
    assert response.headers["content-type"] == "application/json"
    assert_headers(response, rate_limited_path=rate_limited_path)
    body = response.json()
    assert list(body) == ["errorCode", "errorSummary", "errorLink", "errorId", "errorCauses"]
    assert body["errorCode"] == body["errorLink"] == "E0000007"
    assert body["errorSummary"].startswith("Not found: Resource not found: ")
    assert ERROR_ID.match(body["errorId"])
    assert body["errorCauses"] == []


def assert_trailing_slash_405(response: httpx.Response, allow: str) -> None:
    """As recorded for GET /api/v1/sessions/: 405 E0000022 answered before Okta's API layer,
    so with Date but no request id, rate limit headers or cookies; Allow as without it."""
    assert response.status_code == 405, response.text
    assert response.headers["content-type"] == "application/json"
    assert response.headers["allow"] == allow
    assert "date" in response.headers
    for absent in ("x-okta-request-id", "x-rate-limit-limit", "set-cookie", "location"):
        assert absent not in response.headers, absent
    body = response.json()
    assert list(body) == ["errorCode", "errorSummary", "errorLink", "errorId", "errorCauses"]
    assert (body["errorCode"], body["errorSummary"]) == METHOD_NOT_SUPPORTED
    assert body["errorLink"] == "E0000022"
    assert ERROR_ID.match(body["errorId"])
    assert body["errorCauses"] == []


@pytest.mark.parametrize(
    ("method", "path", "allow"),
    [
        ("GET", "/api/v1/sessions/", "POST"),  # the recorded call
        ("POST", "/api/v1/sessions/", "POST"),
        ("POST", "/api/v1/sessions//", "POST"),
        ("GET", f"/api/v1/sessions/{UNKNOWN_ID}/", "GET, DELETE"),
        ("DELETE", f"/api/v1/sessions/{UNKNOWN_ID}/", "GET, DELETE"),
        ("POST", f"/api/v1/sessions/{UNKNOWN_ID}/lifecycle/refresh/", "POST"),
        ("GET", "/api/v1/sessions/me/", "GET, DELETE"),
        ("POST", "/api/v1/sessions/me/lifecycle/refresh/", "POST"),
        ("POST", "/api/v1/authn/", "POST"),
        ("DELETE", f"/api/v1/users/{ANNA['id']}/sessions/", "DELETE"),
    ],
)
def test_a_trailing_slash_is_405_never_a_redirect(
    okta: TestClient, method: str, path: str, allow: str
) -> None:
    before = new_session(okta)["id"]
    response = okta.request(method, f"/okta{path}", headers=SSWS, follow_redirects=False)
    assert_trailing_slash_405(response, allow)
    assert_json(get_session(okta, before), 200)  # nothing ran: no revoke, no refresh


def test_a_trailing_slash_at_the_root_mount_is_405(at_root: TestClient) -> None:
    response = at_root.get("/api/v1/sessions/", headers=SSWS, follow_redirects=False)
    assert_trailing_slash_405(response, "POST")


def test_an_unknown_path_with_a_trailing_slash_is_the_unknown_path_404(okta: TestClient) -> None:
    response = okta.get("/okta/api/v1/groups/", headers=SSWS, follow_redirects=False)
    assert_error(response, 404, not_found("the requested path (Route)"), rate_limited_path=False)


def test_unknown_body_fields_and_query_parameters_are_ignored(okta: TestClient) -> None:
    token = session_token(okta)
    body = {"sessionToken": token, "extra": 1}
    url = f"{SESSIONS}?additionalFields=cookieToken"
    assert SESSION_ID.match(assert_json(okta.post(url, json=body, headers=SSWS), 200)["id"])


# --- --root okta ----------------------------------------------------------------------------


def test_root_okta_serves_the_api_at_the_root(at_root: TestClient) -> None:
    token = session_token(at_root, prefix="")
    response = create_session(at_root, token, prefix="")
    body = assert_json(response, 200)
    assert_session(body, created_at=at(), expires_at=at(minutes=120))
    assert body["_links"] == current_links(org="http://testserver")
    assert authn(at_root, prefix="").json()["_links"]["cancel"]["href"] == (
        "http://testserver/api/v1/authn/cancel"
    )
    read = assert_json(at_root.get(sessions_url(body["id"], ""), headers=SSWS), 200)
    assert_links_by_id(read, org="http://testserver")
    assert assert_json(at_root.get("/api/v1/sessions/me", headers=sid_cookie(body["id"])), 200)
    assert at_root.delete(sessions_url(body["id"], ""), headers=SSWS).status_code == 204
    gone = at_root.get(sessions_url(body["id"], "/okta"), headers=SSWS)  # one org, two mounts
    assert_error(gone, 404, app_session(body["id"]))
    assert at_root.get("/api/v1/groups").json()["errorCode"] == "E0000007"
    assert at_root.get("/_admin/health").status_code == 200


# --- concurrency ----------------------------------------------------------------------------


@pytest.mark.slow
def test_concurrent_creates_redeem_a_session_token_once(racers: list[httpx.Client]) -> None:
    """Twenty createSession calls with one sessionToken, spread over processes sharing one
    store and sent at one moment: exactly one redeems it, round after round."""
    settings = {**FIXTURE["okta"]["settings"], "rate_limits": UNLIMITED}  # 20 rounds of 20
    fixture = {"okta": {**FIXTURE["okta"], "settings": settings}}
    assert racers[0].post("/_admin/seed", json=fixture).status_code == 200
    credentials = {"username": ANNA["login"], "password": ANNA["password"]}
    for _ in range(RACE_ROUNDS):
        authn = racers[0].post("/okta/api/v1/authn", json=credentials)
        body = {"sessionToken": authn.json()["sessionToken"]}
        responses = race_requests(racers, partial(redeem, body=body))
        assert sorted(response.status_code for response in responses) == [200] + [401] * 19
        for response in responses:
            if response.status_code == 401:
                assert_error(response, 401, AUTHENTICATION_FAILED)
            else:
                assert SESSION_ID.match(response.json()["id"])


def redeem(http: httpx.Client, body: dict) -> httpx.Response:
    return http.post(SESSIONS, json=body, headers=SSWS)
