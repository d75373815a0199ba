"""Baskets, as far as the session bridge needs them: one per customer, a billing address
(the sensitive data), and the sessions it is secured for.

Store layout, per site: `sfcc:<site>:basket:<basket_id>` the basket; `sfcc:<site>:
basket-of:<customer_id>` its id, added atomically so that a customer has one basket.
"""

from __future__ import annotations

import secrets

from ..core.kit.errors import Conflict, NotFound
from ..core.kit.store import Store
from ..generated.dicts import sfcc as shapes
from .errors import VERSION, Fault
from .views import timestamp


class BasketsQuotaExceeded(Fault, Conflict):
    type_name, status = "CustomerBasketsQuotaExceededException", 400


class BasketNotFound(Fault, NotFound):
    type_name, status = "BasketNotFoundException", 404


class Baskets:
    def __init__(self, store: Store, namespace: str) -> None:
        self._store = store
        self._ns = namespace

    def _key(self, basket_id: str) -> str:
        return f"{self._ns}:basket:{basket_id}"

    def _owner_key(self, customer_id: str) -> str:
        return f"{self._ns}:basket-of:{customer_id}"

    async def create(self, customer_id: str) -> dict:
        """The customer's new basket; CustomerBasketsQuotaExceededException when one is open
        (of concurrent creators, one wins)."""
        basket_id = secrets.token_hex(13)
        if not await self._store.add(self._owner_key(customer_id), basket_id):
            raise BasketsQuotaExceeded(
                "The customer already has an open basket.", customerId=customer_id
            )
        now = timestamp(await self._store.now())
        basket: dict = {
            "basket_id": basket_id,
            "customer_id": customer_id,
            "creation_date": now,
            "last_modified": now,
            "billing_address": None,
            "secured_for": [],  # storefront sessions that may read its sensitive data
        }
        await self._store.put(self._key(basket_id), basket)
        return basket

    async def of_customer(self, customer_id: str) -> dict | None:
        basket_id = await self._store.get(self._owner_key(customer_id))
        return await self._store.get(self._key(basket_id)) if basket_id else None

    async def owned(self, basket_id: str, customer_id: str) -> dict:
        """The basket if it is this customer's; BasketNotFoundException otherwise (another
        customer's basket is not told apart from none)."""
        basket = await self._store.get(self._key(basket_id))
        if basket is None or basket["customer_id"] != customer_id:
            raise BasketNotFound(f"No basket '{basket_id}'.", basketId=basket_id)
        return basket

    async def update(self, basket: dict, changes: dict) -> dict:
        """Merge changes in place; a basket gone meanwhile stays gone (404)."""
        now = timestamp(await self._store.now())
        updated = {**basket, **changes, "last_modified": now}
        if not await self._store.replace(self._key(basket["basket_id"]), updated):
            raise BasketNotFound(
                f"No basket '{basket['basket_id']}'.", basketId=basket["basket_id"]
            )
        return updated


def document(basket: dict, sensitive: bool = True) -> shapes.Basket:
    """The basket document; without sensitive data, the billing address is left out."""
    body: shapes.Basket = {
        "_v": VERSION,
        "_type": "basket",
        "basket_id": basket["basket_id"],
        "creation_date": basket["creation_date"],
        "currency": "USD",
        "customer_info": {"customer_id": basket["customer_id"]},
        "last_modified": basket["last_modified"],
    }
    if sensitive and basket["billing_address"] is not None:
        body["billing_address"] = basket["billing_address"]
    return body
