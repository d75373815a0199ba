"""Rate limits on the store's counters: a fixed window per bucket, shared by every worker."""

from __future__ import annotations

from collections.abc import Callable

from sessim.core.kit.ratelimit import Quota, RateLimiter, Usage
from sessim.core.kit.store import Store

from tests.core.support import T0, advance, freeze, race, run

QUOTA = Quota(limit=3, window_seconds=60)


def hit(store: Store, bucket: str = "sessions", quota: Quota = QUOTA) -> Usage:
    return run(RateLimiter(store, "t").hit(bucket, quota))


def test_counts_down_then_refuses_until_the_window_ends(store: Store) -> None:
    freeze(store)
    usages = [hit(store) for _ in range(4)]
    assert [u.remaining for u in usages] == [2, 1, 0, 0]
    assert [u.allowed for u in usages] == [True, True, True, False]
    assert {u.limit for u in usages} == {3}
    assert {u.resets_at for u in usages} == {T0 + 60}  # the window opened at the first hit
    advance(store, 59)
    assert not hit(store).allowed
    advance(store, 1)
    fresh = hit(store)
    assert (fresh.allowed, fresh.remaining, fresh.resets_at) == (True, 2, T0 + 120)


def test_buckets_and_namespaces_count_apart(store: Store) -> None:
    freeze(store)
    for _ in range(4):
        hit(store)
    assert hit(store, "authn").remaining == 2
    assert run(RateLimiter(store, "other").hit("sessions", QUOTA)).allowed


def test_a_burst_from_many_workers_gets_exactly_the_limit(connect: Callable[[], Store]) -> None:
    stores = [connect() for _ in range(20)]
    usages = race(stores, lambda store: RateLimiter(store, "t").hit("b", Quota(5, 60)))
    assert sum(u.allowed for u in usages) == 5
    assert sorted(u.remaining for u in usages) == [0] * 16 + [1, 2, 3, 4]
