"""The Users API's set-up and clean-up: create (with or without a password, activated or
staged), list and search, the lifecycle operations and delete, on the same users that
authn and the Sessions API read."""

from __future__ import annotations

from functools import partial

import httpx
import pytest
from sessim.okta.contract import UNLIMITED
from starlette.testclient import TestClient

from tests.conftest import RACE_ROUNDS, race_requests
from tests.okta.support import (
    ANNA,
    AUTHENTICATION_FAILED,
    ERROR_ID,
    FIXTURE,
    LOCKOUT_ATTEMPTS,
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
    authn,
    bearer,
    get_session,
    new_session,
    not_found,
)

USERS = "/okta/api/v1/users"
ISAAC = {
    "firstName": "Isaac",
    "lastName": "Brock",
    "email": "isaac.brock@example.com",
    "login": "isaac.brock@example.com",
    "nickName": "Ike",
}
PASSWORD = "tlpWENT2m"
WRONG_STATUS = ("E0000038", "This operation is not allowed in the user's current status.")
ALREADY_ACTIVE = ("E0000016", "Activation failed because the user is already active")
STATUS_INVALID = "Api validation failed: status"


def create(
    client: TestClient, *, password: str | None = PASSWORD, activate: bool = True, **profile: str
) -> dict:
    body: dict = {"profile": {**ISAAC, **profile}}
    if password is not None:
        body["credentials"] = {"password": {"value": password}}
    params = {"activate": str(activate).lower()}
    return assert_json(client.post(USERS, json=body, params=params, headers=SSWS), 200)


def lifecycle(client: TestClient, user_id: str, operation: str, **params: str) -> httpx.Response:
    return client.post(f"{USERS}/{user_id}/lifecycle/{operation}", params=params, headers=SSWS)


def read(client: TestClient, user_id: str) -> dict:
    return assert_json(client.get(f"{USERS}/{user_id}", headers=SSWS), 200)


def signs_in(client: TestClient, login: str = ISAAC["login"]) -> bool:
    response = authn(client, {"login": login, "password": PASSWORD})
    if response.status_code == 401:
        assert response.json()["errorCode"] == AUTHENTICATION_FAILED[0]
        return False
    assert response.status_code == 200, response.text
    return True


def validation_causes(response: httpx.Response, summary: str) -> list[str]:
    assert response.status_code == 400, response.text
    body = response.json()
    assert (body["errorCode"], body["errorSummary"]) == ("E0000001", summary)
    assert body["errorLink"] == "E0000001" and ERROR_ID.match(body["errorId"])
    return [cause["errorSummary"] for cause in body["errorCauses"]]


def test_a_created_active_user_signs_in_at_once(okta: TestClient) -> None:
    user = create(okta)
    assert user["id"].startswith("00u") and len(user["id"]) == 20
    assert user["status"] == "ACTIVE"
    assert (user["created"], user["activated"], user["passwordChanged"]) == (at(), at(), at())
    assert user["lastLogin"] is None
    assert user["profile"] == {
        "firstName": "Isaac",
        "lastName": "Brock",
        "mobilePhone": None,
        "nickName": "Ike",
        "secondEmail": None,
        "login": ISAAC["login"],
        "email": ISAAC["email"],
    }
    assert user["credentials"] == {"password": {}, "provider": {"type": "OKTA", "name": "OKTA"}}
    href = f"{ORG}/api/v1/users/{user['id']}"
    assert user["_links"]["self"] == {"href": href}
    assert user["_links"]["deactivate"] == {
        "href": f"{href}/lifecycle/deactivate",
        "method": "POST",
    }
    assert signs_in(okta)
    assert read(okta, ISAAC["login"].upper())["id"] == user["id"]  # by login, any case


def test_a_staged_user_is_activated_and_may_then_sign_in(okta: TestClient) -> None:
    user = create(okta, activate=False)
    assert (user["status"], user["activated"]) == ("STAGED", None)
    assert list(user["_links"]) == ["activate", "self"]
    assert not signs_in(okta)
    advance(okta, 60)
    response = lifecycle(okta, user["id"], "activate", sendEmail="false")
    token = assert_json(response, 200)
    assert list(token) == ["activationUrl", "activationToken"]
    assert token["activationUrl"] == f"{ORG}/tokens/{token['activationToken']}/verify"
    active = read(okta, user["id"])
    assert (active["status"], active["activated"], active["created"]) == (
        "ACTIVE",
        at(seconds=60),
        at(),
    )
    assert signs_in(okta)
    again = lifecycle(okta, user["id"], "activate", sendEmail="false")
    assert_error(again, 403, ALREADY_ACTIVE)


def test_a_user_without_a_password_is_provisioned_and_mailed(okta: TestClient) -> None:
    user = create(okta, password=None)
    assert user["status"] == "PROVISIONED"
    assert user["passwordChanged"] is None
    assert user["credentials"] == {"provider": {"type": "OKTA", "name": "OKTA"}}
    assert assert_json(lifecycle(okta, user["id"], "activate"), 200) == {}
    mail = okta.get("/_admin/outbox", params={"vendor": "okta", "to": ISAAC["email"]})
    (message,) = mail.json()["messages"]
    assert message["data"]["activationToken"]
    assert read(okta, user["id"])["status"] == "PROVISIONED"
    assert_error(lifecycle(okta, user["id"], "expire_password"), 403, WRONG_STATUS)


def test_deactivate_ends_the_sessions_and_the_sign_ins(okta: TestClient) -> None:
    session = new_session(okta, ANNA)
    assert assert_json(lifecycle(okta, ANNA["id"], "deactivate"), 200) == {}
    assert read(okta, ANNA["id"])["status"] == "DEPROVISIONED"
    assert_error(get_session(okta, session["id"]), 404, not_found(f"{session['id']} (AppSession)"))
    assert authn(okta).status_code == 401
    assert_error(lifecycle(okta, ANNA["id"], "deactivate"), 403, WRONG_STATUS)


def test_delete_deactivates_first_then_deletes(okta: TestClient) -> None:
    user = create(okta)
    first = okta.delete(f"{USERS}/{user['id']}", headers=SSWS)
    assert (first.status_code, first.content) == (204, b"")
    assert read(okta, user["id"])["status"] == "DEPROVISIONED"
    second = okta.delete(f"{USERS}/{user['id']}", headers=SSWS)
    assert second.status_code == 204
    gone = okta.get(f"{USERS}/{user['id']}", headers=SSWS)
    assert_error(gone, 404, not_found(f"{user['id']} (User)"))
    assert_error(
        okta.delete(f"{USERS}/{user['id']}", headers=SSWS), 404, not_found(f"{user['id']} (User)")
    )
    assert create(okta)["id"] != user["id"]  # the login is free again


def test_suspend_and_unsuspend(okta: TestClient) -> None:
    user = create(okta)
    session = new_session(okta, {"login": ISAAC["login"], "password": PASSWORD})
    assert assert_json(lifecycle(okta, user["id"], "suspend"), 200) == {}
    suspended = read(okta, user["id"])
    assert suspended["status"] == "SUSPENDED"
    assert list(suspended["_links"]) == ["unsuspend", "self", "deactivate"]
    assert get_session(okta, session["id"]).status_code == 404
    assert not signs_in(okta)
    again = lifecycle(okta, user["id"], "suspend")
    assert validation_causes(again, STATUS_INVALID) == ["status: The user is not ACTIVE"]
    assert assert_json(lifecycle(okta, user["id"], "unsuspend"), 200) == {}
    assert read(okta, user["id"])["status"] == "ACTIVE"
    assert signs_in(okta)
    active = lifecycle(okta, user["id"], "unsuspend")
    assert validation_causes(active, STATUS_INVALID) == ["status: The user is not SUSPENDED"]


def test_unlock_lifts_a_lockout(okta: TestClient) -> None:
    for _ in range(LOCKOUT_ATTEMPTS):
        authn(okta, ANNA, password="wrong")
    assert read(okta, ANNA["id"])["status"] == "LOCKED_OUT"
    locked = lifecycle(okta, ANNA["id"], "suspend")
    assert validation_causes(locked, STATUS_INVALID) == ["status: The user is not ACTIVE"]
    assert assert_json(lifecycle(okta, ANNA["id"], "unlock"), 200) == {}
    assert read(okta, ANNA["id"])["status"] == "ACTIVE"
    assert authn(okta).status_code == 200
    refused = lifecycle(okta, SUSPENDED["id"], "unlock")
    assert_error(refused, 403, ("E0000032", "Unlock is not allowed for this user."))


def test_expire_password_answers_the_user(okta: TestClient) -> None:
    user = create(okta)
    expired = assert_json(lifecycle(okta, user["id"], "expire_password"), 200)
    assert (expired["id"], expired["status"]) == (user["id"], "PASSWORD_EXPIRED")
    assert not signs_in(okta)


def test_create_refuses_a_taken_login_and_missing_fields(okta: TestClient) -> None:
    taken = okta.post(USERS, json={"profile": {**ISAAC, "login": ANNA["login"]}}, headers=SSWS)
    cause = "login: An object with this field already exists in the current organization"
    assert validation_causes(taken, "Api validation failed: login") == [cause]
    blank = okta.post(USERS, json={"profile": {"login": "x@example.com"}}, headers=SSWS)
    assert validation_causes(blank, "Api validation failed: email, firstName, lastName") == [
        "email: The field cannot be left blank",
        "firstName: The field cannot be left blank",
        "lastName: The field cannot be left blank",
    ]
    empty = {"profile": ISAAC, "credentials": {"password": {"value": ""}}}
    no_password = okta.post(USERS, json=empty, headers=SSWS)
    cause = "password: The field cannot be left blank"
    assert validation_causes(no_password, "Api validation failed: password") == [cause]
    unknown = lifecycle(okta, "00uNoSuchUser0000000", "activate")
    assert_error(unknown, 404, not_found("00uNoSuchUser0000000 (User)"))


def test_list_search_and_pages(okta: TestClient) -> None:
    staged = create(okta, activate=False)
    listed = okta.get(USERS, headers=SSWS)
    ids = [user["id"] for user in assert_json(listed, 200)]
    assert ids == sorted(ids) and staged["id"] in ids and SUSPENDED["id"] in ids
    assert all(list(user["_links"]) == ["self"] for user in listed.json())
    assert listed.headers.get_list("link") == [f'<{ORG}/api/v1/users?limit=200>; rel="self"']
    search = okta.get(USERS, params={"search": 'status eq "STAGED"'}, headers=SSWS)
    assert [user["id"] for user in assert_json(search, 200)] == [staged["id"]]
    by_login = okta.get(
        USERS, params={"filter": f'profile.login eq "{ANNA["login"]}"'}, headers=SSWS
    )
    assert [user["id"] for user in by_login.json()] == [ANNA["id"]]
    assert [user["id"] for user in okta.get(USERS, params={"q": "isa"}, headers=SSWS).json()] == [
        staged["id"]
    ]
    first = okta.get(USERS, params={"limit": 1}, headers=SSWS)
    assert [user["id"] for user in first.json()] == ids[:1]
    next_link = f'<{ORG}/api/v1/users?after={ids[0]}&limit=1>; rel="next"'
    assert first.headers.get_list("link")[1] == next_link
    second = okta.get(USERS, params={"limit": 1, "after": ids[0]}, headers=SSWS)
    assert [user["id"] for user in second.json()] == ids[1:2]
    okta.post(f"{USERS}/{staged['id']}/lifecycle/deactivate", headers=SSWS)
    assert staged["id"] not in [user["id"] for user in okta.get(USERS, headers=SSWS).json()]
    bad = okta.get(USERS, params={"filter": "status eq"}, headers=SSWS)
    assert_error(bad, 400, ("E0000031", "Bad request. Invalid filter parameter."))
    both = okta.get(USERS, params={"q": "isa", "search": 'status eq "ACTIVE"'}, headers=SSWS)
    summary = "Bad request. Can't specify a search query and filter in the same request."
    assert_error(both, 400, ("E0000033", summary))


def test_scopes(okta: TestClient) -> None:
    body = {"profile": ISAAC}
    refused = okta.post(USERS, json=body, headers=bearer(READ_TOKEN))
    assert_error(refused, 403, NO_PERMISSION)
    made = assert_json(okta.post(USERS, json=body, headers=bearer(USERS_TOKEN)), 200)
    assert okta.get(f"{USERS}/{made['id']}", headers=bearer(USERS_TOKEN)).status_code == 200
    rate = okta.get(USERS, headers=SSWS).headers["x-rate-limit-limit"]
    assert rate == "300"  # the users bucket


def test_the_inspector_sees_what_the_api_made(okta: TestClient) -> None:
    """One user model: the admin state (the inspector's) lists an API-made user with its
    status, and forgets it once deleted."""
    user = create(okta, activate=False)

    def listed() -> dict:
        users = okta.get("/_admin/state/okta").json()["users"]
        return {entry["id"]: entry for entry in users}

    assert listed()[user["id"]]["status"] == "STAGED"
    lifecycle(okta, user["id"], "deactivate")
    assert listed()[user["id"]]["status"] == "DEPROVISIONED"
    okta.delete(f"{USERS}/{user['id']}", headers=SSWS)
    assert user["id"] not in listed()


@pytest.mark.slow
def test_concurrent_creates_of_one_login_make_one_user(racers: list[httpx.Client]) -> None:
    """Twenty creates of one login, spread over processes sharing one store and sent at one
    moment: exactly one user gets it, round after round; the others are told it is taken."""
    settings = {**FIXTURE["okta"]["settings"], "rate_limits": UNLIMITED}
    assert racers[0].post("/_admin/seed", json={"okta": {**FIXTURE["okta"], "settings": settings}})
    for round_ in range(RACE_ROUNDS):
        login = f"racer{round_}@example.com"
        body = {"profile": {**ISAAC, "login": login, "email": login}}
        responses = race_requests(racers, partial(post_user, body=body))
        assert sorted(response.status_code for response in responses) == [200] + [400] * 19
        taken = [response for response in responses if response.status_code == 400]
        cause = "login: An object with this field already exists in the current organization"
        assert all(
            validation_causes(answer, "Api validation failed: login") == [cause] for answer in taken
        )
        found = racers[0].get(USERS, params={"search": f'profile.login eq "{login}"'}, headers=SSWS)
        assert len(found.json()) == 1, found.text


def post_user(http: httpx.Client, body: dict) -> httpx.Response:
    return http.post(USERS, json=body, headers=SSWS)
