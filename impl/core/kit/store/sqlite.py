"""SQLite store: the embedded default, one file that several processes can share.

Every operation is a single statement (or one transaction), so atomicity holds across
processes; `DELETE ... RETURNING` gives consume, an upsert gives counters.

Nothing here waits for a lock on the event loop. Writes run on one writer thread with its
own connection: a writer in another process holding the file's lock stalls this process's
writes, never its loop nor its reads. The writer thread tries for the lock again every
LOCK_STEP_SECONDS (_locked), for up to LOCK_WAIT_SECONDS: SQLite's own busy handler sleeps
longer and longer between tries, 100 ms from the 12th on, and against another process whose
writes take the lock whenever it is free, its tries kept finding it taken: a write waited
over a second (docs/benchmarks.md). Nor does the writer thread hold the lock while it waits for
the GIL: a put is one statement however many records (PUT_VIEW). Reads run on the loop
with a connection that never waits (busy timeout 0): in WAL mode a reader takes no lock
that a writer holds, so it only reads pages, which for a store this size sit in the page
cache. A handoff to a thread costs more than such a read (profiled: a third of a getSession
went to handoffs). When SQLite does answer busy (WAL recovery after a crash), the read
waits on a reader thread instead.

One-statement writes (counters, consume, replace) take the same way when the file's write
lock is free: with synchronous=NORMAL a commit appends to the WAL and does not fsync, so it
is as quick as a read, and a handoff to the writer thread cost more than the write (a rate
limit's counter on every Okta request). When the lock is held, the write is queued on the
writer thread. The loop's connection never checkpoints (that would copy pages and fsync
on the loop): the writer thread checkpoints after every CHECKPOINT_EVERY of its writes,
and they queue behind it meanwhile, so that the WAL starts over rather than growing.
With synchronous=FULL every commit fsyncs: all writes stay on the writer thread.

The writer thread's own commits checkpoint as SQLite does by default, when the WAL passes
AUTO_CHECKPOINT_PAGES, except a reset's: a test suite waits for its resets, and the commit
that crossed the threshold would copy the WAL into the file and fsync both on its path
(the writer thread's next commit checkpoints instead). Nor does a reset write much:
deleted records are zeroed only on pages written anyway (secure_delete FAST; Debian's
SQLite zeroes every freed page), so their bytes stay in free pages of the file until
reused, as an emulator's data may. A wipe of 1,000 sessions wrote 1,049 pages to the WAL
with every freed page zeroed, which crossed the threshold at every reset (15 ms), and 10
without.

Durability: every write is awaited until its transaction has committed, so the client's
answer always follows the commit. In WAL mode, synchronous=NORMAL (the default) makes a
commit survive a crash of the process (SIGKILL, OOM): it is in the WAL, in the OS's cache.
A power loss or kernel crash may undo the last commits before the next checkpoint's fsync
(the file stays consistent). synchronous=FULL fsyncs the WAL at every commit, so those
survive too, at the cost of one fsync per write.
"""

from __future__ import annotations

import asyncio
import json
import logging
import math
import os
import sqlite3
import sys
import threading
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, TypeVar

from ..instants import ClockState
from .base import CLOCK_KEY, GENERATION_KEY, Counter, Listed, Record, Store

T = TypeVar("T")
log = logging.getLogger("sessim.store")

SCHEMA = """
CREATE TABLE IF NOT EXISTS records (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL,
    expires_at REAL
);
CREATE TABLE IF NOT EXISTS tags (
    tag TEXT NOT NULL,
    key TEXT NOT NULL REFERENCES records(key) ON DELETE CASCADE,
    expires_at REAL,
    PRIMARY KEY (tag, key)
);
CREATE INDEX IF NOT EXISTS tags_by_key ON tags(key);
CREATE INDEX IF NOT EXISTS records_by_expiry ON records(expires_at);
"""
# A tag row holds its record's expiry (written with it, kept in step by the trigger), so
# that a tag's live records are counted from one index: a join to records would visit a
# row of records for each of a million sessions.
TAG_EXPIRY = """
CREATE INDEX IF NOT EXISTS tags_by_expiry ON tags(tag, expires_at);
CREATE TRIGGER IF NOT EXISTS tags_follow_expiry AFTER UPDATE OF expires_at ON records
WHEN NEW.expires_at IS NOT OLD.expires_at
BEGIN UPDATE tags SET expires_at = NEW.expires_at WHERE key = NEW.key; END;
"""
# Two ranges of that index: with an OR, SQLite would read the tag's every row.
COUNT_TAGGED = (
    "SELECT (SELECT COUNT(*) FROM tags WHERE tag = ? AND expires_at > ?)"
    " + (SELECT COUNT(*) FROM tags WHERE tag = ? AND expires_at IS NULL)"
)
# put and put_many write through this view of the writer's connection (temp: in no file),
# in one statement however many records: SQLite takes the write lock and commits within
# that statement's one step. A transaction of several statements holds the lock between
# them while its thread waits for the GIL before each next one: with the loop busy, up to
# 5 ms a statement, and a batch of 20 records held the lock for up to half a second
# (docs/benchmarks.md). A row is a record (tag NULL), or a tag of the record before.
PUT_VIEW = """
CREATE TEMP VIEW IF NOT EXISTS put_rows (key, value, expires_at, tag) AS
    SELECT NULL, NULL, NULL, NULL WHERE 0;
CREATE TEMP TRIGGER IF NOT EXISTS put_record INSTEAD OF INSERT ON put_rows
WHEN NEW.tag IS NULL BEGIN
    DELETE FROM records WHERE key = NEW.key;
    INSERT INTO records (key, value, expires_at) VALUES (NEW.key, NEW.value, NEW.expires_at);
END;
CREATE TEMP TRIGGER IF NOT EXISTS put_tag INSTEAD OF INSERT ON put_rows
WHEN NEW.tag IS NOT NULL BEGIN
    INSERT OR IGNORE INTO tags (tag, key, expires_at) VALUES (NEW.tag, NEW.key, NEW.expires_at);
END;
"""
# Rows of put_rows a statement takes: 4 parameters each, within SQLite's least limit (32,766).
PUT_ROWS = 8000
PutRow = tuple[str, str | None, float | None, str | None]

LIVE = "(expires_at IS NULL OR expires_at > ?)"
RAW_PUT = (
    "INSERT INTO records (key, value, expires_at) VALUES (?, ?, NULL) "
    "ON CONFLICT (key) DO UPDATE SET value = excluded.value, expires_at = NULL"
)
SYNCHRONOUS = ("NORMAL", "FULL")
# The WAL is cut back to this size after a checkpoint, so it does not keep its peak size.
WAL_LIMIT_BYTES = 16 * 1024 * 1024
# Pages read through a memory map of the file rather than read() into each connection's own
# cache: a commit by another process (a second worker) then costs a reader nothing to catch
# up with, where it emptied that cache (two SQLite workers spent 453 us a request against
# one's 407; mapped, 330-351 against 331-337: docs/benchmarks.md).
MMAP_BYTES = 256 * 1024 * 1024
READERS = 2
# SQLite's default threshold, in pages, set explicitly: a reset lifts it for its commit.
AUTO_CHECKPOINT_PAGES = 1000
# Writes made on the loop between two checkpoints run on the writer thread.
CHECKPOINT_EVERY = 1000
BUSY = (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED)
# How long the writer thread tries for the write lock before it gives up (SQLite's busy
# timeout before), and how long it sleeps between two tries (the GIL may add more).
LOCK_WAIT_SECONDS = 10.0
LOCK_STEP_SECONDS = 0.0002
# Above every character a key may hold after a prefix: the end of scan()'s key range.
LAST_CHARACTER = "\U0010ffff"
# How much nicer than its process the writer thread runs (Linux: a thread's own priority).
WRITER_NICENESS = 5


class SqliteStore(Store):
    def __init__(self, path: str, synchronous: str = "NORMAL") -> None:
        if path != ":memory:":
            # Missing folders are made: the default file, var/sessim.db, lives in a folder
            # that a fresh checkout or a CI workspace lacks, and refusing would make every
            # first run a chore. A mistyped path is not silent: `sessim serve` names the
            # file's absolute path in its start-up line.
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        self._path = path
        self._synchronous = synchronous
        self._connections: list[sqlite3.Connection] = []
        # One thread owns the writing connection: write statements never overlap on it.
        self._writer = ThreadPoolExecutor(
            max_workers=1, thread_name_prefix="sessim-sqlite-w", initializer=_yield_to_the_loop
        )
        self._readers = ThreadPoolExecutor(READERS, thread_name_prefix="sessim-sqlite-r")
        self._local = threading.local()  # each reader thread's own connection
        self._db = self._connect()
        self._db.execute(f"PRAGMA wal_autocheckpoint = {AUTO_CHECKPOINT_PAGES}")
        self._db.execute("PRAGMA journal_mode = WAL")
        self._db.executescript(SCHEMA)
        self._add_tag_expiry()
        self._db.executescript(TAG_EXPIRY)
        self._db.execute("PRAGMA temp_store = MEMORY")
        self._db.executescript(PUT_VIEW)
        # From now on the writer thread tries for the lock itself (_locked).
        self._db.execute("PRAGMA busy_timeout = 0")
        # An in-memory database is the writer connection's alone: its reads go there too.
        self._inline = None if path == ":memory:" else self._connect(busy_ms=0)
        if self._inline is not None:
            self._inline.execute("PRAGMA wal_autocheckpoint = 0")
        # Whether one-statement writes may commit on the loop, and how many did since the
        # last checkpoint.
        self._writes_inline = self._inline is not None and synchronous == "NORMAL"
        self._unchecked = 0
        self._checkpointing: asyncio.Future[None] | None = None

    def _add_tag_expiry(self) -> None:
        """A file written before tags held their record's expiry gets the column, filled
        in (once, whichever process opens it first)."""
        with self._db:
            self._db.execute("BEGIN IMMEDIATE")
            columns = [row[1] for row in self._db.execute("PRAGMA table_info(tags)")]
            if "expires_at" not in columns:
                self._db.execute("ALTER TABLE tags ADD COLUMN expires_at REAL")
                self._db.execute(
                    "UPDATE tags SET expires_at = "
                    "(SELECT expires_at FROM records WHERE records.key = tags.key)"
                )

    def _connect(self, busy_ms: int = 10_000) -> sqlite3.Connection:
        db = sqlite3.connect(self._path, isolation_level=None, check_same_thread=False)
        db.execute(f"PRAGMA busy_timeout = {busy_ms}")
        db.execute(f"PRAGMA synchronous = {self._synchronous}")
        db.execute(f"PRAGMA journal_size_limit = {WAL_LIMIT_BYTES}")
        db.execute("PRAGMA foreign_keys = ON")
        db.execute("PRAGMA secure_delete = FAST")
        db.execute(f"PRAGMA mmap_size = {MMAP_BYTES}")
        self._connections.append(db)
        return db

    def _reader(self) -> sqlite3.Connection:
        """This reader thread's connection."""
        if not hasattr(self._local, "db"):
            self._local.db = self._connect()
        return self._local.db

    async def _run(self, work: Callable[..., T], *args: Any) -> T:
        return await asyncio.get_running_loop().run_in_executor(self._writer, _locked, work, *args)

    async def _read(self, work: Callable[..., T], *args: Any) -> T:
        """work(connection, *args): on the loop when it cannot wait, else on a reader thread."""
        if self._inline is None:
            return await self._run(work, self._db, *args)
        try:
            return work(self._inline, *args)
        except sqlite3.OperationalError as error:
            if error.sqlite_errorcode & 0xFF not in BUSY:
                raise
        return await self._read_aside(work, *args)

    async def _write_one(self, work: Callable[..., T], *args: Any) -> T:
        """work(connection, *args), one statement that writes: committed on the loop when
        the write lock is free, else on the writer thread. Awaited until committed, either
        way."""
        # Writes queue behind a checkpoint, so that it ends with the WAL all copied, and
        # the next write starts the WAL over rather than growing it.
        if not self._writes_inline or self._checkpointing is not None:
            return await self._run(work, self._db, *args)
        assert self._inline is not None
        try:
            result = work(self._inline, *args)
        except sqlite3.OperationalError as error:
            if error.sqlite_errorcode & 0xFF not in BUSY:
                raise
            return await self._run(work, self._db, *args)  # nothing was written: SQLite's word
        self._unchecked += 1
        if self._unchecked >= CHECKPOINT_EVERY:
            self._unchecked = 0
            self._checkpointing = asyncio.get_running_loop().run_in_executor(
                self._writer, self._checkpoint
            )
            self._checkpointing.add_done_callback(self._checkpointed)
        return result

    def _checkpointed(self, done: asyncio.Future[None]) -> None:
        self._checkpointing = None
        if not done.cancelled() and done.exception() is not None:
            log.warning("checkpointing %s failed: %s", self._path, done.exception())

    def _checkpoint(self) -> None:
        """Copy the WAL's pages into the file, as far as no reader needs them (PASSIVE: it
        never waits); the WAL is cut back to WAL_LIMIT_BYTES."""
        self._db.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchall()

    async def _read_aside(self, work: Callable[..., T], *args: Any) -> T:
        """work(connection, *args) on a reader thread, for a read that may wait or take long
        (an in-memory database: on the writer's)."""
        if self._inline is None:
            return await self._run(work, self._db, *args)
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._readers, lambda: work(self._reader(), *args))

    async def _raw_get(self, key: str) -> Any | None:
        return (await self._raw_get_many([key]))[0]

    async def _raw_get_many(self, keys: Sequence[str]) -> list[Any | None]:
        return await self._read(self._select_raw, list(keys))

    @staticmethod
    def _select_raw(db: sqlite3.Connection, keys: list[str]) -> list[Any | None]:
        marks = ", ".join("?" * len(keys))
        sql = f"SELECT key, value FROM records WHERE key IN ({marks})"
        found = {key: json.loads(value) for key, value in db.execute(sql, keys)}
        return [found.get(key) for key in keys]

    async def _raw_put(self, key: str, value: Any) -> None:
        await self._run(self._db.execute, RAW_PUT, (key, json.dumps(value)))

    async def shift_clock(self, seconds: float) -> ClockState | None:
        return await self._run(self._shift_clock, seconds)

    def _shift_clock(self, seconds: float) -> ClockState | None:
        with self._db:  # the write lock is held from the read to the write, across processes
            self._db.execute("BEGIN IMMEDIATE")
            (found,) = self._select_raw(self._db, [CLOCK_KEY])
            moved = ClockState.from_json(found).shifted(seconds)
            if moved is not None:
                self._db.execute(RAW_PUT, (CLOCK_KEY, json.dumps(moved.to_json())))
        return moved

    async def get(self, key: str) -> Any | None:
        return await self._read(self._get, key, await self.now())

    @staticmethod
    def _get(db: sqlite3.Connection, key: str, now: float) -> Any | None:
        sql = f"SELECT value FROM records WHERE key = ? AND {LIVE}"
        row = db.execute(sql, (key, now)).fetchone()
        return json.loads(row[0]) if row else None

    async def put(
        self, key: str, value: Any, ttl: float | None = None, tags: Sequence[str] = ()
    ) -> None:
        await self.put_many([Record(key, value, ttl, tags)])

    async def put_many(self, records: Sequence[Record]) -> None:
        # A key written twice keeps its last record, as puts one after another would.
        last = {record.key: record for record in records}
        if not last:
            return
        now = await self.now()
        rows: list[PutRow] = []
        for key, value, ttl, tags in last.values():
            expires_at = None if ttl is None else now + ttl
            rows.append((key, json.dumps(value), expires_at, None))
            rows.extend((key, None, expires_at, tag) for tag in tags)
        await self._run(self._put_rows, rows)

    def _put_rows(self, rows: list[PutRow]) -> None:
        """One statement (the lock held within SQLite alone), or for more than PUT_ROWS
        rows, one transaction of several."""
        if len(rows) <= PUT_ROWS:
            self._insert_put_rows(rows)
            return
        with self._db:
            self._db.execute("BEGIN IMMEDIATE")
            for start in range(0, len(rows), PUT_ROWS):
                self._insert_put_rows(rows[start : start + PUT_ROWS])

    def _insert_put_rows(self, rows: list[PutRow]) -> None:
        marks = ", ".join(["(?, ?, ?, ?)"] * len(rows))
        self._db.execute(f"INSERT INTO put_rows VALUES {marks}", [v for row in rows for v in row])

    async def replace(self, key: str, value: Any, ttl: float | None = None) -> bool:
        now = await self.now()
        return await self._write_one(self._replace, key, json.dumps(value), ttl, now)

    @staticmethod
    def _replace(
        db: sqlite3.Connection, key: str, text: str, ttl: float | None, now: float
    ) -> bool:
        cursor = db.execute(
            f"UPDATE records SET value = ?, expires_at = ? WHERE key = ? AND {LIVE}",
            (text, None if ttl is None else now + ttl, key, now),
        )
        return cursor.rowcount == 1

    async def add(self, key: str, value: Any, ttl: float | None = None) -> bool:
        return await self._run(self._add, key, json.dumps(value), ttl, await self.now())

    def _add(self, key: str, text: str, ttl: float | None, now: float) -> bool:
        with self._db:  # an expired record goes with its tags before the insert
            self._db.execute("BEGIN IMMEDIATE")
            self._db.execute("DELETE FROM records WHERE key = ? AND expires_at <= ?", (key, now))
            row = self._db.execute(
                "INSERT INTO records (key, value, expires_at) VALUES (?, ?, ?) "
                "ON CONFLICT (key) DO NOTHING RETURNING key",
                (key, text, None if ttl is None else now + ttl),
            ).fetchone()
        return row is not None

    async def delete(self, key: str) -> bool:
        return await self.consume(key) is not None

    async def consume(self, key: str) -> Any | None:
        return await self._write_one(self._consume, key, await self.now())

    @staticmethod
    def _consume(db: sqlite3.Connection, key: str, now: float) -> Any | None:
        row = db.execute(
            "DELETE FROM records WHERE key = ? RETURNING value, expires_at", (key,)
        ).fetchone()
        if row is None or (row[1] is not None and row[1] <= now):
            return None
        return json.loads(row[0])

    async def tagged(self, tag: str) -> dict[str, Any]:
        return await self._read(self._tagged, tag, await self.now())

    @staticmethod
    def _tagged(db: sqlite3.Connection, tag: str, now: float) -> dict[str, Any]:
        sql = (
            "SELECT records.key, records.value FROM tags JOIN records USING (key) "
            "WHERE tags.tag = ? AND (records.expires_at IS NULL OR records.expires_at > ?)"
        )
        rows = db.execute(sql, (tag, now)).fetchall()
        return {key: json.loads(value) for key, value in rows}

    async def count_tagged(self, tag: str) -> int:
        # On a reader thread: a million index entries take a tenth of a second.
        return await self._read_aside(self._count_tagged, tag, await self.now())

    @staticmethod
    def _count_tagged(db: sqlite3.Connection, tag: str, now: float) -> int:
        return db.execute(COUNT_TAGGED, (tag, now, tag)).fetchone()[0]

    async def scan(self, prefix: str, limit: int) -> list[Listed]:
        # On a reader thread, never the loop: it may read a million rows.
        return await self._read_aside(self._scan, prefix, limit, await self.now())

    @staticmethod
    def _scan(db: sqlite3.Connection, prefix: str, limit: int, now: float) -> list[Listed]:
        sql = (
            f"SELECT key, value, expires_at FROM records WHERE key >= ? AND key < ? AND {LIVE} "
            "ORDER BY expires_at IS NULL, expires_at DESC, key LIMIT ?"
        )
        rows = db.execute(sql, (prefix, prefix + LAST_CHARACTER, now, limit)).fetchall()
        return [Listed(key, json.loads(value), expires_at) for key, value, expires_at in rows]

    async def incr(self, key: str, ttl: float, amount: int = 1) -> Counter:
        counter = await self.incr_below(key, ttl, amount, math.inf)
        assert counter is not None
        return counter

    async def incr_below(self, key: str, ttl: float, amount: int, below: float) -> Counter | None:
        return await self._write_one(self._incr, key, ttl, amount, below, await self.now())

    @staticmethod
    def _incr(
        db: sqlite3.Connection, key: str, ttl: float, amount: int, below: float, now: float
    ) -> Counter | None:
        # The SELECT's WHERE refuses a new window's first amount, the upsert's WHERE a live
        # counter's: either way no row changes and none is returned.
        row = db.execute(
            "INSERT INTO records (key, value, expires_at) SELECT ?1, ?2, ?3 WHERE ?2 < ?4 "
            "ON CONFLICT (key) DO UPDATE SET "
            "value = CASE WHEN expires_at <= ?5 THEN excluded.value "
            "ELSE CAST(value AS INTEGER) + excluded.value END, "
            "expires_at = CASE WHEN expires_at <= ?5 THEN excluded.expires_at ELSE expires_at END "
            "WHERE CASE WHEN expires_at <= ?5 THEN 0 ELSE CAST(value AS INTEGER) END "
            "+ excluded.value < ?4 "
            "RETURNING value, expires_at",
            (key, amount, now + ttl, below, now),
        ).fetchone()
        return None if row is None else Counter(int(row[0]), float(row[1]))

    async def incr_window(self, key: str, expires_at: float, amount: int) -> int | None:
        now = await self.now()
        if not amount:
            return await self._read(self._window_value, key, expires_at, now)
        return await self._write_one(self._add_in_window, key, expires_at, amount, now)

    @staticmethod
    def _window_value(
        db: sqlite3.Connection, key: str, expires_at: float, now: float
    ) -> int | None:
        row = db.execute(
            "SELECT value FROM records WHERE key = ? AND expires_at = ? AND expires_at > ?",
            (key, expires_at, now),
        ).fetchone()
        return None if row is None else int(row[0])

    @staticmethod
    def _add_in_window(
        db: sqlite3.Connection, key: str, expires_at: float, amount: int, now: float
    ) -> int | None:
        row = db.execute(
            "UPDATE records SET value = CAST(value AS INTEGER) + ? "
            "WHERE key = ? AND expires_at = ? AND expires_at > ? RETURNING value",
            (amount, key, expires_at, now),
        ).fetchone()
        return None if row is None else int(row[0])

    async def purge(self, limit: int) -> int:
        return await self._run(self._purge, limit, await self.now())

    def _purge(self, limit: int, now: float) -> int:
        """One short transaction on the writer (its tags go by cascade): requests' writes
        queue behind one batch, not behind the whole backlog."""
        return self._db.execute(
            "DELETE FROM records WHERE rowid IN "
            "(SELECT rowid FROM records WHERE expires_at <= ? LIMIT ?)",
            (now, limit),
        ).rowcount

    async def _wipe(self, generation: str) -> None:
        await self._run(self._delete_all, json.dumps(generation))

    def _delete_all(self, generation: str) -> None:
        # Both tables go whole, so the foreign key has nothing to check: without it SQLite
        # truncates them rather than deleting row by row (a quarter of the CPU with 1,000
        # sessions stored). No checkpoint at its commit (the module's notes). The pragmas
        # are the writer connection's, and writes are serial.
        self._db.execute("PRAGMA foreign_keys = OFF")
        self._db.execute("PRAGMA wal_autocheckpoint = 0")
        try:
            with self._db:
                self._db.execute("BEGIN IMMEDIATE")
                self._db.execute("DELETE FROM tags")
                self._db.execute("DELETE FROM records")
                self._db.execute(RAW_PUT, (GENERATION_KEY, generation))
        finally:
            self._db.execute("PRAGMA foreign_keys = ON")
            self._db.execute(f"PRAGMA wal_autocheckpoint = {AUTO_CHECKPOINT_PAGES}")

    async def close(self) -> None:
        self._readers.shutdown()
        self._writer.shutdown()
        for db in self._connections:
            db.close()


def _yield_to_the_loop() -> None:
    """Make this thread (the writer) nicer than the event loop's: sharing a core with it,
    the loop, woken by a request, takes the core sooner rather than waiting out the
    writer's step (a journal batch, a checkpoint's copy), which the scheduler would
    otherwise let run to the end of its slice. Its share of a busy core stays ample: nice
    5 weighs a third of nice 0's. Where threads have no priority of their own (not Linux),
    it stays as it was."""
    if sys.platform != "linux":
        return
    thread = threading.get_native_id()
    try:
        os.setpriority(
            os.PRIO_PROCESS, thread, os.getpriority(os.PRIO_PROCESS, thread) + WRITER_NICENESS
        )
    except OSError as error:  # a sandbox that refuses it: the writer runs as it did
        log.debug("the SQLite writer thread keeps its priority: %s", error)


def _locked(work: Callable[..., T], *args: Any) -> T:
    """work(*args) on the writer thread, tried again every LOCK_STEP_SECONDS while another
    connection holds the write lock (SQLite's answer busy: nothing was written), for up to
    LOCK_WAIT_SECONDS."""
    deadline = None
    while True:
        try:
            return work(*args)
        except sqlite3.OperationalError as error:
            if error.sqlite_errorcode & 0xFF not in BUSY:
                raise
            now = time.monotonic()
            deadline = deadline or now + LOCK_WAIT_SECONDS
            if now >= deadline:
                raise
        time.sleep(LOCK_STEP_SECONDS)
