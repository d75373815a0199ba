"""POST and DELETE /customers/auth: the client id, every type, the JWT as OCAPI makes it,
lockout and expiry by Sessim's clock, and every fault this API produces."""

from __future__ import annotations

import base64
import calendar
import json
import re
import time

import jwt
import pytest
from starlette.testclient import TestClient

from tests.conftest import ADMIN
from tests.sfcc.support import (
    CLIENT_ID,
    GENERATED,
    HEADERS,
    JANE,
    NOW,
    OTHER_CLIENT,
    SITE,
    advance,
    auth,
    basic,
    bearer,
    customer_info,
    decoded,
    fault,
    guest,
    login,
    session_cookies,
    token_of,
)

T0 = calendar.timegm(time.strptime(NOW, "%Y-%m-%dT%H:%M:%SZ"))
CUSTOMER_ID = re.compile(r"^[A-Za-z0-9]{26}$")


# The client id


@pytest.mark.parametrize("base", [SITE, GENERATED], ids=["v20_8", "generated"])
def test_guest_answers_a_token_and_a_guest_document_on_both_url_forms(
    sfcc: TestClient, base: str
) -> None:
    response = auth(sfcc, "guest", base)
    token = token_of(response)
    body = response.json()
    assert list(body) == ["_v", "_type", "auth_type", "customer_id", "preferred_locale"]
    assert (body["_v"], body["_type"], body["auth_type"]) == ("20.8", "customer", "guest")
    assert CUSTOMER_ID.match(body["customer_id"])
    assert customer_info(token)["customer_id"] == body["customer_id"]
    assert guest(sfcc, base) != token


def test_the_jwt_is_shaped_as_ocapi_makes_it(sfcc: TestClient) -> None:
    token = guest(sfcc)
    header, claims = decoded(token)
    assert token.split(".")[0] == "eyJfdiI6IjEiLCJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9"
    assert header == {"_v": "1", "alg": "HS256", "typ": "JWT"}
    assert list(claims) == ["_v", "exp", "iat", "iss", "sub"]
    assert (claims["_v"], claims["iat"], claims["exp"]) == ("1", T0, T0 + 1800)
    assert claims["iss"] == CLIENT_ID
    sub = json.loads(claims["sub"])
    assert sub["_v"] == "1" and list(sub["customer_info"]) == ["customer_id", "guest", "visit_id"]
    assert sub["customer_info"]["guest"] is True
    assert re.fullmatch(r"[0-9a-f]{26}", sub["customer_info"]["visit_id"])


def test_the_client_id_may_come_as_a_query_parameter(sfcc: TestClient) -> None:
    response = sfcc.post(
        f"{SITE}/customers/auth", params={"client_id": OTHER_CLIENT}, json={"type": "guest"}
    )
    assert decoded(token_of(response))[1]["iss"] == OTHER_CLIENT


def test_no_client_id_is_a_400_missing_client_id(sfcc: TestClient) -> None:
    response = sfcc.post(f"{SITE}/customers/auth", json={"type": "guest"})
    assert fault(response, 400, "MissingClientIdException") == {}


def test_an_unknown_client_id_is_a_401(sfcc: TestClient) -> None:
    response = auth(sfcc, "guest", headers={"x-dw-client-id": "nobody"})
    assert fault(response, 401, "UnknownClientIdException") == {"clientId": "nobody"}


# The request document


def test_an_unknown_property_is_a_400_unknown_property(sfcc: TestClient) -> None:
    response = sfcc.post(
        f"{SITE}/customers/auth", json={"type": "guest", "login": "x"}, headers=HEADERS
    )
    arguments = fault(response, 400, "UnknownPropertyException")
    assert arguments == {"property": "login", "document": "auth_request"}


def test_a_bad_type_is_a_400_enum_constraint_violation(sfcc: TestClient) -> None:
    response = auth(sfcc, "anonymous")
    arguments = fault(response, 400, "EnumConstraintViolationException")
    assert arguments == {"document": "auth_request", "enumValue": "anonymous"}


def test_a_body_that_is_not_json_is_a_400_body_decoding(sfcc: TestClient) -> None:
    headers = {**HEADERS, "Content-Type": "application/json"}
    response = sfcc.post(f"{SITE}/customers/auth", content=b"{ type : 'guest' }", headers=headers)
    assert "body" in fault(response, 400, "BodyDecodingException")


def test_a_type_of_the_wrong_kind_is_a_400_property_constraint_violation(
    sfcc: TestClient,
) -> None:
    response = sfcc.post(f"{SITE}/customers/auth", json={"type": 7}, headers=HEADERS)
    fault(response, 400, "PropertyConstraintViolationException")


def test_another_content_type_is_a_415(sfcc: TestClient) -> None:
    headers = {**HEADERS, "Content-Type": "text/plain"}
    response = sfcc.post(f"{SITE}/customers/auth", content=b"guest", headers=headers)
    fault(response, 415, "UnsupportedContentTypeException")


def test_an_unknown_site_and_version_are_404s(sfcc: TestClient) -> None:
    response = auth(sfcc, "guest", "/sfcc/s/Nowhere/dw/shop/v20_8")
    assert fault(response, 404, "UnknownSiteException") == {"siteId": "Nowhere"}
    response = auth(sfcc, "guest", "/sfcc/s/RefArch/dw/shop/v21_3")
    assert fault(response, 404, "VersionNotFoundException") == {"version": "v21_3"}


def test_an_unknown_path_and_method_are_faults(sfcc: TestClient) -> None:
    fault(sfcc.get(f"{SITE}/customers/nowhere"), 404, "ResourcePathNotFoundException")
    response = sfcc.get(f"{SITE}/customers/auth", headers=HEADERS)
    fault(response, 405, "MethodNotAllowedException")
    assert response.headers["allow"] == "POST, DELETE"


# Credentials


def test_credentials_answer_the_registered_customer_and_move_the_login_times(
    sfcc: TestClient,
) -> None:
    first = login(sfcc)
    token = token_of(first)
    body = first.json()
    assert (body["auth_type"], body["customer_no"], body["login"]) == (
        "registered",
        "00005001",
        JANE["login"],
    )
    assert (body["first_name"], body["last_name"], body["enabled"]) == ("Jane", "Doe", True)
    assert body["last_login_time"] == body["last_visit_time"] == "2026-11-21T12:00:00.000Z"
    assert "previous_login_time" not in body
    assert customer_info(token) | {"visit_id": ""} == {
        "customer_id": body["customer_id"],
        "guest": False,
        "visit_id": "",
    }
    advance(sfcc, 90.5)
    second = login(sfcc).json()
    assert second["customer_id"] == body["customer_id"]
    assert second["previous_login_time"] == second["previous_visit_time"] == body["last_login_time"]
    assert second["last_login_time"] == second["last_visit_time"] == "2026-11-21T12:01:30.500Z"
    assert second["last_modified"] == second["last_login_time"]
    assert second["creation_date"] == body["creation_date"]


def test_credentials_without_a_basic_header_is_a_400(sfcc: TestClient) -> None:
    fault(auth(sfcc, "credentials"), 400, "AuthorizationHeaderMissingException")
    response = auth(sfcc, "credentials", headers=bearer(guest(sfcc)))
    fault(response, 400, "AuthorizationHeaderMissingException")


@pytest.mark.parametrize(
    "headers",
    [
        basic(JANE["login"], "wrong"),
        basic("nobody@example.com", JANE["password"]),
        basic("off@example.com", "off-password"),  # disabled
        {"Authorization": "Basic not-base64!"},
        {"Authorization": "Basic " + base64.b64encode(b"no colon").decode()},
    ],
    ids=["wrong-password", "unknown-login", "disabled", "not-base64", "no-colon"],
)
def test_refused_credentials_are_a_401_authentication_failed(
    sfcc: TestClient, headers: dict
) -> None:
    response = auth(sfcc, "credentials", headers=headers)
    assert fault(response, 401, "AuthenticationFailedException") == {
        "credentialType": "credentials"
    }
    assert "authorization" not in response.headers


def test_five_failures_lock_the_customer_until_the_lockout_ends_by_the_clock(
    sfcc: TestClient,
) -> None:
    for _ in range(4):
        fault(login(sfcc, "wrong"), 401, "AuthenticationFailedException")
    token_of(login(sfcc))  # four failures: not yet locked, and the count starts over
    for _ in range(5):
        fault(login(sfcc, "wrong"), 401, "AuthenticationFailedException")
    fault(login(sfcc), 401, "AuthenticationFailedException")  # locked: the right password too
    advance(sfcc, 30 * 60 - 1)
    fault(login(sfcc), 401, "AuthenticationFailedException")
    advance(sfcc, 1)
    token_of(login(sfcc))


def test_the_lockout_is_configurable(sfcc: TestClient) -> None:
    settings = {"sfcc": {"settings": {"lockout_attempts": 2, "lockout_minutes": 1}}}
    assert sfcc.post("/_admin/seed", json=settings).status_code == 200
    for _ in range(2):
        fault(login(sfcc, "wrong"), 401, "AuthenticationFailedException")
    fault(login(sfcc), 401, "AuthenticationFailedException")
    advance(sfcc, 60)
    token_of(login(sfcc))


def test_customers_belong_to_their_site(sfcc: TestClient) -> None:
    token_of(login(sfcc, base=GENERATED))  # `-` is RefArch, the first site seeded
    response = login(sfcc, base="/sfcc/s/SiteGenesis/dw/shop/v20_8")
    fault(response, 401, "AuthenticationFailedException")


# Refresh


def test_refresh_answers_a_new_token_for_the_same_customer_with_a_new_exp(
    sfcc: TestClient,
) -> None:
    token = token_of(login(sfcc))
    advance(sfcc, 600)
    response = auth(sfcc, "refresh", headers=bearer(token))
    fresh = token_of(response)
    assert fresh != token
    assert customer_info(fresh)["customer_id"] == customer_info(token)["customer_id"]
    assert decoded(fresh)[1]["exp"] == T0 + 600 + 1800
    assert response.json()["auth_type"] == "registered"
    assert response.json()["last_login_time"] == "2026-11-21T12:00:00.000Z"  # not a login
    token_of(auth(sfcc, "refresh", headers=bearer(token)))  # the old one lives until its exp


def test_a_guest_refresh_keeps_the_guest(sfcc: TestClient) -> None:
    token = guest(sfcc)
    response = auth(sfcc, "refresh", headers=bearer(token))
    assert response.json()["customer_id"] == customer_info(token)["customer_id"]
    assert customer_info(token_of(response))["guest"] is True


def test_an_expired_token_is_a_401_expired_token(sfcc: TestClient) -> None:
    token = guest(sfcc)
    advance(sfcc, 1799)
    fresh = token_of(auth(sfcc, "refresh", headers=bearer(token)))
    advance(sfcc, 1)
    response = auth(sfcc, "refresh", headers=bearer(token))
    assert fault(response, 401, "ExpiredTokenException") == {"accessToken": token}
    token_of(auth(sfcc, "refresh", headers=bearer(fresh)))


def forgeries(token: str) -> dict[str, str]:
    _, claims = decoded(token)
    head, body, signature = token.split(".")
    other_sub = json.dumps({"_v": "1", "customer_info": {"customer_id": "x" * 26, "guest": False}})
    tampered = jwt.encode({**claims, "sub": other_sub}, "k" * 32, headers={"_v": "1"})
    return {
        "alg-none": jwt.encode(claims, None, algorithm="none"),
        "re-signed": jwt.encode(claims, "a secret of our own, 32 bytes ok", headers={"_v": "1"}),
        "payload-swapped": f"{head}.{tampered.split('.')[1]}.{signature}",
        "signature-flipped": f"{head}.{body}.{signature[::-1]}",
        "not-a-jwt": "not-a-jwt",
    }


@pytest.mark.parametrize(
    "forgery", ["alg-none", "re-signed", "payload-swapped", "signature-flipped", "not-a-jwt"]
)
def test_a_forged_token_is_a_401_invalid_access_token(sfcc: TestClient, forgery: str) -> None:
    token = forgeries(guest(sfcc))[forgery]
    response = auth(sfcc, "refresh", headers=bearer(token))
    assert fault(response, 401, "InvalidAccessTokenException") == {"accessToken": token}
    fault(sfcc.post(f"{SITE}/sessions", headers=bearer(token)), 401, "InvalidAccessTokenException")


def test_a_token_of_another_site_is_invalid_here(sfcc: TestClient) -> None:
    token = guest(sfcc, "/sfcc/s/SiteGenesis/dw/shop/v20_8")
    fault(auth(sfcc, "refresh", headers=bearer(token)), 401, "InvalidAccessTokenException")


def test_a_token_of_a_client_id_no_longer_known_is_invalid(sfcc: TestClient) -> None:
    token = guest(sfcc)
    assert sfcc.post("/_admin/reset", headers=ADMIN).status_code == 204
    seeded = {"sfcc": {"clients": [{"client_id": OTHER_CLIENT}]}}
    assert sfcc.post("/_admin/seed", json=seeded).status_code == 200
    response = auth(sfcc, "refresh", headers={"x-dw-client-id": OTHER_CLIENT, **bearer(token)})
    fault(response, 401, "InvalidAccessTokenException")  # the reset dropped the site's key too


def test_refresh_with_another_client_id_is_a_400_invalid_client_id(sfcc: TestClient) -> None:
    token = guest(sfcc)
    response = auth(sfcc, "refresh", headers={"x-dw-client-id": OTHER_CLIENT, **bearer(token)})
    assert fault(response, 400, "InvalidClientIdException") == {"clientId": OTHER_CLIENT}


def test_refresh_without_a_bearer_header_is_a_401(sfcc: TestClient) -> None:
    fault(auth(sfcc, "refresh"), 401, "AuthorizationHeaderMissingException")
    response = auth(sfcc, "refresh", headers=basic(JANE["login"], JANE["password"]))
    fault(response, 401, "InvalidAuthorizationHeaderException")


def test_refresh_of_a_customer_disabled_since_is_refused(sfcc: TestClient) -> None:
    token = token_of(login(sfcc))
    customer = {
        **JANE,
        "email": "jane@example.com",
        "first_name": "Jane",
        "last_name": "Doe",
        "customer_no": "00005001",
        "enabled": False,
    }
    assert sfcc.post("/_admin/seed", json={"sfcc": {"customers": [customer]}}).status_code == 200
    fault(auth(sfcc, "refresh", headers=bearer(token)), 401, "InvalidAccessTokenException")


# Logout


def test_logout_revokes_the_token_everywhere(sfcc: TestClient) -> None:
    token = token_of(login(sfcc))
    other = token_of(auth(sfcc, "refresh", headers=bearer(token)))
    response = sfcc.delete(f"{SITE}/customers/auth", headers=bearer(token))
    assert response.status_code == 204 and response.content == b""
    for refused in (
        auth(sfcc, "refresh", headers=bearer(token)),
        sfcc.post(f"{SITE}/sessions", headers=bearer(token)),
        sfcc.delete(f"{GENERATED}/customers/auth", headers=bearer(token)),
    ):
        fault(refused, 401, "InvalidAccessTokenException")
    token_of(auth(sfcc, "refresh", headers=bearer(other)))  # only that token


def test_logout_without_a_token_is_a_401(sfcc: TestClient) -> None:
    fault(sfcc.delete(f"{SITE}/customers/auth"), 401, "AuthorizationHeaderMissingException")
    response = sfcc.delete(f"{SITE}/customers/auth", headers={"Authorization": "Bearer"})
    assert response.status_code == 401


# Session


def test_session_auth_answers_the_sessions_customer_with_a_new_token_each_call(
    sfcc: TestClient,
) -> None:
    token = guest(sfcc)
    cookies = session_cookies(sfcc, token)
    first = auth(sfcc, "session", headers={"Cookie": cookies})
    second = auth(sfcc, "session", headers={"Cookie": cookies})
    assert token_of(first) != token_of(second)
    customer_id = customer_info(token)["customer_id"]
    assert first.json()["customer_id"] == second.json()["customer_id"] == customer_id
    assert first.json()["auth_type"] == "guest"


def test_session_auth_of_a_registered_customer_leaves_the_profile_times(
    sfcc: TestClient,
) -> None:
    token = token_of(login(sfcc))
    cookies = session_cookies(sfcc, token)
    advance(sfcc, 300)
    response = auth(sfcc, "session", headers={"Cookie": cookies})
    body = response.json()
    assert customer_info(token_of(response)) | {"visit_id": ""} == {
        "customer_id": body["customer_id"],
        "guest": False,
        "visit_id": "",
    }
    assert body["last_login_time"] == "2026-11-21T12:00:00.000Z"
    assert "previous_login_time" not in body


@pytest.mark.parametrize(
    "cookie",
    ["", "dwsid={dwsid}", "{secure}", "dwsid=unknown; {secure}", "dwsid={dwsid}; {wrong}"],
    ids=["none", "no-secure-token", "no-dwsid", "unknown-dwsid", "wrong-secure-token"],
)
def test_session_auth_without_a_live_matching_session_is_a_401(
    sfcc: TestClient, cookie: str
) -> None:
    cookies = dict(part.split("=", 1) for part in session_cookies(sfcc, guest(sfcc)).split("; "))
    secure_name = next(name for name in cookies if name.startswith("dwsecuretoken_"))
    filled = cookie.format(
        dwsid=cookies["dwsid"],
        secure=f"{secure_name}={cookies[secure_name]}",
        wrong=f"{secure_name}=AAAA{cookies[secure_name][4:]}",
    )
    response = auth(sfcc, "session", headers={"Cookie": filled} if filled else {})
    assert fault(response, 401, "AuthenticationFailedException") == {"credentialType": "session"}


def test_a_storefront_session_ends_after_30_idle_minutes(sfcc: TestClient) -> None:
    cookies = session_cookies(sfcc, guest(sfcc))
    advance(sfcc, 29 * 60)
    token_of(auth(sfcc, "session", headers={"Cookie": cookies}))  # use slides the idle time
    advance(sfcc, 29 * 60)
    token_of(auth(sfcc, "session", headers={"Cookie": cookies}))
    advance(sfcc, 30 * 60)
    fault(auth(sfcc, "session", headers={"Cookie": cookies}), 401, "AuthenticationFailedException")


def test_session_auth_of_a_customer_locked_since_is_refused(sfcc: TestClient) -> None:
    cookies = session_cookies(sfcc, token_of(login(sfcc)))
    for _ in range(5):
        login(sfcc, "wrong")
    fault(auth(sfcc, "session", headers={"Cookie": cookies}), 401, "AuthenticationFailedException")
