"""Helpers for the core tests: run coroutines, race threads, a fixed instant to freeze at."""

from __future__ import annotations

import asyncio
import contextvars
import threading
from collections.abc import Callable, Coroutine, Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from typing import Any, TypeVar

import pytest
from sessim.core.features.journal.exchange import Captured, Exchange
from sessim.core.kit.clock import Clock
from sessim.core.kit.store import Store

T = TypeVar("T")

# The Redis backends start redis-server processes: the `redis` lane.
BACKENDS = [
    "memory",
    "sqlite",
    pytest.param("redis", marks=pytest.mark.redis),
    pytest.param("redis-cluster", marks=pytest.mark.redis),
]

START = datetime(2030, 1, 1, tzinfo=UTC)
T0 = START.timestamp()  # 1893456000.0, exact in binary floating point


def exchange(path: str, at: float | None = T0, body: bytes = b"", wall: float = T0) -> Exchange:
    """What the journal's capture hands over of a GET of `path` answered 200 in a millisecond,
    at the instant `at` on the shared clock (None: it pinned none), arrived at `wall`."""
    request = Captured()
    request.add(body)
    return Exchange(None, None, "GET", path, b"", wall, at, 200, 0.001, request, Captured())


_threads = threading.local()


def run(coro: Coroutine[Any, Any, T]) -> T:
    """Run coro on this thread's event loop (one for all calls, so that a store's
    connections are reused), in a fresh context, as asyncio.run would."""
    runner = getattr(_threads, "runner", None)
    if runner is None:
        runner = _threads.runner = asyncio.Runner()
    return runner.run(coro, context=contextvars.copy_context())


def freeze(store: Store) -> None:
    """Freeze the store's clock at START, so that times can be asserted exactly."""
    run(Clock(store).set(now=START, frozen=True))


def advance(store: Store, seconds: float) -> None:
    """Move the store's shared clock forward."""
    run(Clock(store).advance(seconds))


# The racers' threads, one per index, each with its event loop (run's) for the whole run.
_lanes: list[ThreadPoolExecutor] = []


def _lane(index: int) -> ThreadPoolExecutor:
    while len(_lanes) <= index:
        _lanes.append(ThreadPoolExecutor(1, thread_name_prefix=f"racer-{len(_lanes)}"))
    return _lanes[index]


def race(stores: Sequence[Store], action: Callable[[Store], Coroutine[Any, Any, T]]) -> list[T]:
    """Run action once per store, each in a thread and event loop of its own, all released
    at the same moment. The racer of each index runs on the same thread in every race: a
    Redis store makes a client per event loop (a cluster's reads the server's command table
    first), so a test's rounds connect once, not once a round."""
    start = threading.Barrier(len(stores), timeout=30)

    def racer(index: int) -> T:
        try:
            run(stores[index].now())  # loop, store thread and connection warmed up
            start.wait()
            return run(action(stores[index]))
        except BaseException:
            start.abort()  # the others must not wait for a racer that will never come
            raise

    futures = [_lane(index).submit(racer, index) for index in range(len(stores))]
    errors = [error for future in futures if (error := future.exception()) is not None]
    assert not errors, errors
    return [future.result() for future in futures]


def close_in_lanes(stores: Iterable[Store]) -> None:
    """Close the clients that the racers' event loops made of these stores."""
    opened = list(stores)
    for lane in _lanes:
        lane.submit(lambda: [run(store.close()) for store in opened]).result()
