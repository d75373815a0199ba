"""What a seed sets and the Storefront API only reads: websites with their languages and
currencies, customers (billTos with their shipTos) and warehouses, with their lookups."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TypeVar

from ..generated.dicts import optimizely as shapes

R = TypeVar("R", bound=Mapping[str, object])

# The persona the StartingDatabase seeds (IsDefault=1); every session shows it.
DEFAULT_PERSONA: shapes.Persona = {
    "uri": "",
    "id": "6c3d9a2a-1f4e-4b8e-9d0a-0e8c6b2f8d11",
    "name": "Default",
    "description": "Default persona",
    "isDefault": True,
    "properties": {},
}


@dataclass(frozen=True)
class Website:
    id: str
    name: str
    domains: tuple[str, ...]
    languages: tuple[shapes.OptimizelyLanguage, ...]
    currencies: tuple[shapes.OptimizelyCurrency, ...]
    default_language: str  # a languageCode
    default_currency: str  # a currencyCode
    # The origins whose pages may call the API from a browser (browsers.py).
    allowed_origins: frozenset[str] = frozenset()

    def language(self, language_id: str | None) -> shapes.OptimizelyLanguage | None:
        return _by_id(self.languages, language_id)

    def currency(self, currency_id: str | None) -> shapes.OptimizelyCurrency | None:
        return _by_id(self.currencies, currency_id)

    def language_by_code(self, code: str) -> shapes.OptimizelyLanguage | None:
        code = code.casefold()
        return next((x for x in self.languages if x["languageCode"].casefold() == code), None)

    def currency_by_code(self, code: str) -> shapes.OptimizelyCurrency | None:
        code = code.casefold()
        return next((x for x in self.currencies if x["currencyCode"].casefold() == code), None)

    @property
    def default_language_id(self) -> str:
        found = self.language_by_code(self.default_language)
        return (found or self.languages[0])["id"]

    @property
    def default_currency_id(self) -> str:
        found = self.currency_by_code(self.default_currency)
        return (found or self.currencies[0])["id"]


def _by_id(records: tuple[R, ...], record_id: str | None) -> R | None:
    """The record of this id, matched as .NET matches GUIDs: whatever the case."""
    wanted = (record_id or "").casefold()
    return next((r for r in records if str(r["id"]).casefold() == wanted), None) if wanted else None


# What a storefront shows before any website is seeded.
NO_WEBSITE = Website(
    "00000000-0000-0000-0000-000000000001",
    "Default",
    (),
    (
        {
            "id": "00000000-0000-0000-0000-0000000000e1",
            "languageCode": "en",
            "cultureCode": "en-us",
            "description": "English",
        },
    ),
    (
        {
            "id": "00000000-0000-0000-0000-0000000000c1",
            "currencyCode": "USD",
            "currencySymbol": "$",
            "description": "US Dollar",
        },
    ),
    "en",
    "USD",
)


@dataclass(frozen=True)
class Catalog:
    websites: tuple[Website, ...] = ()
    customers: dict[str, shapes.OptimizelyCustomer] = field(default_factory=dict)  # by billTo id
    warehouses: dict[str, shapes.OptimizelyWarehouse] = field(default_factory=dict)

    def website_for(self, host: str) -> Website:
        """The website whose domains hold the Host (port dropped), else the first."""
        name = host.rsplit(":", 1)[0].casefold() if host else ""
        for website in self.websites:
            if name in website.domains:
                return website
        return self.websites[0] if self.websites else NO_WEBSITE

    def website(self, website_id: str) -> Website | None:
        return next((site for site in self.websites if site.id == website_id), None)

    def ship_to(self, bill_to_id: str, ship_to_id: str) -> shapes.OptimizelyShipTo | None:
        """The shipTo of this billTo (None when it belongs to another or none)."""
        customer = self.customers.get(bill_to_id)
        ship_tos = customer.get("shipTos", []) if customer else []
        return next((s for s in ship_tos if s["id"] == ship_to_id), None)


def website_of(record: dict) -> Website:
    return Website(
        record["id"],
        record["name"],
        tuple(domain.casefold() for domain in record.get("domains", [])),
        tuple(record["languages"]),
        tuple(record["currencies"]),
        record.get("default_language") or record["languages"][0]["languageCode"],
        record.get("default_currency") or record["currencies"][0]["currencyCode"],
        frozenset(record.get("allowed_origins", [])),
    )
