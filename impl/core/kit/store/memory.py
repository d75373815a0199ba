"""In-process store: fast and private to one process (tests, `memory://`)."""

from __future__ import annotations

import asyncio
import heapq
import json
import math
import threading
from collections import defaultdict
from collections.abc import Sequence
from typing import Any

from ..instants import ClockState
from .base import CLOCK_KEY, GENERATION_KEY, Counter, Listed, Store, scan_order


class MemoryStore(Store):
    shared = False

    def __init__(self) -> None:
        # key -> (json text, expires_at or None); JSON text keeps callers from sharing objects.
        self._records: dict[str, tuple[str, float | None]] = {}
        self._tags: dict[str, set[str]] = defaultdict(set)
        self._key_tags: dict[str, tuple[str, ...]] = {}
        # (expires_at, key) of every write with a lifetime, soonest first, for purge; an entry
        # whose key was rewritten with another expiry since is stale and skipped.
        self._expiries: list[tuple[float, str]] = []
        self._lock = threading.Lock()
        # The last snapshot and the two record texts it was parsed from (see snapshot).
        self._snapshot: tuple[str | None, str | None, tuple[ClockState, str]] | None = None

    async def snapshot(self) -> tuple[ClockState, str]:
        """Every request's first read: parsed again only when the clock's or the generation's
        record was rewritten (a new text; ClockState is frozen, so the answer is shared)."""
        with self._lock:
            clock, generation = self._records.get(CLOCK_KEY), self._records.get(GENERATION_KEY)
        texts = (clock and clock[0], generation and generation[0])
        kept = self._snapshot
        if kept is None or kept[0] is not texts[0] or kept[1] is not texts[1]:
            kept = self._snapshot = (*texts, await super().snapshot())
        return kept[2]

    async def _raw_get(self, key: str) -> Any | None:
        with self._lock:
            record = self._records.get(key)
        return json.loads(record[0]) if record else None

    async def _raw_get_many(self, keys: Sequence[str]) -> list[Any | None]:
        return [await self._raw_get(key) for key in keys]

    async def _raw_put(self, key: str, value: Any) -> None:
        with self._lock:
            self._records[key] = (json.dumps(value), None)

    async def shift_clock(self, seconds: float) -> ClockState | None:
        with self._lock:
            record = self._records.get(CLOCK_KEY)
            state = ClockState.from_json(json.loads(record[0]) if record else None)
            moved = state.shifted(seconds)
            if moved is not None:
                self._records[CLOCK_KEY] = (json.dumps(moved.to_json()), None)
        return moved

    def _live(self, key: str, now: float) -> str | None:
        record = self._records.get(key)
        if record is None:
            return None
        text, expires_at = record
        if expires_at is not None and expires_at <= now:
            self._drop(key)
            return None
        return text

    def _set(self, key: str, text: str, expires_at: float | None) -> None:
        previous = self._records.get(key)
        self._records[key] = (text, expires_at)
        if expires_at is not None and (previous is None or previous[1] != expires_at):
            heapq.heappush(self._expiries, (expires_at, key))

    def _drop(self, key: str) -> None:
        self._records.pop(key, None)
        for tag in self._key_tags.pop(key, ()):
            self._tags[tag].discard(key)
            if not self._tags[tag]:
                del self._tags[tag]

    async def get(self, key: str) -> Any | None:
        now = await self.now()
        with self._lock:
            text = self._live(key, now)
        return json.loads(text) if text is not None else None

    async def put(
        self, key: str, value: Any, ttl: float | None = None, tags: Sequence[str] = ()
    ) -> None:
        expires_at = None if ttl is None else await self.now() + ttl
        text = json.dumps(value)
        with self._lock:
            self._drop(key)
            self._set(key, text, expires_at)
            self._key_tags[key] = tuple(tags)
            for tag in tags:
                self._tags[tag].add(key)

    async def replace(self, key: str, value: Any, ttl: float | None = None) -> bool:
        now = await self.now()
        with self._lock:
            if self._live(key, now) is None:
                return False
            self._set(key, json.dumps(value), None if ttl is None else now + ttl)
        return True

    async def add(self, key: str, value: Any, ttl: float | None = None) -> bool:
        now = await self.now()
        with self._lock:
            if self._live(key, now) is not None:
                return False
            self._set(key, json.dumps(value), None if ttl is None else now + ttl)
        return True

    async def delete(self, key: str) -> bool:
        return await self.consume(key) is not None

    async def consume(self, key: str) -> Any | None:
        now = await self.now()
        with self._lock:
            text = self._live(key, now)
            if text is not None:
                self._drop(key)
        return json.loads(text) if text is not None else None

    async def tagged(self, tag: str) -> dict[str, Any]:
        now = await self.now()
        with self._lock:
            keys = list(self._tags.get(tag, ()))
            texts = {key: self._live(key, now) for key in keys}
        return {key: json.loads(text) for key, text in texts.items() if text is not None}

    async def count_tagged(self, tag: str) -> int:
        # Expired records go first, as a purge takes them (they are invisible already): what
        # is left under the tag is live, and counted without reading a record.
        now = await self.now()
        with self._lock:
            self._drop_expired(now, math.inf)
            return len(self._tags.get(tag, ()))

    async def scan(self, prefix: str, limit: int) -> list[Listed]:
        now = await self.now()
        with self._lock:  # a copy of the references only: the loop waits for no more
            records = list(self._records.items())
        # A million records take seconds to sift: a thread's work, not the loop's.
        return await asyncio.to_thread(_first, records, prefix, limit, now)

    async def incr(self, key: str, ttl: float, amount: int = 1) -> Counter:
        counter = self._incr_below(key, ttl, amount, math.inf, await self.now())
        assert counter is not None
        return counter

    async def incr_below(self, key: str, ttl: float, amount: int, below: float) -> Counter | None:
        return self._incr_below(key, ttl, amount, below, await self.now())

    def _incr_below(
        self, key: str, ttl: float, amount: int, below: float, now: float
    ) -> Counter | None:
        with self._lock:
            text = self._live(key, now)
            # A counter's text is its integer's, which int() reads faster than json.loads.
            value = amount if text is None else int(text) + amount
            if value >= below:
                return None
            expires_at = now + ttl if text is None else self._records[key][1] or now + ttl
            self._set(key, str(value), expires_at)
        return Counter(value, expires_at)

    async def incr_window(self, key: str, expires_at: float, amount: int) -> int | None:
        now = await self.now()
        with self._lock:
            text = self._live(key, now)
            if text is None or self._records[key][1] != expires_at:
                return None
            value = int(text) + amount
            if amount:
                self._set(key, str(value), expires_at)
        return value

    async def purge(self, limit: int) -> int:
        now = await self.now()
        with self._lock:
            return self._drop_expired(now, limit)

    def _drop_expired(self, now: float, limit: float) -> int:
        """Drop up to limit records expired at now, soonest first; how many went."""
        purged = 0
        while purged < limit and self._expiries and self._expiries[0][0] <= now:
            expires_at, key = heapq.heappop(self._expiries)
            record = self._records.get(key)
            if record is not None and record[1] == expires_at:
                self._drop(key)
                purged += 1
        return purged

    async def _wipe(self, generation: str) -> None:
        with self._lock:
            self._expiries.clear()
            self._records.clear()
            self._tags.clear()
            self._key_tags.clear()
        await self._raw_put(GENERATION_KEY, generation)


def _first(
    records: list[tuple[str, tuple[str, float | None]]], prefix: str, limit: int, now: float
) -> list[Listed]:
    """scan()'s answer from a copy of the records."""
    live = (
        (key, text, expires_at)
        for key, (text, expires_at) in records
        if key.startswith(prefix) and (expires_at is None or expires_at > now)
    )
    first = heapq.nsmallest(limit, live, key=lambda record: scan_order(record[0], record[2]))
    return [Listed(key, json.loads(text), expires_at) for key, text, expires_at in first]
