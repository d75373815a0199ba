"""The signed-in user's account (AccountsV1, `current` or its own id): what the user's
profile holds, and the profile update the storefronts and the C# SDK send (the whole
model; what it does not keep is ignored)."""

from __future__ import annotations

from starlette.responses import Response

from ..core.kit.runtime import runtime_of
from ..core.web.bodies import respond
from ..core.web.operations import request
from ..generated.dicts import optimizely as shapes
from ..generated.optimizely import AccountRequest
from .context import Caller
from .customers import CURRENT, signed_in
from .errors import BadRequest, Missing
from .models import ACCOUNTS_URI, warehouse_model
from .users import change_email

FULFILLMENT_METHODS = ("Ship", "PickUp")


def fulfillment_method(text: str) -> str:
    """Ship or PickUp as the vendor spells it, from any case (the spec's pattern)."""
    return next(m for m in FULFILLMENT_METHODS if m.casefold() == text.casefold())


def _own(caller: Caller, account_id: str) -> None:
    assert caller.user is not None
    if account_id.casefold() not in (CURRENT, caller.user.id.casefold()):
        raise Missing(f"Account {account_id} was not found.")


def account_model(caller: Caller) -> shapes.Account:
    assert caller.user is not None
    user, data = caller.user, caller.data
    profile = user.profile
    warehouse = caller.state.catalog.warehouses.get(profile.get("defaultWarehouseId") or "")
    return {
        "uri": caller.link(f"{ACCOUNTS_URI}/{user.id}"),
        "id": user.id,
        "email": profile.get("email", ""),
        "userName": profile.get("userName", user.login),
        "password": None,
        "isSubscribed": bool(profile.get("isSubscribed")),
        "isGuest": False,
        "firstName": profile.get("firstName", ""),
        "lastName": profile.get("lastName", ""),
        "role": next(iter(profile.get("roles", [])), ""),
        "billToId": data.get("billTo"),
        "shipToId": data.get("shipTo"),
        "activationStatus": "Activated",
        "lastLoginOn": profile.get("lastLoginDate"),
        "setDefaultCustomer": False,
        "defaultCustomerId": profile.get("default_customer"),
        "defaultFulfillmentMethod": profile.get("defaultFulfillmentMethod", "Ship"),
        "defaultWarehouseId": warehouse["id"] if warehouse else None,
        "defaultWarehouse": warehouse_model(caller, warehouse) if warehouse else None,
        "properties": {},
    }


async def get_account(accountId: str, token_info: dict | None = None) -> Response:
    caller = await signed_in(token_info)
    _own(caller, accountId)
    return respond(account_model(caller), 200)


async def update_account(
    accountId: str, body: AccountRequest, token_info: dict | None = None
) -> Response:
    caller = await signed_in(token_info)
    _own(caller, accountId)
    assert caller.user is not None
    old_email = caller.user.profile.get("email")
    changes = _changes(caller, body)
    if changes:
        updated = await caller.state.identities.update_profile(caller.user.id, changes)
        caller.user = updated or caller.user
    if body.email:
        await change_email(runtime_of(request).store, old_email, body.email, caller.user.id)
    return respond(account_model(caller), 200)


def _changes(caller: Caller, body: AccountRequest) -> dict:
    """The profile fields the body sets, checked as the account handlers check them (400)."""
    assert caller.user is not None
    changes: dict = {}
    if body.email is not None:
        if "@" not in body.email.strip("@"):
            raise BadRequest("Email address is invalid.")
        changes["email"] = body.email
    for key in ("firstName", "lastName", "isSubscribed"):
        if getattr(body, key) is not None:
            changes[key] = getattr(body, key)
    if body.defaultFulfillmentMethod:
        changes["defaultFulfillmentMethod"] = fulfillment_method(body.defaultFulfillmentMethod)
    if body.defaultWarehouseId:
        warehouse = caller.state.catalog.warehouses.get(body.defaultWarehouseId)
        if warehouse is None or not warehouse.get("allowPickup", True):
            raise BadRequest(f"Warehouse {body.defaultWarehouseId} is not a pick-up location.")
        changes["defaultWarehouseId"] = warehouse["id"]
    if body.setDefaultCustomer and body.defaultCustomerId:
        if body.defaultCustomerId not in caller.user.profile.get("customers", []):
            raise BadRequest("The customer is not assigned to this user.")
        changes["default_customer"] = body.defaultCustomerId
    return changes
