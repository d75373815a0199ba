"""Core's identities with what Okta's user lifecycle needs besides."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict

from ..core.kit.identities import Identities, User


class OktaIdentities(Identities):
    """Core's identities with what Okta's lifecycle needs besides: a user rewritten whole
    (status, attributes) and a user deleted."""

    async def rewrite(self, user_id: str, change: Callable[[User], None]) -> User | None:
        """The user after `change` (made in place on a fresh read); None when it is gone."""
        user = await self.by_id(user_id)
        if user is None:
            return None
        change(user)
        return user if await self._store.replace(self._user_key(user_id), asdict(user)) else None

    async def delete(self, user_id: str) -> bool:
        """Forget the user, its login and its lockout; whether it was there."""
        await self.unlock(user_id)
        return await self._store.delete(self._user_key(user_id))
