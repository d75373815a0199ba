"""How a journal read through one worker sees every request answered by all of them, without
making each answer wait for its entry's write (journal_sync "answered", on a shared store).

A worker that holds entries not yet written says so in the store first: its marker, a record
written once when it gets busy (the first answer waits for that one write) and deleted once
it has been idle a while. A read asks the marked workers to write what they hold: it bumps
the ask counter and waits until each marker acknowledges that value. A marked worker reads
the counter every few milliseconds; when it moved, it writes its entries, then its marker
with the value it read before taking them, so an acknowledgement covers every answer sent
before the ask. An unmarked worker holds nothing answered: the read need not wait for it.

A reset wipes the markers with everything else: a worker knows its marker by the
generation it wrote it under, and marks itself again for an answer pinned to another. A
worker that died marked (SIGKILL) is dropped from the wait when its process is gone (same
host), or after WAIT_SECONDS.
"""

from __future__ import annotations

import asyncio
import logging
import os
import secrets
import socket
from typing import Any

from ...kit.instants import LATEST
from ...kit.store import Store

NAMESPACE = "sessim:journal"
ASK_KEY = f"{NAMESPACE}:ask"
MARKED = f"{NAMESPACE}:marked"  # the tag of the markers
# How long a read waits for a marked worker that does not answer (its loop stalled, or it
# died on another host) before it reads without that worker's entries.
WAIT_SECONDS = 5.0
# How often a reader looks at the markers again while it waits.
READER_POLL_SECONDS = 0.002
HOST = socket.gethostname()
log = logging.getLogger("sessim.journal")


def _alive(marker: dict[str, Any]) -> bool:
    """Whether the marker's process may still run: on another host, it may."""
    if marker.get("host") != HOST:
        return True
    try:
        os.kill(marker["pid"], 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # a process of another user holds the pid: alive
        return True
    return True


class Presence:
    """This process's marker in the store, and the read that waits on every other's."""

    def __init__(self, store: Store) -> None:
        self._store = store
        self.key = f"{NAMESPACE}:marker:{secrets.token_hex(8)}"
        # The generation the marker was written under; None while this process is unmarked.
        self.generation: str | None = None
        self.acknowledged = -1  # the ask value the marker holds

    def marked(self, generation: str | None) -> bool:
        """Whether an answer pinned to `generation` (None: unknown) may go out without
        waiting: the marker is in the store, written under the same generation."""
        return self.generation is not None and generation in (None, self.generation)

    async def mark(self) -> None:
        """Write the marker (what a busy worker's first answer waits for)."""
        generation = await self._store.generation()  # no request pinned: a fresh read
        await self._write(await self.asked())
        self.generation = generation

    async def asked(self) -> int:
        """The ask counter's value (what the marked worker polls)."""
        return await self._store.get(ASK_KEY) or 0

    async def acknowledge(self, asked: int) -> None:
        """Say, after writing every entry taken once the counter read `asked`, that every
        answer sent before that read is written."""
        if asked != self.acknowledged:  # never a write for nothing asked
            await self._write(asked)

    async def _write(self, asked: int) -> None:
        marker = {"pid": os.getpid(), "host": HOST, "acknowledged": asked}
        await self._store.put(self.key, marker, tags=[MARKED])
        self.acknowledged = asked

    async def unmark(self) -> None:
        """Delete the marker: from now on an answer waits for the next mark()."""
        self.generation = None
        await self._store.delete(self.key)

    async def wait_for_others(self) -> None:
        """Until every other marked worker has written what it had answered so far."""
        markers = await self._others()
        if not markers:
            return
        asked = (await self._store.incr(ASK_KEY, LATEST)).value
        deadline = asyncio.get_running_loop().time() + WAIT_SECONDS
        while True:
            markers = await self._others()
            current = await self.asked()  # read after the markers: no answer acknowledges more
            # Acknowledged values above the counter were written before a reset wiped it.
            waiting = [
                key
                for key, marker in markers.items()
                if not asked <= marker["acknowledged"] <= current
            ]
            if not waiting:
                return
            if asyncio.get_running_loop().time() > deadline:
                log.warning("%d workers did not write their journal entries in time", len(waiting))
                await asyncio.gather(*(self._store.delete(key) for key in waiting))
                return
            await asyncio.sleep(READER_POLL_SECONDS)

    async def _others(self) -> dict[str, dict[str, Any]]:
        """The other workers' markers; those of processes gone from this host deleted."""
        markers = await self._store.tagged(MARKED)
        markers.pop(self.key, None)
        dead = [key for key, marker in markers.items() if not _alive(marker)]
        for key in dead:
            await self._store.delete(key)
            markers.pop(key)
        return markers
