"""SFCC's customers and storefront sessions of every site, for the inspector. Its access
tokens are JWTs that Sessim does not keep, so none is listed."""

from __future__ import annotations

from ..core.kit.inventory import Inventory, latest
from ..core.kit.runtime import Runtime
from .state import sfcc


async def inventory(runtime: Runtime, limit: int) -> Inventory:
    sites = (await sfcc(runtime)).sites.values()
    customers = [user for site in sites for user in await site.customers.listed(limit)]
    sessions = [session for site in sites for session in await site.sessions.newest(limit)]
    return Inventory(customers[:limit], latest(sessions, limit), [])
