"""PATCH /sessions/current: the UpdateSession chain's handlers, PunchOut's refusals, the
password reset and activation emails, and the signing key rotation."""

from __future__ import annotations

import jwt
from starlette.testclient import TestClient

from tests.optimizely.conftest import (
    ACME,
    ACME_SOUTH,
    BASE,
    CURRENT,
    EN,
    EUR,
    FR,
    GLOBEX,
    GLOBEX_DOCK,
    NO_PICKUP,
    PASSWORDS,
    PICKUP,
    TOKEN,
    basic,
    bearer,
    cookies_of,
    message,
    sign_in,
    signed_in,
    tokens,
)

OUTBOX = "/_admin/optimizely/outbox"
ELSEWHERE = "1b7d1d7e-0000-4000-8000-00000000dead"


def patch(client: TestClient, body: dict | None, auth: dict | None = None):
    return client.patch(CURRENT, json=body, headers=auth or {})


def test_language_and_currency_by_id(opti: TestClient) -> None:
    auth = signed_in(opti)
    response = patch(opti, {"language": {"id": FR}, "currency": {"id": EUR}}, auth)
    assert response.status_code == 200, response.text
    assert response.json()["language"]["id"] == FR and response.json()["currency"]["id"] == EUR
    assert cookies_of(response)["CurrentLanguageId"].startswith(f"CurrentLanguageId={FR}")
    opti.cookies.clear()  # the session keeps it, not only the cookie
    assert opti.get(CURRENT, headers=auth).json()["language"]["id"] == FR
    assert "not found" in message(patch(opti, {"language": {"id": ELSEWHERE}}, auth), 404)
    assert "not found" in message(patch(opti, {"currency": {"id": ELSEWHERE}}, auth), 404)


def test_anonymous_language_lives_in_the_cookie(opti: TestClient) -> None:
    response = patch(opti, {"language": {"id": FR}})
    assert response.status_code == 200
    assert cookies_of(response)["CurrentLanguageId"] == f"CurrentLanguageId={FR}; path=/"
    assert opti.get(CURRENT).json()["language"]["id"] == FR
    opti.cookies.clear()
    assert opti.get(CURRENT).json()["language"]["id"] == EN


def test_an_empty_patch_returns_the_session(opti: TestClient) -> None:
    auth = signed_in(opti)
    response = opti.patch(CURRENT, headers=auth)  # Angular's invalidateEtagsOnServer
    assert response.status_code == 200 and response.json()["billTo"]["id"] == ACME


def test_change_customer_within_what_is_assigned(opti: TestClient) -> None:
    auth = signed_in(opti)
    body = {"customerWasUpdated": False, "billTo": {"id": GLOBEX}, "shipTo": {"id": GLOBEX_DOCK}}
    response = patch(opti, {**body, "fulfillmentMethod": "Ship", "pickUpWarehouse": None}, auth)
    assert response.status_code == 200, response.text
    assert response.json()["billTo"]["id"] == GLOBEX
    assert response.json()["shipTo"]["id"] == GLOBEX_DOCK
    assert response.json()["customerWasUpdated"] is True
    assert cookies_of(response)["CurrentBillToId"].startswith(f"CurrentBillToId={GLOBEX}")
    # A new billTo with one shipTo takes it; the shipTo must be the billTo's.
    back = patch(opti, {"billTo": {"id": ACME}, "shipTo": {"id": ACME_SOUTH}}, auth)
    assert back.json()["shipTo"]["id"] == ACME_SOUTH
    assert "not found" in message(patch(opti, {"shipTo": {"id": GLOBEX_DOCK}}, auth), 404)
    assert "not found" in message(patch(opti, {"billTo": {"id": ELSEWHERE}}, auth), 404)
    assert opti.get(CURRENT, headers=auth).json()["shipTo"]["id"] == ACME_SOUTH


def test_a_customer_not_assigned_is_refused(opti: TestClient) -> None:
    auth = signed_in(opti)  # buyer1 has both customers; newbuyer's Globex only
    change = {
        "userName": "newbuyer",
        "password": PASSWORDS["newbuyer"],
        "newPassword": "brand-new-9",
    }
    assert patch(opti, change).status_code == 200
    newbuyer = sign_in(opti, "newbuyer", password="brand-new-9")[1]
    text = message(patch(opti, {"billTo": {"id": ACME}}, newbuyer), 403)
    assert "not assigned" in text
    assert patch(opti, {"billTo": {"id": GLOBEX}}, auth).status_code == 200


def test_anonymous_customer_changes_are_denied(opti: TestClient) -> None:
    text = message(patch(opti, {"billTo": {"id": ACME}}), 401)
    assert text == "Authorization has been denied for this request."
    message(patch(opti, {"dashboardIsHomepage": True}), 401)


def test_fulfillment_and_pick_up_warehouse(opti: TestClient) -> None:
    auth = signed_in(opti)
    assert "warehouse is required" in message(
        patch(opti, {"fulfillmentMethod": "PickUp"}, auth), 400
    )
    assert "not a pick-up" in message(
        patch(opti, {"pickUpWarehouse": {"id": NO_PICKUP}}, auth), 400
    )
    assert "not found" in message(patch(opti, {"pickUpWarehouse": {"id": ELSEWHERE}}, auth), 404)
    response = patch(opti, {"fulfillmentMethod": "PickUp", "pickUpWarehouse": {"id": PICKUP}}, auth)
    assert response.status_code == 200, response.text
    assert response.json()["fulfillmentMethod"] == "PickUp"
    assert response.json()["pickUpWarehouse"]["name"] == "MAIN"
    assert cookies_of(response)["CurrentFulfillmentMethod"].startswith(
        "CurrentFulfillmentMethod=PickUp"
    )


def test_user_profile_changes_outlive_the_session(opti: TestClient) -> None:
    auth = signed_in(opti)
    body = {"dashboardIsHomepage": True, "billTo": {"id": GLOBEX, "isDefault": True}}
    response = patch(opti, body, auth)
    assert response.json()["dashboardIsHomepage"] is True
    assert response.json()["billTo"]["isDefault"] is True
    assert opti.delete(CURRENT, headers=auth).status_code == 204
    again = sign_in(opti)[0].json()
    assert again["billTo"]["id"] == GLOBEX and again["shipTo"]["id"] == GLOBEX_DOCK
    assert again["dashboardIsHomepage"] is True


def test_punch_out_refuses_customer_and_password_changes(opti: TestClient) -> None:
    started = opti.post(
        "/_admin/actions/optimizely/punchout", json={"userName": "buyer1", "billTo": GLOBEX}
    )
    assert started.status_code == 200, started.text
    auth = bearer(started.json()["access_token"])
    session = opti.get(CURRENT, headers=auth).json()
    assert session["isAuthenticated"] is True and session["billTo"]["id"] == GLOBEX
    assert session["displayChangeCustomerLink"] is False
    for body in (
        {"billTo": {"id": ACME}},
        {"shipTo": {"id": GLOBEX_DOCK}},
        {"password": PASSWORDS["buyer1"], "newPassword": "another-pw2"},
        {"userName": "buyer1", "resetPassword": True},
    ):
        assert "PunchOut" in message(patch(opti, body, auth), 403)
    assert patch(opti, {"language": {"id": FR}}, auth).status_code == 200
    # Outside PunchOut the same user changes customer freely.
    assert patch(opti, {"billTo": {"id": ACME}}, signed_in(opti)).status_code == 200
    unknown = opti.post("/_admin/actions/optimizely/punchout", json={"userName": "nobody"})
    assert unknown.status_code == 404


def test_change_password_signed_in(opti: TestClient) -> None:
    auth = signed_in(opti)
    old = PASSWORDS["buyer1"]
    assert "incorrect" in message(
        patch(opti, {"password": "wrong", "newPassword": "new-pass-1"}, auth), 400
    )
    assert "7 characters" in message(
        patch(opti, {"password": old, "newPassword": "ab1"}, auth), 400
    )
    assert "numeric" in message(
        patch(opti, {"password": old, "newPassword": "no-digits-here"}, auth), 400
    )
    response = patch(opti, {"password": old, "newPassword": "new-pass-1"}, auth)
    assert response.status_code == 200 and response.json()["isAuthenticated"] is True
    form = {"grant_type": "password", "username": "buyer1", "password": old}
    assert opti.post(TOKEN, data=form, headers=basic()).json()["error"] == "invalid_grant"
    assert tokens(opti, "buyer1", "new-pass-1")["access_token"]


def test_forgot_password_then_reset_with_the_single_use_token(opti: TestClient) -> None:
    sent = patch(opti, {"userName": "buyer1", "resetPassword": True})
    assert sent.status_code == 200 and sent.json()["isAuthenticated"] is False
    mail = opti.get(OUTBOX).json()["messages"]
    assert [m["to"] for m in mail] == ["buyer1@example.com"]
    token = mail[0]["data"]["resetToken"]
    assert mail[0]["data"]["purpose"] == "reset"
    reset = {
        "userName": "buyer1",
        "newPassword": "reset-pass-2",
        "resetToken": token,
        "resetPassword": True,
    }
    # A password the rules refuse does not spend the token.
    assert "numeric" in message(patch(opti, {**reset, "newPassword": "weak-password"}), 400)
    assert patch(opti, reset).status_code == 200
    assert "invalid or has expired" in message(patch(opti, reset), 400)
    assert tokens(opti, "buyer1", "reset-pass-2")["access_token"]
    assert "No user" in message(patch(opti, {"userName": "nobody", "resetPassword": True}), 400)


def test_reset_by_email_expires_and_unlocks(opti: TestClient) -> None:
    auth = bearer(tokens(opti, "buyer1")["access_token"])
    for _ in range(3):  # lockout_attempts: 3
        opti.post(BASE, json={"userName": "buyer1", "password": "wrong-pass1"}, headers=auth)
    patch(opti, {"email": "BUYER1@example.com", "resetPassword": True})
    first = opti.get(OUTBOX).json()["messages"][-1]["data"]["resetToken"]
    # A reset lifts the lockout at once, with no wait for its end.
    assert patch(opti, {"newPassword": "reset-pass-2", "resetToken": first}).status_code == 200
    assert tokens(opti, "buyer1", "reset-pass-2")["access_token"]
    patch(opti, {"userName": "buyer1", "resetPassword": True})
    second = opti.get(OUTBOX).json()["messages"][-1]["data"]["resetToken"]
    opti.post("/_admin/clock/advance", json={"seconds": 3601})  # reset_token_seconds: 3600
    expired = {"newPassword": "reset-pass-3", "resetToken": second}
    assert "expired" in message(patch(opti, expired), 400)


def test_activation_email_then_activation_sets_the_password(opti: TestClient) -> None:
    assert "already activated" in message(
        patch(opti, {"userName": "buyer1", "activateAccount": True}), 400
    )
    assert patch(opti, {"userName": "invited", "activateAccount": True}).status_code == 200
    mail = opti.get(OUTBOX, params={"to": "invited@example.com"}).json()["messages"]
    assert mail[0]["data"]["purpose"] == "activation"
    body = {
        "userName": "invited",
        "newPassword": "first-pass-1",
        "resetToken": mail[0]["data"]["resetToken"],
    }
    assert patch(opti, body).status_code == 200
    response, _ = sign_in(opti, "invited", password="first-pass-1")
    assert response.status_code == 200, response.text
    assert (
        opti.get("/_admin/views/optimizely/user", params={"key": "invited"}).json()["status"]
        == "ACTIVE"
    )


def test_rotated_keys_keep_earlier_tokens_valid_until_they_expire(opti: TestClient) -> None:
    auth = signed_in(opti)
    old_kid = jwt.get_unverified_header(auth["Authorization"][7:])["kid"]
    rotated = opti.post("/_admin/actions/optimizely/rotate-keys", json={})
    assert rotated.status_code == 200 and rotated.json()["kid"] != old_kid
    fresh = tokens(opti, "buyer1")["access_token"]
    assert jwt.get_unverified_header(fresh)["kid"] == rotated.json()["kid"]
    kids = {
        key["kid"]
        for key in opti.get("/optimizely/identity/.well-known/openid-configuration/jwks").json()[
            "keys"
        ]
    }
    assert kids == {old_kid, rotated.json()["kid"]}
    assert opti.get(CURRENT, headers=auth).json()["isAuthenticated"] is True
    opti.post("/_admin/clock/advance", json={"seconds": 3601})  # the old token expires
    assert opti.get(CURRENT, headers=auth).json()["isAuthenticated"] is False
    assert message(opti.delete(CURRENT, headers=auth), 401)
