"""PATCH /sessions/current: the UpdateSession handler chain, in the vendor's order."""

from __future__ import annotations

from ..core.kit.store import Store
from ..generated.optimizely import IdRef, SessionRequest
from .accounts import fulfillment_method
from .context import Caller
from .errors import BadRequest, Denied, Missing, Refused
from .passwords import change_password, reset_with_token, send_activation, send_reset


async def update(caller: Caller, store: Store, body: SessionRequest) -> None:
    _validate_punch_out(caller, body)
    if body.resetPassword and not body.resetToken:
        await send_reset(caller, store, body)
    if body.activateAccount:
        await send_activation(caller, store, body)
    if body.newPassword and not body.resetToken:
        await change_password(caller, body)
    if body.resetToken:
        await reset_with_token(caller, body)
    _set_language(caller, body)
    _set_currency(caller, body)
    if _wants(
        body, "dashboardIsHomepage", "billTo", "shipTo", "fulfillmentMethod", "pickUpWarehouse"
    ):
        if not caller.signed_in:
            raise Denied("Authorization has been denied for this request.")
        _set_customer(caller, body)
        _set_delivery(caller, body)
        await _update_user_profile(caller, body)


def _wants(body: SessionRequest, *keys: str) -> bool:
    return any(getattr(body, key) is not None for key in keys)


def _id(ref: IdRef | None) -> str | None:
    return ref.id if ref else None


def _validate_punch_out(caller: Caller, body: SessionRequest) -> None:
    """ValidatePunchout: no password reset or change, no customer change in PunchOut."""
    if not (caller.signed_in and caller.data.get("punchOut")):
        return
    if body.resetPassword or body.newPassword or _wants(body, "billTo", "shipTo"):
        raise Refused("This action is not allowed during a PunchOut session.")


def _set_language(caller: Caller, body: SessionRequest) -> None:
    wanted = _id(body.language)
    if wanted:
        language = caller.website.language(wanted)
        if language is None:
            raise Missing(f"Language {wanted} was not found.")
        caller.set_language(language)


def _set_currency(caller: Caller, body: SessionRequest) -> None:
    wanted = _id(body.currency)
    if wanted and wanted != caller.currency["id"]:
        currency = caller.website.currency(wanted)
        if currency is None:
            raise Missing(f"Currency {wanted} was not found.")
        caller.set_currency(currency)


def _set_customer(caller: Caller, body: SessionRequest) -> None:
    """SetBillTo and SetShipTo: only customers assigned to the user, the shipTo the
    billTo's; a new billTo without a shipTo takes its only shipTo, if it has one."""
    catalog, user = caller.state.catalog, caller.user
    assert user is not None  # _wants refused anonymous callers
    bill_to = caller.data.get("billTo")
    wanted_bill_to = _id(body.billTo)
    if wanted_bill_to and wanted_bill_to != bill_to:
        if wanted_bill_to not in catalog.customers:
            raise Missing(f"Bill-to customer {wanted_bill_to} was not found.")
        if wanted_bill_to not in user.profile.get("customers", []):
            raise Refused("The bill-to customer is not assigned to this user.")
        bill_to = wanted_bill_to
        ship_tos = catalog.customers[bill_to].get("shipTos", [])
        only = ship_tos[0]["id"] if len(ship_tos) == 1 else None
        caller.changes.update(billTo=bill_to, shipTo=only, customerWasUpdated=True)
    wanted_ship_to = _id(body.shipTo)
    if wanted_ship_to:
        if not bill_to or catalog.ship_to(bill_to, wanted_ship_to) is None:
            raise Missing(f"Ship-to customer {wanted_ship_to} was not found for the bill-to.")
        caller.changes.update(shipTo=wanted_ship_to, customerWasUpdated=True)


def _set_delivery(caller: Caller, body: SessionRequest) -> None:
    wanted = _id(body.pickUpWarehouse)
    if wanted:
        warehouse = caller.state.catalog.warehouses.get(wanted)
        if warehouse is None:
            raise Missing(f"Warehouse {wanted} was not found.")
        if not warehouse.get("allowPickup", True):
            raise BadRequest(f"Warehouse {wanted} is not a pick-up location.")
        caller.changes["pickUpWarehouse"] = wanted
    if body.fulfillmentMethod:
        method = fulfillment_method(body.fulfillmentMethod)
        if method == "PickUp" and not caller.data.get("pickUpWarehouse"):
            raise BadRequest("A pick-up warehouse is required to pick up.")
        caller.changes["fulfillmentMethod"] = method


async def _update_user_profile(caller: Caller, body: SessionRequest) -> None:
    """UpdateUserProfile: the dashboard as homepage, and the default customer when the
    billTo comes with isDefault (kept on the user, for every later sign-in)."""
    assert caller.user is not None
    changes: dict = {}
    if body.dashboardIsHomepage is not None:
        changes["dashboardIsHomepage"] = body.dashboardIsHomepage
    if body.billTo and body.billTo.isDefault:
        data = caller.data
        changes.update(default_customer=data.get("billTo"), default_ship_to=data.get("shipTo"))
    if changes:
        updated = await caller.state.identities.update_profile(caller.user.id, changes)
        caller.user = updated or caller.user
