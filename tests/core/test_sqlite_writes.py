"""SQLite's one-statement writes on the event loop (sqlite.py): queued on the writer thread
while another connection holds the write lock, and checkpointed from the writer thread."""

from __future__ import annotations

import asyncio
import sqlite3
from pathlib import Path

from sessim.core.kit.store.sqlite import CHECKPOINT_EVERY, SqliteStore

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
