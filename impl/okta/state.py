"""Okta's org: users, sessions, sessionTokens and credentials, shaped by the stored settings.

What only a seed or reset changes (settings, the org id, API and access tokens) is read once
per state generation and kept in process; users, sessions and counters live in the store.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ..core.kit.credentials import Grants, digest
from ..core.kit.identities import LockoutPolicy
from ..core.kit.ratelimit import Quota, RateLimiter
from ..core.kit.runtime import Runtime, runtime_of
from ..core.kit.sessions import SessionPolicy, Sessions
from ..core.kit.tokens import ALPHANUMERIC, SingleUseTokens, opaque_id
from ..core.kit.vendor_state import VendorState
from .identities import OktaIdentities

NAMESPACE = "okta"
ORG_KEY = f"{NAMESPACE}:org"
# The user Okta names as createdBy/lastUpdatedBy of what an API call changes: Sessim models
# no admin users, so one made-up id stands for every token's owner.
PRINCIPAL_KEY = f"{NAMESPACE}:principal"
SESSION_TOKEN_SECONDS = 300  # "a sessionToken expires after five minutes" (authn docs)
STATE_TOKEN_SECONDS = 300  # an authn transaction's lifetime (inferred: as the sessionToken's)
RECOVERY_TOKEN_SECONDS = 3600  # Okta's default recovery token lifetime (inferred)
API_TOKENS = f"{NAMESPACE}:api-tokens"  # tags of the granted credentials
ACCESS_TOKENS = f"{NAMESPACE}:access-tokens"
# As recorded in a preview org; trustedOrigins, apps and authorizationServers inferred (Okta
# publishes no figure for the first; the others as the /api/v1/apps limit of Okta's rate
# limit table for small orgs).
RATE_LIMITS = {
    "authn": 500,
    "sessions": 375,
    "users": 300,
    "trustedOrigins": 600,
    "apps": 100,
    "authorizationServers": 100,
}


@dataclass(frozen=True)
class Settings:
    """Okta's defaults: global session policy, password lockout policy (inferred), rate limits
    as recorded in a preview org."""

    session_idle_minutes: int = 120
    session_max_lifetime_minutes: int = 0  # no cap
    lockout_attempts: int = 10
    lockout_minutes: int = 60
    show_lockout_failures: bool = False
    rate_limits: dict[str, int] = field(default_factory=lambda: dict(RATE_LIMITS))
    rate_limit_window_seconds: int = 60

    def quota(self, bucket: str) -> Quota:
        """A bucket's quota; a store saved before the bucket existed has the default."""
        limit = self.rate_limits.get(bucket, RATE_LIMITS[bucket])
        return Quota(limit, self.rate_limit_window_seconds)


@dataclass(frozen=True)
class Okta:
    settings: Settings
    org_id: str
    identities: OktaIdentities
    sessions: Sessions
    session_tokens: SingleUseTokens
    recovery_tokens: SingleUseTokens  # from the unlock email
    state_tokens: SingleUseTokens  # of RECOVERY transactions
    rate_limiter: RateLimiter
    api_tokens: frozenset[str]  # digests
    access_tokens: dict[str, list[str]]  # digest -> scopes
    principal: str  # the id of the user behind the credentials

    def is_api_token(self, token: str) -> bool:
        return digest(token) in self.api_tokens

    def access_token_scopes(self, token: str) -> list[str] | None:
        return self.access_tokens.get(digest(token))


async def okta_for(request: Any) -> Okta:
    """The org serving a connexion or starlette request."""
    return await okta(runtime_of(request))


async def _build(runtime: Runtime, settings: Settings) -> Okta:
    store = runtime.store
    lifetime = settings.session_max_lifetime_minutes * 60 or None
    lockout = LockoutPolicy(settings.lockout_attempts, settings.lockout_minutes * 60)
    policy = SessionPolicy(settings.session_idle_minutes * 60, lifetime)
    access = await Grants(store, ACCESS_TOKENS).granted()
    return Okta(
        settings,
        await store.get_or_add(ORG_KEY, lambda: new_id("00o")),
        OktaIdentities(store, NAMESPACE, runtime.passwords, lockout),
        Sessions(store, NAMESPACE, policy),
        SingleUseTokens(store, NAMESPACE, 50, prefix="20111"),
        # Namespaces of their own: a token of one kind never redeems as another.
        SingleUseTokens(store, f"{NAMESPACE}:recovery", 20, alphabet=ALPHANUMERIC),
        SingleUseTokens(store, f"{NAMESPACE}:transaction", 40, prefix="00"),
        RateLimiter(store, NAMESPACE, chunked=runtime.rate_chunks),
        frozenset(grant["digest"] for grant in await Grants(store, API_TOKENS).granted()),
        {grant["digest"]: grant["scopes"] for grant in access},
        await store.get_or_add(PRINCIPAL_KEY, lambda: new_id("00u")),
    )


# The org as last seeded, built again only after a seed or reset.
okta = VendorState(NAMESPACE, Settings, _build)


def last_login_key(user_id: str) -> str:
    return f"{NAMESPACE}:last-login:{user_id}"


async def set_org_id(runtime: Runtime, value: str) -> None:
    await runtime.store.put(ORG_KEY, value)


def new_id(prefix: str) -> str:
    """Okta object ids: a three-character type prefix and 17 letters and digits."""
    return opaque_id(17, prefix, alphabet=ALPHANUMERIC)


async def add_api_token(runtime: Runtime, token: str) -> None:
    await Grants(runtime.store, API_TOKENS).grant(token)


async def add_access_token(runtime: Runtime, token: str, scopes: list[str]) -> None:
    await Grants(runtime.store, ACCESS_TOKENS).grant(token, scopes=scopes)
