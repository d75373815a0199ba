"""What a handler needs of the state kit, carried in each request's ASGI scope.

The app factory builds one Runtime (sessim.server.Served: this, with what the admin API
reads besides) and puts it in every request's scope, so handlers and security functions
stay plain functions and several apps can share a process.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any, Protocol, TypeVar

from .clock import Clock
from .context import pinned
from .identities import Passwords
from .inventory import Holding, Inventory
from .store import Store

SCOPE_KEY = "sessim.runtime"
T = TypeVar("T")

# Loads one vendor's fixture section; returns counts of what it loaded.
FixtureLoader = Callable[["Runtime", dict], Awaitable[dict[str, int]]]
# A vendor's read-only view of its state for the admin API, by key; None when none.
StateView = Callable[["Runtime", str], Awaitable[dict | None]]
# What a vendor does for the admin API on what reaches it from outside its own API (a
# PunchOut setup); takes the request body, returns the answer's body.
Action = Callable[["Runtime", dict], Awaitable[dict]]


class TakeInventory(Protocol):
    """A vendor's users, live sessions and tokens for the inspector, and what its actions
    (revoke, unlock, deactivate) work on."""

    # The status a deactivated user takes in the vendor's terms; None: the vendor has none.
    @property
    def inactive(self) -> str | None: ...

    # The cookie, and the request header, whose value is a session's id; None: none is.
    @property
    def session_cookie(self) -> str | None: ...

    @property
    def session_header(self) -> str | None: ...

    async def __call__(self, runtime: Runtime, limit: int) -> Inventory:
        """At most `limit` of each."""
        ...

    async def holdings(self, runtime: Runtime) -> list[Holding]:
        """The namespaces that hold its users and sessions."""
        ...


@dataclass(frozen=True)
class Runtime:
    store: Store
    clock: Clock
    passwords: Passwords
    # Rate limits far below their quota counted from chunks of ranks reserved ahead
    # (ratelimit.py), as `--rate-counts chunks`; False: every request counted as it comes.
    rate_chunks: bool = True
    # name -> (generation, value): what only a seed or reset changes, kept in process.
    _cache: dict[str, tuple[str, Any]] = field(default_factory=dict, compare=False)

    def kept(self, name: str) -> Any | None:
        """What `cached` holds under name, when it was made at the request's pinned
        generation (found without a coroutine: every request asks several times); else None."""
        view = pinned()
        hit = self._cache.get(name)
        if view is None or hit is None or hit[0] != view.generation:
            return None
        return hit[1]

    async def cached(self, name: str, build: Callable[[], Awaitable[T]]) -> T:
        """The value `build` makes from seeded state, made again only when the store's
        generation has moved on (a seed or reset through this or any other worker)."""
        hit = self.kept(name)
        if hit is not None:
            return hit
        generation = await self.store.generation()
        hit = self._cache.get(name)
        if hit is not None and hit[0] == generation:
            return hit[1]
        value = await build()
        self._cache[name] = (generation, value)
        return value


def runtime_of(request: Any) -> Runtime:
    """The Runtime of a starlette or connexion request."""
    return request.scope[SCOPE_KEY]
