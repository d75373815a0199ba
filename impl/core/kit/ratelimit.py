"""Request quotas per bucket, counted in the store so that every worker shares them.

Exact at the quota, and a few store writes per chunk of requests far below it
(docs/benchmarks.md, "Store writes per request"). A bucket's counter gives every request
a rank in its window. Far below the quota a worker reserves a chunk of ranks in one
atomic step that also counts the chunk as held, and only if the chunk's last rank is
within the quota (`incr_below`); it answers from the chunk without writing until the
chunk is spent or its lease (LEASE, wall time) ends, then gives the chunk back: its
unused ranks are added to a count beside the counter, then the hold is taken off. A rank
within the quota is always allowed. A rank past it (reserved alone: no chunk can pass the
quota) is decided once no chunk is held: its position is its rank less the unused ranks,
which all lie below it, so exactly the quota passes. A worker that dies holding a chunk
never gives it back: a rank past the quota waits for it LEASE + GRACE once per worker and
window, then counts its unused ranks as spent until the window ends.
"""

from __future__ import annotations

import asyncio
import contextvars
import logging
import time
from dataclasses import dataclass, field

from . import events
from .context import Pinned, pin
from .store import Store

log = logging.getLogger(__name__)

# A counter's value is ranks * RANK + chunks held, the second read as signed (|held| <
# HALF), so that a hold taken off after a reset began a window with the same end (a frozen
# clock) leaves -1 held, which only makes a decision wait less, never allow more.
RANK = 1 << 16
HALF = RANK // 2
MAX_CHUNK = 64
# A chunk is at most this fraction of what the worker last saw left of the quota, so that
# the workers' reservations leave most of it counted rank by rank near its end.
SPREAD = 32
LEASE = 0.05  # wall seconds a chunk is answered from, at most
GRACE = 1.0  # beyond a lease: a holder that has not given its chunk back by then is dead
POLL = 0.005
MIN_CHUNK = 4  # below it, a chunk's writes (reserve, unused, give back) cost more than ranks'


@dataclass(frozen=True)
class Quota:
    limit: int
    window_seconds: float


@dataclass(frozen=True)
class Usage:
    """One request's standing in its bucket's current window."""

    limit: int
    remaining: int
    resets_at: float  # epoch seconds
    allowed: bool


def split(value: int) -> tuple[int, int]:
    """A counter's value as (ranks given, chunks held)."""
    ranks = (value + HALF) >> 16
    return ranks, value - ranks * RANK


class Pace:
    """How many requests of a bucket this worker answers in a lease's time."""

    def __init__(self) -> None:
        self._start = 0.0
        self._counted = 0
        self._last = 0

    def count(self) -> int:
        """Count one request; the most of this period's and the last one's."""
        now = time.monotonic()
        if now - self._start >= LEASE:
            self._last = self._counted if now - self._start < 2 * LEASE else 0
            self._start, self._counted = now, 0
        self._counted += 1
        return max(self._counted, self._last)


@dataclass
class Returned:
    """The unused ranks this worker gave back in one window: the ranks below a rank that
    no longer count, as far as this worker knows (all of them, when it is the only one)."""

    total: int = 0
    top: int = 0  # the first unused rank of the latest chunk given back
    chunks: list[tuple[int, int]] = field(default_factory=list)  # first unused rank, count

    def add(self, first: int, count: int) -> None:
        self.total += count
        self.top = max(self.top, first)
        self.chunks.append((first, count))

    def below(self, rank: int) -> int:
        if rank > self.top:
            return self.total
        return sum(count for first, count in self.chunks if first < rank)


@dataclass
class Chunk:
    """Ranks reserved by this worker, answered from without a write."""

    key: str
    unused_key: str
    window_end: float
    next: int
    last: int
    lease_end: float  # time.monotonic()
    timer: asyncio.TimerHandle | None = field(default=None, repr=False)


class RateLimiter:
    """Fixed windows that open at a bucket's first request after the previous one closed."""

    def __init__(self, store: Store, namespace: str, chunked: bool = True) -> None:
        self._store = store
        self._ns = namespace
        # A memory store has one process: its counter is as cheap as a chunk.
        self._chunked = chunked and store.shared
        self._chunks: dict[str, Chunk] = {}
        self._paces: dict[str, Pace] = {}
        self._seen: dict[str, tuple[int, float]] = {}  # the last rank seen, its window's end
        # Per window (counter, end): the holds presumed dead, and the unused ranks once final.
        self._dead: dict[tuple[str, float], int] = {}
        self._final: dict[tuple[str, float], int] = {}
        self._returned: dict[tuple[str, float], Returned] = {}
        self._returns: set[asyncio.Task[None]] = set()
        self._reserving: dict[str, asyncio.Future[None]] = {}

    async def hit(self, bucket: str, quota: Quota) -> Usage:
        """Count one request against the bucket; `allowed` is False past the limit."""
        key = f"{self._ns}:rate:{bucket}"
        if not self._chunked:  # every request counted as it comes: no chunk, none given back
            counter = await self._store.incr(key, quota.window_seconds, RANK)
            given, held = split(counter.value)
            if given <= quota.limit:
                return Usage(quota.limit, quota.limit - given, counter.expires_at, True)
            return await self._past(bucket, key, quota, given, held, counter.expires_at)
        now = await self._store.now()
        pace = self._paces.setdefault(key, Pace()).count()
        while True:
            chunk = self._chunks.get(key)
            if chunk is not None and (rank := self._take(chunk, now)) is not None:
                position = rank - self._returned_below(key, chunk.window_end, rank)
                return Usage(quota.limit, quota.limit - position, chunk.window_end, True)
            reserving = self._reserving.get(key)
            if reserving is None:
                break
            await reserving  # another request of this worker reserves a chunk: share it
        rank, held, window_end = await self._rank(key, quota, self._size(key, quota, now, pace))
        self._seen[key] = (rank, window_end)
        if rank > quota.limit:
            return await self._past(bucket, key, quota, rank, held, window_end)
        position = rank - self._returned_below(key, window_end, rank)
        return Usage(quota.limit, quota.limit - position, window_end, True)

    async def _past(
        self, bucket: str, key: str, quota: Quota, rank: int, held: int, window_end: float
    ) -> Usage:
        """The usage of a rank past the quota: allowed if the unused ranks of chunks given
        back bring its position within it."""
        position = rank - await self._unused_below(key, held, window_end)
        allowed = position <= quota.limit
        if not allowed:
            events.rate_limited.send(self._ns, bucket)
        return Usage(quota.limit, max(0, quota.limit - position), window_end, allowed)

    def _take(self, chunk: Chunk, now: float) -> int | None:
        """The chunk's next rank, or None (and the chunk given back) once it may not answer."""
        if now >= chunk.window_end or time.monotonic() >= chunk.lease_end:
            self._give_back(chunk)
            return None
        rank = chunk.next
        chunk.next += 1
        if chunk.next > chunk.last:
            self._give_back(chunk)
        return rank

    async def _rank(self, key: str, quota: Quota, size: int) -> tuple[int, int, float]:
        """A rank of its own, or the first of a chunk of `size`: the rank, the chunks held,
        the window's end."""
        window = quota.window_seconds
        if size > 1:
            below = (quota.limit + 1) * RANK - HALF  # the chunk's last rank within the quota
            reserved = self._reserving[key] = asyncio.get_running_loop().create_future()
            try:
                generation = await self._store.generation()
                counter = await self._store.incr_below(key, window, size * RANK + 1, below)
            finally:
                del self._reserving[key]
                reserved.set_result(None)
            if counter is not None:
                last, held = split(counter.value)
                unused_key = self._unused_key(key, counter.expires_at, generation)
                chunk = Chunk(key, unused_key, counter.expires_at, last - size + 2, last, LEASE)
                self._hold(chunk)
                return last - size + 1, held, counter.expires_at
        counter = await self._store.incr(key, window, RANK)
        return (*split(counter.value), counter.expires_at)

    def _size(self, key: str, quota: Quota, now: float, pace: int) -> int:
        """How many ranks to reserve: twice the requests this worker answers in a lease's
        time, 1 (no chunk) near the quota, at a slow pace or on a memory store."""
        rank, window_end = self._seen.get(key, (0, 0.0))
        left = quota.limit - (rank if now < window_end else 0)
        size = min(MAX_CHUNK, 2 * pace, left // SPREAD)
        return size if size >= MIN_CHUNK else 1

    @staticmethod
    def _unused_key(key: str, window_end: float, generation: str) -> str:
        """Where the window's unused ranks are counted: per generation too, so that a chunk
        given back after a reset never counts in a window that began after it."""
        return f"{key}:unused:{generation}:{window_end!r}"

    def _hold(self, chunk: Chunk) -> None:
        held = self._chunks.get(chunk.key)
        if held is not None:  # reserved by a request that ran beside this one
            self._give_back(held)
        chunk.lease_end += time.monotonic()
        self._chunks[chunk.key] = chunk
        # Given back by a fresh context: not the request's, whose clock instant is pinned.
        loop = asyncio.get_running_loop()
        chunk.timer = loop.call_later(LEASE, self._give_back, chunk, context=contextvars.Context())

    def _give_back(self, chunk: Chunk) -> None:
        """Stop answering from the chunk; its unused ranks and its hold go back to the store."""
        if self._chunks.get(chunk.key) is not chunk:
            return
        del self._chunks[chunk.key]
        if chunk.timer is not None:
            chunk.timer.cancel()
        unused = chunk.last - chunk.next + 1
        if unused:
            self._returned_in(chunk.key, chunk.window_end).add(chunk.next, unused)
        task = contextvars.Context().run(asyncio.ensure_future, self._return(chunk, unused))
        self._returns.add(task)
        task.add_done_callback(self._returns.discard)

    async def _return(self, chunk: Chunk, unused: int) -> None:
        try:
            now = await self._store.now()
            if now >= chunk.window_end:
                return  # the window, and its holds, are over
            with pin(Pinned(now, "")):  # one clock read for both writes
                if unused:  # before the hold is taken off: whoever sees no hold sees these
                    await self._store.incr(chunk.unused_key, chunk.window_end - now, unused)
                await self._store.incr_window(chunk.key, chunk.window_end, -1)
        except Exception:  # a store down: the hold is lost, as if the worker were killed
            log.warning("giving back a rate-limit chunk of %s failed", chunk.key, exc_info=True)

    def _returned_in(self, key: str, window_end: float) -> Returned:
        returned = self._returned.get((key, window_end))
        if returned is None:  # the bucket's earlier windows are over
            for window in [w for w in self._returned if w[0] == key and w[1] < window_end]:
                del self._returned[window]
            returned = self._returned[key, window_end] = Returned()
        return returned

    def _returned_below(self, key: str, window_end: float, rank: int) -> int:
        """The unused ranks below `rank` that this worker gave back: a rank within the
        quota is answered at once, its position known as far as this worker knows."""
        returned = self._returned.get((key, window_end))
        return 0 if returned is None else returned.below(rank)

    async def _unused_below(self, key: str, held: int, window_end: float) -> int:
        """The unused ranks of the window's chunks, once none is held (all of them lie
        below a rank past the quota, which no chunk can reach)."""
        window = (key, window_end)
        final = self._final.get(window)
        if final is not None:
            return final
        deadline = time.monotonic() + LEASE + GRACE
        dead = self._dead.get(window, 0)
        while held > dead:
            if time.monotonic() >= deadline:
                self._forget_windows(await self._store.now())
                self._dead[window] = dead = held
                break
            await asyncio.sleep(POLL)
            value = await self._store.incr_window(key, window_end, 0)
            if value is None:  # the window is over: its count no longer matters
                break
            held = split(value)[1]
        unused_key = self._unused_key(key, window_end, await self._store.generation())
        unused: int = await self._store.get(unused_key) or 0
        if held <= 0:
            self._forget_windows(await self._store.now())
            self._final[window] = unused
        return unused

    def _forget_windows(self, now: float) -> None:
        for memo in (self._dead, self._final):
            for window in [window for window in memo if window[1] <= now]:
                del memo[window]
