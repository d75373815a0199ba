"""The store contract every backend keeps (DESIGN.md, "The store").

Values are JSON documents. Expiry is judged by the shared clock, so moving the
admin clock expires records in every worker at once.
"""

from __future__ import annotations

import secrets
from abc import ABC, abstractmethod
from collections.abc import Callable, Sequence
from typing import Any, ClassVar, NamedTuple

from ..context import pinned
from ..instants import ClockState

CLOCK_KEY = "sessim:clock"
# A random token rewritten by every seed and reset: workers compare it once per request to
# know whether what they cached (settings, credentials, org ids) is still current.
GENERATION_KEY = "sessim:generation"


class Counter(NamedTuple):
    """An atomic counter's value after an increment, and when its window ends."""

    value: int
    expires_at: float


class Listed(NamedTuple):
    """A live record as scan() lists it: its key, value and expiry instant (None: never)."""

    key: str
    value: Any
    expires_at: float | None


def scan_order(key: str, expires_at: float | None) -> tuple[bool, float, str]:
    """scan()'s order: the latest expiry first, records that never expire last, by key."""
    return expires_at is None, -(expires_at or 0.0), key


class Record(NamedTuple):
    """One record of a bulk put: key, value, time to live (None: forever), tags."""

    key: str
    value: Any
    ttl: float | None = None
    tags: Sequence[str] = ()


class Store(ABC):
    """Records with a time to live, tags as secondary keys, atomic consume and counters."""

    # Whether other processes may read what this one writes (a SQLite file, a Redis server);
    # a memory store lives and dies with its one process.
    shared: ClassVar[bool] = True

    async def now(self) -> float:
        """The shared clock's epoch seconds, the instant expiry is judged at: the request's
        pinned instant, else a fresh read."""
        view = pinned()
        if view is not None:
            return view.instant
        return (await self.clock_state()).instant()

    async def clock_state(self) -> ClockState:
        return ClockState.from_json(await self._raw_get(CLOCK_KEY))

    async def set_clock_state(self, state: ClockState) -> None:
        await self._raw_put(CLOCK_KEY, state.to_json())

    @abstractmethod
    async def shift_clock(self, seconds: float) -> ClockState | None:
        """Move the clock by seconds in one atomic step (never a read, then a write: moves
        made at once by several workers must all count); None, and no move, when that
        would leave 1970..3000."""

    async def generation(self) -> str:
        """The request's pinned generation, else a fresh read."""
        view = pinned()
        if view is not None:
            return view.generation
        return await self._raw_get(GENERATION_KEY) or ""

    async def snapshot(self) -> tuple[ClockState, str]:
        """The clock and the generation, in one round trip: what a request pins."""
        clock, generation = await self._raw_get_many([CLOCK_KEY, GENERATION_KEY])
        return ClockState.from_json(clock), generation or ""

    async def bump_generation(self) -> None:
        """Tell every worker that seeded state changed: their caches rebuild on next use."""
        await self._raw_put(GENERATION_KEY, new_generation())

    @abstractmethod
    async def _raw_get(self, key: str) -> Any | None:
        """Read a record that never expires (the clock), without consulting the clock."""

    @abstractmethod
    async def _raw_get_many(self, keys: Sequence[str]) -> list[Any | None]:
        """_raw_get of several keys in one round trip, in order."""

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

    async def put_many(self, records: Sequence[Record]) -> None:
        """put() of many records at once, for bulk loads: a backend may write them in one
        transaction or round trip; none of them is visible as it goes (SQLite)."""
        for key, value, ttl, tags in records:
            await self.put(key, value, ttl, tags)

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
    async def count_tagged(self, tag: str) -> int:
        """How many live records carry tag, without reading them: a tag on a million
        records (every live session of a vendor) is counted from an index, not record by
        record (the memory store, one process's, excepted)."""

    @abstractmethod
    async def scan(self, prefix: str, limit: int) -> list[Listed]:
        """Up to limit live records whose key starts with prefix, in scan_order: the newest
        (or most recently used) sessions of a vendor first, for the inspector. It reads every
        key under prefix, a million sessions' worth at worst: an admin's read, off the hot path."""

    @abstractmethod
    async def incr(self, key: str, ttl: float, amount: int = 1) -> Counter:
        """Add `amount` (one, or a batch's count) to a counter whose window of ttl seconds
        starts at its first increment."""

    @abstractmethod
    async def incr_below(self, key: str, ttl: float, amount: int, below: int) -> Counter | None:
        """incr() by amount unless the counter would reach `below`: then None, and nothing
        written (a reservation that must not pass a limit, in one atomic step)."""

    @abstractmethod
    async def incr_window(self, key: str, expires_at: float, amount: int) -> int | None:
        """Add amount (0: only read) to the counter whose live window ends at expires_at,
        as an increment returned it: its new value, or None, and nothing written, once that
        window is over (expired, wiped, or another begun)."""

    async def purge(self, limit: int) -> int:
        """Delete up to limit records expired by the shared clock (a fresh read outside a
        request); how many went. Expired records are invisible already: this only frees
        their room. Backends whose records expire by themselves keep this default."""
        return 0

    async def reset(self) -> None:
        """Wipe every record, the clock included; caches everywhere go stale."""
        await self._wipe(new_generation())

    @abstractmethod
    async def _wipe(self, generation: str) -> None:
        """Delete every record, then write `generation` as the state's generation (in the
        wipe's transaction where the backend has one)."""

    async def close(self) -> None:  # noqa: B027 - backends without resources keep the default
        """Release the backend's resources."""


def new_generation() -> str:
    """A generation no worker has cached state for."""
    return secrets.token_hex(8)
