"""The journal's ring (ring.py): when entries are built and written, and what a read sees,
on a store of one process (memory) and on a shared one (SQLite), through one worker or two."""

from __future__ import annotations

import asyncio
import gc
from http import HTTPStatus
from pathlib import Path

from pytest import MonkeyPatch
from sessim.core.features.journal import ring as ring_module
from sessim.core.features.journal.exchange import KEEP, Captured, Exchange, pack, unpack
from sessim.core.features.journal.ring import HELD_BYTES, PERIOD, Filter, Journal
from sessim.core.kit.store import Store, open_store
from sessim.registry import VENDORS

from tests.core.support import T0, exchange, run

Built = list[str]


def journal(store: Store, size: int) -> tuple[Journal, Built]:
    """A journal whose entries name their path, and the paths it has built, in order."""
    built: Built = []

    def build(seen: Exchange, now: float, _hidden: object) -> tuple[float, dict]:
        built.append(seen.path)
        return seen.at or now, {"path": seen.path}

    return Journal(store, size, build, None, across_workers=False), built  # type: ignore[arg-type]


async def record_then_wait(ring: Journal, exchanges: list[Exchange]) -> None:
    """Record each, as answers do, then leave the writer time for a few batches, and where
    it writes them (its task runs), until it has: a loaded machine gives it its turns late."""
    for each in exchanges:
        ring.record(each)
    await asyncio.sleep(PERIOD * 4)
    for _ in range(400):
        if ring._writer is None or not (ring._pending or ring._guard().locked()):
            return
        await asyncio.sleep(PERIOD)


async def read(ring: Journal) -> list[tuple[str, str]]:
    entries, _more = await ring.entries(Filter(), 100, None)
    return [(entry["id"], entry["path"]) for entry in entries]  # type: ignore[typeddict-item]


def test_a_memory_store_builds_entries_only_when_read_and_only_the_rings_newest() -> None:
    ring, built = journal(open_store("memory://"), size=3)

    async def scenario() -> list[tuple[str, str]]:
        await record_then_wait(ring, [exchange(f"/{index}") for index in range(1, 8)])
        assert built == []  # seven answers, no read: nothing built
        return await read(ring)

    # ids run on past the four never built (their slots were the newest three's)
    assert run(scenario()) == [("7", "/7"), ("6", "/6"), ("5", "/5")]
    assert built == ["/5", "/6", "/7"]


def test_entries_never_built_are_counted_even_when_the_newest_fail_to_build() -> None:
    """A held backlog's older exchanges are only counted; when the newest fail to build (a
    bug in the journal: they are lost, and take no id), the ids still run on past the
    counted ones."""
    store = open_store("memory://")
    ring, built = journal(store, size=2)

    def build(seen: Exchange, now: float, _hidden: object) -> tuple[float, dict]:
        if seen.path.startswith("/bad"):
            raise RuntimeError("a bug in an entry's build")
        built.append(seen.path)
        return seen.at or now, {"path": seen.path}

    ring._build = build

    async def scenario() -> list[tuple[str, str]]:
        await record_then_wait(ring, [exchange(f"/{index}") for index in range(1, 4)])
        await record_then_wait(ring, [exchange("/bad1"), exchange("/bad2")])
        assert await read(ring) == []  # the two newest failed; the three before were skipped
        await record_then_wait(ring, [exchange("/6")])
        return await read(ring)

    assert run(scenario()) == [("4", "/6")]  # after /1, /2 and /3


def test_a_held_backlog_keeps_only_the_rings_newest_after_every_request() -> None:
    """Each request past the ring's size lets the oldest go: a backlog left to grow and then
    cut, `size` exchanges freed at once, stalled the loop every `size` requests."""
    ring, built = journal(open_store("memory://"), size=2)

    async def scenario() -> list[tuple[str, str]]:
        held = []
        for index in range(1, 10):
            ring.record(exchange(f"/{index}"))
            held.append(len(ring._pending))
        assert held == [1, 2, 2, 2, 2, 2, 2, 2, 2]
        await asyncio.sleep(PERIOD * 4)
        assert built == []
        found = await read(ring)
        await record_then_wait(ring, [exchange("/10")])
        return found + await read(ring)

    assert run(scenario()) == [("9", "/9"), ("8", "/8"), ("10", "/10"), ("9", "/9")]
    assert built == ["/8", "/9", "/10"]


def test_an_entry_that_pinned_no_instant_is_written_without_a_read() -> None:
    ring, built = journal(open_store("memory://"), size=5)
    run(record_then_wait(ring, [exchange("/held"), exchange("/unpinned", at=None)]))
    assert built == ["/held", "/unpinned"]


def test_bodies_past_the_held_bytes_are_written_without_a_read() -> None:
    ring, built = journal(open_store("memory://"), size=100)
    under = HELD_BYTES // KEEP - 1  # each body as much as an exchange keeps
    run(record_then_wait(ring, [exchange(f"/{i}", body=b"x" * KEEP) for i in range(under)]))
    assert built == []
    run(record_then_wait(ring, [exchange("/last", body=b"x" * KEEP)]))
    assert built == [f"/{i}" for i in range(under)] + ["/last"]


def test_a_shared_store_writes_every_entry_without_a_read(tmp_path: Path) -> None:
    ring, built = journal(open_store(f"sqlite:///{tmp_path}/j.db"), size=3)
    run(record_then_wait(ring, [exchange(f"/{index}") for index in range(1, 6)]))
    assert built == ["/1", "/2", "/3", "/4", "/5"]
    assert run(read(ring)) == [("5", "/5"), ("4", "/4"), ("3", "/3")]


def test_a_clear_forgets_the_held_and_the_skipped() -> None:
    ring, built = journal(open_store("memory://"), size=2)

    async def scenario() -> list[tuple[str, str]]:
        await record_then_wait(ring, [exchange(f"/{index}") for index in range(1, 6)])
        await ring.clear()
        await record_then_wait(ring, [exchange("/after")])
        return await read(ring)

    assert run(scenario()) == [("1", "/after")]
    assert built == ["/after"]


def test_held_exchanges_leave_nothing_for_the_garbage_collector() -> None:
    """Held as objects, a ring's worth of exchanges (and their headers) were survivors that
    every young collection walked: milliseconds of the loop at a time."""
    ring, _built = journal(open_store("memory://"), size=500)
    headers = [(b"authorization", b"SSWS token"), (b"host", b"sessim")]

    def held() -> None:
        for index in range(400):
            seen = exchange(f"/{index}", body=b"{}")
            seen.request.headers = list(headers)
            ring.record(seen)

    gc.collect()
    before = len(gc.get_objects())
    held()
    gc.collect()
    assert len(ring._pending) == 400
    assert len(gc.get_objects()) - before < 40  # held as objects: 400 exchanges x 5


def test_a_packed_exchange_comes_back_whole() -> None:
    okta = VENDORS["okta"]
    request = Captured(((b"authorization", b"SSWS t"),))
    request.add(b'{"a": 1}')
    response = Captured(((b"content-type", b"application/json"),))
    response.add(b"x" * 10)
    seen = Exchange(
        okta, "getSession", "GET", "/s/1", b"q=1", T0, T0 + 1, 200, 0.25, request, response
    )
    assert unpack(pack(seen), {"okta": okta}) == seen


def test_an_exchange_that_cannot_be_packed_is_held_as_it_is() -> None:
    ring, built = journal(open_store("memory://"), size=3)
    odd = exchange("/enum")
    odd.status = HTTPStatus.OK  # marshal writes no enum
    run(record_then_wait(ring, [exchange("/1"), odd, exchange("/2")]))
    assert built == []
    assert run(read(ring)) == [("3", "/2"), ("2", "/enum"), ("1", "/1")]


def worker(store: Store, size: int, built: Built, held: bool = True) -> Journal:
    """A worker's journal on a shared store, reads asking the others (journal_sync
    "answered"); its built paths go to `built`."""

    def build(seen: Exchange, now: float, _hidden: object) -> tuple[float, dict]:
        built.append(seen.path)
        return seen.at or now, {"path": seen.path}

    return Journal(store, size, build, None, held=held)  # type: ignore[arg-type]


def test_a_worker_holds_its_entries_until_a_read_through_another_asks(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path}/j.db"
    built: Built = []
    answering, reading = worker(open_store(url), 3, built), worker(open_store(url), 3, built)

    async def scenario() -> list[tuple[str, str]]:
        for index in range(1, 6):
            marked = answering.record(exchange(f"/{index}"))
            if marked is not None:  # the first answer waits for the worker's marker
                await marked
        await asyncio.sleep(PERIOD * 4)
        assert built == []  # five answers, no read: nothing built, nothing written
        return await read(reading)

    assert run(scenario()) == [("5", "/5"), ("4", "/4"), ("3", "/3")]
    assert built == ["/3", "/4", "/5"]  # the two older ones' slots were the newest three's


def test_journal_writes_batched_writes_every_entry_without_a_read(tmp_path: Path) -> None:
    built: Built = []
    ring = worker(open_store(f"sqlite:///{tmp_path}/j.db"), 3, built, held=False)
    run(record_then_wait(ring, [exchange(f"/{index}") for index in range(1, 6)]))
    assert built == ["/1", "/2", "/3", "/4", "/5"]


def test_an_idle_worker_writes_what_it_holds(tmp_path: Path, monkeypatch: MonkeyPatch) -> None:
    monkeypatch.setattr(ring_module, "IDLE_SECONDS", PERIOD * 2)
    built: Built = []
    ring = worker(open_store(f"sqlite:///{tmp_path}/j.db"), 3, built)

    async def idle() -> None:
        for path in ("/1", "/2"):
            ring.record(exchange(path))
        for _ in range(400):  # the writer's turns come late on a loaded machine
            if built:
                return
            await asyncio.sleep(PERIOD)

    run(idle())
    assert built == ["/1", "/2"]


def test_entries_of_workers_are_listed_by_when_their_answers_went_out(tmp_path: Path) -> None:
    """Each worker writes what it held when a read asks, the reader's own first: ids follow
    the writes, the listing and its pages the answers."""
    url = f"sqlite:///{tmp_path}/j.db"
    built: Built = []
    one, two = worker(open_store(url), 10, built), worker(open_store(url), 10, built)
    answers = [(one, "/one-a"), (two, "/two-a"), (one, "/one-b"), (two, "/two-b")]

    async def scenario() -> list[list[tuple[str, str]]]:
        for second, (ring, path) in enumerate(answers):
            marked = ring.record(exchange(path, wall=T0 + second))
            if marked is not None:
                await marked
        pages = []
        before = None
        while True:
            entries, before = await two.entries(Filter(), 3, before)
            pages.append([(entry["id"], entry["path"]) for entry in entries])  # type: ignore[typeddict-item]
            if before is None:
                return pages

    first, second = run(scenario())
    assert [path for _id, path in first + second] == ["/two-b", "/one-b", "/two-a", "/one-a"]
    assert [int(id) for id, _path in first + second] == [2, 4, 1, 3]  # two wrote first
