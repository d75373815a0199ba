"""Vestiaire's users and live sessions, for the inspector (it issues no other token)."""

from __future__ import annotations

from ..core.kit.inventory import Inventory, inventory_of
from ..core.kit.runtime import Runtime
from .state import vestiaire


async def inventory(runtime: Runtime, limit: int) -> Inventory:
    state = await vestiaire(runtime)
    return await inventory_of(state.identities, state.sessions, limit)
