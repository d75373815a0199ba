"""SFCC's customers and storefront sessions of every site, for the inspector. Its access
tokens are JWTs that Sessim does not keep, so none is listed."""

from __future__ import annotations

from ..core.kit.inventory import Holding, Inventory, latest, locks
from ..core.kit.runtime import Runtime
from .fixtures import DISABLED
from .state import sfcc


class SfccInventory:
    inactive = DISABLED  # a customer whose `enabled` is false
    session_cookie = "dwsid"
    session_header = None

    async def __call__(self, runtime: Runtime, limit: int) -> Inventory:
        sites = (await sfcc(runtime)).sites.values()
        customers, sessions = [], []
        locked: dict[str, float] = {}
        for site in sites:
            listed = await site.customers.listed(limit)
            customers += listed
            locked |= await locks(site.customers, listed)
            sessions += await site.sessions.newest(limit)
        return Inventory(customers[:limit], latest(sessions, limit), [], locked)

    async def holdings(self, runtime: Runtime) -> list[Holding]:
        sites = (await sfcc(runtime)).sites.values()
        return [Holding(site.customers, site.sessions) for site in sites]


inventory = SfccInventory()
