"""Store backends, chosen by URL (URL_FORMS): `sqlite:///path/file.db` (default; add
`?synchronous=full` to survive power loss too, see SqliteStore), `memory://`,
`redis://host:port/db` (one Redis server) or `redis+cluster://host:port` (a Redis Cluster,
any one of its nodes)."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from urllib.parse import SplitResult, parse_qs, urlsplit

from .base import Counter, Listed, Record, Store
from .memory import MemoryStore
from .sqlite import SYNCHRONOUS, SqliteStore

__all__ = ["URL_FORMS", "Counter", "Listed", "Record", "Store", "describe", "open_store"]

# What a store URL may be; `sessim serve --help` and the refusal of a bad URL list them.
URL_FORMS = (
    "memory:// (in this process only); sqlite:///relative/file.db (three slashes: relative to "
    "the working directory) or sqlite:////absolute/file.db (four), each with an optional "
    "?synchronous=full (a commit survives a power loss too); redis://host:port/db (one Redis "
    "server); redis+cluster://host:port (a Redis Cluster, by any one of its nodes)"
)


def open_store(url: str) -> Store:
    """Open the backend a store URL names; a ValueError says what is wrong with the URL."""
    parts = urlsplit(url)
    if parts.scheme == "memory":
        return MemoryStore()
    if parts.scheme == "sqlite":
        path = _sqlite_path(parts)
        if not path:
            raise ValueError(f"store URL {url!r} names no file: use {URL_FORMS}")
        options = {name: values[-1] for name, values in parse_qs(parts.query).items()}
        synchronous = options.pop("synchronous", "normal").upper()
        if options or synchronous not in SYNCHRONOUS:
            raise ValueError(
                f"store URL {url!r}: the one SQLite option is ?synchronous=normal or =full"
            )
        try:
            return SqliteStore(path, synchronous)
        except (OSError, sqlite3.Error) as error:
            raise ValueError(f"store URL {url!r}: cannot open {_absolute(path)}: {error}") from None
    if parts.scheme in ("redis", "redis+cluster"):
        # redis-py is imported only for a Redis store: a tenth of a second of every start-up.
        from .redis import RedisStore

        return RedisStore(_checked_redis_url(url))
    raise ValueError(f"unsupported store URL {url!r}: use {URL_FORMS}")


def describe(url: str) -> str:
    """The store a URL names, as the start-up line shows it: a SQLite URL with the absolute
    path of its file, a Redis URL without its password."""
    parts = urlsplit(url)
    if parts.scheme == "sqlite":
        return f"{url} (the file {_absolute(_sqlite_path(parts))})"
    if parts.password:
        return url.replace(f":{parts.password}@", ":***@", 1)
    return url


def _sqlite_path(parts: SplitResult) -> str:
    """The file of a sqlite:// URL: after three slashes, relative to the working directory;
    after four, absolute."""
    return (parts.netloc + parts.path).removeprefix("/")


def _absolute(path: str) -> str:
    return path if path == ":memory:" else str(Path(path).resolve())


def _checked_redis_url(url: str) -> str:
    parts = urlsplit(url)
    try:
        parts.port  # noqa: B018 - a port that is not a number raises here
    except ValueError as error:
        raise ValueError(f"store URL {url!r}: {error}") from None
    if not parts.hostname:
        raise ValueError(f"store URL {url!r} names no host: use redis://host:port/db")
    database = parts.path.strip("/")
    if database and not (database.isdigit() and parts.scheme == "redis"):
        raise ValueError(
            f"store URL {url!r}: a database is a number, and a cluster has only database 0"
        )
    return url
