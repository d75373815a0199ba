"""Optimizely's users, sign-ins and unspent refresh and reset tokens, for the inspector.
Access tokens are JWTs that Sessim does not keep, so none is listed."""

from __future__ import annotations

from ..core.kit.inventory import Inventory, inventory_of, tokens
from ..core.kit.runtime import Runtime
from .state import optimizely


async def inventory(runtime: Runtime, limit: int) -> Inventory:
    state = await optimizely(runtime)
    unspent = [
        *tokens("refresh_token", await state.refresh_tokens.newest(limit)),
        *tokens("resetToken", await state.reset_tokens.newest(limit)),
    ]
    return await inventory_of(state.identities, state.sessions, limit, unspent)
