"""SQLite's one-statement writes on the event loop (sqlite.py): queued on the writer thread
while another connection holds the write lock, and checkpointed from the writer thread; a
reset's commit writes few pages and never checkpoints. The writer thread never holds the
lock while it waits for the GIL, and takes it within a short step of its release."""

from __future__ import annotations

import asyncio
import hashlib
import os
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from sessim.core.kit.store import Record
from sessim.core.kit.store.sqlite import (
    AUTO_CHECKPOINT_PAGES,
    CHECKPOINT_EVERY,
    MMAP_BYTES,
    WRITER_NICENESS,
    SqliteStore,
)

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


# Another process's write, tried for `window` seconds once told to go (a line on stdin).
OTHER_WRITER = """
import sqlite3, sys, time
db = sqlite3.connect(sys.argv[1], isolation_level=None, timeout=0)
print("ready", flush=True)
sys.stdin.readline()
deadline = time.monotonic() + float(sys.argv[2])
while True:
    try:
        db.execute("INSERT INTO records (key, value) VALUES ('other', '1')")
        print("wrote", flush=True)
        break
    except sqlite3.OperationalError:
        if time.monotonic() > deadline:
            print("locked", flush=True)
            break
        time.sleep(0.001)
"""


def test_a_batch_holds_no_lock_while_its_thread_waits(tmp_path: Path) -> None:
    """The writer thread waits for the GIL before each statement it runs (5 ms at a time
    while the event loop computes, longer when the thread is descheduled); here it is
    stalled 0.8 s before a batch's first statement but BEGIN, while another process tries
    to write. A put_many is one statement, whose step takes the lock and commits: the
    other process writes. As a transaction of several statements, the batch held the lock
    while it stalled, and in a busy server a journal batch held the other worker's writes
    off for up to half a second."""
    path = tmp_path / "s.db"
    store = SqliteStore(str(path))
    other = subprocess.Popen(
        [sys.executable, "-c", OTHER_WRITER, str(path), "0.6"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert other.stdin is not None and other.stdout is not None
    stalled: list[str] = []

    def stall_once(sql: str) -> None:
        """Called on the writer thread as each statement starts ("--": within a trigger)."""
        if not stalled and not sql.startswith(("BEGIN", "--")):
            stalled.append(sql)
            assert other.stdin is not None
            other.stdin.write("go\n")
            other.stdin.flush()
            time.sleep(0.8)

    try:
        assert other.stdout.readline() == "ready\n"
        store._db.set_trace_callback(stall_once)
        run(store.put_many([Record(f"r:{n}", n, 60, ["t"]) for n in range(20)]))
        store._db.set_trace_callback(None)
        assert stalled and other.communicate(timeout=10)[0] == "wrote\n"
        assert run(store.count_tagged("t")) == 20
    finally:
        other.kill()
        run(store.close())


def test_a_write_takes_the_lock_in_a_short_gap_after_a_long_wait(tmp_path: Path) -> None:
    """The writer thread tries for the lock every fraction of a millisecond however long it
    has waited: another connection holds the lock for 1.05 s, lets go of it for 50 ms, then
    holds it again, and the counter goes in between. SQLite's busy handler would by then
    sleep 100 ms between tries (at 1,028 and 1,128 ms), miss the gap and wait for the next
    release: one process's write waited seconds that way while the other's came and went."""
    path = tmp_path / "s.db"
    store = SqliteStore(str(path))
    other = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    held = threading.Event()
    seen: list[object] = []

    def hold_with_a_gap() -> None:
        other.execute("BEGIN IMMEDIATE")
        held.set()
        time.sleep(1.05)
        other.execute("COMMIT")
        time.sleep(0.05)
        other.execute("BEGIN IMMEDIATE")  # waits, if the counter's write holds the lock
        seen.append(other.execute("SELECT value FROM records WHERE key = 'c'").fetchone())
        time.sleep(0.3)
        other.execute("COMMIT")

    async def count() -> int:
        while not held.is_set():
            await asyncio.sleep(0.001)
        return (await store.incr("c", 60)).value

    holder = threading.Thread(target=hold_with_a_gap)
    holder.start()
    try:
        assert run(count()) == 1
        holder.join()
        assert seen == [("1",)]  # written in the gap
    finally:
        holder.join()
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


@pytest.mark.skipif(sys.platform != "linux", reason="a thread's own priority is Linux's")
def test_the_writer_thread_yields_its_core_to_the_loop(tmp_path: Path) -> None:
    """The writer thread runs WRITER_NICENESS nicer than the process: a loop woken by a
    request takes a shared core from it rather than waiting out its step."""
    store = SqliteStore(str(tmp_path / "s.db"))
    process = os.getpriority(os.PRIO_PROCESS, 0)

    def priority() -> int:
        return os.getpriority(os.PRIO_PROCESS, threading.get_native_id())

    assert store._writer.submit(priority).result(timeout=5) == process + WRITER_NICENESS
    assert os.getpriority(os.PRIO_PROCESS, 0) == process  # the loop's thread keeps its own
    run(store.close())


def test_every_connection_reads_through_a_memory_map(tmp_path: Path) -> None:
    """Another worker's commits cost a mapped reader nothing to catch up with; a reader with
    a cache of its own empties it on each (the second SQLite worker's extra cost)."""
    store = SqliteStore(str(tmp_path / "mapped.db"))
    try:
        run(store.put("k", 1))
        assert run(store.get("k")) == 1
        assert store._connections
        for db in store._connections:
            assert db.execute("PRAGMA mmap_size").fetchone() == (MMAP_BYTES,)
    finally:
        run(store.close())
