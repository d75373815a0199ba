"""Okta's org: users, sessions, sessionTokens and credentials, shaped by the stored settings."""

from __future__ import annotations

import hashlib
from dataclasses import asdict, dataclass, field

from impl.core.identities import Identities, LockoutPolicy
from impl.core.ratelimit import Quota
from impl.core.runtime import Runtime
from impl.core.sessions import SessionPolicy, Sessions
from impl.core.tokens import ALPHANUMERIC, SingleUseTokens, opaque_id

NAMESPACE = "okta"
SETTINGS_KEY = f"{NAMESPACE}:settings"
ORG_KEY = f"{NAMESPACE}:org"
SESSION_TOKEN_SECONDS = 300  # "a sessionToken expires after five minutes" (authn docs)


@dataclass(frozen=True)
class Settings:
    """Okta's defaults: global session policy, password lockout policy (inferred), rate limits
    as recorded in a preview org."""

    session_idle_minutes: int = 120
    session_max_lifetime_minutes: int = 0  # no cap
    lockout_attempts: int = 10
    lockout_minutes: int = 60
    show_lockout_failures: bool = False
    rate_limits: dict[str, int] = field(
        default_factory=lambda: {"authn": 500, "sessions": 375, "users": 300}
    )
    rate_limit_window_seconds: int = 60

    def quota(self, bucket: str) -> Quota:
        return Quota(self.rate_limits[bucket], self.rate_limit_window_seconds)


@dataclass(frozen=True)
class Okta:
    settings: Settings
    identities: Identities
    sessions: Sessions
    session_tokens: SingleUseTokens


async def load_settings(runtime: Runtime) -> Settings:
    return Settings(**(await runtime.store.get(SETTINGS_KEY) or {}))


async def save_settings(runtime: Runtime, changes: dict) -> None:
    """Merge changes (already validated against the admin spec) into the stored settings."""
    current = asdict(await load_settings(runtime))
    limits = {**current["rate_limits"], **changes.get("rate_limits", {})}
    await runtime.store.put(SETTINGS_KEY, {**current, **changes, "rate_limits": limits})


async def okta(runtime: Runtime) -> Okta:
    settings = await load_settings(runtime)
    lifetime = settings.session_max_lifetime_minutes * 60 or None
    lockout = LockoutPolicy(settings.lockout_attempts, settings.lockout_minutes * 60)
    policy = SessionPolicy(settings.session_idle_minutes * 60, lifetime)
    return Okta(
        settings,
        Identities(runtime.store, NAMESPACE, runtime.passwords, lockout),
        Sessions(runtime.store, NAMESPACE, policy),
        SingleUseTokens(runtime.store, NAMESPACE, 50, prefix="20111"),
    )


async def org_id(runtime: Runtime) -> str:
    """The org's id, made on first use when no fixture set one."""
    return await runtime.store.get_or_add(ORG_KEY, lambda: new_id("00o"))


async def set_org_id(runtime: Runtime, value: str) -> None:
    await runtime.store.put(ORG_KEY, value)


def new_id(prefix: str) -> str:
    """Okta object ids: a three-character type prefix and 17 letters and digits."""
    return opaque_id(17, prefix, alphabet=ALPHANUMERIC)


def _token_key(kind: str, token: str) -> str:
    # Stored by digest, so a dump of the store does not hand out working credentials.
    return f"{NAMESPACE}:{kind}:{hashlib.sha256(token.encode()).hexdigest()}"


async def add_api_token(runtime: Runtime, token: str) -> None:
    await runtime.store.put(_token_key("api-token", token), {})


async def add_access_token(runtime: Runtime, token: str, scopes: list[str]) -> None:
    await runtime.store.put(_token_key("access-token", token), {"scopes": scopes})


async def is_api_token(runtime: Runtime, token: str) -> bool:
    return await runtime.store.get(_token_key("api-token", token)) is not None


async def access_token_scopes(runtime: Runtime, token: str) -> list[str] | None:
    grant = await runtime.store.get(_token_key("access-token", token))
    return None if grant is None else grant["scopes"]
