"""Vestiaire in a browser on another origin: the origins the deployment's settings list get
their preflights answered and their answers, errors included, readable with credentials;
any other origin is served as without one, without CORS headers (all inferred)."""

from __future__ import annotations

import httpx
import pytest
from starlette.testclient import TestClient

from tests.conftest import DEMO_USER, Reset, assert_no_cors, preflight

STOREFRONT = "https://us.vestiairecollective.com"
OTHER = "https://evil.example.com"
SESSIONS = "/vestiaire/sessions"
LOGIN = {"email": DEMO_USER["email"], "password": DEMO_USER["password"]}


@pytest.fixture
def vestiaire(reset: Reset) -> TestClient:
    settings = {"allowed_origins": [STOREFRONT]}
    return reset(seed={"vestiaire": {"settings": settings, "users": [DEMO_USER]}})


def assert_cors(response: httpx.Response) -> None:
    assert response.headers["access-control-allow-origin"] == STOREFRONT
    assert response.headers["access-control-allow-credentials"] == "true"
    assert response.headers["vary"] == "Origin"


def test_a_preflight_from_a_listed_origin_is_answered(vestiaire: TestClient) -> None:
    response = preflight(vestiaire, f"{SESSIONS}/abc", STOREFRONT, "DELETE", "__session")
    assert response.status_code == 200
    assert_cors(response)
    assert response.headers["access-control-allow-methods"] == "DELETE"
    assert response.headers["access-control-allow-headers"] == "__session"


def test_a_log_in_from_a_listed_origin_is_readable_errors_included(vestiaire: TestClient) -> None:
    logged_in = vestiaire.post(SESSIONS, json=LOGIN, headers={"Origin": STOREFRONT})
    assert logged_in.status_code == 201
    assert_cors(logged_in)
    wrong = {**LOGIN, "password": "wrong"}
    refused = vestiaire.post(SESSIONS, json=wrong, headers={"Origin": STOREFRONT})
    assert refused.status_code == 401
    assert_cors(refused)


def test_another_origin_gets_the_same_answers_without_cors_headers(vestiaire: TestClient) -> None:
    response = vestiaire.post(SESSIONS, json=LOGIN, headers={"Origin": OTHER})
    assert response.status_code == 201
    assert_no_cors(response)
    refused = preflight(vestiaire, SESSIONS, OTHER, "POST", "content-type")
    assert refused.status_code == 405
    assert_no_cors(refused)
