"""SQLite's one-statement writes on the event loop (sqlite.py): queued on the writer thread
while another connection holds the write lock, and checkpointed from the writer thread; a
reset's commit writes few pages and never checkpoints."""

from __future__ import annotations

import asyncio
import hashlib
import sqlite3
from pathlib import Path

from sessim.core.kit.store import Record
from sessim.core.kit.store.sqlite import AUTO_CHECKPOINT_PAGES, CHECKPOINT_EVERY, SqliteStore

from tests.core.support import run


def test_a_counter_waits_for_a_write_lock_held_elsewhere(tmp_path: Path) -> None:
    path = tmp_path / "s.db"
    store = SqliteStore(str(path))
    other = sqlite3.connect(path, isolation_level=None)

    async def count_while_locked() -> int:
        assert (await store.incr("c", 60)).value == 1  # on the loop: the lock is free
        other.execute("BEGIN IMMEDIATE")  # another process's write transaction
        counting = asyncio.ensure_future(store.incr("c", 60))
        await asyncio.sleep(0.1)
        assert not counting.done()  # queued on the writer thread, the loop free meanwhile
        other.execute("COMMIT")
        return (await asyncio.wait_for(counting, 5)).value

    try:
        assert run(count_while_locked()) == 2
    finally:
        other.close()
        run(store.close())


def test_writes_on_the_loop_are_checkpointed(tmp_path: Path) -> None:
    """Without checkpoints the WAL would hold two pages for each of these commits; with
    them, it starts over after each (each commit writes two pages)."""
    path = tmp_path / "s.db"
    store = SqliteStore(str(path))

    async def count(times: int) -> None:
        for _ in range(times):
            await store.incr("c", 60)
        await asyncio.sleep(0.2)  # the last checkpoint, on the writer thread

    try:
        run(count(6 * CHECKPOINT_EVERY))
        pages = Path(f"{path}-wal").stat().st_size / 4096
        assert pages < 3 * CHECKPOINT_EVERY, pages
    finally:
        run(store.close())


def filled(path: Path) -> SqliteStore:
    """A store holding 1,000 tagged records of about 1 KiB, as many sessions would."""
    store = SqliteStore(str(path))
    records = [Record(f"s:{n}", {"blob": "x" * 1000}, 3600, ["sessions"]) for n in range(1000)]
    run(store.put_many(records))
    return store


def test_a_reset_writes_few_pages(tmp_path: Path) -> None:
    """Freed pages are not zeroed where that costs writes: a wipe zeroing them put a frame
    in the WAL for every page of the file (1,049 for 1,000 sessions)."""
    path = tmp_path / "s.db"
    store = filled(path)
    other = sqlite3.connect(path, isolation_level=None)
    try:
        other.execute(
            "PRAGMA wal_checkpoint(TRUNCATE)"
        )  # the WAL empty: the next write restarts it
        pages = other.execute("PRAGMA page_count").fetchone()[0]
        run(store.reset())
        _, frames, _ = other.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchone()
        assert pages > 300 and frames < 30, (pages, frames)
    finally:
        other.close()
        run(store.close())


def test_a_reset_never_checkpoints(tmp_path: Path) -> None:
    """A WAL past SQLite's threshold, left by another process: a reset's commit leaves the
    file as it was (a checkpoint would copy the WAL into it), and the next write checkpoints."""
    path = tmp_path / "s.db"
    store = filled(path)
    other = sqlite3.connect(path, isolation_level=None)
    try:
        other.execute("PRAGMA wal_autocheckpoint = 0")
        other.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        rows = [(f"o:{n}", "y" * 3000) for n in range(AUTO_CHECKPOINT_PAGES)]
        with other:
            other.executemany("INSERT INTO records (key, value) VALUES (?, ?)", rows)
        before = hashlib.sha256(path.read_bytes()).digest()
        run(store.reset())
        assert hashlib.sha256(path.read_bytes()).digest() == before
        assert run(store.get("o:0")) is None  # the reset did wipe
        run(store.put("k", "v"))  # past the threshold still
        assert hashlib.sha256(path.read_bytes()).digest() != before
    finally:
        other.close()
        run(store.close())
