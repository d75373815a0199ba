"""Expired records purged in the background, a small batch at a time.

Expiry is judged by the shared (emulated) clock: moving the admin clock forward makes
records purgeable at the next tick. Only the tick itself is real time. Each batch is one
short write, and the loop yields between batches, so requests' own writes interleave with
a large backlog instead of waiting for all of it.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator

from ..kit.store import Store

BATCH = 500
log = logging.getLogger("sessim.purge")


async def purge_expired(store: Store, batch: int = BATCH) -> int:
    """Purge every record expired now, batch by batch; how many went."""
    total = 0
    while True:
        purged = await store.purge(batch)
        total += purged
        if purged < batch:
            return total
        await asyncio.sleep(0)  # let waiting requests run between two batches


async def _every(store: Store, interval: float) -> None:
    while True:
        await asyncio.sleep(interval)
        try:
            await purge_expired(store)
        except Exception:  # a busy file or a closed store: the next tick tries again
            log.exception("purging expired records failed")


@contextlib.asynccontextmanager
async def purging(store: Store, interval: float) -> AsyncIterator[None]:
    """Purge every `interval` real seconds while the block runs (never, when interval <= 0)."""
    if interval <= 0:
        yield
        return
    task = asyncio.create_task(_every(store, interval), name="sessim-purge")
    try:
        yield
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
