"""Okta fixtures: an app frozen at NOW and seeded with FIXTURE, and a factory for variants."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

import pytest
from starlette.testclient import TestClient

from impl.app import create_app
from tests.conftest import make_settings
from tests.okta.support import FIXTURE, freeze, seed


@contextlib.contextmanager
def okta_client(**overrides: object) -> Iterator[TestClient]:
    """A client of a fresh app (make_settings(**overrides)), frozen at NOW, seeded with FIXTURE.

    The clock is frozen before seeding, so that the users' passwordChanged is NOW too.
    """
    with TestClient(create_app(make_settings(**overrides))) as client:
        freeze(client)
        seed(client, FIXTURE)
        yield client


@pytest.fixture
def okta() -> Iterator[TestClient]:
    with okta_client() as client:
        yield client
