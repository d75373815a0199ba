"""`--allow-origin` (Settings.allow_origins): an origin every vendor answers cross-origin,
before its own check and on the operations its policy enables (every one, for a vendor
that declares no policy); other origins keep what the vendor gives them."""

from __future__ import annotations

import httpx
import pytest
from sessim.admin.fixtures import demo
from starlette.testclient import TestClient

from tests.conftest import AppFor, Reset, assert_no_cors, preflight

DEV = "http://localhost:4200"  # trusted by the flag alone: no vendor's fixture lists it
OTHER = "https://evil.example.com"
SFCC_AUTH = "/sfcc/s/RefArch/dw/shop/v20_8/customers/auth"
SFCC_CLIENT = {"x-dw-client-id": "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"}


@pytest.fixture
def trusting(app_for: AppFor, reset: Reset) -> TestClient:
    """The app of `--allow-origin DEV`, reset and seeded with the demo fixture."""
    return reset(client=app_for(allow_origins=(DEV,)), seed=demo())


def assert_cors(response: httpx.Response, origin: str = DEV) -> None:
    assert response.headers["access-control-allow-origin"] == origin
    assert response.headers["access-control-allow-credentials"] == "true"
    assert response.headers["vary"] == "Origin"


@pytest.mark.parametrize(
    ("path", "method"),
    [
        ("/okta/api/v1/authn", "POST"),
        (SFCC_AUTH, "POST"),
        ("/optimizely/api/v1/sessions", "POST"),
        ("/vestiaire/sessions", "POST"),
    ],
)
def test_every_vendor_answers_the_preflight_of_a_trusted_origin(
    trusting: TestClient, path: str, method: str
) -> None:
    response = preflight(trusting, path, DEV, method, "content-type")
    assert response.status_code in (200, 204)
    assert_cors(response)
    assert method in response.headers["access-control-allow-methods"].split(", ")


def test_answers_to_a_trusted_origin_carry_cors_headers(trusting: TestClient) -> None:
    login = {"email": "demo@sessim.dev", "password": "sessim-demo"}
    vestiaire = trusting.post("/vestiaire/sessions", json=login, headers={"Origin": DEV})
    assert vestiaire.status_code == 201
    assert_cors(vestiaire)
    sfcc = trusting.post(SFCC_AUTH, json={"type": "guest"}, headers={**SFCC_CLIENT, "Origin": DEV})
    assert sfcc.status_code == 200
    assert_cors(sfcc)


def test_other_origins_keep_the_vendor_s_answer(trusting: TestClient) -> None:
    okta = preflight(trusting, "/okta/api/v1/authn", OTHER, "POST", "content-type")
    assert okta.status_code == 405
    assert_no_cors(okta)
    sfcc = trusting.post(
        SFCC_AUTH, json={"type": "guest"}, headers={**SFCC_CLIENT, "Origin": OTHER}
    )
    assert sfcc.status_code == 401
    assert sfcc.json()["fault"]["type"] == "UnauthorizedOriginException"
    assert_no_cors(sfcc)


def test_an_operation_the_vendor_does_not_enable_stays_closed(trusting: TestClient) -> None:
    # Okta's Trusted Origins API is not isCorsEnabled: the flag opens no more than Okta does.
    response = trusting.get("/okta/api/v1/trustedOrigins", headers={"Origin": DEV})
    assert_no_cors(response)
