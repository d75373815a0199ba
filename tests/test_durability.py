"""SQLite: a change is durable once the client has its answer. The server is killed with
SIGKILL in the middle of a concurrent stream of session creations; on restart every
acknowledged session is there, whole, and the file holds nothing half-written."""

from __future__ import annotations

import contextlib
import json
import signal
import sqlite3
import threading
from collections.abc import Callable
from pathlib import Path

import httpx
import pytest

from tests.conftest import race_threads, sessim_process, sessim_servers

pytestmark = pytest.mark.slow

CLIENTS = 8
KILL_AFTER = 150  # acknowledged sessions before the kill
API = {"Authorization": "SSWS t0ken"}
OKTA = {
    "api_tokens": ["t0ken"],
    "users": [{"login": "ana", "password": "pw", "firstName": "A", "lastName": "B"}],
    "settings": {
        "rate_limits": {"authn": 1_000_000, "sessions": 1_000_000, "users": 1_000_000},
        "lockout_attempts": 0,
    },
}


def create_until_killed(base: str, kill: Callable[[], None]) -> list[dict]:
    """CLIENTS threads creating Okta sessions back to back until the server dies, and one
    more that kills it once KILL_AFTER are acknowledged. Every session whose 200 a client
    received."""
    acknowledged: list[dict] = []
    enough = threading.Event()

    def client(index: int, start: threading.Barrier) -> None:
        with httpx.Client(base_url=f"{base}/okta/api/v1", headers=API) as http:
            start.wait()
            while True:
                try:
                    authn = http.post("/authn", json={"username": "ana", "password": "pw"})
                    token = {"sessionToken": authn.json()["sessionToken"]}
                    made = http.post("/sessions", json=token)
                except httpx.TransportError:
                    return  # the server is gone
                assert made.status_code == 200, made.text
                acknowledged.append(made.json())
                if len(acknowledged) >= KILL_AFTER:
                    enough.set()

    def killer(index: int, start: threading.Barrier) -> None:
        start.wait()
        assert enough.wait(timeout=60), "the clients made too few sessions"
        kill()

    def racer(index: int, start: threading.Barrier) -> None:
        (client if index < CLIENTS else killer)(index, start)

    race_threads(CLIENTS + 1, racer)
    return acknowledged


def test_every_acknowledged_session_survives_a_sigkill(tmp_path: Path) -> None:
    db = tmp_path / "crash.db"
    with sessim_servers(f"sqlite:///{db}", 1) as [(base, server)]:
        httpx.post(f"{base}/_admin/seed", json={"okta": OKTA}).raise_for_status()
        acknowledged = create_until_killed(base, lambda: server.send_signal(signal.SIGKILL))
        assert server.wait(timeout=10) == -signal.SIGKILL
    assert len(acknowledged) >= KILL_AFTER
    with contextlib.closing(sqlite3.connect(db)) as reader:
        assert reader.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        assert reader.execute("PRAGMA foreign_key_check").fetchall() == []
        values = reader.execute("SELECT value FROM records WHERE key LIKE 'okta:session:%'")
        stored = [json.loads(value) for (value,) in values]  # each one whole JSON
    # Some sessions may be stored that no client heard of (killed before the answer went).
    assert {s["id"] for s in acknowledged} <= {s["id"] for s in stored}
    with sessim_process(f"sqlite:///{db}") as base, httpx.Client(headers=API) as http:
        for session in acknowledged:
            read = http.get(f"{base}/okta/api/v1/sessions/{session['id']}")
            assert read.status_code == 200, read.text
            assert {key: read.json()[key] for key in ("id", "userId", "status", "createdAt")} == {
                key: session[key] for key in ("id", "userId", "status", "createdAt")
            }
