"""`sessim serve` beyond loopback: without an admin token it generates one, prints it once
with the inspector's URL, and requires it; `--no-admin-token` serves the admin API open and
says so at start. Real processes, as a user starts them (the guard's other refusals are
tested in process: tests/admin/test_guard.py)."""

from __future__ import annotations

import re
import time

import pytest
from sessim.admin import throttle
from sessim.settings import Settings

from tests.conftest import ADMIN, logged_sessim, plain_client

pytestmark = pytest.mark.slow

PRINTED = re.compile(r"Authorization: Bearer (\S+)")


def test_beyond_loopback_a_token_is_generated_printed_once_and_required() -> None:
    with logged_sessim("memory://", "--host", "0.0.0.0") as (base, _server, log):
        with plain_client(base_url=base) as http:
            assert http.get("/_admin/health").status_code == 200
            assert http.get("/_admin/journal").status_code == 401
            assert http.post("/_admin/reset", headers=ADMIN).status_code == 401
            log.seek(0)
            start = log.read().decode()
            (token,) = PRINTED.findall(start)
            assert len(token) >= 40  # 32 random bytes
            assert re.search(
                r"inspector, which asks for it: http://127\.0\.0\.1:\d+/_admin/", start
            )
            bearer = {"Authorization": f"Bearer {token}"}
            assert (
                http.post("/_admin/clock/advance", json={"seconds": 1}, headers=bearer).status_code
                == 200
            )
            assert http.post("/_admin/reset", headers=bearer).status_code == 204
            assert token not in http.get("/_admin/journal", headers=bearer).text
            # Clients on loopback are never slowed down (tests/admin/test_guard.py: others are).
            wrong = {"Authorization": "Bearer wr0ng"}
            began = time.perf_counter()
            for _ in range(throttle.FREE_FAILURES + 3):
                assert http.get("/_admin/clock", headers=wrong).status_code == 401
            # Slowed, the last three would wait 0.5 + 1 + 2 seconds.
            assert time.perf_counter() - began < throttle.FIRST_DELAY * 3
        log.seek(0)
        assert log.read().decode().count(token) == 1  # the access log never shows it


def test_no_admin_token_serves_the_admin_api_open_and_says_so() -> None:
    with logged_sessim("memory://", "--host", "0.0.0.0", "--no-admin-token") as (base, _, log):
        with plain_client(base_url=base) as http:
            assert http.post("/_admin/reset", headers=ADMIN).status_code == 204
        log.seek(0)
        start = log.read().decode()
    assert "Bearer" not in start
    assert "--no-admin-token: the admin API (reset, seed, the journal" in start
    assert "is open without a token to every client that reaches 0.0.0.0:" in start


def test_on_loopback_or_with_a_token_none_is_generated() -> None:
    assert Settings().with_admin_token().admin_token is None
    for host in ("localhost", "127.0.0.5", "::1", "[::1]"):
        assert not Settings(host=host).beyond_loopback
    for host in ("0.0.0.0", "::", "192.168.1.20", "sessim"):
        generated = Settings(host=host).with_admin_token().admin_token
        assert generated is not None and len(generated) >= 40
    assert Settings(host="0.0.0.0", admin_token="mine").with_admin_token().admin_token == "mine"
    assert Settings(host="0.0.0.0", no_admin_token=True).with_admin_token().admin_token is None
