"""GET /_admin/changes: a version of Sessim's state, and a long poll on it, for the inspector.

The version is made of what every change moves, read in three cheap store reads: the
journal's counter and floor (every answered request that is not a read of the admin API's),
the clock's setting and the generation (every seed and reset). The poll reads it twice a
second until it differs or the wait is over, and stops early when the client has gone or
the process is told to stop (SIGINT, SIGTERM: uvicorn waits for open answers before it
stops): an open page never holds a worker past its `wait`, nor a stopping server at all.
"""

from __future__ import annotations

import asyncio
import hashlib
import time
from collections.abc import Awaitable, Callable

from ..server import Served

POLL_SECONDS = 0.5


async def version(served: Served) -> str:
    clock, generation = await served.store.snapshot()
    journal = await served.journal.version()
    parts = f"{generation}|{clock.to_json()}|{journal}"
    return hashlib.blake2b(parts.encode(), digest_size=8).hexdigest()


async def changed(
    served: Served, since: str | None, wait: float, gone: Callable[[], Awaitable[bool]]
) -> str:
    """The version, once it differs from `since`, or when `wait` seconds have passed, the
    server is stopping or the caller has gone."""
    deadline = time.monotonic() + wait  # real time: the emulated clock may stand still
    while True:
        now = await version(served)
        over = time.monotonic() >= deadline or served.stopping.is_set()
        if now != since or over or await gone():
            return now
        await asyncio.sleep(min(POLL_SECONDS, max(0.0, deadline - time.monotonic())))
