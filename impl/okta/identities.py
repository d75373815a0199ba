"""Core's identities with what Okta's user lifecycle needs besides."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict

from ..core.kit.identities import Identities, User


class OktaIdentities(Identities):
    """Core's identities with what Okta's lifecycle needs besides: a login claimed by one
    create of all that race for it, a user rewritten whole (status, attributes) and a user
    deleted."""

    def _claim_key(self, login: str) -> str:
        return f"{self._ns}:login-claim:{login.casefold()}"

    async def claim(self, login: str, user_id: str) -> bool:
        """Whether this user id won the login (of creates racing for it, one does); a
        fixture's users hold theirs by their records, which a create checks after."""
        return await self._store.add(self._claim_key(login), user_id)

    async def release(self, login: str) -> None:
        await self._store.delete(self._claim_key(login))

    async def rewrite(self, user_id: str, change: Callable[[User], None]) -> User | None:
        """The user after `change` (made in place on a fresh read); None when it is gone."""
        user = await self.by_id(user_id)
        if user is None:
            return None
        change(user)
        return user if await self._store.replace(self._user_key(user_id), asdict(user)) else None

    async def delete(self, user_id: str) -> bool:
        """Forget the user, its login and its lockout; whether it was there."""
        user = await self.by_id(user_id)
        await self.unlock(user_id)
        if user is not None:
            await self.release(user.login)
        return await self._store.delete(self._user_key(user_id))
