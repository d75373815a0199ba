"""The current website and its languages and currencies (WebsitesV1): the models a
session's `language` and `currency` are, at the URLs their `uri` names."""

from __future__ import annotations

from starlette.responses import Response

from ..core.web.bodies import respond
from ..core.web.operations import request
from ..generated.dicts import optimizely as shapes
from .context import Caller, current
from .errors import Missing
from .models import CURRENCIES_URI, LANGUAGES_URI, WEBSITE_URI, currency_model, language_model
from .paging import expanded


def languages_model(caller: Caller) -> shapes.LanguageCollection:
    languages: list[shapes.Language | None] = [
        language_model(caller, lang) for lang in caller.website.languages
    ]
    return {"uri": caller.link(LANGUAGES_URI), "languages": languages, "properties": {}}


def currencies_model(caller: Caller) -> shapes.CurrencyCollection:
    currencies: list[shapes.Currency | None] = [
        currency_model(caller, cur) for cur in caller.website.currencies
    ]
    return {"uri": caller.link(CURRENCIES_URI), "currencies": currencies, "properties": {}}


async def get_website(expand: str | None = None, token_info: dict | None = None) -> Response:
    caller = await current(request, token_info)
    wanted = expanded(expand)
    website = caller.website
    body: shapes.Website = {
        "uri": caller.link(WEBSITE_URI),
        "languagesUri": caller.link(LANGUAGES_URI),
        "currenciesUri": caller.link(CURRENCIES_URI),
        "id": website.id,
        "name": website.name,
        "description": website.name,
        "isActive": True,
        "isRestricted": False,
        "languages": languages_model(caller) if "languages" in wanted else None,
        "currencies": currencies_model(caller) if "currencies" in wanted else None,
        "properties": {},
    }
    return respond(body, 200)


async def get_languages(token_info: dict | None = None) -> Response:
    return respond(languages_model(await current(request, token_info)), 200)


async def get_language(languageId: str, token_info: dict | None = None) -> Response:
    caller = await current(request, token_info)
    language = caller.website.language(languageId)
    if language is None:
        raise Missing(f"Language {languageId} was not found.")
    return respond(language_model(caller, language), 200)


async def get_currencies(token_info: dict | None = None) -> Response:
    return respond(currencies_model(await current(request, token_info)), 200)


async def get_currency(currencyId: str, token_info: dict | None = None) -> Response:
    caller = await current(request, token_info)
    currency = caller.website.currency(currencyId)
    if currency is None:
        raise Missing(f"Currency {currencyId} was not found.")
    return respond(currency_model(caller, currency), 200)
