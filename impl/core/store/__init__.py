"""Store backends, chosen by URL: `sqlite:///path/file.db` (default), `memory://`,
`redis://host:port/db` (one Redis server) or `redis+cluster://host:port` (a Redis Cluster,
any one of its nodes)."""

from __future__ import annotations

from urllib.parse import urlsplit

from impl.core.store.base import Counter, Store
from impl.core.store.memory import MemoryStore
from impl.core.store.redis import RedisStore
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
    if scheme in ("redis", "redis+cluster"):
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
