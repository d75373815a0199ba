"""Optimizely's state: settings, clients, the catalog, users, sessions, tokens, the issuer.

What only a seed or reset changes (settings, the catalog, the Jwt with its parsed keys,
client secret digests) is built once per state generation; users, sessions and tokens
live in the store.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..core.kit.credentials import Grants, matches
from ..core.kit.identities import Identities, LockoutPolicy
from ..core.kit.runtime import Runtime
from ..core.kit.sessions import SessionPolicy, Sessions
from ..core.kit.tokens import Jwt, SingleUseTokens
from ..core.kit.vendor_state import VendorState
from .catalog import Catalog, website_of

NAMESPACE = "optimizely"
ISSUER = "optimizely"  # the key namespace and iss claim of access tokens
CLIENTS = f"{NAMESPACE}:clients"
WEBSITES = f"{NAMESPACE}:websites"
CUSTOMERS = f"{NAMESPACE}:customers"
WAREHOUSES = f"{NAMESPACE}:warehouses"
MAX_TOKEN_SECONDS = 86_400


@dataclass(frozen=True)
class Settings:
    """IdentityServer's defaults: access tokens for an hour (inferred), refresh tokens for
    30 days (inferred); lockout 5 failures for 5 minutes and passwords of 7 characters
    with a digit (documented); reset tokens for a day (ASP.NET Identity's default)."""

    access_token_seconds: int = 3600
    refresh_token_seconds: int = 2_592_000
    lockout_attempts: int = 5
    lockout_minutes: int = 5
    password_min_length: int = 7
    password_require_digit: bool = True
    reset_token_seconds: int = 86_400
    remember_days: int = 30


@dataclass(frozen=True)
class Optimizely:
    settings: Settings
    identities: Identities
    sessions: Sessions  # signed-in sessions by the sign-in's sid
    refresh_tokens: SingleUseTokens
    reset_tokens: SingleUseTokens  # reset and activation links
    jwt: Jwt
    clients: dict[str, str]  # client_id -> secret digest
    catalog: Catalog

    def client_ok(self, client_id: str, secret: str) -> bool:
        expected = self.clients.get(client_id)
        return expected is not None and matches(secret, expected)


async def _build(runtime: Runtime, settings: Settings) -> Optimizely:
    store = runtime.store
    lockout = LockoutPolicy(settings.lockout_attempts, settings.lockout_minutes * 60)
    clients = await Grants(store, CLIENTS).granted()
    return Optimizely(
        settings,
        Identities(store, NAMESPACE, runtime.passwords, lockout),
        Sessions(store, NAMESPACE, SessionPolicy(settings.refresh_token_seconds)),
        SingleUseTokens(store, f"{NAMESPACE}:refresh", 43),
        SingleUseTokens(store, f"{NAMESPACE}:reset", 43),
        Jwt(store, ISSUER, "RS256", MAX_TOKEN_SECONDS),
        {client["client_id"]: client["digest"] for client in clients},
        await _catalog(runtime),
    )


optimizely = VendorState(NAMESPACE, Settings, _build)


async def _catalog(runtime: Runtime) -> Catalog:
    websites = sorted((await runtime.store.tagged(WEBSITES)).values(), key=lambda w: w["order"])
    customers = await runtime.store.tagged(CUSTOMERS)
    warehouses = await runtime.store.tagged(WAREHOUSES)
    return Catalog(
        tuple(website_of(website) for website in websites),
        {customer["id"]: customer for customer in customers.values()},
        {warehouse["id"]: warehouse for warehouse in warehouses.values()},
    )


async def add_client(runtime: Runtime, client_id: str, secret: str) -> None:
    await Grants(runtime.store, CLIENTS).grant(secret, client_id, client_id=client_id)


async def add_to_catalog(runtime: Runtime, tag: str, record: dict) -> None:
    """A website, customer or warehouse by its id (a seed's again replaces it)."""
    await runtime.store.put(f"{tag}:{record['id']}", record, tags=[tag])
