"""Okta fixtures: the run's app as new, frozen at NOW and seeded with FIXTURE."""

from __future__ import annotations

import pytest
from starlette.testclient import TestClient

from tests.conftest import AppFor, Reset
from tests.okta.support import FIXTURE, NOW


@pytest.fixture
def okta(reset: Reset) -> TestClient:
    """The run's app reset (POST /_admin/reset wipes users, sessions, tokens, rate limit
    counters and the clock), frozen at NOW and seeded with FIXTURE."""
    return reset(now=NOW, seed=FIXTURE)


@pytest.fixture
def at_root(app_for: AppFor, reset: Reset) -> TestClient:
    """The same, of the app that serves Okta at the root too (`--root okta`)."""
    return reset(now=NOW, seed=FIXTURE, client=app_for(root="okta"))
