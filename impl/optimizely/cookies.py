"""The context cookies the storefront sets and its clients send back (CurrentBillToId and
the rest), in ASP.NET's HttpCookie format."""

from __future__ import annotations

import time

from .state import Settings

CLEARED = "expires=Mon, 01-Jan-1900 00:00:00 GMT; path=/"
# What a sign-out removes: the customer context and the remembered user.
SIGNED_IN = (
    "CurrentBillToId",
    "CurrentShipToId",
    "CurrentFulfillmentMethod",
    "CurrentPickUpWarehouseId",
    "SetRememberedUserId",
    "PunchOutSessionId",
)


def expires(epoch: float) -> str:
    return time.strftime("%a, %d-%b-%Y %H:%M:%S GMT", time.gmtime(epoch))


def context_cookies(values: dict[str, str | None], remember_until: float | None) -> list[str]:
    """One cookie per context value; a remembered user's persist for daysToRetainUser."""
    lasting = f"; expires={expires(remember_until)}" if remember_until else ""
    return [
        f"{name}={value}{lasting}; path=/" if value else f"{name}=; {CLEARED}"
        for name, value in values.items()
    ]


def signed_in_values(data: dict, user_id: str) -> dict[str, str | None]:
    """The cookies of a signed-in session's context (data as context.py keeps it)."""
    return {
        "CurrentBillToId": data.get("billTo"),
        "CurrentShipToId": data.get("shipTo"),
        "CurrentFulfillmentMethod": data.get("fulfillmentMethod"),
        "CurrentPickUpWarehouseId": data.get("pickUpWarehouse"),
        "CurrentLanguageId": data.get("language"),
        "CurrentCurrencyId": data.get("currency"),
        "SetRememberedUserId": user_id if data.get("rememberMe") else None,
        "PunchOutSessionId": data.get("punchOut"),
    }


def remember_until(settings: Settings, data: dict, now: float) -> float | None:
    return now + settings.remember_days * 86_400 if data.get("rememberMe") else None


def signed_out() -> list[str]:
    return [f"{name}=; {CLEARED}" for name in SIGNED_IN]
