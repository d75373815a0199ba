"""What every vendor's state is made of the same way: its settings (a dataclass of defaults,
overlaid by what fixtures stored), the state built from them once per state generation, and
the inventory of its users, sessions and single-use tokens for the inspector. What the
state holds, and how it is built, is the vendor's own."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from dataclasses import asdict, dataclass, field
from typing import Any, Generic, Protocol, TypeVar, cast

from .identities import Identities
from .inventory import Holding, Inventory, Token, inventory_of, tokens
from .runtime import Runtime
from .sessions import Sessions
from .store import Store
from .tokens import SingleUseTokens

S = TypeVar("S")
T = TypeVar("T")


def _key(namespace: str) -> str:
    return f"{namespace}:settings"


async def load_settings(store: Store, namespace: str, defaults: type[S]) -> S:
    return defaults(**(await store.get(_key(namespace)) or {}))


async def save_settings(store: Store, namespace: str, defaults: type[S], changes: dict) -> None:
    """Merge changes (already validated against the admin spec) into the stored settings;
    a mapping-valued setting (rate limits by bucket) merges key by key."""
    current: dict[str, Any] = asdict(await load_settings(store, namespace, defaults))  # type: ignore[call-overload]
    merged = {
        name: {**current[name], **value} if isinstance(value, dict) else value
        for name, value in changes.items()
    }
    await store.put(_key(namespace), {**current, **merged})


@dataclass(frozen=True)
class VendorState(Generic[S, T]):
    """A vendor's state as last seeded: `make` builds it from the settings stored under the
    namespace, and calling this returns it, built again only after a seed or reset (through
    this worker or another)."""

    namespace: str
    defaults: type[S]
    make: Callable[[Runtime, S], Awaitable[T]]

    async def __call__(self, runtime: Runtime) -> T:
        kept = runtime.kept(self.namespace)
        if kept is not None:
            return cast(T, kept)
        return await runtime.cached(self.namespace, lambda: self.build(runtime))

    async def build(self, runtime: Runtime) -> T:
        """Built now, not cached (for a fixture load that has just changed it)."""
        settings = await load_settings(runtime.store, self.namespace, self.defaults)
        return await self.make(runtime, settings)

    async def save_settings(self, runtime: Runtime, changes: dict) -> None:
        await save_settings(runtime.store, self.namespace, self.defaults, changes)


class Accounts(Protocol):
    """A vendor state whose users and sessions live in one namespace."""

    @property
    def identities(self) -> Identities: ...

    @property
    def sessions(self) -> Sessions: ...


A = TypeVar("A", bound=Accounts)


@dataclass(frozen=True)
class AccountsInventory(Generic[A]):
    """The inspector's inventory of such a state: its users and live sessions, and its
    unspent single-use tokens by the vendor's name for them (Okta's sessionToken)."""

    state: Callable[[Runtime], Awaitable[A]]
    unspent: Mapping[str, Callable[[A], SingleUseTokens]] = field(default_factory=dict)
    # What TakeInventory names: the status a deactivated user takes, the cookie and the
    # header that carry a session's id.
    inactive: str | None = None
    session_cookie: str | None = None
    session_header: str | None = None
    # Other live tokens the vendor lists itself (Okta's issued OAuth tokens), `limit` of them.
    listed: Callable[[Runtime, int], Awaitable[list[Token]]] | None = None

    async def __call__(self, runtime: Runtime, limit: int) -> Inventory:
        state = await self.state(runtime)
        found = [
            token
            for kind, of in self.unspent.items()
            for token in tokens(kind, await of(state).newest(limit))
        ]
        if self.listed is not None:
            found += await self.listed(runtime, limit)
        return await inventory_of(state.identities, state.sessions, limit, found)

    async def holdings(self, runtime: Runtime) -> list[Holding]:
        state = await self.state(runtime)
        return [Holding(state.identities, state.sessions)]
