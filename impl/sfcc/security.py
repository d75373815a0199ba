"""The client id (header or query) and the customer's JWT (Bearer), for connexion.

Both raise OCAPI faults rather than answer None, so that the fault names what failed;
connexion passes a fault on when no other scheme of the operation is satisfied.
"""

from __future__ import annotations

from typing import Any

from ..core.kit.runtime import runtime_of
from . import access
from .errors import UnknownClientId
from .state import sfcc


async def client_id(apikey: str, request: Any) -> dict:
    if apikey not in (await sfcc(runtime_of(request))).clients:
        raise UnknownClientId(f"The client id '{apikey}' is unknown.", clientId=apikey)
    return {"sub": apikey, "client_id": apikey}


async def customer_jwt(token: str, request: Any) -> dict:
    """The token's customer; the site comes from the path, which the router has matched."""
    state = await sfcc(runtime_of(request))
    site = state.site(request.path_params["site_id"])
    customer, claims = await access.verify(state, site, token)
    return {"sub": customer.customer_id, "customer": customer, "token": token, "claims": claims}
