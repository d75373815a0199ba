"""Instants and the clock's state, below both the clock and the store that keeps its state
(the store reads them; the clock reads and moves them through the store)."""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import UTC, datetime


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
        return new if in_range(new.instant()) else None


# The clock may be set anywhere from the epoch to the year 3000, which leaves every
# lifetime a vendor computes from it room to stay a valid datetime.
LATEST = 32_503_680_000.0


def to_datetime(epoch: float) -> datetime:
    return datetime.fromtimestamp(epoch, UTC)


def in_range(epoch: float) -> bool:
    return 0 <= epoch <= LATEST
