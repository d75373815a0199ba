"""Repeated admin token failures from one client, slowed down.

A client (by address) whose calls carried a refused token FREE_FAILURES times,
each less than FORGET_AFTER seconds after the one before, waits before each further call
that carries a token: FIRST_DELAY seconds, doubled at each failure up to MAX_DELAY, and one
call at a time, so that a guesser gets at most one try per delay however many connections it
opens. A minute without a failure forgets them. The guard leaves clients on loopback out
(guard.py says why).

Real time (the monotonic clock), not Sessim's emulated clock: a test that freezes or moves
the emulated time must not change how fast a guesser goes. Counted in each worker's memory,
not in the store: the store's windows run on the emulated clock, and a reset (which a guesser
cannot make) would not concern them anyway. With N workers a guesser gets N tries per delay.
"""

from __future__ import annotations

import asyncio
import time
from collections import OrderedDict
from dataclasses import dataclass, field

from starlette.types import Message, Send

FREE_FAILURES = 5
FIRST_DELAY = 0.5
MAX_DELAY = 8.0
FORGET_AFTER = 60.0
# Clients remembered at most: the longest forgotten first, so that a flood of addresses
# cannot grow this without bound.
MAX_CLIENTS = 4096


@dataclass
class _Failures:
    count: int = 0
    last: float = 0.0
    turn: asyncio.Lock = field(default_factory=asyncio.Lock)


class Throttle:
    def __init__(self) -> None:
        self._clients: OrderedDict[str, _Failures] = OrderedDict()

    def delay(self, client: str) -> float:
        """Seconds the client's next call that carries a token waits (0: none)."""
        failures = self._current(client)
        if failures is None or failures.count < FREE_FAILURES:
            return 0.0
        return min(MAX_DELAY, FIRST_DELAY * 2 ** (failures.count - FREE_FAILURES))

    async def wait(self, client: str) -> None:
        """Before a call that carries a token: the client's delay, after its earlier calls'."""
        delay = self.delay(client)
        if delay:
            async with self._clients[client].turn:
                await asyncio.sleep(delay)

    def watching(self, client: str, send: Send) -> Send:
        """`send`, counting a 401 (the token refused) against the client."""

        async def sending(message: Message) -> None:
            if message["type"] == "http.response.start" and message["status"] == 401:
                self._failed(client)
            await send(message)

        return sending

    def _failed(self, client: str) -> None:
        failures = self._current(client) or _Failures()
        failures.count += 1
        failures.last = time.monotonic()
        self._clients[client] = failures
        self._clients.move_to_end(client)
        while len(self._clients) > MAX_CLIENTS:
            self._clients.popitem(last=False)

    def _current(self, client: str) -> _Failures | None:
        failures = self._clients.get(client)
        if failures is not None and time.monotonic() - failures.last > FORGET_AFTER:
            del self._clients[client]
            return None
        return failures
