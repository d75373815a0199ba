"""The journal: the last `size` entries, kept in the store as a ring that every worker shares.

An atomic counter numbers the entries; entry n lives in slot n % size, so the ring never
holds more than `size` and the newest overwrite the oldest. Clearing writes a floor (the
counter's value): entries at or below it are gone to readers, and their slots are reused.

Entries are built off the request's path: a request hands over what it saw (record), and
one task per process builds the entries and writes them in batches, every PERIOD seconds
while requests come (a counter step for the batch and one put_many), so a burst costs a few
store writes, not two per request.

What a read sees is the setting `journal_sync`:
- "answered" (the default): every request answered before the read, through any worker.
  A read writes this process's pending entries and asks every other worker to write theirs
  (presence.py); answers do not wait for their entries' writes (but the first one of a
  worker that was idle, for one marker write). WireMock-style verification right after a
  call holds across workers. On the memory store, which one process holds, a read writes
  the pending entries first: the same guarantee, no marker.
- "after": a read through the same process writes its pending entries first and so still
  sees them; another worker's show once that worker has written them, within PERIOD.
  Reads never wait for other workers, nor answers for a marker.

Where every read writes or asks for the pending entries first (a store of one process
alone, memory; or "answered" with the setting `journal_writes` "held", the default) and
no log is written, entries wait for the next read (or a backlog of HELD_BYTES, or a worker
idle for IDLE_SECONDS) rather than a batch every PERIOD, held as bytes (exchange.pack: no
work for the garbage collector), and of a backlog longer than the ring only its newest
`size` are kept and built (the older ones' slots would be overwritten before any read; they
are counted all the same, so ids run on). Each request past the ring's size lets the oldest
go: letting `size` go at once, every `size` requests, stalled the loop for milliseconds
(freeing a thousand exchanges), the open-loop p99's tail. A read sees what it saw before;
requests between reads build no entry. An entry that pinned no instant is written at the
writer's next turn (its instant is the batch's). On a shared store a worker killed (SIGKILL)
loses what it held; `journal_writes` "batched" writes every PERIOD instead (a SIGKILL loses
the last few milliseconds), at the cost of a store write per batch: on SQLite the journal
was a third of a request's CPU, and most of what a second worker added.

Workers write what they held when asked, one after another, so entry ids do not follow the
answers across workers: a read lists entries newest first by when their answers went out
(each worker's in the order it answered), and pages on from an entry by that order.
"""

from __future__ import annotations

import asyncio
import contextvars
import json
import logging
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TextIO

from ....generated.dicts.admin import JournalEntry, JournalExchange
from ...kit.context import Pinned, pin, pinned
from ...kit.errors import Unavailable
from ...kit.instants import LATEST
from ...kit.store import Store
from ...kit.store.base import Record
from ...web.api import Api
from .exchange import Exchange, pack, unpack
from .placeholders import Placeholders, SharedKey
from .presence import NAMESPACE, Presence

SEQUENCE_KEY = f"{NAMESPACE}:sequence"
FLOOR_KEY = f"{NAMESPACE}:floor"
# Entries written in one step; a larger backlog goes in several.
BATCH = 200
# How long the writer gathers entries into one batch; a marked worker's reply to a read's ask
# takes as long at most, plus the write.
PERIOD = 0.005
# A worker idle this long writes what it holds, deletes its marker and stops polling the store.
IDLE_SECONDS = 1.0
# The bytes a journal holds back, unbuilt and packed (bodies, mostly), before the writer
# takes them.
HELD_BYTES = 4 * 1024 * 1024
# The counter's window: past the year 3000 from any instant the clock can show, so never.
FOREVER = LATEST
log = logging.getLogger("sessim.journal")

# Builds an entry from what a request saw, given the instant to take when it pinned none and
# the placeholders of its secrets: the entry's instant (epoch seconds on the shared clock)
# and the entry.
Build = Callable[[Exchange, float, Placeholders], tuple[float, JournalExchange]]


def _held_bytes(pending: Exchange | bytes) -> int:
    """The bytes a pending exchange takes while held: packed, or its bodies where it could
    not be packed."""
    if isinstance(pending, bytes):
        return len(pending)
    return len(pending.request.kept) + len(pending.response.kept)


def _slot(index: int) -> str:
    return f"{NAMESPACE}:slot:{index}"


@dataclass(frozen=True)
class Filter:
    vendor: str | None = None
    operation_id: str | None = None
    status: int | None = None
    method: str | None = None
    since: float | None = None  # epoch seconds on the shared clock

    def keeps(self, record: dict) -> bool:
        entry = record["entry"]
        return (
            (self.vendor is None or entry["vendor"] == self.vendor)
            and (self.operation_id is None or entry["operationId"] == self.operation_id)
            and (self.status is None or entry["status"] == self.status)
            and (self.method is None or entry["method"] == self.method.upper())
            and (self.since is None or record["at"] >= self.since)
        )


class Journal:
    def __init__(
        self,
        store: Store,
        size: int,
        build: Build,
        log_to: TextIO | None,
        across_workers: bool = True,
        held: bool = True,
    ) -> None:
        self.size = size
        self._store = store
        self._build = build
        self._key = SharedKey(store)
        self._log_to = log_to
        # journal_sync "answered" on a shared store: reads ask every worker (presence.py).
        self._presence = Presence(store) if across_workers else None
        # Exchanges to write, or held back unbuilt and packed (see the module's doc); the
        # older of a held backlog longer than the ring are dropped and only counted.
        self._pending: deque[Exchange | bytes] = deque()
        # Held until a read: where every read writes or asks for them first (`held`: the
        # setting journal_writes), and no log line waits for them.
        asked = not store.shared or (self._presence is not None and held)
        self._holds = asked and log_to is None and size > 0
        self._due = False  # held entries the writer must write at its next turn
        self._arrived = False  # a request since the writer's last turn
        self._last_done = 0.0  # when this process's last written answer went out
        self._apis: dict[str, Api] = {}  # the held exchanges' APIs, by name (exchange.pack)
        self._held_bytes = 0  # of the pending exchanges, while held
        self._skipped = 0
        # Resolved when this process's marker is written: what answers wait for meanwhile.
        self._marked: asyncio.Future[None] | None = None
        self._writer: asyncio.Task[None] | None = None
        self._closing = False  # set by close(): the writer ends at its next turn
        self._loop: asyncio.AbstractEventLoop | None = None
        self._lock = asyncio.Lock()  # remade for each loop: see _guard

    @property
    def enabled(self) -> bool:
        """Whether requests are watched at all: kept in the ring, or logged."""
        return self.size > 0 or self._log_to is not None

    def record(self, exchange: Exchange) -> asyncio.Future[None] | None:
        """Take a finished request; its entry is written soon, by this process's writer.
        What the answer's last byte must wait for, if anything: the write of this process's
        marker, when it has none (it never fails: a lost write is logged)."""
        if not self._holds:
            self._pending.append(exchange)
        elif not self._held(exchange):
            self._due = True
        elif self._presence is None:
            return None  # a read writes them first
        self._arrived = True
        loop = asyncio.get_running_loop()
        writer = self._writer
        # A writer of another loop is gone with it (test clients run one loop after another).
        if writer is None or writer.done() or writer.get_loop() is not loop:
            # A context of its own: the request's would pin its clock instant on every batch.
            fresh = contextvars.Context()
            self._closing = False
            self._writer = loop.create_task(self._keep_writing(), context=fresh)
        view = pinned()
        generation = None if view is None else view.generation
        if self._presence is None or self._presence.marked(generation):
            return None
        marked = self._marked
        if marked is None or marked.get_loop() is not loop:
            marked = self._marked = loop.create_future()
        return marked

    def _held(self, exchange: Exchange) -> bool:
        """Hold `exchange` packed, the backlog kept to the ring's newest `size`; whether the
        pending exchanges may wait for the next read: it pinned an instant and they stay
        under HELD_BYTES."""
        try:
            held: Exchange | bytes = pack(exchange)
        except ValueError:  # a value marshal cannot write (an enum, a subclass): kept as is
            held = exchange
        if exchange.api is not None:
            self._apis[exchange.api.name] = exchange.api
        self._pending.append(held)
        self._held_bytes += _held_bytes(held)
        self._skip_older()
        return exchange.at is not None and self._held_bytes < HELD_BYTES

    def _skip_older(self) -> None:
        """Drop, counted, the pending exchanges older than the newest `size`: their slots in
        the ring would be overwritten by the newer ones before anyone reads them."""
        while self._holds and len(self._pending) > self.size:
            self._held_bytes -= _held_bytes(self._pending.popleft())
            self._skipped += 1

    async def _keep_writing(self) -> None:
        """Write what requests hand over, a batch every PERIOD (or, held, when a read asks);
        while marked, answer reads' asks; after IDLE_SECONDS without a request, write what
        is held, unmark and end."""
        loop = asyncio.get_running_loop()
        busy = loop.time()
        try:
            while True:
                if self._marked is not None:
                    await self._mark()
                await asyncio.sleep(PERIOD)
                if self._closing:
                    return
                if self._arrived:
                    self._arrived, busy = False, loop.time()
                if self._presence is None:
                    await self.flush()
                    if not self._pending:
                        return
                    continue
                idle = loop.time() - busy > IDLE_SECONDS
                due = idle or self._due or not self._holds
                await self._answer_asks(self._presence, due)
                if not self._pending and idle:
                    if self._presence.generation is not None:
                        await self._unmark(self._presence)
                    if not self._pending and self._marked is None:
                        return
        finally:
            if self._writer is asyncio.current_task():
                self._writer = None

    async def _mark(self) -> None:
        assert self._presence is not None  # _marked is only made with a presence
        marked, self._marked = self._marked, None
        try:
            await self._presence.mark()
        except Exception:  # the answers go out all the same: a read may then miss them
            log.exception("writing this worker's journal marker failed")
        finally:
            if marked is not None and not marked.done():
                marked.set_result(None)

    async def _answer_asks(self, presence: Presence, due: bool) -> None:
        """Write the pending entries when `due` or asked, then acknowledge the ask read
        before taking them; one read of the clock for the three (each store call would
        read it)."""
        try:
            with pin(await self._fresh_view()):
                asked = await presence.asked()
                if due or asked != presence.acknowledged:
                    await self.flush()
                    await presence.acknowledge(asked)
        except Exception:
            log.exception("answering a journal read's ask failed")

    async def _fresh_view(self) -> Pinned:
        clock, generation = await self._store.snapshot()
        return Pinned(clock.instant(), generation)

    async def _unmark(self, presence: Presence) -> None:
        try:
            await presence.unmark()
        except Exception:
            log.exception("deleting this worker's journal marker failed")

    def _guard(self) -> asyncio.Lock:
        """The lock that keeps writes and clears apart, one per event loop (a lock serves
        one loop only; test clients run one after another)."""
        loop = asyncio.get_running_loop()
        if loop is not self._loop:
            self._loop, self._lock = loop, asyncio.Lock()
        return self._lock

    async def flush(self) -> None:
        """Write every entry this process has recorded so far."""
        async with self._guard():
            while self._pending:
                self._skip_older()
                taken = [self._unpacked(pending) for pending in self._pending]
                self._pending.clear()
                self._held_bytes, self._due = 0, False
                skipped, self._skipped = self._skipped, 0
                for start in range(0, len(taken), BATCH):
                    await self._write_batch(taken[start : start + BATCH], skipped)
                    skipped = 0

    def _unpacked(self, pending: Exchange | bytes) -> Exchange:
        return unpack(pending, self._apis) if isinstance(pending, bytes) else pending

    async def settle(self) -> None:
        """Write every entry recorded so far, and with journal_sync "answered", wait until
        every other worker has written what it has answered (what a read does first)."""
        await self.flush()
        if self._presence is not None:
            await self._presence.wait_for_others()

    async def close(self) -> None:
        """Stop the writer, write what is pending and delete this process's marker (at
        shutdown: the writer would otherwise read a store closed under it)."""
        writer, self._closing = self._writer, True
        if writer is not None and writer.get_loop() is asyncio.get_running_loop():
            await writer
        await self.flush()
        if self._presence is not None and self._presence.generation is not None:
            await self._unmark(self._presence)

    async def _write_batch(self, batch: list[Exchange], skipped: int = 0) -> None:
        """Write a batch's entries, numbered after `skipped` entries never built."""
        try:
            await self._write(batch, skipped)
        except Unavailable as error:  # a store that is down loses these, not requests
            reason = error.__cause__ or error
            log.warning("%d journal entries lost: %s", len(batch), reason)
        except Exception:
            log.exception("writing %d journal entries failed", len(batch))

    async def _write(self, batch: list[Exchange], skipped: int) -> None:
        # One read of the clock for the batch, pinned for its store calls (each would read
        # it), unless the caller pinned one: a request that reads the journal, the writer.
        view = pinned() or await self._fresh_view()
        with pin(view):
            hidden = await self._key.placeholders(view.generation)
            await self._write_built(batch, view.instant, hidden, skipped)

    async def _write_built(
        self, batch: list[Exchange], now: float, hidden: Placeholders, skipped: int
    ) -> None:
        built = []
        for exchange in batch:
            try:
                built.append((self._done(exchange), *self._build(exchange, now, hidden)))
            except Exception:  # a bug in the journal must not lose the batch's other entries
                log.exception("journaling %s %s failed", exchange.method, exchange.path)
        if not built and not skipped:  # skipped ones are counted all the same: ids run on
            return
        if self._log_to is not None:
            self._log_to.write("".join(_log_line(entry) for _done, _at, entry in built))
            self._log_to.flush()
        if self.size <= 0:
            return
        top = (await self._store.incr(SEQUENCE_KEY, FOREVER, skipped + len(built))).value
        records = [
            Record(
                _slot(seq % self.size),
                {"seq": seq, "at": at, "done": done, "entry": _numbered(seq, entry)},
                tags=[NAMESPACE],
            )
            for seq, (done, at, entry) in enumerate(built, top - len(built) + 1)
        ]
        await self._store.put_many(records)

    def _done(self, exchange: Exchange) -> float:
        """When the exchange's answer went out (real epoch seconds), never before this
        process's previous one: what orders entries across workers (see the module's doc)."""
        self._last_done = max(self._last_done, exchange.wall + exchange.latency)
        return self._last_done

    async def entries(
        self, query: Filter, limit: int, before: int | None
    ) -> tuple[list[JournalEntry], int | None]:
        """Up to `limit` entries that `query` keeps, newest first, older than entry `before`
        when given; and the id to page on from, when more are left."""
        records = [r for r in await self._records() if query.keeps(r)]
        if before is not None:
            records = _older_than(records, before)
        page = records[:limit]
        more = len(records) > limit
        return [r["entry"] for r in page], page[-1]["seq"] if more and page else None

    async def count(self, query: Filter) -> int:
        return sum(1 for record in await self._records() if query.keeps(record))

    async def clear(self, wiping: bool = False) -> None:
        """Forget every entry so far, this process's pending ones and those every worker
        has answered (written first, below the floor). `wiping`: the store is wiped next
        (a reset), floor and entries with it, so no floor is written (two store calls)."""
        if self._presence is not None:
            await self._presence.wait_for_others()
        async with self._guard():
            self._pending.clear()
            self._held_bytes = self._skipped = 0
            if not wiping:
                await self._store.put(FLOOR_KEY, await self._store.get(SEQUENCE_KEY) or 0)

    async def version(self) -> str:
        """What changes with every entry written and every clear, every worker's pending
        entries written first (as for a read): the counter and the floor."""
        await self.settle()
        if self.size <= 0:
            return ""
        return f"{await self._store.get(SEQUENCE_KEY) or 0}.{await self._store.get(FLOOR_KEY) or 0}"

    async def _records(self) -> list[dict]:
        """The ring's live records, newest first: by when their answers went out, then by
        their numbers (records of an older Sessim carry no time: they come last)."""
        await self.settle()
        if self.size <= 0:
            return []
        floor = await self._store.get(FLOOR_KEY) or 0
        found = list((await self._store.tagged(NAMESPACE)).values())
        # Slots past the size (left by a run with a larger ring) hold older entries still.
        newest = max((record["seq"] for record in found), default=0)
        live = [record for record in found if record["seq"] > max(floor, newest - self.size)]
        return sorted(live, key=lambda r: (r.get("done", 0.0), r["seq"]), reverse=True)


def _older_than(records: list[dict], before: int) -> list[dict]:
    """The records listed after entry `before` (newest first); where it has left the ring,
    those numbered below it."""
    for index, record in enumerate(records):
        if record["seq"] == before:
            return records[index + 1 :]
    return [record for record in records if record["seq"] < before]


def _numbered(seq: int, entry: JournalExchange) -> JournalEntry:
    """The entry as the ring keeps it, numbered by the journal's counter."""
    return {"id": str(seq), **entry}


def _log_line(entry: JournalExchange) -> str:
    """The entry as one JSON line, without its bodies."""
    shown: dict[str, Any] = dict(entry)
    for side in ("request", "response"):
        shown[side] = {k: v for k, v in entry[side].items() if k != "body"}
    return json.dumps(shown) + "\n"
