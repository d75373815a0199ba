"""Store backends, chosen by URL: `sqlite:///path/file.db` (default; add
`?synchronous=full` to survive power loss too, see SqliteStore), `memory://`,
`redis://host:port/db` (one Redis server) or `redis+cluster://host:port` (a Redis Cluster,
any one of its nodes)."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

from .base import Counter, Listed, Record, Store
from .memory import MemoryStore
from .redis import RedisStore
from .sqlite import SYNCHRONOUS, SqliteStore

__all__ = ["Counter", "Listed", "Record", "Store", "open_store"]


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
    if parts.scheme in ("redis", "redis+cluster"):
        return RedisStore(_checked_redis_url(url))
    raise ValueError(
        f"unsupported store URL {url!r}: use sqlite:///path/file.db, memory://, "
        "redis://host:port/db or redis+cluster://host:port"
    )


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
