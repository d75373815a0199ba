"""The journal of a store only one process holds (written_on_read, ring.py): entries are
built when a read comes, only the last `size` of them, numbered as if each had been
written; and the writer of the other mode writes them without a read."""

from __future__ import annotations

import asyncio

from sessim.core.features.journal import ring
from sessim.core.features.journal.exchange import Captured, Exchange
from sessim.core.features.journal.ring import Filter, Journal
from sessim.core.kit.store.memory import MemoryStore

from tests.core.support import run


def exchange(path: str, body: bytes = b"") -> Exchange:
    response = Captured()
    response.add(body)
    return Exchange(None, None, "GET", path, b"", 0.0, 1.0, 200, 0.001, Captured(), response)


class Builds:
    """The journal's entry builder, counting what it is asked to build."""

    def __init__(self) -> None:
        self.paths: list[str] = []

    def __call__(self, exchange: Exchange, now: float) -> tuple[float, dict]:
        self.paths.append(exchange.path)
        return exchange.at or now, {"path": exchange.path}


def journal(builds: Builds, size: int, written_on_read: bool) -> Journal:
    return Journal(MemoryStore(), size, builds, None, False, written_on_read)


def test_entries_are_built_at_the_read_and_only_the_last_size_of_them() -> None:
    builds = Builds()
    kept = journal(builds, size=5, written_on_read=True)

    async def answer_then_read() -> tuple[list, int]:
        for n in range(1, 201):
            kept.record(exchange(f"/{n}"))
        await asyncio.sleep(2 * ring.PERIOD)
        assert builds.paths == []  # no read yet: nothing built
        entries, _more = await kept.entries(Filter(), 10, None)
        return entries, await kept.count(Filter())

    entries, count = run(answer_then_read())
    assert builds.paths == [f"/{n}" for n in range(196, 201)]
    assert [(e["id"], e["path"]) for e in entries] == [
        (str(n), f"/{n}") for n in range(200, 195, -1)
    ]
    assert count == 5


def test_entries_are_numbered_on_after_a_read() -> None:
    builds = Builds()
    kept = journal(builds, size=3, written_on_read=True)

    async def two_reads() -> list:
        for n in range(1, 5):
            kept.record(exchange(f"/{n}"))
        await kept.entries(Filter(), 10, None)
        for n in range(5, 12):
            kept.record(exchange(f"/{n}"))
        entries, _more = await kept.entries(Filter(), 10, None)
        return entries

    assert [e["id"] for e in run(two_reads())] == ["11", "10", "9"]


def test_large_bodies_pending_are_written_without_a_read(monkeypatch) -> None:
    monkeypatch.setattr(ring, "HELD_BYTES", 1000)
    builds = Builds()
    kept = journal(builds, size=50, written_on_read=True)

    async def answer() -> None:
        for n in range(1, 4):
            kept.record(exchange(f"/{n}", b"x" * 400))
        await asyncio.sleep(4 * ring.PERIOD)

    run(answer())
    assert builds.paths == ["/1", "/2", "/3"]  # over 1000 bytes held: the writer wrote them


def test_without_written_on_read_the_writer_builds_every_entry_without_a_read() -> None:
    builds = Builds()
    kept = journal(builds, size=5, written_on_read=False)

    async def answer() -> None:
        for n in range(1, 9):
            kept.record(exchange(f"/{n}"))
        await asyncio.sleep(4 * ring.PERIOD)

    run(answer())
    assert builds.paths == [f"/{n}" for n in range(1, 9)]
