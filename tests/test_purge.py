"""Expired sessions leave the SQLite file: under a steady create-and-expire load driven by
the admin clock, the row count falls back and the file stops growing."""

from __future__ import annotations

import contextlib
import sqlite3
import threading
import time
from pathlib import Path

import httpx
import pytest

from tests.conftest import DEMO_USER, race_threads, sessim_process

pytestmark = pytest.mark.slow

LOGIN = {"email": DEMO_USER["email"], "password": DEMO_USER["password"]}
ROUNDS, SESSIONS, CLIENTS = 3, 800, 8
MONTH = 31 * 86_400  # past a Vestiaire session's lifetimes


def counts(db: Path) -> tuple[int, int]:
    """(records, pages) as another reader of the file sees them."""
    with contextlib.closing(sqlite3.connect(db)) as reader:
        (records,) = reader.execute("SELECT count(*) FROM records").fetchone()
        (pages,) = reader.execute("PRAGMA page_count").fetchone()
    return records, pages


def open_sessions(base: str) -> list[int]:
    def client(index: int, start: threading.Barrier) -> list[int]:
        with httpx.Client(base_url=base) as http:
            start.wait()
            share = range(index, SESSIONS, CLIENTS)
            return [http.post("/vestiaire/sessions", json=LOGIN).status_code for _ in share]

    return [status for statuses in race_threads(CLIENTS, client) for status in statuses]


def records_after_purge(db: Path, at_most: int) -> int:
    """The record count once the purge (every 0.1 s) brought it down to at_most, or what it
    still was after 10 s."""
    for _ in range(200):
        records, _pages = counts(db)
        if records <= at_most:
            return records
        time.sleep(0.05)  # waiting for the server's purge tick, not measuring it
    return records


def test_expiring_sessions_are_purged_and_the_file_stops_growing(tmp_path: Path) -> None:
    db = tmp_path / "purge.db"
    # The journal's ring is records too, bounded by --journal-size and never expiring: this
    # counts expiring sessions alone.
    store = f"sqlite:///{db}"
    with sessim_process(store, "--purge-interval", "0.1", "--journal-size", "0") as base:
        httpx.post(f"{base}/_admin/seed", json={"vestiaire": {"users": [DEMO_USER]}})
        httpx.put(f"{base}/_admin/clock", json={"frozen": True})
        baseline, _pages = counts(db)
        pages = []
        for _ in range(ROUNDS):
            assert set(open_sessions(base)) == {201}
            records, _pages = counts(db)
            assert records >= baseline + SESSIONS
            advance = httpx.post(f"{base}/_admin/clock/advance", json={"seconds": MONTH})
            assert advance.status_code == 200
            assert records_after_purge(db, at_most=baseline) == baseline
            pages.append(counts(db)[1])
        # Freed pages are reused: later rounds fit in the room the first one made (give or
        # take a few pages of b-tree shape; unpurged, each round would add ~100).
        assert max(pages) <= pages[0] * 1.05, pages
