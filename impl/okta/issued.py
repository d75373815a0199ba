"""The tokens Okta's authorization servers issued, on record: looked up by jti (access and
ID tokens) or by the refresh token itself, revoked, and listed per Okta session and per
user (the admin views `sessionTokens` and `userTokens`).

Store layout:

- `okta:issued:<id>`: one token's record (Issued, as a dict), living as long as the token;
  the id is the JWT's jti, or for a refresh token Okta's `oar` id. Tagged with its session,
  its user and its refresh family, so that each lists (and a family revokes) in one read.
- `okta:refresh:<digest>`: the id of the refresh token of that digest (Sessim keeps
  credentials by digest: a dump of the store hands out no token).

A revoked token keeps its record, marked, until it would have expired: the views show it,
and userinfo and introspect refuse it.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, replace
from typing import Any

from ..core.kit.credentials import digest
from ..core.kit.inventory import Token
from ..core.kit.runtime import Runtime
from ..core.kit.store import Store
from .state import NAMESPACE

ACCESS = "access_token"
ID = "id_token"
REFRESH = "refresh_token"


def _key(token_id: str) -> str:
    return f"{NAMESPACE}:issued:{token_id}"


def _refresh_key(token: str) -> str:
    return f"{NAMESPACE}:refresh:{digest(token)}"


def session_tag(session_id: str) -> str:
    return f"{NAMESPACE}:issued-session:{session_id}"


def user_tag(user_id: str) -> str:
    return f"{NAMESPACE}:issued-user:{user_id}"


def family_tag(family: str) -> str:
    return f"{NAMESPACE}:issued-family:{family}"


@dataclass(frozen=True)
class Issued:
    """One issued token as Sessim remembers it (never the token itself)."""

    id: str  # the jti, or the refresh token's `oar` id
    kind: str  # access_token, id_token or refresh_token
    server: str  # the authorization server's id (`org` for the org server)
    client_id: str
    scopes: list[str]
    issued_at: float
    expires_at: float | None  # None: a refresh token without end (refreshed on use)
    grant_type: str  # the grant that began the family (a refresh keeps it)
    user_id: str | None = None
    login: str | None = None
    session_id: str | None = None
    family: str | None = None  # the refresh family: the tokens of one original grant
    revoked: bool = False
    rotated_at: float | None = None  # a refresh token replaced by its successor
    # What a refresh mints again: the first grant's authentication.
    auth_time: int | None = None
    amr: list[str] | None = None
    nonce: str | None = None
    family_ends_at: float | None = None  # refreshTokenLifetimeMinutes' cap, None: none

    def tags(self) -> list[str]:
        tags = [user_tag(self.user_id)] if self.user_id else []
        if self.session_id:
            tags.append(session_tag(self.session_id))
        if self.family:
            tags.append(family_tag(self.family))
        return tags


@dataclass(frozen=True)
class IssuedTokens:
    store: Store

    async def record(self, issued: Issued, token: str | None = None) -> None:
        """Remember a token until it expires; a refresh token (given) by its digest too."""
        ttl = await self._ttl(issued)
        await self.store.put(_key(issued.id), asdict(issued), ttl=ttl, tags=issued.tags())
        if token is not None:
            await self.store.put(_refresh_key(token), issued.id, ttl=ttl)

    async def get(self, token_id: str) -> Issued | None:
        record = await self.store.get(_key(token_id))
        return None if record is None else Issued(**record)

    async def refresh(self, token: str) -> Issued | None:
        """The record of a refresh token (revoked and rotated ones too), or None."""
        token_id = await self.store.get(_refresh_key(token))
        return None if token_id is None else await self.get(token_id)

    async def update(self, issued: Issued, token: str | None = None, **changes: Any) -> Issued:
        """The record rewritten with changes (its expiry with them: a refresh token's window
        slides on use); of a refresh token, its digest's index too."""
        changed = replace(issued, **changes)
        ttl = await self._ttl(changed)
        await self.store.replace(_key(issued.id), asdict(changed), ttl=ttl)
        if token is not None:
            await self.store.replace(_refresh_key(token), issued.id, ttl=ttl)
        return changed

    async def revoke(self, issued: Issued) -> None:
        """Refuse the token from now on (its record stays, marked, until it expires)."""
        if not issued.revoked:
            await self.update(issued, revoked=True)

    async def revoke_family(self, family: str) -> int:
        """Revoke every token of a refresh family: its refresh tokens and the access and ID
        tokens minted with them; how many were live."""
        tokens = await self._tagged(family_tag(family))
        live = [token for token in tokens if not token.revoked]
        for token in live:
            await self.revoke(token)
        return len(live)

    async def of_session(self, session_id: str) -> list[Issued]:
        return await self._tagged(session_tag(session_id))

    async def of_user(self, user_id: str) -> list[Issued]:
        return await self._tagged(user_tag(user_id))

    async def _tagged(self, tag: str) -> list[Issued]:
        records = (Issued(**record) for record in (await self.store.tagged(tag)).values())
        return sorted(records, key=lambda issued: (issued.issued_at, issued.id))

    async def _ttl(self, issued: Issued) -> float | None:
        if issued.expires_at is None:
            return None
        return max(issued.expires_at - await self.store.now(), 0.001)


async def live_tokens(runtime: Runtime, limit: int) -> list[Token]:
    """Up to limit live (unrevoked) issued tokens, for the inspector: their id, kind, the
    user (or the client of a client_credentials token) and expiry; the latest to expire
    first (a refresh token without end is left out, as the inspector lists expiries)."""
    listed = await runtime.store.scan(_key(""), limit)
    records = (Issued(**found.value) for found in listed)
    return [
        Token(record.id, record.kind, record.user_id or record.client_id, record.expires_at)
        for record in records
        if not record.revoked and record.expires_at is not None
    ]


def _view(tokens: list[Issued]) -> list[dict[str, Any]]:
    return [asdict(token) for token in tokens]


async def session_tokens_view(runtime: Runtime, session_id: str) -> dict | None:
    """`GET /_admin/views/okta/sessionTokens?key=<session id>`: the tokens issued on an Okta
    session (authorize with its `sid`, or a grant that made it), oldest first, revoked ones
    marked; 404 when none is on record."""
    tokens = await IssuedTokens(runtime.store).of_session(session_id)
    return {"sessionId": session_id, "tokens": _view(tokens)} if tokens else None


async def user_tokens_view(runtime: Runtime, user_id: str) -> dict | None:
    """`GET /_admin/views/okta/userTokens?key=<user id>`: the tokens issued to a user."""
    tokens = await IssuedTokens(runtime.store).of_user(user_id)
    return {"userId": user_id, "tokens": _view(tokens)} if tokens else None
