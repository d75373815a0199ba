"""What a vendor holds, for the inspector: its users (with their lockouts), live sessions
and tokens, each list bounded (a store may hold a million sessions) and the latest to
expire first; and the namespaces that hold them, which the inspector's actions work on."""

from __future__ import annotations

import heapq
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import TypeVar

from .identities import Identities, User
from .sessions import Session, Sessions
from .store import Listed


@dataclass(frozen=True)
class Token:
    id: str
    kind: str  # the vendor's name for it (sessionToken, refresh_token)
    owner: str | None  # the user id it speaks for
    expires_at: float


Expiring = TypeVar("Expiring", Token, Session)


@dataclass(frozen=True)
class Inventory:
    users: list[User]
    sessions: list[Session]
    tokens: list[Token]
    locked: Mapping[str, float] = field(default_factory=dict)  # user id -> lockout's end


@dataclass(frozen=True)
class Holding:
    """One namespace's users and sessions: a vendor's (SFCC holds one per site)."""

    identities: Identities
    sessions: Sessions


async def inventory_of(
    identities: Identities, sessions: Sessions, limit: int, found: Iterable[Token] = ()
) -> Inventory:
    """One namespace's users and sessions, and the tokens found, `limit` of each."""
    users = await identities.listed(limit)
    locked = await locks(identities, users)
    return Inventory(users, await sessions.newest(limit), latest(found, limit), locked)


async def locks(identities: Identities, users: Iterable[User]) -> dict[str, float]:
    """When each locked-out user's lockout ends, by user id (one read per user: an
    admin's read)."""
    ends = {user.id: await identities.locked_until(user.id) for user in users}
    return {user_id: until for user_id, until in ends.items() if until is not None}


def tokens(kind: str, listed: Iterable[Listed], owner_field: str = "user_id") -> list[Token]:
    """Single-use tokens as SingleUseTokens.newest lists them, their owner from their data."""
    return [
        Token(found.key, kind, _owner(found.value, owner_field), found.expires_at)
        for found in listed
        if found.expires_at is not None
    ]


def latest(found: Iterable[Expiring], limit: int) -> list[Expiring]:
    """The `limit` tokens or sessions that expire last, of several lists (several kinds of
    token, SFCC's sites)."""
    return heapq.nlargest(limit, found, key=lambda each: each.expires_at)


def _owner(data: object, field: str) -> str | None:
    owner = data.get(field) if isinstance(data, dict) else None
    return owner if isinstance(owner, str) else None
