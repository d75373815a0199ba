"""What the admin API shows of Optimizely's state: a user, as the vendor keeps it."""

from __future__ import annotations

from ..core.kit.runtime import Runtime
from .state import optimizely


async def user_view(runtime: Runtime, user_name: str) -> dict | None:
    """`GET /_admin/views/optimizely/user?key=<userName>`: the account state, the last login
    time and the defaults the storefront changes (default customer, dashboard)."""
    state = await optimizely(runtime)
    user = await state.identities.by_login(user_name)
    if user is None:
        return None
    locked_until = await state.identities.locked_until(user.id)
    return {
        "userProfileId": user.id,
        "status": user.status,
        "lockedOut": locked_until is not None,
        **user.profile,
    }
