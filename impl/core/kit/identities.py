"""Users with argon2id password hashes, and the failed-login lockout policy.

Each vendor keeps its users in its own namespace; lookups by login are case-insensitive.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from functools import cached_property
from typing import TypeVar

from argon2 import PasswordHasher
from argon2.exceptions import VerificationError

from . import events
from .errors import AccountInactive, AccountLocked, AuthenticationFailed
from .store import Store

ACTIVE = "ACTIVE"
T = TypeVar("T")


@dataclass
class User:
    id: str
    login: str
    password_hash: str
    status: str = ACTIVE
    profile: dict = field(default_factory=dict)
    password_set_at: float | None = None  # epoch seconds
    # What a vendor keeps about a user beyond the profile (Okta's mfaActive).
    attributes: dict = field(default_factory=dict)


@dataclass(frozen=True)
class LockoutPolicy:
    """Lock after max_attempts failures within window_seconds; 0 attempts disables lockout."""

    max_attempts: int = 5
    lockout_seconds: float = 300
    window_seconds: float = 86_400


# A hash at most this costly (passes x KiB) takes tens of microseconds: less than the trip
# to a worker thread and back, which would cost more than it saves the loop.
INLINE_COST = 64


class Passwords:
    """argon2id hashing; costs are settable so tests can make it cheap."""

    def __init__(self, time_cost: int, memory_kib: int) -> None:
        self._hasher = PasswordHasher(time_cost=time_cost, memory_cost=memory_kib, parallelism=1)
        self._inline = time_cost * memory_kib <= INLINE_COST

    @cached_property
    def _decoy(self) -> str:
        return self._hasher.hash("decoy password for unknown logins")

    async def hash(self, password: str) -> str:
        """Hash off the event loop (it takes tens of milliseconds by design), unless cheap."""
        return await self._run(self._hasher.hash, password)

    async def verify(self, password_hash: str | None, password: str) -> bool:
        """Check off the event loop unless cheap; an unknown user costs as much as a known one."""
        return await self._run(self._check, password_hash, password)

    async def _run(self, work: Callable[..., T], *args: str | None) -> T:
        return work(*args) if self._inline else await asyncio.to_thread(work, *args)

    def _check(self, password_hash: str | None, password: str) -> bool:
        try:
            self._hasher.verify(password_hash or self._decoy, password)
        except VerificationError:
            return False
        return password_hash is not None


class Identities:
    def __init__(
        self, store: Store, namespace: str, passwords: Passwords, lockout: LockoutPolicy
    ) -> None:
        self._store = store
        self._ns = namespace
        self._passwords = passwords
        self._lockout = lockout

    def _user_key(self, user_id: str) -> str:
        return f"{self._ns}:user:{user_id}"

    def _login_tag(self, login: str) -> str:
        return f"{self._ns}:login:{login.casefold()}"

    async def by_id(self, user_id: str) -> User | None:
        data = await self._store.get(self._user_key(user_id))
        return User(**data) if data else None

    async def by_login(self, login: str) -> User | None:
        found = await self._store.tagged(self._login_tag(login))
        return User(**next(iter(found.values()))) if found else None

    async def listed(self, limit: int) -> list[User]:
        """Up to limit users, by id."""
        return [User(**found.value) for found in await self._store.scan(self._user_key(""), limit)]

    async def id_for(self, login: str, new_id: Callable[[], str]) -> str:
        """The id of the user holding this login, or a new one for a user still to create."""
        existing = await self.by_login(login)
        return existing.id if existing else new_id()

    async def upsert(
        self,
        user_id: str,
        login: str,
        password: str,
        status: str = ACTIVE,
        profile: dict | None = None,
        attributes: dict | None = None,
    ) -> User:
        """Create or replace a user; a login already held by another id moves to this one."""
        previous = await self.by_login(login)
        if previous and previous.id != user_id:
            await self._store.delete(self._user_key(previous.id))
        password_hash = await self._passwords.hash(password)
        now = await self._store.now()
        user = User(user_id, login, password_hash, status, profile or {}, now, attributes or {})
        await self._store.put(self._user_key(user_id), asdict(user), tags=[self._login_tag(login)])
        return user

    async def update_profile(self, user_id: str, changes: dict) -> User | None:
        """Merge changes into a user's profile in place (login and password untouched);
        None when the user is gone (also when deleted meanwhile: it stays deleted)."""
        user = await self.by_id(user_id)
        if user is None:
            return None
        user.profile = {**user.profile, **changes}
        return user if await self._store.replace(self._user_key(user_id), asdict(user)) else None

    async def set_password(
        self, user_id: str, password: str, status: str | None = None, profile: dict | None = None
    ) -> User | None:
        """A new password (hashed), and optionally a new status and profile changes, in
        place; None when the user is gone."""
        user = await self.by_id(user_id)
        if user is None:
            return None
        user.password_hash = await self._passwords.hash(password)
        user.password_set_at = await self._store.now()
        user.status = status or user.status
        user.profile = {**user.profile, **(profile or {})}
        return user if await self._store.replace(self._user_key(user_id), asdict(user)) else None

    async def set_status(self, user_id: str, status: str) -> User | None:
        """The user with a new status (an admin's deactivation), in place; None when gone."""
        user = await self.by_id(user_id)
        if user is None:
            return None
        user.status = status
        return user if await self._store.replace(self._user_key(user_id), asdict(user)) else None

    async def check_password(self, user: User, password: str) -> bool:
        """Whether this is the user's password, with no failure counted (a change of
        password checks the current one)."""
        return await self._passwords.verify(user.password_hash, password)

    async def ensure_may_sign_in(self, user: User) -> None:
        """AccountLocked or AccountInactive unless the user could log in now (for sign-ins
        that present no password, such as a session's)."""
        await self._refuse_if_locked(user.id)
        _refuse_if_inactive(user)

    async def authenticate(self, login: str, password: str) -> User:
        """The user whose password this is, or AuthenticationFailed, AccountLocked, ...Inactive.

        Only failed checks count towards the lockout, as at the vendors: a burst of parallel
        log-ins with the right password never locks the account (each is checked, then the
        count is cleared); the failure that reaches max_attempts locks it."""
        user = await self.by_login(login)
        if user is not None:
            await self._refuse_if_locked(user.id)
        verified = await self._passwords.verify(user.password_hash if user else None, password)
        if user is None or not verified:
            if user is not None:
                await self._count_failure(user.id)
            raise AuthenticationFailed("invalid credentials")
        await self._store.delete(self._failures_key(user.id))
        _refuse_if_inactive(user)
        return user

    async def unlock(self, user_id: str) -> bool:
        """Lift a lockout and forget the failures counted towards one; whether it was locked."""
        was_locked = await self._store.delete(self._lock_key(user_id))
        await self._store.delete(self._failures_key(user_id))
        return was_locked

    def _failures_key(self, user_id: str) -> str:
        return f"{self._ns}:failures:{user_id}"

    def _lock_key(self, user_id: str) -> str:
        return f"{self._ns}:locked:{user_id}"

    async def locked_until(self, user_id: str) -> float | None:
        """When the user's lockout ends (epoch seconds), or None when not locked out."""
        lock = await self._store.get(self._lock_key(user_id))
        return None if lock is None else lock["until"]

    async def _refuse_if_locked(self, user_id: str) -> None:
        until = await self.locked_until(user_id)
        if until is not None:
            raise AccountLocked(until, "too many failed sign-in attempts")

    async def _count_failure(self, user_id: str) -> None:
        """One more failure in the window (an atomic counter, so parallel failures all
        count); reaching max_attempts locks the account."""
        if self._lockout.max_attempts <= 0:
            return
        failures = await self._store.incr(self._failures_key(user_id), self._lockout.window_seconds)
        if failures.value >= self._lockout.max_attempts:
            await self._lock(user_id)

    async def _lock(self, user_id: str) -> None:
        """Lock once: of racing callers, the first lock's end stands (and counts)."""
        seconds = self._lockout.lockout_seconds
        until = await self._store.now() + seconds
        if await self._store.add(self._lock_key(user_id), {"until": until}, ttl=seconds):
            events.lockout.send(self._ns)
        await self._store.delete(self._failures_key(user_id))


def _refuse_if_inactive(user: User) -> None:
    if user.status != ACTIVE:
        raise AccountInactive(f"user status is {user.status}")
