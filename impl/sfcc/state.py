"""SFCC's instance: sites (each with its customers, storefront sessions and JWT key), the
API client ids, and the settings of the fixture's `sfcc` section.

What only a seed or reset changes (settings, sites, client ids) is read once per state
generation; customers, sessions, keys and revocations live in the store.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass, field

from ..core.kit.identities import Identities, LockoutPolicy
from ..core.kit.runtime import Runtime
from ..core.kit.sessions import SessionPolicy, Sessions
from ..core.kit.tokens import Jwt
from ..core.kit.vendor_state import VendorState
from .baskets import Baskets
from .errors import UnknownSite

NAMESPACE = "sfcc"
SITES_KEY = f"{NAMESPACE}:sites"
CLIENTS_KEY = f"{NAMESPACE}:clients"
ORIGINS_KEY = f"{NAMESPACE}:allowed_origins"  # client id -> its OCAPI settings' allowed_origins
DEFAULT_SITE = "RefArch"  # the reference storefront of every sandbox
ANY_SITE = "-"  # the generated clients' `/s/-/`
TOKEN_SECONDS = 1800  # "A JWT has a lifetime of 30 minutes"; exp - iat in every real token


@dataclass(frozen=True)
class Settings:
    """Inferred defaults: no public source gives an instance's real values."""

    lockout_attempts: int = 5
    lockout_minutes: int = 30
    session_idle_minutes: int = 30
    session_max_lifetime_minutes: int = 360
    # The site of the host-mapped URL form (/dw/shop/...) and of `/s/-/`; None: no such form.
    default_site: str | None = None
    # Enforce HTTPS (Session Bridge): the dwsid alone carries a storefront session.
    enforce_https: bool = False


@dataclass(frozen=True)
class Site:
    id: str
    # The suffix of dwsecuretoken_, dwanonymous_ and dwcustomer_: 32 hex, fixed per site.
    cookie_hash: str
    customers: Identities
    sessions: Sessions
    jwt: Jwt
    baskets: Baskets


@dataclass(frozen=True)
class Sfcc:
    settings: Settings
    sites: dict[str, Site]
    default_site: str
    clients: frozenset[str]
    # The site a storefront's own hostname maps to (`/dw/shop/...` without `/s/{site}`).
    host_site: str | None = None
    # The origins each client's OCAPI settings allow (`allowed_origins`).
    allowed_origins: Mapping[str, frozenset[str]] = field(default_factory=dict)

    def allows(self, client_id: str | None, origin: str) -> bool:
        """Whether the client's settings list the origin. A request that names no known
        client (a preflight, which carries no x-dw-client-id): whether any client's do
        (inferred: OCAPI does not say how it answers one)."""
        if client_id in self.clients:
            return origin in self.allowed_origins.get(client_id, frozenset())
        return any(origin in origins for origins in self.allowed_origins.values())

    def site(self, site_id: str) -> Site:
        """The site a path names (`-`: the default one); UnknownSiteException otherwise."""
        site = self.sites.get(self.default_site if site_id == ANY_SITE else site_id)
        if site is None:
            raise UnknownSite(f"No site '{site_id}' is known.", siteId=site_id)
        return site


async def _build(runtime: Runtime, settings: Settings) -> Sfcc:
    store = runtime.store
    site_ids = await store.get(SITES_KEY) or [DEFAULT_SITE]
    sites = {site_id: _site(runtime, settings, site_id) for site_id in site_ids}
    clients = frozenset(await store.get(CLIENTS_KEY) or [])
    host_site = settings.default_site
    origins = {
        client: frozenset(listed) for client, listed in (await store.get(ORIGINS_KEY) or {}).items()
    }
    return Sfcc(settings, sites, host_site or site_ids[0], clients, host_site, origins)


# The instance as last seeded, built again only after a seed or reset.
sfcc = VendorState(NAMESPACE, Settings, _build)


def _site(runtime: Runtime, settings: Settings, site_id: str) -> Site:
    namespace = f"{NAMESPACE}:{site_id}"
    lockout = LockoutPolicy(settings.lockout_attempts, settings.lockout_minutes * 60)
    policy = SessionPolicy(
        settings.session_idle_minutes * 60, settings.session_max_lifetime_minutes * 60
    )
    return Site(
        site_id,
        hashlib.sha256(f"Sites-{site_id}-Site".encode()).hexdigest()[:32],
        Identities(runtime.store, namespace, runtime.passwords, lockout),
        Sessions(runtime.store, namespace, policy),
        # OCAPI tokens name no kid and carry no jti; iss is the client id, not the site.
        Jwt(runtime.store, namespace, "HS256", TOKEN_SECONDS, kid=False, jti=False, own_iss=False),
        Baskets(runtime.store, namespace),
    )


async def add_to_list(runtime: Runtime, key: str, values: list[str]) -> None:
    """Append values not yet listed, keeping the first-seeded order (the default site)."""
    current = await runtime.store.get(key) or []
    await runtime.store.put(key, current + [v for v in dict.fromkeys(values) if v not in current])
