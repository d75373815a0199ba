"""An app seeded with the demo storefront, the clock frozen, reset for each test."""

from __future__ import annotations

import base64
from datetime import UTC, datetime

import httpx
import pytest
from sessim.admin.fixtures import demo
from starlette.testclient import TestClient

from tests.conftest import AppFor, Reset

NOW = datetime(2026, 3, 1, 10, 0, tzinfo=UTC)
BASE = "/optimizely/api/v1/sessions"
CURRENT = f"{BASE}/current"
TOKEN = "/optimizely/identity/connect/token"
DEMO_SECTION = demo()["optimizely"]
SECRET = DEMO_SECTION["clients"][0]["client_secret"]
PASSWORDS = {user["userName"]: user["password"] for user in DEMO_SECTION["users"]}
ACME, GLOBEX, INITECH = (c["id"] for c in DEMO_SECTION["customers"])  # Initech: no one's
ACME_NORTH, ACME_SOUTH = (s["id"] for s in DEMO_SECTION["customers"][0]["shipTos"])
GLOBEX_DOCK = DEMO_SECTION["customers"][1]["shipTos"][0]["id"]
PICKUP, NO_PICKUP = (w["id"] for w in DEMO_SECTION["warehouses"])
WEBSITE = DEMO_SECTION["websites"][0]
EN, FR = (lang["id"] for lang in WEBSITE["languages"])
USD, EUR = (cur["id"] for cur in WEBSITE["currencies"])
SETTINGS = {"lockout_attempts": 3, "lockout_minutes": 5, "reset_token_seconds": 3600}


@pytest.fixture
def app(app_for: AppFor) -> TestClient:
    """The run's app as the demo website's domain, localhost, reaches it (Optimizely picks
    the website by the Host)."""
    return app_for(base_url="http://localhost")


@pytest.fixture
def opti(reset: Reset) -> TestClient:
    """The app reset, its clock frozen at NOW, the demo storefront seeded, no cookies kept."""
    return reset(now=NOW, seed={"optimizely": {**DEMO_SECTION, "settings": SETTINGS}})


def basic(client_id: str = "isc", secret: str = SECRET) -> dict[str, str]:
    raw = base64.b64encode(f"{client_id}:{secret}".encode()).decode()
    return {"Authorization": f"Basic {raw}"}


def tokens(client: TestClient, user: str, password: str | None = None) -> dict:
    form = {
        "grant_type": "password",
        "username": user,
        "password": password or PASSWORDS[user],
        "scope": "iscapi offline_access",
    }
    response = client.post(TOKEN, data=form, headers=basic())
    assert response.status_code == 200, response.text
    return response.json()


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def sign_in(
    client: TestClient, user: str = "buyer1", password: str | None = None, **extra: object
) -> tuple[httpx.Response, dict[str, str]]:
    """The two steps: a token for the user, then POST /sessions with it."""
    password = password or PASSWORDS[user]
    auth = bearer(tokens(client, user, password)["access_token"])
    body = {"userName": user, "password": password, **extra}
    return client.post(BASE, json=body, headers=auth), auth


def signed_in(client: TestClient, user: str = "buyer1") -> dict[str, str]:
    response, auth = sign_in(client, user)
    assert response.status_code == 200, response.text
    return auth


def message(response: httpx.Response, status: int) -> str:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/json")
    body = response.json()
    assert set(body) == {"message"}
    return body["message"]


def cookies_of(response: httpx.Response) -> dict[str, str]:
    """Set-Cookie headers by cookie name (the whole header)."""
    return {h.split("=", 1)[0]: h for h in response.headers.get_list("set-cookie")}
