"""Optimizely in a browser on another origin: the website the Host picks lets in the origins
its fixture lists (the demo storefront: Vite's dev server), as ASP.NET Web API's CORS
handler answers them; any other origin's preflight is 400 and its requests get no CORS
header."""

from __future__ import annotations

import httpx
from starlette.testclient import TestClient

from tests.conftest import assert_no_cors, preflight
from tests.optimizely.conftest import (
    BASE,
    CURRENT,
    PASSWORDS,
    TOKEN,
    basic,
    bearer,
    message,
    tokens,
)

VITE = "http://localhost:5173"  # the demo website's allowed origin
OTHER = "http://localhost:4200"
REQUESTED = "authorization,content-type"


def assert_cors(response: httpx.Response) -> None:
    assert response.headers["access-control-allow-origin"] == VITE
    assert response.headers["access-control-allow-credentials"] == "true"
    assert response.headers["vary"] == "Origin"


def test_a_preflight_from_an_allowed_origin_is_a_200(opti: TestClient) -> None:
    response = preflight(opti, BASE, VITE, "POST", REQUESTED)
    assert response.status_code == 200
    assert_cors(response)
    assert response.headers["access-control-allow-methods"] == "POST"
    assert response.headers["access-control-allow-headers"] == REQUESTED


def test_another_origin_s_preflight_is_a_400_naming_it(opti: TestClient) -> None:
    response = preflight(opti, BASE, OTHER, "POST", REQUESTED)
    assert message(response, 400) == f"The origin '{OTHER}' is not allowed."
    assert_no_cors(response)


def test_the_sign_in_from_an_allowed_origin_is_readable_errors_included(
    opti: TestClient,
) -> None:
    origin = {"Origin": VITE}
    form = {"grant_type": "password", "username": "buyer1", "password": "wrong", "scope": "iscapi"}
    refused = opti.post(TOKEN, data=form, headers={**basic(), **origin})
    assert refused.status_code == 400
    assert refused.json()["error"] == "invalid_grant"
    assert_cors(refused)
    auth = bearer(tokens(opti, "buyer1")["access_token"])
    body = {"userName": "buyer1", "password": PASSWORDS["buyer1"]}
    signed = opti.post(BASE, json=body, headers={**auth, **origin})
    assert signed.status_code == 200, signed.text
    assert_cors(signed)


def test_another_origin_s_requests_are_served_without_cors_headers(opti: TestClient) -> None:
    response = opti.get(CURRENT, headers={"Origin": OTHER})
    assert response.status_code == 200
    assert_no_cors(response)


def test_each_website_has_its_own_origins(opti: TestClient) -> None:
    # The demo's second website (by its own domain) lists none.
    headers = {"Origin": VITE, "Access-Control-Request-Method": "GET"}
    response = opti.options(CURRENT, headers={**headers, "Host": "wholesale.example.test"})
    assert message(response, 400) == f"The origin '{VITE}' is not allowed."
    assert_cors(opti.options(CURRENT, headers=headers))
