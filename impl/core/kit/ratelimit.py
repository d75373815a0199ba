"""Request quotas per bucket, counted in the store so that every worker shares them."""

from __future__ import annotations

from dataclasses import dataclass

from . import events
from .store import Store


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


class RateLimiter:
    """Fixed windows that open at a bucket's first request after the previous one closed."""

    def __init__(self, store: Store, namespace: str) -> None:
        self._store = store
        self._ns = namespace

    async def hit(self, bucket: str, quota: Quota) -> Usage:
        """Count one request against the bucket; `allowed` is False past the limit."""
        counter = await self._store.incr(f"{self._ns}:rate:{bucket}", quota.window_seconds)
        remaining = max(0, quota.limit - counter.value)
        allowed = counter.value <= quota.limit
        if not allowed:
            events.rate_limited.send(self._ns, bucket)
        return Usage(quota.limit, remaining, counter.expires_at, allowed)
