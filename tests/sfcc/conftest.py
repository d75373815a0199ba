"""SFCC fixtures: one app, reset, frozen at NOW and seeded with FIXTURE for every test."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sessim.app import create_app
from starlette.testclient import TestClient

from tests.conftest import make_settings
from tests.sfcc.support import prepare


@pytest.fixture(scope="session")
def sfcc_app() -> Iterator[TestClient]:
    with TestClient(create_app(make_settings())) as client:
        yield client


@pytest.fixture
def sfcc(sfcc_app: TestClient) -> TestClient:
    return prepare(sfcc_app)
