"""The `vestiaire` section of a Sessim fixture: settings and users."""

from __future__ import annotations

import secrets

from ..core.kit.runtime import Runtime
from .state import vestiaire


async def load_fixture(runtime: Runtime, section: dict) -> dict[str, int]:
    """Load a section already validated against openapi/admin.yaml's VestiaireFixture."""
    if "settings" in section:
        await vestiaire.save_settings(runtime, section["settings"])
    state = await vestiaire(runtime)
    for user in section.get("users", []):
        user_id = user.get("id") or await state.identities.id_for(user["email"], _new_user_id)
        await state.identities.upsert(user_id, user["email"], user["password"])
    return {"users": len(section.get("users", [])), "settings": int("settings" in section)}


def _new_user_id() -> str:
    """Vestiaire user ids are numeric; eight digits, never starting with 0."""
    return str(10_000_000 + secrets.randbelow(90_000_000))
