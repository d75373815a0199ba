"""Shared fixtures: an app on a memory store with cheap password hashing, and its client."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from starlette.testclient import TestClient

from impl.app import create_app
from impl.settings import Settings

# argon2id at its cheapest: tests measure behaviour, not hashing cost.
CHEAP = {"argon2_time_cost": 1, "argon2_memory_kib": 8}
DEMO_USER = {"email": "ana@example.com", "password": "correct horse", "id": "28731456"}


def make_settings(**overrides: object) -> Settings:
    return Settings(**{"store": "memory://", **CHEAP, **overrides})


@pytest.fixture
def client() -> Iterator[TestClient]:
    with TestClient(create_app(make_settings())) as test_client:
        yield test_client


@pytest.fixture
def seeded(client: TestClient) -> TestClient:
    """A client whose Vestiaire has DEMO_USER."""
    response = client.post("/_admin/seed", json={"vestiaire": {"users": [DEMO_USER]}})
    assert response.status_code == 200, response.text
    return client
