"""The one source of time: real time plus a shared offset, or a frozen instant.

The clock's state lives in the store so that every worker and host agrees on "now".
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from .errors import Conflict, InvalidInput

if TYPE_CHECKING:
    from .store.base import Store


def real_time() -> float:
    """The machine's epoch seconds: the one read of real time, which every state offsets."""
    return time.time()


@dataclass(frozen=True)
class ClockState:
    """Offset from real time in seconds, or a frozen epoch instant."""

    offset: float = 0.0
    frozen_at: float | None = None

    def instant(self) -> float:
        """Epoch seconds as this state sees them."""
        if self.frozen_at is not None:
            return self.frozen_at
        return real_time() + self.offset

    def to_json(self) -> dict:
        return {"offset": self.offset, "frozen_at": self.frozen_at}

    @classmethod
    def from_json(cls, data: dict | None) -> ClockState:
        if not data:
            return cls()
        frozen_at = data.get("frozen_at")
        return cls(
            offset=float(data["offset"]), frozen_at=None if frozen_at is None else float(frozen_at)
        )

    def shifted(self, seconds: float) -> ClockState | None:
        """This clock moved by seconds, or None when that would leave 1970..3000."""
        if self.frozen_at is not None:
            new = ClockState(offset=0.0, frozen_at=self.frozen_at + seconds)
        else:
            new = ClockState(offset=self.offset + seconds)
        return new if _in_range(new.instant()) else None


# The clock may be set anywhere from the epoch to the year 3000, which leaves every
# lifetime a vendor computes from it room to stay a valid datetime.
LATEST = 32_503_680_000.0


def to_datetime(epoch: float) -> datetime:
    return datetime.fromtimestamp(epoch, UTC)


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
        if not _in_range(target):
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


def _in_range(epoch: float) -> bool:
    return 0 <= epoch <= LATEST
