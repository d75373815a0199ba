"""The journal's markers (presence.py): how a read through one worker waits for what the
others answered, on every backend."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from pathlib import Path

import pytest
from sessim.core.features.journal.presence import Presence
from sessim.core.features.journal.ring import Journal
from sessim.core.kit.store import Store
from sessim.core.kit.store.sqlite import SqliteStore

from tests.core.support import exchange, run


async def asked_anew(presence: Presence, before: int) -> int:
    """The ask counter once a read has moved it past `before`: a marked worker acknowledges
    what it saw asked, so acknowledging before the read's ask lands would leave it waiting
    (a slow store under load takes more than a fixed sleep)."""
    while (asked := await presence.asked()) == before:
        await asyncio.sleep(0.005)
    return asked


def test_a_marker_holds_for_the_generation_it_was_written_under(store: Store) -> None:
    presence = Presence(store)
    assert not presence.marked(None)
    run(presence.mark())
    generation = run(store.generation())
    assert presence.marked(generation)
    assert presence.marked(None)  # an answer pinned to nothing: the marker is there
    run(store.reset())  # the marker went with everything else
    assert not presence.marked(run(store.generation()))
    run(presence.mark())
    run(presence.unmark())
    assert not presence.marked(None)


def test_a_read_waits_until_each_marked_worker_acknowledges_its_ask(
    connect: Callable[[], Store],
) -> None:
    reader, busy, idle = Presence(connect()), Presence(connect()), Presence(connect())

    async def read_while_the_other_writes() -> None:
        await busy.mark()
        await idle.mark()
        await idle.unmark()  # an unmarked worker holds nothing answered: not waited for
        before = await busy.asked()
        read = asyncio.ensure_future(reader.wait_for_others())
        asked = await asyncio.wait_for(asked_anew(busy, before), 2)
        await asyncio.sleep(0.1)
        assert not read.done()  # no acknowledgement yet: the read waits
        await busy.acknowledge(asked)
        await asyncio.wait_for(read, 2)

    run(read_while_the_other_writes())


def test_an_acknowledgement_from_before_a_reset_does_not_count(store: Store) -> None:
    """A reset wipes the ask counter: a marker that acknowledged more than the counter holds
    was written before the wipe, and the read waits for a new acknowledgement."""
    reader, other = Presence(store), Presence(store)

    async def read_after_a_reset() -> None:
        await other.mark()
        for _ in range(3):
            before = await other.asked()
            read = asyncio.ensure_future(reader.wait_for_others())
            await other.acknowledge(await asyncio.wait_for(asked_anew(other, before), 2))
            await asyncio.wait_for(read, 2)
        acknowledged = other.acknowledged
        await store.reset()
        await other.mark()
        await other.acknowledge(acknowledged)  # as a write begun before the wipe would
        read = asyncio.ensure_future(reader.wait_for_others())
        asked = await asyncio.wait_for(asked_anew(other, 0), 2)  # the wipe took the counter
        await asyncio.sleep(0.1)
        assert not read.done()
        await other.acknowledge(asked)
        await asyncio.wait_for(read, 2)

    run(read_after_a_reset())


def test_a_closed_journal_leaves_no_writer_to_read_a_closed_store(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """At shutdown the journal closes before the store: its writer, which answers reads'
    asks every few milliseconds while the worker is marked, must end with it rather than
    read the closed store (seen at the end of a `sessim.running()` on SQLite)."""
    store = SqliteStore(str(tmp_path / "j.db"))
    journal = Journal(store, 10, lambda seen, now, _hidden: (now, {"path": seen.path}), None)  # type: ignore[arg-type]

    async def answer_then_shut_down() -> None:
        marked = journal.record(exchange("/"))
        if marked is not None:
            await marked
        await journal.close()
        await store.close()
        await asyncio.sleep(0.05)  # a writer left behind takes its next turns meanwhile

    with caplog.at_level(logging.WARNING, logger="sessim.journal"):
        run(answer_then_shut_down())
    assert [record.getMessage() for record in caplog.records] == []
