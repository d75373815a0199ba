"""The inspector's actions on a vendor's accounts: a session read in detail or ended, a user
unlocked or deactivated. Each acts through the vendor's own state (its Identities and
Sessions, which its inventory names), so the vendor's API sees the change at once."""

from __future__ import annotations

from ..core.kit.errors import Conflict, NotFound
from ..core.kit.identities import User
from ..core.kit.inventory import Holding
from ..core.kit.runtime import TakeInventory
from ..core.kit.sessions import Session
from ..server import Served


def inventory_of(served: Served, vendor: str) -> TakeInventory:
    """The vendor's inventory, or a 404 naming the vendor Sessim does not emulate."""
    api = served.apis.get(vendor)
    if api is None or api.inventory is None:
        raise NotFound(f"Sessim emulates no vendor {vendor!r}")
    return api.inventory


async def session(served: Served, vendor: str, session_id: str) -> Session:
    for holding in await inventory_of(served, vendor).holdings(served):
        found = await holding.sessions.get(session_id)
        if found is not None:
            return found
    raise NotFound(f"{vendor} holds no live session {session_id!r}")


async def end_session(served: Served, vendor: str, session_id: str) -> None:
    for holding in await inventory_of(served, vendor).holdings(served):
        if await holding.sessions.end(session_id) is not None:
            return
    raise NotFound(f"{vendor} holds no live session {session_id!r}")


async def unlock(served: Served, vendor: str, user_id: str) -> User:
    holding, user = await _user(served, vendor, user_id)
    await holding.identities.unlock(user.id)
    return user


async def deactivate(served: Served, vendor: str, user_id: str) -> tuple[User, float | None]:
    """The user deactivated, their sessions ended; and when their lockout ends, if locked."""
    inactive = inventory_of(served, vendor).inactive
    if inactive is None:
        raise Conflict(f"{vendor} has no inactive status for a user")
    holding, user = await _user(served, vendor, user_id)
    changed = await holding.identities.set_status(user.id, inactive)
    if changed is None:  # deleted meanwhile
        raise NotFound(f"{vendor} holds no user {user_id!r}")
    await holding.sessions.end_all(user.id)
    return changed, await holding.identities.locked_until(user.id)


async def _user(served: Served, vendor: str, user_id: str) -> tuple[Holding, User]:
    for holding in await inventory_of(served, vendor).holdings(served):
        user = await holding.identities.by_id(user_id)
        if user is not None:
            return holding, user
    raise NotFound(f"{vendor} holds no user {user_id!r}")
