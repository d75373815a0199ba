"""The signed-in user's billTos and their shipTos (BillTosV1, ShipTosV1): the customers
assigned to the user, `current` being the session's, at the URLs a session's `billTo.uri`,
`shipTosUri` and `shipTo.uri` name. Anything not the user's is not found, as the
collection a user sees holds only theirs."""

from __future__ import annotations

from starlette.responses import Response

from ..core.web.bodies import respond
from ..core.web.operations import request
from ..generated.dicts import optimizely as shapes
from .context import Caller, current
from .errors import DENIED, Denied, Missing
from .models import BILL_TOS_URI, bill_to_model, ship_to_model
from .paging import expanded, paged

CURRENT = "current"


async def signed_in(token_info: dict | None) -> Caller:
    """The caller, who must have signed in (a bearer alone is no user)."""
    caller = await current(request, token_info)
    if not caller.signed_in:
        raise Denied(DENIED)
    return caller


def assigned(caller: Caller) -> list[shapes.OptimizelyCustomer]:
    """The user's billTos, by customer number."""
    assert caller.user is not None
    customers = caller.state.catalog.customers
    ids = [c for c in caller.user.profile.get("customers", []) if c in customers]
    return sorted((customers[c] for c in ids), key=lambda c: c["customerNumber"])


def bill_to_of(caller: Caller, bill_to_id: str) -> shapes.OptimizelyCustomer:
    wanted = caller.data.get("billTo") if bill_to_id.casefold() == CURRENT else bill_to_id
    wanted = (wanted or "").casefold()
    found = next((c for c in assigned(caller) if c["id"].casefold() == wanted), None)
    if found is None:
        raise Missing(f"Bill-to {bill_to_id} was not found.")
    return found


def ship_to_of(
    caller: Caller, customer: shapes.OptimizelyCustomer, ship_to_id: str
) -> shapes.OptimizelyShipTo:
    current_one = customer["id"] == caller.data.get("billTo") and ship_to_id.casefold() == CURRENT
    wanted = (caller.data.get("shipTo") if current_one else ship_to_id) or ""
    ship_tos = _ship_tos(customer)
    found = next((s for s in ship_tos if s["id"].casefold() == wanted.casefold()), None)
    if found is None:
        raise Missing(f"Ship-to {ship_to_id} was not found for the bill-to.")
    return found


def _bill_to(
    caller: Caller, customer: shapes.OptimizelyCustomer, expand: set[str]
) -> shapes.BillTo:
    profile = caller.user.profile if caller.user else {}
    ship_tos: list[shapes.ShipTo | None] | None = None
    if "shiptos" in expand:
        ship_tos = [ship_to_model(caller, customer, one, profile) for one in _ship_tos(customer)]
    return bill_to_model(caller, customer, profile, ship_tos)


def _ship_tos(customer: shapes.OptimizelyCustomer) -> list[shapes.OptimizelyShipTo]:
    return customer.get("shipTos", [])


async def get_bill_tos(
    expand: str | None = None, page: int = 1, pageSize: int = 16, token_info: dict | None = None
) -> Response:
    caller = await signed_in(token_info)
    wanted = expanded(expand)
    customers, pagination = paged(assigned(caller), page, pageSize, request.url)
    body: shapes.BillToCollection = {
        "uri": caller.link(BILL_TOS_URI),
        "pagination": pagination,
        "billTos": [_bill_to(caller, customer, wanted) for customer in customers],
        "properties": {},
    }
    return respond(body, 200)


async def get_bill_to(
    billToId: str, expand: str | None = None, token_info: dict | None = None
) -> Response:
    caller = await signed_in(token_info)
    return respond(_bill_to(caller, bill_to_of(caller, billToId), expanded(expand)), 200)


async def get_ship_tos(
    billToId: str, page: int = 1, pageSize: int = 16, token_info: dict | None = None
) -> Response:
    caller = await signed_in(token_info)
    customer = bill_to_of(caller, billToId)
    profile = caller.user.profile if caller.user else {}
    ship_tos, pagination = paged(_ship_tos(customer), page, pageSize, request.url)
    body: shapes.ShipToCollection = {
        "uri": caller.link(f"{BILL_TOS_URI}/{customer['id']}/shiptos"),
        "pagination": pagination,
        "shipTos": [ship_to_model(caller, customer, s, profile) for s in ship_tos],
        "properties": {},
    }
    return respond(body, 200)


async def get_ship_to(billToId: str, shipToId: str, token_info: dict | None = None) -> Response:
    caller = await signed_in(token_info)
    customer = bill_to_of(caller, billToId)
    ship_to = ship_to_of(caller, customer, shipToId)
    profile = caller.user.profile if caller.user else {}
    return respond(ship_to_model(caller, customer, ship_to, profile), 200)
