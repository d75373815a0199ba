"""SFCC in a browser on another origin: each client's OCAPI settings `allowed_origins` decide
(the client named by header, query or the JWT's iss); an allowed origin gets its answers,
errors included, with the origin confirmed and credentials allowed, and 204 preflights;
any other is 401 UnauthorizedOriginException without CORS headers."""

from __future__ import annotations

import copy

import httpx
import pytest
from starlette.testclient import TestClient

from tests.conftest import Reset, assert_no_cors
from tests.conftest import preflight as browser_preflight
from tests.sfcc.support import (
    CLIENT_ID,
    FIXTURE,
    HEADERS,
    JANE,
    NOW,
    OTHER_CLIENT,
    SITE,
    auth,
    basic,
    bearer,
    fault,
    guest,
)

SHOP = "https://shop.example.com"  # CLIENT_ID's
OTHER = "https://other.example.com"  # OTHER_CLIENT's
UNLISTED = "https://evil.example.com"
AUTH = f"{SITE}/customers/auth"
BILLING = f"{SITE}/baskets/b1/billing_address"
REQUESTED = "content-type,x-dw-client-id"


@pytest.fixture
def sfcc(reset: Reset) -> TestClient:
    seed = copy.deepcopy(FIXTURE)
    seed["sfcc"]["clients"] = [
        {"client_id": CLIENT_ID, "allowed_origins": [SHOP]},
        {"client_id": OTHER_CLIENT, "allowed_origins": [OTHER]},
    ]
    seed["sfcc"]["settings"] = {"default_site": "RefArch"}
    return reset(now=NOW, seed=seed)


def preflight(client: TestClient, path: str, origin: str, method: str = "POST") -> httpx.Response:
    return browser_preflight(client, path, origin, method, REQUESTED)


def assert_cors(response: httpx.Response, origin: str = SHOP) -> None:
    assert response.headers["access-control-allow-origin"] == origin
    assert response.headers["access-control-allow-credentials"] == "true"
    assert response.headers["vary"] == "Origin"


def assert_refused(response: httpx.Response, origin: str) -> None:
    assert fault(response, 401, "UnauthorizedOriginException") == {"origin": origin}
    assert_no_cors(response)


@pytest.mark.parametrize(
    ("path", "methods"),
    [
        (f"{AUTH}?client_id={CLIENT_ID}", "POST, DELETE"),
        ("/sfcc/dw/shop/v20_8/customers/auth", "POST, DELETE"),  # host-mapped: the site's
        (BILLING, "PUT, POST"),  # POST: the override carries the PUT
    ],
)
def test_a_preflight_from_an_allowed_origin_is_a_204(
    sfcc: TestClient, path: str, methods: str
) -> None:
    response = preflight(sfcc, path, SHOP)
    assert response.status_code == 204
    assert response.content == b""
    assert_cors(response)
    assert response.headers["access-control-allow-methods"] == methods
    assert response.headers["access-control-allow-headers"] == REQUESTED


def test_a_preflight_naming_a_client_follows_that_client_s_origins(sfcc: TestClient) -> None:
    assert_refused(preflight(sfcc, f"{AUTH}?client_id={OTHER_CLIENT}", SHOP), SHOP)
    assert_cors(preflight(sfcc, f"{AUTH}?client_id={OTHER_CLIENT}", OTHER), OTHER)


def test_a_preflight_naming_no_client_takes_any_client_s_origin(sfcc: TestClient) -> None:
    assert_cors(preflight(sfcc, AUTH, OTHER), OTHER)
    assert_refused(preflight(sfcc, AUTH, UNLISTED), UNLISTED)


def test_answers_to_an_allowed_origin_carry_cors_headers_errors_included(
    sfcc: TestClient,
) -> None:
    origin = {"Origin": SHOP}
    response = auth(sfcc, "guest", headers=origin)
    assert response.status_code == 200
    assert_cors(response)
    # The page reads its JWT from the Authorization header (a browser hides the others).
    assert response.headers["access-control-expose-headers"] == "Authorization"
    assert response.headers["authorization"].startswith("Bearer ")
    wrong = auth(sfcc, "credentials", headers={**origin, **basic(JANE["login"], "wrong")})
    assert fault(wrong, 401, "AuthenticationFailedException") == {"credentialType": "credentials"}
    assert_cors(wrong)


def test_another_origin_is_a_401_unauthorized_origin_before_the_operation(
    sfcc: TestClient,
) -> None:
    # OTHER is allowed, but for the other client: the login is not even tried.
    assert_refused(auth(sfcc, "guest", headers={"Origin": OTHER}), OTHER)
    unlisted = sfcc.post(
        f"{AUTH}?client_id={CLIENT_ID}", json={"type": "guest"}, headers={"Origin": UNLISTED}
    )
    assert_refused(unlisted, UNLISTED)


def test_a_bearer_jwt_names_its_client_by_iss(sfcc: TestClient) -> None:
    token = guest(sfcc)
    response = sfcc.post(f"{SITE}/sessions", headers={**bearer(token), "Origin": SHOP})
    assert response.status_code == 204
    assert_cors(response)
    other = sfcc.post(f"{SITE}/sessions", headers={**bearer(token), "Origin": OTHER})
    assert_refused(other, OTHER)


def test_an_overridden_post_is_answered_as_the_method_it_carries(sfcc: TestClient) -> None:
    token = guest(sfcc)
    basket = sfcc.post(f"{SITE}/baskets", json={}, headers=bearer(token)).json()["basket_id"]
    headers = {**bearer(token), "Origin": SHOP, "x-dw-http-method-override": "PUT"}
    address = {"first_name": "Jane", "last_name": "Doe", "city": "Boston"}
    response = sfcc.post(f"{SITE}/baskets/{basket}/billing_address", json=address, headers=headers)
    assert response.status_code == 200, response.text
    assert_cors(response)


def test_a_reseed_replaces_a_client_s_origins(sfcc: TestClient) -> None:
    seed = {"sfcc": {"clients": [{"client_id": CLIENT_ID, "allowed_origins": [UNLISTED]}]}}
    assert sfcc.post("/_admin/seed", json=seed).status_code == 200
    assert_cors(auth(sfcc, "guest", headers={"Origin": UNLISTED}), UNLISTED)
    assert_refused(auth(sfcc, "guest", headers={"Origin": SHOP}), SHOP)
    assert_cors(
        auth(sfcc, "guest", headers={**HEADERS, "x-dw-client-id": OTHER_CLIENT, "Origin": OTHER}),
        OTHER,
    )
