"""Store backends, chosen by URL: `sqlite:///path/file.db` (default; add
`?synchronous=full` to survive power loss too, see SqliteStore) or `memory://`."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

from impl.core.store.base import Counter, Record, Store
from impl.core.store.memory import MemoryStore
from impl.core.store.sqlite import SYNCHRONOUS, SqliteStore

__all__ = ["Counter", "Record", "Store", "open_store"]


def open_store(url: str) -> Store:
    """Open the backend a store URL names; a ValueError says what is wrong with the URL."""
    parts = urlsplit(url)
    if parts.scheme == "memory":
        return MemoryStore()
    if parts.scheme == "sqlite":
        path = (parts.netloc + parts.path).removeprefix("/")
        if not path:
            raise ValueError(f"store URL {url!r} names no file: use sqlite:///path/file.db")
        options = {name: values[-1] for name, values in parse_qs(parts.query).items()}
        synchronous = options.pop("synchronous", "normal").upper()
        if options or synchronous not in SYNCHRONOUS:
            raise ValueError(
                f"store URL {url!r}: the one SQLite option is ?synchronous=normal or =full"
            )
        return SqliteStore(path, synchronous)
    raise ValueError(f"unsupported store URL {url!r}: use sqlite:///path/file.db or memory://")
