"""The storefront's view of a session, for the admin API: what a storefront request with
that dwsid would see."""

from __future__ import annotations

from ..core.kit.runtime import Runtime
from .baskets import document as basket_document
from .state import Sfcc, sfcc


async def storefront(state: Sfcc, session_id: str) -> dict | None:
    """What a storefront request with this dwsid sees (BasketMgr.getCurrentBasket()): the
    session's customer and basket. A guest's basket keeps its sensitive data only when it
    was made before the session (secured for it); a registered customer's always does."""
    for site in state.sites.values():
        session = await site.sessions.get(session_id)
        if session is None:
            continue
        guest = session.data["guest"]
        basket = await site.baskets.of_customer(session.subject)
        shown = None
        if basket is not None:
            secured = not guest or session.data.get("secured_basket") == basket["basket_id"]
            shown = basket_document(basket, sensitive=secured)
        return {
            "site": site.id,
            "customer": {"customer_id": session.subject, "guest": guest},
            "basket": shown,
        }
    return None


async def storefront_view(runtime: Runtime, session_id: str) -> dict | None:
    """The admin API's `storefront` view of SFCC, keyed by dwsid."""
    return await storefront(await sfcc(runtime), session_id)
