"""Okta fixtures: an app frozen at NOW and seeded with FIXTURE, and a factory for variants."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

import pytest
from sessim.app import create_app
from starlette.testclient import TestClient

from tests.conftest import make_settings
from tests.okta.support import FIXTURE, freeze, seed


def prepare(client: TestClient) -> TestClient:
    """Wipe the app's state, freeze the clock at NOW and seed FIXTURE.

    The clock is frozen before seeding, so that the users' passwordChanged is NOW too.
    """
    assert client.post("/_admin/reset").status_code == 204
    client.cookies.clear()
    freeze(client)
    seed(client, FIXTURE)
    return client


@contextlib.contextmanager
def okta_client(**overrides: object) -> Iterator[TestClient]:
    """A client of a fresh app (make_settings(**overrides)), prepared as above."""
    with TestClient(create_app(make_settings(**overrides))) as client:
        yield prepare(client)


@pytest.fixture(scope="session")
def okta_app() -> Iterator[TestClient]:
    """One app for the Okta tests: building one per test would cost most of their time."""
    with TestClient(create_app(make_settings())) as client:
        yield client


@pytest.fixture
def okta(okta_app: TestClient) -> TestClient:
    """The shared app, reset (POST /_admin/reset wipes users, sessions, tokens, rate limit
    counters and the clock), frozen at NOW and seeded with FIXTURE."""
    return prepare(okta_app)
