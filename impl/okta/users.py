"""Okta's users through their lifecycle (STAGED, PROVISIONED, ACTIVE, SUSPENDED,
PASSWORD_EXPIRED, DEPROVISIONED), in the same records as the fixture's users: the Users API
changes the user that authn, the Sessions API and the inspector read.

A user keeps the times of its lifecycle in its attributes (a seeded user has none: each is
the time of the seed); LOCKED_OUT is no stored status but an ACTIVE user's lockout."""

from __future__ import annotations

import secrets
from typing import Any

from ..core.kit.errors import NotFound
from ..core.kit.identities import ACTIVE, User
from ..core.kit.tokens import ALPHANUMERIC, opaque_id
from .errors import ApiValidationFailed, OktaError, UserStatusRefused
from .state import Okta, new_id

STAGED = "STAGED"
PROVISIONED = "PROVISIONED"
SUSPENDED = "SUSPENDED"
DEPROVISIONED = "DEPROVISIONED"
PASSWORD_EXPIRED = "PASSWORD_EXPIRED"
LOCKED_OUT = "LOCKED_OUT"
REQUIRED = ("login", "email", "firstName", "lastName")
BLANK = "The field cannot be left blank"
TAKEN = "An object with this field already exists in the current organization"
# The causes of a suspend or unsuspend the status refuses (Okta's wording is not public).
NOT_ACTIVE = "The user is not ACTIVE"
NOT_SUSPENDED = "The user is not SUSPENDED"
# Okta's error catalogue (okta-developer-docs data/error-codes.json); which operation answers
# which is its Users API reference's (E0000001 for suspend and unsuspend) or inferred.
ALREADY_ACTIVE = OktaError(403, "E0000016", "Activation failed because the user is already active")
UNLOCK_REFUSED = OktaError(403, "E0000032", "Unlock is not allowed for this user.")
WRONG_STATUS = OktaError(
    403, "E0000038", "This operation is not allowed in the user's current status."
)


def checked_profile(profile: dict[str, Any]) -> dict[str, Any]:
    """The profile of a create, or E0000001 with a cause per required attribute missing."""
    causes = {name: BLANK for name in REQUIRED if not profile.get(name)}
    if causes:
        raise ApiValidationFailed(causes)
    return profile


def lifecycle_times(now: float, *, activated: bool, password: bool) -> dict[str, float | None]:
    return {
        "created": now,
        "activated": now if activated else None,
        "status_changed": now,
        "last_updated": now,
        "password_changed": now if password else None,
    }


class Users:
    """The Users API's operations on an org's users."""

    def __init__(self, state: Okta, now: float) -> None:
        self.state = state
        self.identities = state.identities
        self.now = now

    async def found(self, user_id: str) -> User:
        """By id or, as Okta allows, by login; 404 E0000007 naming the user otherwise."""
        user = await self.identities.by_id(user_id) or await self.identities.by_login(user_id)
        if user is None:
            raise NotFound(f"{user_id} (User)")
        return user

    async def status(self, user: User) -> str:
        """The status Okta reports: LOCKED_OUT for an ACTIVE user locked out."""
        if user.status == ACTIVE and await self.identities.locked_until(user.id) is not None:
            return LOCKED_OUT
        return user.status

    async def create(self, profile: dict[str, Any], password: str | None, activate: bool) -> User:
        login = checked_profile(profile)["login"]
        if password == "":
            raise ApiValidationFailed({"password": BLANK})
        user_id = new_id("00u")
        if not await self.identities.claim(login, user_id):
            raise ApiValidationFailed({"login": TAKEN})  # another create has it
        if await self.identities.by_login(login) is not None:
            await self.identities.release(login)
            raise ApiValidationFailed({"login": TAKEN})  # a fixture's user has it
        given = password is not None
        status = STAGED if not activate else ACTIVE if given else PROVISIONED
        attributes = {
            "mfa_active": False,
            "password": given,
            **lifecycle_times(self.now, activated=status == ACTIVE, password=given),
        }
        # A user without a password gets one nobody knows: no sign-in can match it.
        secret = password if password is not None else secrets.token_urlsafe(32)
        kept = {name: value for name, value in profile.items() if name != "login"}  # User.login
        return await self.identities.upsert(user_id, login, secret, status, kept, attributes)

    async def activate(self, user: User) -> User:
        if await self.status(user) not in (STAGED, DEPROVISIONED, PROVISIONED):
            raise UserStatusRefused(ALREADY_ACTIVE, user.id)
        status = ACTIVE if user.attributes.get("password", True) else PROVISIONED
        return await self._set(user, status, activated=True)

    async def deactivate(self, user: User) -> User:
        if user.status == DEPROVISIONED:
            raise UserStatusRefused(WRONG_STATUS, user.id)
        await self.state.sessions.end_all(user.id)
        await self.identities.unlock(user.id)
        return await self._set(user, DEPROVISIONED)

    async def suspend(self, user: User) -> User:
        if await self.status(user) != ACTIVE:
            raise ApiValidationFailed({"status": NOT_ACTIVE})
        await self.state.sessions.end_all(user.id)
        return await self._set(user, SUSPENDED)

    async def unsuspend(self, user: User) -> User:
        if user.status != SUSPENDED:
            raise ApiValidationFailed({"status": NOT_SUSPENDED})
        return await self._set(user, ACTIVE)

    async def unlock(self, user: User) -> User:
        if user.status != ACTIVE:
            raise UserStatusRefused(UNLOCK_REFUSED, user.id)
        if await self.identities.unlock(user.id):
            return await self._set(user, ACTIVE)  # LOCKED_OUT to ACTIVE: a status change
        return user

    async def expire_password(self, user: User) -> User:
        if await self.status(user) != ACTIVE or not user.attributes.get("password", True):
            raise UserStatusRefused(WRONG_STATUS, user.id)
        return await self._set(user, PASSWORD_EXPIRED)

    async def delete(self, user: User) -> None:
        """Okta deletes a DEPROVISIONED user and deactivates any other."""
        if user.status != DEPROVISIONED:
            await self.deactivate(user)
            return
        await self.identities.delete(user.id)

    async def _set(self, user: User, status: str, *, activated: bool = False) -> User:
        def change(stored: User) -> None:
            stored.status = status
            stored.attributes["status_changed"] = self.now
            stored.attributes["last_updated"] = self.now
            if activated:
                stored.attributes["activated"] = self.now

        changed = await self.identities.rewrite(user.id, change)
        if changed is None:
            raise NotFound(f"{user.id} (User)")  # deleted meanwhile
        return changed


def activation_token() -> str:
    """As recorded: 20 letters, digits and underscores."""
    return opaque_id(20, alphabet=ALPHANUMERIC + "_")
