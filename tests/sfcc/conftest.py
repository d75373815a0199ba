"""SFCC fixtures: the run's app as new, frozen at NOW and seeded with FIXTURE, for every test."""

from __future__ import annotations

import pytest
from starlette.testclient import TestClient

from tests.conftest import AppFor, Reset
from tests.sfcc.support import FIXTURE, NOW


@pytest.fixture
def sfcc(reset: Reset) -> TestClient:
    return reset(now=NOW, seed=FIXTURE)


@pytest.fixture
def at_root(app_for: AppFor, reset: Reset) -> TestClient:
    """The same, of the app that serves SFCC at the root too (`--root sfcc`)."""
    return reset(now=NOW, seed=FIXTURE, client=app_for(root="sfcc"))
