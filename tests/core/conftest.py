"""Fixtures for the core tests: every store-backed test runs once per backend."""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from sessim.core.kit.store import Store, open_store

from tests.core.support import BACKENDS, close_in_lanes, run


@functools.cache
def emptier(url: str) -> Store:
    """One client a run of the server at url, which empties it before each test: a new
    client of a Redis Cluster reads the cluster's command table first (23 ms of CPU, once a
    test for 161 cluster tests). The tests' own stores are still new connections."""
    return open_store(url)


@pytest.fixture(params=BACKENDS)
def connect(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Callable[[], Store]]:
    """Opens a connection to one store: for sqlite and redis a new connection to the same
    file or server on each call (like another worker), for memory the one shared in-process
    store. The Redis server and cluster are the test run's, emptied first and after."""
    shared = open_store("memory://")
    url = {
        "memory": "memory://",
        "sqlite": f"sqlite:///{tmp_path}/s.db",
        "redis": "redis_url",
        "redis-cluster": "redis_cluster_url",
    }[request.param]
    if url.endswith("_url"):
        url = request.getfixturevalue(url)
        run(emptier(url).reset())
    opened: list[Store] = []

    def open_one() -> Store:
        store = shared if request.param == "memory" else open_store(url)
        opened.append(store)
        return store

    yield open_one
    close_in_lanes(opened)
    for store in opened:
        run(store.close())
    if url.startswith("redis"):
        # Emptied after too: a journal marker this process left (its pid alive, never
        # acknowledging) would hold every later reset of the run's server for 5 s.
        run(emptier(url).reset())


@pytest.fixture
def store(connect: Callable[[], Store]) -> Store:
    return connect()
