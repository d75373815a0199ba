"""GET for everyone, POST's ValidateContext outcomes in order, DELETE's sign-out."""

from __future__ import annotations

from starlette.testclient import TestClient

from tests.optimizely.conftest import (
    ACME,
    ACME_NORTH,
    BASE,
    CURRENT,
    EUR,
    FR,
    GLOBEX,
    PASSWORDS,
    TOKEN,
    USD,
    basic,
    bearer,
    cookies_of,
    message,
    sign_in,
    signed_in,
    tokens,
)


def test_anonymous_get_has_the_website_defaults_and_no_customer(opti: TestClient) -> None:
    response = opti.get(CURRENT)
    assert response.status_code == 200
    body = response.json()
    assert body["isAuthenticated"] is False
    assert body["userName"] == "" and body["billTo"] is None and body["shipTo"] is None
    assert body["language"]["languageCode"] == "en" and body["language"]["isDefault"] is True
    assert body["currency"]["currencyCode"] == "USD"
    assert body["persona"] == "Default" and body["personas"][0]["isDefault"] is True
    assert body["fulfillmentMethod"] == "Ship" and body["uri"] == "http://localhost" + CURRENT
    assert response.headers.get_list("set-cookie") == []


def test_set_context_codes_switch_and_the_cookie_keeps_them(opti: TestClient) -> None:
    response = opti.get(
        CURRENT, params={"setContextLanguageCode": "FR", "setContextCurrencyCode": "eur"}
    )
    assert response.status_code == 200
    assert response.json()["language"]["id"] == FR
    assert response.json()["currency"]["id"] == EUR
    cookies = cookies_of(response)
    assert cookies["CurrentLanguageId"] == f"CurrentLanguageId={FR}; path=/"
    assert cookies["CurrentCurrencyId"] == f"CurrentCurrencyId={EUR}; path=/"
    # The client sends the cookies back (TestClient keeps them): the context stays.
    again = opti.get(CURRENT, params={"setContextLanguageCode": "xx"})  # unknown: ignored
    assert again.json()["language"]["id"] == FR and again.json()["currency"]["id"] == EUR
    assert again.headers.get_list("set-cookie") == []


def test_sign_in_returns_the_session_with_the_default_customer(opti: TestClient) -> None:
    response, _ = sign_in(opti, "buyer1", rememberMe=True, returnUrl="/")
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["isAuthenticated"] is True and body["userName"] == "buyer1"
    assert body["userRoles"] == "Buyer1" and body["userLabel"] == "Bea Buyer"
    assert body["billTo"]["id"] == ACME and body["billTo"]["customerNumber"] == "C1001"
    assert body["billTo"]["isDefault"] is True
    assert body["shipTo"]["id"] == ACME_NORTH and body["shipTo"]["customerNumber"] == "C1001"
    assert body["hasDefaultCustomer"] is True and body["displayChangeCustomerLink"] is True
    assert body["rememberMe"] is True
    cookies = cookies_of(response)
    assert cookies["CurrentBillToId"].startswith(f"CurrentBillToId={ACME}; expires=")
    assert cookies["CurrentShipToId"].startswith(f"CurrentShipToId={ACME_NORTH}; expires=")
    assert cookies["SetRememberedUserId"].startswith(f"SetRememberedUserId={body['userProfileId']}")
    assert "31-Mar-2026 10:00:00 GMT" in cookies["CurrentBillToId"]  # daysToRetainUser: 30
    # SetUserAsAuthenticated records the last login time, by the emulated clock.
    view = opti.get("/_admin/views/optimizely/user", params={"key": "BUYER1"}).json()
    assert view["lastLoginDate"].startswith("2026-03-01T10:00:00")


def test_without_remember_me_the_cookies_last_the_browser_session(opti: TestClient) -> None:
    response, auth = sign_in(opti, "buyer1")
    cookies = cookies_of(response)
    assert cookies["CurrentBillToId"] == f"CurrentBillToId={ACME}; path=/"
    assert "expires=Mon, 01-Jan-1900" in cookies["SetRememberedUserId"]
    # The signed-in session is what GET shows for that bearer.
    body = opti.get(CURRENT, headers=auth).json()
    assert body["isAuthenticated"] is True and body["billTo"]["id"] == ACME


def test_user_name_is_case_insensitive_and_username_binds_too(opti: TestClient) -> None:
    auth = bearer(tokens(opti, "buyer1")["access_token"])
    body = {"username": "BUYER1", "password": PASSWORDS["buyer1"]}
    response = opti.post(BASE, json=body, headers=auth)
    assert response.status_code == 200, response.text
    assert response.json()["userName"] == "buyer1"


def test_the_net_sdks_pascal_case_signs_in(opti: TestClient) -> None:
    auth = bearer(tokens(opti, "buyer1")["access_token"])
    body = {"UserName": "buyer1", "Password": PASSWORDS["buyer1"], "RememberMe": False}
    response = opti.post(BASE, json=body, headers=auth)
    assert response.status_code == 200, response.text
    assert response.json()["isAuthenticated"] is True


def test_what_the_spec_requires_whatever_its_case_is_refused_without_it(
    opti: TestClient,
) -> None:
    """SignIn requires userName and password, named in any case: without one, or with one
    empty, the body fails the spec (400 `{message}`) before any sign-in is tried."""
    auth = bearer(tokens(opti, "buyer1")["access_token"])
    refused = {
        "'userName' is a required property": ({}, {"Password": "x"}),
        "'password' is a required property": ({"USERNAME": "buyer1"},),
        "'' should be non-empty - 'userName'": ({"userName": "", "password": "x"},),
    }
    for text, bodies in refused.items():
        for body in bodies:
            assert message(opti.post(BASE, json=body, headers=auth), 400).startswith(text)
    assert opti.get(CURRENT, headers=auth).json()["isAuthenticated"] is False


def test_a_token_alone_is_no_sign_in(opti: TestClient) -> None:
    auth = bearer(tokens(opti, "buyer1")["access_token"])
    assert opti.get(CURRENT, headers=auth).json()["isAuthenticated"] is False


def test_sign_in_needs_the_bearer_of_the_same_user(opti: TestClient) -> None:
    body = {"userName": "buyer1", "password": PASSWORDS["buyer1"]}
    text = message(opti.post(BASE, json=body), 401)
    assert text == "Authorization has been denied for this request."
    assert message(opti.post(BASE, json=body, headers=bearer("not.a.jwt")), 401) == text
    other = bearer(tokens(opti, "wholesaler")["access_token"])
    assert "another user" in message(opti.post(BASE, json=body, headers=other), 401)


def test_wrong_password_is_401_and_counts_to_a_lockout_that_the_clock_ends(
    opti: TestClient,
) -> None:
    auth = bearer(tokens(opti, "buyer1")["access_token"])
    wrong = {"userName": "buyer1", "password": "wrong-pass1"}
    unknown = {"userName": "nobody", "password": "wrong-pass1"}
    assert "unsuccessful" in message(opti.post(BASE, json=unknown, headers=auth), 401)
    for _ in range(2):
        assert "unsuccessful" in message(opti.post(BASE, json=wrong, headers=auth), 401)
    # The third failure (lockout_attempts: 3) locks: now even the right password is refused.
    message(opti.post(BASE, json=wrong, headers=auth), 401)
    right = {"userName": "buyer1", "password": PASSWORDS["buyer1"]}
    assert "locked" in message(opti.post(BASE, json=right, headers=auth), 403)
    assert opti.get("/_admin/views/optimizely/user", params={"key": "buyer1"}).json()["lockedOut"]
    opti.post("/_admin/clock/advance", json={"seconds": 299})
    assert "locked" in message(opti.post(BASE, json=right, headers=auth), 403)
    opti.post("/_admin/clock/advance", json={"seconds": 1})
    assert opti.post(BASE, json=right, headers=auth).status_code == 200


def test_deactivated_and_not_activated_accounts_get_a_token_and_a_403_at_sign_in(
    opti: TestClient,
) -> None:
    """IdentityServer checks the password and the lockout only (AspNetUsers); the account's
    state (UserProfile) is ValidateContext's, at the session POST."""
    for user, text in (("former", "deactivated"), ("invited", "not been activated")):
        response, _ = sign_in(opti, user)
        assert text in message(response, 403)


def test_a_deactivated_users_wrong_password_is_refused_at_the_token_step(
    opti: TestClient,
) -> None:
    form = {"grant_type": "password", "username": "former", "password": "wrong-pass1"}
    refused = opti.post(TOKEN, data=form, headers=basic())
    assert refused.status_code == 400 and refused.json()["error"] == "invalid_grant"


def test_password_change_required_is_422_until_changed(opti: TestClient) -> None:
    response, auth = sign_in(opti, "newbuyer")
    assert "change your password" in message(response, 422)
    # The clients' change dialog: PATCH with the user name, the old and the new password.
    change = {
        "userName": "newbuyer",
        "password": PASSWORDS["newbuyer"],
        "newPassword": "brand-new-9",
    }
    patched = opti.patch(CURRENT, json=change, headers=auth)
    assert patched.status_code == 200, patched.text
    assert patched.json()["isAuthenticated"] is False
    assert message(opti.patch(CURRENT, json={**change, "password": "x"}, headers=auth), 400)
    # The clients then sign in again, with the new password; the old one is gone.
    again, _ = sign_in(opti, "newbuyer", password="brand-new-9")
    assert again.status_code == 200, again.text
    assert again.json()["billTo"]["id"] == GLOBEX  # the only customer assigned
    old = {"userName": "newbuyer", "password": PASSWORDS["newbuyer"]}
    assert message(opti.post(BASE, json=old, headers=auth), 401)


def test_website_not_allowed_is_403_and_its_own_website_signs_in(opti: TestClient) -> None:
    response, auth = sign_in(opti, "wholesaler")
    assert "not allowed" in message(response, 403)
    body = {"userName": "wholesaler", "password": PASSWORDS["wholesaler"]}
    host = {**auth, "Host": "wholesale.example.test"}
    signed = opti.post(BASE, json=body, headers=host)
    assert signed.status_code == 200, signed.text
    assert signed.json()["billTo"]["id"] == GLOBEX


def test_sign_out_ends_the_session_cookies_and_refresh_tokens(opti: TestClient) -> None:
    issued = tokens(opti, "buyer1")
    auth = bearer(issued["access_token"])
    body = {"userName": "buyer1", "password": PASSWORDS["buyer1"]}
    assert opti.post(BASE, json=body, headers=auth).status_code == 200
    response = opti.delete(CURRENT, headers=auth)
    assert response.status_code == 204 and response.content == b""
    cookies = cookies_of(response)
    for name in ("CurrentBillToId", "CurrentShipToId", "SetRememberedUserId"):
        assert cookies[name] == f"{name}=; expires=Mon, 01-Jan-1900 00:00:00 GMT; path=/"
    # The bearer is spent: GET is anonymous, DELETE and POST are denied.
    assert opti.get(CURRENT, headers=auth).json()["isAuthenticated"] is False
    assert message(opti.delete(CURRENT, headers=auth), 401)
    assert message(opti.post(BASE, json=body, headers=auth), 401)
    form = {"grant_type": "refresh_token", "refresh_token": issued["refresh_token"]}
    refused = opti.post(TOKEN, data=form, headers=basic())
    assert refused.status_code == 400 and refused.json()["error"] == "invalid_grant"


def test_sign_out_needs_a_bearer(opti: TestClient) -> None:
    text = message(opti.delete(CURRENT), 401)
    assert text == "Authorization has been denied for this request."


def test_a_refreshed_token_keeps_the_sign_in(opti: TestClient) -> None:
    issued = tokens(opti, "buyer1")
    body = {"userName": "buyer1", "password": PASSWORDS["buyer1"]}
    assert opti.post(BASE, json=body, headers=bearer(issued["access_token"])).status_code == 200
    form = {"grant_type": "refresh_token", "refresh_token": issued["refresh_token"]}
    refreshed = opti.post(TOKEN, data=form, headers=basic()).json()
    session = opti.get(CURRENT, headers=bearer(refreshed["access_token"])).json()
    assert session["isAuthenticated"] is True and session["currency"]["id"] == USD


def test_signed_in_keeps_its_language_from_before(opti: TestClient) -> None:
    opti.get(CURRENT, params={"setContextLanguageCode": "fr"})
    auth = signed_in(opti)
    assert opti.get(CURRENT, headers=auth).json()["language"]["id"] == FR
