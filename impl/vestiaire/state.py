"""Vestiaire's users and sessions, shaped by the settings its fixture section stores."""

from __future__ import annotations

from dataclasses import asdict, dataclass

from impl.core.identities import Identities, LockoutPolicy
from impl.core.runtime import Runtime
from impl.core.sessions import SessionPolicy, Sessions

NAMESPACE = "vestiaire"
SETTINGS_KEY = f"{NAMESPACE}:settings"


@dataclass(frozen=True)
class Settings:
    """Inferred defaults: no public source gives Vestiaire's real values."""

    session_lifetime_seconds: int = 30 * 86_400
    lockout_attempts: int = 5
    lockout_seconds: int = 900


@dataclass(frozen=True)
class Vestiaire:
    identities: Identities
    sessions: Sessions


async def load_settings(runtime: Runtime) -> Settings:
    return Settings(**(await runtime.store.get(SETTINGS_KEY) or {}))


async def save_settings(runtime: Runtime, changes: dict) -> None:
    """Merge changes (already validated against the admin spec) into the stored settings."""
    merged = {**asdict(await load_settings(runtime)), **changes}
    await runtime.store.put(SETTINGS_KEY, merged)


async def vestiaire(runtime: Runtime) -> Vestiaire:
    settings = await load_settings(runtime)
    lockout = LockoutPolicy(settings.lockout_attempts, settings.lockout_seconds)
    return Vestiaire(
        Identities(runtime.store, NAMESPACE, runtime.passwords, lockout),
        Sessions(runtime.store, NAMESPACE, SessionPolicy(settings.session_lifetime_seconds)),
    )
