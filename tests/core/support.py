"""Helpers for the core tests: run coroutines, race threads, a fixed instant to freeze at."""

from __future__ import annotations

import asyncio
import contextvars
import threading
from collections.abc import Callable, Coroutine, Sequence
from datetime import UTC, datetime
from typing import Any, TypeVar

import pytest
from sessim.core.kit.clock import Clock
from sessim.core.kit.store import Store

from tests.conftest import race_threads

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


def race(stores: Sequence[Store], action: Callable[[Store], Coroutine[Any, Any, T]]) -> list[T]:
    """Run action once per store, each in a thread and event loop of its own, all released
    at the same moment."""

    def racer(index: int, start: threading.Barrier) -> T:
        with asyncio.Runner() as runner:
            runner.run(stores[index].now())  # loop, store thread and connection warmed up
            start.wait()
            return runner.run(action(stores[index]))

    return race_threads(len(stores), racer)
