"""Okta's users, live sessions and unspent single-use tokens, for the inspector."""

from __future__ import annotations

from ..core.kit.inventory import Inventory, inventory_of, tokens
from ..core.kit.runtime import Runtime
from .state import okta


async def inventory(runtime: Runtime, limit: int) -> Inventory:
    state = await okta(runtime)
    unspent = [
        *tokens("sessionToken", await state.session_tokens.newest(limit)),
        *tokens("recoveryToken", await state.recovery_tokens.newest(limit)),
        *tokens("stateToken", await state.state_tokens.newest(limit)),
    ]
    return await inventory_of(state.identities, state.sessions, limit, unspent)
