"""Store backends, chosen by URL: `sqlite:///path/file.db` (default) or `memory://`."""

from __future__ import annotations

from urllib.parse import urlsplit

from impl.core.store.base import Counter, Store
from impl.core.store.memory import MemoryStore
from impl.core.store.sqlite import SqliteStore

__all__ = ["Counter", "Store", "open_store"]


def open_store(url: str) -> Store:
    """Open the backend a store URL names; a ValueError says what is wrong with the URL."""
    scheme = urlsplit(url).scheme
    if scheme == "memory":
        return MemoryStore()
    if scheme == "sqlite":
        path = url.removeprefix("sqlite://").removeprefix("/")
        if not path:
            raise ValueError(f"store URL {url!r} names no file: use sqlite:///path/file.db")
        return SqliteStore(path)
    raise ValueError(f"unsupported store URL {url!r}: use sqlite:///path/file.db or memory://")
