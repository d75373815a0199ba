"""The SessionModel and its nested models, built as the vendor's JSON (camelCase names,
`uri` and `properties` on every model), typed by the spec's schemas (generated/dicts):
dicts rather than models, as the session is every call's answer."""

from __future__ import annotations

from ..generated.dicts import optimizely as shapes
from .catalog import DEFAULT_PERSONA, Catalog
from .context import Caller
from .users import UserFields, user_fields

SESSION_URI = "/api/v1/sessions/current"
WEBSITE_URI = "/api/v1/websites/current"
LANGUAGES_URI = f"{WEBSITE_URI}/languages"
CURRENCIES_URI = f"{WEBSITE_URI}/currencies"
BILL_TOS_URI = "/api/v1/billtos"
WAREHOUSES_URI = "/api/v1/warehouses"
ACCOUNTS_URI = "/api/v1/accounts"
ANONYMOUS_USER: UserFields = {
    "userName": "",
    "userProfileId": None,
    "userLabel": "",
    "userRoles": "",
    "userRolesTranslated": "",
    "email": "",
    "firstName": "",
    "lastName": "",
    "isSalesPerson": False,
    "hasDefaultCustomer": False,
    "dashboardIsHomepage": None,
}


def session_model(caller: Caller) -> shapes.Session:
    signed_in = caller.signed_in
    data = caller.data if signed_in else {}
    catalog = caller.state.catalog
    user = user_fields(caller.user) if signed_in and caller.user else ANONYMOUS_USER
    bill_to = catalog.customers.get(data.get("billTo") or "")
    ship_to = catalog.ship_to(bill_to["id"], data.get("shipTo") or "") if bill_to else None
    profile = caller.user.profile if signed_in and caller.user else {}
    warehouse = catalog.warehouses.get(data.get("pickUpWarehouse") or "")
    return {
        "uri": caller.link(SESSION_URI),
        "isAuthenticated": signed_in,
        "hasRfqUpdates": False,
        **user,
        "password": None,
        "newPassword": None,
        "resetPassword": False,
        "activateAccount": False,
        "resetToken": None,
        "displayChangeCustomerLink": signed_in
        and not data.get("punchOut")
        and _has_choice(catalog, profile),
        "redirectToChangeCustomerPageOnSignIn": signed_in
        and bool(profile.get("customers"))
        and (bill_to is None or ship_to is None),
        "billTo": bill_to_model(caller, bill_to, profile) if bill_to else None,
        "shipTo": ship_to_model(caller, bill_to, ship_to, profile) if bill_to and ship_to else None,
        "language": language_model(caller, caller.language),
        "currency": currency_model(caller, caller.currency),
        "deviceType": "Desktop",
        "persona": DEFAULT_PERSONA["name"],
        "personas": [DEFAULT_PERSONA],
        "customLandingPage": "",
        "rememberMe": bool(data.get("rememberMe")),
        "keepMeSignedIn": bool(data.get("rememberMe")),
        "isRestrictedProductRemovedFromCart": False,
        "customerWasUpdated": bool(data.get("customerWasUpdated")),
        "isGuest": False,
        "isRestrictedProductExistInCart": False,
        "pickUpWarehouse": warehouse_model(caller, warehouse) if warehouse else None,
        "fulfillmentMethod": data.get("fulfillmentMethod") or "Ship",
        "cartReminderUnsubscribeToken": None,
        "cartReminderUnsubscribeEmail": None,
        "displayMyAccountMenu": signed_in,
        "displayPricingAndInventory": True,
        "properties": {},
    }


def _has_choice(catalog: Catalog, profile: dict) -> bool:
    """Whether the user has another billTo or shipTo to change to."""
    customers = [
        catalog.customers[c] for c in profile.get("customers", []) if c in catalog.customers
    ]
    return len(customers) > 1 or any(len(c.get("shipTos", [])) > 1 for c in customers)


def language_model(caller: Caller, language: shapes.OptimizelyLanguage) -> shapes.Language:
    website = caller.website
    return {
        "uri": caller.link(f"{LANGUAGES_URI}/{language['id']}"),
        "id": language["id"],
        "languageCode": language["languageCode"],
        "cultureCode": language.get("cultureCode", language["languageCode"]),
        "description": language.get("description", language["languageCode"]),
        "imageFilePath": "",
        "isDefault": language["id"] == website.default_language_id,
        "isLive": True,
        "properties": {},
    }


def currency_model(caller: Caller, currency: shapes.OptimizelyCurrency) -> shapes.Currency:
    website = caller.website
    return {
        "uri": caller.link(f"{CURRENCIES_URI}/{currency['id']}"),
        "id": currency["id"],
        "currencyCode": currency["currencyCode"],
        "currencySymbol": currency.get("currencySymbol", ""),
        "description": currency.get("description", currency["currencyCode"]),
        "isDefault": currency["id"] == website.default_currency_id,
        "properties": {},
    }


def _address(
    record: shapes.OptimizelyAddress, customer_number: str, sequence: str
) -> shapes.Address:
    """The address block from customerSequence on: the billTo or shipTo writes its uri, id
    and customerNumber before it."""
    first, last = record.get("firstName", ""), record.get("lastName", "")
    name = record.get("customerName", "")
    place = ", ".join(
        part for part in (record.get("address1"), record.get("city"), record.get("state")) if part
    )
    return {
        "customerSequence": sequence,
        "customerName": name,
        "companyName": record.get("companyName", ""),
        "firstName": first,
        "lastName": last,
        "address1": record.get("address1", ""),
        "address2": record.get("address2", ""),
        "city": record.get("city", ""),
        "postalCode": record.get("postalCode", ""),
        "phone": record.get("phone", ""),
        "email": record.get("email", ""),
        "contactFullName": f"{first} {last}".strip(),
        "attention": "",
        "address3": "",
        "address4": "",
        "state": _place(record.get("state")),
        "country": _place(record.get("country")),
        "fax": "",
        "fullAddress": " ".join(part for part in (name, place, record.get("postalCode")) if part),
        "label": " ".join(part for part in (customer_number, sequence, name) if part),
        "isVmiLocation": False,
        "properties": {},
    }


def _place(abbreviation: str | None) -> shapes.Place | None:
    return {"name": abbreviation, "abbreviation": abbreviation} if abbreviation else None


def bill_to_model(
    caller: Caller,
    customer: shapes.OptimizelyCustomer,
    profile: dict,
    ship_tos: list[shapes.ShipTo | None] | None = None,
) -> shapes.BillTo:
    """A billTo; its shipTos (models) only when asked for (expand=shipTos), else null."""
    uri = caller.link(f"{BILL_TOS_URI}/{customer['id']}")
    return {
        "uri": uri,
        "id": customer["id"],
        "customerNumber": customer["customerNumber"],
        **_address(customer, customer["customerNumber"], ""),
        "isDefault": customer["id"] == profile.get("default_customer"),
        "isGuest": False,
        "shipTosUri": f"{uri}/shiptos",
        "shipTos": ship_tos,
    }


def ship_to_model(
    caller: Caller,
    customer: shapes.OptimizelyCustomer,
    ship_to: shapes.OptimizelyShipTo,
    profile: dict,
) -> shapes.ShipTo:
    return {
        "uri": caller.link(f"{BILL_TOS_URI}/{customer['id']}/shiptos/{ship_to['id']}"),
        "id": ship_to["id"],
        "customerNumber": customer["customerNumber"],
        **_address(ship_to, customer["customerNumber"], ship_to.get("customerSequence", "")),
        "isDefault": ship_to["id"] == profile.get("default_ship_to"),
        "isNew": False,
        "oneTimeAddress": False,
    }


def warehouse_model(caller: Caller, warehouse: shapes.OptimizelyWarehouse) -> shapes.Warehouse:
    """As a live sandbox answers one (commerce-flutter-sdk's warehouse_test.dart): no
    coordinates kept, so zeros; nulls where nothing is set."""
    return {
        "uri": caller.link(f"{WAREHOUSES_URI}/{warehouse['id']}"),
        "id": warehouse["id"],
        "name": warehouse["name"],
        "description": warehouse.get("description", ""),
        "address1": warehouse.get("address1", ""),
        "address2": warehouse.get("address2", ""),
        "city": warehouse.get("city", ""),
        "state": warehouse.get("state", ""),
        "postalCode": warehouse.get("postalCode", ""),
        "phone": warehouse.get("phone", ""),
        "hours": warehouse.get("hours", ""),
        "contactName": warehouse.get("contactName", ""),
        "allowPickup": warehouse.get("allowPickup", True),
        "isDefault": False,
        "countryId": None,
        "shipSite": "",
        "deactivateOn": None,
        "latitude": 0.0,
        "longitude": 0.0,
        "distance": 0.0,
        "pickupShipViaId": None,
        "alternateWarehouses": [],
        "properties": {},
    }
