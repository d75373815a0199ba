"""The one source of time: real time plus a shared offset, or a frozen instant.

The clock's state lives in the store so that every worker and host agrees on "now".
"""

from __future__ import annotations

from datetime import datetime

from .errors import Conflict, InvalidInput
from .instants import ClockState, in_range, real_time, to_datetime
from .store.base import Store


class Clock:
    """Reads and moves the shared clock kept in the store."""

    def __init__(self, store: Store) -> None:
        self._store = store

    async def epoch(self) -> float:
        """Now, in epoch seconds: within a request, the instant it pinned."""
        return await self._store.now()

    async def now(self) -> datetime:
        return to_datetime(await self.epoch())

    async def state(self) -> ClockState:
        """The clock as stored this moment (after a move in this very request, too)."""
        return await self._store.clock_state()

    async def is_frozen(self) -> bool:
        return (await self.state()).frozen_at is not None

    async def set(self, now: datetime | None = None, frozen: bool | None = None) -> None:
        """Jump to `now` (keeping the frozen flag), and/or freeze or unfreeze time."""
        state = await self._store.clock_state()
        target = now.timestamp() if now is not None else state.instant()
        if not in_range(target):
            raise InvalidInput("The clock must stay between 1970-01-01 and 3000-01-01 (UTC).")
        keep_frozen = state.frozen_at is not None if frozen is None else frozen
        if keep_frozen:
            new = ClockState(offset=0.0, frozen_at=target)
        else:
            new = ClockState(offset=target - real_time())
        await self._store.set_clock_state(new)

    async def advance(self, seconds: float) -> None:
        """One atomic store step, so that advances made at once by several workers all count."""
        if await self._store.shift_clock(seconds) is None:
            raise Conflict("Advancing that far would take the clock past 3000-01-01 (UTC).")
