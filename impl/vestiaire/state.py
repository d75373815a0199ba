"""Vestiaire's users and sessions, shaped by the settings its fixture section stores."""

from __future__ import annotations

from dataclasses import dataclass

from ..core.kit.identities import Identities, LockoutPolicy
from ..core.kit.runtime import Runtime
from ..core.kit.sessions import SessionPolicy, Sessions
from ..core.kit.vendor_state import VendorState

NAMESPACE = "vestiaire"


@dataclass(frozen=True)
class Settings:
    """Inferred defaults: no public source gives Vestiaire's real values."""

    session_lifetime_seconds: int = 30 * 86_400
    lockout_attempts: int = 5
    lockout_seconds: int = 900
    # The origins whose pages may call the API from a browser (browsers.py).
    allowed_origins: tuple[str, ...] = ()


@dataclass(frozen=True)
class Vestiaire:
    settings: Settings
    identities: Identities
    sessions: Sessions


async def _build(runtime: Runtime, settings: Settings) -> Vestiaire:
    lockout = LockoutPolicy(settings.lockout_attempts, settings.lockout_seconds)
    return Vestiaire(
        settings,
        Identities(runtime.store, NAMESPACE, runtime.passwords, lockout),
        Sessions(runtime.store, NAMESPACE, SessionPolicy(settings.session_lifetime_seconds)),
    )


# Built from the settings as last seeded, again only after a seed or reset.
vestiaire = VendorState(NAMESPACE, Settings, _build)
