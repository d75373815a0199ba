"""Fixtures for the core tests: every store-backed test runs once per backend."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from impl.core.store import Store, open_store
from tests.core.support import run


@pytest.fixture(params=["memory", "sqlite"])
def connect(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Callable[[], Store]]:
    """Opens a connection to one store: for sqlite a new connection to the same file on
    each call (like another worker), for memory the one shared in-process store."""
    shared = open_store("memory://")
    opened: list[Store] = []

    def open_one() -> Store:
        store = shared if request.param == "memory" else open_store(f"sqlite:///{tmp_path}/s.db")
        opened.append(store)
        return store

    yield open_one
    for store in opened:
        run(store.close())


@pytest.fixture
def store(connect: Callable[[], Store]) -> Store:
    return connect()
