"""The store contract every backend keeps (DESIGN.md, "The store").

Values are JSON documents. Expiry is judged by the shared clock, so moving the
admin clock expires records in every worker at once.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable, Sequence
from typing import Any, NamedTuple

from impl.core.clock import ClockState

CLOCK_KEY = "sessim:clock"


class Counter(NamedTuple):
    """An atomic counter's value after an increment, and when its window ends."""

    value: int
    expires_at: float


class Store(ABC):
    """Records with a time to live, tags as secondary keys, atomic consume and counters."""

    async def now(self) -> float:
        """The shared clock's epoch seconds, the instant expiry is judged at."""
        return (await self.clock_state()).instant()

    async def clock_state(self) -> ClockState:
        return ClockState.from_json(await self._raw_get(CLOCK_KEY))

    async def set_clock_state(self, state: ClockState) -> None:
        await self._raw_put(CLOCK_KEY, state.to_json())

    @abstractmethod
    async def _raw_get(self, key: str) -> Any | None:
        """Read a record that never expires (the clock), without consulting the clock."""

    @abstractmethod
    async def _raw_put(self, key: str, value: Any) -> None:
        """Write a record that never expires."""

    @abstractmethod
    async def get(self, key: str) -> Any | None:
        """The live value under key, or None when absent or expired."""

    @abstractmethod
    async def put(
        self, key: str, value: Any, ttl: float | None = None, tags: Sequence[str] = ()
    ) -> None:
        """Write key, replacing its value and tags; it expires ttl seconds from now."""

    @abstractmethod
    async def replace(self, key: str, value: Any, ttl: float | None = None) -> bool:
        """Rewrite a live record in place, keeping its tags; False (and no write) when none.

        Unlike put, it never brings back a record that another caller deleted meanwhile.
        """

    @abstractmethod
    async def add(self, key: str, value: Any, ttl: float | None = None) -> bool:
        """Write key only when no live record holds it; True when this call wrote it."""

    async def get_or_add(self, key: str, make: Callable[[], Any]) -> Any:
        """The value under key, first writing make()'s when none is live (a key or id made on
        first use). Of callers racing to write, the first wins and all read its value."""
        value = await self.get(key)
        if value is None:
            await self.add(key, make())
            value = await self.get(key)
        return value

    @abstractmethod
    async def delete(self, key: str) -> bool:
        """Remove key; True when a live record was removed."""

    @abstractmethod
    async def consume(self, key: str) -> Any | None:
        """Read and remove key in one atomic step: of concurrent callers, one gets the value."""

    @abstractmethod
    async def tagged(self, tag: str) -> dict[str, Any]:
        """Live records carrying tag, as key -> value."""

    @abstractmethod
    async def incr(self, key: str, ttl: float) -> Counter:
        """Add one to a counter whose window of ttl seconds starts at its first increment."""

    @abstractmethod
    async def reset(self) -> None:
        """Wipe every record, the clock included."""

    async def close(self) -> None:  # noqa: B027 - backends without resources keep the default
        """Release the backend's resources."""
