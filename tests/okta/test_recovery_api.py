"""Okta's self-service unlock (recovery/unlock, recovery/token, recovery/answer), cancel, and
the admin outbox that carries the recovery token."""

from __future__ import annotations

import httpx
from starlette.testclient import TestClient

from tests.conftest import ADMIN
from tests.okta.support import (
    ANNA,
    AUTHENTICATION_FAILED,
    BEN,
    INVALID_TOKEN,
    LOCKOUT_ATTEMPTS,
    LOCKOUT_MINUTES,
    NOT_WELL_FORMED,
    ORG,
    SSWS,
    SUSPENDED,
    advance,
    assert_api_cookies,
    assert_error,
    assert_json,
    at,
    authn,
    session_token,
)

UNLOCK = "/okta/api/v1/authn/recovery/unlock"
TOKEN = "/okta/api/v1/authn/recovery/token"
ANSWER = "/okta/api/v1/authn/recovery/answer"
CANCEL = "/okta/api/v1/authn/cancel"
CHALLENGE = {
    "status": "RECOVERY_CHALLENGE",
    "factorResult": "WAITING",
    "factorType": "EMAIL",
    "recoveryType": "UNLOCK",
}
ANNA_USER = {
    "id": ANNA["id"],
    "passwordChanged": at(),
    "profile": {
        "login": ANNA["login"],
        "firstName": "Anna",
        "lastName": "Lind",
        "locale": "sv_SE",
        "timeZone": "Europe/Stockholm",
    },
}


def lock(client: TestClient, user: dict = ANNA) -> None:
    for _ in range(LOCKOUT_ATTEMPTS):
        assert_error(authn(client, user, password="wrong"), 401, AUTHENTICATION_FAILED)
    assert_error(authn(client, user), 401, AUTHENTICATION_FAILED)  # even the right password


def user_status(client: TestClient, user: dict = ANNA) -> str:
    response = client.get(f"/okta/api/v1/users/{user['id']}", headers=SSWS)
    return assert_json(response, 200)["status"]


def outbox(client: TestClient, to: str | None = None) -> list[dict]:
    params = {"vendor": "okta", **({"to": to} if to else {})}
    response = client.get("/_admin/outbox", params=params)
    assert response.status_code == 200, response.text
    return response.json()["messages"]


def unlock(client: TestClient, username: str = ANNA["login"]) -> httpx.Response:
    return client.post(UNLOCK, json={"username": username, "factorType": "EMAIL"})


def recovery_token(client: TestClient, user: dict = ANNA) -> str:
    assert assert_json(unlock(client, user["login"]), 200) == CHALLENGE
    return outbox(client, user["login"])[-1]["data"]["recoveryToken"]


def verify(client: TestClient, token: str) -> httpx.Response:
    return client.post(TOKEN, json={"recoveryToken": token})


def state_token(client: TestClient, user: dict = ANNA) -> str:
    return assert_json(verify(client, recovery_token(client, user)), 200)["stateToken"]


def answer(client: TestClient, token: str) -> httpx.Response:
    return client.post(ANSWER, json={"stateToken": token, "answer": "anything"})


def test_unlock_answers_recovery_challenge_and_mails_a_token(okta: TestClient) -> None:
    response = unlock(okta, ANNA["login"].upper())  # logins match case-insensitively
    assert assert_json(response, 200) == CHALLENGE
    assert_api_cookies(response)
    [message] = outbox(okta, ANNA["login"])
    assert message["to"] == ANNA["login"]
    assert message["vendor"] == "okta"
    assert message["subject"] == "Account unlock"
    assert message["sentAt"] == "2026-03-01T10:00:00Z"
    assert message["expiresAt"] == "2026-03-01T11:00:00Z"  # the recovery token's hour
    token = message["data"]["recoveryToken"]
    assert len(token) == 20 and token.isalnum()
    assert message["data"] == {"recoveryToken": token, "recoveryType": "UNLOCK"}
    assert outbox(okta, BEN["login"]) == []


def test_unlock_tells_no_one_which_users_exist(okta: TestClient) -> None:
    for username in ("nobody@example.com", SUSPENDED["login"]):
        assert assert_json(unlock(okta, username), 200) == CHALLENGE
    assert outbox(okta) == []  # nothing sent to an unknown or inactive user


def test_unlock_refuses_other_factors_and_bad_bodies(okta: TestClient) -> None:
    for body in ({"username": ANNA["login"], "factorType": "SMS"}, {"username": ANNA["login"]}):
        assert okta.post(UNLOCK, json=body).status_code == 400
    assert_error(
        okta.post(UNLOCK, content=b"{", headers={"Content-Type": "application/json"}),
        400,
        NOT_WELL_FORMED,
    )
    assert outbox(okta) == []


def test_the_recovery_token_opens_a_recovery_transaction(okta: TestClient) -> None:
    response = verify(okta, recovery_token(okta))
    body = assert_json(response, 200)
    assert_api_cookies(response)
    assert list(body) == [
        "stateToken",
        "expiresAt",
        "status",
        "recoveryType",
        "_embedded",
        "_links",
    ]
    assert body["stateToken"].startswith("00") and len(body["stateToken"]) == 42
    assert body["expiresAt"] == at(minutes=5)
    assert body["status"] == "RECOVERY"
    assert body["recoveryType"] == "UNLOCK"
    assert body["_embedded"] == {"user": ANNA_USER}
    assert body["_links"] == {
        "next": {
            "name": "answer",
            "href": f"{ORG}/api/v1/authn/recovery/answer",
            "hints": {"allow": ["POST"]},
        },
        "cancel": {"href": f"{ORG}/api/v1/authn/cancel", "hints": {"allow": ["POST"]}},
    }


def test_the_recovery_token_works_once(okta: TestClient) -> None:
    token = recovery_token(okta)
    assert_json(verify(okta, token), 200)
    assert_error(verify(okta, token), 401, INVALID_TOKEN)
    assert_error(verify(okta, "not-a-token"), 401, INVALID_TOKEN)
    assert len(outbox(okta)) == 1  # spending it leaves the message where it was


def test_the_recovery_token_expires_after_an_hour_by_the_admin_clock(okta: TestClient) -> None:
    token = recovery_token(okta)
    advance(okta, 3600)
    assert outbox(okta) == []  # the message goes with its token
    assert_error(verify(okta, token), 401, INVALID_TOKEN)
    fresh = recovery_token(okta)
    advance(okta, 3599)
    assert_json(verify(okta, fresh), 200)


def test_the_answer_unlocks_the_user(okta: TestClient) -> None:
    lock(okta)
    assert user_status(okta) == "LOCKED_OUT"  # as the Users API reports a locked-out user
    token = state_token(okta)
    response = answer(okta, token)
    body = assert_json(response, 200)
    assert_api_cookies(response)
    assert body == {
        "expiresAt": at(minutes=5),
        "status": "SUCCESS",
        "recoveryType": "UNLOCK",
        "_embedded": {"user": ANNA_USER},
    }
    assert user_status(okta) == "ACTIVE"
    assert assert_json(authn(okta), 200)["status"] == "SUCCESS"  # the lockout is lifted
    assert_error(answer(okta, token), 401, INVALID_TOKEN)  # the stateToken works once


def test_the_answer_clears_failures_counted_towards_a_lockout(okta: TestClient) -> None:
    for _ in range(LOCKOUT_ATTEMPTS - 1):
        assert_error(authn(okta, password="wrong"), 401, AUTHENTICATION_FAILED)
    assert_json(answer(okta, state_token(okta)), 200)
    for _ in range(LOCKOUT_ATTEMPTS - 1):
        assert_error(authn(okta, password="wrong"), 401, AUTHENTICATION_FAILED)
    assert_json(authn(okta), 200)  # not locked: the count began again


def test_the_state_token_expires_after_five_minutes(okta: TestClient) -> None:
    lock(okta)
    token = state_token(okta)
    advance(okta, 300)
    assert_error(answer(okta, token), 401, INVALID_TOKEN)
    assert_error(authn(okta), 401, AUTHENTICATION_FAILED)  # still locked


def test_cancel_ends_the_recovery_transaction_and_keeps_the_lockout(okta: TestClient) -> None:
    lock(okta)
    token = state_token(okta)
    response = okta.post(CANCEL, json={"stateToken": token})
    assert assert_json(response, 200) == {"status": "UNAUTHENTICATED"}
    assert_api_cookies(response)
    assert_error(answer(okta, token), 401, INVALID_TOKEN)
    assert_error(okta.post(CANCEL, json={"stateToken": token}), 401, INVALID_TOKEN)
    assert_error(authn(okta), 401, AUTHENTICATION_FAILED)  # still locked
    assert user_status(okta) == "LOCKED_OUT"


def test_cancel_takes_no_session_token_or_recovery_token(okta: TestClient) -> None:
    for token in (session_token(okta), recovery_token(okta), "unknown"):
        assert_error(okta.post(CANCEL, json={"stateToken": token}), 401, INVALID_TOKEN)
    assert_error(okta.post(CANCEL, json={}), 400, NOT_WELL_FORMED)


def test_outbox_needs_a_vendor_and_takes_no_other_parameter(okta: TestClient) -> None:
    recovery_token(okta)
    assert okta.get("/_admin/outbox").status_code == 400
    for params in ({"vendor": "okta", "too": "x"}, {"vendor": "okta", "": "x"}):
        response = okta.get("/_admin/outbox", params=params)
        assert response.status_code == 400, response.text
        assert response.headers["content-type"] == "application/problem+json"
    assert okta.get("/_admin/outbox", params={"vendor": "nobody"}).json() == {"messages": []}


def test_outbox_lists_oldest_first_and_filters_by_recipient(okta: TestClient) -> None:
    first = recovery_token(okta)
    advance(okta, 1)
    second = recovery_token(okta, BEN)
    tokens = [message["data"]["recoveryToken"] for message in outbox(okta)]
    assert tokens == [first, second]
    assert [m["to"] for m in outbox(okta, BEN["login"].upper())] == [BEN["login"]]


def test_a_reset_empties_the_outbox(okta: TestClient) -> None:
    recovery_token(okta)
    assert okta.post("/_admin/reset", headers=ADMIN).status_code == 204
    assert outbox(okta) == []


def test_the_users_api_shows_a_lockout_until_it_ends(okta: TestClient) -> None:
    lock(okta)
    assert user_status(okta) == "LOCKED_OUT"
    assert user_status(okta, BEN) == "ACTIVE"
    advance(okta, LOCKOUT_MINUTES * 60 - 1)
    assert user_status(okta) == "LOCKED_OUT"
    advance(okta, 1)
    assert user_status(okta) == "ACTIVE"
