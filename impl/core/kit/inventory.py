"""What a vendor holds, for the inspector: its users, live sessions and tokens, each list
bounded (a store may hold a million sessions) and the latest to expire first."""

from __future__ import annotations

import heapq
from collections.abc import Iterable
from dataclasses import dataclass
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


async def inventory_of(
    identities: Identities, sessions: Sessions, limit: int, found: Iterable[Token] = ()
) -> Inventory:
    """One namespace's users and sessions, and the tokens found, `limit` of each."""
    users = await identities.listed(limit)
    return Inventory(users, await sessions.newest(limit), latest(found, limit))


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
